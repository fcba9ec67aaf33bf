//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/runtimetest"
	"github.com/traceproj/trace/scap"
)

// TestRecordDemoCapture records demoCapture with trace itself: in a
// docker container named "demo" (the runtime test image: busybox and
// bash) serving files with busybox httpd, a shell exec'd into it writes a
// page and wget fetches it. Only the container's events are recorded
// (trace -w -z 'container.id != host'), and of the process table trace
// wrote, only the container's threads and their parents (whose
// environments are cleared): the machine's other processes are no
// business of the repository. It
// runs when TRACE_RECORD_DEMO=1 is set (as root, with dockerd installed)
// and replaces the file in testdata.
func TestRecordDemoCapture(t *testing.T) {
	t.Parallel()
	if os.Getenv("TRACE_RECORD_DEMO") == "" {
		t.Skip("set TRACE_RECORD_DEMO=1 (as root, with dockerd) to record " + demoCapture + " again")
	}
	needLive(t)
	d := runtimetest.Dockerd(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String() // a free port for httpd
	ln.Close()

	// The container runs before trace starts, so that trace knows it
	// (and its name) from its first event on.
	id := d.Run(t, "demo", runtimetest.Image, "httpd", "-f", "-p", addr, "-h", "/tmp")
	time.Sleep(500 * time.Millisecond)
	file := filepath.Join(t.TempDir(), "demo.scap.gz")
	w := startBgTrace(t, []string{"DOCKER_HOST=unix://" + d.Socket()}, "-w", file, "-z", "container.id != host")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace -w did not create %s; stderr: %s", file, w.stderr.String())
		}
	}
	time.Sleep(time.Second) // the container lookup
	for _, cmd := range [][]string{
		{"sh", "-c", "echo 'hello from the demo container' > /tmp/index.html"},
		{"wget", "-q", "-O", "-", "http://" + addr + "/index.html"},
	} {
		if out, code := d.Exec(t, id, cmd...); code != 0 {
			t.Fatalf("docker exec %v: status %d: %s", cmd, code, out)
		}
	}
	time.Sleep(200 * time.Millisecond)
	w.stop(t)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(difftest.Root(), demoCapture)
	if err := keepContainerThreads(file, dst, id); err != nil {
		t.Fatal(err)
	}
	fo, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes (%d as recorded); trace stderr: %s", demoCapture, fo.Size(), fi.Size(), w.stderr.String())
	fmt.Fprintln(os.Stderr, "recorded", demoCapture)
}

// keepContainerThreads copies the capture src to dst with only the
// threads of the container id and their parents in its process table.
func keepContainerThreads(src, dst, id string) error {
	r, err := scap.Open(src)
	if err != nil {
		return err
	}
	defer r.Close()
	md := *r.Metadata()
	in := map[int64]bool{}
	for _, th := range md.Threads {
		if strings.Contains(string(th.Cgroups), id) {
			in[th.Tid] = true
		}
	}
	parent := map[int64]bool{}
	for _, th := range md.Threads {
		if in[th.Tid] {
			parent[th.Ptid] = !in[th.Ptid]
		}
	}
	var keep []scap.Thread
	for _, th := range md.Threads {
		switch {
		case in[th.Tid]:
			keep = append(keep, th)
		case parent[th.Tid]:
			th.Env = nil
			keep = append(keep, th)
		}
	}
	if len(keep) == 0 {
		return fmt.Errorf("no thread of container %s in the process table", id)
	}
	md.Threads = keep
	w, err := scap.Create(dst, scap.CompressGzip)
	if err != nil {
		return err
	}
	if err := w.WriteSection(&md); err != nil {
		return err
	}
	if err := r.Each(w.WriteEvent); err != nil {
		return err
	}
	return w.Close()
}
