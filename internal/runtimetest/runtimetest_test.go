//go:build linux

package runtimetest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestContainerdPods makes a labelled pod and a privileged one, execs bash
// in each and checks what the CRI reports about them.
func TestContainerdPods(t *testing.T) {
	c := Containerd(t)
	t.Logf("containerd on %s, snapshotter %s, startup %v", c.Socket(), c.Snapshotter(), Startup())
	for _, priv := range []bool{false, true} {
		t.Run(fmt.Sprintf("privileged=%v", priv), func(t *testing.T) {
			start := time.Now()
			name := fmt.Sprintf("web-%v", priv)
			pod := c.RunPod(t, PodSpec{Name: name, Namespace: "shop", Labels: map[string]string{"app": "web", "tier": "front"}, Privileged: priv})
			ctr := c.RunContainer(t, pod, ContainerSpec{Name: "nginx", Command: []string{"sleep", "3600"}, Privileged: priv})
			t.Logf("pod and container up in %v", time.Since(start))

			start = time.Now()
			out, errOut, code := c.ExecSync(t, ctr, "bash", "-c", "echo hi")
			if string(out) != "hi\n" || code != 0 {
				t.Errorf("exec bash -c 'echo hi': stdout %q, stderr %q, exit %d", out, errOut, code)
			}
			t.Logf("exec in %v", time.Since(start))

			resp := c.Status(t, ctr)
			st := resp.Status
			if st.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
				t.Errorf("state %v, want running", st.State)
			}
			if st.Metadata.Name != "nginx" || st.Image.Image != Image {
				t.Errorf("status name %q image %q, want nginx and %s", st.Metadata.Name, st.Image.Image, Image)
			}
			want := map[string]string{LabelPodName: name, LabelPodNamespace: "shop", LabelPodUID: pod.Spec.UID, LabelContainerName: "nginx"}
			for k, v := range want {
				if st.Labels[k] != v {
					t.Errorf("container label %s = %q, want %q (labels %v)", k, st.Labels[k], v, st.Labels)
				}
			}
			checkPodStatus(t, c, pod)
			info := c.Info(t, ctr)
			got := Path(info, "config", "linux", "security_context", "privileged")
			if priv && got != true || !priv && got != nil {
				t.Errorf("verbose info config.linux.security_context.privileged = %v, want %v (absent when false)", got, priv)
			}
			if pid := c.PID(t, ctr); pid <= 0 {
				t.Errorf("verbose info pid = %d", pid)
			} else if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
				t.Errorf("container pid %d: %v", pid, err)
			}
		})
	}
}

// checkPodStatus checks the sandbox's metadata and labels as a kubelet
// and trace read them.
func checkPodStatus(t *testing.T, c *CRI, pod *Pod) {
	t.Helper()
	ps := c.PodStatus(t, pod)
	md := ps.Status.Metadata
	if md.Name != pod.Spec.Name || md.Namespace != pod.Spec.Namespace || md.Uid != pod.Spec.UID {
		t.Errorf("pod metadata %v, want %s/%s uid %s", md, pod.Spec.Namespace, pod.Spec.Name, pod.Spec.UID)
	}
	for k, v := range pod.Spec.Labels {
		if ps.Status.Labels[k] != v {
			t.Errorf("pod label %s = %q, want %q (labels %v)", k, ps.Status.Labels[k], v, ps.Status.Labels)
		}
	}
	if ps.Status.Labels[LabelPodName] != pod.Spec.Name {
		t.Errorf("pod label %s = %q, want %q", LabelPodName, ps.Status.Labels[LabelPodName], pod.Spec.Name)
	}
	if ns := ps.Status.GetLinux().GetNamespaces().GetOptions().GetNetwork(); ns != runtimeapi.NamespaceMode_NODE {
		t.Errorf("pod network namespace %v, want NODE", ns)
	}
}

// TestContainerdShortLived runs a container that lives about 200 ms.
func TestContainerdShortLived(t *testing.T) {
	c := Containerd(t)
	pod := c.RunPod(t, PodSpec{Name: "brief", Labels: map[string]string{"app": "brief"}})
	start := time.Now()
	ctr := c.RunContainer(t, pod, ContainerSpec{Name: "blink", Command: []string{"bash", "-c", "sleep 0.2; exit 3"}})
	if code := c.Wait(t, ctr, 10*time.Second); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	d := time.Since(start)
	t.Logf("created, ran and exited in %v", d)
	if d < 200*time.Millisecond {
		t.Errorf("container ended after %v, before its 200 ms sleep", d)
	}
	c.RemoveContainer(t, ctr)
}

func TestDockerRun(t *testing.T) {
	d := Dockerd(t)
	t.Logf("dockerd on %s, startup %v", d.Socket(), Startup())
	start := time.Now()
	id := d.RunFlags(t, "trace-rt-web", []string{"--label", "app=web"}, Image, "sleep", "3600")
	t.Logf("docker run in %v", time.Since(start))
	out, code := d.Exec(t, id, "bash", "-c", "echo hi")
	if string(out) != "hi\n" || code != 0 {
		t.Errorf("docker exec bash -c 'echo hi': %q, exit %d", out, code)
	}
	if _, code := d.Exec(t, id, "bash", "-c", "exit 4"); code != 4 {
		t.Errorf("docker exec exit 4: status %d", code)
	}
	insp, err := d.CLI("inspect", "-f", "{{.Name}} {{.Config.Image}} {{index .Config.Labels \"app\"}} {{.State.Pid}}", id)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(insp))
	if len(f) != 4 || f[0] != "/trace-rt-web" || f[1] != Image || f[2] != "web" || f[3] == "0" {
		t.Errorf("docker inspect: %q", insp)
	}
}

func TestPodmanRun(t *testing.T) {
	p := Podman(t)
	t.Logf("podman service on %s, startup %v", p.Socket(), Startup())
	start := time.Now()
	id := p.Run(t, "trace-rt-pm", Image, "sleep", "3600")
	t.Logf("podman run in %v", time.Since(start))
	out, code := p.Exec(t, id, "bash", "-c", "echo hi")
	if string(out) != "hi\n" || code != 0 {
		t.Errorf("podman exec bash -c 'echo hi': %q, exit %d", out, code)
	}
	insp, err := p.CLI("inspect", "-f", "{{.Name}} {{.ImageName}}", id)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(insp)); got != "trace-rt-pm "+Image {
		t.Errorf("podman inspect: %q", got)
	}
}
