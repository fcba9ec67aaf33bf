//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/runtimetest"
)

// BenchmarkLiveContainers is the per-syscall cost of a live capture
// (trace --cri SOCK -w FILE, as bench/live.sh runs it) with no
// containers and with 20 running containers in containerd, in
// alternating rounds: the metadata of running containers must not make
// the event path slower. It reports the median ns per getppid call of
// each case, untraced and traced (loadgen, a host process; the
// containers sleep, or with LIVE_CONTAINERS_BUSY=1 run a shell loop that
// forks twice a second; LIVE_NO_CRI=1 leaves the runtime unasked, to
// tell the cost of metadata from that of the containers' own work).
//
//	go test ./cmd/trace -run XXX -bench LiveContainers -benchtime 1x
//
// (bench/live.sh runs it when LIVE_CONTAINERS is set.)
func BenchmarkLiveContainers(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("live capture needs root; skipping")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		b.Skip("kernel has no BTF; skipping")
	}
	n := 20
	if s := os.Getenv("LIVE_CONTAINERS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	calls := 2_000_000
	c := runtimetest.Containerd(b)
	loadgen := filepath.Join(b.TempDir(), "loadgen")
	if out, err := exec.Command("go", "build", "-o", loadgen, filepath.Join(difftest.Root(), "capture", "loadgen")).CombinedOutput(); err != nil {
		b.Fatalf("building loadgen: %v\n%s", err, out)
	}
	trace := difftest.Trace(b)
	nsRe := regexp.MustCompile(`ns_per_call=([0-9.]+)`)
	loop := func() float64 {
		out, err := exec.Command(loadgen, "-n", strconv.Itoa(calls)).Output()
		if err != nil {
			b.Fatal(err)
		}
		m := nsRe.FindSubmatch(out)
		if m == nil {
			b.Fatalf("loadgen printed %q", out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		return v
	}
	traced := func() float64 {
		file := filepath.Join(b.TempDir(), "live.scap")
		args := []string{"--cri", c.Socket(), "-w", file}
		if os.Getenv("LIVE_NO_CRI") != "" { // the runtime not asked
			args = []string{"--cri", "/nonexistent", "-w", file}
		}
		cmd := exec.Command(trace, args...)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer cmd.Wait()
		defer cmd.Process.Signal(os.Interrupt)
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(file); err == nil {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("trace -w did not start")
			}
		}
		time.Sleep(500 * time.Millisecond) // the containers running at start are looked up
		return loop()
	}
	median := func(v []float64) float64 {
		sort.Float64s(v)
		return v[len(v)/2]
	}
	rounds := 5
	ctrCmd := []string{"sleep", "3600"}
	if os.Getenv("LIVE_CONTAINERS_BUSY") != "" {
		// A shell loop that forks a sleep twice a second.
		ctrCmd = []string{"bash", "-c", "while :; do sleep 0.5; done"}
	}
	for i := 0; i < b.N; i++ {
		// Rounds alternate without and with the containers, so that
		// the load of the (shared) machine weighs on both alike.
		var untraced, none, untracedWith, with []float64
		for r := 0; r < rounds; r++ {
			untraced = append(untraced, loop())
			none = append(none, traced())
			pod := c.RunPod(b, runtimetest.PodSpec{Name: fmt.Sprintf("bench%d", r), Namespace: "trace-bench", Labels: map[string]string{"app": "bench"}})
			for j := 0; j < n; j++ {
				c.RunContainer(b, pod, runtimetest.ContainerSpec{Name: fmt.Sprintf("busy%d", j),
					Command: ctrCmd})
			}
			untracedWith = append(untracedWith, loop())
			with = append(with, traced())
			c.RemovePod(b, pod) // and its containers
		}
		b.ReportMetric(median(untraced), "ns/call-untraced")
		b.ReportMetric(median(none), "ns/call-0-containers")
		b.ReportMetric(median(untracedWith), fmt.Sprintf("ns/call-untraced-%d-containers", n))
		b.ReportMetric(median(with), fmt.Sprintf("ns/call-%d-containers", n))
		b.Logf("ns per call, %d rounds: untraced %.0f, traced %.0f; with %d containers: untraced %.0f, traced %.0f",
			rounds, untraced, none, n, untracedWith, with)
	}
}
