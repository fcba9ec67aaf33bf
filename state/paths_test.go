package state

import (
	"math/rand"
	"strings"
	"testing"
)

func TestConcatPaths(t *testing.T) {
	cases := []struct {
		dir, path, want string
		rel             bool
	}{
		{"/home/alice/", "x", "/home/alice/x", true},
		{"/home/alice/", "../bob/./y", "/home/bob/y", true},
		{"/home/alice/", "../../../../etc", "/etc", true},
		{"/", "..", "/", true},
		{"/a/", ".", "/a", true},
		{"/a/", "b//c/", "/a/b/c", true},
		{"/a/", "/etc//passwd", "/etc/passwd", false},
		{"/a/", "/", "/", false},
		{"/a/", "tab\there", "/a/tab.here", true},
		{"<UNKNOWN>", "./here", "<UNKNOWN>here", true},
		{"<UNKNOWN>", "../up/file", "up/file", true},
		{"", "x/../y", "y", true},
		{"", "", "", false},
	}
	for _, c := range cases {
		// AppendConcatPaths gives the same, after what b holds, which
		// ".." never climbs into; the directory may come in pieces.
		for _, prefix := range []string{"", "/prefix/"} {
			dir := []string{c.dir}
			if len(c.dir) > 1 {
				dir = []string{c.dir[:1], c.dir[1:]}
			}
			if got := string(AppendConcatPaths([]byte(prefix), []byte(c.path), dir...)); got != prefix+c.want {
				t.Errorf("AppendConcatPaths(%q, %q, %q) = %q; want %q", prefix, c.path, dir, got, prefix+c.want)
			}
		}
		got, rel := ConcatPaths(c.dir, c.path)
		if got != c.want || rel != c.rel {
			t.Errorf("ConcatPaths(%q, %q) = %q, %v; want %q, %v", c.dir, c.path, got, rel, c.want, c.rel)
		}
	}
}

func TestAppendIPv6(t *testing.T) {
	cases := []struct {
		ip   [16]byte
		want string
	}{
		{[16]byte{}, "::"},
		{[16]byte{15: 1}, "::1"},
		{[16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}, "2001:db8::1"},
		{[16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 1}, "2001:db8:0:1:0:1::"},
		{[16]byte{10: 0xff, 11: 0xff, 12: 127, 15: 1}, "::ffff:127.0.0.1"},
		{[16]byte{12: 1, 13: 2, 14: 3, 15: 4}, "::1.2.3.4"},
		{[16]byte{0xfe, 0x80, 8: 1, 10: 2, 12: 3, 14: 4}, "fe80::100:200:300:400"},
		{[16]byte{0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 5}, "1:0:2:0:3:0:4:5"},
	}
	for _, c := range cases {
		if got := string(AppendIPv6(nil, c.ip[:])); got != c.want {
			t.Errorf("AppendIPv6(% x) = %q, want %q", c.ip, got, c.want)
		}
	}
}

func TestContainerIDFromCgroup(t *testing.T) {
	id64 := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	cases := []struct {
		path, want string
		ok         bool
	}{
		{"/docker/" + id64, "0123456789ab", true},
		{"/system.slice/docker-" + id64 + ".scope", "0123456789ab", true},
		{"/kubepods/besteffort/pod1/" + id64, "0123456789ab", true},
		{"/kubepods.slice/cri-containerd-" + id64 + ".scope", "0123456789ab", true},
		{"/machine.slice/libpod-" + id64 + ".scope", "0123456789ab", true},
		{"/system.slice/crio-" + id64 + ".scope", "0123456789ab", true},
		{"/user.slice/user-1000.slice/session-1.scope", "", false},
		{"/", "", false},
	}
	for _, c := range cases {
		id, _, ok := ContainerIDFromCgroup(c.path)
		if id != c.want || ok != c.ok {
			t.Errorf("ContainerIDFromCgroup(%q) = %q, %v", c.path, id, ok)
		}
	}
}

// Live captures also know podman's cgroupfs layout; captures are read
// as sysdig 0.29.3 reads them.
func TestCurrentCgroups(t *testing.T) {
	path := "/libpod_parent/libpod-" + strings.Repeat("5", 64)
	c := newContainers()
	if h := c.fromCgroup(path); h.ok {
		t.Errorf("read as sysdig 0.29.3 does, %s is a container: %+v", path, h)
	}
	c = newContainers()
	c.current = true
	if h := c.fromCgroup(path); !h.ok || h.typ != CTPodman || h.short != strings.Repeat("5", 12) {
		t.Errorf("live, %s: %+v, want a podman container", path, h)
	}
}

// The shortcut for clean absolute paths gives what sanitizing gives.
func TestCleanAbsShortcut(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"/", "/", ".", "..", "a", "bc", ".x", "\x00", "\t", "\x7f", "é"}
	for n := 0; n < 100000; n++ {
		var b strings.Builder
		b.WriteByte('/')
		for k := r.Intn(8); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		p := b.String()
		want := string(sanitizePath(nil, 0, p))
		if got, _ := ConcatPaths("/d/", p); got != want {
			t.Fatalf("ConcatPaths(%q) = %q, sanitized %q", p, got, want)
		}
		if cleanAbs(p) && want != p {
			t.Fatalf("cleanAbs(%q) but sanitizing gives %q", p, want)
		}
	}
}
