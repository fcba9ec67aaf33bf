//go:build linux

package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/runtimetest"
)

// The end-to-end tests of container and Kubernetes metadata against real
// runtimes started by package runtimetest (containerd through CRI, and
// dockerd), which stops them when the test binary ends.
func TestMain(m *testing.M) {
	// Every top-level test is parallel, and most of them spend their
	// time waiting: on live captures, container runtimes, sysdig and
	// trace processes. Unless -parallel is given, four run per core, so
	// the waits overlap with work that keeps the CPUs busy.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	os.Exit(runtimetest.Main(m))
}

// e2eFields is the -p format of the container tests: fields separated by
// '|', the workload's marker (in proc.args) first. The format starts
// with '*' so that lines missing a field are printed (with <NA>) instead
// of dropped, and the failure names the field.
var e2eFields = []string{"proc.args", "container.id", "container.name", "container.image", "container.type",
	"container.privileged", "k8s.pod.name", "k8s.ns.name", "k8s.pod.label.app"}

func e2eFormat() string { return "*%" + strings.Join(e2eFields, "|%") }

// syncBuffer is an output buffer read while trace writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// bgTrace is trace running live in the background, its output readable
// at any time.
type bgTrace struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
}

func startBgTrace(t *testing.T, env []string, args ...string) *bgTrace {
	t.Helper()
	r := &bgTrace{done: make(chan struct{})}
	r.cmd = exec.Command(difftest.Trace(t), args...)
	r.cmd.Env = append(append(os.Environ(), "TZ=UTC"), env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// stop ends trace with SIGINT (which closes a written file properly).
func (r *bgTrace) stop(t *testing.T) {
	t.Helper()
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("trace %v still running 20 s after SIGINT; stderr: %s", r.cmd.Args[1:], r.stderr.String())
	}
}

// until calls trigger, then checks the output with seen, until seen says
// yes or 20 s pass: trace needs a moment to attach, so the triggering
// workload is repeated instead of trusting a fixed delay.
func (r *bgTrace) until(t *testing.T, what string, trigger func(), seen func(out string) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		trigger()
		for i := 0; i < 5; i++ {
			time.Sleep(100 * time.Millisecond)
			if seen(r.stdout.String()) {
				return
			}
		}
		select {
		case <-r.done:
			t.Fatalf("trace %v ended before %s; stderr: %s", r.cmd.Args[1:], what, r.stderr.String())
		default:
		}
	}
	t.Fatalf("no %s within 20 s; trace %v printed:\n%s\nstderr: %s", what, r.cmd.Args[1:], r.stdout.String(), r.stderr.String())
}

