package state

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// envLike and cgroupsLike give what splitting gives, sharing the list
// they are handed only when it is equal.
func TestSplitLike(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"\x00", "\x00", "a", "b=c", "io=/x", "blkio=/x", "=", "name=systemd=/"}
	area := func() []byte {
		var b strings.Builder
		for k := r.Intn(6); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		return []byte(b.String())
	}
	for n := 0; n < 20000; n++ {
		b, other := area(), area()
		for _, like := range [][]byte{b, other} {
			env := splitEnv(like)
			got := envLike(b, env)
			if want := splitEnv(b); !slices.Equal(got, want) {
				t.Fatalf("envLike(%q, split of %q) = %q, want %q", b, like, got, want)
			} else if len(env) > 0 && slices.Equal(want, env) && &got[0] != &env[0] {
				t.Fatalf("envLike(%q) made a copy of an equal list", b)
			}
			cg := splitCgroups(like)
			gotc := cgroupsLike(b, cg)
			if want := splitCgroups(b); !slices.Equal(gotc, want) {
				t.Fatalf("cgroupsLike(%q, split of %q) = %q, want %q", b, like, gotc, want)
			} else if len(cg) > 0 && slices.Equal(want, cg) && &gotc[0] != &cg[0] {
				t.Fatalf("cgroupsLike(%q) made a copy of an equal list", b)
			}
			if sameNulList(b, splitNul(like), false) != slices.Equal(splitNul(b), splitNul(like)) {
				t.Fatalf("sameNulList(%q, split of %q) is wrong", b, like)
			}
		}
	}
}
