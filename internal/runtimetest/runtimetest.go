//go:build linux

// Package runtimetest starts real container runtimes for end-to-end tests
// and makes pods and containers in them the way a kubelet does:
// containerd driven through its CRI gRPC API (Containerd), dockerd
// (Dockerd) and podman's API service (Podman).
//
// Every runtime runs on a private socket with private root and state
// directories under one temporary directory, so it cannot collide with a
// runtime of the machine (/run/containerd, /var/lib/docker, ... are not
// touched). No registry is needed: the images (Image, PauseImage) are
// built from host files and imported at startup. Pods use the host
// network, so no CNI is needed either.
//
// A runtime is started once per test binary, by the first test that asks
// for it, and stopped (its pods and containers removed, its processes
// ended and its directories deleted) when the tests end, which needs the
// test binary's TestMain to be
//
//	func TestMain(m *testing.M) { os.Exit(runtimetest.Main(m)) }
//
// Tests skip, saying why, when not run as root or when a runtime is not
// installed (containerd, runc, docker.io, podman and busybox-static are
// Debian packages).
package runtimetest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// shared is what the test binary's runtimes share: one temporary
// directory, the image archives, each runtime started once, and what to
// undo at the end.
type shared struct {
	mu      sync.Mutex
	inMain  bool
	dir     string
	dirErr  error
	stops   []func()
	images  onceValue[imageTars]
	cri     onceValue[*CRI]
	docker  onceValue[*Docker]
	podman  onceValue[*PodmanService]
	started map[string]time.Duration
}

// onceValue is a value computed once, or the error or skip reason that
// prevented it.
type onceValue[T any] struct {
	once sync.Once
	v    T
	err  error
	skip string
}

// get computes the value on the first call and reports, on every call,
// why it is missing through t.
func (o *onceValue[T]) get(t testing.TB, f func() (T, string, error)) T {
	t.Helper()
	o.once.Do(func() { o.v, o.skip, o.err = f() })
	if o.skip != "" {
		t.Skip(o.skip)
	}
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.v
}

var state shared

// Main runs the tests and then stops the runtimes they started. Call it
// from TestMain and exit with its result.
func Main(m *testing.M) int {
	state.mu.Lock()
	state.inMain = true
	state.mu.Unlock()
	code := m.Run()
	state.stopAll()
	return code
}

// Startup returns how long each runtime started so far took to start,
// by name ("images", "containerd", "dockerd", "podman").
func Startup() map[string]time.Duration {
	state.mu.Lock()
	defer state.mu.Unlock()
	m := map[string]time.Duration{}
	for k, v := range state.started {
		m[k] = v
	}
	return m
}

func (s *shared) stopAll() {
	s.mu.Lock()
	stops := s.stops
	s.stops = nil
	dir := s.dir
	s.mu.Unlock()
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
	if dir != "" {
		unmountUnder(dir)
		os.RemoveAll(dir)
	}
}

// onStop registers f to run when the tests end, before earlier ones.
func (s *shared) onStop(f func()) {
	s.mu.Lock()
	s.stops = append(s.stops, f)
	s.mu.Unlock()
}

func (s *shared) timed(name string, start time.Time) {
	s.mu.Lock()
	if s.started == nil {
		s.started = map[string]time.Duration{}
	}
	s.started[name] = time.Since(start)
	s.mu.Unlock()
}

// need checks what every runtime needs: root, Main, the given programs.
// It returns a reason to skip, or an error when Main is not in use.
func (s *shared) need(progs ...string) (string, error) {
	if os.Geteuid() != 0 {
		return "runtimetest: container runtimes need root; skipping", nil
	}
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Sprintf("runtimetest: %s is not installed (apt-get install containerd runc docker.io podman busybox-static); skipping", p), nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.inMain {
		return "", fmt.Errorf("runtimetest: the test binary's TestMain must call runtimetest.Main, which stops the runtimes at the end")
	}
	return "", nil
}

// subdir creates and returns a new directory under the shared temporary
// directory (in /var/tmp: overlayfs cannot use a tmpfs /tmp as upper
// directory on every kernel).
func (s *shared) subdir(name string) (string, error) {
	s.mu.Lock()
	if s.dir == "" && s.dirErr == nil {
		s.dir, s.dirErr = os.MkdirTemp("/var/tmp", "runtimetest-")
	}
	dir, err := s.dir, s.dirErr
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	d := filepath.Join(dir, name)
	return d, os.MkdirAll(d, 0o755)
}

