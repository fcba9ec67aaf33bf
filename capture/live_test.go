//go:build linux && amd64

package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/traceproj/trace/scap"
)

// The live tests re-run the test binary as the traced workload.
func TestMain(m *testing.M) {
	if w := os.Getenv("TRACE_CAPTURE_CHILD"); w != "" {
		work := childWorkload
		switch w {
		case "coldopen":
			work = coldOpens
		case "iov":
			work = iovWorkload
		}
		if err := work(); err != nil {
			fmt.Fprintln(os.Stderr, "workload:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childWorkload opens a unique path, talks to itself over loopback TCP,
// writes to a pipe and finally execs a unique binary.
func childWorkload() error {
	if err := os.WriteFile(os.Getenv("TRACE_CHILD_PATH"), []byte("x"), 0o600); err != nil {
		return err
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, err = io.ReadFull(c, make([]byte, 4))
			c.Close()
		}
		done <- err
	}()
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		return err
	}
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	if err := <-done; err != nil {
		return err
	}
	c.Close()
	ln.Close()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return err
	}
	if _, err := unix.Write(p[1], []byte(os.Getenv("TRACE_CHILD_MARK"))); err != nil {
		return err
	}
	bin := os.Getenv("TRACE_CHILD_EXEC")
	return syscall.Exec(bin, []string{bin, "arg1"}, os.Environ())
}

// runWorkload runs the test binary as a workload (TestMain) with env
// added, and returns its pid once it has exited successfully.
func runWorkload(t *testing.T, env ...string) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("workload: %v", err)
	}
	return cmd.Process.Pid
}

func needLive(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture needs root (run the tests as root to exercise it)")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("live capture needs kernel BTF (/sys/kernel/btf/vmlinux)")
	}
}

// captured is an event copied out of the capture.
type captured struct {
	ev  *scap.Event
	raw []byte
	cpu uint16
}

func (c captured) str(name string) string {
	v := c.param(name)
	return string(bytes.TrimSuffix(v, []byte{0}))
}

func (c captured) param(name string) []byte {
	info := scap.Info(c.ev.Type)
	for i, p := range info.Params {
		if p.Name == name {
			return c.ev.Param(i)
		}
	}
	return nil
}

func (c captured) int(name string) int64 {
	v := c.param(name)
	switch len(v) {
	case 8:
		return int64(binary.LittleEndian.Uint64(v))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(v)))
	case 2:
		return int64(binary.LittleEndian.Uint16(v))
	case 1:
		return int64(v[0])
	}
	return -1 << 62
}

// drain reads every event left after Stop.
func drain(t *testing.T, c *Capture) []captured {
	t.Helper()
	var out []captured
	var ev scap.Event
	for {
		err := c.NextInto(&ev)
		if errors.Is(err, ErrStopped) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		e := ev.Clone()
		out = append(out, captured{ev: e, raw: e.Raw(), cpu: ev.CPU})
	}
}

