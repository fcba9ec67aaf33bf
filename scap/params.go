package scap

import "github.com/traceproj/trace/internal/bin"

// Typed parameter accessors. i is a parameter index, normally one of the
// generated constants of params_gen.go (CloneX20Ptid, OpenXName...). Each
// returns ok=false, and a zero value, when the event has no parameter i or
// the value is shorter than the type; longer values are read from their
// start, as sysdig reads them. None allocates except Str, which copies.

// Int64 reads parameter i as a signed 64-bit integer (PT_INT64, PT_FD,
// PT_PID, PT_ERRNO...).
func (e *Event) Int64(i int) (int64, bool) {
	v, ok := e.word(i, 8)
	return int64(v), ok
}

// Uint64 reads parameter i as an unsigned 64-bit integer.
func (e *Event) Uint64(i int) (uint64, bool) { return e.word(i, 8) }

// Uint32 reads parameter i as an unsigned 32-bit integer (PT_UINT32,
// PT_FLAGS32, PT_UID...).
func (e *Event) Uint32(i int) (uint32, bool) {
	v, ok := e.word(i, 4)
	return uint32(v), ok
}

// Uint16 reads parameter i as an unsigned 16-bit integer.
func (e *Event) Uint16(i int) (uint16, bool) {
	v, ok := e.word(i, 2)
	return uint16(v), ok
}

// Uint8 reads the first byte of parameter i (PT_UINT8, PT_FLAGS8, the
// family byte of a PT_SOCKADDR...).
func (e *Event) Uint8(i int) (uint8, bool) {
	v, ok := e.word(i, 1)
	return uint8(v), ok
}

// word reads the first n bytes (1, 2, 4 or 8) of parameter i as a
// little-endian number. The accessors above are wrappers small enough to
// inline, so that a read costs this one call.
func (e *Event) word(i, n int) (uint64, bool) {
	offs := e.offsets()
	if i < 0 || i+1 >= len(offs) || int(offs[i+1]-offs[i]) < n {
		return 0, false
	}
	p := e.base[e.lo+int(offs[i]) : e.lo+int(offs[i+1])]
	switch n {
	case 8:
		return bin.LE64(p), true
	case 4:
		return uint64(bin.LE32(p)), true
	case 2:
		return uint64(bin.LE16(p)), true
	}
	return uint64(p[0]), true
}

// Bytes returns the value of parameter i as stored; ok is false when there
// is no parameter i (an empty value is ok).
func (e *Event) Bytes(i int) ([]byte, bool) {
	p := e.Param(i)
	return p, p != nil
}

// CString returns parameter i up to its first NUL, without copying.
func (e *Event) CString(i int) ([]byte, bool) { return e.cstring(i) }

func (e *Event) cstring(i int) ([]byte, bool) {
	offs := e.offsets()
	if i < 0 || i+1 >= len(offs) {
		return nil, false
	}
	lo, hi := e.lo+int(offs[i]), e.lo+int(offs[i+1])
	return bin.CBytes(e.base[lo:hi:hi]), true
}

// Str returns a copy of parameter i up to its first NUL ("" without a
// parameter i).
func (e *Event) Str(i int) (string, bool) {
	p, ok := e.cstring(i)
	return string(p), ok
}

// ParamIndex finds, for each event type, its first parameter with a given
// name: by sysdig 0.29.3's table (Info) where it has the type and the name,
// else by current libs' table (InfoHead), whose parameters extend 0.29.3's
// (an event carrying fewer parameters has no such parameter: see Of). It is
// built once, when a field or filter naming the parameter is compiled, so
// that events are never searched by name.
type ParamIndex struct {
	idx [NumEventsAll]int8 // -1: no such parameter
}

// NewParamIndex indexes the parameters named name.
func NewParamIndex(name string) *ParamIndex {
	x := &ParamIndex{}
	find := func(info *EventInfo) int8 {
		if info == nil {
			return -1
		}
		for i, p := range info.Params {
			if p.Name == name {
				return int8(i)
			}
		}
		return -1
	}
	for t := range x.idx {
		x.idx[t] = find(Info(uint16(t)))
		if x.idx[t] < 0 {
			x.idx[t] = find(InfoHead(uint16(t)))
		}
	}
	return x
}

// In returns the index of the parameter in events of type t by the table,
// or -1.
func (x *ParamIndex) In(t uint16) int {
	if int(t) >= len(x.idx) {
		return -1
	}
	return int(x.idx[t])
}

// Of returns the index of the parameter in e, or -1 when e's type has none
// or e carries fewer parameters.
func (x *ParamIndex) Of(e *Event) int {
	i := x.In(e.Type)
	if i < 0 || i >= e.NumParams() {
		return -1
	}
	return i
}
