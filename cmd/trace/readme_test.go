package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// demoCapture is the capture of the README's first command (recorded by
// TestRecordDemoCapture).
const demoCapture = "testdata/demo.scap.gz"

// readmeCommands returns the commands of the README's first code block,
// comments cut.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(difftest.Root(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "```sh\n")
	if i < 0 {
		t.Fatal("README has no sh code block")
	}
	s = s[i+len("```sh\n"):]
	s = s[:strings.Index(s, "```")]
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if j := strings.Index(l, "   #"); j >= 0 {
			l = l[:j]
		}
		cmds = append(cmds, strings.TrimSpace(l))
	}
	return cmds
}

// The README starts with two commands: the first prints the shipped
// capture of a container workload, the second runs the tests. The first
// is run here as written (with the test's build of trace for `go run
// ./cmd/trace`), from the repository root, and must show the workload;
// sysdig, when installed, prints the same for it.
func TestReadmeFirstCommand(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) != 2 || !strings.HasPrefix(cmds[1], "go test ") || !strings.HasSuffix(cmds[1], " ./...") {
		t.Fatalf("README's first block: %q, want the capture command and `go test ... ./...`", cmds)
	}
	// CI runs exactly the README's test command.
	ci, err := os.ReadFile(filepath.Join(difftest.Root(), ".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\n"+cmds[1]+"\n") {
		t.Errorf(".ci/run does not run the README's test command %q", cmds[1])
	}
	const goRun = "go run ./cmd/trace "
	if !strings.HasPrefix(cmds[0], goRun) || !strings.Contains(cmds[0], demoCapture) {
		t.Fatalf("README's first command %q does not run ./cmd/trace on %s", cmds[0], demoCapture)
	}
	run := func(bin string) []byte {
		t.Helper()
		cmd := exec.Command("/bin/sh", "-c", `"$BIN" `+strings.TrimPrefix(cmds[0], goRun))
		cmd.Dir = difftest.Root()
		cmd.Env = append(os.Environ(), "BIN="+bin, "TZ=UTC")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Fatalf("%s: %v\n%s", cmds[0], err, stderr.Bytes())
		}
		return out
	}
	out := run(difftest.Trace(t))
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) < 8 || len(lines) > 25 {
		t.Errorf("%d lines; the first command should show the workload on one screen:\n%s", len(lines), out)
	}
	for _, want := range []string{
		" demo (", // the container's name, from its runtime
		" sh (", "< execve res=0 exe=sh args=-c.echo 'hello from the demo container' > /tmp/index.html",
		"< openat fd=3(<f>/tmp/index.html)", "< write res=30 data=hello from the demo container",
		" wget (", "< connect res=0 tuple=127.0.0.1:", " httpd (", "< accept fd=4(<4t>127.0.0.1:",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := exec.LookPath("sysdig"); err != nil {
		t.Log("sysdig not installed: not comparing")
		return
	}
	if want := run("sysdig"); !bytes.Equal(out, want) {
		t.Errorf("sysdig prints otherwise for the README's first command:\n%s", difftest.Diff(out, want, 5))
	}
}
