package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/synth"
)

// Differential tests of the container, k8s, mesos/marathon, span and
// evtin field classes: every field, with arguments of every shape, in -p
// and -j output and in filters, on the real captures and on synthetic
// ones whose container events carry images, labels, mounts, probes and
// runtimes of every kind.

// containerCapture is a capture and the fields not to compare on it.
type containerCapture struct {
	name, path string
	// skip lists fields whose output sysdig 0.29.3 gets wrong on this
	// capture (see the capture's comment).
	skip map[string]bool
}

// containerCaptures writes the synthetic captures into a temporary
// directory and returns them with the real ones.
func containerCaptures(t *testing.T) []containerCapture {
	var cs []containerCapture
	for _, f := range difftest.Captures(t) {
		cs = append(cs, containerCapture{name: strings.TrimSuffix(filepath.Base(f), ".scap"), path: f})
	}
	dir := t.TempDir()
	write := func(name string, seed int64, ctrs []synth.Container, skip ...string) {
		path := filepath.Join(dir, name+".scap")
		if err := synth.ContainerCapture(path, seed, ctrs); err != nil {
			t.Fatal(err)
		}
		c := containerCapture{name: name, path: path, skip: map[string]bool{}}
		for _, s := range skip {
			c.skip[s] = true
		}
		cs = append(cs, c)
	}
	write("containers", 1, synth.SampleContainers())
	write("odd", 2, synth.OddContainers())
	// Runtimes sysdig 0.29.3 names, and containers known only from the
	// cgroups of docker processes (cgroupfs and systemd drivers, under
	// kubepods too) or from paths that are not a container's. Left out:
	// cgroup-only containers of other runtimes, which trace's state
	// engine does not resolve as sysdig does (sysdig: crio-*.scope and
	// cri-containerd-*.scope give an id but no container, libpod-*.scope,
	// /kubepods/.../<id> and /crio/<id> a "docker" one, /lxc/NAME and
	// /libvirt/lxc/NAME an "lxc" container named NAME).
	write("runtimes", 3, append(synth.RuntimeContainers(0, 1, 2, 3, 4, 6, 7, 8, 9), synth.CgroupOnly(
		"/system.slice/docker-"+synth.FullID('1')+".scope",
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/docker-"+synth.FullID('8')+".scope",
		"/docker/"+synth.FullID('7')+"/sub",
		"/docker/abc",
		"/mesos/12345678-aaaa",
		"/machine.slice/libpod-conmon-"+synth.FullID('9')+".scope",
	)...))
	// Custom (5), static (10), podman (11) and unknown runtimes: sysdig
	// 0.29.3 has no name for them and prints for container.type whatever
	// the previous container.type extraction left behind ("cri-o" after
	// a cri-o container, ...); trace prints "custom", "static", "podman"
	// or nothing.
	write("stale", 4, synth.RuntimeContainers(5, 10, 11, 12, 99), "container.type")
	return cs
}

var containerFieldNames = []string{
	"container.id", "container.name", "container.image", "container.image.id", "container.type",
	"container.privileged", "container.mounts", "container.image.repository", "container.image.tag",
	"container.image.digest", "container.healthcheck", "container.liveness_probe", "container.readiness_probe",
}

// mountArgs are container.mount arguments: indexes (sysdig reads them
// with scanf's %d: blanks, signs and wrap-around included; -1 and text
// that is no number are globs) and globs on mount sources or
// destinations.
var mountArgs = []string{
	"0", "1", "2", "3", "-1", "-2", " 1 ", "+1", "0x1", "", "4294967297", "-4294967295",
	"99999999999999999999", "/etc/hosts", "/srv/*", "*share*", "/ETC/HOSTS", "/etc/host?",
	"/etc/[a-h]osts", "/etc/[!h]osts", "/etc/[[:lower:]]osts", `\/etc/hosts`, "abc", "*", "/data",
	"/a", "/", "/s", "/d", "/empty", "[", "/etc/hosts\\",
}

var k8sFieldNames = []string{
	"k8s.pod.name", "k8s.pod.id", "k8s.pod.labels", "k8s.ns.name", "k8s.ns.id", "k8s.ns.labels",
	"k8s.rc.name", "k8s.rc.id", "k8s.rc.labels", "k8s.svc.name", "k8s.svc.id", "k8s.svc.labels",
	"k8s.rs.name", "k8s.rs.id", "k8s.rs.labels", "k8s.deployment.name", "k8s.deployment.id",
	"k8s.deployment.labels",
	"k8s.pod.label.app", "k8s.pod.label.app.kubernetes.io/name", "k8s.pod.label.tier",
	"k8s.pod.label.long", "k8s.pod.label.Zone", "k8s.pod.label.io.kubernetes.pod.name",
	"k8s.pod.label.annotation.kubernetes.io/config.seen", "k8s.pod.label.missing",
	"k8s.pod.label.n", "k8s.pod.label.z", "k8s.pod.label.f", "k8s.pod.label.j", "k8s.pod.label.",
	"k8s.ns.label.a", "k8s.rc.label.a", "k8s.svc.label.a", "k8s.rs.label.a", "k8s.deployment.label.a",
}

