package fields

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// PrintFmt is how a field's integers render as text.
type PrintFmt uint8

// Print formats (sysdig's PF_*).
const (
	PFNA PrintFmt = iota
	PFDec
	PFHexNum
	PFOct
	PFID
	PFPadDec // %09d
)

// Value is one extracted value. Integers (signed ones in two's
// complement), booleans and times are in N; doubles in F; strings, byte
// buffers and IP addresses (4 or 16 bytes) in S. S may point into scratch
// space that the next extraction reuses.
type Value struct {
	T  Type
	PF PrintFmt
	N  uint64
	F  float64
	S  []byte
}

// Int returns N as a signed integer.
func (v *Value) Int() int64 { return int64(v.N) }

// Ctx carries what extraction needs besides the event: rendering options
// and the little state some fields keep across events. One Ctx serves one
// goroutine.
type Ctx struct {
	Ev *state.Event
	// R renders event parameters (evt.info, evt.arg.*) and owns the
	// buffer format (-A, -x, ...).
	R *Renderer
	// Time renders evt.outputtime (sysdig's -t).
	Time *OutputTime
	// ResolvePorts prints port numbers as service names (-R).
	ResolvePorts bool
	// PrevTs is the timestamp of the previous event (evt.deltatime);
	// the caller updates it.
	PrevTs uint64
	// Clk formats wall-clock fields.
	Clk Clock
	// ScreenW is the width evt.latency.quantized scales to (csysdig's
	// screen); 0 when there is none.
	ScreenW int

	buf  []byte
	buf2 []byte
	// val is the value AppendText, AppendJSON and Each extract into.
	val Value
}

// NewCtx returns a context with sysdig's defaults.
func NewCtx() *Ctx {
	return &Ctx{R: NewRenderer(), Time: &OutputTime{Mode: TimeHuman}}
}

// scratch returns the context's scratch buffer, emptied.
func (c *Ctx) scratch() []byte { return c.buf[:0] }

// keep stores b as the scratch buffer so its capacity is reused.
func (c *Ctx) keep(b []byte) []byte { c.buf = b; return b }

type getter func(c *Ctx, v *Value) bool

// Field is a field reference resolved against the catalog, with its
// argument.
type Field struct {
	Def  *Def
	Name string // as written, argument included
	Arg  string // argument text ("" if none)
	// Type is the type of the values (TDynamic fields set Value.T per
	// event).
	Type Type
	PF   PrintFmt

	get getter
	// types, when not nil, marks the event types the field may have a
	// value for (see Types).
	types []bool
	each  func(c *Ctx, fn func(v *Value) bool) bool
	text  func(c *Ctx, b []byte) ([]byte, bool)
	json  func(c *Ctx, b []byte) ([]byte, bool)
	// filterOnly forbids the field in -p formats.
	filterOnly bool
	// around is evt.around's timestamp argument.
	around uint64
	// raw is the parameter description of evt.rawarg.
	raw *scap.ParamInfo
	// validate checks filter operands beyond their type (evt.type).
	validate func(s string) error
	// twiceJSON marks fields whose extraction changes their own state
	// (deltas): sysdig extracts every field twice for -j, so the JSON
	// value is the second extraction's.
	twiceJSON bool
	// stateful marks other fields whose extraction changes their state
	// (evt.outputtime in delta mode).
	stateful bool
	// sanitized marks string fields whose printed value drops the
	// unprintable bytes their filter value keeps (fd.name...): sysdig
	// hands chisels the printed one.
	sanitized bool
	// anyNE makes "!=" on a multi-valued field mean "no value equals"
	// (fd.ip, fd.port...) instead of "some value differs" (proc.aname).
	anyNE bool
	// base is the field a transformer applies to (Base).
	base *Field
}

// TwiceInJSON reports whether -j shows the field's second extraction.
func (f *Field) TwiceInJSON() bool { return f.twiceJSON }

// Sanitized reports whether the field's printed value drops unprintable
// bytes that its filter value keeps (Get); AppendText gives the printed
// one.
func (f *Field) Sanitized() bool { return f.sanitized }

// Stateful reports whether extracting the field changes its own state
// (deltas from the previous extraction), so that sysdig's values depend
// on every event it formats, printed or not.
func (f *Field) Stateful() bool { return f.twiceJSON || f.stateful }

