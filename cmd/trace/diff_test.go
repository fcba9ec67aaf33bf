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
		for _, flags := range [][]string{nil, {"-D"}, {"-v"}, {"-tr"}, {"-td"}, {"-tD"}, {"-ta"}} {
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