var mesosFieldNames = []string{
	"mesos.task.name", "mesos.task.id", "mesos.task.label.foo", "mesos.task.label.a/b.c",
	"mesos.task.labels", "mesos.framework.name", "mesos.framework.id", "marathon.app.name",
	"marathon.app.id", "marathon.app.label.x", "marathon.app.labels", "marathon.group.name",
	"marathon.group.id",
}

var spanFieldNames = []string{
	"span.id", "span.time", "span.ntags", "span.nargs", "span.tags", "span.tag[0]", "span.tag[-1]",
	"span.tag[ 2]", "span.args", "span.arg[1]", "span.arg[-1]", "span.enterargs", "span.enterarg[0]",
	"span.duration", "span.duration.human",
}

func evtinFieldNames() []string {
	var names []string
	for _, scope := range []string{"", "p.", "s.", "m."} {
		p := "evtin.span." + scope
		names = append(names, p+"id", p+"ntags", p+"nargs", p+"tags", p+"args",
			p+"tag[0]", p+"tag[-1]", p+"tag.fd", p+"arg[1]", p+"arg.res", p+"arg.fdx")
	}
	return names
}

// labelled builds a -p format printing each field after its name.
func labelled(names []string) string {
	var b strings.Builder
	b.WriteString("*%evt.num")
	for _, n := range names {
		fmt.Fprintf(&b, " %s=%%%s", n, n)
	}
	return b.String()
}

// hasContainers reports whether the capture has processes in
// containers (the others are all on the host).
func (c containerCapture) hasContainers() bool {
	switch c.name {
	case "containers", "odd", "runtimes", "stale", "falco_privileged":
		return true
	}
	return false
}

func (c containerCapture) keep(names []string) []string {
	var out []string
	for _, n := range names {
		if !c.skip[n] {
			out = append(out, n)
		}
	}
	return out
}

// Every field of the classes, with arguments, in -p output.
func TestDiffContainerFields(t *testing.T) {
	difftest.Sysdig(t)
	var mountFields []string
	for _, f := range []string{"container.mount", "container.mount.source", "container.mount.dest",
		"container.mount.mode", "container.mount.rdwr", "container.mount.propagation"} {
		names := make([]string, len(mountArgs))
		for i, a := range mountArgs {
			names[i] = f + "[" + a + "]"
		}
		mountFields = append(mountFields, labelled(names))
	}
	for _, c := range containerCaptures(t) {
		c := c
		formats := []string{
			labelled(c.keep(containerFieldNames)),
			labelled(k8sFieldNames),
			labelled(mesosFieldNames),
			labelled(spanFieldNames),
			labelled(evtinFieldNames()),
			// span.arg.NAME and span.enterarg.NAME take all the text
			// after the dot as the name.
			"*%evt.num %span.arg.foo %evt.type",
			"*%evt.num %span.enterarg.x|y",
		}
		if !c.skip["container.type"] {
			// Fields after text and next to each other.
			formats = append(formats, "*[%container.id]%container.name%container.type:%k8s.pod.name%k8s.ns.name")
		}
		if c.hasContainers() {
			formats = append(formats, mountFields...)
		}
		for i, f := range formats {
			f := f
			t.Run(fmt.Sprintf("%s/%d", c.name, i), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, "-r", c.path, "-p", f)
			})
		}
		t.Run(c.name+"/json", func(t *testing.T) {
			t.Parallel()
			difftest.Compare(t, "-r", c.path, "-j", "-p", "*%evt.num "+strings.Join(prefixAll("%", c.keep(containerFieldNames)), " ")+
				" %k8s.pod.name %k8s.pod.labels %k8s.pod.label.app %mesos.task.name %span.id %evtin.span.tags %container.mount[0]")
		})
	}
}

func prefixAll(p string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + n
	}
	return out
}

// The presets that print container and pod names, and the exam
// command.
func TestDiffContainerPresets(t *testing.T) {
	difftest.Sysdig(t)
	for _, c := range containerCaptures(t) {
		c := c
		for i, args := range [][]string{
			{"-pc"}, {"-pk"}, {"-pm"}, {"-pc", "-j"}, {"-pc", "-D"},
			{"-p", "%evt.time,%user.uid,%proc.name", "container.id!=host"},
			{"-pc", "container.id!=host"},
		} {
			args := args
			t.Run(fmt.Sprintf("%s/%d", c.name, i), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, append([]string{"-r", c.path}, args...)...)
			})
		}
	}
}