// NoneEqualForNE reports whether "!=" means "no value equals".
func (f *Field) NoneEqualForNE() bool { return f.anyNE }

// fixArg shortens a ".name" argument to what the field really used.
func (f *Field) fixArg(arg string) {
	f.Name = f.Name[:len(f.Name)-len(f.Arg)] + arg
	f.Arg = arg
}

// Around returns evt.around's timestamp (ok false for other fields).
func (f *Field) Around() (ts uint64, ok bool) {
	return f.around, f.Def.Name == "evt.around"
}

// RawParam returns the parameter description behind evt.rawarg.NAME.
func (f *Field) RawParam() *scap.ParamInfo { return f.raw }

// Get extracts the field's value for c.Ev; false means the field has no
// value for this event.
func (f *Field) Get(c *Ctx, v *Value) bool {
	v.T, v.PF = f.Type, f.PF
	return f.get(c, v)
}

// Each calls fn for every value of the field (several for fields such as
// proc.aname without an argument); it stops when fn returns true and
// reports whether it did.
func (f *Field) Each(c *Ctx, fn func(v *Value) bool) bool {
	if f.each != nil {
		return f.each(c, fn)
	}
	v := &c.val
	if !f.Get(c, v) {
		return false
	}
	return fn(v)
}

// MultiValued reports whether filters test the field against several
// values per event.
func (f *Field) MultiValued() bool { return f.each != nil }

// threadStable are the fields whose value depends only on the event's
// thread and on state that changes only when events that modify state are
// parsed (or threads are removed, or metadata arrives).
var threadStable = map[string]bool{
	"proc.name": true, "proc.exe": true, "proc.exepath": true, "proc.pid": true,
	"proc.ppid": true, "thread.tid": true, "proc.args": true, "proc.cmdline": true,
	"proc.pname": true, "user.uid": true, "user.name": true,
	"container.id": true, "container.name": true,
}

// ThreadStable reports whether the field's value for an event is a function
// of the event's thread and the engine's state generation only, so that a
// filter made of such fields can cache its verdict per thread.
func (f *Field) ThreadStable() bool { return f.Arg == "" && threadStable[f.Name] }

// sizeStable are the fields whose value depends only on the event's thread
// and on the memory sizes and thread counts the engine tracks.
var sizeStable = map[string]bool{
	"proc.nthreads": true, "proc.nchilds": true,
	"proc.vmsize": true, "proc.vmrss": true, "proc.vmswap": true,
	"thread.vmsize": true, "thread.vmrss": true, "thread.vmsize.b": true, "thread.vmrss.b": true,
}

// SizeStable reports whether the field's value for an event is a function
// of the event's thread, the engine's state generation and its size
// generation (state.Engine.SizeGen) only.
func (f *Field) SizeStable() bool { return f.Arg == "" && sizeStable[f.Name] }

// AppendText appends the value as -p prints it; false if absent.
func (f *Field) AppendText(c *Ctx, b []byte) ([]byte, bool) {
	return f.appendAs(c, b, f.text, AppendValue)
}

// AppendJSON appends the value as -j prints it; false if absent.
func (f *Field) AppendJSON(c *Ctx, b []byte) ([]byte, bool) {
	return f.appendAs(c, b, f.json, AppendJSONValue)
}

// appendAs appends the value with the field's own renderer when it has
// one, else gets it and renders it with render.
func (f *Field) appendAs(c *Ctx, b []byte, own func(*Ctx, []byte) ([]byte, bool), render func([]byte, *Value, *Ctx) []byte) ([]byte, bool) {
	if own != nil {
		return own(c, b)
	}
	v := &c.val
	if !f.Get(c, v) {
		return b, false
	}
	return render(b, v, c), true
}

