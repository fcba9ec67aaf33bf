package state

// Options configure an Engine.
type Options struct {
	// PortNames names ports by service in socket names (sysdig -R);
	// nil leaves numbers.
	PortNames PortNamer
	// OnContainer, when set, is called the first time a thread is seen
	// in a container, with the container's full id and the runtime its
	// cgroup layout suggests (a CT constant, or -1 for CRI-O and
	// containerd layouts, which sysdig's file reading leaves to CRI).
	// Live captures use it to ask the runtime about the container.
	OnContainer func(id string, typ int)
	// CurrentCgroups also recognises containers by the cgroup layouts
	// of current runtimes that sysdig 0.29.3 does not know (podman's
	// cgroupfs /libpod_parent/libpod-<id>); captures are read as sysdig
	// 0.29.3 reads them, live captures set it.
	CurrentCgroups bool
	// NoUserTables leaves out the capture's user and group tables
	// (sysdig -E): user.name and group.name have no value.
	NoUserTables bool
	// FalcoSockets keeps sockets as current libs (Falco's rule engine)
	// do where sysdig 0.29.3 did not: an unknown socket used by sendmsg
	// becomes a UDP socket of its destination, and connect names a
	// socket from its exit only (a failed connect leaves it unnamed).
	FalcoSockets bool
}

// NewEngineWith returns an empty engine with options.
func NewEngineWith(o Options) *Engine {
	e := NewEngine()
	e.opts = o
	e.ports = o.PortNames
	e.Containers.current = o.CurrentCgroups
	if o.OnContainer != nil {
		e.Containers.onNew, e.Containers.seen = o.OnContainer, map[string]bool{}
	}
	return e
}
