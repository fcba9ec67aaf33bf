package rules

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// skippedLive are the event types Falco ignores in live captures unless
// -A is given: high-rate I/O, polling, memory and scheduling events that
// no default rule looks at.
func skippedLive() []bool {
	skip := make([]bool, scap.NumEventsAll)
	for _, name := range []string{
		"read", "write", "readv", "writev", "pread", "pwrite", "preadv", "pwritev",
		"poll", "ppoll", "select", "epoll_wait", "futex", "nanosleep", "lseek", "llseek",
		"fstat", "fstat64", "stat", "stat64", "lstat", "lstat64", "getdents", "getdents64",
		"mmap", "mmap2", "munmap", "mprotect", "brk", "sched_yield", "getrlimit",
		"switch", "page_fault", "signaldeliver", "procinfo",
	} {
		for _, t := range fields.EventTypesNamed(name) {
			if t != scap.PPME_GENERIC_E && t != scap.PPME_GENERIC_X {
				skip[t] = true
			}
		}
	}
	return skip
}

// SkippedLive reports whether Falco skips events of type t in live
// captures without -A.
func (a *Alerter) SkippedLive(t uint16) bool { return int(t) < len(a.skip) && a.skip[t] }

// AlerterOptions configure an Alerter.
type AlerterOptions struct {
	Format AlertFormat
	// AllEvents (Falco's -A) offers the rules every event live too.
	AllEvents bool
	// HTTP, when set, also posts every alert as JSON.
	HTTP *HTTPSender
	// Out gets the alerts, Stderr the end-of-run statistics.
	Out    *bufio.Writer
	Stderr io.Writer
	// Interrupted tells whether the run was interrupted: End then waits
	// at most 2 s for the HTTP sender instead of 10 s.
	Interrupted func() bool
}

// Alerter evaluates rules on the events of a run and prints alerts: the
// rules' sink of the pipeline.
type Alerter struct {
	o         AlerterOptions
	eng       *Engine
	skip      []bool
	live      bool
	ctx       *fields.Ctx
	buf, jbuf []byte
	fire      func(r *Rule)
	counts    map[*Rule]int64
	order     []*Rule
	total     int64
	err       error
	// Alerts render events as current Falco does: an event of a
	// 0.29.3-layout capture through its current-layout form (the
	// enter's parameters in the exit).
	up      *scap.Upgrader
	view    state.Event
	viewRaw scap.Event
	// r renders alerts: buffers whole, as Falco prints them.
	r *fields.Renderer
}

// NewAlerter returns a sink running eng's rules.
func NewAlerter(eng *Engine, o AlerterOptions) *Alerter {
	a := &Alerter{o: o, eng: eng, skip: skippedLive(), counts: map[*Rule]int64{}, up: scap.NewUpgrader()}
	a.up.LikeConverter = true
	a.fire = a.alert
	return a
}

// Start begins an input.
func (a *Alerter) Start(in *pipeline.Input) error {
	a.live = in.Live
	return nil
}

// Event runs the rules on an event.
func (a *Alerter) Event(c *fields.Ctx) error {
	if a.live && !a.o.AllEvents && a.SkippedLive(c.Ev.Type) {
		return nil
	}
	a.ctx = c
	a.eng.Match(c, a.fire)
	if !c.Ev.Current() {
		a.up.Observe(c.Ev.Event)
	}
	return a.err
}

// current switches the context to the current-layout view of its event
// (when the capture is in 0.29.3's layout) and returns the way back.
func (a *Alerter) current() func() {
	ev, r := a.ctx.Ev, a.ctx.R
	if r != nil && r.MaxBufLen != 0 {
		if a.r == nil || a.r.Location != r.Location {
			cp := *r
			cp.MaxBufLen = 0
			a.r = &cp
		}
		a.ctx.R = a.r
	}
	if ev.Current() {
		return func() { a.ctx.R = r }
	}
	raw := a.up.Upgrade(ev.Event)
	if raw == nil || a.viewRaw.SetRaw(raw, ev.CPU, ev.Flags) != nil {
		return func() { a.ctx.R = r }
	}
	a.ctx.Ev = ev.CurrentView(&a.view, &a.viewRaw)
	return func() { a.ctx.Ev, a.ctx.R = ev, r }
}

func (a *Alerter) alert(r *Rule) {
	back := a.current()
	defer back()
	a.buf = r.AppendAlert(a.buf[:0], a.ctx, &a.o.Format)
	if _, err := a.o.Out.Write(a.buf); err != nil && a.err == nil {
		a.err = err
	}
	if a.live {
		a.o.Out.Flush()
	}
	if a.o.HTTP != nil {
		body := a.buf[:len(a.buf)-1]
		if !a.o.Format.JSON {
			a.jbuf = r.AppendJSON(a.jbuf[:0], a.ctx, &a.o.Format)
			body = a.jbuf
		}
		a.o.HTTP.Send(body)
	}
	if a.counts[r] == 0 {
		a.order = append(a.order, r)
	}
	a.counts[r]++
	a.total++
}

// End flushes the alerts, waits for the HTTP sender and prints Falco's
// statistics on Stderr.
func (a *Alerter) End() error {
	err := a.o.Out.Flush()
	if a.o.HTTP != nil {
		wait := 10 * time.Second
		if a.o.Interrupted != nil && a.o.Interrupted() {
			wait = 2 * time.Second
		}
		st := a.o.HTTP.Close(wait)
		if st.Dropped > 0 {
			last := ""
			if st.LastError != "" {
				last = " (last error: " + st.LastError + ")"
			}
			fmt.Fprintf(a.o.Stderr, "trace: --alerts-http: %d of %d alerts NOT delivered%s\n",
				st.Dropped, st.Dropped+st.Sent, last)
		}
	}
	a.WriteStats(a.o.Stderr)
	if err != nil && !errors.Is(err, os.ErrClosed) {
		return err
	}
	return nil
}

// Total returns the number of alerts so far.
func (a *Alerter) Total() int64 { return a.total }

// WriteStats prints Falco's end-of-run statistics: alerts in all, by
// severity and by rule (in the rules' order).
func (a *Alerter) WriteStats(w io.Writer) {
	fmt.Fprintf(w, "Events detected: %d\n", a.total)
	fmt.Fprintln(w, "Rule counts by severity:")
	bySev := map[Priority]int64{}
	for r, n := range a.counts {
		bySev[r.Priority] += n
	}
	for p := Emergency; p <= Debug; p++ {
		if n := bySev[p]; n > 0 {
			fmt.Fprintf(w, "   %s: %d\n", p.Short(), n)
		}
	}
	fmt.Fprintln(w, "Triggered rules by rule name:")
	rs := append([]*Rule(nil), a.order...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Index < rs[j].Index })
	for _, r := range rs {
		fmt.Fprintf(w, "   %s: %d\n", r.Name, a.counts[r])
	}
}
