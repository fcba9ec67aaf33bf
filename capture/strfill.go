package capture

import (
	"sync/atomic"
	"time"

	"github.com/traceproj/trace/bpf"
)

// The probes read user strings (paths) without faulting pages in: at a
// syscall's entry, a path in a page the process has not touched yet
// cannot be read, and its enter event would carry an empty name. By the
// syscall's exit the kernel has copied the string itself, so the exit's
// copy of the same argument is there. The filler holds such an enter
// event, and every event after it, until the exit of the same thread
// arrives, copies the exit's string into the enter and releases the
// events in their original order. Nothing is held while no string is
// missing.

// Bounds of a hold: how many events may be held (the enter included), and
// how long the filler waits, once the rings run empty, for an exit that
// has not come (a syscall that blocks, or an exit that was dropped)
// before releasing the enter as it is.
const (
	maxHeld      = 1 << 14
	holdDeadline = 50e6 // ns of wall time
)

// strSlot is one B_STR blob of a direction's spec.
type strSlot struct {
	slot, arg uint8
	exitSlot  int8 // slot of the exit's copy of the same argument; -1 when it has none
}

// strSlots lists, per syscall and direction, the B_STR blobs, and for an
// enter whether the exit copies the same argument.
var strSlots [bpf.MaxSyscalls][2][]strSlot

func init() {
	for nr, s := range sysTable {
		for d := 0; d < 2; d++ {
			for i, b := range s.dir[d].blobs {
				if b.kind != bpf.BStr {
					continue
				}
				ss := strSlot{slot: uint8(i), arg: b.arg, exitSlot: -1}
				if d == 0 {
					for j, xb := range s.dir[1].blobs {
						if xb.kind == bpf.BStr && xb.arg == b.arg {
							ss.exitSlot = int8(j)
						}
					}
				}
				strSlots[nr][d] = append(strSlots[nr][d], ss)
			}
		}
	}
	// execve's exit runs in the new program: the strings of the old one
	// are gone, whatever slots its spec has.
	for _, name := range []string{"execve", "execveat"} {
		for _, s := range sysTable {
			if s.name == name {
				for i := range strSlots[s.nr][0] {
					strSlots[s.nr][0][i].exitSlot = -1
				}
			}
		}
	}
}

// unreadable reports which string blobs of r the probe could not read: a
// non-null pointer with no bytes copied (an empty string still has its
// NUL). fill is set when every such blob has a copy in the exit.
func unreadable(r *record) (n int, fill bool) {
	if r.kind != bpf.RecEnter && r.kind != bpf.RecExit || int(r.nr) >= len(strSlots) {
		return 0, false
	}
	fill = true
	for _, s := range strSlots[r.nr][r.kind-bpf.RecEnter] {
		if s.arg > 5 || r.args[s.arg] == 0 || len(r.blobs[s.slot]) > 0 {
			continue
		}
		n++
		if s.exitSlot < 0 {
			fill = false
		}
	}
	return n, fill && n > 0 && r.kind == bpf.RecEnter
}

// StringStats count the user strings the probes could not read.
type StringStats struct {
	Unreadable uint64 // string arguments the probes found not resident (or invalid)
	Completed  uint64 // enter strings completed from their exit
}

// heldEvent is an encoded event waiting behind a held enter, or the held
// enter itself (pending) while its exit has not come.
type heldEvent struct {
	raw     []byte
	cpu     uint16
	pending bool
	tid     uint32
	nr      uint16
	rec     record // pending: the enter, its blobs in buf and fills
	buf     []byte
	since   int64 // wall time of the hold, ns
	fills   [bpf.MaxBlobs][]byte
}

// filler holds the events behind enters with unreadable strings.
type filler struct {
	q    []*heldEvent // oldest first
	head int
	free []*heldEvent
	// wantExit[nr]: the exit of syscall nr is captured (else an enter is
	// never held: no exit would come to complete it).
	wantExit [bpf.MaxSyscalls]bool

	unreadable, completed atomic.Uint64

	clock func() int64 // wall time in ns (time.Now when nil)
}

func (f *filler) now() int64 {
	if f.clock != nil {
		return f.clock()
	}
	return time.Now().UnixNano()
}

