package fields

import (
	"errors"
	"testing"
)

func TestParseFieldNames(t *testing.T) {
	for _, tc := range []struct {
		in, name, arg string
		n             int
	}{
		{"proc.name", "proc.name", "", 9},
		{"proc.name:x", "proc.name", "", 9},
		{"proc.aname[2]", "proc.aname[2]", "2", 13},
		{"evt.arg.fd", "evt.arg.fd", "fd", 10},
		{"evt.arg.fd.x", "evt.arg.fd", "fd", 10},
		{"evt.arg[0]", "evt.arg[0]", "0", 10},
		{"evt.args", "evt.args", "", 8},
		{"evt.rawarg.res", "evt.rawarg.res", "res", 14},
		{"thread.cgroup.cpuacct", "thread.cgroup.cpuacct", "cpuacct", 21},
		{"thread.cgroups", "thread.cgroups", "", 14},
		{"evt.type.is.open", "evt.type.is.open", "open", 16},
		{"evt.abspath.src", "evt.abspath.src", "src", 15},
		{"evt.abspath", "evt.abspath", "", 11},
		{"evt.outputtime", "evt.outputtime", "", 14},
	} {
		f, n, err := Parse(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if f.Name != tc.name || f.Arg != tc.arg || n != tc.n {
			t.Errorf("%s: got name %q arg %q n %d, want %q %q %d", tc.in, f.Name, f.Arg, n, tc.name, tc.arg, tc.n)
		}
	}
	for _, tc := range []struct{ in, err string }{
		{"evt.arg.foo", "unknown event argument foo"},
		{"evt.arg", "filter syntax error: evt.arg"},
		{"evt.arg[x]", "x is not a valid number"},
		{"thread.cgroup", "filter syntax error: thread.cgroup"},
		{"evt.type.is", "filter syntax error: evt.type.is"},
	} {
		_, _, err := Parse(tc.in)
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s: got error %v, want %q", tc.in, err, tc.err)
		}
	}
	if _, err := ParseExact("proc.namex"); !errors.Is(err, ErrNotFound) {
		t.Errorf("proc.namex: %v", err)
	}
}
