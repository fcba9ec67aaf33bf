package chisels

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// guardChisels are the chisels the guard's child process runs, by name.
var guardChisels = map[string]string{
	// loops in on_event until the guard ends the process
	"loop": "function on_event() while true do end return true end",
	// doubles a string until memory runs out
	"strhog": "function on_event() local s = 'x' while true do s = s .. s end return true end",
	// grows a table until memory runs out
	"tabhog": "local t = {}\nfunction on_event() local i = 0 while true do i = i + 1; t[i] = {i, tostring(i)} end return true end",
	// keeps a few MiB and is busy when the run is interrupted, then
	// goes on with short calls for more than the grace time: must run to
	// the end
	"busy": `local t = {}
local n = 0
local function spin(s) local t0 = os.clock() while os.clock() - t0 < s do end end
function on_event()
	n = n + 1
	t[n] = tostring(n)
	if n == 1 then spin(0.4) elseif n <= 1500 then spin(0.001) end
	return true
end
function on_capture_end() print('kept ' .. #t) end`,
}

// TestGuardChild is the child process of TestGuard: it runs the chisel
// TRACE_GUARD_CHILD names under a guard, and cancels the run's context
// after 200 ms.
func TestGuardChild(t *testing.T) {
	name := os.Getenv("TRACE_GUARD_CHILD")
	if name == "" {
		t.Skip("run by TestGuard")
	}
	dir := t.TempDir()
	writeChisel(t, dir, name, "args = {}\n"+guardChisels[name])
	capture := ticks(t, 20000, 1e9, 1000)
	host := &Host{Dirs: []string{withSlash(dir)}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if name == "loop" {
		// Ctrl-C 200 ms in (only here: a hog interrupted before the
		// memory check caught it would test nothing).
		time.AfterFunc(200*time.Millisecond, cancel)
	}
	stop := host.Watch(ctx, Guard{Limit: DefaultMemoryLimit(), Stderr: os.Stderr, Exit: os.Exit})
	out, err := drive(t, host, name, "", capture)
	stop()
	os.Stdout.WriteString(out)
	if err != nil {
		t.Fatal(err)
	}
}

func TestGuard(t *testing.T) {
	if os.Getenv("TRACE_GUARD_CHILD") != "" {
		t.Skip("child")
	}
	cases := []struct {
		name     string
		code     int
		want     string
		maxRSSMB int64
	}{
		{"loop", ExitInterrupted, "chisel loop: interrupted: on_event() was still running 1s after the interruption", 256},
		// The heap is sampled every 50 ms: on a loaded machine a string
		// that doubles can pass a few more sizes first (1.8 GiB seen once).
		{"strhog", ExitOutOfMemory, "chisel strhog: on_event(): out of memory: the heap holds", 3072},
		{"tabhog", ExitOutOfMemory, "chisel tabhog: on_event(): out of memory: the heap holds", 1024},
		{"busy", 0, "kept 20000", 256},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestGuardChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TRACE_GUARD_CHILD="+tc.name, "TRACE_CHISEL_MEMORY=64")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running after 60 s; stderr: %s", stderr.String())
			}
			d := time.Since(start)
			code := cmd.ProcessState.ExitCode()
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss >> 10 // KiB to MiB
			t.Logf("%v, exit %d, max RSS %d MiB", d.Round(time.Millisecond), code, rss)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stdout %q stderr %q", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tc.want) {
				t.Errorf("output lacks %q; stdout %q stderr %q", tc.want, stdout.String(), stderr.String())
			}
			if rss > tc.maxRSSMB {
				t.Errorf("max RSS %d MiB, budget %d MiB", rss, tc.maxRSSMB)
			}
		})
	}
}

func TestDefaultMemoryLimit(t *testing.T) {
	t.Setenv("TRACE_CHISEL_MEMORY", "")
	lim := DefaultMemoryLimit()
	if lim < 512<<20 || lim > 4<<30 {
		t.Errorf("default limit %d MiB, want 512 MiB to 4 GiB", lim>>20)
	}
	t.Setenv("TRACE_CHISEL_MEMORY", "100")
	if got := DefaultMemoryLimit(); got != 100<<20 {
		t.Errorf("TRACE_CHISEL_MEMORY=100: %d bytes", got)
	}
}
