package fields

import (
	"testing"

	"github.com/traceproj/trace/state"
)

func TestParsed32(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"0", 0, true}, {"12", 12, true}, {" 7", 7, true}, {"+3", 3, true}, {"-1", -1, true},
		{"\t-2", -2, true}, {"4294967297", 1, true}, {"-4294967295", 1, true},
		{"2147483648", -2147483648, true}, {"99999999999999999999", -1, true},
		{"-99999999999999999999", 0, true},
		{"", 0, false}, {" ", 0, false}, {"1 ", 0, false}, {"0x1", 0, false}, {"a", 0, false},
		{"-", 0, false}, {"1a", 0, false}, {"/etc", 0, false},
	} {
		got, ok := parsed32(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parsed32(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestMountSelection(t *testing.T) {
	ct := &state.Container{Mounts: []state.ContainerMount{
		{Source: "/var/data", Destination: "/data"},
		{Source: "", Destination: "/empty"},
		{Source: "/etc/hosts", Destination: "/etc/hosts"},
	}}
	for _, c := range []struct {
		arg    string
		onDest bool
		want   string // destination of the selected mount, "-" for none
	}{
		{"0", false, "/data"}, {"2", false, "/etc/hosts"}, {"3", false, "-"}, {"-2", false, "-"},
		{"-1", false, "/empty"}, {"", false, "/empty"}, {"/etc/*", false, "/etc/hosts"},
		{"/data", true, "/data"}, {"/data", false, "-"}, {"/e*", true, "/empty"},
		{"4294967298", false, "/etc/hosts"},
	} {
		m := newMountSel(c.arg, c.onDest).find(ct)
		got := "-"
		if m != nil {
			got = m.Destination
		}
		if got != c.want {
			t.Errorf("mount[%q] (dest %v) = %s, want %s", c.arg, c.onDest, got, c.want)
		}
	}
}

func TestContainerFieldParse(t *testing.T) {
	for _, c := range []struct {
		in, name, err string
	}{
		{"container.mount[0] x", "container.mount[0]", ""},
		{"container.mount.source[/a/*]", "container.mount.source[/a/*]", ""},
		{"container.mounts[0]", "container.mounts", ""},
		{"container.mount", "", "filter syntax error: container.mount"},
		{"container.mount.foo[0]", "", "filter syntax error: container.mount.foo[0]"},
		{"k8s.pod.label.app.kubernetes.io/name x", "k8s.pod.label.app.kubernetes.io/name", ""},
		{"k8s.pod.label.|", "k8s.pod.label.", ""},
		{"k8s.pod.labels.x", "k8s.pod.labels", ""},
		{"k8s.pod.labelx", "", "filter syntax error: k8s.pod.labelx"},
		{"mesos.task.label.a/b.c|", "mesos.task.label.a/b.c", ""},
		{"span.arg.foo %evt.num", "span.arg.foo %evt.num", ""},
		{"span.arg[-1]|", "span.arg[-1]", ""},
		{"span.arg[x]", "", "x is not a valid number"},
		{"span.tag.x", "", "invalid syntax for span.tag"},
		{"span.tag[ 2]", "span.tag[ 2]", ""},
		{"evtin.span.arg.fdx|", "evtin.span.arg.fd", ""},
		{"evtin.span.m.tag.zzz", "", "unknown event argument zzz"},
		{"evtin.span.p.arg[q]", "", "q is not a valid number"},
	} {
		f, n, err := Parse(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Parse(%q): error %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if f.Name != c.name || n != len(c.name) {
			t.Errorf("Parse(%q) = %q (%d bytes), want %q", c.in, f.Name, n, c.name)
		}
	}
}

// Runtimes sysdig 0.29.3 has no name for (it repeats the previous
// extraction's value) get a name, or none.
func TestContainerTypeNames(t *testing.T) {
	for typ, want := range map[int]string{
		state.CTDocker: "docker", state.CTCustom: "custom", state.CTStatic: "static",
		state.CTPodman: "podman", state.CTCRIO: "cri-o", 42: "",
	} {
		if got := containerTypes[typ]; got != want {
			t.Errorf("type %d: %q, want %q", typ, got, want)
		}
	}
}
