package chisels

import (
	"bytes"
	"io"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// luaRun runs code in a chisel-like state and returns what it printed.
func luaRun(t *testing.T, code string) string {
	t.Helper()
	var out bytes.Buffer
	L := newState(nil, func() io.Writer { return &out }, func(int) {})
	defer L.Close()
	if err := L.DoString(code); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return out.String()
}

// The expected strings are what sysdig 0.29.3 (LuaJIT 2.1) prints for
// the same code.
func TestStringFormat(t *testing.T) {
	cases := []struct{ code, want string }{
		{`string.format("[%d][%d][%d][%d]", 2.7, -2.7, 2.5, 1e15)`, "[2][-2][2][1000000000000000]"},
		{`string.format("[%.9d][%u][%u][%5.2s][%-5s|]", 5, 2.7, -1, "abc", "x")`, "[000000005][2][18446744073709551615][   ab][x    |]"},
		{`string.format("%q", "a\nb\0c\"d\\e\r\t")`, "\"a\\\nb\\0c\\\"d\\\\e\\13\\9\""},
		{`string.format("%s|%s|%s", 1.5, 3, nil)`, "1.5|3|nil"},
		{`string.format("%x|%X|%o|%c|%e|%g|%5.1f|%+d|% d|%05d", 255, 255, 8, 65, 12345.678, 0.0001, 3.14159, 5, 5, 42)`, "ff|FF|10|A|1.234568e+04|0.0001|  3.1|+5| 5|00042"},
		{`string.format("%d", "12") .. string.format("%s", true)`, "12true"},
		{`string.format("%5.1s|%.0f|%.3g", "hello", 2.5, 1234567)`, "    h|3|1.23e+06"},
		{`string.format("%i", 3.99)`, "3"},
		{`string.format("%.2f %.2f %.0f %.3f %.1f %.2f %.0f %.0f %.1f", 1.125, 0.125, 2.5, 1.0625, 0.25, 1.375, 0.5, 1.5, 0.05)`, "1.13 0.13 3 1.063 0.3 1.38 1 2 0.1"},
		{`string.format("%.2e %g %g %g %.14g", 1.125, 2.5, 1e20, 123456.5, 0.1)`, "1.13e+00 2.5 1e+20 123457 0.1"},
		{`string.format("%10.3f|%-10.2f|%+.1f", 3.14159, 2.5, 1.25)`, "     3.142|2.50      |+1.3"},
		{`string.format("%5d|%-5d|%.3d|%x", -3, 7, -5, -1)`, "   -3|7    |-005|ffffffffffffffff"},
		{`string.format("%c%c", 104, 105) .. string.format("%%")`, "hi%"},
		{`string.format("%u%.9u", 1690557262, 806231622)`, "1690557262806231622"},
		{`string.format("%u.%02us", 3, 45678900 / 10000000)`, "3.04s"},
		{`string.format("%.2fKB", 6871 / 1024)`, "6.71KB"},
	}
	for _, c := range cases {
		if got := luaRun(t, "print("+c.code+")"); got != c.want+"\n" {
			t.Errorf("%s = %q, want %q", c.code, got, c.want)
		}
	}
}

func TestToString(t *testing.T) {
	got := luaRun(t, `print(tostring(1e15), tostring(1e14), tostring(123456789012345), tostring(0.1+0.2), tostring(2^53), tostring(1/3), tostring(-0.0), tostring(1e100), tostring(1/0), 2^63, -2^63, 1e300*10)`)
	want := "1e+15\t1e+14\t1.2345678901235e+14\t0.3\t9.007199254741e+15\t0.33333333333333\t-0\t1e+100\tinf\t9.2233720368548e+18\t-9.2233720368548e+18\t1e+301\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := luaRun(t, `print(1.5, 100, -7, nil, true, math.floor(2.5), 7 % 3, -7 % 3, 5.5 % 2)`); got != "1.5\t100\t-7\tnil\ttrue\t2\t1\t2\t1.5\n" {
		t.Errorf("print: %q", got)
	}
}

func TestPatterns(t *testing.T) {
	cases := []struct{ code, want string }{
		{`string.match("GET /index.html HTTP", "^(%u+) (%g+)")`, "GET\t/index.html"},
		{`string.match("Host: example.com..Accept", "Host: (%g+)%.%.")`, "example.com"},
		{`string.match("Host: example.org....", "Host: (%g+)%.%.")`, "example.org.."},
		{`string.match("a b", "[%g]+")`, "a"},
		{`string.match("  x", "%G+")`, "  "},
		{`("x=1"):gsub("%g", "#")`, "###\t3"},
		{`string.find("abc", "b")`, "2\t2"},
	}
	for _, c := range cases {
		if got := luaRun(t, "print("+c.code+")"); got != c.want+"\n" {
			t.Errorf("%s = %q, want %q", c.code, got, c.want)
		}
	}
	if p := translatePattern("[^%g%s]x%gy"); p != "[^!-~%s]x[!-~]y" {
		t.Errorf("translatePattern: %q", p)
	}
}

// table.insert at position 0 moves every element up, as in LuaJIT
// (sysdig's spy_users relies on it).
func TestTableInsertZero(t *testing.T) {
	got := luaRun(t, `local t = {[0] = "a", "b", "c"}
table.insert(t, 0, "z")
print(t[0], t[1], t[2], t[3], #t)
local u = {1, 2}
table.insert(u, 1, 0)
table.insert(u, 9)
print(table.concat(u, ","))`)
	if got != "z\ta\tb\tc\t3\n0,1,2,9\n" {
		t.Errorf("got %q", got)
	}
}

func TestIOWrite(t *testing.T) {
	got := luaRun(t, `io.write("a", 1, 2.5, "\n") io.stdout:write("b"):write("c\n")`)
	if got != "a12.5\nbc\n" {
		t.Errorf("got %q", got)
	}
}

func TestExit(t *testing.T) {
	code := -1
	L := newState(nil, func() io.Writer { return io.Discard }, func(c int) { code = c })
	defer L.Close()
	if err := L.DoString(`os.exit(3)`); err != nil {
		t.Fatal(err)
	}
	if code != 3 {
		t.Errorf("exit code %d", code)
	}
}

func TestNumberParsing(t *testing.T) {
	for s, want := range map[string]float64{"12": 12, " 0x10 ": 16, "-1.5e2": -150} {
		got, err := parseLuaNumber(s)
		if err != nil || got != want {
			t.Errorf("parseLuaNumber(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "abc", "1_0", "inf"} {
		if _, err := parseLuaNumber(s); err == nil {
			t.Errorf("parseLuaNumber(%q) accepted", s)
		}
	}
	L := lua.NewState()
	defer L.Close()
	if numberToString(3) != "3" || string(appendNumber(nil, 1e20)) != "1e+20" || !strings.HasPrefix(quoteString("\x01"), `"\1`) {
		t.Error("number helpers")
	}
}
