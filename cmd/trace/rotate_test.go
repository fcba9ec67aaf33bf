package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// Rotation (-e, -G, -W, -C) makes the same files as sysdig, each read back
// the same, state tables included.
func TestRotationMatchesSysdig(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	shared := difftest.RequireShared(t)
	ping := filepath.Join(shared, "scaps", "falco_ping_sendto.scap")
	sample := filepath.Join(shared, "scaps", "libs_sample.scap")
	cases := []struct {
		name string
		args []string
	}{
		{"events", []string{"-r", sample, "-w", "b.scap", "-n", "50", "-e", "10"}},
		{"seconds", []string{"-r", ping, "-w", "g.scap", "-G", "2"}},
		{"seconds-limit", []string{"-r", ping, "-w", "g.scap", "-G", "2", "-W", "3"}},
		{"strftime", []string{"-r", ping, "-w", "g_%H%M%S.scap", "-G", "3"}},
		{"size", []string{"-r", sample, "-w", "c.scap", "-C", "1", "-W", "2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sdir, tdir := t.TempDir(), t.TempDir()
			if r := difftest.RunIn(sdir, sd, nil, c.args...); r.Code != 0 {
				t.Skipf("sysdig failed: %s", r.Stderr)
			}
			if r := difftest.RunIn(tdir, tr, nil, c.args...); r.Code != 0 {
				t.Fatalf("trace failed: %s", r.Stderr)
			}
			sf, tf := listDir(t, sdir), listDir(t, tdir)
			if len(sf) != len(tf) {
				t.Fatalf("files: trace %v, sysdig %v", tf, sf)
			}
			for i := range sf {
				if sf[i] != tf[i] {
					t.Errorf("file %d: trace %s, sysdig %s", i, tf[i], sf[i])
					continue
				}
				want := difftest.Run(sd, "-D", "-r", filepath.Join(sdir, sf[i]))
				got := difftest.Run(sd, "-D", "-r", filepath.Join(tdir, tf[i]))
				if !bytes.Equal(got.Stdout, want.Stdout) {
					t.Errorf("%s reads back differently:\n%s", tf[i], difftest.Diff(got.Stdout, want.Stdout, 3))
				}
			}
		})
	}
}

func listDir(t *testing.T, dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}