// AppendValue renders v as text the way sysdig's rawval_to_string does.
func AppendValue(b []byte, v *Value, c *Ctx) []byte {
	switch v.T {
	case TInt16, TInt32, TInt64:
		n := int64(v.N)
		switch v.T {
		case TInt16:
			n = int64(int16(n))
		case TInt32:
			n = int64(int32(n))
		}
		switch v.PF {
		case PFHexNum:
			return append(b, strings.ToUpper(strconv.FormatUint(uint64(n)&typeMask(v.T), 16))...)
		case PFOct:
			return strconv.AppendUint(b, uint64(n)&typeMask(v.T), 8)
		case PFPadDec:
			return fmt.Appendf(b, "%09d", n)
		}
		return strconv.AppendInt(b, n, 10)
	case TUint32, TPort:
		// sysdig prints these in decimal even when flagged hex, and ports
		// as numbers even with -R.
		if v.PF == PFOct {
			return strconv.AppendUint(b, v.N, 8)
		}
		return strconv.AppendUint(b, v.N, 10)
	case TUint64, TAbsTime, TRelTime:
		switch v.PF {
		case PFHexNum:
			return append(b, strings.ToUpper(strconv.FormatUint(v.N, 16))...)
		case PFOct:
			return strconv.AppendUint(b, v.N, 8)
		case PFPadDec:
			return fmt.Appendf(b, "%09d", v.N)
		}
		return strconv.AppendUint(b, v.N, 10)
	case TBool:
		if v.N != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case TDouble:
		return strconv.AppendFloat(b, v.F, 'f', 1, 64)
	case TIPAddr, TIPNet:
		return AppendIP(b, v.S)
	}
	return append(b, v.S...)
}

func typeMask(t Type) uint64 {
	switch t {
	case TInt16:
		return 0xffff
	case TInt32:
		return 0xffffffff
	}
	return ^uint64(0)
}

// AppendIP renders a 4- or 16-byte address.
func AppendIP(b, ip []byte) []byte {
	switch len(ip) {
	case 4:
		return state.AppendIPv4(b, ip)
	case 16:
		return state.AppendIPv6(b, ip)
	}
	return append(b, "<NA>"...)
}

// AppendJSONValue renders v as a JSON value.
func AppendJSONValue(b []byte, v *Value, c *Ctx) []byte {
	switch v.T {
	case TInt16, TInt32, TInt64, TUint32, TUint64, TAbsTime, TRelTime, TPort:
		// Decimal formats are JSON numbers; hex, octal and padded ones
		// are strings of their text form.
		if v.PF == PFDec || v.PF == PFID || v.PF == PFNA {
			v2 := *v
			v2.PF = PFDec
			return AppendValue(b, &v2, c)
		}
		var tmp [32]byte
		return AppendJSONString(b, AppendValue(tmp[:0], v, c))
	case TBool:
		return AppendValue(b, v, c)
	case TDouble:
		return strconv.AppendFloat(b, v.F, 'g', -1, 64)
	}
	var tmp [64]byte
	return appendJSONCppString(b, AppendValue(tmp[:0], v, c))
}

// appendJSONCppString is AppendJSONString with jsoncpp's treatment of
// bytes past ASCII, as sysdig -j prints values: each UTF-8 sequence, read
// leniently (continuation bytes are not checked), becomes \uXXXX (a
// surrogate pair past U+FFFF), and what does not decode becomes U+FFFD.
func appendJSONCppString(b []byte, s []byte) []byte {
	ascii := true
	for _, c := range s {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return AppendJSONString(b, s)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 {
			b = appendJSONByte(b, c)
			continue
		}
		cp, n := jsoncppCodepoint(s[i:])
		i += n - 1
		if cp >= 0x10000 {
			cp -= 0x10000
			b = fmt.Appendf(b, "\\u%04x\\u%04x", 0xD800+(cp>>10), 0xDC00+(cp&0x3FF))
			continue
		}
		b = fmt.Appendf(b, "\\u%04x", cp)
	}
	return append(b, '"')
}