func TestLiveWorkload(t *testing.T) {
	needLive(t)
	dir := t.TempDir()
	tag := strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	path := filepath.Join(dir, "open-"+tag)
	bin := filepath.Join(dir, "tt"+tag)
	mark := "pipe-data-" + tag
	tb, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true to exec")
	}
	if err := os.WriteFile(bin, tb, 0o755); err != nil {
		t.Fatal(err)
	}

	c, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	child := int64(runWorkload(t, "TRACE_CAPTURE_CHILD=1", "TRACE_CHILD_PATH="+path,
		"TRACE_CHILD_EXEC="+bin, "TRACE_CHILD_MARK="+mark))
	c.Stop()
	evs := drain(t, c)
	st := c.Stats()
	t.Logf("%d events, stats %+v", len(evs), st)
	if st.DropsBuffer != 0 || st.DropsTooBig != 0 || st.Malformed != 0 {
		t.Errorf("drops or malformed records: %+v", st)
	}
	if st.Delivered != uint64(len(evs)) || st.Events != st.Delivered {
		t.Errorf("written %d, delivered %d, read %d", st.Events, st.Delivered, len(evs))
	}

	// Thread group of every thread, from the clone exits and the scan.
	group := map[int64]int64{}
	for _, th := range c.Metadata().Threads {
		group[th.Tid] = th.Pid
	}
	var last uint64
	for i, e := range evs {
		if e.ev.Ts < last {
			t.Errorf("event %d: timestamp %d before %d", i, e.ev.Ts, last)
		}
		last = e.ev.Ts
		checkParams(t, fmt.Sprintf("event %d", i), e.ev)
		switch e.ev.Type {
		case scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_FORK_20_X, scap.PPME_SYSCALL_VFORK_20_X, scap.PPME_SYSCALL_CLONE3_X:
			if e.int("res") == 0 {
				group[e.int("tid")] = e.int("pid")
			}
		}
		if e.ev.Tid == uint64(os.Getpid()) {
			t.Errorf("event %d comes from the tracer itself", i)
		}
	}
	inChild := func(e captured) bool { return group[int64(e.ev.Tid)] == child || int64(e.ev.Tid) == child }

	find := func(what string, ok func(captured) bool) captured {
		t.Helper()
		for _, e := range evs {
			if ok(e) {
				return e
			}
		}
		t.Errorf("no %s", what)
		return captured{}
	}
	// The child process started with a clone exit of its own (res 0).
	find("child clone exit", func(e captured) bool {
		return (e.ev.Type == scap.PPME_SYSCALL_CLONE_20_X || e.ev.Type == scap.PPME_SYSCALL_VFORK_20_X || e.ev.Type == scap.PPME_SYSCALL_CLONE3_X) &&
			e.int("res") == 0 && e.int("pid") == child
	})
	op := find("openat of the unique path", func(e captured) bool {
		return e.ev.Type == scap.PPME_SYSCALL_OPENAT_2_X && e.str("name") == path
	})
	if op.ev != nil {
		if !inChild(op) || op.int("fd") < 0 || op.int("dirfd") != -100 || op.int("flags")&4 == 0 {
			t.Errorf("openat: tid %d fd %d dirfd %d flags %#x", op.ev.Tid, op.int("fd"), op.int("dirfd"), op.int("flags"))
		}
	}
	find("openat enter of the unique path", func(e captured) bool {
		return e.ev.Type == scap.PPME_SYSCALL_OPENAT_2_E && e.str("name") == path && inChild(e)
	})
	cn := find("connect exit", func(e captured) bool {
		return e.ev.Type == scap.PPME_SOCKET_CONNECT_X && inChild(e)
	})
	var port uint16
	if cn.ev != nil {
		tu := cn.param("tuple")
		if r := cn.int("res"); r != 0 && r != -115 || len(tu) != 13 || tu[0] != 2 ||
			!bytes.Equal(tu[1:5], []byte{127, 0, 0, 1}) || !bytes.Equal(tu[7:11], []byte{127, 0, 0, 1}) {
			t.Errorf("connect: res %d tuple %x", cn.int("res"), tu)
		} else {
			port = binary.LittleEndian.Uint16(tu[11:])
		}
	}
	ac := find("accept exit", func(e captured) bool {
		return (e.ev.Type == scap.PPME_SOCKET_ACCEPT4_5_X || e.ev.Type == scap.PPME_SOCKET_ACCEPT_5_X) && inChild(e) && e.int("fd") >= 0
	})
	if ac.ev != nil {
		tu := ac.param("tuple")
		if len(tu) != 13 || binary.LittleEndian.Uint16(tu[11:]) != port {
			t.Errorf("accept tuple %x, server port %d", tu, port)
		}
	}
	find("write of the pipe marker", func(e captured) bool {
		return e.ev.Type == scap.PPME_SYSCALL_WRITE_X && e.str("data") == mark && inChild(e) && e.int("res") == int64(len(mark))
	})
	find("pipe2 exit", func(e captured) bool {
		return e.ev.Type == scap.PPME_SYSCALL_PIPE_X && inChild(e) && e.int("res") == 0 && e.int("fd1") >= 0 && e.int("ino") > 0
	})
	find("execve enter", func(e captured) bool {
		// Any thread may call execve; the exit comes from the leader.
		return e.ev.Type == scap.PPME_SYSCALL_EXECVE_19_E && e.str("filename") == bin && inChild(e)
	})
	ex := find("execve exit", func(e captured) bool {
		return e.ev.Type == scap.PPME_SYSCALL_EXECVE_19_X && int64(e.ev.Tid) == child && e.int("res") == 0 &&
			e.str("comm") == filepath.Base(bin)
	})
	if ex.ev != nil {
		if ex.str("exe") != bin || string(ex.param("args")) != "arg1\x00" || ex.str("comm") != filepath.Base(bin) ||
			ex.int("pid") != child || ex.int("tid") != child || !isOurThread(ex.int("ptid")) ||
			!strings.Contains(string(ex.param("env")), "TRACE_CHILD_MARK="+mark) || ex.str("cwd") == "" ||
			len(ex.param("cgroups")) == 0 || ex.int("fdlimit") <= 0 {
			t.Errorf("execve exit: exe %q args %q comm %q pid %d tid %d ptid %d cwd %q cgroups %q",
				ex.str("exe"), ex.param("args"), ex.str("comm"), ex.int("pid"), ex.int("tid"), ex.int("ptid"),
				ex.str("cwd"), ex.param("cgroups"))
		}
		if wd, _ := os.Getwd(); ex.str("cwd") != wd {
			t.Errorf("execve cwd %q, want %q", ex.str("cwd"), wd)
		}
	}
	find("procexit of the child", func(e captured) bool {
		return e.ev.Type == scap.PPME_PROCEXIT_1_E && int64(e.ev.Tid) == child && e.int("status") == 0
	})

	checkWithSysdig(t, c.Metadata(), evs, path, filepath.Base(bin))
}

// isOurThread reports whether tid is a thread of the test process (the
// parent of a fork is the forking thread, not the process).
func isOurThread(tid int64) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid))
	return err == nil
}

