package synth

import (
	"strings"

	"github.com/traceproj/trace/scap"
)

// CgroupPaths are cgroup layouts of the container runtimes and the
// systemd and cgroupfs drivers, with a different id each.
func CgroupPaths() []string {
	h := func(c string) string { return strings.Repeat(c, 64) }
	return []string{"/docker/" + h("1"), "/system.slice/docker-" + h("2") + ".scope", "/machine.slice/libpod-" + h("3") + ".scope",
		"/system.slice/crio-" + h("4") + ".scope", "/system.slice/cri-containerd-" + h("5") + ".scope",
		"/kubepods/besteffort/pod123/" + h("6"), "/crio/" + h("7"), "/lxc/mybox", "/lxc/mybox/sub", "/libvirt/lxc/vm1",
		"/user.slice", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-" + h("8") + ".scope",
		"/docker/" + h("x"), "/docker/" + h("9")[:63],
		// Layouts and near misses checked against sysdig 0.29.3.
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice:cri-containerd:" + h("a"),
		"/kubepods.slice/kubepods-pod1.slice/crio-conmon-" + h("c") + ".scope", "/system.slice/xdocker-" + h("d") + ".scope",
		"/system.slice/docker-" + h("e"), "/foo/" + h("f"), "/kubepods/pod1/" + h("1") + "/sub",
		"/docker/" + h("2") + "/nested/docker/" + h("b"), "/system.slice/docker-" + h("4") + ".scope/init.scope",
		"/machine.slice/libpod-conmon-" + h("6") + ".scope", "/system.slice/docker-docker-" + h("7") + ".scope",
		"/libpod_parent/libpod-" + h("9"), "/" + h("A"), "/system.slice/crio-" + h("B") + ".scope/container",
		"/lxc.payload.box1", "/lxc.payload/box2", "/kubepods/besteffort/pod1/" + strings.ToUpper(h("c")),
		"/kubepods/besteffort/pod1/crio-" + h("d"), "/docker/" + h("e") + "/lxc/inner",
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234567890.slice/" + h("x")}
}

// CgroupCapture writes a capture with one process per cgroup path (in
// its cpu controller) and one event from each: no container events, so
// containers come from cgroups alone.
func CgroupCapture(path string, paths []string) error {
	g := New(1)
	m := g.Metadata()
	base := m.Threads[3]
	var tids []int64
	for i, p := range paths {
		t := base
		t.Tid, t.Pid = int64(5000+i), int64(5000+i)
		t.Cgroups = []byte("cpu=" + p + "\x00")
		m.Threads = append(m.Threads, t)
		tids = append(tids, t.Tid)
	}
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	if err := w.WriteSection(m); err != nil {
		return err
	}
	var b scap.Builder
	for i, tid := range tids {
		b.Begin(g.Ts+uint64(i)*1000, uint64(tid), scap.PPME_SYSCALL_GETCWD_E)
		if err := w.WriteRaw(0, 0, b.Finish()); err != nil {
			return err
		}
	}
	return w.Close()
}
