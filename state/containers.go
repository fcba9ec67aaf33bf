package state

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/traceproj/trace/containers/cgroup"
	"github.com/traceproj/trace/scap"
)

// Container runtimes (sinsp_container_type).
const (
	CTDocker     = 0
	CTLXC        = 1
	CTLibvirtLXC = 2
	CTMesos      = 3
	CTRkt        = 4
	CTCustom     = 5
	CTCRI        = 6
	CTContainerd = 7
	CTCRIO       = 8
	CTBPM        = 9
	CTStatic     = 10
	CTPodman     = 11
)

// ContainerMount is one mount of a container.
type ContainerMount struct {
	Source      string `json:"Source"`
	Destination string `json:"Destination"`
	Mode        string `json:"Mode"`
	RW          bool   `json:"RW"`
	Propagation string `json:"Propagation"`
}

// PortMapping is one published port of a container.
type PortMapping struct {
	HostIP        uint32
	HostPort      uint16
	ContainerPort uint16
}

// Container is what the capture says about one container.
type Container struct {
	ID           string
	Type         int
	Name         string
	Image        string
	ImageID      string
	ImageRepo    string
	ImageTag     string
	ImageDigest  string
	Privileged   bool
	IsPodSandbox bool
	IP           string
	Labels       map[string]string
	Env          []string
	Mounts       []ContainerMount
	Ports        []PortMapping
	MemoryLimit  int64
	SwapLimit    int64
	CPUShares    int64
	CPUQuota     int64
	CPUPeriod    int64
	MesosTaskID  string
	// Probes are the container's health check and Kubernetes probes, in
	// the order the JSON event lists their kinds.
	Probes []HealthProbe
	// Incomplete is set for containers known only from a cgroup path.
	Incomplete bool
}

// ProbeKind is the kind of a container health probe.
type ProbeKind uint8

// Health probe kinds, named by the container JSON keys that carry them.
const (
	ProbeNone ProbeKind = iota
	ProbeHealthcheck
	ProbeLiveness
	ProbeReadiness
)

// probeKeys are the JSON keys of the probe kinds, in sysdig's order.
var probeKeys = [...]string{ProbeNone: "None", ProbeHealthcheck: "Healthcheck", ProbeLiveness: "LivenessProbe", ProbeReadiness: "ReadinessProbe"}

// HealthProbe is a command a container runtime runs to check a container.
type HealthProbe struct {
	Kind ProbeKind
	Exe  string
	Args []string
}

// Containers is the container table.
type Containers struct {
	byID map[string]*Container
	// onNew and seen implement Options.OnContainer.
	onNew func(id string, typ int)
	seen  map[string]bool
	// parsed caches what cgroup paths tell: threads share a handful of
	// paths, and every clone and exec resolves its thread's.
	parsed map[string]cgroupHit
	// current also knows the cgroup layouts sysdig 0.29.3 does not
	// (Options.CurrentCgroups).
	current bool
}

// cgroupHit is what containerFromCgroup says of a path.
type cgroupHit struct {
	short, full string
	typ         int
	ok          bool
}

// maxParsed bounds the cache of cgroup paths.
const maxParsed = 4096

func newContainers() *Containers {
	return &Containers{byID: map[string]*Container{}, parsed: map[string]cgroupHit{}}
}

// fromCgroup is containerFromCgroup through the cache.
func (c *Containers) fromCgroup(path string) cgroupHit {
	if h, ok := c.parsed[path]; ok {
		return h
	}
	var h cgroupHit
	h.short, h.full, h.typ, h.ok = containerFromCgroup(path)
	if !h.ok && c.current {
		if ct, ok := cgroup.Parse(path); ok {
			h.short, h.full, h.typ, h.ok = fromLayout(ct)
		}
	}
	if len(c.parsed) >= maxParsed {
		clear(c.parsed)
	}
	c.parsed[path] = h
	return h
}

// Get returns a container by id, or nil.
func (c *Containers) Get(id string) *Container { return c.byID[id] }

// Each calls fn for every container.
func (c *Containers) Each(fn func(*Container)) {
	for _, ct := range c.byID {
		fn(ct)
	}
}

// Len returns the number of known containers.
func (c *Containers) Len() int { return len(c.byID) }

func (c *Containers) add(ct *Container) { c.byID[ct.ID] = ct }

