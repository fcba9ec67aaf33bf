package scap

import "encoding/binary"

// Builder encodes events in the v2 layout. It is used by the live capture
// and by tests that synthesise captures. The zero value is ready to use;
// Finish returns a slice valid until the next Begin.
type Builder struct {
	typ     uint16
	lenSize int
	vals    []byte
	lens    []uint32
	out     []byte
	hdr     [EventHeaderV2]byte
}

// Begin starts an event of type typ.
func (b *Builder) Begin(ts, tid uint64, typ uint16) {
	b.typ = typ
	b.lenSize = 2
	if info := InfoHead(typ); info != nil && info.Large() {
		b.lenSize = 4
	}
	b.vals = b.vals[:0]
	b.lens = b.lens[:0]
	binary.LittleEndian.PutUint64(b.hdr[0:], ts)
	binary.LittleEndian.PutUint64(b.hdr[8:], tid)
	binary.LittleEndian.PutUint16(b.hdr[20:], typ)
}

// Raw appends a parameter with the given bytes.
func (b *Builder) Raw(p []byte) *Builder {
	b.vals = append(b.vals, p...)
	b.lens = append(b.lens, uint32(len(p)))
	return b
}

// U8 appends a 1-byte parameter.
func (b *Builder) U8(v uint8) *Builder { return b.Raw([]byte{v}) }

// U16 appends a 2-byte parameter.
func (b *Builder) U16(v uint16) *Builder {
	b.vals = binary.LittleEndian.AppendUint16(b.vals, v)
	b.lens = append(b.lens, 2)
	return b
}

// U32 appends a 4-byte parameter.
func (b *Builder) U32(v uint32) *Builder {
	b.vals = binary.LittleEndian.AppendUint32(b.vals, v)
	b.lens = append(b.lens, 4)
	return b
}

// U64 appends an 8-byte parameter.
func (b *Builder) U64(v uint64) *Builder {
	b.vals = binary.LittleEndian.AppendUint64(b.vals, v)
	b.lens = append(b.lens, 8)
	return b
}

// I64 appends a signed 8-byte parameter (PT_ERRNO, PT_FD, PT_PID).
func (b *Builder) I64(v int64) *Builder { return b.U64(uint64(v)) }

// Str appends a NUL-terminated string (PT_CHARBUF, PT_FSPATH, ...).
func (b *Builder) Str(s string) *Builder {
	b.vals = append(b.vals, s...)
	b.vals = append(b.vals, 0)
	b.lens = append(b.lens, uint32(len(s)+1))
	return b
}

// Finish returns the encoded event.
func (b *Builder) Finish() []byte {
	n := len(b.lens)
	total := EventHeaderV2 + n*b.lenSize + len(b.vals)
	binary.LittleEndian.PutUint32(b.hdr[16:], uint32(total))
	binary.LittleEndian.PutUint32(b.hdr[22:], uint32(n))
	b.out = append(b.out[:0], b.hdr[:]...)
	for _, l := range b.lens {
		if b.lenSize == 2 {
			b.out = binary.LittleEndian.AppendUint16(b.out, uint16(l))
		} else {
			b.out = binary.LittleEndian.AppendUint32(b.out, l)
		}
	}
	b.out = append(b.out, b.vals...)
	return b.out
}