// lineWith returns the first output line containing s, "" if none.
func lineWith(out, s string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// checkFields checks a line printed with e2eFormat against want (by field
// name), saying which field is missing or wrong.
func checkFields(t *testing.T, who, line string, want map[string]string) {
	t.Helper()
	got := strings.Split(line, "|")
	if len(got) != len(e2eFields) {
		t.Errorf("%s: line %q has %d fields, want %d (%s)", who, line, len(got), len(e2eFields), e2eFormat())
		return
	}
	for i, f := range e2eFields {
		if w, ok := want[f]; ok && got[i] != w {
			t.Errorf("%s: %s = %q, want %q (line %q)", who, f, got[i], w, line)
		}
	}
}

// e2ePods is a labelled pod and a privileged one, each with a long-lived
// container, in containerd.
type e2ePods struct {
	cri    *runtimetest.CRI
	marker string
	plain  *runtimetest.Container
	priv   *runtimetest.Container
}

func newE2EPods(t *testing.T) *e2ePods {
	needLive(t)
	c := runtimetest.Containerd(t)
	id := fmt.Sprintf("%dx%d", os.Getpid(), time.Now().UnixNano())
	p := &e2ePods{cri: c, marker: "tracee2e" + id}
	plain := c.RunPod(t, runtimetest.PodSpec{Name: "web", Namespace: "trace-e2e", Labels: map[string]string{"app": "web"}})
	priv := c.RunPod(t, runtimetest.PodSpec{Name: "agent", Namespace: "trace-e2e", Labels: map[string]string{"app": "agent"}, Privileged: true})
	p.plain = c.RunContainer(t, plain, runtimetest.ContainerSpec{Name: "nginx", Command: []string{"sleep", "3600"}})
	p.priv = c.RunContainer(t, priv, runtimetest.ContainerSpec{Name: "probe", Command: []string{"sleep", "3600"}, Privileged: true})
	return p
}

// exec runs bash with the marker in both containers.
func (p *e2ePods) exec(t *testing.T) {
	for _, ctr := range []*runtimetest.Container{p.plain, p.priv} {
		if _, errOut, code := p.cri.ExecSync(t, ctr, "bash", "-c", "true "+p.marker+"x"+ctr.Spec.Name); code != 0 {
			t.Fatalf("exec in %s: exit %d: %s", ctr.Spec.Name, code, errOut)
		}
	}
}

// filter selects the bash processes of the workload only.
func (p *e2ePods) filter() string {
	return "evt.type=execve and evt.dir=< and proc.name=bash and proc.args contains " + p.marker
}

// want is what the fields of the container's bash must be.
func (p *e2ePods) want(ctr *runtimetest.Container) map[string]string {
	priv := "false"
	if ctr.Spec.Privileged {
		priv = "true"
	}
	return map[string]string{
		"container.id": ctr.ID[:12], "container.name": ctr.Spec.Name, "container.image": runtimetest.Image,
		"container.type": "containerd", "container.privileged": priv,
		"k8s.pod.name": ctr.Pod.Spec.Name, "k8s.ns.name": ctr.Pod.Spec.Namespace, "k8s.pod.label.app": ctr.Pod.Spec.Labels["app"],
	}
}

// checkBoth checks both containers' lines in out.
func (p *e2ePods) checkBoth(t *testing.T, who, out string) {
	t.Helper()
	for _, ctr := range []*runtimetest.Container{p.plain, p.priv} {
		line := lineWith(out, p.marker+"x"+ctr.Spec.Name)
		if line == "" {
			t.Errorf("%s: no line for the bash run in container %s (pod %s); output:\n%s", who, ctr.Spec.Name, ctr.Pod.Spec.Name, out)
			continue
		}
		checkFields(t, who+" "+ctr.Spec.Name, line, p.want(ctr))
	}
}

func (p *e2ePods) seenBoth(out string) bool {
	return lineWith(out, p.marker+"xnginx") != "" && lineWith(out, p.marker+"xprobe") != ""
}

// TestCRILiveFields: trace --cri prints the container and Kubernetes
// fields of processes in containerd pods.
func TestCRILiveFields(t *testing.T) {
	t.Parallel()
	p := newE2EPods(t)
	r := startBgTrace(t, nil, "--cri", p.cri.Socket(), "-p", e2eFormat(), p.filter())
	r.until(t, "bash exec in both pods", func() { p.exec(t) }, p.seenBoth)
	p.checkBoth(t, "trace --cri", r.stdout.String())
}

// TestCRILiveRules: a rule on bash in a container alerts, naming it.
func TestCRILiveRules(t *testing.T) {
	t.Parallel()
	p := newE2EPods(t)
	rulesFile := filepath.Join(t.TempDir(), "rules.yaml")
	rule := fmt.Sprintf(`- rule: Shell in container
  desc: bash ran in a container
  condition: evt.type=execve and evt.dir=< and container.id != host and proc.name = bash and proc.args contains %s
  output: "Shell in container (cmd=%%proc.cmdline %%container.info)"
  priority: WARNING
`, p.marker)
	if err := os.WriteFile(rulesFile, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	r := startBgTrace(t, nil, "--cri", p.cri.Socket(), "--rules", rulesFile)
	r.until(t, "alerts for both pods", func() { p.exec(t) }, p.seenBoth)
	for _, ctr := range []*runtimetest.Container{p.plain, p.priv} {
		line := lineWith(r.stdout.String(), p.marker+"x"+ctr.Spec.Name)
		// Falco's %container.info: "%container.name (id=%container.id)".
		want := ctr.Spec.Name + " (id=" + ctr.ID[:12] + ")"
		if !strings.Contains(line, "Shell in container") || !strings.Contains(line, want) {
			t.Errorf("alert for container %s does not name it (want %q): %q", ctr.Spec.Name, want, line)
		}
	}
}

// TestCRILiveWrite: a capture written live with --cri keeps the
// container metadata: trace -r and sysdig -r print the names.
func TestCRILiveWrite(t *testing.T) {
	t.Parallel()
	p := newE2EPods(t)
	file := filepath.Join(t.TempDir(), "cri.scap")
	w := startBgTrace(t, nil, "--cri", p.cri.Socket(), "-w", file)
	// The file exists once the writer's probes are attached and /proc is
	// scanned.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace -w did not create %s; stderr: %s", file, w.stderr.String())
		}
	}
	// A printing twin tells when trace sees the workload; the writer was
	// capturing before it, so it has seen it too once the twin has.
	r := startBgTrace(t, nil, "-p", "%proc.args", p.filter())
	r.until(t, "bash exec in both pods", func() { p.exec(t) }, p.seenBoth)
	time.Sleep(500 * time.Millisecond) // container metadata lookups are asynchronous
	w.stop(t)
	got := difftest.Run(difftest.Trace(t), "-r", file, "-p", e2eFormat(), p.filter())
	if got.Code != 0 {
		t.Fatalf("trace -r %s: status %d: %s", file, got.Code, got.Stderr)
	}
	p.checkBoth(t, "trace -r", string(got.Stdout))
	sd, err := exec.LookPath("sysdig")
	if err != nil {
		t.Log("sysdig is not installed; not reading the capture with sysdig -r")
		return
	}
	want := difftest.Run(sd, "-r", file, "-p", e2eFormat(), p.filter())
	if want.Code != 0 {
		t.Fatalf("sysdig -r %s: status %d: %s", file, want.Code, want.Stderr)
	}
	p.checkBoth(t, "sysdig -r", string(want.Stdout))
}