// checkWithSysdig writes the capture to a file and has sysdig 0.29.3 read it.
func checkWithSysdig(t *testing.T, meta *scap.Metadata, evs []captured, path, comm string) {
	t.Helper()
	sysdig, err := exec.LookPath("sysdig")
	if err != nil {
		t.Log("sysdig not installed: skipping the decode check")
		return
	}
	file := filepath.Join(t.TempDir(), "live.scap")
	if keep := os.Getenv("TRACE_CAPTURE_KEEP"); keep != "" {
		file = keep // leave the capture for inspection
	}
	w, err := scap.Create(file, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(meta); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := w.WriteRaw(e.cpu, 0, e.raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(sysdig, append([]string{"-r", file}, args...)...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("sysdig %v: %v\n%s", args, err, stderr.String())
		}
		return stdout.String()
	}
	all := run()
	if n := strings.Count(all, "\n"); n < len(evs)/2 {
		t.Errorf("sysdig printed %d lines for %d events", n, len(evs))
	}
	out := run("-p", "%evt.type %fd.name %proc.name", "evt.type=openat and evt.dir=< and fd.name="+path)
	if !strings.Contains(out, "openat "+path+" ") {
		t.Errorf("sysdig did not resolve the openat of %s:\n%s", path, out)
	}
	out = run("-p", "%evt.type %proc.name %proc.exe %proc.args", "evt.type=execve and evt.dir=< and proc.name="+comm)
	if !strings.Contains(out, "execve "+comm+" ") || !strings.Contains(out, "arg1") {
		t.Errorf("sysdig execve of %s:\n%s", comm, out)
	}
	out = run("-p", "%evt.type %fd.name", "evt.type=connect and evt.dir=< and fd.sip=127.0.0.1")
	if !strings.Contains(out, "127.0.0.1:") || !strings.Contains(out, "->127.0.0.1:") {
		t.Errorf("sysdig connect:\n%s", out)
	}
}

// TestLiveFilter asks for openat only and checks nothing else comes out.
func TestLiveFilter(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{scap.PPME_SYSCALL_OPENAT_2_X}, SkipProcScan: true, BufferSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := exec.Command("/bin/cat", "/etc/hostname").Run(); err != nil {
		t.Fatal(err)
	}
	c.Stop()
	evs := drain(t, c)
	seen := false
	for _, e := range evs {
		if e.ev.Type != scap.PPME_SYSCALL_OPENAT_2_X {
			t.Fatalf("unexpected event type %d", e.ev.Type)
		}
		seen = seen || e.str("name") == "/etc/hostname"
	}
	if !seen {
		t.Error("openat of /etc/hostname not seen")
	}
	if st := c.Stats(); st.DropsBuffer != 0 {
		t.Errorf("drops: %+v", st)
	}
}

// TestLiveSchedSwitch checks the context-switch events.
func TestLiveSchedSwitch(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{}, SchedSwitch: true, SkipProcScan: true, BufferSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := exec.Command("/bin/sleep", "0.05").Run(); err != nil {
		t.Fatal(err)
	}
	c.Stop()
	evs := drain(t, c)
	if len(evs) == 0 {
		t.Fatal("no context switches")
	}
	for i, e := range evs {
		if e.ev.Type != scap.PPME_SCHEDSWITCH_6_E {
			t.Fatalf("unexpected event type %d", e.ev.Type)
		}
		checkParams(t, fmt.Sprintf("switch %d", i), e.ev)
	}
}

// TestLiveStopUnblocks checks that Stop wakes a NextInto that is waiting
// on empty rings.
func TestLiveStopUnblocks(t *testing.T) {
	needLive(t)
	c, err := Open(Options{EventTypes: []uint16{scap.PPME_SYSCALL_MOUNT_X}, SkipProcScan: true, BufferSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan error, 1)
	go func() {
		var ev scap.Event
		for {
			if err := c.NextInto(&ev); err != nil {
				done <- err
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	c.Stop()
	select {
	case err := <-done:
		if !errors.Is(err, ErrStopped) {
			t.Errorf("NextInto after Stop: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("NextInto still blocked after Stop")
	}
}

// TestOpenWithoutRoot checks the error an unprivileged user gets. It runs
// only when the tests are not root (e.g. the test binary run through
// setpriv --reuid=65534).
func TestOpenWithoutRoot(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("runs only without root")
	}
	c, err := Open(Options{SkipProcScan: true})
	if err == nil {
		c.Close()
		t.Skip("this user may load BPF programs")
	}
	if _, statErr := os.Stat("/sys/kernel/btf/vmlinux"); statErr != nil {
		if !errors.Is(err, ErrNoBTF) {
			t.Fatalf("got %v, want ErrNoBTF", err)
		}
		return
	}
	if !errors.Is(err, ErrPermission) || strings.Contains(err.Error(), "MEMLOCK") ||
		!strings.Contains(err.Error(), "use -r FILE") {
		t.Fatalf("unexpected error: %v", err)
	}
	t.Log(err)
}
