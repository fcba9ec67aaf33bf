package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
)

// Budgets for loading one hostile input: each case takes milliseconds on
// its own. Time is the process's CPU time (user+sys; the package's tests
// run one at a time), which other processes' load does not inflate the
// way it does wall time.
const (
	hostileTime  = 2 * time.Second
	hostileAlloc = 256 << 20
)

// within runs f and fails the test when it takes longer than the time
// budget or allocates more than the memory budget.
func within(t *testing.T, f func()) {
	t.Helper()
	withinBudget(t, hostileTime, hostileAlloc, f)
}

// withinBudget is within with other budgets.
func withinBudget(t *testing.T, hostileTime time.Duration, hostileAlloc uint64, f func()) {
	t.Helper()
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start, cpu0 := time.Now(), cpuTime()
	f()
	wall, d := time.Since(start), cpuTime()-cpu0
	runtime.ReadMemStats(&m1)
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("%v CPU (%v wall), %d MiB allocated", d.Round(time.Millisecond), wall.Round(time.Millisecond), alloc>>20)
	if d > hostileTime {
		t.Errorf("took %v of CPU, budget %v", d, hostileTime)
	}
	if alloc > hostileAlloc {
		t.Errorf("allocated %d MiB, budget %d MiB", alloc>>20, hostileAlloc>>20)
	}
}

// cpuTime is the process's user+sys time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadWithin loads data as the rules file h.yaml, within the budgets.
func loadWithin(t *testing.T, data []byte) (rs *Ruleset, res *Result) {
	t.Helper()
	within(t, func() {
		l := NewLoader(DefaultOptions())
		l.LoadData("h.yaml", data)
		rs, res = l.Compile()
	})
	return rs, res
}

// loadHostile loads data, which must fail within the budgets, and
// returns the first error.
func loadHostile(t *testing.T, data []byte) *Message {
	t.Helper()
	rs, res := loadWithin(t, data)
	if rs != nil || res.OK() {
		t.Fatalf("loaded, want an error")
	}
	return res.Errors()[0]
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
	{"too many entries", func() string { return "- list: l\n  items: [" + strings.Repeat("a, ", MaxEntries) + "b]\n" },
		"more than 262144 entries", "h.yaml:2:786432"},
	{"file over the size cap", func() string {
		return "- list: big\n  items: [" + strings.Repeat("abcdefgh, ", MaxFileSize/10) + "x]\n"
	}, "more than the 16777216 (16 MiB) trace reads", "h.yaml:1:1"},
}

