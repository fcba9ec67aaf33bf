package containers

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	cri "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

const (
	ctrID = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001"
	podID = "bbbbbbbbbbbb0000000000000000000000000000000000000000000000000002"
)

// fakeCRI is an in-process CRI runtime with one pod and its containers.
type fakeCRI struct {
	cri.UnimplementedRuntimeServiceServer
	cri.UnimplementedImageServiceServer
	mu         sync.Mutex
	containers map[string]bool // known ids
	delay      time.Duration   // before each ContainerStatus answer
	calls      int
}

func (f *fakeCRI) Version(context.Context, *cri.VersionRequest) (*cri.VersionResponse, error) {
	return &cri.VersionResponse{RuntimeName: "containerd", RuntimeVersion: "1.6"}, nil
}

func (f *fakeCRI) ListContainers(context.Context, *cri.ListContainersRequest) (*cri.ListContainersResponse, error) {
	return &cri.ListContainersResponse{}, nil
}

func (f *fakeCRI) ContainerStatus(ctx context.Context, r *cri.ContainerStatusRequest) (*cri.ContainerStatusResponse, error) {
	f.mu.Lock()
	f.calls++
	known, delay := f.containers[r.ContainerId], f.delay
	f.mu.Unlock()
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if !known {
		return nil, status.Error(codes.NotFound, "container not found")
	}
	info := `{"sandboxID":"` + podID + `","pid":42,"config":{"envs":[{"key":"A","value":"1"}],"linux":{"security_context":{"privileged":true}}},` +
		`"runtimeSpec":{"linux":{"resources":{"memory":{"limit":1048576},"cpu":{"shares":512,"quota":50000,"period":100000}}}}}`
	return &cri.ContainerStatusResponse{
		Status: &cri.ContainerStatus{Id: r.ContainerId, Metadata: &cri.ContainerMetadata{Name: "nginx"},
			Image: &cri.ImageSpec{Image: "sha256:" + strings.Repeat("c", 64)}, ImageRef: "sha256:" + strings.Repeat("c", 64),
			Labels: map[string]string{"io.kubernetes.container.name": "nginx"},
			Mounts: []*cri.Mount{{ContainerPath: "/data", HostPath: "/srv", Readonly: true}}},
		Info: map[string]string{"info": info},
	}, nil
}

func (f *fakeCRI) PodSandboxStatus(_ context.Context, r *cri.PodSandboxStatusRequest) (*cri.PodSandboxStatusResponse, error) {
	if r.PodSandboxId != podID {
		return nil, status.Error(codes.NotFound, "pod sandbox not found")
	}
	return &cri.PodSandboxStatusResponse{Status: &cri.PodSandboxStatus{Id: podID,
		Metadata: &cri.PodSandboxMetadata{Name: "web-1", Namespace: "shop", Uid: "uid-1"},
		Labels:   map[string]string{"app": "web"},
		Network:  &cri.PodSandboxNetworkStatus{Ip: "10.1.2.3"}}}, nil
}

func (f *fakeCRI) ImageStatus(context.Context, *cri.ImageStatusRequest) (*cri.ImageStatusResponse, error) {
	return &cri.ImageStatusResponse{Image: &cri.Image{Id: "sha256:" + strings.Repeat("c", 64),
		RepoTags: []string{"registry.local/shop/nginx:1.25"}, RepoDigests: []string{"registry.local/shop/nginx@sha256:dd"}}}, nil
}

// serve starts f on sock; stop ends it.
func serve(t *testing.T, f *fakeCRI, sock string) (stop func()) {
	t.Helper()
	os.Remove(sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	cri.RegisterRuntimeServiceServer(s, f)
	cri.RegisterImageServiceServer(s, f)
	go s.Serve(l)
	return s.Stop
}

// events collects the container objects the manager emits within d.
func events(t *testing.T, m *Manager, d time.Duration, want int) []map[string]any {
	t.Helper()
	var out []map[string]any
	var ev scap.Event
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && len(out) < want {
		if !m.NextEvent(&ev, 5) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if ev.Type != scap.PPME_CONTAINER_JSON_E || ev.Ts != 5 {
			t.Fatalf("event type %d ts %d", ev.Type, ev.Ts)
		}
		p := ev.Param(0)
		if i := strings.IndexByte(string(p), 0); i >= 0 {
			p = p[:i]
		}
		var root struct {
			Container map[string]any `json:"container"`
		}
		if err := json.Unmarshal(p, &root); err != nil {
			t.Fatal(err)
		}
		out = append(out, root.Container)
	}
	return out
}

// openFake serves f on a new socket and returns a manager that asks only
// it; both stop when t ends.
func openFake(t *testing.T, f *fakeCRI) *Manager {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "cri.sock")
	t.Cleanup(serve(t, f, sock))
	o := noDefaults()
	o.CRISockets = []string{sock}
	m := Open(context.Background(), o)
	t.Cleanup(m.Close)
	return m
}

func noDefaults() Options {
	return Options{DockerSocket: "-", PodmanSocket: "-", Timeout: 200 * time.Millisecond,
		Retry: []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}}
}

