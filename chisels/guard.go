package chisels

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// luaCall names a chisel function the Lua state may be running. Each
// chisel has one per callback, made when it is loaded, so that marking
// the running call costs one pointer store.
type luaCall struct {
	ch *Chisel
	fn string
}

// calls are a chisel's luaCall values, by callback.
type calls struct {
	main, init, start, event, interval, end, setArg luaCall
}

func (c *Chisel) makeCalls() {
	c.calls = calls{
		main:     luaCall{c, "its main chunk"},
		init:     luaCall{c, "on_init()"},
		start:    luaCall{c, "on_capture_start()"},
		event:    luaCall{c, "on_event()"},
		interval: luaCall{c, "on_interval()"},
		end:      luaCall{c, "on_capture_end()"},
		setArg:   luaCall{c, "on_set_arg()"},
	}
}

// enter marks lc as running on the host's Lua states until leave; each
// call gets a new sequence number, which tells the guard one on_event
// from the next.
func (h *Host) enter(lc *luaCall) {
	h.seq.Add(1)
	h.busy.Store(lc)
}
func (h *Host) leave() { h.busy.Store(nil) }

// Guard watches the chisels of a run from another goroutine. gopher-lua
// can only stop a running function by checking a context at every
// instruction, which makes chisels 30–50 % slower; so the guard does the
// stopping from outside, and ends the process:
//   - when the live heap passes Limit while chisels run (a chisel
//     building an ever larger table or string would otherwise end in the
//     Go runtime's fatal "out of memory"); the process's soft memory
//     limit is set to Limit too, so that the collector works hard first;
//   - when the run was interrupted (its context cancelled) and the Lua
//     call that was running then is still running Grace later (a looping
//     on_event).
//
// Both print one line naming the chisel and the callback on Stderr.
type Guard struct {
	// Limit is the live heap, in bytes, past which the run ends (0: no
	// limit; see DefaultMemoryLimit).
	Limit uint64
	// Grace is how long an interrupted Lua call may go on (0: 1 s).
	Grace time.Duration
	// Stderr receives the message.
	Stderr io.Writer
	// Exit flushes what the run printed and ends the process.
	Exit func(code int)
}

// Exit statuses of a run the guard ended.
const (
	ExitOutOfMemory = 1
	ExitInterrupted = 130 // as a shell reports a command ended by SIGINT
)

// DefaultMemoryLimit is a quarter of the machine's memory, at least
// 512 MiB and at most 4 GiB; TRACE_CHISEL_MEMORY (MiB) overrides it.
func DefaultMemoryLimit() uint64 {
	if s := os.Getenv("TRACE_CHISEL_MEMORY"); s != "" {
		if n, err := strconv.ParseUint(s, 10, 64); err == nil && n > 0 {
			return n << 20
		}
	}
	lim := memTotal() / 4
	if lim < 512<<20 {
		lim = 512 << 20
	}
	if lim > 4<<30 {
		lim = 4 << 30
	}
	return lim
}

// memTotal reads MemTotal from /proc/meminfo (0 when unknown).
func memTotal() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				return n << 10
			}
		}
	}
	return 0
}

// Watch starts the guard over the host's chisels until the returned
// function is called. ctx is the run's context: its cancellation is the
// interruption.
func (h *Host) Watch(ctx context.Context, g Guard) (stop func()) {
	if g.Grace == 0 {
		g.Grace = time.Second
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	old := int64(-1)
	if g.Limit > 0 {
		old = debug.SetMemoryLimit(int64(g.Limit))
	}
	go func() {
		defer close(finished)
		h.guard(ctx, g, done)
	}()
	return func() {
		close(done)
		<-finished
		if old >= 0 {
			debug.SetMemoryLimit(old)
		}
	}
}

func (h *Host) guard(ctx context.Context, g Guard, done <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	cancelled := ctx.Done()
	var stuck *luaCall
	var stuckSeq uint64
	var since time.Time
	for {
		select {
		case <-done:
			return
		case <-cancelled:
			cancelled = nil
			stuckSeq, stuck, since = h.seq.Load(), h.busy.Load(), time.Now()
		case <-tick.C:
		}
		if g.Limit > 0 {
			metrics.Read(samples)
			live, objects := samples[0].Value.Uint64(), samples[1].Value.Uint64()
			// live is as of the last collection; objects also counts
			// garbage, which the soft limit keeps near Limit: twice
			// Limit means the collector cannot keep up.
			if live > g.Limit || objects > 2*g.Limit {
				used := max(live, objects)
				fmt.Fprintf(g.Stderr, "%s: out of memory: the heap holds %d MiB, past the chisels' limit of %d MiB (TRACE_CHISEL_MEMORY sets it, in MiB)\n",
					h.running(), used>>20, g.Limit>>20)
				g.Exit(ExitOutOfMemory)
				return
			}
		}
		if stuck != nil && time.Since(since) >= g.Grace {
			if h.busy.Load() == stuck && h.seq.Load() == stuckSeq {
				fmt.Fprintf(g.Stderr, "chisel %s: interrupted: %s was still running %v after the interruption\n",
					stuck.ch.Name, stuck.fn, g.Grace)
				g.Exit(ExitInterrupted)
				return
			}
			stuck = nil
		}
	}
}

// running names the chisel callback running now, for messages.
func (h *Host) running() string {
	if lc := h.busy.Load(); lc != nil {
		return fmt.Sprintf("chisel %s: %s", lc.ch.Name, lc.fn)
	}
	return "trace"
}
