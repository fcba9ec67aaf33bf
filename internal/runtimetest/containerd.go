//go:build linux

package runtimetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// containerdConfig is containerd's configuration (version 2): everything
// private under the directory %[1]s, the CRI plugin with the local pause
// image as sandbox image, no CNI (pods use the host network) and
// restrict_oom_score_adj, without which runc fails when the process lacks
// CAP_SYS_RESOURCE (as in some VMs and containers) with "can't get final
// child's PID from pipe". Only the shims' sockets are outside: containerd
// 1.6 puts them in /run/containerd/s whatever its configuration.
const containerdConfig = `version = 2
root = "%[1]s/root"
state = "%[1]s/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "%[1]s/containerd.sock"

[ttrpc]
  address = "%[1]s/containerd.sock.ttrpc"

[debug]
  address = "%[1]s/debug.sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "%[1]s/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "%[2]s"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "%[3]s"
  default_runtime_name = "runc"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  Root = "%[1]s/runc"

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "%[1]s/cni/bin"
  conf_dir = "%[1]s/cni/conf"
`

// Containerd returns the test binary's containerd, started on the first
// call, with Image and PauseImage imported in its k8s.io namespace. It
// skips t when not root or when containerd, ctr, runc or busybox is
// missing.
func Containerd(t testing.TB) *CRI {
	t.Helper()
	return startRuntime(t, &state.cri, "containerd", []string{"containerd", "ctr", "runc", "containerd-shim-runc-v2"}, func(dir string, tars imageTars) (*CRI, error) {
		// overlayfs cannot work on every filesystem and kernel.
		return withFallback(dir, "snapshotter", "overlayfs", "native", func(dir, snapshotter string) (*CRI, error) {
			return startContainerd(dir, tars, snapshotter)
		})
	})
}

// startContainerd starts containerd with the given snapshotter, imports
// the images and checks that a pod can be made.
func startContainerd(dir string, tars imageTars, snapshotter string) (*CRI, error) {
	for _, d := range []string{"cni/bin", "cni/conf", "pods"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	conf := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(containerdConfig, dir, PauseImage, snapshotter)), 0o644); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "containerd.sock")
	d, err := startDaemon("containerd", filepath.Join(dir, "containerd.log"), "containerd", "--config", conf)
	if err != nil {
		return nil, err
	}
	c := &CRI{sock: sock, dir: dir, snapshotter: snapshotter, daemon: d}
	if err := c.connect(tars); err != nil {
		c.stop()
		return nil, err
	}
	state.onStop(c.stop)
	return c, nil
}

// connect waits for containerd, imports the images and checks that it
// works.
func (c *CRI) connect(tars imageTars) error {
	sock := c.sock
	if err := c.daemon.waitSocket(sock, 20*time.Second); err != nil {
		return err
	}
	for _, tar := range []string{tars.pause, tars.bash} {
		if err := run("ctr", "-a", sock, "-n", "k8s.io", "images", "import", "--snapshotter", c.snapshotter, tar); err != nil {
			return err
		}
	}
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	c.conn = conn
	c.rt = runtimeapi.NewRuntimeServiceClient(conn)
	c.img = runtimeapi.NewImageServiceClient(conn)
	return c.probe()
}

// probe checks that the CRI plugin is up and that a pod with a container
// can be made, so that a broken setup fails once, clearly, at startup.
func (c *CRI) probe() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		st, err := c.rt.Status(ctx, &runtimeapi.StatusRequest{})
		if err == nil && runtimeReady(st) {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("containerd's CRI plugin is not ready (status %v, %v)\n%s", st, err, c.daemon.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
	id, err := c.runPod(ctx, PodSpec{Name: "probe", Namespace: "runtimetest"})
	if err != nil {
		return fmt.Errorf("containerd (snapshotter %s) cannot make a pod: %v\n%s", c.snapshotter, err, c.daemon.logTail())
	}
	defer c.removePod(id)
	if _, err := c.runContainer(ctx, &Pod{ID: id, Spec: PodSpec{Name: "probe", Namespace: "runtimetest"}}, ContainerSpec{Name: "probe", Command: []string{"true"}}); err != nil {
		return fmt.Errorf("containerd (snapshotter %s) cannot run a container: %v\n%s", c.snapshotter, err, c.daemon.logTail())
	}
	return nil
}

func runtimeReady(st *runtimeapi.StatusResponse) bool {
	if st.GetStatus() == nil {
		return false
	}
	for _, cond := range st.Status.Conditions {
		if cond.Type == runtimeapi.RuntimeReady && !cond.Status {
			return false
		}
	}
	return true
}

// stop removes every pod, stops containerd and ends the shims it left.
func (c *CRI) stop() {
	if c.rt != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		if pods, err := c.rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{}); err == nil {
			for _, p := range pods.Items {
				c.removePod(p.Id)
			}
		}
		cancel()
		c.conn.Close()
	}
	c.daemon.stop(5 * time.Second)
	killMatching(c.sock)
	unmountUnder(c.dir)
}
