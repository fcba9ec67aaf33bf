package output

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/traceproj/trace/fields"
)

// FormatError is a bad -p format, with sysdig's message.
type FormatError struct {
	Msg string
	// Col is the byte offset in the format (after escapes were
	// processed) where the problem starts.
	Col int
}

func (e *FormatError) Error() string { return e.Msg }

type part struct {
	lit    string
	f      *fields.Field
	width  int
	absent bool // never has a value
	hidden bool // in JSON output_fields only (AddJSONFields)
}

// Format is a compiled -p format.
type Format struct {
	// All is set by a leading '*': print every event, absent values as
	// <NA>. Without it, events lacking any field are skipped.
	All   bool
	parts []part
	keys  []int // indexes of field parts, sorted by field name, deduplicated
	// stateful is set when a field's extraction changes its own state
	// (evt.deltatime, thread.exectime...): sysdig extracts every field of
	// every event it formats, printed or not, and so must we.
	stateful bool
	// rule is set for a Falco rule output (ParseRuleOutput).
	rule bool
	// missing is the part whose field had no value the last time an
	// event was not printed.
	missing int
}

// Missing names the field whose lack of value last kept an event from
// printing ("" if none did).
func (f *Format) Missing() string {
	if f.missing < len(f.parts) && f.parts[f.missing].f != nil {
		return f.parts[f.missing].f.Name
	}
	return ""
}

// Unescape applies the escapes sysdig processes in -p formats: \n, \t,
// \e and \\ (other backslashes stay as they are).
func Unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case 'e':
				b.WriteByte(0x1b)
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ParseFormat compiles a -p format (escapes already processed).
func ParseFormat(s string) (*Format, error) {
	if s == "" {
		return nil, &FormatError{Msg: "empty formatting token"}
	}
	if s[0] == '*' {
		f, err := parse(s[1:], 1, false)
		if f != nil {
			f.All = true
		}
		return f, err
	}
	return parse(s, 0, false)
}

// ParseRuleOutput compiles the output of a Falco rule (%container.info
// already expanded): every event prints, absent values as <NA>, and a '*'
// is text; an empty output is valid; evt.around[T] is refused as filter
// only; AppendOutputFields renders the fields as Falco's output_fields.
func ParseRuleOutput(s string) (*Format, error) {
	f, err := parse(s, 0, true)
	if f != nil {
		f.All = true
	}
	return f, err
}

// parse compiles the format s, which starts at byte off of what the user
// wrote.
func parse(s string, off int, rule bool) (*Format, error) {
	f := &Format{rule: rule}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			f.parts = append(f.parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		p, n, err := parseToken(s, i, off, rule)
		if err != nil {
			return nil, err
		}
		flush()
		f.parts = append(f.parts, p)
		i += n
	}
	flush()
	f.index()
	return f, nil
}

// parseToken compiles the %[width]field token at s[i:], returning it and
// its length.
func parseToken(s string, i, off int, rule bool) (part, int, error) {
	start := i
	i++
	if i >= len(s) {
		return part{}, 0, &FormatError{Msg: "invalid formatting syntax: formatting cannot end with a %", Col: off + start}
	}
	width := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		width = min(width*10+int(s[i]-'0'), 1<<16)
		i++
	}
	if i >= len(s) && !rule {
		// (A rule output reports the empty field name instead.)
		return part{}, 0, &FormatError{Msg: "invalid formatting syntax: formatting cannot end with a number", Col: off + start}
	}
	var fld *fields.Field
	var n int
	var err error
	if j := strings.IndexByte(s[i:], '('); rule && j > 0 && fields.IsTransformer(s[i:i+j]) {
		// A transformed field (current Falco): %toupper(proc.name).
		depth, end := 0, -1
		for k := i + j; k < len(s) && end < 0; k++ {
			switch s[k] {
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					end = k + 1
				}
			}
		}
		if end < 0 {
			return part{}, 0, &FormatError{Msg: "invalid formatting token " + s[i:] + ": unclosed parenthesis", Col: off + i}
		}
		fld, err = fields.ParseExpr(s[i:end])
		n = end - i
		if err == nil && fld.Type != fields.TCharbuf {
			// Current Falco prints a transformer's number (len) as
			// <NA> in outputs.
			return part{f: fld, width: width, absent: true}, i + n - start, nil
		}
	} else {
		fld, n, err = fields.Parse(s[i:])
	}
	if err != nil {
		if errors.Is(err, fields.ErrNotFound) {
			return part{}, 0, &FormatError{Msg: "invalid formatting token " + s[i:], Col: off + i}
		}
		return part{}, 0, &FormatError{Msg: err.Error(), Col: off + i}
	}
	// sysdig shows evt.around[T] as absent; a rule output refuses it.
	_, around := fld.Around()
	if fld.FilterOnly() && (rule || !around) {
		name := s[i:]
		if rule {
			name = fld.Name
		}
		return part{}, 0, &FormatError{Msg: name + " is filter only and cannot be used as a display field", Col: off + i}
	}
	return part{f: fld, width: width, absent: around}, i + n - start, nil
}

