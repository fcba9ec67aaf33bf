package synth

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/traceproj/trace/scap"
)

// Container describes one container of a container capture: the object
// its container JSON event carries (nil for none: the container is then
// known only from its threads' cgroups) and the cgroup path its processes
// run under.
type Container struct {
	// JSON is the "container" object of the JSON event.
	JSON map[string]any
	// Cgroup is the cgroup path of the container's processes, e.g.
	// "/docker/<64 hex digits>".
	Cgroup string
	// Late emits the JSON event after the processes' first events
	// instead of at the start of the capture.
	Late bool
	// Event is the type of the container event: PPME_CONTAINER_JSON_2_E
	// (the default), PPME_CONTAINER_JSON_E, or PPME_CONTAINER_E, the old
	// event that carries only the id, type, name and image of JSON.
	Event uint16
}

// FullID returns a 64-digit hexadecimal container id made of c.
func FullID(c byte) string { return strings.Repeat(string(c), 64) }

// ContainerEvent encodes a PPME_CONTAINER_JSON_2_E event carrying obj as
// its "container" object.
func ContainerEvent(ts uint64, obj map[string]any) []byte {
	return ContainerEventOf(ts, scap.PPME_CONTAINER_JSON_2_E, obj)
}

// ContainerEventOf encodes a container event of type typ (see
// Container.Event) describing obj, the "container" object of the JSON.
func ContainerEventOf(ts uint64, typ uint16, obj map[string]any) []byte {
	var b scap.Builder
	if typ == 0 {
		typ = scap.PPME_CONTAINER_JSON_2_E
	}
	b.Begin(ts, ^uint64(0), typ)
	if typ == scap.PPME_CONTAINER_E {
		str := func(k string) string { s, _ := obj[k].(string); return s }
		ctype, _ := obj["type"].(int)
		b.Str(str("id")).U32(uint32(ctype)).Str(str("name")).Str(str("image"))
		return b.Finish()
	}
	js, err := json.Marshal(map[string]any{"container": obj})
	if err != nil {
		panic(err)
	}
	b.Str(string(js))
	return b.Finish()
}

// Mount returns a mount object of a container JSON event.
func Mount(src, dst, mode string, rw bool, prop string) map[string]any {
	return map[string]any{"Source": src, "Destination": dst, "Mode": mode, "RW": rw, "Propagation": prop}
}

// Probe returns a health probe object of a container JSON event.
func Probe(exe string, args ...string) map[string]any {
	a := []any{}
	for _, s := range args {
		a = append(a, s)
	}
	return map[string]any{"exe": exe, "args": a}
}

