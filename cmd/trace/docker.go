package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// dockerMeta completes the containers a live capture meets (known first
// only by the id in a cgroup path) with what the Docker Engine API says of
// them, the way sysdig does: as container events in the event stream, so
// that container.name, container.image and the rest appear in output,
// rules and written captures. Lookups run in the background; a missing or
// silent daemon just leaves the containers incomplete.
type dockerMeta struct {
	client  *http.Client
	results chan []byte
	b       scap.Builder
}

// dockerSocket is the Engine API's unix socket: $DOCKER_HOST when it is
// a unix:// address, /var/run/docker.sock otherwise; "" when absent.
func dockerSocket() string {
	path := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		path = strings.TrimPrefix(h, "unix://")
	}
	if st, err := os.Stat(path); err != nil || st.Mode()&os.ModeSocket == 0 {
		return ""
	}
	return path
}

func newDockerMeta() pipeline.Containers {
	sock := dockerSocket()
	if sock == "" {
		return nil
	}
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	return &dockerMeta{
		client:  &http.Client{Transport: tr, Timeout: 2 * time.Second},
		results: make(chan []byte, 64),
	}
}

// Request looks up a docker container in the background.
func (d *dockerMeta) Request(id string, typ int) {
	if typ == state.CTDocker {
		go d.lookup(id)
	}
}

// NextEvent returns a container event for a lookup that finished.
func (d *dockerMeta) NextEvent(ev *scap.Event, ts uint64) bool {
	select {
	case js := <-d.results:
		d.b.Begin(ts, 0, scap.PPME_CONTAINER_JSON_E)
		d.b.Str(string(js))
		return ev.SetRaw(d.b.Finish(), 0, 0) == nil
	default:
		return false
	}
}

// dockerInspect is the part of GET /containers/{id}/json trace uses.
type dockerInspect struct {
	ID     string `json:"Id"`
	Name   string `json:"Name"`
	Image  string `json:"Image"`
	Config struct {
		Image  string            `json:"Image"`
		Labels map[string]string `json:"Labels"`
		Env    []string          `json:"Env"`
	} `json:"Config"`
	HostConfig struct {
		Privileged bool  `json:"Privileged"`
		Memory     int64 `json:"Memory"`
		MemorySwap int64 `json:"MemorySwap"`
		CPUShares  int64 `json:"CpuShares"`
		CPUQuota   int64 `json:"CpuQuota"`
		CPUPeriod  int64 `json:"CpuPeriod"`
	} `json:"HostConfig"`
	NetworkSettings struct {
		IPAddress string `json:"IPAddress"`
	} `json:"NetworkSettings"`
	Mounts []struct {
		Source      string `json:"Source"`
		Destination string `json:"Destination"`
		Mode        string `json:"Mode"`
		RW          bool   `json:"RW"`
		Propagation string `json:"Propagation"`
	} `json:"Mounts"`
}

func (d *dockerMeta) lookup(id string) {
	resp, err := d.client.Get("http://docker/containers/" + id + "/json")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	var in dockerInspect
	if err := json.NewDecoder(resp.Body).Decode(&in); err != nil {
		return
	}
	js, err := json.Marshal(map[string]any{"container": containerJSON(id, &in)})
	if err != nil || len(js) > 60000 {
		return
	}
	select {
	case d.results <- js:
	default:
	}
}

// containerJSON builds the container object of sysdig's container events.
func containerJSON(id string, in *dockerInspect) map[string]any {
	repo, tag, digest := splitImage(in.Config.Image)
	mounts := []map[string]any{}
	for _, m := range in.Mounts {
		mounts = append(mounts, map[string]any{"Source": m.Source, "Destination": m.Destination,
			"Mode": m.Mode, "RW": m.RW, "Propagation": m.Propagation})
	}
	labels := in.Config.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	env := in.Config.Env
	if env == nil {
		env = []string{}
	}
	return map[string]any{
		"id": id, "type": state.CTDocker, "name": strings.TrimPrefix(in.Name, "/"),
		"image": in.Config.Image, "imageid": strings.TrimPrefix(in.Image, "sha256:"),
		"imagerepo": repo, "imagetag": tag, "imagedigest": digest,
		"privileged": in.HostConfig.Privileged, "ip": in.NetworkSettings.IPAddress,
		"memory_limit": in.HostConfig.Memory, "swap_limit": in.HostConfig.MemorySwap,
		"cpu_shares": in.HostConfig.CPUShares, "cpu_quota": in.HostConfig.CPUQuota,
		"cpu_period": in.HostConfig.CPUPeriod, "labels": labels, "env": env, "Mounts": mounts,
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
