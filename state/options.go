package state

// Options configure an Engine.
type Options struct {
	// ResolvePorts names ports by service in socket names (sysdig -R),
	// through PortName.
	ResolvePorts bool
	// PortName returns the service name of a port ("" when it has
	// none); nil leaves numbers.
	PortName func(port uint16, l4 uint8) string
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
	if o.OnContainer != nil {
		e.Containers.onNew, e.Containers.seen = o.OnContainer, map[string]bool{}
	}
	return e
}
