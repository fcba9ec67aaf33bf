//go:build linux

package runtimetest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Docker is a dockerd the package started, driven with the docker CLI.
type Docker struct {
	sock, dir string
	daemon    *daemon
	// cli is the client's command and the flags that select the daemon.
	cli []string
}

// Socket returns the path of dockerd's API socket.
func (d *Docker) Socket() string { return d.sock }

// Dockerd returns the test binary's dockerd, started on the first call
// with Image loaded. It has private data, exec and pid paths, its own
// containerd (which dockerd starts), no iptables rules and no bridge:
// containers use the host network. It skips t when not root or when
// dockerd, docker or busybox is missing.
//
// dockerd creates the empty directory /run/docker/plugins whatever its
// flags (the plugin discovery path is fixed).
func Dockerd(t testing.TB) *Docker {
	t.Helper()
	return startRuntime(t, &state.docker, "dockerd", []string{"dockerd", "docker", "runc"}, startDockerd)
}

func startDockerd(dir string, tars imageTars) (*Docker, error) {
	conf := filepath.Join(dir, "daemon.json")
	cfg := "{}\n"
	if caps := missingCaps(); len(caps) > 0 {
		// Privileged containers get every capability this machine has.
		wrapper, err := runcWithoutCaps(dir, caps)
		if err != nil {
			return nil, err
		}
		cfg = fmt.Sprintf(`{"runtimes": {"runc-caps": {"path": %q}}, "default-runtime": "runc-caps"}`+"\n", wrapper)
	}
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "docker.sock")
	dm, err := startDaemon("dockerd", filepath.Join(dir, "dockerd.log"), "dockerd",
		"--config-file", conf, "--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"), "--pidfile", filepath.Join(dir, "docker.pid"),
		"-H", "unix://"+sock, "--iptables=false", "--ip6tables=false", "--bridge=none")
	if err != nil {
		return nil, err
	}
	d := &Docker{sock: sock, dir: dir, daemon: dm, cli: []string{"docker", "-H", "unix://" + sock}}
	err = dm.waitSocket(sock, 30*time.Second)
	if err == nil {
		err = d.waitAPI(30 * time.Second)
	}
	if err == nil {
		err = loadImage(d.CLI, tars)
	}
	if err != nil {
		d.stop()
		return nil, fmt.Errorf("%v\n%s", err, dm.logTail())
	}
	state.onStop(d.stop)
	return d, nil
}

// waitAPI waits until the daemon answers requests (its socket may be
// listening before the daemon completes its initialization).
func (d *Docker) waitAPI(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		_, err := d.CLI("version")
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CLI runs the docker client against this daemon and returns its output.
func (d *Docker) CLI(args ...string) ([]byte, error) {
	return cli(d.cli, args...)
}

// cli runs a client command line and returns its stdout, or an error
// with its stderr.
func cli(base []string, args ...string) ([]byte, error) {
	full := append(append([]string{}, base...), args...)
	cmd := exec.Command(full[0], full[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(callTimeout):
			cmd.Process.Kill()
		}
	}()
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(full, " "), err, stderr.Bytes())
	}
	return out, nil
}

// Run starts a detached container on the host network and returns its
// id; it is removed when t ends. Extra `docker run` flags (--privileged,
// --label k=v, ...) go before the image in flags.
func (d *Docker) Run(t testing.TB, name, image string, cmd ...string) string {
	t.Helper()
	return d.RunFlags(t, name, nil, image, cmd...)
}

// RunFlags is Run with extra `docker run` flags.
func (d *Docker) RunFlags(t testing.TB, name string, flags []string, image string, cmd ...string) string {
	t.Helper()
	return runDetached(t, d.cli, []string{"rm", "-f"}, name, flags, image, cmd)
}

// runDetached is `run -d` for the docker and podman clients; rm is the
// client's command that removes a running container at once.
func runDetached(t testing.TB, base, rm []string, name string, flags []string, image string, cmd []string) string {
	t.Helper()
	args := append([]string{"run", "-d", "--name", name, "--network", "host"}, flags...)
	args = append(append(args, image), cmd...)
	out, err := cli(base, args...)
	for try := 1; err != nil && try < 3 && transientStart(err); try++ {
		// podman on a loaded VM sometimes loses its runtime's pipe
		// ("write child: broken pipe"): the container never started;
		// remove what is left of it and run it again.
		cli(base, append(rm, name)...)
		time.Sleep(time.Duration(try) * 500 * time.Millisecond)
		out, err = cli(base, args...)
	}
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { cli(base, append(rm, id)...) })
	return id
}

// transientStart tells the start failures that a second try cures.
func transientStart(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "broken pipe") || strings.Contains(msg, "conmon") && strings.Contains(msg, "timed out")
}

// Exec runs cmd in the container and returns its stdout and exit status.
func (d *Docker) Exec(t testing.TB, id string, cmd ...string) ([]byte, int) {
	t.Helper()
	return execIn(t, d.cli, id, cmd)
}

func execIn(t testing.TB, base []string, id string, cmd []string) ([]byte, int) {
	t.Helper()
	out, err := cli(base, append([]string{"exec", id}, cmd...)...)
	var x *exec.ExitError
	if errors.As(err, &x) {
		return out, x.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return out, 0
}

// stop removes the containers and stops dockerd, which stops its
// containerd; leftovers (shims) are killed and mounts detached.
func (d *Docker) stop() {
	if out, err := d.CLI("ps", "-aq"); err == nil && len(bytes.TrimSpace(out)) > 0 {
		d.CLI(append([]string{"rm", "-f"}, strings.Fields(string(out))...)...)
	}
	d.daemon.stop(10 * time.Second)
	killMatching(d.dir)
	unmountUnder(d.dir)
}
