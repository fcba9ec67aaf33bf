package rules

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// substSequential is the plain definition of list substitution: every
// list, in definition order, substituted into the condition.
func substSequential(lists []*listDef, cond string) string {
	for _, d := range lists {
		cond = substList(cond, d, func() {})
	}
	return cond
}

// TestSubstListsSameAsSequential: substituting only the lists whose
// names occur gives the text of substituting every list in turn, on
// random conditions over lists that name each other, with odd names
// (delimiters inside, empty lists, quoted items).
func TestSubstListsSameAsSequential(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	names := []string{"a", "b", "c", "ab", "ba", "d e", "f", "(g)", "h,i", "j=k", "shell_binaries", "x"}
	words := append([]string{"proc.name", "in", "and", "or", "not", "=", "(", ")", ",", " ", "  ", "evt.type", "open", "\t"}, names...)
	for round := 0; round < 300; round++ {
		l := NewLoader(DefaultOptions())
		perm := rng.Perm(len(names))
		for _, k := range perm[:1+rng.Intn(len(names))] {
			var items []string
			for n := rng.Intn(4); n > 0; n-- {
				items = append(items, words[rng.Intn(len(words))])
			}
			d := &listDef{name: names[k], items: items, flat: items}
			l.lists = append(l.lists, d)
		}
		var b strings.Builder
		for n := 1 + rng.Intn(12); n > 0; n-- {
			b.WriteString(words[rng.Intn(len(words))])
			if rng.Intn(2) == 0 {
				b.WriteByte(' ')
			}
		}
		cond := b.String()
		want := substSequential(l.lists, cond)
		c := &compiler{l: l}
		got := c.substLists(cond, "rule", "r", Pos{})
		if got != want {
			var defs []string
			for _, d := range l.lists {
				defs = append(defs, fmt.Sprintf("%q=%q", d.name, d.flat))
			}
			t.Fatalf("round %d: lists %s\ncondition %q\ngot  %q\nwant %q", round, strings.Join(defs, " "), cond, got, want)
		}
	}
}

// TestSubstListsLinear: 20,000 lists and 20,000 macros (each macro naming
// one list) load in time linear in the file, not lists × conditions (the YAML
// parser allocates some 200 bytes per byte of such a file).
func TestSubstListsLinear(t *testing.T) {
	var b strings.Builder
	const n = 20000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- list: l%d\n  items: [p%d]\n", i, i)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- macro: m%d\n  condition: proc.name in (l%d)\n", i, i)
	}
	b.WriteString(rule("r", "m0 and evt.type=open"))
	data := []byte(b.String())
	var res *Result
	withinBudget(t, hostileTime, 512<<20, func() {
		l := NewLoader(DefaultOptions())
		l.LoadData("big.yaml", data)
		_, res = l.Compile()
	})
	if len(res.Errors()) > 0 {
		t.Fatalf("errors: %v", res.Errors()[0])
	}
}