// A container and its pod sandbox become container JSON events with what
// Falco takes from CRI: name, image resolved from its id, privilege from
// the verbose info, pod name, namespace and labels, the pod's IP.
func TestCRIMetadata(t *testing.T) {
	f := &fakeCRI{containers: map[string]bool{ctrID: true}}
	m := openFake(t, f)
	m.Request(ctrID, -1)
	got := events(t, m, 3*time.Second, 2)
	if len(got) != 2 {
		t.Fatalf("%d events: %v", len(got), got)
	}
	ct, sb := got[0], got[1]
	check := func(obj map[string]any, key string, want any) {
		t.Helper()
		if b, _ := json.Marshal(obj[key]); string(b) != mustJSON(want) {
			t.Errorf("%s = %s, want %s", key, b, mustJSON(want))
		}
	}
	check(ct, "id", ctrID[:12])
	check(ct, "type", state.CTContainerd)
	check(ct, "name", "nginx")
	check(ct, "image", "registry.local/shop/nginx:1.25")
	check(ct, "imagerepo", "registry.local/shop/nginx")
	check(ct, "imagetag", "1.25")
	check(ct, "imagedigest", "sha256:dd")
	check(ct, "privileged", true)
	check(ct, "ip", "10.1.2.3")
	check(ct, "memory_limit", 1048576)
	check(ct, "cpu_quota", 50000)
	check(ct, "env", []string{"A=1"})
	check(ct, "Mounts", []map[string]any{{"Source": "/srv", "Destination": "/data", "Mode": "", "RW": false, "Propagation": "private"}})
	labels := ct["labels"].(map[string]any)
	if labels["io.kubernetes.pod.name"] != "web-1" || labels["io.kubernetes.pod.namespace"] != "shop" || labels["io.kubernetes.sandbox.id"] != podID {
		t.Errorf("container labels %v", labels)
	}
	check(sb, "id", podID[:12])
	check(sb, "is_pod_sandbox", true)
	check(sb, "name", "web-1")
	if sb["labels"].(map[string]any)["app"] != "web" {
		t.Errorf("sandbox labels %v", sb["labels"])
	}
	// Asked again (another thread of it): nothing more.
	m.Request(ctrID, -1)
	if more := events(t, m, 200*time.Millisecond, 1); len(more) != 0 {
		t.Errorf("asked twice: %v", more)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A container the runtime does not know yet is retried; a slow answer
// past the timeout is retried too; one never known is given up.
func TestCRIRetries(t *testing.T) {
	f := &fakeCRI{containers: map[string]bool{}, delay: 300 * time.Millisecond}
	m := openFake(t, f)
	m.Request(ctrID, -1)
	m.Request(strings.Repeat("e", 64), -1) // never known
	time.Sleep(120 * time.Millisecond)
	f.mu.Lock()
	f.containers[ctrID] = true
	f.delay = 0
	f.mu.Unlock()
	got := events(t, m, 3*time.Second, 2)
	if len(got) != 2 || got[0]["name"] != "nginx" {
		t.Fatalf("after retries: %v", got)
	}
	// The known container took at least two tries (the first answer came
	// past the timeout); the unknown one is tried once and once after each
	// of the 4 waits, then given up. Counted without relying on timing: a
	// loaded machine only makes this slower.
	want := 2 + 1 + len(noDefaults().Retry)
	calls := func() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }
	for deadline := time.Now().Add(20 * time.Second); calls() < want && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if n := calls(); n < want {
		t.Fatalf("%d ContainerStatus calls, want at least %d (retries)", n, want)
	}
	m.Close()
}

// A runtime down at start (its socket absent) is warned about once and
// used when it comes up; a restart mid-capture reconnects.
func TestCRIDownAndRestart(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "cri.sock")
	var warnings []string
	o := noDefaults()
	o.CRISockets = []string{sock}
	o.Warn = func(s string) { warnings = append(warnings, s) }
	o.Retry = []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}
	m := Open(context.Background(), o)
	defer m.Close()
	if len(warnings) != 1 || !strings.Contains(warnings[0], sock) {
		t.Fatalf("warnings %q", warnings)
	}
	m.Request(ctrID, -1)
	time.Sleep(150 * time.Millisecond)
	f := &fakeCRI{containers: map[string]bool{ctrID: true, strings.Repeat("f", 64): true}}
	stop := serve(t, f, sock)
	if got := events(t, m, 4*time.Second, 2); len(got) != 2 {
		t.Fatalf("runtime up later: %v", got)
	}
	stop()
	stop = serve(t, f, sock) // restarted
	defer stop()
	m.Request(strings.Repeat("f", 64), -1)
	if got := events(t, m, 4*time.Second, 1); len(got) != 1 || got[0]["id"] != strings.Repeat("f", 12) {
		t.Fatalf("after a restart: %v", got)
	}
}

