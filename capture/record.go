package capture

import (
	"encoding/binary"
	"fmt"

	"github.com/traceproj/trace/bpf"
)

// record is one decoded ring-buffer record (see bpf/events.h). Its blobs
// point into the buffer it was parsed from.
type record struct {
	ts    uint64 // boot-time ns
	tid   uint32
	pid   uint32
	ret   int64
	nr    uint16
	kind  uint8
	nargs uint8
	cpu   uint16
	args  [6]uint64
	blobs [bpf.MaxBlobs][]byte // by slot; nil when the blob is absent
	raw   []byte               // the record's bytes

	// argsUsed records whether an encoder read an argument (tests check
	// that specs which send no arguments are not read).
	argsUsed bool
}

var le = binary.LittleEndian

// parse decodes b into r.
func (r *record) parse(b []byte) error {
	if len(b) < bpf.RecHdrSize {
		return fmt.Errorf("record of %d bytes is shorter than its header", len(b))
	}
	r.ts = le.Uint64(b)
	r.tid = le.Uint32(b[8:])
	r.pid = le.Uint32(b[12:])
	r.ret = int64(le.Uint64(b[16:]))
	n := int(le.Uint32(b[24:]))
	r.nr = le.Uint16(b[28:])
	r.kind = b[30]
	r.nargs = b[31]
	r.argsUsed = false
	if n < bpf.RecHdrSize || n > len(b) {
		return fmt.Errorf("record length %d does not fit its %d bytes", n, len(b))
	}
	b = b[:n]
	r.raw = b
	off := bpf.RecHdrSize
	if r.nargs > 6 || off+8*int(r.nargs) > n {
		return fmt.Errorf("record with %d arguments does not fit its %d bytes", r.nargs, n)
	}
	r.args = [6]uint64{}
	for i := 0; i < int(r.nargs); i++ {
		r.args[i] = le.Uint64(b[off:])
		off += 8
	}
	r.blobs = [bpf.MaxBlobs][]byte{}
	for off+bpf.BlobHdrSize <= n {
		l := int(le.Uint16(b[off:]))
		slot := int(b[off+3])
		start := off + bpf.BlobHdrSize
		if start+l > n {
			return fmt.Errorf("blob of %d bytes at %d overruns the %d-byte record", l, off, n)
		}
		if slot < bpf.MaxBlobs {
			r.blobs[slot] = b[start : start+l : start+l]
		}
		off = start + l
	}
	return nil
}

// a returns argument i as sent by the BPF program.
func (r *record) a(i int) uint64 {
	r.argsUsed = true
	return r.args[i]
}

// ai returns argument i as a C int (sign-extended low 32 bits), the type
// of fds and most flags.
func (r *record) ai(i int) int64 { return int64(int32(r.a(i))) }

// blob returns the data of blob slot i, or nil.
func (r *record) blob(i int) []byte { return r.blobs[i] }