// SampleContainers is a set of containers exercising every field of the
// container class: runtimes, images with and without repository, tag and
// digest, privileged flags, mounts, labels (Kubernetes ones included),
// health probes, a container without name or image, one known only from
// its cgroup and one described after its processes started.
func SampleContainers() []Container {
	return []Container{
		{Cgroup: "/docker/" + FullID('a'), JSON: map[string]any{
			"id": FullID('a')[:12], "type": 0, "name": "web", "image": "nginx:1.25",
			"imageid":   "f68d6e55e06520f152403e6d96d0de5c9790a89b4cfc99f4626f68146fa1dbdc",
			"imagerepo": "nginx", "imagetag": "1.25",
			"imagedigest": "sha256:96fb261b66270b900ea5a2c17a26abbfabe95506e73c3a3c65869a6dbe83223a",
			"privileged":  false, "is_pod_sandbox": false, "ip": "172.17.0.2",
			"Mounts": []any{
				Mount("/var/lib/docker/volumes/data/_data", "/data", "z", true, "rprivate"),
				Mount("/etc/hosts", "/etc/hosts", "", false, ""),
				Mount("/usr/local/share", "/share", "ro", false, "rslave"),
			},
			"labels": map[string]any{
				"maintainer":                   "NGINX Docker Maintainers <docker-maint@nginx.com>",
				"io.kubernetes.pod.name":       "web-7d4b9c-xk2lp",
				"io.kubernetes.pod.namespace":  "prod",
				"io.kubernetes.pod.uid":        "0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1",
				"io.kubernetes.container.name": "nginx",
				"io.kubernetes.sandbox.id":     FullID('c'),
				"app":                          "web",
			},
			"Healthcheck":    Probe("curl", "-f", "http://localhost/"),
			"LivenessProbe":  Probe("/bin/sh", "-c", "test -f /tmp/alive"),
			"ReadinessProbe": Probe("cat", "/tmp/ready"),
			"port_mappings":  []any{map[string]any{"HostIp": 0, "HostPort": 8080, "ContainerPort": 80}},
			"env":            []any{"MESOS_TASK_ID=abc"},
			"memory_limit":   1 << 30, "swap_limit": 0, "cpu_shares": 1024, "cpu_quota": 0, "cpu_period": 100000,
		}},
		{Cgroup: "/system.slice/docker-" + FullID('b') + ".scope", JSON: map[string]any{
			"id": FullID('b')[:12], "type": 0, "name": "priv", "image": "registry.example.com:5000/team/app@sha256:0123",
			"privileged":  true,
			"Mounts":      []any{Mount("/", "/host", "", false, "rslave")},
			"labels":      map[string]any{},
			"Healthcheck": map[string]any{"exe": "NONE"},
		}},
		{Cgroup: "/kubepods/besteffort/pod0f1e/" + FullID('c'), JSON: map[string]any{
			"id": FullID('c')[:12], "type": 6, "name": "k8s_app_pod", "image": "docker.io/library/busybox:latest",
			"imagerepo": "docker.io/library/busybox", "imagetag": "latest",
			"is_pod_sandbox": true,
			"labels": map[string]any{
				"io.kubernetes.pod.name":               "busy",
				"io.kubernetes.pod.namespace":          "default",
				"io.kubernetes.pod.uid":                "11111111-2222-3333-4444-555555555555",
				"io.kubernetes.sandbox.id":             FullID('c'),
				"io.kubernetes.container.name":         "POD",
				"annotation.kubernetes.io/config.seen": "2023-11-14T22:13:20Z",
				"app":                                  "busy",
				"app.kubernetes.io/name":               "busybox",
				"tier":                                 "",
				"Zone":                                 "eu-west-1a",
				"long":                                 strings.Repeat("x", 150),
			},
			"LivenessProbe": Probe("ls"),
		}},
		{Cgroup: "/system.slice/crio-" + FullID('d') + ".scope", JSON: map[string]any{
			"id": FullID('d')[:12], "type": 8, "name": "", "image": "",
			// A sandbox id naming a container with no labels.
			"labels": map[string]any{"io.kubernetes.sandbox.id": FullID('f'), "io.kubernetes.pod.name": ""},
		}},
		{Cgroup: "/machine.slice/libpod-" + FullID('e') + ".scope", JSON: map[string]any{
			"id": FullID('e')[:12], "type": 1, "name": "lxc_box", "image": "quay.io/podman/hello",
			"privileged": true,
			// A sandbox id naming no known container.
			"labels": map[string]any{"io.kubernetes.sandbox.id": FullID('7')},
		}},
		{Cgroup: "/system.slice/cri-containerd-" + FullID('f') + ".scope", JSON: map[string]any{
			"id": FullID('f')[:12], "type": 7, "name": "ctrd", "image": "alpine",
			"privileged": false,
			"Mounts": []any{
				Mount("/srv/a", "/a", "rw", true, "private"),
				Mount("/srv/b", "/b", "ro", false, "shared"),
			},
		}},
		// Described by the older JSON event, at the start and later.
		{Cgroup: "/docker/" + FullID('6'), Event: scap.PPME_CONTAINER_JSON_E, JSON: map[string]any{
			"id": FullID('6')[:12], "type": 0, "name": "json1", "image": "busybox", "privileged": true,
			"Mounts": []any{Mount("/tmp", "/tmp", "", true, "")},
		}},
		{Cgroup: "/docker/" + FullID('5'), Event: scap.PPME_CONTAINER_JSON_E, Late: true, JSON: map[string]any{
			"id": FullID('5')[:12], "type": 0, "name": "json1late", "image": "busybox:1",
			"labels": map[string]any{"io.kubernetes.pod.name": "late-pod"},
		}},
		// Known only from its cgroup.
		{Cgroup: "/docker/" + FullID('9')},
		// A new description of the first container replaces the old one.
		{Cgroup: "/docker/" + FullID('a'), Late: true, JSON: map[string]any{
			"id": FullID('a')[:12], "type": 0, "name": "web2", "image": "nginx:1.26",
		}},
		// Described after its processes started.
		{Cgroup: "/docker/" + FullID('8'), Late: true, JSON: map[string]any{
			"id": FullID('8')[:12], "type": 0, "name": "late", "image": "late:v1",
			"imagerepo": "late", "imagetag": "v1", "privileged": true,
		}},
	}
}

