package fnmatch

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		fold   bool
		want   bool
	}{
		{"", "", false, true}, {"", "a", false, false}, {"a", "ab", false, false},
		{"*", "", false, true}, {"*", "/a/b", false, true}, {"/etc/*.conf", "/etc/a/b.conf", false, true},
		{"*.go", ".x.go", false, true}, {"a*b*c", "aXbYbZc", false, true}, {"a*b*c", "aXbYbZ", false, false},
		{"**a", "bba", false, true}, {"?", "", false, false}, {"?", "/", false, true},
		{"c[a-z]rl", "curl", false, true}, {"c[!u]rl", "curl", false, false}, {"[^a-c]x", "dx", false, true},
		{"[]]", "]", false, true}, {"[!]]", "a", false, true}, {"[", "[", false, true}, {"[a", "[a", false, true},
		// An unclosed expression whose member matched is ordinary bytes too.
		{"[b", "b", false, false}, {"[b", "[b", false, true},
		{`\*`, "*", false, true}, {`\*`, "a", false, false}, {`a\`, `a\`, false, false}, {`[\]]`, "]", false, true},
		{"[[:lower:]]", "q", false, true}, {"[[:lower:]]", "Q", false, false}, {"[[:digit:]x]", "x", false, true},
		// Unknown classes fail the attempt when reached, not when skipped.
		{"[[:bogus:]b]", "b", false, false}, {"[b[:bogus:]]", "b", false, true}, {"*[b[:bogus:]]", "ab", false, true},
		{"[[:up]", ":", false, true}, {"[[:upper:]-b]", "-", false, true},
		{"[[.a.]]", "a", false, true}, {"[[=a=]]", "a", false, true}, {"[[.ab.]]", "a", false, false},
		{"[a[.x", "[a[.x", false, false}, {"[a[=x", "[a[=x", false, true}, {"[[.a.]-]", "a", false, false},
		// Case folding applies to bytes and ranges, not to classes,
		// collating symbols or equivalence classes.
		{"/ETC/HOSTS", "/etc/hosts", false, false}, {"/ETC/HOSTS", "/etc/hosts", true, true}, {`\A`, "a", true, true},
		{"[A-C]", "b", true, true}, {"[a-Z]", "b", true, true}, {"[Z-a]", "_", true, false}, {"[Z-a]", "_", false, true},
		{"[[:upper:]]", "B", true, true}, {"[[:upper:]]", "b", true, false}, {"[[.A.]]", "a", true, false},
	} {
		if got := Match(c.pat, c.s, c.fold); got != c.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", c.pat, c.s, c.fold, got, c.want)
		}
	}
}

// oracle is a C program that answers with glibc's fnmatch(3) (C locale)
// for lines "fold<TAB>hex(pattern)<TAB>hex(string)".
const oracle = `#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
static void unhex(const char *h, char *out) {
	unsigned v;
	while (h[0] && h[1] && h[0] != '\t' && h[0] != '\n' && sscanf(h, "%2x", &v) == 1) {
		*out++ = (char)v;
		h += 2;
	}
	*out = 0;
}
int main(void) {
	static char line[8192], p[4096], s[4096];
	while (fgets(line, sizeof line, stdin)) {
		char *b = strchr(line + 2, '\t');
		if (!b) return 1;
		unhex(line + 2, p);
		unhex(b + 1, s);
		printf("%d\n", fnmatch(p, s, line[0] == '1' ? FNM_CASEFOLD : 0) == 0);
	}
	return 0;
}
`

// TestAgainstGlibc compares Match with glibc's fnmatch on random patterns
// built from the bytes and constructs that matter.
func TestAgainstGlibc(t *testing.T) {
	cc, err := exec.LookPath("cc")
	if err != nil {
		t.Skip("no C compiler (cc) to build the glibc fnmatch oracle")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "oracle.c")
	if err := os.WriteFile(src, []byte(oracle), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "oracle")
	if out, err := exec.Command(cc, "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Skipf("cannot build the glibc oracle: %v\n%s", err, out)
	}
	pieces := []string{"a", "b", "A", "Z", "z", "0", "_", "`", "/", ".", "-", "!", "^", ":", "=", "[", "]",
		"*", "?", `\`, "[[:upper:]]", "[[:lower:]]", "[a-z]", "[A-Z]", "[!a]", "[[:bogus:]a]", "[:alpha:]", "[:upper:]", "[:lower:]", "[:digit:]", "[:bogus:]", "[.", ".]", "[=", "=]", "[:", ":]"}
	plain := pieces[:20]
	// Half the strings are drawn from their pattern (a piece, a byte of
	// its class, a case swap), so that matches are common.
	gen := func(r *rand.Rand) (pat, s string) {
		var p, b strings.Builder
		for n := r.Intn(7); n > 0; n-- {
			piece := pieces[r.Intn(len(pieces))]
			p.WriteString(piece)
			switch r.Intn(3) {
			case 0:
				b.WriteString(plain[r.Intn(len(plain))])
			case 1:
				b.WriteString(piece)
			default:
				if len(piece) == 1 {
					b.WriteByte(piece[0] ^ 0x20) // the other case of a letter
				} else {
					b.WriteByte("aAzZ09_:"[r.Intn(8)])
				}
			}
		}
		return p.String(), b.String()
	}
	type tc struct {
		pat, s string
		fold   bool
	}
	r := rand.New(rand.NewSource(1))
	cases := make([]tc, 200000)
	var in bytes.Buffer
	for i := range cases {
		c := tc{fold: r.Intn(2) == 0}
		c.pat, c.s = gen(r)
		cases[i] = c
		f := 0
		if c.fold {
			f = 1
		}
		fmt.Fprintf(&in, "%d\t%s\t%s\n", f, hex.EncodeToString([]byte(c.pat)), hex.EncodeToString([]byte(c.s)))
	}
	cmd := exec.Command(bin)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	n, bad := 0, 0
	for ; sc.Scan() && n < len(cases); n++ {
		c, want := cases[n], sc.Text() == "1"
		if got := Match(c.pat, c.s, c.fold); got != want {
			if bad++; bad <= 20 {
				t.Errorf("Match(%q, %q, %v) = %v, glibc says %v", c.pat, c.s, c.fold, got, want)
			}
		}
	}
	if n != len(cases) {
		t.Fatalf("oracle answered %d of %d cases", n, len(cases))
	}
}

func BenchmarkMatch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Match("/usr/lib/*/python3*/site-packages/*.so", "/usr/lib/x86_64-linux-gnu/python3.11/site-packages/_ssl.so", false)
	}
}
