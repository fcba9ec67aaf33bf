package chisels

import (
	"strings"
	"testing"
)

// FuzzSplitArgs: the chisel argument splitter never panics, and its words
// come from the input (none longer than it, none holding a quote that
// grouped it).
func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{"", "a b", "'R /etc' 10", "`a b` 'c", "'''", " x\t'y z'  w ", "'a'b'c'", "\x00'\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := splitArgs("fuzz", s)
		if err != nil {
			return
		}
		total := 0
		for _, w := range words {
			total += len(w)
			if len(w) > len(s) {
				t.Fatalf("%q: word %q longer than the input", s, w)
			}
		}
		if total > len(s) || len(words) > len(s) {
			t.Fatalf("%q split into %q", s, words)
		}
		_ = strings.Join(words, " ")
	})
}
