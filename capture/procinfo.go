package capture

import (
	"bytes"
	"os"
	"strconv"

	"github.com/traceproj/trace/scap"
)

// procinfoGen emits the procinfo events sysdig's captures carry: once per
// second of event time, one event per thread with its cumulative user and
// system CPU time in clock ticks, stamped 1 ns before the second begins
// and on CPU 0. thread.cpu and the CPU chisels (topprocs_cpu,
// topcontainers_cpu) are computed from them.
type procinfoGen struct {
	lastSec uint64
	queue   [][]byte // encoded events still to deliver
	next    int
	held    []byte // the event that crossed the second, delivered after the queue
	heldCPU uint16
	hasHeld bool
	b       scap.Builder
}

// cross reports whether an event at ts starts a new second and, if so,
// queues the procinfo events for it and holds raw (copied) until they are
// delivered.
func (g *procinfoGen) cross(ts uint64, raw []byte, cpu uint16) bool {
	if !g.generate(ts) {
		return false
	}
	g.held = append(g.held[:0], raw...)
	g.heldCPU, g.hasHeld = cpu, true
	return true
}

// generate queues the procinfo events for the second of ts unless that
// second already has them. NextInto also calls it with the current time
// when the rings are idle, so that event time (and with it chisel
// intervals and file flushes) moves on a system that makes no syscalls.
func (g *procinfoGen) generate(ts uint64) bool {
	sec := ts / 1e9
	if sec <= g.lastSec {
		return false
	}
	g.lastSec = sec
	g.queue, g.next = g.queue[:0], 0
	stamp := sec*1e9 - 1
	threadTimes(func(tid int64, utime, stime uint64) {
		g.b.Begin(stamp, uint64(tid), scap.PPME_PROCINFO_E)
		g.b.U64(utime).U64(stime)
		g.queue = append(g.queue, bytes.Clone(g.b.Finish()))
	})
	return len(g.queue) > 0
}

// pending returns the next queued event, then the held one.
func (g *procinfoGen) pending() (raw []byte, cpu uint16, ok bool) {
	if g.next < len(g.queue) {
		g.next++
		return g.queue[g.next-1], 0, true
	}
	if g.hasHeld {
		g.hasHeld = false
		return g.held, g.heldCPU, true
	}
	return nil, 0, false
}

// threadTimes calls fn with the user and system CPU ticks of every thread
// in /proc (threads that exit meanwhile are skipped).
func threadTimes(fn func(tid int64, utime, stime uint64)) {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, p := range procs {
		if _, err := strconv.ParseUint(p.Name(), 10, 32); err != nil {
			continue
		}
		tasks, err := os.ReadDir("/proc/" + p.Name() + "/task")
		if err != nil {
			continue
		}
		for _, t := range tasks {
			tid, err := strconv.ParseInt(t.Name(), 10, 64)
			if err != nil {
				continue
			}
			b, err := os.ReadFile("/proc/" + p.Name() + "/task/" + t.Name() + "/stat")
			if err != nil {
				continue
			}
			if u, s, ok := parseStatTimes(b); ok {
				fn(tid, u, s)
			}
		}
	}
}

// parseStatTimes reads utime and stime (fields 14 and 15) of a stat line;
// the command name in parentheses may hold spaces and parentheses.
func parseStatTimes(b []byte) (utime, stime uint64, ok bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state): utime is field 14.
	if len(f) < 13 {
		return 0, 0, false
	}
	u, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	s, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	return u, s, err1 == nil && err2 == nil
}
