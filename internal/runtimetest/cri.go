//go:build linux

package runtimetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// The labels a kubelet puts on pod sandboxes and containers.
const (
	LabelPodName       = "io.kubernetes.pod.name"
	LabelPodNamespace  = "io.kubernetes.pod.namespace"
	LabelPodUID        = "io.kubernetes.pod.uid"
	LabelContainerName = "io.kubernetes.container.name"
)

// callTimeout bounds every CRI call.
const callTimeout = 30 * time.Second

// CRI is a runtime driven through the CRI gRPC API, as a kubelet drives it.
type CRI struct {
	sock, dir   string
	snapshotter string
	daemon      *daemon
	conn        *grpc.ClientConn
	rt          runtimeapi.RuntimeServiceClient
	img         runtimeapi.ImageServiceClient
}

// Socket returns the path of the runtime's CRI socket.
func (c *CRI) Socket() string { return c.sock }

// Snapshotter returns the snapshotter in use: overlayfs, or native when
// overlayfs does not work here.
func (c *CRI) Snapshotter() string { return c.snapshotter }

// Runtime returns the CRI runtime service client, for calls the harness
// does not wrap.
func (c *CRI) Runtime() runtimeapi.RuntimeServiceClient { return c.rt }

// PodSpec describes a pod. Namespace defaults to "default" and UID to a
// random one.
type PodSpec struct {
	Name, Namespace, UID string
	Labels               map[string]string
	Privileged           bool
}

// Pod is a running pod sandbox.
type Pod struct {
	ID   string
	Spec PodSpec
}

// ContainerSpec describes a container. Image defaults to Image; a
// privileged container needs a privileged pod.
type ContainerSpec struct {
	Name, Image string
	Command     []string
	Labels      map[string]string
	Privileged  bool
}

// Container is a container created and started in a pod.
type Container struct {
	ID   string
	Pod  *Pod
	Spec ContainerSpec
}

// RunPod makes a pod sandbox as a kubelet does, with the host network
// and no hostname of its own; it is removed when t ends.
func (c *CRI) RunPod(t testing.TB, spec PodSpec) *Pod {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if spec.Namespace == "" {
		spec.Namespace = "default"
	}
	if spec.UID == "" {
		spec.UID = randomUID()
	}
	id, err := c.runPod(ctx, spec)
	if err != nil {
		t.Fatalf("RunPodSandbox %s/%s: %v", spec.Namespace, spec.Name, err)
	}
	p := &Pod{ID: id, Spec: spec}
	t.Cleanup(func() { c.removePod(id) })
	return p
}

func (c *CRI) runPod(ctx context.Context, spec PodSpec) (string, error) {
	labels := map[string]string{}
	for k, v := range spec.Labels {
		labels[k] = v
	}
	labels[LabelPodName] = spec.Name
	labels[LabelPodNamespace] = spec.Namespace
	labels[LabelPodUID] = spec.UID
	logDir := filepath.Join(c.dir, "pods", spec.Namespace+"_"+spec.Name+"_"+spec.UID)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return "", err
	}
	resp, err := c.rt.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: podConfig(spec, labels, logDir)})
	if err != nil {
		return "", err
	}
	return resp.PodSandboxId, nil
}

// podConfig is the sandbox configuration a kubelet would send for spec.
func podConfig(spec PodSpec, labels map[string]string, logDir string) *runtimeapi.PodSandboxConfig {
	return &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: spec.Name, Namespace: spec.Namespace, Uid: spec.UID},
		Labels:   labels,
		Annotations: map[string]string{
			"kubernetes.io/config.source": "api",
			"kubernetes.io/config.seen":   time.Now().UTC().Format(time.RFC3339Nano),
		},
		LogDirectory: logDir,
		Linux: &runtimeapi.LinuxPodSandboxConfig{
			SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{
				NamespaceOptions: namespaces(),
				Privileged:       spec.Privileged,
			},
		},
	}
}

// namespaces are the pods' namespaces: the node's network, a PID
// namespace per container, an IPC namespace per pod.
func namespaces() *runtimeapi.NamespaceOption {
	return &runtimeapi.NamespaceOption{
		Network: runtimeapi.NamespaceMode_NODE,
		Pid:     runtimeapi.NamespaceMode_CONTAINER,
		Ipc:     runtimeapi.NamespaceMode_POD,
	}
}

func randomUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// removePod stops and removes a pod sandbox and its containers.
func (c *CRI) removePod(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if _, err := c.rt.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: id}); err != nil {
		return err
	}
	_, err := c.rt.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: id})
	return err
}

// RemovePod stops and removes the pod and its containers now.
func (c *CRI) RemovePod(t testing.TB, p *Pod) {
	t.Helper()
	if err := c.removePod(p.ID); err != nil {
		t.Fatalf("removing pod %s: %v", p.Spec.Name, err)
	}
}

// RunContainer creates and starts a container in the pod as a kubelet
// does, with the kubelet's io.kubernetes.* labels and annotations.
func (c *CRI) RunContainer(t testing.TB, p *Pod, spec ContainerSpec) *Container {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	ctr, err := c.runContainer(ctx, p, spec)
	if err != nil {
		t.Fatalf("running container %s in pod %s: %v", spec.Name, p.Spec.Name, err)
	}
	return ctr
}

