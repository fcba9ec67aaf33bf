package fields

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// BufFormat selects how byte buffers are printed (sysdig's -A, -x, -X, -b
// and their JSON variants).
type BufFormat int

// Buffer formats, numbered as sinsp numbers them.
const (
	PFNormal       BufFormat = 0
	PFJSON         BufFormat = 1
	PFSimple       BufFormat = 2
	PFHex          BufFormat = 4
	PFHexASCII     BufFormat = 8
	PFEOLs         BufFormat = 16
	PFEOLsCompact  BufFormat = 32
	PFBase64       BufFormat = 64
	PFJSONEOLs     BufFormat = 128
	PFJSONHex      BufFormat = 256
	PFJSONHexASCII BufFormat = 512
	PFJSONBase64   BufFormat = 1024
)

// Renderer renders event parameters. It owns scratch buffers, so one
// Renderer must not be used by two goroutines at once.
type Renderer struct {
	// MaxBufLen cuts rendered byte buffers (with "...") when the format
	// is PFNormal; 0 means no limit (sysdig -v). sysdig's default is 80.
	MaxBufLen int
	// Format is the buffer format of evt.info and evt.arg.
	Format BufFormat
	// Location is the time zone of PT_ABSTIME values.
	Location *time.Location
	// Ports names ports in socket parameters (-R: PortName); nil prints
	// numbers.
	Ports    state.PortNamer
	val, res []byte
}

// NewRenderer returns a renderer with sysdig's defaults.
func NewRenderer() *Renderer {
	return &Renderer{MaxBufLen: 80, Location: time.Local}
}

func isPrint(c byte) bool { return c >= 0x20 && c <= 0x7e }

func appendDots(b, src []byte) []byte {
	for _, c := range src {
		if isPrint(c) {
			b = append(b, c)
		} else {
			b = append(b, '.')
		}
	}
	return b
}

func appendASCIIOnly(b, src []byte, compact bool) []byte {
	if !compact {
		b = append(b, '\n')
	}
	for j, c := range src {
		switch {
		case isPrint(c):
			b = append(b, c)
		case c == '\r':
			b = append(b, '\n')
		case c == '\n':
			if j > 0 && src[j-1] != '\r' {
				b = append(b, c)
			}
		}
	}
	return b
}

const hexdigits = "0123456789abcdef"

func appendHexDump(b, src []byte, ascii bool) []byte {
	for j := 0; j < len(src); j += 16 {
		b = append(b, "\n\t0x"...)
		b = append(b, hexdigits[(j>>12)&15], hexdigits[(j>>8)&15], hexdigits[(j>>4)&15], hexdigits[j&15])
		b = append(b, ':')
		n := 0
		for k := j; k < j+16 && k < len(src); k += 2 {
			b = append(b, ' ')
			if k == len(src)-1 {
				b = append(b, hexdigits[src[k]>>4], hexdigits[src[k]&15])
			} else {
				b = append(b, hexdigits[src[k]>>4], hexdigits[src[k]&15], hexdigits[src[k+1]>>4], hexdigits[src[k+1]&15])
			}
			n++
		}
		if ascii {
			for ; n < 8; n++ {
				b = append(b, "     "...)
			}
			b = append(b, ' ', ' ')
			for k := j; k < j+16 && k < len(src); k++ {
				if isPrint(src[k]) {
					b = append(b, src[k])
				} else {
					b = append(b, '.')
				}
			}
		}
	}
	return append(b, '\n')
}

// AppendBuffer renders a byte buffer in format f.
func AppendBuffer(b, src []byte, f BufFormat) []byte {
	if len(src) == 0 {
		return b
	}
	switch {
	case f&(PFHex|PFHexASCII) != 0:
		return appendHexDump(b, src, f&PFHexASCII != 0)
	case f&PFBase64 != 0:
		return base64.StdEncoding.AppendEncode(b, src)
	case f&(PFJSON|PFJSONHex|PFJSONEOLs|PFJSONHexASCII|PFJSONBase64) != 0:
		switch f {
		case PFJSONHex, PFJSONHexASCII:
			return appendHexDump(b, src, f == PFJSONHexASCII)
		case PFJSONEOLs:
			return appendASCIIOnly(b, src, false)
		case PFJSONBase64:
			return base64.StdEncoding.AppendEncode(b, src)
		}
		return appendDots(b, src)
	case f&(PFEOLs|PFEOLsCompact) != 0:
		return appendASCIIOnly(b, src, f == PFEOLsCompact)
	}
	return appendDots(b, src)
}

