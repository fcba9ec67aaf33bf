package capture

import (
	"encoding/binary"

	"github.com/traceproj/trace/bpf"
)

// rawRecord builds a record the way the BPF programs lay it out.
type rawRecord struct {
	ts       uint64
	tid, pid uint32
	ret      int64
	nr       uint16
	kind     uint8
	args     []uint64 // 0 or 6
	blobs    []rawBlob
}

type rawBlob struct {
	kind, slot uint8
	data       []byte
}

func (r rawRecord) bytes() []byte {
	b := make([]byte, bpf.RecHdrSize)
	binary.LittleEndian.PutUint64(b, r.ts)
	binary.LittleEndian.PutUint32(b[8:], r.tid)
	binary.LittleEndian.PutUint32(b[12:], r.pid)
	binary.LittleEndian.PutUint64(b[16:], uint64(r.ret))
	binary.LittleEndian.PutUint16(b[28:], r.nr)
	b[30] = r.kind
	b[31] = uint8(len(r.args))
	for _, a := range r.args {
		b = binary.LittleEndian.AppendUint64(b, a)
	}
	for _, bl := range r.blobs {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(bl.data)))
		b = append(b, bl.kind, bl.slot)
		b = append(b, bl.data...)
	}
	binary.LittleEndian.PutUint32(b[24:], uint32(len(b)))
	return b
}

func sysNr(name string) uint16 {
	for nr, n := range sysNames {
		if n == name {
			return uint16(nr)
		}
	}
	panic("no syscall " + name)
}

// builderForTest collects parameters written through a pw.
type builderForTest struct {
	e *encoder
	p *pw
}

func (b *builderForTest) init() {
	if b.e == nil {
		b.e = newEncoder(0)
		b.p = &b.e.p
		b.e.b.Begin(0, 0, 0)
	}
}

func (b *builderForTest) params() [][]byte {
	b.init()
	raw := b.e.b.Finish()
	n := int(binary.LittleEndian.Uint32(raw[22:]))
	var out [][]byte
	off := 26 + 2*n
	for i := 0; i < n; i++ {
		l := int(binary.LittleEndian.Uint16(raw[26+2*i:]))
		out = append(out, raw[off:off+l])
		off += l
	}
	return out
}
