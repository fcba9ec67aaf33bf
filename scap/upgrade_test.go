package scap

import (
	"bytes"
	"testing"
)

func eventOf(t testing.TB, raw []byte) *Event {
	t.Helper()
	var e Event
	if err := e.SetRaw(append([]byte(nil), raw...), 0, 0); err != nil {
		t.Fatal(err)
	}
	return &e
}

// param returns the named parameter of an upgraded event by current
// libs' table.
func param(t *testing.T, e *Event, name string) []byte {
	t.Helper()
	i := paramByName(InfoHead(e.Type), name)
	if i < 0 || i >= e.NumParams() {
		t.Fatalf("event type %d has no parameter %s (%d params)", e.Type, name, e.NumParams())
	}
	return e.Param(i)
}

func TestUpgrade(t *testing.T) {
	var b Builder
	build := func(tid uint64, typ uint16, fill func(b *Builder)) *Event {
		b.Begin(1000, tid, typ)
		fill(&b)
		return eventOf(t, b.Finish())
	}
	u := NewUpgrader()
	up := func(e *Event) *Event {
		raw := u.Upgrade(e)
		if raw == nil {
			return nil
		}
		return eventOf(t, raw)
	}

	// An enter is held, and its parameters go into its exit.
	if up(build(7, PPME_SYSCALL_READ_E, func(b *Builder) { b.I64(3).U32(100) })) != nil {
		t.Fatal("read enter written")
	}
	x := up(build(7, PPME_SYSCALL_READ_X, func(b *Builder) { b.I64(5).Str("hello") }))
	if x.Type != PPME_SYSCALL_READ_X || x.NumParams() != len(InfoHead(PPME_SYSCALL_READ_X).Params) {
		t.Fatalf("read exit: type %d, %d params", x.Type, x.NumParams())
	}
	if v, _ := x.Int64(paramByName(InfoHead(x.Type), "fd")); v != 3 {
		t.Errorf("read exit fd = %d, want 3 from the enter", v)
	}
	if v, _ := x.Uint32(paramByName(InfoHead(x.Type), "size")); v != 100 {
		t.Errorf("read exit size = %d, want 100", v)
	}
	if v, _ := x.Int64(0); v != 5 {
		t.Errorf("read exit res = %d, want 5", v)
	}

	// An exit without its enter (another thread's enter, or none) has
	// zeros in their place, as current libs' converter writes them; an
	// enter serves one exit only.
	up(build(8, PPME_SYSCALL_READ_E, func(b *Builder) { b.I64(4).U32(1) }))
	x = up(build(9, PPME_SYSCALL_READ_X, func(b *Builder) { b.I64(0).Str("") }))
	if p := param(t, x, "fd"); !bytes.Equal(p, make([]byte, 8)) {
		t.Errorf("exit of thread 9 without its enter: fd %x, want 0", p)
	}
	x = up(build(7, PPME_SYSCALL_READ_X, func(b *Builder) { b.I64(0).Str("") }))
	if p := param(t, x, "fd"); !bytes.Equal(p, make([]byte, 8)) {
		t.Errorf("a second exit reused the enter: fd %x", p)
	}

	// Old versions become the current one: dup's fd is dup_1's oldfd.
	up(build(7, PPME_SYSCALL_DUP_E, func(b *Builder) { b.I64(11) }))
	x = up(build(7, PPME_SYSCALL_DUP_X, func(b *Builder) { b.I64(12) }))
	if x.Type != PPME_SYSCALL_DUP_1_X {
		t.Fatalf("dup exit upgraded to type %d, want %d", x.Type, PPME_SYSCALL_DUP_1_X)
	}
	if v, _ := x.Int64(paramByName(InfoHead(x.Type), "oldfd")); v != 11 {
		t.Errorf("dup_1 oldfd = %d, want 11", v)
	}

	// Generic events get current libs' syscall code from the native
	// number (rseq, 334 on x86_64, unknown to 0.29.3).
	up(build(7, PPME_GENERIC_E, func(b *Builder) { b.U16(0).U16(334) }))
	x = up(build(7, PPME_GENERIC_X, func(b *Builder) { b.U16(0) }))
	if id, _ := x.Uint16(0); SyscallNameHead(id) != "rseq" {
		t.Errorf("generic exit ID %d (%s), want rseq's", id, SyscallNameHead(id))
	}

	// A successful execve gets trusted_exepath from its filename, made
	// absolute with the new cwd.
	up(build(7, PPME_SYSCALL_EXECVE_19_E, func(b *Builder) { b.Str("bin/tool") }))
	info := InfoAny(PPME_SYSCALL_EXECVE_19_X)
	x = up(build(7, PPME_SYSCALL_EXECVE_19_X, func(b *Builder) {
		for _, p := range info.Params {
			switch p.Name {
			case "res":
				b.I64(0)
			case "cwd":
				b.Str("/opt")
			default:
				b.Raw(nil)
			}
		}
	}))
	if p := param(t, x, "trusted_exepath"); string(bytes.TrimRight(p, "\x00")) != "/opt/bin/tool" {
		t.Errorf("trusted_exepath %q, want /opt/bin/tool", p)
	}

	// Events that are not system calls are kept as they are.
	sw := build(7, PPME_SCHEDSWITCH_6_E, func(b *Builder) { b.I64(9).U32(0).U32(0).U32(0).U32(0).U32(0) })
	if raw := u.Upgrade(sw); !bytes.Equal(raw, sw.Raw()) {
		t.Error("context switch changed")
	}
}

// A file written in the current layout is detected as such, and holds
// exits only.
func TestUpgradeRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(&Metadata{}); err != nil {
		t.Fatal(err)
	}
	u := NewUpgrader()
	var b Builder
	for i := 0; i < 20; i++ {
		b.Begin(uint64(1000+2*i), 7, PPME_SYSCALL_CLOSE_E)
		b.I64(int64(i))
		if raw := u.Upgrade(eventOf(t, b.Finish())); raw != nil {
			t.Fatal("close enter written")
		}
		b.Begin(uint64(1001+2*i), 7, PPME_SYSCALL_CLOSE_X)
		b.I64(0)
		e := eventOf(t, b.Finish())
		if err := w.WriteRaw(0, 0, u.Upgrade(e)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = r.Each(func(ev *Event) error {
		if ev.Type != PPME_SYSCALL_CLOSE_X || ev.NumParams() != 2 {
			t.Errorf("event %d: type %d with %d params", n, ev.Type, ev.NumParams())
		}
		if fd, _ := ev.Int64(1); fd != int64(n) {
			t.Errorf("event %d: fd %d", n, fd)
		}
		n++
		return nil
	})
	if err != nil || n != 20 {
		t.Fatalf("read %d events: %v", n, err)
	}
}

func BenchmarkUpgrade(b *testing.B) {
	var bl Builder
	bl.Begin(1, 7, PPME_SYSCALL_READ_E)
	bl.I64(3).U32(100)
	enter := eventOf(b, bl.Finish())
	bl.Begin(2, 7, PPME_SYSCALL_READ_X)
	bl.I64(80).Raw(make([]byte, 80))
	exit := eventOf(b, bl.Finish())
	u := NewUpgrader()
	b.ReportAllocs()
	for b.Loop() {
		u.Upgrade(enter)
		u.Upgrade(exit)
	}
}
