package chisels

import (
	"testing"

	"github.com/traceproj/trace/scap"
)

func TestTypeMask(t *testing.T) {
	io := func(t uint16) bool {
		return scap.InfoAny(t).Flags&(scap.EF_READS_FROM_FD|scap.EF_WRITES_TO_FD) != 0
	}
	cases := []struct {
		expr string
		want func(t uint16) bool // nil: no mask
	}{
		{"evt.is_io=true and evt.dir=< and evt.rawres>0", func(t uint16) bool { return io(t) && t&1 == 1 }},
		{"evt.is_io_read=true", func(t uint16) bool { return scap.InfoAny(t).Flags&scap.EF_READS_FROM_FD != 0 }},
		{"evt.is_io!=true", func(t uint16) bool { return !io(t) }},
		{"(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true", io},
		{"evt.dir=> or evt.is_io=true", func(t uint16) bool { return t&1 == 0 || io(t) }},
		{"evt.dir=< or proc.name=x", nil},
		{"not evt.is_io=true", nil},
		{"proc.name=x", nil},
		{"", nil},
	}
	for _, c := range cases {
		m := typeMask(c.expr)
		if c.want == nil {
			if m != nil {
				t.Errorf("%q: a mask, want none", c.expr)
			}
			continue
		}
		if len(m) != scap.NumEventsAll {
			t.Fatalf("%q: mask of %d types", c.expr, len(m))
		}
		for ty := range m {
			if m[ty] != c.want(uint16(ty)) {
				t.Errorf("%q: type %d (%s): %v", c.expr, ty, scap.InfoAny(uint16(ty)).Name, m[ty])
				break
			}
		}
	}
}