func (c *CRI) runContainer(ctx context.Context, p *Pod, spec ContainerSpec) (*Container, error) {
	if spec.Image == "" {
		spec.Image = Image
	}
	labels := map[string]string{}
	for k, v := range spec.Labels {
		labels[k] = v
	}
	labels[LabelPodName] = p.Spec.Name
	labels[LabelPodNamespace] = p.Spec.Namespace
	labels[LabelPodUID] = p.Spec.UID
	labels[LabelContainerName] = spec.Name
	cfg := &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: spec.Name},
		Image:    &runtimeapi.ImageSpec{Image: spec.Image},
		Command:  spec.Command,
		Labels:   labels,
		Annotations: map[string]string{
			"io.kubernetes.container.hash":                     "0",
			"io.kubernetes.container.restartCount":             "0",
			"io.kubernetes.container.terminationMessagePath":   "/dev/termination-log",
			"io.kubernetes.container.terminationMessagePolicy": "File",
		},
		LogPath: filepath.Join(spec.Name, "0.log"),
		Linux: &runtimeapi.LinuxContainerConfig{
			SecurityContext: &runtimeapi.LinuxContainerSecurityContext{
				Privileged:       spec.Privileged,
				NamespaceOptions: namespaces(),
			},
		},
	}
	logDir := filepath.Join(c.dir, "pods", p.Spec.Namespace+"_"+p.Spec.Name+"_"+p.Spec.UID)
	sandbox := podConfig(p.Spec, nil, logDir)
	created, err := c.rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: p.ID, Config: cfg, SandboxConfig: sandbox})
	if err != nil {
		return nil, fmt.Errorf("CreateContainer: %v", err)
	}
	if _, err := c.rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: created.ContainerId}); err != nil {
		return nil, fmt.Errorf("StartContainer: %v", err)
	}
	return &Container{ID: created.ContainerId, Pod: p, Spec: spec}, nil
}

// RemoveContainer stops (with no grace period) and removes a container.
func (c *CRI) RemoveContainer(t testing.TB, ctr *Container) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if _, err := c.rt.StopContainer(ctx, &runtimeapi.StopContainerRequest{ContainerId: ctr.ID}); err != nil {
		t.Fatalf("StopContainer %s: %v", ctr.Spec.Name, err)
	}
	if _, err := c.rt.RemoveContainer(ctx, &runtimeapi.RemoveContainerRequest{ContainerId: ctr.ID}); err != nil {
		t.Fatalf("RemoveContainer %s: %v", ctr.Spec.Name, err)
	}
}

// ExecSync runs cmd in the container and returns its output and exit
// status, as `kubectl exec` does through the kubelet.
func (c *CRI) ExecSync(t testing.TB, ctr *Container, cmd ...string) (stdout, stderr []byte, exit int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := c.rt.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: ctr.ID, Cmd: cmd, Timeout: int64(callTimeout / time.Second)})
	if err != nil {
		t.Fatalf("ExecSync %q in %s: %v", cmd, ctr.Spec.Name, err)
	}
	return resp.Stdout, resp.Stderr, int(resp.ExitCode)
}

// Status returns the container's verbose status: the status and, in
// Info["info"], the runtime's JSON description of it.
func (c *CRI) Status(t testing.TB, ctr *Container) *runtimeapi.ContainerStatusResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := c.rt.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: ctr.ID, Verbose: true})
	if err != nil {
		t.Fatalf("ContainerStatus %s: %v", ctr.Spec.Name, err)
	}
	return resp
}

// Info returns the JSON of the container's verbose status info["info"]
// decoded (containerd puts the CRI config there: "config" with
// "linux.security_context.privileged", the runtime spec, the pid, ...).
func (c *CRI) Info(t testing.TB, ctr *Container) map[string]any {
	t.Helper()
	resp := c.Status(t, ctr)
	var info map[string]any
	if err := json.Unmarshal([]byte(resp.Info["info"]), &info); err != nil {
		t.Fatalf("ContainerStatus %s: verbose info %q: %v", ctr.Spec.Name, resp.Info["info"], err)
	}
	return info
}

// Wait waits until the container has exited and returns its exit code.
func (c *CRI) Wait(t testing.TB, ctr *Container, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st := c.Status(t, ctr).Status
		if st.State == runtimeapi.ContainerState_CONTAINER_EXITED {
			return int(st.ExitCode)
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s still %v after %v", ctr.Spec.Name, st.State, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// PID returns the host PID of the container's first process (from the
// verbose info), 0 once it has exited.
func (c *CRI) PID(t testing.TB, ctr *Container) int {
	t.Helper()
	pid, _ := c.Info(t, ctr)["pid"].(float64)
	return int(pid)
}

// Path returns a value from decoded JSON objects by keys, nil when absent.
func Path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// PodStatus returns the pod sandbox's verbose status.
func (c *CRI) PodStatus(t testing.TB, p *Pod) *runtimeapi.PodSandboxStatusResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	resp, err := c.rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: p.ID, Verbose: true})
	if err != nil {
		t.Fatalf("PodSandboxStatus %s: %v", p.Spec.Name, err)
	}
	return resp
}
