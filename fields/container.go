package fields

import (
	"strconv"

	"github.com/traceproj/trace/internal/fnmatch"
	"github.com/traceproj/trace/state"
)

// Fields of the container class. A thread outside any container is on
// the "host": container.id, container.name and container.type say so and
// the other fields have no value.

// containerOf returns the event's thread, and the container it runs in
// (nil on the host or when the container table does not know the id).
func containerOf(c *Ctx) (*state.Thread, *state.Container) {
	t := c.Ev.Thread
	if t == nil || t.ContainerID == "" {
		return t, nil
	}
	e := c.Ev.Engine()
	if e == nil || e.Containers == nil {
		return t, nil
	}
	return t, e.Containers.Get(t.ContainerID)
}

// containerField registers a field that has a value only for threads in a
// known container.
func containerField(name string, g func(c *Ctx, ct *state.Container, v *Value) bool) entry {
	return get(name, PFNA, func(c *Ctx, v *Value) bool {
		_, ct := containerOf(c)
		if ct == nil {
			return false
		}
		return g(c, ct, v)
	})
}

// hostOrContainerField registers a field that is "host" for threads
// outside containers and has a value for threads in a known container.
func hostOrContainerField(name string, g func(c *Ctx, ct *state.Container, v *Value) bool) entry {
	return get(name, PFNA, func(c *Ctx, v *Value) bool {
		t, ct := containerOf(c)
		switch {
		case t == nil:
			return false
		case t.ContainerID == "":
			return setStr(c, v, "host")
		case ct == nil:
			return false
		}
		return g(c, ct, v)
	})
}

// nonEmpty sets v to s, or reports no value for an empty s.
func nonEmpty(c *Ctx, v *Value, s string) bool {
	if s == "" {
		return false
	}
	return setStr(c, v, s)
}

// containerTypes names the runtimes as container.type prints them.
var containerTypes = map[int]string{
	state.CTDocker: "docker", state.CTLXC: "lxc", state.CTLibvirtLXC: "libvirt-lxc",
	state.CTMesos: "mesos", state.CTRkt: "rkt", state.CTCRI: "cri",
	state.CTContainerd: "containerd", state.CTCRIO: "cri-o", state.CTBPM: "bpm",
	// sysdig 0.29.3 has no name for these three and repeats whatever
	// the field printed before; later versions name the last two so.
	state.CTCustom: "custom", state.CTStatic: "static", state.CTPodman: "podman",
}

// dockerLike reports whether the runtime tells whether a container is
// privileged (sysdig answers container.privileged only for these).
func dockerLike(typ int) bool {
	switch typ {
	case state.CTDocker, state.CTCRI, state.CTContainerd, state.CTCRIO, state.CTPodman:
		return true
	}
	return false
}

func appendMount(b []byte, m *state.ContainerMount) []byte {
	b = append(b, m.Source...)
	b = append(b, ':')
	b = append(b, m.Destination...)
	b = append(b, ':')
	b = append(b, m.Mode...)
	b = append(b, ':')
	b = strconv.AppendBool(b, m.RW)
	b = append(b, ':')
	return append(b, m.Propagation...)
}

// mountSel picks one mount of a container from a field argument: an index,
// or else a glob matched against the mounts' sources (or destinations).
type mountSel struct {
	idx    int32
	byIdx  bool
	glob   string
	onDest bool
}

// newMountSel interprets the argument as sysdig does: a number selects
// by position, except -1, which (like any text that is not a number)
// selects by glob, the glob being the empty string.
func newMountSel(arg string, onDest bool) mountSel {
	n, ok := parsed32(arg)
	switch {
	case !ok:
		return mountSel{glob: arg, onDest: onDest}
	case n == -1:
		return mountSel{onDest: onDest}
	}
	return mountSel{idx: n, byIdx: true}
}

func (s mountSel) find(ct *state.Container) *state.ContainerMount {
	if s.byIdx {
		// A negative index is a huge unsigned one: no such mount.
		if s.idx < 0 || int(s.idx) >= len(ct.Mounts) {
			return nil
		}
		return &ct.Mounts[s.idx]
	}
	for i := range ct.Mounts {
		m := &ct.Mounts[i]
		name := m.Source
		if s.onDest {
			name = m.Destination
		}
		if fnmatch.Match(s.glob, name, false) {
			return m
		}
	}
	return nil
}