// ContainerIDFromCgroup extracts a container id (12 characters) and its
// runtime from a cgroup path, with sysdig 0.29.3's semantics reading a
// capture (it has no runtime to ask, so only the id and type come from
// the path):
//
//   - a last element of 64 hex digits (cgroupfs: /docker/<id>,
//     /kubepods/.../pod<uid>/<id>, /crio/<id>, any parent): its docker
//     engine claims it, a docker container entry;
//   - docker-<id>.scope and libpod-<id>.scope (systemd): docker entries;
//   - libpod-<id>.scope/container (podman on cgroup v2): a podman entry;
//   - crio-<id>.scope, crio-<id>, cri-containerd-<id>.scope and
//     ...:cri-containerd:<id>: its CRI engine notes the id on the thread
//     but, with no runtime to ask, makes no container entry (ctNoEngine);
//   - /lxc/NAME, /lxc.payload/NAME and /libvirt/lxc/NAME: an lxc entry
//     whose id and name are NAME.
//
// Ids are checked as sysdig checks them (cgroup.ParseSysdig).
// crio-conmon-<id>.scope and other paths are not containers.
func ContainerIDFromCgroup(path string) (string, int, bool) {
	short, _, typ, ok := containerFromCgroup(path)
	return short, typ, ok
}

// containerFromCgroup is ContainerIDFromCgroup with the full id too.
func containerFromCgroup(path string) (short, full string, typ int, ok bool) {
	c, ok := cgroup.ParseSysdig(path)
	if !ok {
		return "", "", 0, false
	}
	return fromLayout(c)
}

// fromLayout is the thread's container id and the container type of a
// parsed cgroup path.
func fromLayout(c cgroup.Container) (short, full string, typ int, ok bool) {
	typ = CTDocker
	switch c.Layout {
	case cgroup.PodmanContainer, cgroup.PodmanCgroupfs:
		typ = CTPodman
	case cgroup.CRIOSystemd, cgroup.CRIOCgroupfs, cgroup.ContainerdSystemd, cgroup.ContainerdRaw:
		typ = ctNoEngine
	case cgroup.LXC, cgroup.LibvirtLXC:
		// libvirt's too: sysdig reports both as lxc.
		typ = CTLXC
	}
	return c.ShortID(), c.ID, typ, true
}

// ctNoEngine marks cgroup ids no container engine describes: the thread
// gets the id, the container table gets nothing.
const ctNoEngine = -1

func (c *Containers) resolve(t *Thread) {
	for _, cg := range t.Cgroups {
		if h := c.fromCgroup(cg.Path); h.ok {
			id, full, typ := h.short, h.full, h.typ
			t.ContainerID = id
			if c.onNew != nil && !c.seen[id] {
				c.seen[id] = true
				c.onNew(full, typ)
			}
			if c.byID[id] == nil && typ != ctNoEngine {
				ct := &Container{ID: id, Type: typ, Incomplete: true}
				if typ == CTLXC {
					ct.Name, ct.Incomplete = id, false
				}
				c.add(ct)
			}
			return
		}
	}
	t.ContainerID = ""
}

func (c *Containers) parseOld(ev *Event) {
	ct := &Container{}
	ct.ID, _ = ev.Str(scap.ContainerEId)
	ct.Name, _ = ev.Str(scap.ContainerEName)
	ct.Image, _ = ev.Str(scap.ContainerEImage)
	if v, ok := ev.Uint32(scap.ContainerEType); ok {
		ct.Type = int(v)
	}
	c.add(ct)
}

func jsonString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

func jsonInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, true
		}
		f, err := n.Float64()
		return int64(f), err == nil
	}
	return 0, false
}

// jsonBool reads a JSON boolean; numbers count as true when not zero, as
// sinsp's JSON reader converts them.
func jsonBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case float64:
		return x != 0, true
	case json.Number:
		f, err := x.Float64()
		return f != 0, err == nil
	}
	return false, false
}

// jsonText renders a JSON scalar as sinsp's JSON reader converts it to a
// string: strings as they are, integers in decimal, other numbers with 17
// significant digits, booleans as true/false and null as "". ok is false
// for arrays and objects.
func jsonText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case nil:
		return "", true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		if u, err := strconv.ParseUint(string(x), 10, 64); err == nil {
			return strconv.FormatUint(u, 10), true
		}
		f, _ := x.Float64()
		return strconv.FormatFloat(f, 'g', 17, 64), true
	case float64:
		return strconv.FormatFloat(x, 'g', 17, 64), true
	}
	return "", false
}

