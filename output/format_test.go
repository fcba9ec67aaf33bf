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
