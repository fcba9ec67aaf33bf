package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Budgets for loading one hostile input, with slack for a loaded
// machine: each case takes milliseconds on its own.
const (
	hostileTime  = 2 * time.Second
	hostileAlloc = 256 << 20
)

// within runs f and fails the test when it takes longer than the time
// budget or allocates more than the memory budget.
func within(t *testing.T, f func()) {
	t.Helper()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&m1)
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("%v, %d MiB allocated", d.Round(time.Millisecond), alloc>>20)
	if d > hostileTime {
		t.Errorf("took %v, budget %v", d, hostileTime)
	}
	if alloc > hostileAlloc {
		t.Errorf("allocated %d MiB, budget %d MiB", alloc>>20, hostileAlloc>>20)
	}
}

func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

func chain(n int, first, format string) string {
	var b strings.Builder
	b.WriteString(first)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, format, i, i-1, i-1)
	}
	return b.String()
}

// hostileFiles are rules files built to blow up a naive loader, each
// with the error (and its position) the load must stop at.
var hostileFiles = []struct {
	name string
	gen  func() string
	// want is a substring of the first error; pos its position prefix
	// ("" skips the check).
	want, pos string
}{
	{"flow sequences 100k deep", func() string { return nested("[", "]", 100000) },
		"flow collections ([ and {) nested deeper than 64 levels", "h.yaml:1:65"},
	{"flow mappings 50k deep", func() string { return nested("{a: ", "}", 50000) },
		"flow collections ([ and {) nested deeper than 64 levels", "h.yaml:1:257"},
	{"flow nesting in an item", func() string { return "- list: l\n  items: " + nested("[", "]", 100000) },
		"nested deeper than 64 levels", "h.yaml:2:74"},
	{"flow nesting over lines", func() string { return "- list: l\n  items: " + nested("[\n", "]\n", 100000) },
		"nested deeper than 64 levels", "h.yaml:66:1"},
	{"block mappings 3000 deep", func() string {
		var b strings.Builder
		for i := 0; i < 3000; i++ {
			b.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		return b.String()
	}, "block collections nested deeper than 64 levels", "h.yaml:65:65"},
	{"block sequences 100k deep", func() string { return strings.Repeat("- ", 100000) + "x\n" },
		"block collections nested deeper than 64 levels", "h.yaml:1:129"},
	{"mapping with 100k keys", func() string {
		var b strings.Builder
		b.WriteString(rule("r", "evt.type=open"))
		for i := 0; i < 100000; i++ {
			fmt.Fprintf(&b, "  k%d: v\n", i)
		}
		return b.String()
	}, "a mapping with more than 4096 keys", "h.yaml:4097:3"},
	{"file over the size cap", func() string {
		return "- list: big\n  items: [" + strings.Repeat("abcdefgh, ", MaxFileSize/10) + "x]\n"
	}, "more than the 16777216 (16 MiB) trace reads", "h.yaml:1:1"},
}

func TestRulesHostileFiles(t *testing.T) {
	for _, tc := range hostileFiles {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.gen())
			var rs *Ruleset
			var res *Result
			within(t, func() {
				l := NewLoader(DefaultOptions())
				l.LoadData("h.yaml", data)
				rs, res = l.Compile()
			})
			if rs != nil || res.OK() {
				t.Fatalf("loaded, want an error")
			}
			m := res.Errors()[0]
			if !strings.Contains(m.Text, tc.want) {
				t.Errorf("error %q, want %q", m, tc.want)
			}
			if tc.pos != "" && !strings.HasPrefix(m.String(), tc.pos+":") {
				t.Errorf("error %q, want it at %s", m, tc.pos)
			}
		})
	}
}

// TestRulesPrescanAcceptsRealFiles checks that the limits reject
// nothing Falco's rules files (and the YAML in the repository) use.
func TestRulesPrescanAcceptsRealFiles(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "rules")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "cmd", "trace", "testdata", "*.yaml"))
	paths = append(paths, more...)
	if len(paths) < 3 {
		t.Fatalf("only %d rules files found", len(paths))
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if le := prescan(b); le != nil {
			t.Errorf("%s:%d:%d: %s", p, le.line, le.col, le.msg)
		}
	}
}

// TestRulesPrescanValidYAML checks YAML that looks deep or wide to a
// careless scan but is not.
func TestRulesPrescanValidYAML(t *testing.T) {
	deepText := strings.Repeat("[", 200) + strings.Repeat("{", 200)
	cases := map[string]string{
		"block scalar":        "- macro: m\n  condition: >\n    " + deepText + "\n    x\n",
		"literal scalar":      "- macro: m\n  condition: |\n" + strings.Repeat("    a: b\n", 10000),
		"double quoted":       "- macro: m\n  condition: \"" + deepText + "\\\"\n   " + deepText + "\"\n",
		"single quoted":       "- macro: m\n  condition: '" + deepText + "''" + deepText + "'\n",
		"quoted in flow":      "- list: l\n  items: [\"" + deepText + "\", '" + deepText + "']\n",
		"plain in block":      "- macro: m\n  condition: x " + deepText + "\n",
		"plain continued":     "- macro: m\n  condition: a and\n    " + deepText + "\n    b\n",
		"comment":             "# " + deepText + "\n- list: l # " + deepText + "\n  items: [a] # " + deepText + "\n",
		"apostrophe in flow":  "- list: l\n  items: [it's, b]\n" + "- list: l2\n  items: [x]\n",
		"many sequence items": strings.Repeat("- list: l\n  items: [a]\n", 20000),
		"indentless sequence": "- list: l\n  items:\n  - a\n  - b\n  override:\n    items: append\n",
		"documents":           strings.Repeat("---\n- list: l\n  items: [a]\n", 3000),
	}
	for name, y := range cases {
		if le := prescan([]byte(y)); le != nil {
			t.Errorf("%s: %d:%d: %s", name, le.line, le.col, le.msg)
		}
	}
}