// AddJSONFields adds fields to a rule output's JSON output_fields
// without printing them (current Falco's append_output extra_fields).
func (f *Format) AddJSONFields(names []string) error {
	for _, n := range names {
		fld, err := fields.ParseExpr(n)
		if err != nil {
			return &FormatError{Msg: "invalid extra field " + n + ": " + err.Error()}
		}
		f.parts = append(f.parts, part{f: fld, hidden: true})
	}
	f.keys = f.keys[:0]
	f.index()
	return nil
}

// jsonField is the field of part p in JSON: in rule outputs, current
// Falco lists a transformed field under the field it transforms, with
// that field's value.
func (f *Format) jsonField(p part) *fields.Field {
	if f.rule {
		return p.f.Base()
	}
	return p.f
}

// index fills keys and stateful from parts.
func (f *Format) index() {
	seen := map[string]int{}
	for i, p := range f.parts {
		if p.f == nil {
			continue
		}
		if j, ok := seen[f.jsonField(p).Name]; ok {
			// A repeated field keeps its last occurrence, as a JSON
			// object key would.
			f.keys[j] = i
			continue
		}
		seen[f.jsonField(p).Name] = len(f.keys)
		f.keys = append(f.keys, i)
	}
	sort.SliceStable(f.keys, func(a, b int) bool {
		return f.jsonField(f.parts[f.keys[a]]).Name < f.jsonField(f.parts[f.keys[b]]).Name
	})
	for _, p := range f.parts {
		if p.f != nil && p.f.Stateful() {
			f.stateful = true
		}
	}
}

// advance extracts the stateful fields among parts[from:] (once each, or
// twice for JSON), for an event that will not be printed.
func (f *Format) advance(c *fields.Ctx, parts []part, json bool) {
	var v fields.Value
	for _, p := range parts {
		if p.f == nil || p.absent || !p.f.Stateful() {
			continue
		}
		p.f.Get(c, &v)
		if json && p.f.TwiceInJSON() {
			p.f.Get(c, &v)
		}
	}
}

// Touch updates the state of the format's stateful fields for an event
// that is formatted but not printed (one a -d display filter rejects).
func (f *Format) Touch(c *fields.Ctx, json bool) {
	if !f.stateful {
		return
	}
	if json {
		for _, k := range f.keys {
			f.advance(c, f.parts[k:k+1], true)
		}
		return
	}
	f.advance(c, f.parts, false)
}

// MustParseFormat is ParseFormat for formats known to be valid.
func MustParseFormat(s string) *Format {
	f, err := ParseFormat(s)
	if err != nil {
		panic(fmt.Sprintf("format %q: %v", s, err))
	}
	return f
}

// Fields returns the fields the format uses, in order.
func (f *Format) Fields() []*fields.Field {
	var out []*fields.Field
	for _, p := range f.parts {
		if p.f != nil {
			out = append(out, p.f)
		}
	}
	return out
}

// Append renders the event in c as one line (with its newline). It
// returns false, and b unchanged, when the event is to be skipped.
func (f *Format) Append(b []byte, c *fields.Ctx) ([]byte, bool) {
	b, ok := f.AppendText(b, c)
	if !ok {
		return b, false
	}
	return append(b, '\n'), true
}

