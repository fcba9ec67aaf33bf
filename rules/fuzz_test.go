package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// FuzzLoad feeds arbitrary bytes to the rules loader: it must report
// errors, never panic, and a ruleset only comes with a clean result.
//
//	go test ./rules -run '^$' -fuzz FuzzLoad
func FuzzLoad(f *testing.F) {
	f.Add([]byte(rule("r", "proc.name=bash and evt.type=execve")))
	f.Add([]byte("- list: l\n  items: [a, b]\n- macro: m\n  condition: proc.name in (l)\n" + rule("r", "m and evt.type=open", "exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [[x]]")))
	f.Add([]byte("- rule: r\n  append: true\n  condition: and fd.num=3\n"))
	f.Add([]byte("- required_engine_version: 0.26.0\n- rule: x\n  desc: [\n"))
	f.Add([]byte("key: value\n"))
	if d := difftest.SharedDir(); d != "" {
		rules := filepath.Join(d, "rules")
		dir, _ := os.ReadDir(rules)
		for _, e := range dir {
			if b, err := os.ReadFile(filepath.Join(rules, e.Name())); err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := NewLoader(DefaultOptions())
		l.LoadData("fuzz.yaml", data)
		rs, res := l.Compile()
		if rs != nil && !res.OK() {
			t.Fatalf("a ruleset came with errors")
		}
		var b stringsBuilder
		res.WriteText(&b)
	})
}

type stringsBuilder struct{ n int }

func (s *stringsBuilder) Write(p []byte) (int, error) { s.n += len(p); return len(p), nil }