// parsed32 parses a 32-bit integer as sinsp's number parser does (scanf's
// %d followed by nothing): optional leading blanks and sign, then digits
// only; larger values wrap as a C long converted to int.
func parsed32(s string) (int32, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n uint64
	over := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if n > (1<<63)/10 {
			over = true
		} else {
			n = n*10 + uint64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, false
	}
	if i < len(s) {
		return 0, false
	}
	var l int64
	switch {
	case neg && (over || n > 1<<63):
		l = -1 << 63
	case neg:
		l = -int64(n)
	case over || n > 1<<63-1:
		l = 1<<63 - 1
	default:
		l = int64(n)
	}
	return int32(l), true
}

func isCSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// mountField registers container.mount.* (one part of the selected mount)
// and container.mount (the whole mount).
func mountField(name string, onDest bool, part func(b []byte, m *state.ContainerMount) []byte) entry {
	return entry{name, argBracket, func(f *Field) error {
		sel := newMountSel(f.Arg, onDest)
		f.get = func(c *Ctx, v *Value) bool {
			_, ct := containerOf(c)
			if ct == nil {
				return false
			}
			m := sel.find(ct)
			if m == nil {
				return false
			}
			v.S = c.keep(part(c.scratch(), m))
			return true
		}
		return nil
	}}
}

// probeField registers a health probe field: the probe's command line, or
// "NONE" for a container without such a probe.
func probeField(name string, kind state.ProbeKind) entry {
	return containerField(name, func(c *Ctx, ct *state.Container, v *Value) bool {
		for i := range ct.Probes {
			p := &ct.Probes[i]
			if p.Kind != kind {
				continue
			}
			b := append(c.scratch(), p.Exe...)
			for _, a := range p.Args {
				b = append(b, ' ')
				b = append(b, a...)
			}
			v.S = c.keep(b)
			return true
		}
		return setStr(c, v, "NONE")
	})
}

var containerTable = []entry{
	get("container.id", PFNA, func(c *Ctx, v *Value) bool {
		t := c.Ev.Thread
		if t == nil {
			return false
		}
		if t.ContainerID == "" {
			return setStr(c, v, "host")
		}
		return setStr(c, v, t.ContainerID)
	}),
	hostOrContainerField("container.name", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.Name)
	}),
	hostOrContainerField("container.type", func(c *Ctx, ct *state.Container, v *Value) bool {
		name, ok := containerTypes[ct.Type]
		if !ok {
			return false
		}
		return setStr(c, v, name)
	}),
	containerField("container.image", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.Image)
	}),
	containerField("container.image.id", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.ImageID)
	}),
	containerField("container.image.repository", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.ImageRepo)
	}),
	containerField("container.image.tag", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.ImageTag)
	}),
	containerField("container.image.digest", func(c *Ctx, ct *state.Container, v *Value) bool {
		return nonEmpty(c, v, ct.ImageDigest)
	}),
	containerField("container.privileged", func(c *Ctx, ct *state.Container, v *Value) bool {
		if !dockerLike(ct.Type) {
			return false
		}
		return setBool(v, ct.Privileged)
	}),
	containerField("container.mounts", func(c *Ctx, ct *state.Container, v *Value) bool {
		b := c.scratch()
		for i := range ct.Mounts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendMount(b, &ct.Mounts[i])
		}
		v.S = c.keep(b)
		return true
	}),
	mountField("container.mount", false, appendMount),
	mountField("container.mount.source", true, func(b []byte, m *state.ContainerMount) []byte {
		return append(b, m.Source...)
	}),
	mountField("container.mount.dest", false, func(b []byte, m *state.ContainerMount) []byte {
		return append(b, m.Destination...)
	}),
	mountField("container.mount.mode", false, func(b []byte, m *state.ContainerMount) []byte {
		return append(b, m.Mode...)
	}),
	mountField("container.mount.rdwr", false, func(b []byte, m *state.ContainerMount) []byte {
		return strconv.AppendBool(b, m.RW)
	}),
	mountField("container.mount.propagation", false, func(b []byte, m *state.ContainerMount) []byte {
		return append(b, m.Propagation...)
	}),
	probeField("container.healthcheck", state.ProbeHealthcheck),
	probeField("container.liveness_probe", state.ProbeLiveness),
	probeField("container.readiness_probe", state.ProbeReadiness),
}
