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
}

// NewEngineWith returns an empty engine with options.
func NewEngineWith(o Options) *Engine {
	e := NewEngine()
	e.opts = o
	e.ports = o.PortNames
	if o.OnContainer != nil {
		e.Containers.onNew, e.Containers.seen = o.OnContainer, map[string]bool{}
	}
	return e
}
