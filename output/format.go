package output

import (
	"errors"
	"fmt"
	"sort"
	"strings"

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
	f := &Format{}
	if s[0] == '*' {
		f.All = true
		s = s[1:]
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			f.parts = append(f.parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	off := 0
	if f.All {
		off = 1
	}
	for i := 0; i < len(s); {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		start := i
		i++
		if i >= len(s) {
			return nil, &FormatError{Msg: "invalid formatting syntax: formatting cannot end with a %", Col: off + start}
		}
		width := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			width = width*10 + int(s[i]-'0')
			if width > 1<<16 {
				width = 1 << 16
			}
			i++
		}
		if i >= len(s) {
			return nil, &FormatError{Msg: "invalid formatting syntax: formatting cannot end with a number", Col: off + start}
		}
		fld, n, err := fields.Parse(s[i:])
		if err != nil {
			if errors.Is(err, fields.ErrNotFound) {
				return nil, &FormatError{Msg: "invalid formatting token " + s[i:], Col: off + i}
			}
			return nil, &FormatError{Msg: err.Error(), Col: off + i}
		}
		_, around := fld.Around()
		if fld.FilterOnly() && !around {
			return nil, &FormatError{Msg: s[i:] + " is filter only and cannot be used as a display field", Col: off + i}
		}
		flush()
		// sysdig shows evt.around[T] as absent.
		f.parts = append(f.parts, part{f: fld, width: width, absent: around})
		i += n
	}
	flush()
	seen := map[string]int{}
	for i, p := range f.parts {
		if p.f == nil {
			continue
		}
		if j, ok := seen[p.f.Name]; ok {
			// A repeated field keeps its last occurrence, as a JSON
			// object key would.
			f.keys[j] = i
			continue
		}
		seen[p.f.Name] = len(f.keys)
		f.keys = append(f.keys, i)
	}
	sort.SliceStable(f.keys, func(a, b int) bool {
		return f.parts[f.keys[a]].f.Name < f.parts[f.keys[b]].f.Name
	})
	for _, p := range f.parts {
		if p.f != nil && p.f.Stateful() {
			f.stateful = true
		}
	}
	return f, nil
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
	start := len(b)
	for i, p := range f.parts {
		if p.f == nil {
			b = append(b, p.lit...)
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
				return b[:start], false
			}
			b = append(b[:vs], "<NA>"...)
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
	return append(b, '\n'), true
}

// AppendJSON renders the event as a JSON object line: the format's fields
// as keys in name order, literal text dropped.
func (f *Format) AppendJSON(b []byte, c *fields.Ctx) ([]byte, bool) {
	start := len(b)
	b = append(b, '{')
	for i, k := range f.keys {
		p := f.parts[k]
		if i > 0 {
			b = append(b, ',')
		}
		b = fields.AppendJSONString(b, []byte(p.f.Name))
		b = append(b, ':')
		if p.f.TwiceInJSON() {
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
			b = append(b, "null"...)
		}
	}
	return append(b, "}\n"...), true
}