// Without any runtime, requests cost nothing and nothing comes.
func TestNoRuntime(t *testing.T) {
	m := Open(context.Background(), Options{CRISockets: nil, DockerSocket: "-", PodmanSocket: "-", HostRoot: t.TempDir()})
	defer m.Close()
	if m.Engines() != 0 {
		t.Fatalf("%d engines", m.Engines())
	}
	m.Request(ctrID, state.CTDocker)
	var ev scap.Event
	if m.NextEvent(&ev, 1) {
		t.Error("an event without runtimes")
	}
}

func TestSplitImage(t *testing.T) {
	for _, c := range [][4]string{
		{"nginx", "nginx", "latest", ""},
		{"registry:5000/a/b:1.2", "registry:5000/a/b", "1.2", ""},
		{"docker.io/library/busybox@sha256:ab", "docker.io/library/busybox", "", "sha256:ab"},
		{"r/x:t@sha256:ab", "r/x", "t", "sha256:ab"},
	} {
		r, tg, d := splitImage(c[0])
		if r != c[1] || tg != c[2] || d != c[3] {
			t.Errorf("%s: %q %q %q", c[0], r, tg, d)
		}
	}
}

// Wait returns once a lookup ends, its answer then ready; ids never asked
// about return at once.
func TestWait(t *testing.T) {
	f := &fakeCRI{containers: map[string]bool{ctrID: true}, delay: 80 * time.Millisecond}
	m := openFake(t, f)
	start := time.Now()
	if m.Wait(strings.Repeat("9", 64), time.Second) || time.Since(start) > 100*time.Millisecond {
		t.Errorf("Wait for an id never asked about: true or slow (%v)", time.Since(start))
	}
	m.Request(ctrID, -1)
	if !m.Wait(ctrID, 5*time.Second) {
		t.Fatal("Wait: the lookup did not end")
	}
	if took := time.Since(start); took < 80*time.Millisecond {
		t.Errorf("Wait returned after %v, before the runtime answered", took)
	}
	var ev scap.Event
	n := 0
	for m.NextEvent(&ev, 1) {
		n++
	}
	if n != 2 { // the sandbox and the container
		t.Errorf("%d container events ready after Wait, want 2", n)
	}
	// A lookup that cannot end soon: Wait gives up at max.
	f.mu.Lock()
	f.delay = 3 * time.Second
	f.mu.Unlock()
	m.Request(strings.Repeat("8", 64), -1)
	start = time.Now()
	if m.Wait(strings.Repeat("8", 64), 50*time.Millisecond) {
		t.Error("Wait: true for a lookup still running")
	}
	if took := time.Since(start); took < 50*time.Millisecond || took > time.Second {
		t.Errorf("Wait with max 50 ms took %v", took)
	}
}

// deniedCRI refuses every call, as a runtime behind an authorization
// plugin does.
type deniedCRI struct {
	cri.UnimplementedRuntimeServiceServer
	calls int
	mu    sync.Mutex
}

func (d *deniedCRI) Version(context.Context, *cri.VersionRequest) (*cri.VersionResponse, error) {
	return nil, status.Error(codes.PermissionDenied, "access denied by policy")
}

func (d *deniedCRI) ContainerStatus(context.Context, *cri.ContainerStatusRequest) (*cri.ContainerStatusResponse, error) {
	d.mu.Lock()
	d.calls++
	d.mu.Unlock()
	return nil, status.Error(codes.PermissionDenied, "access denied by policy")
}

// A socket that refuses connections, a runtime that denies access and a
// Docker socket nobody listens on: one warning line each, naming the
// socket and the cause; lookups end and nothing comes.
func TestRefusedAndDenied(t *testing.T) {
	dir := t.TempDir()
	dead := filepath.Join(dir, "dead.sock")
	l, err := net.Listen("unix", dead)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the socket file stays: connecting is refused
	deadDocker := filepath.Join(dir, "docker.sock")
	l, err = net.Listen("unix", deadDocker)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	denied := filepath.Join(dir, "denied.sock")
	os.Remove(denied)
	dl, err := net.Listen("unix", denied)
	if err != nil {
		t.Fatal(err)
	}
	d := &deniedCRI{}
	s := grpc.NewServer()
	cri.RegisterRuntimeServiceServer(s, d)
	go s.Serve(dl)
	defer s.Stop()

	var warnings []string
	o := noDefaults()
	o.CRISockets = []string{dead, denied}
	o.DockerSocket = deadDocker
	o.Retry = []time.Duration{10 * time.Millisecond}
	o.Warn = func(s string) { warnings = append(warnings, s) }
	start := time.Now()
	m := Open(context.Background(), o)
	defer m.Close()
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Open took %v", took)
	}
	want := []string{
		"container runtime socket " + dead + ": connection refused: containers are named once it answers",
		"container runtime socket " + denied + ": permission denied (access denied by policy): containers are named once it answers",
		"container runtime socket " + deadDocker + ": connection refused: containers are named once it answers",
	}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
	m.Request(ctrID, -1)
	if !m.Wait(ctrID, 5*time.Second) {
		t.Error("the lookup did not end")
	}
	var ev scap.Event
	if m.NextEvent(&ev, 1) {
		t.Error("a container event from runtimes that do not answer")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.calls == 0 {
		t.Error("the runtime that denies access was never asked")
	}
}
