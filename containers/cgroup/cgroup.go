// Package cgroup recognises the cgroup paths container runtimes put
// their containers' processes in, and tells the container id and the
// layout (which runtime, which cgroup driver) from one path or from the
// whole content of a /proc/PID/cgroup file (cgroup v1, v2 or a hybrid
// host). It is pure string work: no file access, no dependencies.
package cgroup

import "strings"

// Layout is the way a runtime named a container's cgroup.
type Layout uint8

// The layouts. Cgroupfs layouts end in the bare 64-hex id; the parent
// directory tells the runtime when it can.
const (
	None Layout = iota
	// DockerCgroupfs is /docker/<id> (docker's cgroupfs driver).
	DockerCgroupfs
	// KubepodsCgroupfs is /kubepods[/<qos>]/pod<uid>/<id>: a CRI runtime
	// (or dockershim) with the cgroupfs driver; the runtime is unknown.
	KubepodsCgroupfs
	// CRIOCgroupfs is .../crio-<id> (CRI-O, cgroupfs driver).
	CRIOCgroupfs
	// Cgroupfs is any other path whose last element is a 64-hex id.
	Cgroupfs
	// DockerSystemd is .../docker-<id>.scope.
	DockerSystemd
	// PodmanSystemd is .../libpod-<id>.scope.
	PodmanSystemd
	// PodmanContainer is .../libpod-<id>.scope/container (podman on
	// cgroup v2, the container's own sub-cgroup).
	PodmanContainer
	// CRIOSystemd is .../crio-<id>.scope.
	CRIOSystemd
	// ContainerdSystemd is .../cri-containerd-<id>.scope.
	ContainerdSystemd
	// ContainerdRaw is ...slice:cri-containerd:<id>, containerd's CRI
	// plugin with SystemdCgroup off under a systemd-style parent.
	ContainerdRaw
	// LXC is /lxc/<name> or /lxc.payload/<name>; the name is the id.
	LXC
	// LibvirtLXC is /libvirt/lxc/<name>.
	LibvirtLXC
	// PodmanCgroupfs is .../libpod-<id> (podman with its cgroupfs
	// manager: /libpod_parent/libpod-<id>); sysdig 0.29.3 does not know
	// it, so ParseSysdig does not either.
	PodmanCgroupfs
)

var layoutNames = [...]string{None: "none", DockerCgroupfs: "docker-cgroupfs", KubepodsCgroupfs: "kubepods-cgroupfs",
	CRIOCgroupfs: "crio-cgroupfs", Cgroupfs: "cgroupfs", DockerSystemd: "docker-systemd", PodmanSystemd: "podman-systemd",
	PodmanContainer: "podman-container", CRIOSystemd: "crio-systemd", ContainerdSystemd: "containerd-systemd",
	ContainerdRaw: "containerd-raw", LXC: "lxc", LibvirtLXC: "libvirt-lxc", PodmanCgroupfs: "podman-cgroupfs"}

func (l Layout) String() string {
	if int(l) < len(layoutNames) {
		return layoutNames[l]
	}
	return "unknown"
}

// Runtimes a layout points at, as Layout.Runtime names them.
const (
	RuntimeDocker     = "docker"
	RuntimePodman     = "podman"
	RuntimeCRIO       = "cri-o"
	RuntimeContainerd = "containerd"
	RuntimeCRI        = "cri" // some CRI runtime, which one is unknown
	RuntimeLXC        = "lxc"
	RuntimeLibvirtLXC = "libvirt-lxc"
)

// Runtime names the runtime that makes cgroups of this layout, "" when
// the layout does not tell.
func (l Layout) Runtime() string {
	switch l {
	case DockerCgroupfs, DockerSystemd:
		return RuntimeDocker
	case PodmanSystemd, PodmanContainer, PodmanCgroupfs:
		return RuntimePodman
	case CRIOCgroupfs, CRIOSystemd:
		return RuntimeCRIO
	case ContainerdSystemd, ContainerdRaw:
		return RuntimeContainerd
	case KubepodsCgroupfs:
		return RuntimeCRI
	case LXC:
		return RuntimeLXC
	case LibvirtLXC:
		return RuntimeLibvirtLXC
	}
	return ""
}

// Container is what a cgroup path tells of the container in it.
type Container struct {
	// ID is the full id: 64 hexadecimal digits, or an LXC name.
	ID     string
	Layout Layout
	// PodUID is the pod uid of a kubepods path (pod<uid> element, with
	// the systemd driver's underscores turned back into dashes), if any.
	PodUID string
}

// ShortID is the 12-character id sysdig shows (the whole id when shorter).
func (c Container) ShortID() string {
	if len(c.ID) > 12 && c.Layout != LXC && c.Layout != LibvirtLXC {
		return c.ID[:12]
	}
	return c.ID
}

// IDLen is the length of a full runtime container id.
const IDLen = 64

// IsHexID reports whether s is a full container id: 64 hex digits.
func IsHexID(s string) bool {
	if len(s) != IDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}

// systemd-style layouts: the path ends in prefix + id + suffix. current
// marks the layouts sysdig 0.29.3 does not know (Parse only).
var suffixed = [...]struct {
	prefix, suffix string
	layout         Layout
	current        bool
}{
	{"/docker-", ".scope", DockerSystemd, false},
	{"/libpod-", ".scope/container", PodmanContainer, false},
	{"/libpod-", ".scope", PodmanSystemd, false},
	{"/libpod-", "", PodmanCgroupfs, true},
	{"/crio-", ".scope", CRIOSystemd, false},
	{"/crio-", "", CRIOCgroupfs, false},
	{"/cri-containerd-", ".scope", ContainerdSystemd, false},
	{":cri-containerd:", "", ContainerdRaw, false},
}

