package chisels

import "testing"

// Positions as sysdig 0.29.3 reports them.
func TestCheckAmbiguous(t *testing.T) {
	cases := []struct {
		expr string
		pos  int // 0: accepted
	}{
		{"proc.name=bash or proc.name=sh and evt.type=execve", 51},
		{"(evt.type=open or evt.type=close and evt.dir=<) and proc.name=x", 46},
		{"evt.type=open and (evt.type=close or evt.dir=< and proc.name=x)", 62},
		{"evt.type=open and evt.dir=< or proc.name=x", 43},
		{"not evt.type=open and evt.dir=< or proc.name=x", 47},
		{"evt.dir=< or evt.dir=> and evt.type=open", 41},
		{"evt.type=open or evt.dir=< and proc.name='x'", 44},
		{"evt.type=open or evt.dir=< and proc.name=x ", 43},
		{"evt.type=open or evt.dir=< and evt.type in (open, close)", 56},
		{"evt.type=open or evt.dir=< and fd.name exists", 45},
		{"(evt.type=open or evt.type=close) and evt.dir=<", 0},
		{"evt.type=open and not evt.dir=<", 0},
		{"a.b=1 or", 0}, // syntax errors are left to the compiler
	}
	for _, c := range cases {
		err := checkAmbiguous(c.expr)
		switch {
		case c.pos == 0 && err != nil:
			t.Errorf("%q: %v", c.expr, err)
		case c.pos != 0 && err == nil:
			t.Errorf("%q accepted", c.expr)
		case c.pos != 0:
			want := "filter error at position " + itoa(c.pos) + ": " + ambiguousMsg
			if err.Error() != want {
				t.Errorf("%q: %v, want %s", c.expr, err, want)
			}
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
