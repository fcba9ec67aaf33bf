//go:build linux

package runtimetest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// podmanConf is podman's containers.conf: cgroupfs, file events, every directory under %[1]s, runc through a wrapper that gives
// it a private root, and small open-file and process limits: podman's
// defaults are above what runc may set without CAP_SYS_RESOURCE, which
// some VMs lack ("error setting rlimit type 7: operation not permitted").
const podmanConf = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "%[1]s/events.log"
tmp_dir = "%[1]s/tmp"
static_dir = "%[1]s/root/libpod"
volume_path = "%[1]s/root/volumes"
runtime = "runc"

[engine.runtimes]
runc = ["%[1]s/runc"]

[network]
network_config_dir = "%[1]s/net"
`

const podmanStorageConf = `[storage]
driver = "%[2]s"
graphroot = "%[1]s/root"
runroot = "%[1]s/runroot"
`

// PodmanService is a `podman system service` the package started, driven with
// the podman client in remote mode (through the service's socket).
type PodmanService struct {
	sock, dir string
	daemon    *daemon
	cli       []string
}

// Socket returns the path of the podman service's API socket (it serves
// both the libpod and the Docker-compatible API).
func (p *PodmanService) Socket() string { return p.sock }

// Podman returns the test binary's podman service, started on the first
// call with Image loaded. It skips t when not root or when podman,
// conmon, runc or busybox is missing.
//
// podman 4.3 writes its image blob cache to /var/lib/containers/cache
// whatever its configuration.
func Podman(t testing.TB) *PodmanService {
	t.Helper()
	return startRuntime(t, &state.podman, "podman", []string{"podman", "conmon", "runc"}, func(dir string, tars imageTars) (*PodmanService, error) {
		return withFallback(dir, "storage driver", "overlay", "vfs", func(dir, driver string) (*PodmanService, error) {
			return startPodman(dir, tars, driver)
		})
	})
}

func startPodman(dir string, tars imageTars, driver string) (*PodmanService, error) {
	if err := writePodmanConf(dir, driver); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "podman.sock")
	env := []string{"CONTAINERS_CONF=" + filepath.Join(dir, "containers.conf"), "CONTAINERS_STORAGE_CONF=" + filepath.Join(dir, "storage.conf")}
	dm, err := startDaemonEnv("podman", filepath.Join(dir, "podman.log"), env, "podman", "system", "service", "--time=0", "unix://"+sock)
	if err != nil {
		return nil, err
	}
	p := &PodmanService{sock: sock, dir: dir, daemon: dm, cli: []string{"env"}}
	p.cli = append(append(p.cli, env...), "podman", "--remote", "--url", "unix://"+sock)
	err = dm.waitSocket(sock, 30*time.Second)
	if err == nil {
		err = loadImage(p.CLI, tars)
	}
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("%v\n%s", err, dm.logTail())
	}
	state.onStop(p.stop)
	return p, nil
}

func writePodmanConf(dir, driver string) error {
	for _, d := range []string{"net", "tmp", "runc-root"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	wrapper := fmt.Sprintf("#!/bin/sh\nexec runc --root %s/runc-root \"$@\"\n", dir)
	for _, f := range []struct{ name, data string }{
		{"containers.conf", fmt.Sprintf(podmanConf, dir)},
		{"storage.conf", fmt.Sprintf(podmanStorageConf, dir, driver)},
		{"runc", wrapper},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.data), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// podmanRemove removes containers at once: podman's `rm -f` alone waits
// 10 s for processes that ignore SIGTERM (as a container's PID 1 does).
var podmanRemove = []string{"rm", "-f", "-t", "0"}

// CLI runs the podman client against this service and returns its output.
func (p *PodmanService) CLI(args ...string) ([]byte, error) {
	return cli(p.cli, args...)
}

// Run starts a detached container on the host network and returns its
// id; it is removed when t ends.
func (p *PodmanService) Run(t testing.TB, name, image string, cmd ...string) string {
	t.Helper()
	return runDetached(t, p.cli, podmanRemove, name, nil, image, cmd)
}

// RunFlags is Run with extra `podman run` flags.
func (p *PodmanService) RunFlags(t testing.TB, name string, flags []string, image string, cmd ...string) string {
	t.Helper()
	return runDetached(t, p.cli, podmanRemove, name, flags, image, cmd)
}

// Exec runs cmd in the container and returns its stdout and exit status.
func (p *PodmanService) Exec(t testing.TB, id string, cmd ...string) ([]byte, int) {
	t.Helper()
	return execIn(t, p.cli, id, cmd)
}

// stop removes the containers, stops the service and kills the conmon
// monitors left behind.
func (p *PodmanService) stop() {
	p.CLI(append(podmanRemove, "-a")...)
	p.daemon.stop(10 * time.Second)
	killMatching(p.dir)
	unmountUnder(p.dir)
}
