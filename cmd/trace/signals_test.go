package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
)

// readsToEnd checks that a capture reads back without error.
func readsToEnd(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(difftest.Trace(t), "-r", path, "-q").CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("trace -r %s: %v: %s", path, err, out)
	}
}

// coreutils timeout signals trace and then its process group: two
// signals at once are one request to stop, the capture is drained and
// closed, and the status is 0.
func TestLiveTimeoutSignals(t *testing.T) {
	t.Parallel()
	needLive(t)
	if _, err := exec.LookPath("timeout"); err != nil {
		t.Skip("timeout (coreutils) not installed")
	}
	for _, sig := range []string{"INT", "TERM"} {
		t.Run(sig, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "t.scap")
			cmd := exec.Command("timeout", "--preserve-status", "-s", sig, "3", difftest.Trace(t), "-w", out)
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("timeout -s %s 3 trace -w: %v: %s", sig, err, b)
			}
			readsToEnd(t, out)
		})
	}
}

// Two SIGINTs a millisecond apart still end cleanly; one that comes a
// second after the first abandons the drain with status 130.
func TestLiveDoubleSignal(t *testing.T) {
	t.Parallel()
	needLive(t)
	out := filepath.Join(t.TempDir(), "d.scap")
	r := startTrace(t, "-w", out)
	r.waitFile(t, out)
	r.cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(time.Millisecond)
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("status %d after two quick SIGINTs: %s", code, r.stderr.Bytes())
	}
	readsToEnd(t, out)
}

// Live, -n counts the events that are printed: the procinfo rounds of
// the start do not use them up.
func TestLiveNumEvents(t *testing.T) {
	t.Parallel()
	needLive(t)
	r := startTrace(t, "-n", "50")
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-r.done:
		default:
			if time.Now().Before(deadline) {
				os.ReadFile("/proc/self/stat") // make events if the machine is quiet
				time.Sleep(10 * time.Millisecond)
				continue
			}
		}
		break
	}
	if code := r.wait(t, time.Second); code != 0 {
		t.Fatalf("trace -n 50: status %d: %s", code, r.stderr.Bytes())
	}
	if n := strings.Count(r.stdout.String(), "\n"); n != 50 {
		t.Errorf("trace -n 50 printed %d lines", n)
	}
}

// A chisel looping in on_event does not keep trace from ending: the
// first SIGINT abandons it a second later with status 130 and a message
// naming it.
func TestChiselLoopInterrupted(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "looping")
	chisel := filepath.Join(dir, "spin.lua")
	src := `description = "d"; short_description = "s"; category = "Test"; args = {}
function on_event() io.open("` + marker + `", "w"):close() while true do end return true end
`
	if err := os.WriteFile(chisel, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startTrace(t, "-r", filepath.Join("..", "..", "testdata", "live.scap"), "-c", chisel)
	r.waitFile(t, marker)
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.wait(t, 30*time.Second); code != 130 {
		t.Fatalf("status %d, want 130: %s", code, r.stderr.Bytes())
	}
	if want := "chisel " + chisel + ": interrupted: on_event() was still running 1s after the interruption"; !strings.Contains(r.stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", r.stderr.String(), want)
	}
}
