// Package containers completes the containers a live capture meets with
// what their runtime says of them: name, image, labels, privilege,
// mounts, limits, pod. Engines speak CRI over gRPC (containerd, CRI-O),
// the Docker Engine API and podman's Docker-compatible API. Lookups run
// in the background and never block the event path; their answers become
// sysdig's container JSON events, which the state engine reads and the
// capture writer keeps, so that `trace -r` and `sysdig -r` show them
// offline.
package containers

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Options configure a Manager.
type Options struct {
	// CRISockets replace the default CRI sockets (--cri, repeatable).
	CRISockets []string
	// DockerSocket and PodmanSocket replace the default Docker and
	// podman sockets ("-" for none).
	DockerSocket, PodmanSocket string
	// Timeout bounds one request (--cri-timeout; default 1 s).
	Timeout time.Duration
	// HostRoot prefixes every socket path ($HOST_ROOT, when trace runs
	// in a container with the host's /run mounted there).
	HostRoot string
	// Warn gets one line for each socket given explicitly that cannot
	// be used.
	Warn func(msg string)
	// Retry lists the waits before the tries of a lookup the runtime
	// cannot answer yet (default 50 ms, 200 ms, 500 ms, 1 s, 2 s).
	Retry []time.Duration
}

// Default socket paths.
var (
	DefaultCRISockets = []string{"/run/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock",
		"/var/snap/microk8s/common/run/containerd.sock", "/run/crio/crio.sock"}
	DefaultDockerSocket = "/var/run/docker.sock"
	DefaultPodmanSocket = "/run/podman/podman.sock"
)

// Hold is how long a live capture lets the first event of a new
// container wait for its metadata by default: long enough for a runtime
// on a busy node to answer (tens of milliseconds), short enough for the
// rings to hold what comes meanwhile.
const Hold = 250 * time.Millisecond

// errNotFound is what engines return for a container they do not know
// (yet): the lookup is retried.
var errNotFound = errors.New("container not found")

// engine is one runtime's client.
type engine interface {
	// inspect describes a container (and, for CRI, its pod sandbox) as
	// container JSON objects; errNotFound when the runtime does not
	// know it.
	inspect(ctx context.Context, id string) ([]map[string]any, error)
	// list returns the ids of the running containers.
	list(ctx context.Context) ([]string, error)
	// claims tells whether the engine may know containers of a cgroup
	// layout (a state.CT constant, -1 for CRI-only layouts).
	claims(typ int) bool
	close()
}

// Manager looks up containers in the background.
type Manager struct {
	o       Options
	engines []engine
	ctx     context.Context
	cancel  context.CancelFunc
	results chan []byte
	wg      sync.WaitGroup
	// busy bounds the requests in flight (a burst of containers at
	// start must not open hundreds of connections at once).
	busy chan struct{}

	mu sync.Mutex
	// asked has a channel for each container asked about, closed when
	// its lookup ends (answered or given up).
	asked map[string]chan struct{}
	sent  map[string]bool // ids whose JSON was queued (sandboxes once)
	b     scap.Builder
}

// socket returns path under the host root, "" when there is no socket.
func (o *Options) socket(path string) string {
	p := filepath.Join(o.HostRoot, path)
	if st, err := os.Stat(p); err != nil || st.Mode()&os.ModeSocket == 0 {
		return ""
	}
	return p
}

// Open connects to the runtimes that answer. It never fails: a capture
// without runtimes just keeps the ids it sees.
func Open(ctx context.Context, o Options) *Manager {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Retry == nil {
		o.Retry = []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	m := &Manager{o: o, results: make(chan []byte, 256), asked: map[string]chan struct{}{}, sent: map[string]bool{}, busy: make(chan struct{}, 8)}
	m.ctx, m.cancel = context.WithCancel(ctx)
	socks, explicit := o.CRISockets, len(o.CRISockets) > 0
	if !explicit {
		socks = DefaultCRISockets
	}
	for _, s := range socks {
		p := o.socket(s)
		if p == "" {
			if !explicit {
				continue
			}
			// Given explicitly: a runtime that is down now may come back.
			p = filepath.Join(o.HostRoot, s)
			o.Warn("container runtime socket " + p + " not found: containers are named once it answers")
		}
		e, ready, err := newCRI(m.ctx, p, o.Timeout)
		if err != nil {
			o.Warn(err.Error())
			continue
		}
		if ready != nil && !os.IsNotExist(statErr(p)) {
			o.Warn("container runtime socket " + p + ": " + cause(ready) + ": containers are named once it answers")
		}
		m.engines = append(m.engines, e)
	}
	m.addDocker(o.DockerSocket, dockerDefault(), state.CTDocker)
	m.addDocker(o.PodmanSocket, DefaultPodmanSocket, state.CTPodman)
	m.wg.Add(1)
	go m.listRunning()
	return m
}

// dockerDefault is $DOCKER_HOST when it is a unix:// address.
func dockerDefault() string {
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return strings.TrimPrefix(h, "unix://")
	}
	return DefaultDockerSocket
}

