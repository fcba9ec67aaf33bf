package rules

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

var utc = time.UTC

// writeFiles writes rules files named 0.yaml, 1.yaml, ... and returns
// their paths.
func writeFiles(t testing.TB, contents ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, c := range contents {
		p := filepath.Join(dir, string(rune('0'+i))+".yaml")
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// loadOK loads rules files that must load without errors.
func loadOK(t testing.TB, contents ...string) (*Ruleset, *Result) {
	t.Helper()
	rs, res := Load(writeFiles(t, contents...), DefaultOptions())
	if !res.OK() {
		var b strings.Builder
		res.WriteText(&b)
		t.Fatalf("load failed:\n%s", b.String())
	}
	return rs, res
}

// loadErr loads rules files that must fail and returns the first error.
func loadErr(t testing.TB, contents ...string) *Message {
	t.Helper()
	rs, res := Load(writeFiles(t, contents...), DefaultOptions())
	if res.OK() || rs != nil {
		t.Fatalf("load succeeded, want an error")
	}
	return res.Errors()[0]
}

// hasWarning reports whether the result has a warning with code c whose
// text contains sub.
func hasWarning(res *Result, c Code, sub string) bool {
	for _, w := range res.Warnings() {
		if w.Code == c && strings.Contains(w.Text, sub) {
			return true
		}
	}
	return false
}

// alert is one fired rule.
type alert struct {
	rule string
	num  uint64
	text string
}

// runCapture feeds a capture through the state engine and the rules
// engine and returns the alerts (text format, UTC).
func runCapture(t testing.TB, path string, eng *Engine) []alert {
	t.Helper()
	rd, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	st := state.NewEngine()
	st.LoadMetadata(rd.Metadata())
	rd.OnSection = st.LoadMetadata
	ctx := fields.NewCtx()
	af := &AlertFormat{Location: utc}
	var raw scap.Event
	var ev state.Event
	var out []alert
	for {
		if err := rd.NextInto(&raw); err != nil {
			if err == io.EOF {
				break
			}
			t.Fatalf("%s: %v", path, err)
		}
		if !st.Process(&raw, &ev) || ev.Setup || ev.Hidden {
			continue
		}
		ctx.Ev = &ev
		eng.Match(ctx, func(r *Rule) {
			b := r.AppendAlert(nil, ctx, af)
			out = append(out, alert{rule: r.Name, num: ev.Num, text: strings.TrimSuffix(string(b), "\n")})
		})
	}
	return out
}

// capture returns the path of a capture in ../shared/scaps.
func capture(t testing.TB, name string) string {
	return filepath.Join(difftest.RequireShared(t), "scaps", name)
}

func mustEngine(t testing.TB, rs *Ruleset, sel Selection) *Engine {
	t.Helper()
	e, err := NewEngine(rs, sel)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