func TestRulesHostileFiles(t *testing.T) {
	for _, tc := range hostileFiles {
		t.Run(tc.name, func(t *testing.T) {
			m := loadHostile(t, []byte(tc.gen()))
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
	dir := filepath.Join(difftest.RequireShared(t), "rules")
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

func macroChain(n int, rule bool) string {
	var b strings.Builder
	b.WriteString("- macro: m0\n  condition: evt.type=open\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "- macro: m%d\n  condition: (m%d or m%d)\n", i, i-1, i-1)
	}
	if rule {
		fmt.Fprintf(&b, "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: m%d\n", n)
	}
	return b.String()
}

func listChain(n int) string {
	return listChainRule(n, fmt.Sprintf("proc.name in (l%d)", n))
}

func listChainRule(n int, cond string) string {
	var b strings.Builder
	b.WriteString("- list: l0\n  items: [a]\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "- list: l%d\n  items: [l%d, l%d]\n", i, i-1, i-1)
	}
	b.WriteString(ruleWith(cond))
	return b.String()
}

func ruleWith(cond string) string {
	return "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: " + cond + "\n"
}

// hostileExpansions are small rules files whose lists or macros expand
// exponentially, or nest too deep.
var hostileExpansions = []struct {
	name      string
	gen       func() string
	want, pos string
}{
	{"22 macros (m or m)", func() string { return macroChain(22, true) },
		"macro 'm16': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): condition expands to more than 262144 nodes", "h.yaml:34:14"},
	{"60 macros (m or m), no rule", func() string { return macroChain(60, false) },
		"macro 'm16'", "h.yaml:34:14"},
	{"40 lists [l, l]", func() string { return listChain(40) },
		"list 'l17': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): list expands to more than 65536 items", "h.yaml:35:3"},
	{"2^16 items substituted 5 times in a rule", func() string {
		return listChainRule(16, "proc.name in (l16, l16, l16, l16, l16)")
	}, "rule 'r': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): conditions have more than 262144 list items substituted in total", "h.yaml:39:14"},
	{"2^16 items substituted in 5 macros", func() string {
		var b strings.Builder
		b.WriteString(listChain(16))
		for i := 0; i < 5; i++ {
			fmt.Fprintf(&b, "- macro: m%d\n  condition: proc.name in (l16)\n", i)
		}
		return b.String()
	}, "macro 'm4': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): conditions have more than 262144 list items substituted in total", "h.yaml:49:14"},
	{"rules expanding to 2^19 nodes in total", func() string {
		var b strings.Builder
		b.WriteString(macroChain(14, false))
		for i := 0; i < 10; i++ {
			fmt.Fprintf(&b, "- rule: r%d\n  desc: d\n  output: o\n  priority: INFO\n  condition: m14\n", i)
		}
		return b.String()
	}, "rule 'r5': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): rule conditions expand to more than 524288 nodes in total", "h.yaml:60:14"},
	{"macro chain 2000 deep", func() string {
		var b strings.Builder
		b.WriteString("- macro: m0\n  condition: evt.type=open\n")
		for i := 1; i <= 2000; i++ {
			fmt.Fprintf(&b, "- macro: m%d\n  condition: m%d\n", i, i-1)
		}
		return b.String()
	}, "macro 'm1001': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): macros naming macros nested deeper than 1000 levels", "h.yaml:2004:14"},
	{"macro chain 2000 deep, defined backwards", func() string {
		var b strings.Builder
		for i := 2000; i >= 1; i-- {
			fmt.Fprintf(&b, "- macro: m%d\n  condition: m%d\n", i, i-1)
		}
		b.WriteString("- macro: m0\n  condition: evt.type=open\n")
		return b.String()
	}, "macro 'm2000': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): macros naming macros nested deeper than 1000 levels", "h.yaml:2:14"},
	{"parentheses 100k deep", func() string { return ruleWith(nested("(", ")", 100000)) },
		"parentheses nested deeper than 1000 levels", "h.yaml:5:14"},
}

func TestRulesHostileExpansions(t *testing.T) {
	for _, tc := range hostileExpansions {
		t.Run(tc.name, func(t *testing.T) {
			m := loadHostile(t, []byte(tc.gen()))
			if !strings.Contains(m.String(), tc.want) {
				t.Errorf("error %q, want %q", m, tc.want)
			}
			if !strings.HasPrefix(m.String(), tc.pos) {
				t.Errorf("error %q, want it at %s", m, tc.pos)
			}
		})
	}
}

// TestRulesNearLimits loads files just inside the expansion limits: the
// limits themselves must be affordable.
func TestRulesNearLimits(t *testing.T) {
	cases := map[string]string{
		"macro chain":       macroChain(15, true),
		"list chain":        listChain(16),
		"macro chain 1000":  "",
		"parentheses 1000":  ruleWith(nested("(", ")", 1000)[:1000] + "evt.type=open" + strings.Repeat(")", 1000)),
		"lists substituted": "",
	}
	var b strings.Builder
	b.WriteString("- macro: m0\n  condition: evt.type=open\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "- macro: m%d\n  condition: m%d\n", i, i-1)
	}
	b.WriteString(ruleWith("m1000"))
	cases["macro chain 1000"] = b.String()
	b.Reset()
	b.WriteString(listChain(16))
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "- macro: m%d\n  condition: proc.name in (l16)\n", i)
	}
	cases["lists substituted"] = b.String()
	for name, y := range cases {
		t.Run(name, func(t *testing.T) {
			_, res := loadWithin(t, []byte(y))
			if !res.OK() {
				t.Fatalf("%v", res.Errors()[0])
			}
		})
	}
}

// TestRulesManyUnknownKeys loads a rule with 4000 unknown keys: linear
// time, and 11 warnings, not 4000.
func TestRulesManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(rule("r", "evt.type=open"))
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	_, res := loadWithin(t, []byte(b.String()))
	if !res.OK() {
		t.Fatalf("%v", res.Errors()[0])
	}
	n := 0
	for _, w := range res.Warnings() {
		if w.Code == WarnUnknownKey {
			n++
		}
	}
	if n != maxKeyWarnings+1 {
		t.Errorf("%d unknown-key warnings, want %d", n, maxKeyWarnings+1)
	}
}

// TestRulesDirectoryEntries: in a rules directory, only regular files
// (and links to them) load; dangling links, link loops, subdirectories
// and named pipes are skipped with a warning naming them, and a named
// pipe or device given as the rules file is refused, all without
// blocking.
func TestRulesDirectoryEntries(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", rule("ra", "evt.type=open"))
	write("real.yaml", rule("rb", "evt.type=close"))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("real.yaml", filepath.Join(dir, "b.yaml")))
	must(os.Symlink("missing.yaml", filepath.Join(dir, "c.yaml")))
	must(os.Symlink("d.yaml", filepath.Join(dir, "e.yaml")))
	must(os.Symlink("e.yaml", filepath.Join(dir, "d.yaml")))
	must(os.Mkdir(filepath.Join(dir, "f.yaml"), 0o700))
	fifo := filepath.Join(dir, "g.yaml")
	must(syscall.Mkfifo(fifo, 0o600))

	var rs *Ruleset
	var res *Result
	within(t, func() { rs, res = Load([]string{dir}, DefaultOptions()) })
	if rs == nil || !res.OK() {
		t.Fatalf("directory did not load: %v", res.Errors())
	}
	if n := len(rs.Rules); n != 2 {
		t.Errorf("%d rules loaded, want 2 (ra, and rb of real.yaml and of b.yaml, its link)", n)
	}
	var warns []string
	for _, f := range res.Files {
		for _, m := range f.Warnings {
			if m.Code == WarnSkippedFile {
				warns = append(warns, m.Text)
			}
		}
	}
	text := strings.Join(warns, "\n")
	for _, want := range []string{
		"c.yaml: a dangling symbolic link",
		"d.yaml: a loop of symbolic links",
		"e.yaml: a loop of symbolic links",
		"f.yaml: not a regular file (a directory)",
		"g.yaml: not a regular file (a named pipe)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no warning %q in:\n%s", want, text)
		}
	}

	for _, path := range []string{fifo, "/dev/zero", "/dev/null"} {
		within(t, func() { rs, res = Load([]string{path}, DefaultOptions()) })
		if rs != nil || res.OK() {
			t.Errorf("%s loaded, want it refused", path)
			continue
		}
		if m := res.Errors()[0]; !strings.Contains(m.Text, "not a regular file") {
			t.Errorf("%s: error %q", path, m.Text)
		}
	}
}
