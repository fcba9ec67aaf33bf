package filter

import "testing"

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"/etc/*.conf", "/etc/resolv.conf", true},
		{"/etc/*.conf", "/etc/a/b.conf", true},
		{"/etc/*.conf", "/etc/resolv.con", false},
		{"c[u]rl", "curl", true},
		{"c[!u]rl", "curl", false},
		{"c[a-z]rl", "curl", true},
		{"c?rl", "curl", true},
		{"*", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{`a\*`, "a*", true},
		{`a\*`, "ab", false},
		{"[", "[", true},
		{"[]]", "]", true},
		{"*.so*", "libc.so.6", true},
	} {
		if got := Glob(tc.pat, tc.s, false); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
	if !Glob("CURL", "curl", true) || Glob("CURL", "curl", false) {
		t.Error("iglob case folding")
	}
}