// jsoncppCodepoint decodes the sequence at the start of s as jsoncpp
// does, returning the code point and the bytes it took.
func jsoncppCodepoint(s []byte) (rune, int) {
	const bad = 0xFFFD
	c := rune(s[0])
	cont := func(i int) rune { return rune(s[i]) & 0x3F }
	switch {
	case c < 0xE0:
		if len(s) < 2 {
			return bad, 1
		}
		cp := (c&0x1F)<<6 | cont(1)
		if cp < 0x80 {
			return bad, 2
		}
		return cp, 2
	case c < 0xF0:
		if len(s) < 3 {
			return bad, 1
		}
		cp := (c&0x0F)<<12 | cont(1)<<6 | cont(2)
		if cp >= 0xD800 && cp <= 0xDFFF || cp < 0x800 {
			return bad, 3
		}
		return cp, 3
	case c < 0xF8:
		if len(s) < 4 {
			return bad, 1
		}
		cp := (c&0x07)<<18 | cont(1)<<12 | cont(2)<<6 | cont(3)
		if cp < 0x10000 {
			return bad, 4
		}
		return cp, 4
	}
	return bad, 1
}

// AppendJSONString appends s as a JSON string literal, escaped as
// jsoncpp (sysdig's JSON writer) does.
func AppendJSONString(b []byte, s []byte) []byte {
	b = append(b, '"')
	for _, ch := range s {
		b = appendJSONByte(b, ch)
	}
	return append(b, '"')
}

