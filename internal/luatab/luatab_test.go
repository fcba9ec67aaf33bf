package luatab

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The Lua side: each input line is a key sequence; print the pairs order.
const luaSource = `for line in io.lines() do
  local t = {}
  for k in line:gmatch("%S+") do t[tonumber(k)] = true end
  local o = {}
  for k in pairs(t) do o[#o+1] = string.format("%d", k) end
  print(table.concat(o, " "))
end
`

func join(ks []int32) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = strconv.Itoa(int(k))
	}
	return strings.Join(s, " ")
}

func randomKeys(r *rand.Rand) []int32 {
	n := 1 + r.Intn(300)
	var span int64
	switch r.Intn(4) {
	case 0:
		span = int64(n + 3) // dense: fds
	case 1:
		span = 1000
	case 2:
		span = 200000 // tids
	default:
		span = 1 << 31
	}
	seen := map[int32]bool{}
	var ks []int32
	for len(ks) < n {
		k := int32(r.Int63n(span))
		if r.Intn(50) == 0 {
			k = -k
		}
		if !seen[k] {
			seen[k] = true
			ks = append(ks, k)
		}
	}
	if r.Intn(3) == 0 {
		slices.Sort(ks)
	}
	return ks
}

func TestAgainstLuaJIT(t *testing.T) {
	lj, err := exec.LookPath("luajit")
	if err != nil {
		t.Skip("luajit not installed (apt-get install luajit): the model is not compared with LuaJIT")
	}
	if out, err := exec.Command(lj, "-v").Output(); err != nil || !strings.Contains(string(out), "2.1.0") {
		t.Skipf("luajit is not 2.1: %s", out)
	}
	script := filepath.Join(t.TempDir(), "order.lua")
	if err := os.WriteFile(script, []byte(luaSource), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(7))
	var in [][]int32
	for n := 1; n <= 70; n++ { // 0..n-1 and 1..n, in order and reversed
		var a, b []int32
		for k := 0; k < n; k++ {
			a = append(a, int32(k))
			b = append(b, int32(k+1))
		}
		rev := slices.Clone(a)
		slices.Reverse(rev)
		in = append(in, a, b, rev)
	}
	for i := 0; i < 2000; i++ {
		in = append(in, randomKeys(r))
	}
	var stdin strings.Builder
	for _, ks := range in {
		stdin.WriteString(join(ks) + "\n")
	}
	cmd := exec.Command(lj, "-joff", script)
	cmd.Stdin = strings.NewReader(stdin.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(in) {
		t.Fatalf("luajit printed %d lines for %d inputs", len(lines), len(in))
	}
	for i, ks := range in {
		if got := join(Order(ks)); got != lines[i] {
			t.Errorf("keys %d %s:\ngot  %s\nwant %s", len(ks), join(ks), got, lines[i])
		}
	}
}

// Recorded from LuaJIT 2.1.0-beta3 (Debian's 2.1.0~beta3+git20220320).
func TestRecorded(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0 1 2 3 4 5 6 7 15 17 28 30 33 35 36 37", "0 1 2 3 4 5 6 7 15 17 28 30 33 37 35 36"},
		{"37 0 2 15 28 3 17 1 30 5 35 6 36 7 4 33", "0 1 2 3 4 5 6 7 15 17 28 30 35 33 36 37"},
	} {
		var ks []int32
		for _, f := range strings.Fields(c.in) {
			k, _ := strconv.Atoi(f)
			ks = append(ks, int32(k))
		}
		if got := join(Order(ks)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.in, got, c.want)
		}
	}
}
