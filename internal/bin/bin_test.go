package bin

import "testing"

func TestLE(t *testing.T) {
	b := []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88}
	if got := LE16(b); got != 0x0201 {
		t.Errorf("LE16 = %#x", got)
	}
	if got := LE32(b); got != 0x04030201 {
		t.Errorf("LE32 = %#x", got)
	}
	if got := LE64(b); got != 0x8807060504030201 {
		t.Errorf("LE64 = %#x", got)
	}
	w := make([]byte, 8)
	PutLE32(w, 0x04030201)
	PutLE64(w[:8], LE64(w)|0x8807060500000000)
	if string(w) != string(b) {
		t.Errorf("Put: % x", w)
	}
}

func TestCString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"\x00", ""}, {"abc", "abc"}, {"abc\x00", "abc"}, {"ab\x00cd\x00", "ab"},
	} {
		if got := CString([]byte(tc.in)); got != tc.want {
			t.Errorf("CString(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(CBytes([]byte(tc.in))); got != tc.want {
			t.Errorf("CBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