// parseContainerJSON records a container described by a container event.
// The event is then attributed to a pseudo thread named "container:<id>".
func (e *Engine) parseContainerJSON(ev *Event) {
	raw, _ := ev.CString(scap.ContainerJsonEJson) // json is at the same place in both versions
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return
	}
	cm, _ := root["container"].(map[string]any)
	if cm == nil {
		return
	}
	ct := &Container{}
	ct.ID, _ = jsonString(cm["id"])
	if v, ok := jsonInt(cm["type"]); ok {
		ct.Type = int(v)
	}
	ct.Name, _ = jsonString(cm["name"])
	ct.IsPodSandbox, _ = jsonBool(cm["is_pod_sandbox"])
	ct.Image, _ = jsonString(cm["image"])
	ct.ImageID, _ = jsonString(cm["imageid"])
	ct.ImageRepo, _ = jsonString(cm["imagerepo"])
	ct.ImageTag, _ = jsonString(cm["imagetag"])
	ct.ImageDigest, _ = jsonString(cm["imagedigest"])
	ct.Privileged, _ = jsonBool(cm["privileged"])
	ct.IP, _ = jsonString(cm["ip"])
	ct.MesosTaskID, _ = jsonString(cm["mesos_task_id"])
	if v, ok := jsonInt(cm["memory_limit"]); ok {
		ct.MemoryLimit = v
	}
	if v, ok := jsonInt(cm["swap_limit"]); ok {
		ct.SwapLimit = v
	}
	if v, ok := jsonInt(cm["cpu_shares"]); ok {
		ct.CPUShares = v
	}
	if v, ok := jsonInt(cm["cpu_quota"]); ok {
		ct.CPUQuota = v
	}
	if v, ok := jsonInt(cm["cpu_period"]); ok {
		ct.CPUPeriod = v
	}
	if labels, ok := cm["labels"].(map[string]any); ok {
		ct.Labels = map[string]string{}
		for k, v := range labels {
			s, _ := jsonText(v)
			ct.Labels[k] = s
		}
	}
	ct.Probes = parseProbes(cm)
	if env, ok := cm["env"].([]any); ok {
		for _, v := range env {
			if s, ok := v.(string); ok {
				ct.Env = append(ct.Env, s)
			}
		}
	}
	if mounts, ok := cm["Mounts"].([]any); ok {
		for _, m := range mounts {
			mm, _ := m.(map[string]any)
			if mm == nil {
				continue
			}
			var cmt ContainerMount
			cmt.Source, _ = jsonString(mm["Source"])
			cmt.Destination, _ = jsonString(mm["Destination"])
			cmt.Mode, _ = jsonString(mm["Mode"])
			cmt.RW, _ = jsonBool(mm["RW"])
			cmt.Propagation, _ = jsonString(mm["Propagation"])
			ct.Mounts = append(ct.Mounts, cmt)
		}
	}
	if pm, ok := cm["port_mappings"].([]any); ok {
		for _, m := range pm {
			mm, _ := m.(map[string]any)
			if mm == nil {
				continue
			}
			var p PortMapping
			if v, ok := jsonInt(mm["HostIp"]); ok {
				p.HostIP = uint32(v)
			}
			if v, ok := jsonInt(mm["HostPort"]); ok {
				p.HostPort = uint16(v)
			}
			if v, ok := jsonInt(mm["ContainerPort"]); ok {
				p.ContainerPort = uint16(v)
			}
			ct.Ports = append(ct.Ports, p)
		}
	}
	e.Containers.add(ct)
	ev.Thread = &Thread{
		Tid: -1, Pid: -1, Vtid: -2, Vpid: -2, Sid: -1, Vpgid: -1, FDLimit: -1,
		Comm:        "container:" + ct.ID,
		ContainerID: ct.ID, lastEventFD: -1, pseudo: true,
	}
}

// parseProbes reads the probe objects of a container JSON object: an
// "exe" that is a scalar and the scalar items of "args".
func parseProbes(cm map[string]any) []HealthProbe {
	var probes []HealthProbe
	for kind, key := range probeKeys {
		obj, _ := cm[key].(map[string]any)
		if obj == nil || obj["exe"] == nil {
			continue
		}
		exe, ok := jsonText(obj["exe"])
		if !ok {
			continue
		}
		p := HealthProbe{Kind: ProbeKind(kind), Exe: exe}
		args, _ := obj["args"].([]any)
		for _, a := range args {
			if s, ok := jsonText(a); ok {
				p.Args = append(p.Args, s)
			}
		}
		probes = append(probes, p)
	}
	return probes
}
