package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func requireLive(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture needs root; skipping")
	}
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip("kernel has no BTF (/sys/kernel/btf/vmlinux); skipping live capture tests")
	}
}

// TestLiveProcsCPU runs the process view live on a busy loop: a sample
// every -d, with a CPU share close to what top measures at the same time.
func TestLiveProcsCPU(t *testing.T) {
	requireLive(t)
	if _, err := exec.LookPath("top"); err != nil {
		t.Skip("top is not installed; skipping")
	}
	bin := buildCtrace(t)
	loop := exec.Command("sh", "-c", "while :; do :; done")
	if err := loop.Start(); err != nil {
		t.Fatal(err)
	}
	defer loop.Process.Kill()
	pid := strconv.Itoa(loop.Process.Pid)
	time.Sleep(300 * time.Millisecond)

	top := exec.Command("top", "-b", "-d", "2", "-n", "6", "-p", pid)
	var topOut strings.Builder
	top.Stdout = &topOut
	if err := top.Start(); err != nil {
		t.Fatal(err)
	}
	ct := exec.Command(bin, "--raw", "-v", "procs", "-d", "2000", "proc.pid="+pid)
	var ctOut strings.Builder
	ct.Stdout = &ctOut
	if err := ct.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(12500 * time.Millisecond)
	ct.Process.Signal(syscall.SIGINT)
	ct.Wait()
	top.Wait()

	var ours, theirs []float64
	samples := 0
	for _, l := range strings.Split(ctOut.String(), "\n") {
		if strings.HasPrefix(l, "---") {
			samples++
			continue
		}
		f := strings.Fields(l)
		if len(f) > 3 && f[0] == pid {
			v, _ := strconv.ParseFloat(f[2], 64)
			ours = append(ours, v)
		}
	}
	for _, l := range strings.Split(topOut.String(), "\n") {
		f := strings.Fields(l)
		if len(f) > 9 && f[0] == pid {
			v, _ := strconv.ParseFloat(f[8], 64)
			theirs = append(theirs, v)
		}
	}
	if samples < 4 {
		t.Fatalf("%d samples in 12.5 s with -d 2000:\n%s", samples, ctOut.String())
	}
	if len(ours) < 3 || len(theirs) < 3 {
		t.Fatalf("too few values: ctrace %v, top %v", ours, theirs)
	}
	// the first sample and top's first report cover part of a period
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	a, b := mean(ours[1:]), mean(theirs[1:])
	t.Logf("CPU of the busy loop: ctrace %v (mean %.1f), top %v (mean %.1f)", ours, a, theirs, b)
	if d := a - b; d > 15 || d < -15 {
		t.Errorf("ctrace's CPU %.1f is not within 15 points of top's %.1f", a, b)
	}
}
