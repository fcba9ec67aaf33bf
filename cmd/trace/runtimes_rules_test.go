//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/runtimetest"
)

// Falco's rules on the real runtimes: the rules that test a container's
// privilege and image at its start fire on containerd as on Docker, on
// the container's first event (the exec of its entry point).

// falcoContainerRules returns the arguments loading falco_rules.yaml,
// the incubating rules ("Launch Privileged Container") and an override
// that exempts privileged containers by image repository and name, plus
// a rule of our own on the image repository at start.
func falcoContainerRules(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join(difftest.RequireShared(t), "rules")
	override := filepath.Join(t.TempDir(), "local.yaml")
	local := `- macro: user_privileged_containers
  condition: (container.image.repository = "` + strings.Split(runtimetest.Image, ":")[0] + `" and container.name contains exempt)

- rule: Exempt image started
  desc: a container of the test image named exempt started
  condition: container_started and container.image.repository = "` + strings.Split(runtimetest.Image, ":")[0] + `" and container.image.tag = "1" and container.name contains exempt
  output: "Exempt image started (command=%proc.cmdline %container.info privileged=%container.privileged)"
  priority: INFO
`
	if err := os.WriteFile(override, []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"--rules", filepath.Join(dir, "falco_rules.yaml"), "--rules", filepath.Join(dir, "falco-incubating_rules.yaml"), "--rules", override}
}

// containerStarts checks the alerts of a run in which containers named
// probe<n> (privileged), exempt<n> (privileged, exempted) and web<n>
// (not privileged) started with marker+name in their command line.
func checkContainerStarts(t *testing.T, out, marker string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		switch {
		case !strings.Contains(l, marker):
		case strings.Contains(l, "Privileged container started") && !strings.Contains(l, marker+"xprobe"):
			t.Errorf("Launch Privileged Container for a container not privileged or exempted by image: %s", l)
		case strings.Contains(l, "Exempt image started") && !strings.Contains(l, marker+"xexempt"):
			t.Errorf("the image rule for another container: %s", l)
		}
	}
	for _, want := range []string{"Privileged container started", "Exempt image started"} {
		found := false
		for _, l := range strings.Split(out, "\n") {
			found = found || strings.Contains(l, want) && strings.Contains(l, marker)
		}
		if !found {
			t.Errorf("no %q alert; output:\n%s", want, out)
		}
	}
}

// seenStarts tells whether both rules alerted for containers of round n.
func seenStarts(marker string) func(string) bool {
	return func(out string) bool {
		return lineWith(out, marker+"xprobe") != "" && lineWith(out, "Exempt image started") != ""
	}
}

// TestCRIFalcoContainerStart: on containerd, "Launch Privileged
// Container" fires for a privileged container, not for an unprivileged
// one nor for one exempted by image repository and name; a rule on the
// image repository and tag fires at the container's start.
func TestCRIFalcoContainerStart(t *testing.T) {
	t.Parallel()
	needLive(t)
	args := falcoContainerRules(t)
	c := runtimetest.Containerd(t)
	marker := fmt.Sprintf("tracee2estart%dx%d", os.Getpid(), time.Now().UnixNano())
	priv := c.RunPod(t, runtimetest.PodSpec{Name: "agent", Namespace: "trace-e2e", Labels: map[string]string{"app": "agent"}, Privileged: true})
	plain := c.RunPod(t, runtimetest.PodSpec{Name: "web", Namespace: "trace-e2e", Labels: map[string]string{"app": "web"}})
	r := startBgTrace(t, nil, append([]string{"--cri", c.Socket()}, args...)...)
	n := 0
	r.until(t, "alerts for the privileged containers", func() {
		n++
		for _, s := range []struct {
			pod  *runtimetest.Pod
			name string
		}{{priv, "probe"}, {priv, "exempt"}, {plain, "web"}} {
			c.RunContainer(t, s.pod, runtimetest.ContainerSpec{Name: fmt.Sprintf("%s%d", s.name, n), Privileged: s.pod == priv,
				Command: []string{"bash", "-c", "sleep 3600; true " + marker + "x" + s.name}})
		}
	}, seenStarts(marker))
	time.Sleep(time.Second) // any alert for the others would be in by now
	r.stop(t)
	checkContainerStarts(t, r.stdout.String(), marker)
	if line := lineWith(r.stdout.String(), "Exempt image started"); !strings.Contains(line, "privileged=true") || !strings.Contains(line, "exempt") {
		t.Errorf("the image rule's alert lacks the container's name or privilege: %s", line)
	}
}

