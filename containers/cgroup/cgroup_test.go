package cgroup

import (
	"strings"
	"testing"
)

func hex(c string) string { return strings.Repeat(c, 64) }

func TestParse(t *testing.T) {
	const uid = "0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1"
	uidU := strings.ReplaceAll(uid, "-", "_")
	for _, tc := range []struct {
		path   string
		id     string
		layout Layout
		pod    string
	}{
		{"/docker/" + hex("a"), hex("a"), DockerCgroupfs, ""},
		{"/kubepods/besteffort/pod" + uid + "/" + hex("b"), hex("b"), KubepodsCgroupfs, uid},
		{"/kubepods/pod" + uid + "/" + hex("c"), hex("c"), KubepodsCgroupfs, uid},
		{"/kubepods/burstable/" + hex("c"), hex("c"), KubepodsCgroupfs, ""},
		{"/crio/" + hex("d"), hex("d"), Cgroupfs, ""},
		{"/" + hex("E"), hex("E"), Cgroupfs, ""},
		{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + uidU + ".slice/cri-containerd-" + hex("1") + ".scope", hex("1"), ContainerdSystemd, uid},
		{"/kubepods.slice/kubepods-pod" + uidU + ".slice/crio-" + hex("2") + ".scope", hex("2"), CRIOSystemd, uid},
		{"/system.slice/docker-" + hex("3") + ".scope", hex("3"), DockerSystemd, ""},
		{"/machine.slice/libpod-" + hex("4") + ".scope", hex("4"), PodmanSystemd, ""},
		{"/machine.slice/libpod-" + hex("4") + ".scope/container", hex("4"), PodmanContainer, ""},
		{"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + hex("4") + ".scope/container", hex("4"), PodmanContainer, ""},
		{"/system.slice/containerd.service/kubepods-besteffort-pod" + uidU + ".slice:cri-containerd:" + hex("5"), hex("5"), ContainerdRaw, uid},
		{"/kubepods/besteffort/pod1/crio-" + hex("6"), hex("6"), CRIOCgroupfs, "1"},
		// nested: a runtime inside a container
		{"/docker/" + hex("7") + "/docker/" + hex("8"), hex("8"), DockerCgroupfs, ""},
		{"/docker/" + hex("7") + "/kubepods/pod1/" + hex("9"), hex("9"), KubepodsCgroupfs, "1"},
		{"/lxc/box", "box", LXC, ""},
		{"/lxc/box/sub", "box", LXC, ""},
		{"/lxc.payload/box2", "box2", LXC, ""},
		{"/libvirt/lxc/vm1", "vm1", LibvirtLXC, ""},
		// not containers
		{"/kubepods.slice/kubepods-pod1.slice/crio-conmon-" + hex("a") + ".scope", "", None, ""},
		{"/machine.slice/libpod-conmon-" + hex("a") + ".scope", "", None, ""},
		{"/system.slice/docker-" + hex("a"), "", None, ""},
		{"/system.slice/docker-" + hex("a") + ".scope/init.scope", "", None, ""},
		{"/system.slice/xdocker-" + hex("a") + ".scope", "", None, ""},
		{"/docker/" + hex("a") + "/sub", "", None, ""},
		{"/docker/" + hex("x"), "", None, ""},
		{"/docker/" + hex("a")[:63], "", None, ""},
		{"/user.slice", "", None, ""},
		{"/", "", None, ""},
		{"", "", None, ""},
		{"/lxc.payload.box1", "", None, ""},
		{"/libpod_parent/libpod-" + hex("5"), hex("5"), PodmanCgroupfs, ""},
		{"/libpod_parent/libpod-conmon-" + hex("5"), "", None, ""},
	} {
		c, ok := Parse(tc.path)
		if ok != (tc.layout != None) || c.ID != tc.id || c.Layout != tc.layout || c.PodUID != tc.pod {
			t.Errorf("Parse(%q) = %+v %v, want id %q layout %v pod %q", tc.path, c, ok, tc.id, tc.layout, tc.pod)
		}
	}
}

// podman's cgroupfs layout is one sysdig 0.29.3 does not know.
func TestParseSysdigPodmanCgroupfs(t *testing.T) {
	if c, ok := ParseSysdig("/libpod_parent/libpod-" + hex("5")); ok {
		t.Errorf("ParseSysdig knows podman's cgroupfs layout: %+v", c)
	}
}

func TestRuntimeAndShortID(t *testing.T) {
	for l, want := range map[Layout]string{DockerCgroupfs: "docker", DockerSystemd: "docker", PodmanSystemd: "podman",
		PodmanContainer: "podman", CRIOSystemd: "cri-o", CRIOCgroupfs: "cri-o", ContainerdSystemd: "containerd",
		ContainerdRaw: "containerd", KubepodsCgroupfs: "cri", PodmanCgroupfs: "podman", Cgroupfs: "", LXC: "lxc", None: ""} {
		if got := l.Runtime(); got != want {
			t.Errorf("%v.Runtime() = %q, want %q", l, got, want)
		}
	}
	if s := (Container{ID: hex("a"), Layout: DockerCgroupfs}).ShortID(); s != hex("a")[:12] {
		t.Errorf("ShortID = %q", s)
	}
	if s := (Container{ID: "a-very-long-lxc-name", Layout: LXC}).ShortID(); s != "a-very-long-lxc-name" {
		t.Errorf("lxc ShortID = %q", s)
	}
	if Layout(200).String() != "unknown" || ContainerdRaw.String() != "containerd-raw" {
		t.Error("Layout names")
	}
}

func TestParseFile(t *testing.T) {
	dockerV1 := "12:pids:/docker/" + hex("a") + "\n11:memory:/docker/" + hex("a") + "\n1:name=systemd:/docker/" + hex("a") + "\n"
	for _, tc := range []struct {
		name, content, id string
		layout            Layout
	}{
		{"v1", dockerV1, hex("a"), DockerCgroupfs},
		{"v2", "0::/system.slice/docker-" + hex("b") + ".scope\n", hex("b"), DockerSystemd},
		{"v2 podman", "0::/machine.slice/libpod-" + hex("c") + ".scope/container\n", hex("c"), PodmanContainer},
		{"v2 no newline", "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + hex("d") + ".scope", hex("d"), ContainerdSystemd},
		{"hybrid", "5:cpu,cpuacct:/docker/" + hex("e") + "\n1:name=systemd:/docker/" + hex("e") + "\n0::/system.slice/docker.service\n", hex("e"), DockerCgroupfs},
		{"hybrid unified only", "5:cpu,cpuacct:/\n1:name=systemd:/user.slice\n0::/system.slice/crio-" + hex("f") + ".scope\n", hex("f"), CRIOSystemd},
		{"v1 first known controller", "3:cpu:/\n2:memory:/kubepods/besteffort/pod1/" + hex("1") + "\n", hex("1"), KubepodsCgroupfs},
		{"host v2", "0::/init.scope\n", "", None},
		{"host v1", "2:memory:/user.slice\n1:name=systemd:/user.slice/user-0.slice/session-1.scope\n", "", None},
		{"namespaced", "0::/\n", "", None},
		{"garbage", "nonsense\n::\n", "", None},
		{"empty", "", "", None},
	} {
		c, ok := ParseFile(tc.content)
		if ok != (tc.layout != None) || c.ID != tc.id || c.Layout != tc.layout {
			t.Errorf("%s: ParseFile = %+v %v, want %q %v", tc.name, c, ok, tc.id, tc.layout)
		}
	}
}

func TestParseSysdig(t *testing.T) {
	deep := "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234567890.slice/" + hex("x")
	if _, ok := Parse(deep); ok {
		t.Errorf("Parse(%q) accepted a non-hex id", deep)
	}
	if c, ok := ParseSysdig(deep); !ok || c.ID != hex("x") || c.Layout != KubepodsCgroupfs {
		t.Errorf("ParseSysdig(%q) = %+v %v", deep, c, ok)
	}
	for _, p := range []string{"/docker/" + hex("x"), "/system.slice/docker-" + hex("g") + ".scope"} {
		if c, ok := ParseSysdig(p); ok {
			t.Errorf("ParseSysdig(%q) = %+v", p, c)
		}
	}
	// Prefix and suffix are found anywhere (their last occurrences).
	for _, tc := range []struct {
		path   string
		layout Layout
	}{
		{"/system.slice/crio-" + hex("b") + ".scope/container", CRIOSystemd},
		{"/machine.slice/libpod-" + hex("b") + ".scope/container", PodmanContainer},
		{"/system.slice/docker-" + hex("b") + ".scope/sub", DockerSystemd},
	} {
		if c, ok := ParseSysdig(tc.path); !ok || c.Layout != tc.layout || c.ID != hex("b") {
			t.Errorf("ParseSysdig(%q) = %+v %v, want %v", tc.path, c, ok, tc.layout)
		}
		if _, ok := Parse(tc.path); ok && tc.layout != PodmanContainer {
			t.Errorf("Parse(%q) matched", tc.path)
		}
	}
	// Only the bytes before 64 are checked.
	half := "/system.slice/docker-" + hex("a")[:43] + strings.Repeat("z", 21) + ".scope"
	if c, ok := ParseSysdig(half); !ok || c.Layout != DockerSystemd {
		t.Errorf("ParseSysdig(%q) = %+v %v", half, c, ok)
	}
}