func appendCString(b, p []byte) []byte {
	for _, c := range p {
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return b
}

// appendSanitized copies a C string keeping only printable ASCII.
func appendSanitized(b, p []byte) []byte {
	for _, c := range p {
		if c == 0 {
			break
		}
		if isPrint(c) {
			b = append(b, c)
		}
	}
	return b
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
func le64(b []byte) uint64 {
	return uint64(le32(b)) | uint64(le32(b[4:]))<<32
}

// appendInt renders an integer per the parameter's print format; v holds
// the value sign- or zero-extended as sinsp passes it to printf.
func appendNum(b []byte, v int64, width int, signed bool, f scap.ParamFormat) []byte {
	mask := uint64(1)<<(8*uint(width)) - 1
	if width == 8 {
		mask = ^uint64(0)
	}
	switch f {
	case scap.PF_OCT:
		u := uint64(v) & mask
		if u == 0 {
			return append(b, '0')
		}
		b = append(b, '0')
		return strconv.AppendUint(b, u, 8)
	case scap.PF_HEX:
		u := uint64(v) & mask
		s := len(b)
		b = strconv.AppendUint(b, u, 16)
		for i := s; i < len(b); i++ {
			if b[i] >= 'a' && b[i] <= 'f' {
				b[i] -= 'a' - 'A'
			}
		}
		return b
	case scap.PF_10_PADDED_DEC:
		s := len(b)
		if signed {
			b = strconv.AppendInt(b, v, 10)
		} else {
			b = strconv.AppendInt(b, v, 10)
		}
		n := len(b) - s
		if n < 9 {
			neg := b[s] == '-'
			pad := 9 - n
			b = append(b, make([]byte, pad)...)
			body := s
			if neg {
				body = s + 1
			}
			copy(b[body+pad:], b[body:len(b)-pad])
			for i := body; i < body+pad; i++ {
				b[i] = '0'
			}
		}
		return b
	}
	return strconv.AppendInt(b, v, 10)
}

// Param renders parameter i of ev: the value and, when sysdig shows one in
// parentheses, the resolved form (fd name, errno name, flag names...).
// Both slices are valid until the next call.
func (r *Renderer) Param(ev *state.Event, i int) (val, res []byte) {
	return r.ParamFormat(ev, i, r.Format)
}

// ParamFormat is Param with an explicit buffer format.
func (r *Renderer) ParamFormat(ev *state.Event, i int, bf BufFormat) (val, res []byte) {
	r.val, r.res = r.appendParam(r.val[:0], r.res[:0], ev, ev.Info, ev.Event, i, bf)
	return r.val, r.res
}

// AppendInfo appends evt.info: "name=value " or "name=value(resolved) " for
// every parameter (nothing for generic syscall events).
func (r *Renderer) AppendInfo(b []byte, ev *state.Event) []byte {
	if ev.Type == scap.PPME_GENERIC_E || ev.Type == scap.PPME_GENERIC_X {
		return b
	}
	if ev.FD != nil && ev.Type&1 == 1 {
		// A write to syslog shows the decoded message instead.
		if out, ok := AppendSyslogInfo(b, ev); ok {
			return out
		}
	}
	return r.AppendArgs(b, ev)
}

// AppendArgs appends evt.args: the parameters as evt.info shows them, but
// never the decoded syslog message.
func (r *Renderer) AppendArgs(b []byte, ev *state.Event) []byte {
	if ev.Type == scap.PPME_GENERIC_E || ev.Type == scap.PPME_GENERIC_X {
		return b
	}
	n := ev.NumParams()
	if n > len(ev.Info.Params) {
		n = len(ev.Info.Params)
	}
	for i := 0; i < n; i++ {
		b = append(b, ev.Info.Params[i].Name...)
		b = append(b, '=')
		var res []byte
		r.val, res = r.appendParam(r.val[:0], r.res[:0], ev, ev.Info, ev.Event, i, r.Format)
		r.res = res
		b = append(b, r.val...)
		if len(res) > 0 {
			b = append(b, '(')
			b = append(b, res...)
			b = append(b, ')')
		}
		if i < n-1 || !ev.Current() {
			// sysdig 0.29.3 ends the list with a space; current libs
			// do not.
			b = append(b, ' ')
		}
	}
	return b
}

func (r *Renderer) appendParam(val, res []byte, ev *state.Event, info *scap.EventInfo, src *scap.Event, i int, bf BufFormat) ([]byte, []byte) {
	if i >= len(info.Params) {
		return val, res
	}
	p := src.Param(i)
	if p == nil {
		return val, res
	}
	pi := &info.Params[i]
	typ := pi.Type
	if len(p) == 0 {
		return appendEmptyParam(val, ev, typ), res
	}
	if typ == scap.PT_DYN && pi.Dyn != nil {
		if idx := int(p[0]); idx < len(pi.Dyn) {
			typ = pi.Dyn[idx].Type
			p = p[1:]
		}
	}
	if v, ok := appendIntParam(val, typ, p, pi.Format); ok {
		return v, res
	}
	if v, rs, ok := appendNamedNumParam(val, res, ev, typ, p); ok {
		return v, rs
	}
	switch typ {
	case scap.PT_FD:
		if len(p) >= 8 {
			val, res = r.appendFD(val, res, ev, int64(le64(p)), bf)
		}
	case scap.PT_CHARBUF:
		val = appendCString(val, p)
	case scap.PT_FSPATH, scap.PT_FSRELPATH:
		val = appendSanitized(val, p)
		res = r.appendResolvedPath(res, ev, info, src, pi, p)
	case scap.PT_BYTEBUF:
		val = r.appendByteBuf(val, p, bf)
	case scap.PT_SOCKADDR, scap.PT_SOCKTUPLE:
		l4 := uint8(state.L4Unknown)
		if ev.FD != nil {
			l4 = ev.FD.L4()
		}
		if typ == scap.PT_SOCKADDR {
			val = state.AppendSockaddr(val, p, l4, r.Ports)
		} else {
			val = state.AppendSocktuple(val, p, l4, r.Ports)
		}
	case scap.PT_FDLIST:
		val = appendFDList(val, ev, p)
	case scap.PT_FLAGS8, scap.PT_FLAGS16, scap.PT_FLAGS32, scap.PT_ENUMFLAGS8, scap.PT_ENUMFLAGS16, scap.PT_ENUMFLAGS32:
		val, res = appendFlagsParam(val, res, typ, p, pi.Table)
	case scap.PT_MODE:
		if len(p) >= 4 {
			v := le32(p)
			val = appendNum(val, int64(int32(v)), 4, true, pi.Format)
			res = appendFlagNames(res, pi.Table, v, false)
		}
	case scap.PT_ABSTIME:
		if len(p) >= 8 {
			val = r.appendAbsTime(val, ev, le64(p))
		}
	case scap.PT_UID, scap.PT_GID:
		if len(p) >= 4 {
			val, res = appendIDParam(val, res, ev, typ, le32(p))
		}
	case scap.PT_SIGSET:
		if len(p) >= 4 {
			val = appendSigset(val, le32(p))
		}
	case scap.PT_IPV4ADDR:
		if len(p) >= 4 {
			val = state.AppendIPv4(val, p[:4])
		}
	case scap.PT_IPV6ADDR:
		if len(p) >= 16 {
			val = state.AppendIPv6(val, p[:16])
		}
	case scap.PT_DYN:
		val = append(val, "INVALID DYNAMIC PARAMETER"...)
	default:
		val = append(val, "(n.a.)"...)
	}
	return val, res
}

// appendNamedNumParam renders the numbers that sysdig follows with a
// name (pid: the thread's comm, errno, syscall id, signal, relative
// time in seconds); ok is false for any other type.
func appendNamedNumParam(val, res []byte, ev *state.Event, typ scap.ParamType, p []byte) (_, _ []byte, ok bool) {
	eng := ev.Engine()
	switch typ {
	case scap.PT_PID:
		if len(p) >= 8 {
			pid := int64(le64(p))
			val = strconv.AppendInt(val, pid, 10)
			if eng != nil && (pid != 0 || !ev.Current()) {
				if t := eng.FindThread(pid); t != nil {
					res = append(res, t.Comm...)
				}
			}
		}
	case scap.PT_ERRNO:
		if len(p) >= 8 {
			v := int64(le64(p))
			val = strconv.AppendInt(val, v, 10)
			if v < 0 {
				if n := scap.ErrnoName(-int64(int32(v))); n != "" {
					res = append(res, n...)
				}
			}
		}
	case scap.PT_SYSCALLID:
		if len(p) >= 2 {
			id := le16(p)
			val = strconv.AppendUint(val, uint64(id), 10)
			res = append(res, syscallName(ev, id)...)
		}
	case scap.PT_SIGTYPE:
		val = strconv.AppendUint(val, uint64(p[0]), 10)
		if n := scap.SignalName(uint64(p[0])); n != "" {
			res = append(res, n...)
		}
	case scap.PT_RELTIME:
		if len(p) >= 8 {
			v := le64(p)
			if v == ^uint64(0) {
				val = append(val, "none"...)
			} else {
				val = strconv.AppendUint(val, v, 10)
				res = appendG(res, float64(v)/1e9)
				res = append(res, 's')
			}
		}
	default:
		return val, res, false
	}
	return val, res, true
}

// appendEmptyParam renders a parameter of length zero.
func appendEmptyParam(val []byte, ev *state.Event, typ scap.ParamType) []byte {
	if ev.Current() {
		// Current libs print an empty buffer or tuple as NULL and
		// any other empty parameter as having no value.
		if typ == scap.PT_BYTEBUF || typ == scap.PT_SOCKTUPLE {
			return append(val, "NULL"...)
		}
		return append(val, "<NA>"...)
	}
	if typ == scap.PT_SOCKADDR || typ == scap.PT_SOCKTUPLE {
		return append(val, "NULL"...)
	}
	return val
}

// appendIntParam renders the plain integer types; ok is false for any
// other type.
func appendIntParam(val []byte, typ scap.ParamType, p []byte, fmtp scap.ParamFormat) (_ []byte, ok bool) {
	switch typ {
	case scap.PT_INT8:
		if len(p) >= 1 {
			val = appendNum(val, int64(int8(p[0])), 1, true, fmtp)
		}
	case scap.PT_INT16:
		if len(p) >= 2 {
			val = appendNum(val, int64(int16(le16(p))), 2, true, fmtp)
		}
	case scap.PT_INT32:
		if len(p) >= 4 {
			val = appendNum(val, int64(int32(le32(p))), 4, true, fmtp)
		}
	case scap.PT_INT64:
		if len(p) >= 8 {
			val = appendNum(val, int64(le64(p)), 8, true, fmtp)
		}
	case scap.PT_UINT8, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
		if len(p) >= 1 {
			val = appendNum(val, int64(p[0]), 1, false, fmtp)
		}
	case scap.PT_UINT16, scap.PT_PORT:
		if len(p) >= 2 {
			val = appendNum(val, int64(le16(p)), 2, false, fmtp)
		}
	case scap.PT_UINT32:
		if len(p) >= 4 {
			// sinsp prints unsigned 32-bit values through a signed format
			val = appendNum(val, int64(int32(le32(p))), 4, true, fmtp)
		}
	case scap.PT_UINT64:
		if len(p) >= 8 {
			val = appendNum(val, int64(le64(p)), 8, true, fmtp)
		}
	default:
		return val, false
	}
	return val, true
}

// appendResolvedPath appends to res the absolute path a relative path
// parameter p resolves to, when it is relative.
func (r *Renderer) appendResolvedPath(res []byte, ev *state.Event, info *scap.EventInfo, src *scap.Event, pi *scap.ParamInfo, p []byte) []byte {
	t, eng := ev.Thread, ev.Engine()
	if t == nil || eng == nil {
		return res
	}
	s := cstr(p)
	if len(s) >= 4 && s[:4] == "<NA>" {
		return res
	}
	base := r.baseDir(ev, info, src, pi, t)
	if s == "" && len(p) > 0 {
		// An empty path (just its NUL) is relative to sinsp:
		// it resolves to the directory.
		s = "."
	}
	if cstr(p) == "" && ev.Current() {
		// Current libs resolve no empty path
		// (newfstatat(fd, "", AT_EMPTY_PATH)).
	} else if full, rel := state.ConcatPaths(base, s); rel {
		res = append(res, full...)
	}
	return res
}

// appendByteBuf renders a data buffer, cut at MaxBufLen in the normal
// format.
func (r *Renderer) appendByteBuf(val, p []byte, bf BufFormat) []byte {
	start := len(val)
	val = AppendBuffer(val, p, bf)
	if r.MaxBufLen > 0 && bf == PFNormal && len(val)-start > r.MaxBufLen {
		val = val[:start+r.MaxBufLen]
		if r.MaxBufLen > 3 {
			n := len(val)
			val[n-3], val[n-2], val[n-1] = '.', '.', '.'
		}
	}
	return val
}

// appendFDList renders a poll fd list: fd:type+events, space-separated.
func appendFDList(val []byte, ev *state.Event, p []byte) []byte {
	eng := ev.Engine()
	if ev.Thread == nil || eng == nil || len(p) < 2 {
		return val
	}
	n := int(le16(p))
	pos := 2
	for j := 0; j < n && pos+10 <= len(p); j++ {
		fd := int64(le64(p[pos:]))
		tch := byte('?')
		if f := eng.GetFD(ev.Thread, fd); f != nil {
			tch = f.TypeChar()
		}
		val = strconv.AppendUint(val, uint64(fd), 10)
		val = append(val, ':', tch)
		val = strconv.AppendUint(val, uint64(uint32(int32(int16(le16(p[pos+8:]))))), 16)
		if j < n-1 {
			val = append(val, ' ')
		}
		pos += 10
	}
	return val
}

// appendFlagsParam renders a flags or enum parameter and its names.
func appendFlagsParam(val, res []byte, typ scap.ParamType, p []byte, table *scap.FlagTable) ([]byte, []byte) {
	var v uint32
	switch typ {
	case scap.PT_FLAGS8, scap.PT_ENUMFLAGS8:
		v = uint32(p[0])
	case scap.PT_FLAGS16, scap.PT_ENUMFLAGS16:
		if len(p) >= 2 {
			v = uint32(le16(p))
		}
	default:
		if len(p) >= 4 {
			v = le32(p)
		}
	}
	val = strconv.AppendUint(val, uint64(v), 10)
	exact := typ == scap.PT_ENUMFLAGS8 || typ == scap.PT_ENUMFLAGS16 || typ == scap.PT_ENUMFLAGS32
	return val, appendFlagNames(res, table, v, exact)
}

// appendAbsTime renders an absolute time in nanoseconds.
func (r *Renderer) appendAbsTime(val []byte, ev *state.Event, v uint64) []byte {
	loc := r.Location
	if loc == nil {
		loc = time.Local
	}
	tm := time.Unix(int64(v/1e9), 0).In(loc)
	val = tm.AppendFormat(val, "2006-01-02 15:04:05.")
	ns := v % 1e9
	val = appendPadded(val, ns, 9)
	if !ev.Current() { // (current libs print no zone)
		val = tm.AppendFormat(val, " -0700")
	}
	return val
}

// appendIDParam renders a user or group id and its name.
func appendIDParam(val, res []byte, ev *state.Event, typ scap.ParamType, v uint32) ([]byte, []byte) {
	if v == 0xffffffff {
		return append(val, "-1"...), append(res, "<NONE>"...)
	}
	val = strconv.AppendInt(val, int64(int32(v)), 10)
	name := ""
	found := false
	if eng := ev.Engine(); ev.Thread != nil && eng != nil {
		if typ == scap.PT_UID {
			if u := eng.User(v); u != nil {
				name, found = u.Name, true
			}
		} else if g := eng.Group(v); g != nil {
			name, found = g.Name, true
		}
	}
	if found {
		return val, appendSanitized(res, []byte(name))
	}
	return val, append(res, "<NA>"...)
}

// appendSigset renders a signal mask as the names of its signals.
func appendSigset(val []byte, v uint32) []byte {
	first := true
	for sig := 0; sig < 32; sig++ {
		if v&(1<<uint(sig)) != 0 {
			if n := scap.SignalName(uint64(sig + 1)); n != "" {
				if !first {
					val = append(val, ' ')
				}
				val = append(val, n...)
				first = false
			}
		}
	}
	return val
}

func appendPadded(b []byte, v uint64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendUint(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func cstr(p []byte) string {
	for i, c := range p {
		if c == 0 {
			return string(p[:i])
		}
	}
	return string(p)
}

// appendG formats like C's "%lg" (6 significant digits, trailing zeros
// dropped, exponent form for very small or large values).
func appendG(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'g', 6, 64)
}

// appendFlagNames lists the names of the table's entries set in v, as
// sysdig does: an entry equal to the whole value ends the list, a zero
// entry matches only zero, and each match clears its bits.
func appendFlagNames(b []byte, t *scap.FlagTable, v uint32, exact bool) []byte {
	if t == nil {
		return b
	}
	if exact {
		// Enumerations (current libs' tables only) name the value: every
		// name it has (AF_LOCAL|AF_UNIX).
		sep := false
		for _, e := range t.Entries {
			if uint32(e.Value) == v {
				if sep {
					b = append(b, '|')
				}
				b = append(b, e.Name...)
				sep = true
			}
		}
		return b
	}
	sep := false
	initial := v
	i := 0
	for ; i < len(t.Entries); i++ {
		e := t.Entries[i]
		ev := uint32(e.Value)
		if ev == initial {
			break
		}
		if (exact && ev == initial) || (ev == 0 && initial == 0) || (ev != 0 && v&ev == ev && v != 0) {
			if sep {
				b = append(b, '|')
			}
			b = append(b, e.Name...)
			if exact {
				return b
			}
			sep = true
			v &^= ev
		}
	}
	if !exact && i < len(t.Entries) {
		if sep {
			b = append(b, '|')
		}
		b = append(b, t.Entries[i].Name...)
	}
	return b
}

// baseDir is the directory relative paths of parameter pi resolve against:
// the thread's cwd, or for PT_FSRELPATH the directory of its dirfd.
func (r *Renderer) baseDir(ev *state.Event, info *scap.EventInfo, src *scap.Event, pi *scap.ParamInfo, t *state.Thread) string {
	eng := ev.Engine()
	cwd := eng.Cwd(t)
	if pi.Type != scap.PT_FSRELPATH || pi.DirFD < 0 || pi.DirFD >= len(info.Params) {
		return cwd
	}
	if info.Params[pi.DirFD].Type != scap.PT_FD {
		return cwd
	}
	dp := src.Param(pi.DirFD)
	if len(dp) < 8 {
		return cwd
	}
	dirfd := int64(le64(dp))
	if dirfd == -100 {
		return cwd
	}
	f := eng.GetFD(t, dirfd)
	if f == nil || f.Name == "" {
		return ""
	}
	var b []byte
	b = appendSanitized(b, []byte(f.Name))
	return string(b) + "/"
}

func (r *Renderer) appendFD(val, res []byte, ev *state.Event, fd int64, bf BufFormat) ([]byte, []byte) {
	val = strconv.AppendInt(val, fd, 10)
	eng := ev.Engine()
	if ev.Thread == nil || eng == nil {
		return val, res
	}
	if fd >= 0 {
		f := eng.GetFD(ev.Thread, fd)
		if f == nil {
			return val, res
		}
		res = append(res, '<')
		if bf&PFSimple == 0 {
			res = append(res, f.TypeChar())
		}
		if f.IsIPSocket() {
			switch f.L4() {
			case state.L4TCP:
				res = append(res, 't')
			case state.L4UDP:
				res = append(res, 'u')
			case state.L4ICMP:
				res = append(res, 'i')
			case state.L4Raw:
				res = append(res, 'r')
			}
		}
		res = append(res, '>')
		res = appendSanitized(res, []byte(f.Name))
		return val, res
	}
	if fd == -100 {
		return val, append(res, "AT_FDCWD"...)
	}
	if n := scap.ErrnoName(-int64(int32(fd))); n != "" {
		res = append(res, n...)
	}
	return val, res
}
