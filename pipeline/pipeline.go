package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Input describes the input a run is starting: a capture file or the live
// capture.
type Input struct {
	// Path is the capture file ("" live).
	Path string
	// Live is set for the live capture.
	Live     bool
	Metadata *scap.Metadata
	Engine   *state.Engine
}

// A Sink analyses the events of a run: chisels and rules. When a run has
// sinks, the pipeline prints no events itself.
type Sink interface {
	// Start is called before the events of each input.
	Start(in *Input) error
	// Event is called for every event that passed the filter (every
	// event with -d), internal ones included, hidden and setup ones
	// excluded. c.Ev is the event. Returning ErrStop ends the run
	// cleanly.
	Event(c *fields.Ctx) error
	// End is called once when the run is over, also after errors and
	// truncated inputs.
	End() error
}

// A Rejecter is a Sink that also wants to hear of the events the filter
// rejected (chisels' interval clocks advance on them). The pipeline finds
// out once, when it is built.
type Rejecter interface {
	Rejected(c *fields.Ctx) error
}

// ErrStop is returned by sinks that end the run (a chisel calling
// sysdig.end_capture): the run ends as if the input had.
var ErrStop = errors.New("pipeline: stop requested by a sink")

// ErrReported wraps the errors a run returns: they were already printed
// on Options.Stderr, in the order they happened.
var ErrReported = errors.New("reported")

// Options configure a Pipeline. The zero value of each field turns its
// feature off.
type Options struct {
	// Prog starts error messages ("trace").
	Prog string
	// Out is where events, chisels and alerts print; Stderr gets errors,
	// progress and counters.
	Out    *bufio.Writer
	Stderr io.Writer
	// Ctx is the field context shared with the sinks (renderer, time).
	Ctx *fields.Ctx

	// Filter selects events (nil: all); with DisplayFilter (-d) it
	// only selects what is printed.
	Filter        *filter.Filter
	DisplayFilter bool
	// Debug (-D) lets internal events through a capture filter and
	// shows them.
	Debug bool
	// FatFile (-F) keeps the state-changing events the filter rejects
	// in written files, flagged as state-only.
	FatFile bool
	// NumEvents (-n) stops each input after that many captured events.
	NumEvents int64
	// Duration (-M) stops after that much event time.
	Duration time.Duration
	// SuppressComm (-U) drops the processes of these names.
	SuppressComm []string
	// Verbose (-v) prints sysdig's counters after each input.
	Verbose bool
	// Progress (-P) prints the share of each file read; ProgressTTY
	// adds the event rate and time left, for a terminal.
	Progress, ProgressTTY bool
	// Engine options for every input's state engine.
	Engine state.Options

	// Line prints events when there are no sinks and Quiet is not set.
	Line  output.Line
	Quiet bool
	// FlushEach flushes Out after every printed line.
	FlushEach bool
	// Writer writes events to capture files (-w).
	Writer *output.Dumper
	// Summary counts the captured events (-S).
	Summary *output.Summary
	// Sinks are the chisels and rules.
	Sinks []Sink
}

// Pipeline runs inputs through the state engine and filter to the sinks.
type Pipeline struct {
	o         Options
	filter    *filter.Filter
	epoch     uint64 // filter replacements: keys verdicts cached on threads
	rejecters []Rejecter
	suppress  *suppressor
	progress  *progress
	// captured counts the events of the current input past the filter
	// (all with -d): for -n and -v.
	captured int64
	stop     atomic.Bool
	runCtx   context.Context // of the current ReadFiles or Live
	live     bool            // the current input is the live capture
	hold     *holder         // live, with container metadata
	ended    bool
	buf      []byte
	// printed and unprinted count the events shown and those a -p
	// field without value kept from printing, for the hint at the end.
	printed, unprinted int64
	// damage counts the warnings of the current input: malformed events
	// skipped, events shown with the parameters that fit, other damage
	// the reader read past.
	damage damageCount
}

// damageCount counts what was wrong in an input that could still be read.
type damageCount struct {
	skipped, partial, other int64
}

func (d damageCount) total() int64 { return d.skipped + d.partial + d.other }

// maxWarnings is how many warnings an input prints before only counting.
const maxWarnings = 20

