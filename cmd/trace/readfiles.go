package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// session holds what lives across the files of one run.
type session struct {
	o        *Options
	out      *bufio.Writer
	stderr   io.Writer
	printer  *output.DefaultPrinter
	summary  *summary
	dump     *output.Dumper
	progress *progress
	// filter selects events (nil: all); with -d it only selects what is
	// printed.
	filter *filter.Filter
	// format is the -p/-j format; nil uses the default printer.
	format *output.Format
	json   bool
	ctx    *fields.Ctx
	// filterEpoch counts filter replacements (chisels' set_filter); it
	// keys the verdicts cached on threads with the state generation.
	filterEpoch uint64
	// flushEach flushes stdout after every printed event.
	flushEach bool
	suppress  *suppressor // -U
	// captured counts the events of the current input past the filter
	// (all with -d): for -n and -v.
	captured int64
	// consumers (chisels, rules) get the filtered events; with any,
	// events are not printed.
	consumers []consumer
}

// Default -p presets.
const (
	formatContainer  = "*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info"
	formatKubernetes = "*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info"
	formatMesos      = "*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info"
)

// formatString returns the -p format the options ask for ("" for the
// default line).
func (o *Options) formatString() string {
	switch o.Format {
	case "c", "container":
		return formatContainer
	case "k", "kubernetes":
		return formatKubernetes
	case "m", "mesos":
		return formatMesos
	}
	if o.FormatSet {
		return output.Unescape(o.Format)
	}
	return ""
}

// compileFilter compiles the command-line filter, printing sysdig's error
// (and the expression with a caret) on failure.
func compileFilter(expr string, stderr io.Writer) (*filter.Filter, bool) {
	f, err := filter.Compile(expr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		var fe *filter.Error
		if errors.As(err, &fe) {
			fmt.Fprint(stderr, fe.Caret())
		}
		return nil, false
	}
	return f, true
}

// newSession builds the printer, summary, writer and progress of a run
// from the options; file and live inputs share it.
func newSession(o *Options, out *bufio.Writer, stdout, stderr *os.File) (*session, int) {
	flt, ok := compileFilter(o.Filter, stderr)
	if !ok {
		return nil, 1
	}
	var format *output.Format
	if fs := o.formatString(); fs != "" || o.JSON || o.FormatSet {
		if fs == "" && !o.FormatSet {
			fs = output.DefaultFormat
		}
		var err error
		if format, err = output.ParseFormat(fs); err != nil {
			fmt.Fprintln(stderr, err)
			return nil, 1
		}
	}
	state.ResolvePorts = o.ResolvePorts
	r := fields.NewRenderer()
	if o.Verbose {
		r.MaxBufLen = 0
	}
	r.Format = o.bufFormat()
	s := &session{o: o, out: out, stderr: stderr, filter: flt, format: format, json: o.JSON}
	tty := isTTY(stdout)
	s.printer = &output.DefaultPrinter{R: r, Time: output.OutputTime{Mode: output.TimeMode(o.TimeType[0])}, TTY: tty && !o.FormatSet && !o.JSON}
	s.ctx = &fields.Ctx{R: r, Time: &output.OutputTime{Mode: output.TimeMode(o.TimeType[0])}, ResolvePorts: o.ResolvePorts}
	// sysdig flushes after every JSON line; trace does when a terminal
	// reads it, which looks the same and keeps piped output fast.
	s.flushEach = o.Unbuffered || (o.JSON && tty)
	if len(o.SuppressComm) > 0 {
		s.suppress = newSuppressor(o.SuppressComm)
	}
	if o.Summary {
		s.summary = newSummary()
	}
	if o.WriteFile != "" {
		comp := scap.CompressNone
		switch o.Compress {
		case "gzip":
			comp = scap.CompressGzip
		case "zstd":
			comp = scap.CompressZstd
		}
		s.dump = &output.Dumper{Path: o.WriteFile, Compression: comp,
			FileSize: int64(o.FileSizeMB) * 1000 * 1000, Seconds: uint64(o.RotateSeconds),
			Limit: o.FileLimit, Events: int64(o.EventLimit)}
		o.Quiet = true
		o.Progress = true
	}
	if o.Progress {
		s.progress = &progress{w: stderr}
	}
	for _, mk := range consumerFactories {
		c, err := mk(o, s)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return nil, 1
		}
		if c != nil {
			s.consumers = append(s.consumers, c)
		}
	}
	return s, 0
}

