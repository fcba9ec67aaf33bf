package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/traceproj/trace/capture"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// liveSource feeds the events of a live capture to session.run; the end
// of a stopped and drained capture is the end of the input.
type liveSource struct {
	c      *capture.Capture
	docker *dockerMeta // nil without a Docker daemon
}

func (l liveSource) NextInto(ev *scap.Event) error {
	if l.docker != nil && l.docker.next(ev) {
		return nil
	}
	err := l.c.NextInto(ev)
	if errors.Is(err, capture.ErrStopped) {
		return io.EOF
	}
	if err == nil && l.docker != nil {
		l.docker.lastTs = ev.Ts
	}
	return err
}

// liveCapture captures the running system with the eBPF probes until
// SIGINT/SIGTERM, -M seconds or -n events, and prints or writes (-w) the
// events as it would those of a file.
func liveCapture(o *Options, out *bufio.Writer, stdout, stderr *os.File) int {
	if o.Progress {
		fmt.Fprintln(stderr, "the -P flag cannot be used with live captures.")
		return 1
	}
	if o.FilterProcs {
		fmt.Fprintln(stderr, "--filter-proclist not supported with live captures.")
		return 1
	}

	// A signal may come while the probes load and /proc is scanned: it
	// is remembered and stops the capture as soon as there is one.
	var stopReq atomic.Bool
	var live atomic.Pointer[capture.Capture]
	stop := func() {
		stopReq.Store(true)
		if c := live.Load(); c != nil {
			c.Stop()
		}
	}
	liveStop.Store(&stop)
	defer liveStop.Store(nil)

	// The session first: filter and format errors come before the probes
	// load, and chisels' on_init may ask for a longer snaplen.
	s, code := newSession(o, out, stdout, stderr)
	if s == nil {
		return code
	}
	start := time.Now()
	c, err := capture.Open(capture.Options{Snaplen: o.Snaplen, Verbose: o.Verbose, Procinfo: true, EventTypes: liveEventTypes(o, s)})
	if err != nil {
		fmt.Fprintf(stderr, "trace: %v\n", err)
		return 1
	}
	defer c.Close()
	live.Store(c)
	// Whatever was printed reaches a pipe as soon as the system is idle,
	// and what was written reaches the file (at most 5 times a second: a
	// compressed stream grows with each flush).
	var lastDumpFlush time.Time
	c.SetIdle(func() {
		if s.out.Buffered() > 0 {
			s.out.Flush()
		}
		if s.dump != nil && time.Since(lastDumpFlush) >= 200*time.Millisecond {
			lastDumpFlush = time.Now()
			_ = s.dump.Flush() // an error comes back from the next write
		}
	})
	if stopReq.Load() {
		c.Stop()
	}
	if o.Duration > 0 {
		// -M counts event time from the first event; live that is wall
		// time, and the timer ends a capture that sees no events.
		t := time.AfterFunc(time.Duration(o.Duration)*time.Second, c.Stop)
		defer t.Stop()
	}

	s.progress = nil // -w implies -P only when reading files
	if s.dump != nil {
		// Killed with SIGKILL, a capture keeps all but its last second.
		s.dump.FlushEvery = 1e9
	}
	md := c.Metadata()
	eng := state.NewEngine()
	eng.LoadMetadata(md)
	rc := s.run("live capture", liveSource{c: c, docker: newDockerMeta(eng)}, md, eng, true)
	c.Stop()
	if code := s.endConsumers(); code != 0 && rc == 0 {
		rc = code
	}
	if s.dump != nil {
		if err := s.dump.Close(); err != nil && rc == 0 {
			fmt.Fprintf(stderr, "trace: %s: %v\n", o.WriteFile, err)
			rc = 1
		}
	}
	if s.summary != nil {
		s.summary.print(out)
	}
	if s.printer.TTY {
		out.WriteString("\x1b[00m")
	}
	out.Flush()

	st := c.Stats()
	switch {
	case o.Verbose:
		s.verboseStats(st.Events, st.Drops(), time.Since(start))
	case stopReq.Load() || st.Drops() > 0:
		fmt.Fprintf(stderr, "%d events, %d dropped\n", st.Delivered, st.Drops())
	}
	return rc
}

// liveEventTypes is the set of event types the probes need to send, nil
// for all. When only printing events that a filter restricts to some
// types, the others are dropped in the kernel before anything is copied,
// except those that keep the process and fd tables right (and their
// enter/exit partners). Writing (-w), -d, chisels and rules get all.
func liveEventTypes(o *Options, s *session) []uint16 {
	if s.filter == nil || o.WriteFile != "" || o.DisplayFilter || len(s.consumers) > 0 || s.summary != nil {
		return nil
	}
	want := s.filter.EventTypes()
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