// AppendText is Append without the newline.
func (f *Format) AppendText(b []byte, c *fields.Ctx) ([]byte, bool) {
	start := len(b)
	for i, p := range f.parts {
		if p.f == nil {
			b = append(b, p.lit...)
			continue
		}
		if p.hidden {
			continue
		}
		vs := len(b)
		ok := false
		if !p.absent {
			b, ok = p.f.AppendText(c, b)
		}
		if !ok {
			if !f.All {
				if f.stateful {
					f.advance(c, f.parts[i+1:], false)
				}
				f.missing = i
				return b[:start], false
			}
			b = append(b[:vs], "<NA>"...)
		} else if f.rule {
			b = sanitizeValue(b, vs)
		}
		if p.width > 0 {
			if n := len(b) - vs; n > p.width {
				b = b[:vs+p.width]
			} else {
				for ; n < p.width; n++ {
					b = append(b, ' ')
				}
			}
		}
	}
	return b, true
}

// AppendJSON renders the event as a JSON object line: the format's fields
// as keys in name order, literal text dropped (null without fields).
func (f *Format) AppendJSON(b []byte, c *fields.Ctx) ([]byte, bool) {
	if len(f.keys) == 0 {
		// No field at all: sysdig's JSON value stays null.
		return append(b, "null\n"...), true
	}
	b, ok := f.appendObject(b, c, "")
	if !ok {
		return b, false
	}
	return append(b, '\n'), true
}

// AppendOutputFields appends Falco's output_fields object for the event
// (no newline): the fields in name order, absent ones null, and timeKey
// (evt.time or evt.time.iso8601) in its place with the event time in
// nanoseconds, whether the output uses it or not.
func (f *Format) AppendOutputFields(b []byte, c *fields.Ctx, timeKey string) []byte {
	b, _ = f.appendObject(b, c, timeKey)
	return b
}

// appendObject appends the JSON object of the format's fields, with
// timeKey, when not empty, as the event time. sysdig's -j extracts some
// fields twice and skips events lacking a field unless the format starts
// with '*'.
func (f *Format) appendObject(b []byte, c *fields.Ctx, timeKey string) ([]byte, bool) {
	start := len(b)
	b = append(b, '{')
	sep := false
	member := func(b []byte, name string) []byte {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = fields.AppendJSONString(b, []byte(name))
		return append(b, ':')
	}
	for i, k := range f.keys {
		p := f.parts[k]
		if f.rule && p.f.Base() != p.f {
			p.f, p.absent = p.f.Base(), false
		}
		if timeKey != "" && p.f.Name >= timeKey {
			b = strconv.AppendUint(member(b, timeKey), c.Ev.Ts, 10)
			name := timeKey
			timeKey = ""
			if p.f.Name == name {
				continue
			}
		}
		b = member(b, p.f.Name)
		if p.f.TwiceInJSON() && !f.rule {
			var v fields.Value
			p.f.Get(c, &v)
		}
		ok := false
		if !p.absent {
			b, ok = p.f.AppendJSON(c, b)
		}
		if !ok {
			if !f.All {
				if f.stateful {
					for _, k := range f.keys[i+1:] {
						f.advance(c, f.parts[k:k+1], true)
					}
				}
				return b[:start], false
			}
			if f.rule && (strings.HasPrefix(p.f.Name, "user.") || strings.HasPrefix(p.f.Name, "group.")) {
				// Current Falco's user and group fields say "<NA>"
				// for an unknown user; the others have null.
				b = append(b, `"<NA>"`...)
				continue
			}
			b = append(b, "null"...)
		}
	}
	if timeKey != "" {
		b = strconv.AppendUint(member(b, timeKey), c.Ev.Ts, 10)
	}
	return append(b, '}'), true
}

// sanitizeValue replaces, in the value b[from:], control characters (C0,
// DEL, C1) and invalid UTF-8 with U+FFFD, as current Falco does in text
// alerts: a process named "x\n07:00:00: Notice fake alert\x1b[1A" can
// neither forge an alert line nor move the terminal's cursor.
func sanitizeValue(b []byte, from int) []byte {
	i := from
	for i < len(b) && b[i] >= 0x20 && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b // plain printable ASCII: the common case
	}
	v := append([]byte(nil), b[i:]...)
	b = b[:i]
	for len(v) > 0 {
		r, n := utf8.DecodeRune(v)
		switch {
		case r == utf8.RuneError && n <= 1, r < 0x20, r >= 0x7f && r < 0xa0:
			b = utf8.AppendRune(b, utf8.RuneError)
		default:
			b = append(b, v[:n]...)
		}
		v = v[n:]
	}
	return b
}