// Filters on the fields, with every operator.
func TestDiffContainerFilters(t *testing.T) {
	difftest.Sysdig(t)
	filters := []string{
		"container.id!=host", "container.id=host", "container.id=aaaaaaaaaaaa",
		"container.id in (aaaaaaaaaaaa, cccccccccccc, 9dbcbd0c435f)", "container.id exists",
		"not container.id exists", "container.name=web", "container.name!=web", "container.name exists",
		"not container.name exists", "container.name contains a", "container.name startswith k8s",
		"container.name glob '*_*'", "container.name in (web, late, epic_cray)",
		"container.image contains nginx", "container.image glob 'nginx:*'", "container.image exists",
		"container.image.repository=nginx", "container.image.tag=latest", "container.image.digest startswith sha256:",
		"container.image.id contains f68d", "container.type=docker", "container.type!=docker",
		"container.type in (cri, cri-o, containerd)", "container.privileged=true",
		"container.privileged=false", "container.privileged!=true", "container.privileged exists",
		"container.mounts contains /data", "container.mounts=''", "container.mount[0] exists",
		"container.mount[/etc/hosts] contains rslave", "container.mount.dest[/etc/hosts]=/etc/hosts",
		"container.mount.source[/data] startswith /var", "container.mount.rdwr[0]=true",
		"container.mount.mode[/usr/*]=ro", "container.mount.propagation[2] in (rslave, private)",
		"container.healthcheck=NONE", "container.healthcheck!=NONE", "container.liveness_probe contains test",
		"container.readiness_probe exists", "k8s.pod.name exists", "k8s.pod.name=busy",
		"k8s.ns.name in (prod, default)", "k8s.pod.id contains -", "k8s.pod.label.app=busy",
		"k8s.pod.label.tier exists", "k8s.pod.labels contains Zone", "k8s.pod.label.app.kubernetes.io/name=busybox",
		"k8s.rc.name exists", "not k8s.svc.id exists", "k8s.deployment.label.a=b",
		"mesos.task.name exists", "not mesos.task.id exists", "marathon.app.label.x=y",
		"mesos.task.label.a/b.c exists", "span.id exists", "not span.id exists", "span.id=1",
		"span.tag[0]=x", "span.arg.foo=x", "span.arg[1] exists", "evtin.span.id=1",
		"not evtin.span.tags exists", "evtin.span.p.arg.fd exists", "evtin.span.m.tag[1]=a",
		"container.id!=host and k8s.pod.name exists", "container.id!=host or span.id exists",
	}
	for _, c := range containerCaptures(t) {
		c := c
		if !c.hasContainers() && c.name != "libs_sample" {
			continue // only host processes, as in libs_sample
		}
		for i, f := range filters {
			f := f
			if c.skip["container.type"] && strings.Contains(f, "container.type") {
				continue
			}
			if c.name != "containers" && i%3 != 0 {
				continue // a third of the filters is enough for the others
			}
			t.Run(fmt.Sprintf("%s/%d", c.name, i), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, "-r", c.path, "-p", "*%evt.num %container.id %thread.tid", f)
			})
		}
	}
}

// Malformed arguments fail with sysdig's messages; odd but valid ones
// are accepted.
func TestDiffContainerFieldErrors(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	var path string
	for _, c := range containerCaptures(t) {
		if c.name == "containers" {
			path = c.path
		}
	}
	cases := []string{
		"%container.mount", "%container.mount[", "%container.mount[0", "%container.mount.foo[0]",
		"%container.mount.source", "%container.mount.dest", "%k8s.pod.label", "%k8s.pod.labelx",
		"%k8s.rc.label", "%mesos.task.label", "%marathon.app.label", "%span.tag", "%span.tag.x",
		"%span.tag[x]", "%span.tag[]", "%span.arg", "%span.arg[x]", "%span.enterarg", "%span.enterarg[1x]",
		"%evtin.span.tag", "%evtin.span.tag.zzz", "%evtin.span.arg.zzz", "%evtin.span.arg[x]",
		"%evtin.span.p.tag[q]", "%evtin.span.s.arg", "%evtin.span.m.arg.nosuch",
		// Accepted.
		"%container.mounts[0]", "%k8s.pod.labels.x", "%mesos.task.labelsx", "%evtin.span.arg.fdx",
		"%span.tag[-1]", "%k8s.pod.label.",
	}
	for _, p := range cases {
		want := difftest.Run(sd, "-r", path, "-n", "30", "-p", "*"+p)
		got := difftest.Run(tr, "-r", path, "-n", "30", "-p", "*"+p)
		if (want.Code == 0) != (got.Code == 0) || !bytes.Equal(want.Stdout, got.Stdout) {
			t.Errorf("-p %q: status %d stdout %q, sysdig %d %q", p, got.Code, firstLine(got.Stdout), want.Code, firstLine(want.Stdout))
		}
		if w, g := firstLine(want.Stderr), firstLine(got.Stderr); w != g {
			t.Errorf("-p %q: stderr %q, sysdig %q", p, g, w)
		}
	}
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
