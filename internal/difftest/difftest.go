// Package difftest runs trace and sysdig 0.29.3 on the same input and
// compares their output, for the differential tests of the other packages.
package difftest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	traceBin  string
	buildErr  error
)

// Root returns the repository root (where go.mod is).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns ../shared next to the repository, or "" when absent.
func SharedDir() string {
	d := filepath.Join(Root(), "..", "shared")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

// RequireShared skips the test when ../shared is not there.
func RequireShared(t testing.TB) string {
	t.Helper()
	d := SharedDir()
	if d == "" {
		t.Skip("../shared (specs and real captures) not found next to the repository; skipping")
	}
	return d
}

// Captures returns the real captures of ../shared/scaps.
func Captures(t testing.TB) []string {
	d := RequireShared(t)
	m, _ := filepath.Glob(filepath.Join(d, "scaps", "*.scap"))
	if len(m) == 0 {
		t.Skip("no captures in ../shared/scaps")
	}
	return m
}

// Sysdig returns the path of sysdig, or skips the test when it is not
// installed.
func Sysdig(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("sysdig")
	if err != nil {
		t.Skip("sysdig is not installed (apt-get install -y --no-install-recommends sysdig); skipping differential test")
	}
	return p
}

// Trace builds cmd/trace once per test binary and returns its path.
func Trace(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		removeStaleBuilds()
		dir, err := os.MkdirTemp("", fmt.Sprintf("trace-difftest-%d-", os.Getpid()))
		if err != nil {
			buildErr = err
			return
		}
		traceBin = filepath.Join(dir, "trace")
		cmd := exec.Command("go", "build", "-o", traceBin, "./cmd/trace")
		cmd.Dir = Root()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return traceBin
}

// removeStaleBuilds removes the binaries earlier test processes built
// (a test binary cannot remove its own when it exits): the directories
// named after a process that is gone.
func removeStaleBuilds() {
	if _, err := os.Stat("/proc/self"); err != nil {
		return // no way to tell which processes are gone
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "trace-difftest-*"))
	for _, d := range dirs {
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(d), "trace-difftest-%d-", &pid); err != nil || pid <= 0 {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			os.RemoveAll(d)
		}
	}
}

// Result is the outcome of one run.
type Result struct {
	Stdout, Stderr []byte
	Code           int
}

// Run runs bin with args in the UTC time zone.
func Run(bin string, args ...string) Result { return RunEnv(bin, nil, args...) }

// RunEnv is Run with env (KEY=value) added to the environment, for
// parallel tests, which cannot use t.Setenv.
func RunEnv(bin string, env []string, args ...string) Result { return RunIn("", bin, env, args...) }

// RunTimeout bounds every run: a program still running after it is
// killed, and its Result has code -1 like any death by a signal.
const RunTimeout = 2 * time.Minute

// RunIn is RunEnv in working directory dir ("": the current one).
func RunIn(dir, bin string, env []string, args ...string) Result {
	ctx, cancel := context.WithTimeout(context.Background(), RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TZ=UTC"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return Result{out.Bytes(), errb.Bytes(), code}
}

// Compare runs trace and sysdig with the same arguments and fails the
// test, showing the first differing lines, when their stdout differ.
func Compare(t testing.TB, args ...string) {
	t.Helper()
	CompareEnv(t, nil, args...)
}

// CompareEnv is Compare with env (KEY=value) added to both programs'
// environment.
func CompareEnv(t testing.TB, env []string, args ...string) {
	t.Helper()
	sd := Sysdig(t)
	tr := Trace(t)
	got := RunEnv(tr, env, args...)
	want, known := Agreeing(sd, env, Subject(got), func(want Result) bool { return !Crashed(want) && Agree(got, want) }, args...)
	if known {
		return
	}
	if Crashed(want) {
		t.Skipf("sysdig crashed (status %d) on %v", want.Code, args)
	}
	if !bytes.Equal(got.Stdout, want.Stdout) {
		t.Errorf("trace %s: output differs from sysdig's\n%s\ntrace stderr: %s", strings.Join(args, " "), Diff(got.Stdout, want.Stdout, 5), got.Stderr)
	}
	if (got.Code == 0) != (want.Code == 0) {
		t.Errorf("trace %s: exit status %d, sysdig %d (stderr: %s)", strings.Join(args, " "), got.Code, want.Code, got.Stderr)
	}
}

// Subject is what Agree reads of trace's run: its stdout and its success.
func Subject(got Result) []byte {
	ok := byte('1')
	if got.Code != 0 {
		ok = '0'
	}
	return append(append([]byte{ok}, '\n'), got.Stdout...)
}

// Crashed tells a reference run killed by a signal (or hung) from one
// that exited.
func Crashed(r Result) bool { return r.Code < 0 || r.Code > 128 }

// Agree tells whether trace's run gives sysdig's answer: the same
// stdout and the same success.
func Agree(got, want Result) bool {
	return bytes.Equal(got.Stdout, want.Stdout) && (got.Code == 0) == (want.Code == 0)
}

// Diff describes the first differing lines of got and want.
func Diff(got, want []byte, max int) string {
	g := strings.Split(string(got), "\n")
	w := strings.Split(string(want), "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&b, "line %d:\n  trace:  %q\n  sysdig: %q\n", i+1, gl, wl)
			n++
			if n >= max {
				break
			}
		}
	}
	fmt.Fprintf(&b, "(%d lines from trace, %d from sysdig)", len(g), len(w))
	return b.String()
}

// CurrentCaptures returns the captures in current libs' layout of
// ../shared/scaps/current.
func CurrentCaptures(t testing.TB) []string {
	d := RequireShared(t)
	m, _ := filepath.Glob(filepath.Join(d, "scaps", "current", "*.scap"))
	if len(m) == 0 {
		t.Skip("no captures in ../shared/scaps/current")
	}
	return m
}

// SinspExample returns the path of current libs' reader
// (../shared/tools/libs-ref/sinsp-example), or skips the test when it is
// absent or cannot run here (its shared libraries missing).
func SinspExample(t testing.TB) string {
	t.Helper()
	p := filepath.Join(RequireShared(t), "tools", "libs-ref", "sinsp-example")
	if _, err := os.Stat(p); err != nil {
		t.Skip("../shared/tools/libs-ref/sinsp-example not found; skipping the comparison with current libs")
	}
	if r := Run(p, "-h"); r.Code != 0 {
		t.Skipf("sinsp-example does not run here (apt-get install -y --no-install-recommends libjsoncpp25 libre2-9 libtbb12 libelf1): %s", bytes.TrimSpace(r.Stderr))
	}
	return p
}

// FalcoRef returns the path of current Falco
// (../shared/tools/falco-ref/falco) and its configuration, or skips the
// test when it is absent or cannot run here.
func FalcoRef(t testing.TB) (bin, config string) {
	t.Helper()
	d := filepath.Join(RequireShared(t), "tools", "falco-ref")
	bin, config = filepath.Join(d, "falco"), filepath.Join(d, "falco.yaml")
	if _, err := os.Stat(bin); err != nil {
		t.Skip("../shared/tools/falco-ref/falco not found; skipping the comparison with current Falco")
	}
	if r := Run(bin, "--version"); r.Code != 0 {
		t.Skipf("falco-ref does not run here (apt-get install -y --no-install-recommends libjsoncpp25 libre2-9 libtbb12 libyaml-cpp0.7): %s", bytes.TrimSpace(r.Stderr))
	}
	return bin, config
}
