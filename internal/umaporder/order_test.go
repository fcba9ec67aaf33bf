package umaporder

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// run applies a script of operations ("i K" insert, "e K" erase, "c"
// clear, "k" replace the map by a copy of itself, "p" print the keys and
// the bucket count) and returns what "p" printed.
func run(script []string) string {
	var b strings.Builder
	var o Order
	for _, op := range script {
		var k int64
		switch op[0] {
		case 'i':
			fmt.Sscan(op[2:], &k)
			o.Insert(k)
		case 'e':
			fmt.Sscan(op[2:], &k)
			o.Erase(k)
		case 'c':
			o.Clear()
		case 'k':
			o = o.Clone()
		case 'p':
			for _, k := range o.Keys(nil) {
				fmt.Fprintf(&b, "%d ", k)
			}
			fmt.Fprintf(&b, "| %d %d\n", o.BucketCount(), o.Len())
		}
	}
	return b.String()
}

// The same script run by the real container.
const cppSource = `#include <unordered_map>
#include <cstdio>
#include <cstdint>
#include <iostream>
#include <string>
int main() {
  std::unordered_map<int64_t, int> m;
  std::string op;
  while (std::cin >> op) {
    long long k;
    if (op == "i") { std::cin >> k; m.emplace(k, 1); }
    else if (op == "e") { std::cin >> k; m.erase(k); }
    else if (op == "c") { m.clear(); }
    else if (op == "k") { std::unordered_map<int64_t, int> c(m); m = c; }
    else if (op == "p") {
      for (auto& p : m) printf("%lld ", (long long)p.first);
      printf("| %zu %zu\n", m.bucket_count(), m.size());
    }
  }
}
`

func randomScript(r *rand.Rand, n int) []string {
	var s []string
	var live []int64
	span := int64(8 + r.Intn(400))
	for i := 0; i < n; i++ {
		switch x := r.Intn(100); {
		case x < 60 || len(live) == 0:
			k := r.Int63n(span)
			if r.Intn(20) == 0 {
				k = r.Int63n(1 << 40)
			}
			s = append(s, fmt.Sprintf("i %d", k))
			live = append(live, k)
		case x < 90:
			k := live[r.Intn(len(live))]
			s = append(s, fmt.Sprintf("e %d", k))
		case x < 92:
			s = append(s, "c")
			live = nil
		case x < 94:
			s = append(s, "k")
		default:
			s = append(s, "p")
		}
	}
	return append(s, "p")
}

func TestAgainstLibstdcxx(t *testing.T) {
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ not installed: the model is not compared with libstdc++")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "m.cpp")
	bin := filepath.Join(dir, "m")
	if err := os.WriteFile(src, []byte(cppSource), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(gxx, "-O1", "-o", bin, src).CombinedOutput(); err != nil {
		t.Skipf("g++ cannot build the reference program: %v\n%s", err, out)
	}
	r := rand.New(rand.NewSource(1))
	var scripts [][]string
	// Ascending runs, as process-list fds are loaded.
	for n := 1; n < 300; n += 7 {
		var s []string
		for k := 0; k < n; k++ {
			s = append(s, fmt.Sprintf("i %d", k*(1+n%3)))
		}
		scripts = append(scripts, append(s, "p"))
	}
	for i := 0; i < 300; i++ {
		scripts = append(scripts, randomScript(r, 1+r.Intn(600)))
	}
	for i, s := range scripts {
		cmd := exec.Command(bin)
		cmd.Stdin = strings.NewReader(strings.Join(s, "\n") + "\n")
		want, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := run(s); got != string(want) {
			t.Fatalf("script %d (%d ops):\ngot  %s\nwant %s", i, len(s), got, want)
		}
	}
}

// Recorded from libstdc++ (GCC 12).
func TestRecorded(t *testing.T) {
	for _, c := range []struct {
		script, want string
	}{
		{"i 0,i 1,i 2,i 3,i 4,i 5,i 6,i 7,i 15,i 17,i 28,i 30,i 33,i 35,i 36,i 37,p",
			"37 0 2 15 28 3 17 1 30 5 35 6 36 7 4 33 | 29 16\n"},
		{"i 5,i 18,i 31,p,e 18,p,i 1,p", "31 18 5 | 13 3\n31 5 | 13 2\n1 31 5 | 13 3\n"},
		{"p,i 3,c,p,i 4,p", "| 1 0\n| 13 0\n4 | 13 1\n"},
	} {
		if got := run(strings.Split(c.script, ",")); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.script, got, c.want)
		}
	}
}

func TestEraseAll(t *testing.T) {
	var o Order
	for k := int64(0); k < 100; k++ {
		o.Insert(k * 13)
	}
	keys := o.Keys(nil)
	for _, k := range keys {
		if !o.Erase(k) || o.Has(k) {
			t.Fatalf("erase %d", k)
		}
	}
	if o.Len() != 0 || len(o.Keys(nil)) != 0 {
		t.Fatal("not empty")
	}
	if o.Erase(5) {
		t.Fatal("erased a missing key")
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	if bytes.Equal([]byte(fmt.Sprint(sorted)), []byte(fmt.Sprint(keys))) {
		t.Fatal("order is plain ascending: the model does nothing")
	}
}
