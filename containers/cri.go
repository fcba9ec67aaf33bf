package containers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	cri "k8s.io/cri-api/pkg/apis/runtime/v1"

	"github.com/traceproj/trace/state"
)

// criEngine speaks CRI (containerd, CRI-O) over gRPC on a unix socket.
type criEngine struct {
	sock    string
	conn    *grpc.ClientConn
	rt      cri.RuntimeServiceClient
	img     cri.ImageServiceClient
	timeout time.Duration

	mu  sync.Mutex
	typ int // from Version: CTContainerd, CTCRIO, CTCRI; -1 unknown yet
}

// newCRI connects to a CRI runtime; ready is nil when it answered, or
// why it did not (it is asked again at the first lookup).
func newCRI(ctx context.Context, sock string, timeout time.Duration) (e *criEngine, ready error, err error) {
	// A runtime that restarts is reconnected within about 2 s (gRPC's
	// default backoff grows to 2 minutes).
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithConnectParams(grpc.ConnectParams{MinConnectTimeout: timeout,
			Backoff: backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second}}))
	if err != nil {
		return nil, nil, fmt.Errorf("container runtime socket %s: %v", sock, err)
	}
	e = &criEngine{sock: sock, conn: conn, rt: cri.NewRuntimeServiceClient(conn), img: cri.NewImageServiceClient(conn), timeout: timeout, typ: -1}
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, ready = e.ask(c)
	return e, ready, nil
}

func (e *criEngine) close() { e.conn.Close() }

// claims: cgroupfs kubepods paths read as docker ones, the systemd and
// raw layouts of containerd and CRI-O as CRI ones.
func (e *criEngine) claims(typ int) bool { return typ == -1 || typ == state.CTDocker }

// runtimeType asks the runtime its name once it answers.
func (e *criEngine) runtimeType(ctx context.Context) int {
	typ, _ := e.ask(ctx)
	return typ
}

// ask asks the runtime its name unless it answered before; err says why
// it did not answer.
func (e *criEngine) ask(ctx context.Context) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.typ >= 0 {
		return e.typ, nil
	}
	v, err := e.rt.Version(ctx, &cri.VersionRequest{})
	if err != nil {
		return state.CTCRI, err
	}
	switch strings.ToLower(v.RuntimeName) {
	case "containerd":
		e.typ = state.CTContainerd
	case "cri-o":
		e.typ = state.CTCRIO
	default:
		e.typ = state.CTCRI
	}
	return e.typ, nil
}

func (e *criEngine) list(ctx context.Context) ([]string, error) {
	r, err := e.rt.ListContainers(ctx, &cri.ListContainersRequest{Filter: &cri.ContainerFilter{State: &cri.ContainerStateValue{State: cri.ContainerState_CONTAINER_RUNNING}}})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(r.Containers))
	for _, c := range r.Containers {
		ids = append(ids, c.Id)
	}
	return ids, nil
}

// notFound maps the runtime's answer for an unknown id.
func notFound(err error) error {
	if st, ok := status.FromError(err); ok && st.Code() == codes.NotFound {
		return errNotFound
	}
	if err != nil && strings.Contains(err.Error(), "not found") {
		return errNotFound
	}
	return err
}

// inspect describes a container and its pod sandbox; an id that is a
// sandbox (the pause process) describes the sandbox alone.
func (e *criEngine) inspect(ctx context.Context, id string) ([]map[string]any, error) {
	typ := e.runtimeType(ctx)
	cs, err := e.rt.ContainerStatus(ctx, &cri.ContainerStatusRequest{ContainerId: id, Verbose: true})
	if err != nil {
		if notFound(err) != errNotFound {
			return nil, err
		}
		sb, serr := e.sandbox(ctx, id, typ)
		if serr != nil {
			return nil, notFound(serr)
		}
		return []map[string]any{sb}, nil
	}
	var info criInfo
	if s := cs.Info["info"]; s != "" {
		json.Unmarshal([]byte(s), &info)
	}
	ct := e.containerJSON(ctx, cs.Status, &info, typ)
	out := []map[string]any{ct}
	sbID := info.SandboxID
	if sbID == "" {
		sbID = cs.Status.Labels["io.kubernetes.sandbox.id"]
	}
	if sbID != "" {
		if sb, err := e.sandbox(ctx, sbID, typ); err == nil {
			fillPodLabels(ct, sb, sbID)
			out = append(out, sb)
		}
	}
	return out, nil
}