// appendJSONByte appends one byte of a JSON string, escaped as jsoncpp
// escapes it.
func appendJSONByte(b []byte, ch byte) []byte {
	switch ch {
	case '"':
		return append(b, '\\', '"')
	case '\\':
		return append(b, '\\', '\\')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	if ch < 0x20 {
		return fmt.Appendf(b, "\\u%04x", ch)
	}
	return append(b, ch)
}

// argMode says what may follow a field name.
type argMode uint8

const (
	argNone argMode = iota
	argIndexOpt
	argIndex    // [N] required
	argDot      // .name required
	argDotIndex // .name or [N], required
	argBracket  // [anything] required
	argBracketOpt
	argDotOpt
	argSrcDst // optional ".src" or ".dst" (evt.abspath)
	// argDotLabel is a required ".name" of letters, digits and "/_-."
	// (k8s and mesos labels); the name may be empty.
	argDotLabel
	// argDotRestIndex is "[N]", or "." and the rest of the text (span.arg).
	argDotRestIndex
)

// impl is how a catalog field is extracted.
type impl struct {
	arg   argMode
	build func(f *Field) error
}

var impls = map[string]*impl{}

// register adds a field implementation; build completes f (getters)
// once its argument is known.
func register(name string, arg argMode, build func(f *Field) error) {
	if _, dup := impls[name]; dup {
		panic("fields: duplicate implementation of " + name)
	}
	if byName[name] == nil {
		panic("fields: " + name + " is not in the catalog")
	}
	impls[name] = &impl{arg: arg, build: build}
}

// entry is one row of a field table: a field, what may follow its name,
// and how a reference to it is completed once its argument is known.
type entry struct {
	name  string
	arg   argMode
	build func(f *Field) error
}

// get is the entry of a field without argument extracted by g.
func get(name string, pf PrintFmt, g getter) entry {
	return entry{name, argNone, func(f *Field) error {
		f.PF = pf
		f.get = g
		return nil
	}}
}

// onlyFor limits e to the event types of mask: elsewhere it has no value.
func onlyFor(mask []bool, e entry) entry {
	build := e.build
	e.build = func(f *Field) error {
		if err := build(f); err != nil {
			return err
		}
		f.types = mask
		return nil
	}
	return e
}

// eventTypesWhere marks the event types (of the 0.29.3 and current tables) for
// which pred holds on their info.
func eventTypesWhere(pred func(info *scap.EventInfo) bool) []bool {
	m := make([]bool, scap.NumEventsAll)
	for t := range m {
		for _, info := range []*scap.EventInfo{scap.Info(uint16(t)), scap.InfoHead(uint16(t))} {
			if info != nil && pred(info) {
				m[t] = true
			}
		}
	}
	return m
}

// Types returns the event types the field may have a value for, indexed
// by type (nil: any; types past the slice may have one).
func (f *Field) Types() []bool { return f.types }

// never is the entry of a field that parses but never has a value.
func never(name string, arg argMode) entry {
	return entry{name, arg, func(f *Field) error {
		f.get = func(*Ctx, *Value) bool { return false }
		return nil
	}}
}

// fieldTables are the field tables, class by class.
var fieldTables = [][]entry{
	evtTable, procTable, fdTable, fdlistTable, containerTable, k8sTable,
	syslogTable, mesosTable, spanTable, evtinTable, falcoTable,
}

func init() {
	for _, t := range fieldTables {
		for _, e := range t {
			register(e.name, e.arg, e.build)
		}
	}
}

// ErrNotFound is wrapped by Parse errors for names that match no field.
var ErrNotFound = errors.New("no such field")

// Parse resolves the field reference at the start of s: the longest
// catalog name that prefixes s, then its argument. It returns the field
// and the number of bytes it used. Errors carry sysdig's messages
// ("filter syntax error: evt.arg", "unknown event argument foo", ...).
func Parse(s string) (*Field, int, error) {
	var def *Def
	for name, d := range byName {
		if strings.HasPrefix(s, name) && (def == nil || len(name) > len(def.Name)) {
			def = d
		}
	}
	if def == nil {
		return nil, 0, fmt.Errorf("%w: %s", ErrNotFound, s)
	}
	im := impls[def.Name]
	if im == nil {
		return nil, 0, fmt.Errorf("field %s is not implemented", def.Name)
	}
	f := &Field{Def: def, Type: def.Type, PF: PFDec, filterOnly: def.Flags&FilterOnly != 0}
	n := len(def.Name)
	rest := s[n:]
	bracket := func(required bool) error {
		if !strings.HasPrefix(rest, "[") {
			if required {
				return fmt.Errorf("filter syntax error: %s", s)
			}
			return nil
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return fmt.Errorf("filter syntax error: %s", s)
		}
		f.Arg = rest[1:end]
		n += end + 1
		return nil
	}
	dot := func() {
		end := 1
		for end < len(rest) && isArgByte(rest[end]) {
			end++
		}
		f.Arg = rest[1:end]
		n += end
	}
	var err error
	switch im.arg {
	case argIndexOpt, argBracketOpt:
		err = bracket(false)
	case argIndex, argBracket:
		err = bracket(true)
	case argDot:
		if !strings.HasPrefix(rest, ".") {
			err = fmt.Errorf("filter syntax error: %s", s)
		} else {
			dot()
		}
	case argDotOpt:
		if strings.HasPrefix(rest, ".") {
			dot()
		}
	case argSrcDst:
		if strings.HasPrefix(rest, ".src") || strings.HasPrefix(rest, ".dst") {
			f.Arg = rest[1:4]
			n += 4
		}
	case argDotLabel:
		if !strings.HasPrefix(rest, ".") {
			err = fmt.Errorf("filter syntax error: %s", s)
			break
		}
		f.Arg = labelArg(rest)
		n += len(f.Arg) + 1
	case argDotRestIndex:
		switch {
		case strings.HasPrefix(rest, "["):
			err = bracket(true)
		case strings.HasPrefix(rest, "."):
			f.Arg = rest[1:]
			n += len(rest)
		default:
			err = fmt.Errorf("filter syntax error: %s", s)
		}
	case argDotIndex:
		switch {
		case strings.HasPrefix(rest, "["):
			err = bracket(true)
		case strings.HasPrefix(rest, "."):
			dot()
		default:
			err = fmt.Errorf("filter syntax error: %s", s)
		}
	}
	if err != nil {
		return nil, 0, err
	}
	f.Name = s[:n]
	if err := im.build(f); err != nil {
		return nil, 0, err
	}
	return f, len(f.Name), nil
}

// ParseExact resolves a field token that must be used whole (filters).
func ParseExact(tok string) (*Field, error) {
	f, n, err := Parse(tok)
	if err != nil {
		return nil, err
	}
	if n != len(tok) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, tok)
	}
	return f, nil
}

// labelArg is the label name after the dot that starts rest.
func labelArg(rest string) string {
	end := 1
	for end < len(rest) && (isArgByte(rest[end]) || rest[end] == '.' || rest[end] == '/') {
		end++
	}
	return rest[1:end]
}

func isArgByte(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// FilterOnly reports whether the field can be used in filters only.
func (f *Field) FilterOnly() bool { return f.filterOnly }

// argIndexValue parses the numeric argument of [N] fields.
func argNumber(f *Field) (int, error) {
	n, err := strconv.ParseInt(f.Arg, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%s is not a valid number", f.Arg)
	}
	return int(n), nil
}