// TestCRILiveShortLived: a container that lives 200 ms is named.
func TestCRILiveShortLived(t *testing.T) {
	t.Parallel()
	needLive(t)
	c := runtimetest.Containerd(t)
	marker := fmt.Sprintf("tracee2eblink%dx%d", os.Getpid(), time.Now().UnixNano())
	pod := c.RunPod(t, runtimetest.PodSpec{Name: "blink", Namespace: "trace-e2e", Labels: map[string]string{"app": "blink"}})
	r := startBgTrace(t, nil, "--cri", c.Socket(), "-p", e2eFormat(),
		"evt.type=execve and evt.dir=< and proc.name=bash and proc.args contains "+marker)
	n := 0
	var ctrs []*runtimetest.Container
	r.until(t, "the short-lived container's bash", func() {
		n++
		ctr := c.RunContainer(t, pod, runtimetest.ContainerSpec{Name: fmt.Sprintf("blink%d", n),
			Command: []string{"bash", "-c", "sleep 0.2; true " + marker}})
		c.Wait(t, ctr, 10*time.Second)
		ctrs = append(ctrs, ctr)
	}, func(out string) bool { return lineWith(out, marker) != "" })
	line := lineWith(r.stdout.String(), marker)
	for _, ctr := range ctrs {
		if strings.Contains(line, "|"+ctr.ID[:12]+"|") {
			checkFields(t, "short-lived "+ctr.Spec.Name, line, map[string]string{
				"container.name": ctr.Spec.Name, "container.image": runtimetest.Image, "container.type": "containerd",
				"k8s.pod.name": "blink", "k8s.ns.name": "trace-e2e", "k8s.pod.label.app": "blink",
			})
			return
		}
	}
	t.Errorf("the short-lived container's line %q names none of the containers run (container.id missing or wrong)", line)
}

