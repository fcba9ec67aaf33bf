package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/views"
)

// csysdigOut is csysdig's answer to args, from difftest's cache when it
// agrees with got (ctrace's answer), otherwise from a run; crashed is set
// when csysdig died of a signal (0.29.3 crashes on the captures of
// current libs). Its stdout and stderr are returned together: the
// comparison is of sorted lines.
func csysdigOut(t *testing.T, bin, got string, args ...string) (out string, crashed bool) {
	r, known := difftest.AgreeingIn(t.TempDir(), bin, nil, []byte(got), func(r difftest.Result) bool {
		return r.Code >= 0 && sameOutput(string(r.Stdout)+string(r.Stderr), got)
	}, args...)
	if known {
		return got, false // (this answer agreed with csysdig's before)
	}
	return string(r.Stdout) + string(r.Stderr), r.Code < 0
}

// ctraceOut runs the headless mode of ctrace in process.
func ctraceOut(t *testing.T, args ...string) string {
	o, err := parseArgs(args)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	set := views.Load(chisels.Dirs(), views.Options{Containers: o.Containers, JSON: o.JSON})
	idx := set.Index(o.View)
	if idx < 0 {
		return "view " + o.View + " not found\n"
	}
	mode := views.OutRaw
	if o.JSON {
		mode = views.OutJSON
	}
	errf, _ := os.CreateTemp(t.TempDir(), "stderr")
	defer errf.Close()
	runHeadless(context.Background(), o, set, idx, mode, w, errf)
	w.Flush()
	errf.Seek(0, 0)
	var eb bytes.Buffer
	eb.ReadFrom(errf)
	return b.String() + eb.String()
}

// normLines returns the output's lines with the separators csysdig puts
// after JSON rows removed, sorted: rows that tie on the sort column come
// in any order, so a sample is compared as a set of rows.
func normLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, `{"d":`) {
			l = strings.TrimSuffix(l, ",")
			l = strings.TrimSuffix(l, "]")
		}
		// csysdig's own log lines (offline capture notices) are not output
		if strings.Contains(l, "starting offline capture") || strings.Contains(l, "Creating Mesos object") {
			continue
		}
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// sameJSONRow compares two JSON rows, doubles to 12 significant digits
// (averages summed in another order differ in the last ones).
func sameJSONRow(a, b string) bool {
	var x, y struct {
		D []any
		K string
	}
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	if x.K != y.K || len(x.D) != len(y.D) {
		return false
	}
	for i := range x.D {
		fa, oka := x.D[i].(float64)
		fb, okb := y.D[i].(float64)
		if oka && okb {
			if math.Abs(fa-fb) > 1e-12*math.Max(1, math.Abs(fa)) {
				return false
			}
			continue
		}
		if x.D[i] != y.D[i] {
			return false
		}
	}
	return true
}

func sameOutput(want, got string) bool {
	w, g := normLines(want), normLines(got)
	if len(w) != len(g) {
		return false
	}
	for i := range w {
		if w[i] != g[i] && !sameJSONRow(w[i], g[i]) {
			return false
		}
	}
	return true
}

// TestDiffViews runs every view over every capture of ../shared/scaps in
// --raw and -j and compares with csysdig 0.29.3.
func TestDiffViews(t *testing.T) {
	bin, err := exec.LookPath("csysdig")
	if err != nil {
		t.Skip("csysdig is not installed (apt-get install -y --no-install-recommends sysdig); skipping differential test")
	}
	// Only the captures of sysdig 0.29.3's time: it reads about 30
	// events of those in scaps/current (and often crashes), so it is no
	// reference for them.
	caps := difftest.Captures(t)
	set := views.Load(chisels.Dirs(), views.Options{JSON: true})
	if len(set.Views) < 40 {
		t.Fatalf("only %d views", len(set.Views))
	}
	// One parallel subtest per run (as many at once as -parallel allows,
	// GOMAXPROCS by default): csysdig is a process of its own, and the
	// runs are independent. The group returns when all have finished.
	var matched, crashed atomic.Int64
	t.Run("runs", func(t *testing.T) {
		for _, c := range caps {
			for _, v := range set.Views {
				for _, mode := range []string{"--raw", "-j"} {
					args := []string{"-r", c, mode, "-v", v.ID}
					t.Run(filepath.Base(c)+"/"+v.ID+mode, func(t *testing.T) {
						t.Parallel()
						got := ctraceOut(t, args...)
						want, crash := csysdigOut(t, bin, got, args...)
						if crash {
							crashed.Add(1)
							return
						}
						if !sameOutput(want, got) {
							t.Errorf("ctrace %s differs from csysdig:\n--- csysdig\n%s\n--- ctrace\n%s", strings.Join(args, " "), want, got)
							return
						}
						matched.Add(1)
					})
				}
			}
		}
	})
	t.Logf("%d runs match csysdig; %d skipped because csysdig crashed", matched.Load(), crashed.Load())
	if matched.Load() == 0 {
		t.Fatal("nothing compared")
	}
}

// TestDiffViewsFiltered compares views under a command-line filter and
// with -pc.
func TestDiffViewsFiltered(t *testing.T) {
	bin, err := exec.LookPath("csysdig")
	if err != nil {
		t.Skip("csysdig is not installed; skipping differential test")
	}
	d := difftest.RequireShared(t)
	c := filepath.Join(d, "scaps", "libs_sample.scap")
	for _, args := range [][]string{
		{"-v", "procs", "proc.name=sshd"},
		{"-v", "files", "proc.name", "contains", "sys"},
		{"-v", "threads", "-pc"},
		{"-v", "containers", "-pc"},
		{"-v", "syscalls", "evt.type=futex"},
		{"-v", "connections", "-pc"},
	} {
		for _, mode := range []string{"--raw", "-j"} {
			a := append([]string{"-r", c, mode}, args...)
			got := ctraceOut(t, a...)
			want, crash := csysdigOut(t, bin, got, a...)
			if crash {
				continue
			}
			if !sameOutput(want, got) {
				t.Errorf("ctrace %s differs from csysdig:\n--- csysdig\n%s\n--- ctrace\n%s", strings.Join(a, " "), want, got)
			}
		}
	}
}