// errDamaged marks the error a damaged but readable input ends with: the
// next inputs are still read.
var errDamaged = errors.New("damaged input")

// New builds a pipeline.
func New(o Options) *Pipeline {
	if o.Prog == "" {
		o.Prog = "trace"
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Out == nil {
		o.Out = bufio.NewWriter(io.Discard)
	}
	if o.Ctx == nil {
		o.Ctx = &fields.Ctx{R: fields.NewRenderer(), Time: &output.OutputTime{}}
	}
	p := &Pipeline{o: o, filter: o.Filter, buf: make([]byte, 0, 4096)}
	for _, s := range o.Sinks {
		if r, ok := s.(Rejecter); ok {
			p.rejecters = append(p.rejecters, r)
		}
	}
	if len(o.SuppressComm) > 0 {
		p.suppress = newSuppressor(o.SuppressComm)
	}
	if o.Progress {
		p.progress = &progress{w: o.Stderr, tty: o.ProgressTTY}
	}
	return p
}

// SetFilter replaces the filter (chisels' sysdig.set_filter); nil passes
// every event.
func (p *Pipeline) SetFilter(f *filter.Filter) {
	p.filter = f
	p.epoch++ // verdicts cached on threads were the old filter's
}

// Captured returns the number of events of the current (or last) input
// that passed the filter.
func (p *Pipeline) Captured() int64 { return p.captured }

// fail reports err on stderr (after what was printed) and returns it
// marked as reported.
func (p *Pipeline) fail(err error) error {
	p.o.Out.Flush()
	fmt.Fprintln(p.o.Stderr, err)
	return fmt.Errorf("%w: %w", ErrReported, err)
}

func (p *Pipeline) writeErr(err error) error {
	path := p.o.Writer.Path
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// name the file once (a rotated one has a name of its own)
		path, err = pe.Path, pe.Err
	}
	return p.fail(fmt.Errorf("%s: %s: %w", p.o.Prog, path, err))
}

// watch calls stop when ctx is cancelled (default: raise the stop flag,
// which ends the read loop at the next event).
func (p *Pipeline) watch(ctx context.Context, stop func()) (release func() bool) {
	if stop == nil {
		stop = func() { p.stop.Store(true) }
	}
	return context.AfterFunc(ctx, stop)
}

// ReadFiles runs the capture files in order, then ends the run (Finish).
// Errors are printed on Stderr as they happen; the first one is returned.
func (p *Pipeline) ReadFiles(ctx context.Context, paths []string) error {
	p.runCtx = ctx
	release := p.watch(ctx, nil)
	defer release()
	var first error
	for _, path := range paths {
		if err := p.readFile(path); err != nil {
			if first == nil {
				first = err
			}
			if !errors.Is(err, errDamaged) {
				break
			}
		}
		if p.stop.Load() || ctx.Err() != nil {
			break
		}
	}
	if err := p.Finish(); err != nil && first == nil {
		first = err
	}
	return first
}

// Finish ends a run: closes the written file and ends the sinks (the
// first error wins). The summary is the caller's to print. Finish is
// idempotent.
func (p *Pipeline) Finish() error {
	if p.ended {
		return nil
	}
	p.ended = true
	var first error
	if w := p.o.Writer; w != nil {
		if err := w.Close(); err != nil {
			first = p.writeErr(err)
		}
	}
	for _, s := range p.o.Sinks {
		if err := s.End(); err != nil && first == nil {
			first = p.fail(err)
		}
	}
	p.hintUnprinted()
	return first
}

// hintUnprinted says, when most events were not printed because a -p
// field had no value, which field it was and how to print them anyway.
func (p *Pipeline) hintUnprinted() {
	if p.unprinted == 0 || p.unprinted < p.printed || p.o.Line == nil {
		return
	}
	name := p.o.Line.Missing()
	if name == "" {
		return
	}
	p.o.Out.Flush()
	fmt.Fprintf(p.o.Stderr, "%s: %d of %d events not printed: %%%s has no value for them; start the format with '*' to print them anyway (<NA> for missing values)\n",
		p.o.Prog, p.unprinted, p.unprinted+p.printed, name)
}

