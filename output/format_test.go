package output

import (
	"testing"
)

// Messages sysdig 0.29.3 prints for bad -p formats.
func TestParseFormatErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"%foo.bar baz", "invalid formatting token foo.bar baz"},
		{"x %foo.bar", "invalid formatting token foo.bar"},
		{"100%% x", "invalid formatting token % x"},
		{"%", "invalid formatting syntax: formatting cannot end with a %"},
		{"abc%", "invalid formatting syntax: formatting cannot end with a %"},
		{"", "empty formatting token"},
		{"%-5evt.num]", "invalid formatting token -5evt.num]"},
		{"%evt.arg.foo", "unknown event argument foo"},
		{"%5", "invalid formatting syntax: formatting cannot end with a number"},
		{"%5 x", "invalid formatting token  x"},
		{"%fd.ip", "fd.ip is filter only and cannot be used as a display field"},
	} {
		_, err := ParseFormat(tc.in)
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.in, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, err.Error(), tc.want)
		}
	}
}

func TestParseFormatShapes(t *testing.T) {
	f := MustParseFormat("*%evt.num:%10proc.name/%proc.name")
	if !f.All || len(f.Fields()) != 3 {
		t.Fatalf("all %v fields %d", f.All, len(f.Fields()))
	}
	if len(f.keys) != 2 {
		t.Errorf("JSON keys %d, want 2 (proc.name once)", len(f.keys))
	}
	if Unescape(`a\tb\nc\ed\\e\q`) != "a\tb\nc\x1bd\\e\\q" {
		t.Errorf("unescape: %q", Unescape(`a\tb\nc\ed\\e\q`))
	}
}

// A Falco rule output differs from a -p format: it always prints, a '*'
// is text, it may be empty, evt.around is refused, and a trailing width
// is an empty (invalid) token.
func TestParseRuleOutput(t *testing.T) {
	f, err := ParseRuleOutput("*%proc.name")
	if err != nil || !f.All || len(f.parts) != 2 || f.parts[0].lit != "*" {
		t.Errorf("'*': %v %+v", err, f)
	}
	if f, err := ParseRuleOutput(""); err != nil || !f.All || len(f.parts) != 0 {
		t.Errorf("empty: %v %+v", err, f)
	}
	for _, tc := range []struct{ in, want string }{
		{"%evt.around[1000]", "evt.around[1000] is filter only and cannot be used as a display field"},
		{"%fd.ip x", "fd.ip is filter only and cannot be used as a display field"},
		{"x %5", "invalid formatting token "},
		{"x %", "invalid formatting syntax: formatting cannot end with a %"},
		{"%not.a_field", "invalid formatting token not.a_field"},
	} {
		if _, err := ParseRuleOutput(tc.in); err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, want %q", tc.in, err, tc.want)
		}
	}
	// The -p forms of the same mistakes.
	if _, err := ParseFormat("%fd.ip x"); err == nil || err.Error() != "fd.ip x is filter only and cannot be used as a display field" {
		t.Errorf("-p filter only: %v", err)
	}
	if f, err := ParseFormat("%evt.around[1000]"); err != nil || !f.parts[0].absent {
		t.Errorf("-p evt.around: %v", err)
	}
}
