package containers

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/traceproj/trace/state"
)

// docker speaks the Docker Engine API over a unix socket; podman's
// Docker-compatible service answers the same requests.
type docker struct {
	client *http.Client
	typ    int // state.CTDocker or state.CTPodman
}

func newDocker(sock string, typ int, timeout time.Duration) *docker {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}
	return &docker{client: &http.Client{Transport: tr, Timeout: timeout}, typ: typ}
}

func (d *docker) claims(typ int) bool {
	// Cgroupfs paths (docker's, and kubepods ones) read as docker; podman
	// containers on cgroup v1 do too.
	return typ == state.CTDocker || typ == d.typ
}

func (d *docker) close() { d.client.CloseIdleConnections() }

func (d *docker) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker"+path, nil)
	if err != nil {
		return err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return errNotFound
	default:
		return fmt.Errorf("docker API %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// ping checks that the engine answers.
func (d *docker) ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/_ping", nil)
	if err != nil {
		return err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}

func (d *docker) list(ctx context.Context) ([]string, error) {
	var cs []struct {
		ID string `json:"Id"`
	}
	if err := d.get(ctx, "/containers/json", &cs); err != nil {
		return nil, err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids, nil
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

func (d *docker) inspect(ctx context.Context, id string) ([]map[string]any, error) {
	var in dockerInspect
	if err := d.get(ctx, "/containers/"+id+"/json", &in); err != nil {
		return nil, err
	}
	return []map[string]any{d.containerJSON(shortID(id), &in)}, nil
}

// containerJSON builds the container object of sysdig's container events.
func (d *docker) containerJSON(id string, in *dockerInspect) map[string]any {
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
		"id": id, "type": d.typ, "name": strings.TrimPrefix(in.Name, "/"),
		"image": in.Config.Image, "imageid": strings.TrimPrefix(in.Image, "sha256:"),
		"imagerepo": repo, "imagetag": tag, "imagedigest": digest,
		"privileged": in.HostConfig.Privileged, "ip": in.NetworkSettings.IPAddress,
		"memory_limit": in.HostConfig.Memory, "swap_limit": in.HostConfig.MemorySwap,
		"cpu_shares": in.HostConfig.CPUShares, "cpu_quota": in.HostConfig.CPUQuota,
		"cpu_period": in.HostConfig.CPUPeriod, "labels": labels, "env": env, "Mounts": mounts,
	}
}
