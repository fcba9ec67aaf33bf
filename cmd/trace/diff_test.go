package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/synth"
)

// The real captures, printed by default and with internal events.
func TestDiffRealCaptures(t *testing.T) {
	for _, f := range difftest.Captures(t) {
		f := f
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		for _, flags := range [][]string{nil, {"-D"}, {"-v"}, {"-tr"}, {"-td"}, {"-tD"}, {"-ta"}, {"-n", "213"}, {"-n3"}, {"-D", "-n", "100"}, {"-M", "1"}, {"-M2", "-D"}, {"-q"}} {
			flags := flags
			t.Run(name+strings.Join(flags, ""), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, append(append([]string{}, flags...), "-r", f)...)
			})
		}
	}
}

// Random events of every type sysdig 0.29.3 knows, with edge-case
// parameter values, rendered with each buffer format.
func TestDiffRandomEvents(t *testing.T) {
	difftest.Sysdig(t)
	dir := t.TempDir()
	for seed := int64(1); seed <= 4; seed++ {
		path := filepath.Join(dir, fmt.Sprintf("random%d.scap", seed))
		if err := synth.RandomCapture(path, seed, 2500, nil); err != nil {
			t.Fatal(err)
		}
		for _, flags := range [][]string{nil, {"-v"}, {"-A"}, {"-x"}, {"-X"}, {"-b"}, {"-D"}, {"-ta"}} {
			flags := flags
			t.Run(fmt.Sprintf("seed%d%s", seed, strings.Join(flags, "")), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, append(append([]string{}, flags...), "-r", path)...)
			})
		}
	}
}

// Consistent process activity: forks, threads, execs, files, pipes,
// sockets of every family, dups, directory changes and exits.
func TestDiffScenarios(t *testing.T) {
	difftest.Sysdig(t)
	dir := t.TempDir()
	for seed := int64(20); seed < 36; seed++ {
		seed := seed
		path := filepath.Join(dir, fmt.Sprintf("scenario%d.scap", seed))
		if err := synth.RandomScenario(path, seed, 2000); err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			difftest.Compare(t, "-r", path)
		})
	}
}

// The -S summary, byte for byte: equal counts come in the order sysdig's
// C++ sort leaves them.
func TestDiffSummary(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	for _, f := range difftest.Captures(t) {
		for _, flags := range [][]string{{"-S", "-q"}, {"-S"}, {"-S", "-n", "50"}} {
			args := append(append([]string{}, flags...), "-r", f)
			want := difftest.Run(sd, args...)
			got := difftest.Run(tr, args...)
			if string(got.Stdout) != string(want.Stdout) {
				t.Errorf("trace %v: summary differs:\n%s", args, difftest.Diff(got.Stdout, want.Stdout, 5))
			}
		}
	}
}

// Captures trace recorded live, printed as sysdig prints them: syslog
// holds messages sent and written to /dev/log, which evt.info (but not
// evt.args) shows decoded; net holds IPv6 and UDP traffic, whose socket
// roles and unspecified addresses sysdig infers; syscalls holds a python
// workload of most of the system calls live capture encodes (files,
// directories, links, sockets, polling, memory, ids, signals, fork/exec).
func TestDiffOwnLiveCaptures(t *testing.T) {
	difftest.Sysdig(t)
	for _, name := range []string{"syslog.scap.gz", "net.scap.gz", "syscalls.scap.gz"} {
		f := filepath.Join("..", "..", "testdata", name)
		for _, flags := range [][]string{nil, {"-j"}, {"-j", "-p", "no fields"}, {"-p", "%evt.num %evt.info|%evt.args"}, {"-pc"}, {"evt.info contains syslog"}, {"-D"},
			// The filter rejects write enters: the exits are decoded still.
			{"evt.dir=<"}, {"-p", "%evt.num %syslog.severity %syslog.message", "evt.type in (write, sendto) and evt.dir=<"}} {
			flags := flags
			t.Run(name+"/"+strings.Join(flags, " "), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, append(append([]string{}, flags...), "-r", f)...)
			})
		}
	}
	// live.scap's threads have a "name=systemd=/" cgroup: the controller
	// is "name=systemd", as sinsp splits at the last '='.
	t.Run("live.scap/cgroups", func(t *testing.T) {
		t.Parallel()
		difftest.Compare(t, "-r", filepath.Join("..", "..", "testdata", "live.scap"), "-p",
			"*%evt.num %thread.cgroup.name %thread.cgroup.name=systemd %thread.cgroup.memory %thread.cgroups")
	})
	// Filters on thread identity only have their verdicts cached per
	// thread: forks and execs (python3 -> true/echo/sh) must flip them.
	f := filepath.Join("..", "..", "testdata", "syscalls.scap.gz")
	for _, flt := range []string{"proc.name=true", "proc.name=python3", "proc.name in (echo, sh)", "proc.pname=python3",
		"not proc.name=python3", "proc.cmdline contains child-arg", "proc.exe=/bin/echo", "user.uid=0 and proc.name!=python3"} {
		flt := flt
		t.Run("syscalls.scap.gz/"+flt, func(t *testing.T) {
			t.Parallel()
			difftest.Compare(t, "-r", f, "-p", "%evt.num %proc.name %evt.type", flt)
		})
	}
}
