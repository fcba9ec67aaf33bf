package capture

import (
	"fmt"
	"strings"
	"testing"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// fillRun feeds records through a filler the way NextInto does, polling
// as idle after each step listed in idleAfter, and returns the events as
// "tid type name" lines in delivery order.
type fillRun struct {
	t     *testing.T
	f     *filler
	e     *encoder
	clock int64
	out   []string
}

func newFillRun(t *testing.T) *fillRun {
	r := &fillRun{t: t, e: newEncoder(0)}
	r.f = &filler{clock: func() int64 { return r.clock }}
	for nr := range r.f.wantExit {
		r.f.wantExit[nr] = true
	}
	return r
}

func (r *fillRun) emit(raw []byte, cpu uint16) {
	var ev scap.Event
	if err := ev.SetRaw(raw, cpu, 0); err != nil {
		r.t.Fatal(err)
	}
	name := ""
	info := scap.Info(ev.Type)
	for i, p := range info.Params {
		if p.Name == "name" || p.Name == "filename" {
			name = strings.TrimSuffix(string(ev.Param(i)), "\x00")
		}
	}
	r.out = append(r.out, fmt.Sprintf("%d %s%s %q", ev.Tid, info.Name, map[bool]string{true: ">", false: "<"}[ev.Type%2 == 0], name))
}

// feed adds one record and delivers what became ready.
func (r *fillRun) feed(rec rawRecord) {
	var pr record
	if err := pr.parse(rec.bytes()); err != nil {
		r.t.Fatal(err)
	}
	pr.cpu = 1
	direct, err := r.f.add(&pr, r.e)
	if err != nil {
		r.t.Fatal(err)
	}
	if direct {
		raw, err := r.e.encode(&pr)
		if err != nil {
			r.t.Fatal(err)
		}
		r.emit(raw, pr.cpu)
	}
	r.poll(false, false)
}

func (r *fillRun) poll(idle, drained bool) {
	for {
		raw, cpu, ok := r.f.next(r.e, idle, drained)
		if !ok {
			return
		}
		r.emit(raw, cpu)
	}
}

func (r *fillRun) check(want ...string) {
	r.t.Helper()
	if strings.Join(r.out, "\n") != strings.Join(want, "\n") {
		r.t.Errorf("events:\n%s\nwant:\n%s", strings.Join(r.out, "\n"), strings.Join(want, "\n"))
	}
	r.out = nil
}

const namePtr = 0x7fff1000

func openatEnter(ts uint64, tid uint32, name string) rawRecord {
	r := rawRecord{ts: ts, tid: tid, pid: tid, nr: sysNr("openat"), kind: bpf.RecEnter,
		args: []uint64{0xffffff9c, namePtr, 0, 0, 0, 0}}
	var data []byte
	if name != "-" { // "-": the probe could not read it
		data = append([]byte(name), 0)
	}
	r.blobs = []rawBlob{{bpf.BStr, 0, data}}
	return r
}

func openatExit(ts uint64, tid uint32, name string) rawRecord {
	r := openatEnter(ts, tid, name)
	r.kind, r.ret = bpf.RecExit, 3
	r.blobs = append(r.blobs, rawBlob{bpf.BFile, 1, fileInfoBlob(7, 1)})
	return r
}

func closeEnter(ts uint64, tid uint32) rawRecord {
	return rawRecord{ts: ts, tid: tid, pid: tid, nr: sysNr("close"), kind: bpf.RecEnter, args: []uint64{3, 0, 0, 0, 0, 0}}
}

// An enter whose path could not be read is completed from its exit; the
// events of other threads that came meanwhile keep their place.
func TestFillFromExit(t *testing.T) {
	r := newFillRun(t)
	r.feed(openatEnter(1, 10, "/etc/a"))
	r.check(`10 openat> "/etc/a"`) // nothing missing: delivered at once
	r.feed(openatEnter(2, 10, "-"))
	r.feed(closeEnter(3, 20))
	r.feed(openatEnter(4, 30, "-"))
	r.check() // held
	r.feed(openatExit(5, 10, "/etc/b"))
	r.check(`10 openat> "/etc/b"`, `20 close> ""`) // thread 30 holds the rest
	r.feed(openatExit(6, 30, "/etc/c"))
	r.check(`30 openat> "/etc/c"`, `10 openat< "/etc/b"`, `30 openat< "/etc/c"`)
	if st := r.f.stats(); st.Unreadable != 2 || st.Completed != 2 {
		t.Errorf("stats %+v, want 2 unreadable, 2 completed", st)
	}
	if r.f.holding() {
		t.Error("still holding")
	}
}

// An empty path (openat("")) and a null pointer are what the program
// passed, not read failures.
func TestFillEmptyAndNull(t *testing.T) {
	r := newFillRun(t)
	r.feed(openatEnter(1, 10, ""))
	null := openatEnter(2, 11, "-")
	null.args[1] = 0
	r.feed(null)
	r.check(`10 openat> ""`, `11 openat> ""`)
	if st := r.f.stats(); st.Unreadable != 0 {
		t.Errorf("stats %+v, want nothing unreadable", st)
	}
}

// The exit never comes: another record of the thread releases the enter
// as it is; so does the deadline once the rings are idle, and Stop.
func TestFillReleases(t *testing.T) {
	r := newFillRun(t)
	r.feed(openatEnter(1, 10, "-"))
	r.feed(closeEnter(2, 10)) // the openat exit was lost
	r.check(`10 openat> ""`, `10 close> ""`)

	r.feed(openatEnter(3, 10, "-"))
	r.poll(true, false)
	r.check() // within the deadline
	r.clock += holdDeadline - 1
	r.poll(false, false)
	r.check()
	r.clock++
	r.poll(false, false)
	r.check() // not idle: the exit may still be in a ring
	r.poll(true, false)
	r.check(`10 openat> ""`)

	r.feed(openatEnter(4, 10, "-"))
	r.feed(closeEnter(5, 11))
	r.poll(true, true)
	r.check(`10 openat> ""`, `11 close> ""`)

	// A failed exit read completes nothing.
	r.feed(openatEnter(6, 12, "-"))
	r.feed(openatExit(7, 12, "-"))
	r.check(`12 openat> ""`, `12 openat< ""`)
	if st := r.f.stats(); st.Unreadable != 5 || st.Completed != 0 {
		t.Errorf("stats %+v, want 5 unreadable, 0 completed", st)
	}
}

// Strings the exit cannot have (execve's, or an exit that is not
// captured) are counted and not waited for.
func TestFillNotWaited(t *testing.T) {
	r := newFillRun(t)
	ex := rawRecord{ts: 1, tid: 10, pid: 10, nr: sysNr("execve"), kind: bpf.RecEnter,
		args: []uint64{namePtr, 0, 0, 0, 0, 0}, blobs: []rawBlob{{bpf.BStr, 0, nil}}}
	r.feed(ex)
	r.check(`10 execve> ""`)
	r.f.wantExit[sysNr("openat")] = false
	r.feed(openatEnter(2, 10, "-"))
	r.check(`10 openat> ""`)
	if st := r.f.stats(); st.Unreadable != 2 || st.Completed != 0 || r.f.holding() {
		t.Errorf("stats %+v, holding %v", st, r.f.holding())
	}
}

// At most maxHeld events are held, the enter included.
func TestFillBounded(t *testing.T) {
	r := newFillRun(t)
	r.feed(openatEnter(1, 10, "-"))
	for i := 0; i < maxHeld-1; i++ {
		r.feed(closeEnter(uint64(2+i), 11))
	}
	if len(r.out) != 0 {
		t.Fatalf("%d events out before the bound", len(r.out))
	}
	r.feed(closeEnter(1<<20, 11))
	if len(r.out) != maxHeld+1 || r.out[0] != `10 openat> ""` {
		t.Fatalf("%d events out after the bound, first %q", len(r.out), r.out[0])
	}
}
