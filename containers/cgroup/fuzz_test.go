package cgroup

import (
	"strings"
	"testing"
)

// FuzzParse: no cgroup path or /proc/PID/cgroup content makes the parsers
// panic, and an id found is a part of the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"/docker/" + hex("a"), "/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + hex("b") + ".scope",
		"/libpod_parent/libpod-" + hex("c"), "/lxc/box", "0::/\n", "5:cpu:/docker/" + hex("d") + "\n1:name=systemd:/", ":cri-containerd:", "/libvirt/lxc/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (Container, bool){Parse, ParseSysdig} {
			if c, ok := parse(s); ok {
				if c.ID == "" || !strings.Contains(s, c.ID) {
					t.Fatalf("%q: id %q not in the path", s, c.ID)
				}
				_ = c.ShortID()
				_ = c.Layout.Runtime()
			}
		}
		ParseFile(s)
	})
}
