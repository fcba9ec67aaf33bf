package capture

import (
	"fmt"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// maxEventLen keeps an encoded event inside one non-large event block
// (block body at most 64 KiB, including the cpu field and padding).
const maxEventLen = 65536 - 8

// encoder turns records into scap events. Its output is valid until the
// next call.
type encoder struct {
	b      scap.Builder
	p      pw
	bootNs uint64 // wall-clock time of boot, added to the records' boot-time stamps
}

func newEncoder(bootNs uint64) *encoder {
	e := &encoder{bootNs: bootNs}
	e.p.Builder = &e.b
	return e
}

// encode returns the v2 event (header, lengths, values) for r.
func (e *encoder) encode(r *record) ([]byte, error) {
	ts := r.ts + e.bootNs
	switch r.kind {
	case bpf.RecEnter, bpf.RecExit:
		if int(r.nr) >= len(sysTable) {
			return nil, fmt.Errorf("syscall number %d out of range", r.nr)
		}
		d := &sysTable[r.nr].dir[r.kind-bpf.RecEnter]
		e.b.Begin(ts, uint64(r.tid), d.typ)
		d.enc(&e.p, r)
	case bpf.RecProcExit:
		// The exit code as wait(2) reports it.
		code := r.ret
		sig := uint8(code & 0x7f)
		if sig == 0x7f {
			sig = 0 // stopped, not killed
		}
		e.b.Begin(ts, uint64(r.tid), scap.PPME_PROCEXIT_1_E)
		e.p.i64(code)
		e.p.i64((code >> 8) & 0xff)
		e.p.u8(sig)
		core := uint8(0)
		if code&0x80 != 0 {
			core = 1
		}
		e.p.u8(core)
	case bpf.RecSwitch:
		e.b.Begin(ts, uint64(r.tid), scap.PPME_SCHEDSWITCH_6_E)
		e.p.i64(int64(r.a(0)))
		e.p.u64(r.a(1))
		e.p.u64(r.a(2))
		e.p.u32(uint32(r.a(3)))
		e.p.u32(uint32(r.a(4)))
		e.p.u32(uint32(r.a(5)))
	default:
		return nil, fmt.Errorf("unknown record kind %d", r.kind)
	}
	raw := e.b.Finish()
	if len(raw) > maxEventLen {
		return nil, fmt.Errorf("event of %d bytes does not fit an event block", len(raw))
	}
	return raw, nil
}