func (m *Manager) addDocker(given, def string, typ int) {
	if given == "-" {
		return
	}
	path := given
	if path == "" {
		path = def
	}
	p := m.o.socket(path)
	if p == "" {
		if given != "" {
			m.o.Warn("container runtime socket " + path + " not found")
		}
		return
	}
	d := newDocker(p, typ, m.o.Timeout)
	ctx, cancel := context.WithTimeout(m.ctx, m.o.Timeout)
	defer cancel()
	if err := d.ping(ctx); err != nil {
		m.o.Warn("container runtime socket " + p + ": " + cause(err) + ": containers are named once it answers")
	}
	m.engines = append(m.engines, d)
}

func statErr(path string) error {
	_, err := os.Stat(path)
	return err
}

// cause is the last and most telling part of a connection error
// ("connection refused", "permission denied"), or its gRPC message.
func cause(err error) string {
	msg := err.Error()
	if st, ok := status.FromError(err); ok {
		msg = st.Message()
		if st.Code() == codes.PermissionDenied {
			return "permission denied (" + msg + ")"
		}
	}
	for _, c := range []string{"permission denied", "connection refused", "no such file or directory", "context deadline exceeded"} {
		if strings.Contains(msg, c) {
			if c == "context deadline exceeded" {
				return "no answer within the timeout"
			}
			return c
		}
	}
	return msg
}

// Engines returns how many runtimes the manager talks to.
func (m *Manager) Engines() int { return len(m.engines) }

// listRunning queues the containers already running at start.
func (m *Manager) listRunning() {
	defer m.wg.Done()
	for _, e := range m.engines {
		ctx, cancel := context.WithTimeout(m.ctx, m.o.Timeout)
		ids, _ := e.list(ctx)
		cancel()
		for _, id := range ids {
			m.Request(id, -2)
		}
	}
}

// Request asks, without blocking, for the metadata of a container first
// seen on a thread; typ is the runtime its cgroup layout suggests (a
// state.CT constant, -1 for CRI layouts, -2 for any).
func (m *Manager) Request(id string, typ int) {
	short := shortID(id)
	m.mu.Lock()
	if m.asked[short] != nil || len(m.engines) == 0 || m.ctx.Err() != nil {
		m.mu.Unlock()
		return
	}
	done := make(chan struct{})
	m.asked[short] = done
	m.mu.Unlock()
	m.wg.Add(1)
	go func() {
		defer close(done)
		m.lookup(id, typ)
	}()
}

// Wait waits at most max for the lookup of a container asked about to
// end; it tells whether it did. Its answer, if any, is then ready for
// NextEvent. Ids never asked about (no runtime) return at once.
func (m *Manager) Wait(id string, max time.Duration) bool {
	m.mu.Lock()
	done := m.asked[shortID(id)]
	m.mu.Unlock()
	if done == nil {
		return false
	}
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
	case <-m.ctx.Done():
	}
	return false
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// lookup asks the engines that may know the container, retrying while
// none does.
func (m *Manager) lookup(id string, typ int) {
	defer m.wg.Done()
	for try := 0; ; try++ {
		for _, e := range m.engines {
			if typ != -2 && !e.claims(typ) {
				continue
			}
			select {
			case m.busy <- struct{}{}:
			case <-m.ctx.Done():
				return
			}
			ctx, cancel := context.WithTimeout(m.ctx, m.o.Timeout)
			objs, err := e.inspect(ctx, id)
			cancel()
			<-m.busy
			if err == nil {
				m.queue(objs)
				return
			}
		}
		if try >= len(m.o.Retry) {
			return // given up: the container keeps its id only
		}
		select {
		case <-time.After(m.o.Retry[try]):
		case <-m.ctx.Done():
			return
		}
	}
}

// queue turns container objects into event payloads for NextEvent.
func (m *Manager) queue(objs []map[string]any) {
	for _, obj := range objs {
		id, _ := obj["id"].(string)
		m.mu.Lock()
		dup := m.sent[id]
		m.sent[id] = true
		m.mu.Unlock()
		if dup {
			continue
		}
		js, err := json.Marshal(map[string]any{"container": obj})
		if err != nil || len(js) > 60000 {
			continue
		}
		select {
		case m.results <- js:
		case <-m.ctx.Done():
			return
		}
	}
}

// NextEvent fills ev with a container event for metadata that arrived,
// stamped ts; it never blocks.
func (m *Manager) NextEvent(ev *scap.Event, ts uint64) bool {
	select {
	case js := <-m.results:
		m.b.Begin(ts, 0, scap.PPME_CONTAINER_JSON_E)
		m.b.Str(string(js))
		return ev.SetRaw(m.b.Finish(), 0, 0) == nil
	default:
		return false
	}
}

// Close stops the lookups and the connections.
func (m *Manager) Close() {
	m.cancel()
	m.wg.Wait()
	for _, e := range m.engines {
		e.close()
	}
}

// splitImage splits "registry:5000/repo/name:tag@sha256:..." into the
// repository, the tag (latest when none) and the digest.
func splitImage(image string) (repo, tag, digest string) {
	repo = image
	if i := strings.Index(repo, "@"); i >= 0 {
		repo, digest = repo[:i], repo[i+1:]
	}
	if i := strings.LastIndex(repo, ":"); i >= 0 && !strings.Contains(repo[i:], "/") {
		repo, tag = repo[:i], repo[i+1:]
	} else if digest == "" {
		tag = "latest"
	}
	return repo, tag, digest
}
