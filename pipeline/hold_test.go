package pipeline

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

const holdID = "4f1b2c3d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcdef"

// holdCapture is a host shell that forks a child which execs into a
// containerd container's cgroup, then opens a file there twice.
func holdCapture(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	md := &scap.Metadata{Threads: []scap.Thread{{Tid: 100, Pid: 100, Ptid: 1, Comm: "bash", Exe: "bash", ExePath: "/bin/bash", FDLimit: 1024}}}
	if err := w.WriteSection(md); err != nil {
		t.Fatal(err)
	}
	s := synth.NewScenario(1, w)
	flags := uint32(0x1000000 | 0x800000)
	cg := "cpu=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11.slice/cri-containerd-" + holdID + ".scope\x00"
	s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 100, nil)
	s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, synth.P{"res": 900, "exe": "bash", "tid": 100, "pid": 100, "ptid": 1, "cwd": "/", "fdlimit": 1024, "comm": "bash", "flags": flags, "vtid": 100, "vpid": 100, "cgroups": "cpu=/user.slice\x00"})
	s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 900, synth.P{"res": 0, "exe": "bash", "tid": 900, "pid": 900, "ptid": 100, "cwd": "/", "fdlimit": 1024, "comm": "bash", "flags": flags, "vtid": 900, "vpid": 900, "cgroups": "cpu=/user.slice\x00"})
	s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, 900, synth.P{"filename": "/bin/sh"})
	s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, 900, synth.P{"res": 0, "exe": "sh", "args": "-c\x00id\x00", "tid": 900, "pid": 900, "ptid": 100, "cwd": "/", "fdlimit": 1024, "comm": "sh", "cgroups": cg, "env": "A=1\x00", "pgid": 900})
	for i := 0; i < 2; i++ {
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 900, synth.P{"name": "/etc/passwd", "flags": 1})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 900, synth.P{"fd": 3, "name": "/etc/passwd", "flags": 1})
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hold.scap")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeMeta answers a lookup after delay (never when delay < 0).
type fakeMeta struct {
	delay time.Duration
	mu    sync.Mutex
	asked []string
	at    time.Time
	b     scap.Builder
	sent  bool
}

func (f *fakeMeta) Request(id string, typ int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, id)
	f.at = time.Now()
}

func (f *fakeMeta) answered() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.delay >= 0 && len(f.asked) > 0 && time.Since(f.at) >= f.delay
}

func (f *fakeMeta) Wait(id string, max time.Duration) bool {
	for end := time.Now().Add(max); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if f.answered() {
			return true
		}
	}
	return false
}

func (f *fakeMeta) NextEvent(ev *scap.Event, ts uint64) bool {
	if f.sent || !f.answered() {
		return false
	}
	f.sent = true
	f.b.Begin(ts, 0, scap.PPME_CONTAINER_JSON_E)
	f.b.Str(`{"container":{"id":"` + holdID[:12] + `","type":7,"name":"web","image":"nginx:1.27","privileged":true}}`)
	return ev.SetRaw(f.b.Finish(), 0, 0) == nil
}

// runHeld runs the capture through a pipeline whose engine asks meta
// about new containers, holding first events up to max.
func runHeld(t *testing.T, meta *fakeMeta, max time.Duration) (string, *holder, time.Duration) {
	t.Helper()
	f, err := output.ParseFormat("*%evt.num %evt.dir %evt.type %container.id %container.name %container.privileged")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	p := New(Options{Out: bufio.NewWriter(&out), Line: output.FormatLine(f, false), Debug: true})
	p.hold = newHolder(meta, max)
	rd, err := scap.Open(holdCapture(t))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	eng := state.NewEngineWith(state.Options{OnContainer: p.hold.request})
	eng.LoadMetadata(rd.Metadata())
	start := time.Now()
	if err := p.run("test", rd, &Input{Metadata: rd.Metadata(), Engine: eng}); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	p.Finish()
	p.o.Out.Flush()
	return out.String(), p.hold, took
}

// TestHoldFirstEvent: the exec into a new container waits for its
// metadata, which is delivered first; the container's later events do
// not wait.
func TestHoldFirstEvent(t *testing.T) {
	meta := &fakeMeta{delay: 30 * time.Millisecond}
	out, h, _ := runHeld(t, meta, 2*time.Second)
	if len(meta.asked) != 1 || meta.asked[0] != holdID {
		t.Fatalf("asked about %q, want the container's full id once", meta.asked)
	}
	// The container event comes before the exec, with the exec's number.
	want := `1 > clone host host <NA>
2 < clone host host <NA>
3 < clone host host <NA>
4 > execve host host <NA>
5 > container 4f1b2c3d4e5f web true
6 < execve 4f1b2c3d4e5f web true
7 > open 4f1b2c3d4e5f web true
8 < open 4f1b2c3d4e5f web true
9 > open 4f1b2c3d4e5f web true
10 < open 4f1b2c3d4e5f web true
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if h.holds != 1 {
		t.Errorf("%d waits, want 1", h.holds)
	}
	if s := h.stats(); !strings.HasPrefix(s, "Waits for container metadata: 1, 0.0") || !strings.Contains(s, " ms, worst ") {
		t.Errorf("-v line %q", s)
	}
}

// TestHoldBounded: a runtime that never answers holds the first event
// for max only; it then goes on without metadata.
func TestHoldBounded(t *testing.T) {
	meta := &fakeMeta{delay: -1}
	out, h, took := runHeld(t, meta, 60*time.Millisecond)
	if !strings.Contains(out, "5 < execve 4f1b2c3d4e5f <NA> <NA>") {
		t.Errorf("the exec is not printed without metadata:\n%s", out)
	}
	if strings.Contains(out, " container ") {
		t.Errorf("a container event without an answer:\n%s", out)
	}
	if h.holds != 1 || h.held < 60*time.Millisecond {
		t.Errorf("%d waits, %v in all; want 1 of 60 ms", h.holds, h.held)
	}
	if took > 2*time.Second {
		t.Errorf("the run took %v", took)
	}
}

// One line for each second with drops, none for the others.
func TestDropReporter(t *testing.T) {
	var b bytes.Buffer
	d := dropReporter{w: &b, prog: "trace"}
	for _, n := range []uint64{0, 0, 5, 5, 12, 12} {
		d.tick(n)
	}
	want := "trace: 5 events dropped in the last second (5 in all): the rings were full\n" +
		"trace: 7 events dropped in the last second (12 in all): the rings were full\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
