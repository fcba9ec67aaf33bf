//go:build linux && amd64

package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traceproj/trace/scap"
)

// BenchmarkSyscallLoop measures the cost of tracing on the syscall loop of
// CAPTURE.md: loadgen makes TRACE_BENCH_CALLS (default 5,000,000) getppid
// calls or 1-byte reads of /dev/zero and times itself, while the capture
// is off (untraced), attached but emitting nothing (hooks: only mount is
// interesting, so every other syscall is dropped by the map lookup), or
// complete (full: every event encoded and written to a discarding scap
// writer). Run as root:
//
//	go test ./capture -run XXX -bench SyscallLoop -benchtime 1x
//
// Metrics: ns/syscall (the loop's own time per call), Mevents/s delivered
// to Go during the loop, and drops.
func BenchmarkSyscallLoop(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		b.Skip("needs kernel BTF")
	}
	calls := 5_000_000
	if v, err := strconv.Atoi(os.Getenv("TRACE_BENCH_CALLS")); err == nil && v > 0 {
		calls = v
	}
	gen := filepath.Join(b.TempDir(), "loadgen")
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("needs the go tool to build loadgen")
	}
	if out, err := exec.Command(goTool, "build", "-o", gen, "./loadgen").CombinedOutput(); err != nil {
		b.Fatalf("build loadgen: %v\n%s", err, out)
	}
	for _, mode := range []string{"getppid", "read"} {
		for _, cfg := range []string{"untraced", "hooks", "full"} {
			b.Run(mode+"/"+cfg, func(b *testing.B) {
				var ns, evs, drops float64
				for i := 0; i < b.N; i++ {
					r, err := runLoad(gen, mode, cfg, calls)
					if err != nil {
						b.Fatal(err)
					}
					ns += r.nsPerCall
					evs += r.eventsPerSec
					drops += float64(r.drops)
				}
				n := float64(b.N)
				b.ReportMetric(ns/n, "ns/syscall")
				b.ReportMetric(evs/n/1e6, "Mevents/s")
				b.ReportMetric(drops/n, "drops")
			})
		}
	}
}

type loadResult struct {
	nsPerCall    float64
	eventsPerSec float64
	drops        uint64
}

func runLoad(gen, mode, cfg string, calls int) (loadResult, error) {
	var r loadResult
	var c *Capture
	var wg sync.WaitGroup
	var delivered uint64
	if cfg != "untraced" {
		o := Options{SkipProcScan: true}
		if cfg == "hooks" {
			o.EventTypes = []uint16{scap.PPME_SYSCALL_MOUNT_E, scap.PPME_SYSCALL_MOUNT_X}
		}
		var err error
		if c, err = Open(o); err != nil {
			return r, err
		}
		defer c.Close()
		w, err := scap.NewWriter(io.Discard, scap.CompressNone)
		if err != nil {
			return r, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ev scap.Event
			for {
				err := c.NextInto(&ev)
				if errors.Is(err, ErrStopped) || err != nil {
					return
				}
				_ = w.WriteRaw(ev.CPU, 0, ev.Raw())
			}
		}()
	}
	out, err := exec.Command(gen, "-n", strconv.Itoa(calls), "-mode", mode).Output()
	if err != nil {
		return r, fmt.Errorf("loadgen: %v", err)
	}
	if c != nil {
		c.Stop()
		wg.Wait()
		st := c.Stats()
		delivered = st.Delivered
		r.drops = st.DropsBuffer
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		for _, f := range strings.Fields(sc.Text()) {
			if v, ok := strings.CutPrefix(f, "ns_per_call="); ok {
				r.nsPerCall, _ = strconv.ParseFloat(v, 64)
			}
		}
	}
	if r.nsPerCall == 0 {
		return r, fmt.Errorf("loadgen printed %q", out)
	}
	loop := time.Duration(r.nsPerCall * float64(calls))
	r.eventsPerSec = float64(delivered) / loop.Seconds()
	return r, nil
}

// BenchmarkOpen measures live start-up without the /proc scan: creating
// the rings, loading the programs (the verifier) and attaching them.
func BenchmarkOpen(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		b.Skip("needs kernel BTF")
	}
	for i := 0; i < b.N; i++ {
		c, err := Open(Options{SkipProcScan: true})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