// ContainerCapture writes a capture with host processes and processes in
// each of cs: metadata threads in each container, then a few syscalls of
// every process, a fork and an exec into a container's cgroup. The JSON
// events of the containers come first unless marked Late.
func ContainerCapture(path string, seed int64, cs []Container) error {
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	g := New(seed)
	m := g.Metadata()
	// The generator's threads are in a docker cgroup; put them on the host.
	for i := range m.Threads {
		m.Threads[i].Cgroups = []byte("cpu=/user.slice\x00memory=/user.slice\x00")
	}
	tid := int64(500)
	var tids []int64
	for _, c := range cs {
		m.Threads = append(m.Threads, scap.Thread{
			Tid: tid, Pid: tid, Ptid: 1, Sid: tid, Vpgid: tid, Comm: "app", Exe: "app", ExePath: "/usr/bin/app",
			Args: []byte("--serve\x00"), Cwd: "/", FDLimit: 1024, Vtid: 1, Vpid: 1,
			Cgroups: []byte("cpu=" + c.Cgroup + "\x00memory=" + c.Cgroup + "\x00"), Root: "/",
		})
		tids = append(tids, tid)
		tid++
	}
	if err := w.WriteSection(m); err != nil {
		return err
	}
	s := NewScenario(seed, w)
	emitJSON := func(c Container) {
		s.Ts += 1000
		if err := w.WriteRaw(0, 0, ContainerEventOf(s.Ts, c.Event, c.JSON)); err != nil && s.err == nil {
			s.err = err
		}
	}
	for _, c := range cs {
		if c.JSON != nil && !c.Late {
			emitJSON(c)
		}
	}
	activity := func(tid int64) {
		s.Emit(scap.PPME_SYSCALL_OPEN_E, tid, P{"name": "/etc/hosts", "flags": 1})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, tid, P{"fd": 7, "name": "/etc/hosts", "flags": 1})
		s.Emit(scap.PPME_SYSCALL_READ_E, tid, P{"fd": 7, "size": 100})
		s.Emit(scap.PPME_SYSCALL_READ_X, tid, P{"res": 5, "data": "hello"})
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, tid, P{"fd": 7})
		s.Emit(scap.PPME_SYSCALL_CLOSE_X, tid, P{"res": 0})
	}
	for _, t := range []int64{100, 200} {
		activity(t)
	}
	for i, c := range cs {
		activity(tids[i])
		if c.JSON != nil && c.Late {
			emitJSON(c)
			activity(tids[i])
		}
	}
	// A host shell forks a child that execs into the first container's
	// cgroup, and a container process forks.
	if len(cs) > 0 {
		flags := uint32(0x1000000 | 0x800000)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 100, nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 100, P{"res": 900, "exe": "bash", "tid": 100, "pid": 100, "ptid": 1, "cwd": "/", "fdlimit": 1024, "comm": "bash", "flags": flags, "uid": 0, "gid": 0, "vtid": 100, "vpid": 100, "cgroups": "cpu=/user.slice\x00"})
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 900, P{"res": 0, "exe": "bash", "tid": 900, "pid": 900, "ptid": 100, "cwd": "/", "fdlimit": 1024, "comm": "bash", "flags": flags, "uid": 0, "gid": 0, "vtid": 900, "vpid": 900, "cgroups": "cpu=/user.slice\x00"})
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, 900, P{"filename": "/usr/bin/runc"})
		cg := "cpu=" + cs[0].Cgroup + "\x00memory=" + cs[0].Cgroup + "\x00"
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, 900, P{"res": 0, "exe": "sh", "args": "-c\x00id\x00", "tid": 900, "pid": 900, "ptid": 100, "cwd": "/", "fdlimit": 1024, "comm": "sh", "cgroups": cg, "env": "A=1\x00", "loginuid": 0, "pgid": 900})
		activity(900)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, tids[0], nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, tids[0], P{"res": 901, "exe": "app", "tid": tids[0], "pid": tids[0], "ptid": 1, "cwd": "/", "fdlimit": 1024, "comm": "app", "flags": flags, "uid": 0, "gid": 0, "vtid": 1, "vpid": 1, "cgroups": cg})
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 901, P{"res": 0, "exe": "app", "tid": 901, "pid": 901, "ptid": tids[0], "cwd": "/", "fdlimit": 1024, "comm": "app", "flags": flags, "uid": 0, "gid": 0, "vtid": 2, "vpid": 2, "cgroups": cg})
		activity(901)
	}
	if s.err != nil {
		return fmt.Errorf("container capture: %w", s.err)
	}
	return w.Close()
}

