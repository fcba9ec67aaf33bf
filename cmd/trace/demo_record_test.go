//go:build linux

package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/runtimetest"
)

// demoCapture is the capture of the README's first command.
const demoCapture = "testdata/demo.scap.gz"

// TestRecordDemoCapture records demoCapture with trace itself: in a
// docker container named "demo" (the runtime test image: busybox and
// bash) serving files with busybox httpd, a shell exec'd into it writes a
// page and wget fetches it. Only the container's events are kept. It
// runs when TRACE_RECORD_DEMO=1 is set (as root, with dockerd installed)
// and replaces the file in testdata.
func TestRecordDemoCapture(t *testing.T) {
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
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(difftest.Root(), demoCapture), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes; trace stderr: %s", demoCapture, fi.Size(), w.stderr.String())
	fmt.Fprintln(os.Stderr, "recorded", demoCapture)
}