// matches runs the filter on ev (internal events pass when -D shows them).
func (s *session) matches(ev *state.Event) bool {
	if ev.Internal && s.o.Debug && !s.o.DisplayFilter {
		// A capture filter lets internal events through with -D; a
		// display filter does not.
		return true
	}
	s.ctx.Ev = ev
	// Same thread, same state: same verdict (for filters on thread identity).
	return s.filter.MatchCached(s.ctx, s.filterEpoch)
}

// endConsumers tells every consumer the run is over; the first error
// wins.
func (s *session) endConsumers() int {
	rc := 0
	for _, c := range s.consumers {
		if err := c.End(); err != nil && rc == 0 {
			fmt.Fprintln(s.stderr, err)
			rc = 1
		}
	}
	return rc
}

func readFiles(o *Options, out *bufio.Writer, stdout, stderr *os.File) int {
	s, code := newSession(o, out, stdout, stderr)
	if s == nil {
		return code
	}
	rc := 0
	for _, f := range o.ReadFiles {
		if code := s.readFile(f); code != 0 {
			rc = code
			break
		}
		if stopFlag.Load() {
			break
		}
	}
	if s.dump != nil {
		if err := s.dump.Close(); err != nil && rc == 0 {
			fmt.Fprintf(stderr, "trace: %s: %v\n", o.WriteFile, err)
			rc = 1
		}
	}
	if code := s.endConsumers(); code != 0 && rc == 0 {
		rc = code
	}
	if s.summary != nil {
		s.summary.print(out)
	}
	if s.printer.TTY {
		out.WriteString("\x1b[00m")
	}
	return rc
}

// source is where events come from: a capture file or the live probe.
type source interface {
	// NextInto reads the next event; io.EOF ends the input.
	NextInto(ev *scap.Event) error
}

func (s *session) readFile(path string) int {
	rd, err := scap.Open(path)
	if err != nil {
		fmt.Fprintf(s.stderr, "trace: %s\n", describeOpenError(path, err))
		return 1
	}
	defer rd.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(rd.Metadata())
	start := time.Now()
	var rc int
	if s.progress != nil {
		// Progress reads the reader's position: read on this goroutine.
		rd.OnSection = eng.LoadMetadata
		s.progress.start(rd)
		rc = s.run(path, rd, rd.Metadata(), eng, false)
	} else {
		// Reading and decompressing run on another core, ahead of the
		// state engine.
		pf := scap.NewPrefetcher(rd)
		defer pf.Close()
		pf.OnSection = eng.LoadMetadata
		rc = s.run(path, pf, rd.Metadata(), eng, false)
	}
	// (Not when stdout is gone: trace | head ends quietly.)
	if s.o.Verbose && rc == 0 && s.out.Flush() == nil {
		s.verboseStats(0, 0, time.Since(start))
	}
	return rc
}

// verboseStats prints sysdig's -v counters on stderr after an input.
func (s *session) verboseStats(driverEvents, drops uint64, elapsed time.Duration) {
	var sup int64
	if s.suppress != nil {
		sup = s.suppress.n
	}
	el := elapsed.Seconds()
	eps := 0.0
	if el > 0 {
		eps = float64(s.captured) / el
	}
	fmt.Fprintf(s.stderr, "Driver Events:%d\nDriver Drops:%d\nSuppressed by Comm:%d\n", driverEvents, drops, sup)
	fmt.Fprintf(s.stderr, "Elapsed time: %.3f, Captured Events: %d, %.2f eps\n", el, s.captured, eps)
}

