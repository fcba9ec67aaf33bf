package main

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// falcoTableKnown are the captures where trace's alerts may differ from
// current Falco's, by rule, and why.
var falcoTableKnown = map[string]map[string]string{
	// Hand-written events (odd paths, parents from nowhere), not a
	// recording.
	"scenario.scap": {"open_failed": "control byte in a path", "shell_spawned": "parent of a thread from a synthetic clone", "alert_args": "control bytes and synthetic parents"},
}

// falcoAlert is one alert, as both print it in JSON.
type falcoAlert struct {
	Rule         string         `json:"rule"`
	Output       string         `json:"output"`
	OutputFields map[string]any `json:"output_fields"`
}

func alertsOf(t *testing.T, out []byte) []falcoAlert {
	var as []falcoAlert
	for _, l := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var a falcoAlert
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert %q: %v", l, err)
		}
		as = append(as, a)
	}
	sort.Slice(as, func(i, j int) bool {
		if as[i].Output != as[j].Output {
			return as[i].Output < as[j].Output
		}
		return as[i].Rule < as[j].Rule
	})
	return as
}

// A table of rules of our own (every operator, the transformers, val(),
// lists, macros, exceptions, output fields) replayed by trace and by
// current Falco on every capture: the same alerts (rule, time, priority,
// output).
func TestRulesMatchCurrentFalco(t *testing.T) {
	falco, config := difftest.FalcoRef(t)
	tr := difftest.Trace(t)
	rules, _ := filepath.Abs("testdata/falco_table.yaml")
	files, _ := filepath.Glob("../../testdata/*.scap*")
	files = append(files, difftest.Captures(t)...)
	cur, _ := filepath.Glob(filepath.Join(difftest.SharedDir(), "scaps", "current", "*.scap"))
	files = append(files, cur...)
	// Falco's append_output, as -o takes it and as --append-output does.
	const appendOutput = `{"match": {"tags": []}, "extra_output": "on cpu %evt.cpu", "extra_fields": ["user.name", "evt.type", "proc.name"]}`
	for i, f := range files {
		var falcoArgs, traceArgs []string
		if i%4 == 0 {
			falcoArgs, traceArgs = []string{"-o", "append_output[]=" + appendOutput}, []string{"--append-output", appendOutput}
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			fr := difftest.Run(falco, append([]string{"-c", config, "-r", rules, "-o", "engine.kind=replay",
				"-o", "engine.replay.capture_file=" + f, "-o", "json_output=true",
				"-o", "stdout_output.enabled=true", "-o", "log_stderr=true", "-o", "log_syslog=false"}, falcoArgs...)...)
			if fr.Code != 0 {
				t.Skipf("falco: status %d: %s", fr.Code, headLine(fr.Stderr))
			}
			res := difftest.Run(tr, append([]string{"-r", f, "--rules", rules, "-j"}, traceArgs...)...)
			if res.Code != 0 {
				t.Fatalf("trace: status %d: %s", res.Code, res.Stderr)
			}
			want, got := alertsOf(t, fr.Stdout), alertsOf(t, res.Stdout)
			known := falcoTableKnown[filepath.Base(f)]
			byRule := func(as []falcoAlert) map[string][]string {
				m := map[string][]string{}
				for _, a := range as {
					fs, _ := json.Marshal(a.OutputFields) // (keys sorted)
					m[a.Rule] = append(m[a.Rule], a.Output+" "+string(fs))
				}
				return m
			}
			w, g := byRule(want), byRule(got)
			for rule := range mergeKeys(w, g) {
				ws, gs := strings.Join(w[rule], "\n"), strings.Join(g[rule], "\n")
				if ws == gs {
					continue
				}
				if why, ok := known[rule]; ok {
					t.Logf("rule %s: %d alerts in Falco, %d in trace (known: %s)", rule, len(w[rule]), len(g[rule]), why)
					continue
				}
				t.Errorf("rule %s: %d alerts in Falco, %d in trace\n%s", rule, len(w[rule]), len(g[rule]),
					difftest.Diff([]byte(gs), []byte(ws), 5))
			}
			if len(want) == 0 && len(known) == 0 {
				t.Logf("no alert from either on %s", f)
			}
		})
	}
}

func mergeKeys(a, b map[string][]string) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