// Parse recognises one cgroup path (the path part of a /proc/PID/cgroup
// line). Nested paths (a container runtime inside a container) give the
// innermost container. ok is false for paths of no known layout, e.g.
// crio-conmon-<id>.scope (CRI-O's monitor, not the container).
func Parse(path string) (Container, bool) {
	return parse(path, false, func(id string, _ int) bool { return IsHexID(id) })
}

// ParseSysdig is Parse with the matching of sysdig 0.29.3, for reading
// captures the way it does. The id of a systemd-style layout is what lies
// between the last occurrence of the prefix and the last of the suffix,
// wherever that is (so crio-<id>.scope/sub is a CRI-O container), and
// the id check requires hex digits only before byte 64 of the path (so a
// 64-character last element deep enough in the path is an id whatever
// its characters).
func ParseSysdig(path string) (Container, bool) {
	return parse(path, true, func(id string, start int) bool {
		for i := start; i < IDLen && i < start+len(id); i++ {
			if !isHexDigit(id[i-start]) {
				return false
			}
		}
		return true
	})
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// parse recognises path; isID checks a 64-character candidate id found
// at byte start of the path; loose finds prefix and suffix anywhere.
func parse(path string, loose bool, isID func(id string, start int) bool) (c Container, ok bool) {
	path = strings.TrimRight(path, "\n")
	last := path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		last = path[i+1:]
	}
	if len(last) == IDLen && isID(last, len(path)-IDLen) {
		parent := path[:len(path)-len(last)]
		c = Container{ID: last, Layout: Cgroupfs, PodUID: podUID(parent)}
		switch {
		case c.PodUID != "" || strings.Contains(parent, "/kubepods"):
			c.Layout = KubepodsCgroupfs
		case strings.HasSuffix(parent, "/docker/"):
			c.Layout = DockerCgroupfs
		}
		return c, true
	}
	for _, s := range suffixed {
		if s.current && loose {
			continue
		}
		start, end, ok := between(path, s.prefix, s.suffix, loose)
		if ok && isID(path[start:end], start) {
			return Container{ID: path[start:end], Layout: s.layout, PodUID: podUID(path[:start])}, true
		}
	}
	return lxc(path)
}

// between finds where an id would be in path for a layout: just before
// the suffix that ends path, after the prefix (loose: after the last
// prefix, before the last suffix). ok tells whether that is 64 bytes.
func between(path, prefix, suffix string, loose bool) (start, end int, ok bool) {
	if loose {
		p := strings.LastIndex(path, prefix)
		end = len(path)
		if suffix != "" {
			end = strings.LastIndex(path, suffix)
		}
		start = p + len(prefix)
		return start, end, p >= 0 && end-start == IDLen
	}
	if !strings.HasSuffix(path, suffix) {
		return 0, 0, false
	}
	end = len(path) - len(suffix)
	start = end - IDLen
	return start, end, start >= len(prefix) && path[start-len(prefix):start] == prefix
}

// lxc recognises LXC and libvirt-LXC paths: the element after the
// marker is the container name.
func lxc(path string) (Container, bool) {
	for _, m := range [...]struct {
		marker string
		layout Layout
	}{{"/libvirt/lxc/", LibvirtLXC}, {"/lxc/", LXC}, {"/lxc.payload/", LXC}} {
		i := strings.Index(path, m.marker)
		if i < 0 {
			continue
		}
		name := path[i+len(m.marker):]
		if j := strings.IndexByte(name, '/'); j >= 0 {
			name = name[:j]
		}
		if name != "" {
			return Container{ID: name, Layout: m.layout}, true
		}
	}
	return Container{}, false
}

// podUID finds the pod<uid> element of a kubepods path: "pod<uid>" with
// the cgroupfs driver, "kubepods-<qos>-pod<uid_with_underscores>.slice"
// with the systemd one.
func podUID(dir string) string {
	if !strings.Contains(dir, "kubepods") {
		return ""
	}
	for _, el := range strings.Split(dir, "/") {
		el, _, _ = strings.Cut(el, ":")
		el = strings.TrimSuffix(el, ".slice")
		if i := strings.LastIndex(el, "pod"); i >= 0 && (i == 0 || el[i-1] == '-') {
			if uid := el[i+3:]; uid != "" {
				return strings.ReplaceAll(uid, "_", "-")
			}
		}
	}
	return ""
}

// ParseFile recognises the container of a process from the content of
// its /proc/PID/cgroup file: cgroup v1 lines "ID:controllers:path", the
// v2 line "0::path", or both (hybrid hosts, where systemd keeps a
// "0::" unified hierarchy beside the v1 controllers). The first line
// whose path has a known layout wins, v1 lines being looked at before
// the unified one (on hybrid hosts docker only moves v1 controllers).
func ParseFile(content string) (Container, bool) {
	var unified string
	haveUnified := false
	for len(content) > 0 {
		line := content
		if i := strings.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = ""
		}
		_, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		ctrl, path, ok := strings.Cut(rest, ":")
		if !ok {
			continue
		}
		if ctrl == "" {
			unified, haveUnified = path, true
			continue
		}
		if c, ok := Parse(path); ok {
			return c, true
		}
	}
	if haveUnified {
		return Parse(unified)
	}
	return Container{}, false
}