func (f *filler) stats() StringStats {
	return StringStats{Unreadable: f.unreadable.Load(), Completed: f.completed.Load()}
}

// holding reports whether events are queued.
func (f *filler) holding() bool { return f.head < len(f.q) }

func (f *filler) get() *heldEvent {
	if n := len(f.free); n > 0 {
		h := f.free[n-1]
		f.free = f.free[:n-1]
		return h
	}
	return &heldEvent{}
}

// add takes the next record in order. It returns direct when nothing is
// held and r needs no hold: the caller then encodes and delivers r
// itself, with no copy. Otherwise r joins the queue (encoded, or pending
// when it is an enter to complete).
func (f *filler) add(r *record, e *encoder) (direct bool, err error) {
	n, fill := unreadable(r)
	if n > 0 {
		f.unreadable.Add(uint64(n))
	}
	fill = fill && f.wantExit[r.nr]
	if !fill && !f.holding() {
		return true, nil
	}
	if f.holding() {
		f.match(r, e)
	}
	h := f.get()
	if fill {
		h.pending, h.tid, h.nr, h.since = true, r.tid, r.nr, f.now()
		h.buf = append(h.buf[:0], r.raw...)
		if err := h.rec.parse(h.buf); err != nil {
			f.free = append(f.free, h)
			return false, err
		}
		h.rec.cpu = r.cpu
		h.cpu = r.cpu
		h.fills = [bpf.MaxBlobs][]byte{}
	} else {
		raw, err := e.encode(r)
		if err != nil {
			f.free = append(f.free, h)
			return false, err
		}
		h.pending = false
		h.raw = append(h.raw[:0], raw...)
		h.cpu = r.cpu
	}
	f.q = append(f.q, h)
	if len(f.q)-f.head > maxHeld {
		f.releaseHead(e)
	}
	return false, nil
}

// match completes or releases the pending enter of r's thread: its exit
// fills it; any other record of the thread (the exit was lost) releases
// it as it is.
func (f *filler) match(r *record, e *encoder) {
	if r.kind == bpf.RecSwitch {
		return // context switches name the thread leaving the CPU, not a syscall
	}
	for _, h := range f.q[f.head:] {
		if !h.pending || h.tid != r.tid {
			continue
		}
		if r.kind == bpf.RecExit && r.nr == h.nr {
			for _, s := range strSlots[h.nr][0] {
				if s.exitSlot < 0 || len(h.rec.blobs[s.slot]) > 0 || s.arg > 5 || h.rec.args[s.arg] == 0 {
					continue
				}
				if x := r.blobs[s.exitSlot]; len(x) > 0 {
					h.fills[s.slot] = append(h.fills[s.slot][:0], x...)
					h.rec.blobs[s.slot] = h.fills[s.slot]
					f.completed.Add(1)
				}
			}
		}
		f.settle(h, e)
		return
	}
}

// settle encodes a pending enter with what it has.
func (f *filler) settle(h *heldEvent, e *encoder) {
	h.pending = false
	raw, err := e.encode(&h.rec)
	if err != nil {
		h.raw = h.raw[:0] // dropped when released
		return
	}
	h.raw = append(h.raw[:0], raw...)
}

func (f *filler) releaseHead(e *encoder) {
	if h := f.q[f.head]; h.pending {
		f.settle(h, e)
	}
}

// next returns the oldest queued event when it is ready. idle says the
// rings were found empty: a pending enter older than the deadline is then
// released as it is, and with drained (the capture is stopped and every
// ring empty) every pending one is. The returned bytes are valid until
// the next call.
func (f *filler) next(e *encoder, idle, drained bool) (raw []byte, cpu uint16, ok bool) {
	for f.holding() {
		h := f.q[f.head]
		if h.pending {
			if !drained && !(idle && f.now()-h.since >= holdDeadline) {
				return nil, 0, false
			}
			f.settle(h, e)
		}
		f.q[f.head] = nil
		f.head++
		f.free = append(f.free, h)
		if !f.holding() {
			f.q, f.head = f.q[:0], 0
		}
		if len(h.raw) == 0 {
			continue // could not be encoded
		}
		return h.raw, h.cpu, true
	}
	return nil, 0, false
}
