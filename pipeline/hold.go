package pipeline

import (
	"fmt"
	"slices"
	"time"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// holder makes the first event of a new container wait, for a bounded
// time, for the container's metadata, so that the filter, the rules and
// the printer see that event with its name, image and privilege (a
// container's first event is usually the exec of its entry point: what
// Falco's "container started" rules test). Only the pipeline's consumer
// waits; the probes go on filling the rings meanwhile.
type holder struct {
	meta Containers
	max  time.Duration
	// pending are the short ids asked about whose first event has not
	// come yet.
	pending map[string]struct{}
	// raw and ev are the container events taken from meta.
	raw scap.Event
	ev  state.Event
	// holds and held count the waits and their total time (-v); waits
	// are the first ones, for the median and the worst.
	holds int
	held  time.Duration
	waits []time.Duration
}

// maxWaits bounds the waits kept for -v.
const maxWaits = 4096

func newHolder(meta Containers, max time.Duration) *holder {
	return &holder{meta: meta, max: max, pending: map[string]struct{}{}}
}

// request is the engine's OnContainer hook.
func (h *holder) request(id string, typ int) {
	short := id
	if len(short) > 12 {
		short = short[:12]
	}
	h.pending[short] = struct{}{}
	h.meta.Request(id, typ)
}

// holdBefore is called with each parsed event before it is delivered: for
// the first event of a container still without metadata, it waits for
// the lookup and delivers the container events that arrived first.
func (p *Pipeline) holdBefore(ev *state.Event, eng *state.Engine) (stop bool, err error) {
	h := p.hold
	if len(h.pending) == 0 || ev.Thread == nil || ev.Setup {
		return false, nil
	}
	id := ev.Thread.ContainerID
	if _, ok := h.pending[id]; !ok {
		return false, nil
	}
	delete(h.pending, id)
	if ct := eng.Containers.Get(id); ct != nil && !ct.Incomplete {
		return false, nil // named already (running at start)
	}
	start := time.Now()
	h.meta.Wait(id, h.max)
	d := time.Since(start)
	h.holds++
	h.held += d
	if len(h.waits) < maxWaits {
		h.waits = append(h.waits, d)
	}
	for h.meta.NextEvent(&h.raw, ev.Ts) {
		if !eng.Process(&h.raw, &h.ev) {
			continue
		}
		// The container event takes the held event's number.
		h.ev.Num, ev.Num = ev.Num, h.ev.Num
		if stop, err := p.deliver(&h.raw, &h.ev, eng); stop || err != nil {
			return stop, err
		}
	}
	return false, nil
}

// stats is the -v line on the waits.
func (h *holder) stats() string {
	w := slices.Clone(h.waits)
	slices.Sort(w)
	return fmt.Sprintf("Waits for container metadata: %d, %.3f s in all, median %.1f ms, worst %.1f ms",
		h.holds, h.held.Seconds(), float64(w[len(w)/2])/1e6, float64(w[len(w)-1])/1e6)
}