// RuntimeContainers returns one container per runtime type of types (the
// JSON "type"), all privileged, to show how each runtime's name and
// privileged flag print.
func RuntimeContainers(types ...int) []Container {
	var cs []Container
	for _, typ := range types {
		id := fmt.Sprintf("%02x", typ) + FullID('0')[:62]
		cs = append(cs, Container{Cgroup: "/docker/" + id, JSON: map[string]any{
			"id": id[:12], "type": typ, "name": fmt.Sprintf("type%d", typ), "image": "img", "privileged": true,
			"Mounts": []any{Mount("/x", "/y", "", true, "")},
		}})
	}
	return cs
}

// CgroupOnly returns containers known only from the cgroup paths of their
// processes.
func CgroupOnly(paths ...string) []Container {
	var cs []Container
	for _, p := range paths {
		cs = append(cs, Container{Cgroup: p})
	}
	return cs
}

// OddContainers returns containers whose JSON values have unusual types:
// numbers, booleans and nulls where strings are expected (sysdig converts
// them), numbers for booleans, and missing keys. They all have a "type":
// sysdig leaves the runtime of a container without one uninitialized.
func OddContainers() []Container {
	return []Container{
		{Cgroup: "/docker/" + FullID('1'), JSON: map[string]any{
			"id": FullID('1')[:12], "type": 0, "name": "odd", "privileged": 1,
			"labels": map[string]any{
				"n": 5, "b": true, "z": nil, "f": 1.5, "g": 2.0, "h": 1e3, "i": 0.1, "j": 1e300,
				"big": int64(12345678901234), "neg": -3, "s": "str", "e": "",
				"annotation.x": "1", "xannotation.y": "2", "Z": "upper",
				"io.kubernetes.sandbox.id": FullID('1')[:12] + "XYZ", "io.kubernetes.pod.name": 7,
				"io.kubernetes.pod.namespace": nil, "io.kubernetes.pod.uid": false,
			},
			"Healthcheck":    map[string]any{"exe": 5, "args": []any{"a", 1, true, nil, 2.5}},
			"LivenessProbe":  map[string]any{"exe": nil, "args": []any{"x"}},
			"ReadinessProbe": map[string]any{"args": []any{"y"}},
			// RW is a boolean here: sysdig leaves the flag of a mount
			// without one uninitialized.
			"Mounts": []any{
				map[string]any{"Source": "/s", "Destination": "/d", "Mode": "m", "RW": true, "Propagation": "p"},
				map[string]any{"Source": 5, "RW": false},
				map[string]any{"RW": false, "Mode": nil},
				map[string]any{"Source": "", "Destination": "/empty", "RW": true},
			},
		}},
		{Cgroup: "/docker/" + FullID('2'), JSON: map[string]any{
			"id": FullID('2')[:12], "type": 0, "name": "state0", "lookup_state": 0, "image": "i0", "privileged": 0,
			"Healthcheck": map[string]any{"exe": "", "args": []any{}},
		}},
		{Cgroup: "/docker/" + FullID('3'), JSON: map[string]any{
			"id": FullID('3')[:12], "type": 6, "lookup_state": 2, "image": "i2", "privileged": "true", "labels": map[string]any{"io.kubernetes.pod.name": "p"},
		}},
	}
}