// OpenError describes a failure to open a capture file as sysdig does.
func OpenError(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("can't open file %s: no such file or directory", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("can't open file %s: permission denied", path)
	case errors.Is(err, scap.ErrNotCapture) && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")):
		return fmt.Sprintf("%s: %v (to load Falco rules, use --rules %s)", path, err, path)
	}
	return fmt.Sprintf("%s: %v", path, err)
}

// layoutScan is how many events of a capture are looked at to tell its
// layout before reading it (scap.DetectLayout).
const layoutScan = 5000

func (p *Pipeline) readFile(path string) error {
	open := scap.Open
	if p.progress == nil && runtime.GOMAXPROCS(0) >= 2 {
		// A second core reads an uncompressed file ahead (the read
		// system calls leave this goroutine: 10 M varied events, wall
		// 0.95 → 0.86 s at the same CPU time). Progress reads the
		// file's position: read here.
		open = scap.OpenReadAhead
	}
	rd, err := open(path)
	if err != nil {
		return p.fail(fmt.Errorf("%s: %s", p.o.Prog, OpenError(path, err)))
	}
	defer rd.Close()
	eng := state.NewEngineWith(p.o.Engine)
	// (The layout first: process-list entries read differently in it.)
	eng.SetCurrent(scap.DetectLayout(path, layoutScan))
	eng.LoadMetadata(rd.Metadata())
	in := &Input{Path: path, Metadata: rd.Metadata(), Engine: eng}
	start := time.Now()
	if p.progress != nil || rd.Compression() == scap.CompressNone {
		// The events of an uncompressed file are cut and decoded on
		// this goroutine. Handing decoded events over from another
		// core (as compressed files do) was faster still (0.78 s) but
		// cost a third more CPU (1.23 s against 0.94 s): the events'
		// bytes were copied and crossed cores once more.
		rd.OnSection = eng.LoadMetadata
		if p.progress != nil {
			p.progress.start(rd)
		}
		err = p.run(path, rd, in)
	} else {
		// Reading and decompression run on another core, ahead of the
		// state engine.
		pf := scap.NewPrefetcher(rd)
		defer pf.Close()
		pf.OnSection = eng.LoadMetadata
		err = p.run(path, pf, in)
	}
	// (Not when stdout is gone: trace | head ends quietly.)
	if p.o.Verbose && (err == nil || errors.Is(err, errDamaged)) && p.o.Out.Flush() == nil {
		p.verboseStats(0, 0, time.Since(start))
	}
	return err
}

// warn reports a problem the reader read past (a malformed event it
// skipped, a damaged section header trailer) and counts it. A skipped
// event whose type sysdig 0.29.3 knows still takes an event number, as
// sysdig (which does not check it) numbers it: the events after keep
// their numbers.
func (p *Pipeline) warn(name string, err error, raw *scap.Event, eng *state.Engine) {
	if errors.Is(err, scap.ErrMalformedEvent) {
		p.damage.skipped++
		eng.CountSkipped(raw.Type)
	} else {
		p.damage.other++
	}
	p.printWarning(fmt.Sprintf("%s: %s: %v", p.o.Prog, name, err))
}

// warnPartial reports an event whose parameter lengths run past it: it is
// shown with the parameters that fit.
func (p *Pipeline) warnPartial(name string, raw *scap.Event) {
	p.damage.partial++
	p.printWarning(fmt.Sprintf("%s: %s: malformed event at byte %d: its parameter lengths run past its %d bytes; shown with the %d of its %d parameters that fit",
		p.o.Prog, name, raw.Offset, len(raw.Raw()), raw.NumParams(), raw.NParams))
}

func (p *Pipeline) printWarning(msg string) {
	if p.damage.total() > maxWarnings {
		return
	}
	p.o.Out.Flush()
	fmt.Fprintln(p.o.Stderr, msg)
	if p.damage.total() == maxWarnings {
		fmt.Fprintf(p.o.Stderr, "%s: (further warnings only counted)\n", p.o.Prog)
	}
}