// TestDockerFalcoContainerStart: the same rules with dockerd.
func TestDockerFalcoContainerStart(t *testing.T) {
	t.Parallel()
	needLive(t)
	args := falcoContainerRules(t)
	d := runtimetest.Dockerd(t)
	marker := fmt.Sprintf("tracee2edstart%dx%d", os.Getpid(), time.Now().UnixNano())
	r := startBgTrace(t, []string{"DOCKER_HOST=unix://" + d.Socket()}, args...)
	n := 0
	r.until(t, "alerts for the privileged containers", func() {
		n++
		for _, name := range []string{"probe", "exempt", "web"} {
			var flags []string
			if name != "web" {
				flags = []string{"--privileged"}
			}
			d.RunFlags(t, fmt.Sprintf("trace-e2e-%s%d-%d", name, n, os.Getpid()), flags, runtimetest.Image,
				"bash", "-c", "sleep 3600; true "+marker+"x"+name)
		}
	}, seenStarts(marker))
	time.Sleep(time.Second)
	r.stop(t)
	checkContainerStarts(t, r.stdout.String(), marker)
}

// TestCRILivePresets: -pc and -pk name the container and the pod live on
// containerd, and topcontainers_cpu ranks a busy container by its name.
func TestCRILivePresets(t *testing.T) {
	t.Parallel()
	p := newE2EPods(t)
	for _, c := range []struct{ flag, want string }{
		{"-pc", p.plain.Spec.Name + " (" + p.plain.ID[:12] + ") bash ("},
		{"-pk", p.plain.Pod.Spec.Name + " (" + p.plain.ID[:12] + ") bash ("},
	} {
		t.Run(c.flag, func(t *testing.T) {
			r := startBgTrace(t, nil, "--cri", p.cri.Socket(), c.flag, p.filter())
			r.until(t, "bash exec in both pods", func() { p.exec(t) }, p.seenBoth)
			r.stop(t)
			if line := lineWith(r.stdout.String(), p.marker+"xnginx"); !strings.Contains(line, c.want) {
				t.Errorf("trace %s: line %q does not contain %q", c.flag, line, c.want)
			}
		})
	}
	t.Run("topcontainers_cpu", func(t *testing.T) {
		r := startBgTrace(t, nil, "--cri", p.cri.Socket(), "-c", "topcontainers_cpu")
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(r.stdout.String(), p.plain.Spec.Name) && time.Now().Before(deadline) {
			// About a second of CPU in the container.
			p.cri.ExecSync(t, p.plain, "bash", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
		}
		r.stop(t)
		out := r.stdout.String()
		var line string
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[1] == p.plain.Spec.Name && strings.HasSuffix(f[0], "%") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("topcontainers_cpu never listed container %s; output:\n%s", p.plain.Spec.Name, out)
		}
	})
}

// TestPodmanLiveFields: podman's Docker-compatible socket, found at its
// default path under HOST_ROOT, names podman containers (type podman).
func TestPodmanLiveFields(t *testing.T) {
	t.Parallel()
	needLive(t)
	pm := runtimetest.Podman(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "run", "podman"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pm.Socket(), filepath.Join(root, "run", "podman", "podman.sock")); err != nil {
		t.Fatal(err)
	}
	marker := fmt.Sprintf("tracee2epodman%dx%d", os.Getpid(), time.Now().UnixNano())
	name := fmt.Sprintf("trace-e2e-pm%d", os.Getpid())
	id := pm.Run(t, name, runtimetest.Image, "sleep", "3600")
	r := startBgTrace(t, []string{"HOST_ROOT=" + root}, "-p", e2eFormat(),
		"evt.type=execve and evt.dir=< and proc.name=bash and proc.args contains "+marker)
	r.until(t, "bash exec in the podman container", func() {
		if _, code := pm.Exec(t, id, "bash", "-c", "true "+marker); code != 0 {
			t.Fatalf("podman exec: exit %d", code)
		}
	}, func(out string) bool { return lineWith(out, marker) != "" })
	checkFields(t, "podman", lineWith(r.stdout.String(), marker), map[string]string{
		"container.id": id[:12], "container.name": name, "container.image": runtimetest.Image,
		"container.type": "podman", "container.privileged": "false",
	})
}