// run processes the events of one input: state, counting, summary,
// writing and printing. name is used in error messages.
func (s *session) run(name string, src source, md *scap.Metadata, eng *state.Engine, live bool) int {
	o := s.o
	if s.dump != nil {
		if err := s.dump.Start(md, eng); err != nil {
			fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
			return 1
		}
	}
	for _, c := range s.consumers {
		if err := c.Start(md, eng, live); err != nil {
			fmt.Fprintln(s.stderr, err)
			return 1
		}
	}
	if s.filter != nil && !o.DisplayFilter {
		eng.Prefilter = s.matches
	}
	if s.suppress != nil {
		s.suppress.reset(md, live)
	}
	s.captured = 0
	var raw scap.Event
	var ev state.Event
	var nread int64 // events read
	var durStart, lastFlushSec uint64
	durNs := uint64(o.Duration) * 1e9
	buf := make([]byte, 0, 4096)
	ctx := s.ctx
	for {
		if stopFlag.Load() {
			break
		}
		if o.NumEvents > 0 && s.captured >= o.NumEvents {
			break
		}
		err := src.NextInto(&raw)
		if err != nil {
			if err == io.EOF {
				break
			}
			s.out.Flush()
			if s.progress != nil {
				s.progress.abort()
			}
			fmt.Fprintf(s.stderr, "trace: %s: %s\n", name, describeReadError(err))
			return 1
		}
		if s.suppress != nil && s.suppress.drop(&raw) {
			continue
		}
		if !eng.Process(&raw, &ev) {
			// sysdig 0.29.3 does not know this event type: skipped and not
			// numbered, but kept in written captures.
			if s.dump != nil {
				if err := s.dump.WriteRaw(&raw, eng); err != nil {
					fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
					return 1
				}
			}
			continue
		}
		if live && ev.Ts/1e9 != lastFlushSec {
			// Live output reaches pipes within about a second.
			lastFlushSec = ev.Ts / 1e9
			if s.out.Buffered() > 0 {
				s.out.Flush()
			}
		}
		if !ev.Setup {
			if durStart == 0 {
				durStart = ev.Ts
			} else if durNs > 0 && ev.Ts-durStart >= durNs {
				break
			}
			nread++
		}
		if s.progress != nil && nread&0xfff == 0 {
			s.progress.update()
		}
		if ev.Setup {
			if s.dump != nil {
				if err := s.dump.Write(&ev, eng); err != nil {
					fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
					return 1
				}
			}
			continue
		}
		ctx.Ev = &ev
		// Internal events pass any filter when -D shows them; a -d filter
		// only decides what is printed. A capture filter was already run
		// by the engine on events that do not change state.
		pass := true
		switch {
		case ev.Verdict != 0:
			pass = ev.Verdict > 0
		case s.filter != nil:
			pass = s.matches(&ev)
		}
		captured := pass || o.DisplayFilter
		if captured {
			s.captured++
		}
		if s.summary != nil && captured {
			s.summary.add(&ev)
		}
		if s.dump != nil {
			write := captured || ev.Internal
			if !write && o.FatFile && ev.Info.Flags&scap.EF_MODIFIES_STATE != 0 {
				// -F: state-changing events the filter rejected are kept,
				// flagged so that readers rebuild state without showing
				// them.
				raw.Flags |= scap.FlagStateOnly
				write = true
			}
			if write {
				if err := s.dump.Write(&ev, eng); err != nil {
					fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
					return 1
				}
			}
		}
		if o.DisplayFilter && s.consumers != nil {
			// -d only decides what is printed: chisels see every event.
			pass = true
		}
		if !pass && s.consumers != nil && !ev.Hidden {
			// Rejected events still advance chisels' interval clocks.
			for _, c := range s.consumers {
				if sk, ok := c.(interface{ Skipped(*fields.Ctx) error }); ok {
					if err := sk.Skipped(ctx); err != nil {
						if errors.Is(err, errStopCapture) {
							goto done
						}
						s.out.Flush()
						fmt.Fprintln(s.stderr, err)
						return 1
					}
				}
			}
			continue
		}
		if pass && s.consumers != nil && !ev.Hidden {
			for _, c := range s.consumers {
				if err := c.Event(ctx); err != nil {
					if errors.Is(err, errStopCapture) {
						goto done
					}
					s.out.Flush()
					fmt.Fprintln(s.stderr, err)
					return 1
				}
			}
			continue
		}
		if ev.Hidden || (ev.Internal && !o.Debug) || o.Quiet {
			continue
		}
		if !pass {
			if o.DisplayFilter {
				// sysdig formats the events a display filter rejects:
				// deltas count from the previous event, not line.
				if s.format == nil {
					s.printer.Touch(&ev)
				} else {
					s.format.Touch(ctx, s.json)
				}
			}
			continue
		}
		if s.format == nil {
			buf = s.printer.Append(buf[:0], &ev)
		} else {
			var ok bool
			if s.json {
				buf, ok = s.format.AppendJSON(buf[:0], ctx)
			} else {
				buf, ok = s.format.Append(buf[:0], ctx)
			}
			if !ok {
				continue
			}
		}
		s.out.Write(buf)
		if s.flushEach {
			s.out.Flush()
		}
	}
done:
	if s.progress != nil {
		s.progress.finish()
	}
	return 0
}

func describeOpenError(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("can't open file %s: no such file or directory", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("can't open file %s: permission denied", path)
	case errors.Is(err, scap.ErrNotCapture):
		return fmt.Sprintf("%s: %v", path, err)
	}
	var be *scap.BlockError
	if errors.As(err, &be) {
		return fmt.Sprintf("%s: %v", path, be)
	}
	return fmt.Sprintf("%s: %v", path, err)
}

func describeReadError(err error) string {
	if errors.Is(err, scap.ErrNoEvents) {
		return "no events in file"
	}
	return err.Error()
}