// imageTars builds the image archives once.
func (s *shared) imageTars(t testing.TB) imageTars {
	t.Helper()
	return s.images.get(t, func() (imageTars, string, error) {
		if _, err := exec.LookPath("busybox"); err != nil {
			return imageTars{}, "runtimetest: busybox is not installed (apt-get install busybox-static); skipping", nil
		}
		return timedIn(s, "images", buildImages)
	})
}

// timedIn runs f in a new directory name under the shared one and
// records how long it took, for onceValue.get.
func timedIn[T any](s *shared, name string, f func(dir string) (T, error)) (T, string, error) {
	start := time.Now()
	dir, err := s.subdir(name)
	if err != nil {
		var zero T
		return zero, "", err
	}
	v, err := f(dir)
	s.timed(name, start)
	return v, "", err
}

// startRuntime returns the runtime of o, started on the first call by
// start in its directory name, with the image archives, when root and
// progs are there (else it skips t).
func startRuntime[T any](t testing.TB, o *onceValue[T], name string, progs []string, start func(dir string, tars imageTars) (T, error)) T {
	t.Helper()
	tars := state.imageTars(t)
	return o.get(t, func() (T, string, error) {
		if skip, err := state.need(progs...); skip != "" || err != nil {
			var zero T
			return zero, skip, err
		}
		return timedIn(&state, name, func(dir string) (T, error) { return start(dir, tars) })
	})
}

// withFallback runs start in dir/first with first (a storage driver or
// snapshotter, of kind), and when that fails, in dir/second with second.
func withFallback[T any](dir, kind, first, second string, start func(dir, driver string) (T, error)) (T, error) {
	v, err := start(filepath.Join(dir, first), first)
	if err == nil {
		return v, nil
	}
	v, err2 := start(filepath.Join(dir, second), second)
	if err2 != nil {
		return v, fmt.Errorf("%v\nand with the %s %s: %v", err, second, kind, err2)
	}
	return v, nil
}

// loadImage loads Image with a Docker-like client and runs it once, so
// that a broken runtime fails at startup, clearly.
func loadImage(cli func(args ...string) ([]byte, error), tars imageTars) error {
	if _, err := cli("load", "-i", tars.bash); err != nil {
		return err
	}
	_, err := cli("run", "--rm", "--network", "host", Image, "true")
	return err
}

// daemon is a runtime process the package started, with its log.
type daemon struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// startDaemon starts a runtime's process with its output in logFile. The
// process gets SIGKILL if the test binary dies without stopping it.
func startDaemon(name, logFile string, args ...string) (*daemon, error) {
	return startDaemonEnv(name, logFile, nil, args...)
}

// startDaemonEnv is startDaemon with extra environment variables.
func startDaemonEnv(name, logFile string, env []string, args ...string) (*daemon, error) {
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &daemon{name: name, cmd: exec.Command(args[0], args[1:]...), log: logFile, done: make(chan struct{})}
	d.cmd.Stdout, d.cmd.Stderr = f, f
	d.cmd.Env = append(os.Environ(), env...)
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v", name, err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	return d, nil
}

// waitSocket waits until the daemon accepts connections on sock.
func (d *daemon) waitSocket(sock string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("unix", sock, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-d.done:
			return fmt.Errorf("%s exited before listening on %s: %s\n%s", d.name, sock, d.cmd.ProcessState, d.logTail())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not listen on %s after %v: %v\n%s", d.name, sock, timeout, err, d.logTail())
		}
	}
}

// logTail returns the end of the daemon's log, for error messages.
func (d *daemon) logTail() string {
	b, _ := os.ReadFile(d.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop sends SIGTERM, then SIGKILL after the grace period.
func (d *daemon) stop(grace time.Duration) {
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(grace):
		d.cmd.Process.Kill()
		<-d.done
	}
}

// killMatching kills the processes whose command line contains marker (a
// path under the package's private directory, so only processes the
// package started match): the shims and monitors a runtime leaves behind.
func killMatching(marker string) {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(marker)) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// unmountUnder detaches every mount below dir, deepest first.
func unmountUnder(dir string) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return
	}
	defer f.Close()
	var mounts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 && strings.HasPrefix(fields[4], dir+"/") {
			mounts = append(mounts, fields[4])
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(mounts)))
	for _, m := range mounts {
		syscall.Unmount(m, syscall.MNT_DETACH)
	}
}

// run runs a command and returns its combined output in the error.
func run(args ...string) error {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}