// criInfo is the part of the verbose info trace reads (containerd and
// CRI-O name the fields alike).
type criInfo struct {
	SandboxID  string `json:"sandboxID"`
	Privileged bool   `json:"privileged"` // CRI-O
	Config     struct {
		Envs []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"envs"`
		Linux struct {
			SecurityContext struct {
				Privileged bool `json:"privileged"`
			} `json:"security_context"`
		} `json:"linux"`
	} `json:"config"`
	RuntimeSpec struct {
		Linux struct {
			Resources struct {
				Memory struct {
					Limit int64 `json:"limit"`
					Swap  int64 `json:"swap"`
				} `json:"memory"`
				CPU struct {
					Shares int64 `json:"shares"`
					Quota  int64 `json:"quota"`
					Period int64 `json:"period"`
				} `json:"cpu"`
			} `json:"resources"`
		} `json:"linux"`
	} `json:"runtimeSpec"`
}

var propagation = map[cri.MountPropagation]string{
	cri.MountPropagation_PROPAGATION_PRIVATE:           "private",
	cri.MountPropagation_PROPAGATION_HOST_TO_CONTAINER: "rslave",
	cri.MountPropagation_PROPAGATION_BIDIRECTIONAL:     "rshared",
}

// image returns the container's image name, resolving an image id to a
// repository tag as the runtime knows it.
func (e *criEngine) image(ctx context.Context, st *cri.ContainerStatus) (name, id, digest string) {
	name = st.GetImage().GetImage()
	id = strings.TrimPrefix(st.ImageRef, "sha256:")
	if strings.HasPrefix(name, "sha256:") || (len(name) == 64 && !strings.ContainsAny(name, ":/")) || name == "" {
		ref := name
		if ref == "" {
			ref = st.ImageRef
		}
		if r, err := e.img.ImageStatus(ctx, &cri.ImageStatusRequest{Image: &cri.ImageSpec{Image: ref}}); err == nil && r.Image != nil {
			if len(r.Image.RepoTags) > 0 {
				name = r.Image.RepoTags[0]
			}
			id = strings.TrimPrefix(r.Image.Id, "sha256:")
			if len(r.Image.RepoDigests) > 0 {
				if _, d, ok := strings.Cut(r.Image.RepoDigests[0], "@"); ok {
					digest = d
				}
			}
		}
	}
	if strings.Contains(st.ImageRef, "@") {
		_, digest, _ = strings.Cut(st.ImageRef, "@")
	}
	return name, id, digest
}

func (e *criEngine) containerJSON(ctx context.Context, st *cri.ContainerStatus, info *criInfo, typ int) map[string]any {
	image, imageID, digest := e.image(ctx, st)
	repo, tag, d := splitImage(image)
	if digest == "" {
		digest = d
	}
	mounts := []map[string]any{}
	for _, m := range st.Mounts {
		mounts = append(mounts, map[string]any{"Source": m.HostPath, "Destination": m.ContainerPath,
			"Mode": "", "RW": !m.Readonly, "Propagation": propagation[m.Propagation]})
	}
	env := []string{}
	for _, kv := range info.Config.Envs {
		env = append(env, kv.Key+"="+kv.Value)
	}
	labels := map[string]string{}
	for k, v := range st.Labels {
		labels[k] = v
	}
	res := info.RuntimeSpec.Linux.Resources
	return map[string]any{
		"id": shortID(st.Id), "type": typ, "name": st.GetMetadata().GetName(),
		"image": image, "imageid": imageID, "imagerepo": repo, "imagetag": tag, "imagedigest": digest,
		"privileged":   info.Config.Linux.SecurityContext.Privileged || info.Privileged,
		"memory_limit": res.Memory.Limit, "swap_limit": res.Memory.Swap,
		"cpu_shares": res.CPU.Shares, "cpu_quota": res.CPU.Quota, "cpu_period": res.CPU.Period,
		"labels": labels, "env": env, "Mounts": mounts, "is_pod_sandbox": false,
	}
}

// sandbox describes a pod sandbox as a container: the pod's name,
// namespace, uid and labels, and its IP.
func (e *criEngine) sandbox(ctx context.Context, id string, typ int) (map[string]any, error) {
	r, err := e.rt.PodSandboxStatus(ctx, &cri.PodSandboxStatusRequest{PodSandboxId: id, Verbose: true})
	if err != nil {
		return nil, err
	}
	st := r.Status
	labels := map[string]string{}
	for k, v := range st.Labels {
		labels[k] = v
	}
	md := st.GetMetadata()
	setDefault(labels, "io.kubernetes.pod.name", md.GetName())
	setDefault(labels, "io.kubernetes.pod.namespace", md.GetNamespace())
	setDefault(labels, "io.kubernetes.pod.uid", md.GetUid())
	return map[string]any{
		"id": shortID(st.Id), "type": typ, "name": md.GetName(), "image": "", "imageid": "",
		"imagerepo": "", "imagetag": "", "imagedigest": "", "privileged": false,
		"ip": st.GetNetwork().GetIp(), "labels": labels, "env": []string{},
		"Mounts": []map[string]any{}, "is_pod_sandbox": true,
	}, nil
}

func setDefault(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok && v != "" {
		m[k] = v
	}
}

// fillPodLabels gives a container the io.kubernetes.* labels a kubelet
// sets, from its sandbox, when they are missing (a pod made by another
// CRI client), and the pod's IP.
func fillPodLabels(ct, sb map[string]any, sbID string) {
	labels := ct["labels"].(map[string]string)
	sbl := sb["labels"].(map[string]string)
	for _, k := range []string{"io.kubernetes.pod.name", "io.kubernetes.pod.namespace", "io.kubernetes.pod.uid"} {
		setDefault(labels, k, sbl[k])
	}
	setDefault(labels, "io.kubernetes.sandbox.id", sbID)
	if ip, _ := sb["ip"].(string); ip != "" {
		ct["ip"] = ip
	}
}