// TestDockerLiveFields: with DOCKER_HOST naming the test's dockerd, trace
// names a docker container's processes (container.type docker).
func TestDockerLiveFields(t *testing.T) {
	t.Parallel()
	needLive(t)
	d := runtimetest.Dockerd(t)
	marker := fmt.Sprintf("tracee2edocker%dx%d", os.Getpid(), time.Now().UnixNano())
	name := "trace-e2e-web"
	id := d.Run(t, name, runtimetest.Image, "sleep", "3600")
	r := startBgTrace(t, []string{"DOCKER_HOST=unix://" + d.Socket()}, "-p", e2eFormat(),
		"evt.type=execve and evt.dir=< and proc.name=bash and proc.args contains "+marker)
	r.until(t, "bash exec in the docker container", func() {
		if _, code := d.Exec(t, id, "bash", "-c", "true "+marker); code != 0 {
			t.Fatalf("docker exec: exit %d", code)
		}
	}, func(out string) bool { return lineWith(out, marker) != "" })
	checkFields(t, "docker", lineWith(r.stdout.String(), marker), map[string]string{
		"container.id": id[:12], "container.name": name, "container.image": runtimetest.Image,
		"container.type": "docker", "container.privileged": "false",
	})
}

// TestCRIMetadataLatency: 50 containers that live 200 ms each are all
// named in a live -w capture. Logged: how many had events before their
// container event in the file, the time from such a first event to the
// container event (event time), and the waits of first events for
// metadata (-v: median and worst).
func TestCRIMetadataLatency(t *testing.T) {
	t.Parallel()
	needLiveAlone(t)
	c := runtimetest.Containerd(t)
	pod := c.RunPod(t, runtimetest.PodSpec{Name: "burst", Namespace: "trace-e2e", Labels: map[string]string{"app": "burst"}})
	file := filepath.Join(t.TempDir(), "burst.scap")
	w := startBgTrace(t, nil, "--cri", c.Socket(), "-v", "-w", file, "container.id != host")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trace -w did not create %s; stderr: %s", file, w.stderr.String())
		}
	}
	names := map[string]string{} // short id -> name
	for i := 0; i < 50; i++ {
		ctr := c.RunContainer(t, pod, runtimetest.ContainerSpec{Name: fmt.Sprintf("burst%d", i), Command: []string{"bash", "-c", "sleep 0.2"}})
		c.Wait(t, ctr, 10*time.Second)
		names[ctr.ID[:12]] = ctr.Spec.Name
	}
	// The last lookups: wait until the file (flushed once a second) names
	// every container, or 20 s; the checks below say which are missing.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		// A file still being written may end inside a block: what is
		// intact is printed before the error.
		seen := difftest.Run(difftest.Trace(t), "-r", file, "-p", "%container.name", "evt.type=container")
		named := map[string]bool{}
		for _, l := range strings.Split(string(seen.Stdout), "\n") {
			named[l] = true
		}
		all := true
		for _, name := range names {
			all = all && named[name]
		}
		if all {
			break
		}
	}
	w.stop(t)
	got := difftest.Run(difftest.Trace(t), "-r", file, "-D", "-p", "*%evt.rawtime %evt.type %container.id %container.name", "container.id != host")
	if got.Code != 0 {
		t.Fatalf("trace -r: status %d: %s", got.Code, got.Stderr)
	}
	first, meta := map[string]uint64{}, map[string]uint64{}
	for _, l := range strings.Split(string(got.Stdout), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || names[f[2]] == "" {
			continue
		}
		ts, _ := strconv.ParseUint(f[0], 10, 64)
		switch {
		case f[1] == "container" && f[3] == names[f[2]]:
			if meta[f[2]] == 0 {
				meta[f[2]] = ts
			}
		case f[1] != "container":
			if first[f[2]] == 0 || ts < first[f[2]] {
				first[f[2]] = ts
			}
		}
	}
	var lat []time.Duration
	late := 0
	for id, name := range names {
		if meta[id] == 0 {
			t.Errorf("container %s (%s) was never named in the capture", name, id)
			continue
		}
		if first[id] != 0 && meta[id] > first[id] {
			late++
			lat = append(lat, time.Duration(meta[id]-first[id]))
		} else {
			lat = append(lat, 0) // named before its first event reached the file
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		t.Logf("%d of %d short-lived containers had events before their metadata; first event to metadata: median %v, worst %v",
			late, len(lat), lat[len(lat)/2], lat[len(lat)-1])
	}
	t.Logf("trace -v: %s", lineWith(w.stderr.String(), "Waits for container metadata"))
}