func count(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// damaged ends an input that had warnings: a summary line on stderr and
// an error (the exit status says the capture was not read whole).
func (p *Pipeline) damaged(name string) error {
	d := p.damage
	var parts []string
	if d.skipped > 0 {
		parts = append(parts, fmt.Sprintf("%s skipped", count(d.skipped, "malformed event")))
	}
	if d.partial > 0 {
		parts = append(parts, fmt.Sprintf("%s shown with the parameters that fit", count(d.partial, "malformed event")))
	}
	if d.other > 0 {
		parts = append(parts, fmt.Sprintf("%s read past", count(d.other, "damaged header")))
	}
	return p.fail(fmt.Errorf("%s: %s: %w: %s", p.o.Prog, name, errDamaged, strings.Join(parts, ", ")))
}

// verboseStats prints sysdig's -v counters on stderr after an input.
func (p *Pipeline) verboseStats(driverEvents, drops uint64, elapsed time.Duration) {
	var sup int64
	if p.suppress != nil {
		sup = p.suppress.n
	}
	el := elapsed.Seconds()
	eps := 0.0
	if el > 0 {
		eps = float64(p.captured) / el
	}
	fmt.Fprintf(p.o.Stderr, "Driver Events:%d\nDriver Drops:%d\nSuppressed by Comm:%d\n", driverEvents, drops, sup)
	fmt.Fprintf(p.o.Stderr, "Elapsed time: %.3f, Captured Events: %d, %.2f eps\n", el, p.captured, eps)
}

// source is where events come from: a capture file or the live probes.
type source interface {
	// NextInto reads the next event; io.EOF ends the input.
	NextInto(ev *scap.Event) error
}

// matches runs the filter on ev (internal events pass when -D shows them).
func (p *Pipeline) matches(ev *state.Event) bool {
	if ev.Internal && p.o.Debug && !p.o.DisplayFilter {
		// A capture filter lets internal events through with -D; a
		// display filter does not.
		return true
	}
	c := p.o.Ctx
	if c.Ev != ev { // (the same event each time: no write barrier)
		c.Ev = ev
	}
	// Same thread, same state: same verdict (for filters on thread identity).
	return p.filter.MatchCached(c, p.epoch)
}

// begin starts an input: the writer, the sinks, the engine's prefilter.
func (p *Pipeline) begin(in *Input) error {
	if w := p.o.Writer; w != nil {
		if err := w.Start(in.Metadata, in.Engine); err != nil {
			return p.writeErr(err)
		}
	}
	for _, s := range p.o.Sinks {
		if err := s.Start(in); err != nil {
			return p.fail(err)
		}
	}
	if p.filter != nil && !p.o.DisplayFilter {
		in.Engine.Prefilter = p.matches
	}
	if p.suppress != nil {
		p.suppress.reset(in.Metadata, in.Live)
	}
	p.captured = 0
	p.damage = damageCount{}
	p.live = in.Live
	return nil
}

// run processes the events of one input. name is used in error messages.
func (p *Pipeline) run(name string, src source, in *Input) error {
	if err := p.begin(in); err != nil {
		return err
	}
	o := &p.o
	eng := in.Engine
	var raw scap.Event
	var ev state.Event
	var nread int64 // events read
	var durStart, lastFlushSec uint64
	durNs := uint64(o.Duration)
	eof := false
	for !p.stop.Load() && (o.NumEvents <= 0 || p.captured < o.NumEvents) {
		if err := src.NextInto(&raw); err != nil {
			if err == io.EOF {
				eof = true
				break
			}
			if scap.IsWarning(err) {
				p.warn(name, err, &raw, eng)
				continue
			}
			if p.progress != nil {
				p.progress.abort()
			}
			return p.fail(fmt.Errorf("%s: %s: %s", o.Prog, name, readError(err)))
		}
		if p.suppress != nil && p.suppress.drop(&raw) {
			continue
		}
		if !eng.Process(&raw, &ev) {
			// sysdig 0.29.3 does not know this event type: skipped and not
			// numbered, but kept in written captures.
			if o.Writer != nil {
				if err := o.Writer.WriteRaw(&raw, eng); err != nil {
					return p.writeErr(err)
				}
			}
			continue
		}
		if raw.Malformed() {
			p.warnPartial(name, &raw)
		}
		if in.Live && ev.Ts/1e9 != lastFlushSec {
			// Live output reaches pipes within about a second.
			lastFlushSec = ev.Ts / 1e9
			if o.Out.Buffered() > 0 {
				o.Out.Flush()
			}
		}
		if ev.Setup {
			if p.progress != nil && nread&0xfff == 0 {
				p.progress.update(nread)
			}
			if o.Writer != nil {
				if err := o.Writer.Write(&ev, eng); err != nil {
					return p.writeErr(err)
				}
			}
			continue
		}
		if durStart == 0 {
			durStart = ev.Ts
		} else if durNs > 0 && ev.Ts-durStart >= durNs {
			break
		}
		nread++
		if nread&0xff == 0 {
			if p.progress != nil && nread&0xfff == 0 {
				p.progress.update(nread)
			}
			if !in.Live && p.runCtx != nil && p.runCtx.Err() != nil {
				break // (the flag raised by watch may not be up yet)
			}
		}
		if p.hold != nil {
			if stop, err := p.holdBefore(&ev, eng); err != nil {
				return err
			} else if stop {
				break
			}
		}
		stop, err := p.deliver(&raw, &ev, eng)
		if err != nil {
			return err
		}
		if stop {
			break
		}
	}
	if p.progress != nil {
		p.progress.finish(nread, !eof)
	}
	if p.damage.total() > 0 {
		return p.damaged(name)
	}
	return nil
}

// deliver takes a parsed event through the filter to the summary, the
// writer, the sinks and the printer. stop is set when a sink ended the
// run.
func (p *Pipeline) deliver(raw *scap.Event, ev *state.Event, eng *state.Engine) (stop bool, err error) {
	o := &p.o
	c := o.Ctx
	if c.Ev != ev {
		c.Ev = ev
	}
	// Internal events pass any filter when -D shows them; a -d filter
	// only decides what is printed. A capture filter was already run by
	// the engine on events that do not change state.
	pass := true
	switch {
	case ev.Verdict != 0:
		pass = ev.Verdict > 0
	case p.filter != nil:
		pass = p.matches(ev)
	}
	captured := pass || o.DisplayFilter
	if captured {
		if !(p.live && ev.Internal && !o.Debug) {
			// Live, -n counts what reaches the output: not the
			// procinfo rounds (files count them, as sysdig does).
			p.captured++
		}
		if o.Summary != nil {
			o.Summary.Add(ev)
		}
	}
	if o.Writer != nil {
		write := captured || ev.Internal
		if !write && o.FatFile && ev.Info.Flags&scap.EF_MODIFIES_STATE != 0 {
			// -F: state-changing events the filter rejected are kept,
			// flagged so that readers rebuild state without showing them.
			raw.Flags |= scap.FlagStateOnly
			write = true
		}
		if write {
			if err := o.Writer.Write(ev, eng); err != nil {
				return false, p.writeErr(err)
			}
		}
	}
	if o.Sinks != nil {
		return p.toSinks(c, pass || o.DisplayFilter)
	}
	p.print(c, pass)
	return false, nil
}

// toSinks gives an event to the sinks: Event when it passed, Rejected
// otherwise.
func (p *Pipeline) toSinks(c *fields.Ctx, pass bool) (stop bool, err error) {
	if c.Ev.Hidden {
		return false, nil
	}
	if pass {
		for _, s := range p.o.Sinks {
			if err := s.Event(c); err != nil {
				return p.sinkErr(err)
			}
		}
		return false, nil
	}
	for _, r := range p.rejecters {
		if err := r.Rejected(c); err != nil {
			return p.sinkErr(err)
		}
	}
	return false, nil
}

func (p *Pipeline) sinkErr(err error) (bool, error) {
	if errors.Is(err, ErrStop) {
		return true, nil
	}
	return false, p.fail(err)
}

// print shows an event on the line printer.
func (p *Pipeline) print(c *fields.Ctx, pass bool) {
	o := &p.o
	ev := c.Ev
	if o.Line == nil || ev.Hidden || (ev.Internal && !o.Debug) || o.Quiet {
		return
	}
	if !pass {
		if o.DisplayFilter {
			// sysdig formats the events a display filter rejects:
			// deltas count from the previous event, not line.
			o.Line.Touch(c)
		}
		return
	}
	var ok bool
	if p.buf, ok = o.Line.Append(p.buf[:0], c); !ok {
		p.unprinted++
		return
	}
	p.printed++
	o.Out.Write(p.buf)
	if o.FlushEach {
		o.Out.Flush()
	}
}

func readError(err error) string {
	if errors.Is(err, scap.ErrNoEvents) {
		return "no events in file"
	}
	return err.Error()
}
