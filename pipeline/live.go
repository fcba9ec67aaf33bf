package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/traceproj/trace/capture"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Containers completes the containers a live capture meets with what
// their runtime says of them (package containers implements it).
type Containers interface {
	// Request asks, without blocking, for the metadata of a container
	// first seen on a thread (typ: the runtime its cgroup suggests).
	Request(id string, typ int)
	// NextEvent fills ev with a container event carrying metadata that
	// arrived, stamped ts, if there is one; it never blocks.
	NextEvent(ev *scap.Event, ts uint64) bool
	// Wait waits at most max for the lookup of a container asked about
	// to end.
	Wait(id string, max time.Duration) bool
}

// LiveOptions configure a live capture.
type LiveOptions struct {
	// Snaplen is the number of bytes of I/O buffers captured.
	Snaplen int
	// Containers, when set, completes container metadata.
	Containers Containers
	// Hold is how long the first event of a new container waits for
	// its metadata (0: it does not wait).
	Hold time.Duration
	// Opened, when set, is called once the probes are loaded and the
	// first events may come.
	Opened func()
}

// liveSource feeds the events of a live capture to the pipeline; the end
// of a stopped and drained capture is the end of the input.
type liveSource struct {
	c      *capture.Capture
	meta   Containers
	lastTs uint64
}

func (l *liveSource) NextInto(ev *scap.Event) error {
	if l.meta != nil && l.meta.NextEvent(ev, l.lastTs) {
		return nil
	}
	err := l.c.NextInto(ev)
	if errors.Is(err, capture.ErrStopped) {
		return io.EOF
	}
	if err == nil {
		l.lastTs = ev.Ts
	}
	return err
}

// Live captures the running system with the eBPF probes until ctx is
// cancelled, Duration passes or NumEvents events are captured, then
// ends the run (Finish). Errors are printed on Stderr as they happen; the
// first one is returned.
func (p *Pipeline) Live(ctx context.Context, lo LiveOptions) error {
	o := &p.o
	start := time.Now()
	c, err := capture.Open(capture.Options{Snaplen: lo.Snaplen, Verbose: o.Verbose, Procinfo: true, EventTypes: p.liveEventTypes()})
	if err != nil {
		return p.fail(fmt.Errorf("%s: %w", o.Prog, err))
	}
	defer c.Close()
	// A cancelled context stops the probes; the read loop ends when the
	// rings are drained.
	release := p.watch(ctx, c.Stop)
	defer release()
	// Whatever was printed reaches a pipe as soon as the system is idle,
	// and what was written reaches the file (at most 5 times a second: a
	// compressed stream grows with each flush).
	var lastWriterFlush time.Time
	c.SetIdle(func() {
		if o.Out.Buffered() > 0 {
			o.Out.Flush()
		}
		if o.Writer != nil && time.Since(lastWriterFlush) >= 200*time.Millisecond {
			lastWriterFlush = time.Now()
			_ = o.Writer.Flush() // an error comes back from the next write
		}
	})
	if ctx.Err() != nil {
		c.Stop()
	}
	if o.Duration > 0 {
		// -M counts event time from the first event; live that is wall
		// time, and the timer ends a capture that sees no events.
		t := time.AfterFunc(o.Duration, c.Stop)
		defer t.Stop()
	}
	if lo.Opened != nil {
		lo.Opened()
	}
	p.progress = nil // progress is for files
	if o.Writer != nil {
		// Killed with SIGKILL, a capture keeps all but its last second.
		o.Writer.FlushEvery = 1e9
	}
	// Drops are said while they happen, once a second at most.
	stopDrops := make(chan struct{})
	defer close(stopDrops)
	go func() {
		dr := dropReporter{w: o.Stderr, prog: o.Prog}
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				dr.tick(c.Stats().Drops())
			case <-stopDrops:
				return
			}
		}
	}()
	md := c.Metadata()
	eo := o.Engine
	eo.CurrentCgroups = true
	if lo.Containers != nil && eo.OnContainer == nil {
		eo.OnContainer = lo.Containers.Request
		if lo.Hold > 0 {
			p.hold = newHolder(lo.Containers, lo.Hold)
			eo.OnContainer = p.hold.request
			defer func() { p.hold = nil }()
		}
	}
	eng := state.NewEngineWith(eo)
	eng.LoadMetadata(md)
	first := p.run("live capture", &liveSource{c: c, meta: lo.Containers}, &Input{Live: true, Metadata: md, Engine: eng})
	c.Stop()
	if err := p.Finish(); err != nil && first == nil {
		first = err
	}
	st := c.Stats()
	switch {
	case o.Verbose:
		o.Out.Flush()
		p.verboseStats(st.Events, st.Drops(), time.Since(start))
		// Not in sysdig: paths the probes found in pages not yet mapped
		// (the enter events get them from their exit when it has them).
		fmt.Fprintf(o.Stderr, "Unreadable User Strings:%d (%d completed from their exit)\n", st.Strings.Unreadable, st.Strings.Completed)
		if h := p.hold; h != nil && h.holds > 0 {
			fmt.Fprintln(o.Stderr, h.stats())
		}
	case ctx.Err() != nil || st.Drops() > 0:
		o.Out.Flush()
		fmt.Fprintf(o.Stderr, "%d events, %d dropped\n", st.Delivered, st.Drops())
	}
	return first
}

// liveEventTypes is the set of event types the probes need to send, nil
// for all. When only printing events that a filter restricts to some
// types, the others are dropped in the kernel before anything is copied,
// except those that keep the process and fd tables right (and their
// enter/exit partners). Writing (-w), -d, sinks and -S get all.
func (p *Pipeline) liveEventTypes() []uint16 {
	o := &p.o
	if p.filter == nil || o.Writer != nil || o.DisplayFilter || len(o.Sinks) > 0 || o.Summary != nil {
		return nil
	}
	want := p.filter.EventTypes()
	if want == nil {
		return nil
	}
	set := map[uint16]bool{scap.PPME_PROCEXIT_1_E: true, scap.PPME_PROCEXIT_E: true}
	for _, t := range want {
		set[t], set[t^1] = true, true
	}
	for t := 0; t < scap.NumEvents029; t++ {
		if info := scap.Info(uint16(t)); info != nil && info.Flags&scap.EF_MODIFIES_STATE != 0 {
			set[uint16(t)], set[uint16(t)^1] = true, true
		}
	}
	// Generic syscalls change no state: only when the filter names one.
	if !slices.Contains(want, scap.PPME_GENERIC_E) && !slices.Contains(want, scap.PPME_GENERIC_X) {
		delete(set, scap.PPME_GENERIC_E)
		delete(set, scap.PPME_GENERIC_X)
	}
	types := make([]uint16, 0, len(set))
	for t := range set {
		types = append(types, t)
	}
	return types
}

// dropReporter prints a line for each second in which the probes dropped
// events (the rings were full), as Falco does.
type dropReporter struct {
	w    io.Writer
	prog string
	last uint64
}

// tick takes the drops counted so far.
func (d *dropReporter) tick(total uint64) {
	if total > d.last {
		fmt.Fprintf(d.w, "%s: %d events dropped in the last second (%d in all): the rings were full\n", d.prog, total-d.last, total)
	}
	d.last = total
}
