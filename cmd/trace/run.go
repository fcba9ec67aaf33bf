package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/containers"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/internal/term"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// formatString returns the -p format the options ask for ("" for the
// default line).
func (o *Options) formatString() string {
	if f, ok := output.Preset(o.Format); ok {
		return f
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

// line builds the event printer: sysdig's default line, or a -p/-j format.
func (o *Options) line(r *fields.Renderer, tty bool) (output.Line, error) {
	fs := o.formatString()
	if fs == "" && !o.JSON && !o.FormatSet {
		return output.DefaultLine(&output.DefaultPrinter{R: r, Time: output.OutputTime{Mode: output.TimeMode(o.TimeType[0])}, TTY: tty}), nil
	}
	if fs == "" && !o.FormatSet {
		fs = output.DefaultFormat
	}
	f, err := output.ParseFormat(fs)
	if err != nil {
		return nil, err
	}
	return output.FormatLine(f, o.JSON), nil
}

// writer builds the -w capture writer, or nil.
func (o *Options) writer() *output.Dumper {
	if o.WriteFile == "" {
		return nil
	}
	comp, _ := scap.ParseCompression(o.Compress)
	layout, _ := scap.ParseLayout(o.Layout)
	return &output.Dumper{Path: o.WriteFile, Compression: comp, Layout: layout,
		FileSize: int64(o.FileSizeMB) * 1000 * 1000, Seconds: uint64(o.RotateSeconds),
		Limit: o.FileLimit, Events: int64(o.EventLimit), Inputs: o.ReadFiles}
}

// runEvents builds the pipeline the options ask for and runs it on the
// capture files, or live. next is a command line a chisel asked to run
// afterwards.
func runEvents(ctx context.Context, o *Options, out *bufio.Writer, stdout, stderr *os.File) (rc int, next []string) {
	live := len(o.ReadFiles) == 0
	if live && o.Progress {
		fmt.Fprintln(stderr, "the -P flag cannot be used with live captures.")
		return 1, nil
	}
	if live && o.FilterProcs {
		fmt.Fprintln(stderr, "--filter-proclist not supported with live captures.")
		return 1, nil
	}
	// Filter and format errors come before the probes load, and chisels'
	// on_init may ask for a longer snaplen.
	flt, ok := compileFilter(o.Filter, stderr)
	if !ok {
		return 1, nil
	}
	var ports state.PortNamer
	if o.ResolvePorts {
		ports = fields.PortName
	}
	r := fields.NewRenderer()
	r.Ports = ports
	if o.Verbose {
		r.MaxBufLen = 0
	}
	r.Format = o.bufFormat()
	tty := term.IsTTY(stdout)
	colors := tty && !o.FormatSet && !o.JSON
	ln, err := o.line(r, colors)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1, nil
	}
	po := pipeline.Options{
		Prog: "trace", Out: out, Stderr: stderr,
		Ctx:    &fields.Ctx{R: r, Time: &output.OutputTime{Mode: output.TimeMode(o.TimeType[0])}, ResolvePorts: o.ResolvePorts},
		Filter: flt, DisplayFilter: o.DisplayFilter, Debug: o.Debug, FatFile: o.FatFile,
		NumEvents: o.NumEvents, Duration: time.Duration(o.Duration) * time.Second,
		SuppressComm: o.SuppressComm, Verbose: o.Verbose,
		Line: ln, Quiet: o.Quiet || o.WriteFile != "", Writer: o.writer(),
		Progress:    !live && (o.Progress || o.WriteFile != ""),
		ProgressTTY: term.IsTTY(stderr),
		// sysdig flushes after every JSON line; trace does when a terminal
		// reads it, which looks the same and keeps piped output fast.
		FlushEach: o.Unbuffered || (o.JSON && tty),
		Engine:    state.Options{PortNames: ports, NoUserTables: o.ExcludeUsers, FalcoSockets: len(o.Rules) > 0},
	}
	var summary *output.Summary
	if o.Summary {
		summary = output.NewSummary()
		if o.chisels == nil {
			// sysdig does not collect -S when chisels run: the table is empty.
			po.Summary = summary
		}
	}
	// Chisels may replace the filter from on_init on, before the pipeline
	// exists.
	var p *pipeline.Pipeline
	setFilter := func(f *filter.Filter) {
		if p == nil {
			po.Filter = f
		} else {
			p.SetFilter(f)
		}
	}
	runner, err := o.addSinks(ctx, &po, out, stderr, colors, setFilter)
	if o.chisels != nil && o.chisels.stopGuard != nil {
		defer o.chisels.stopGuard()
	}
	if err != nil {
		if err.Error() != "" {
			fmt.Fprintln(stderr, err)
		}
		return 1, nil
	}
	p = pipeline.New(po)
	if live {
		err = runLive(ctx, o, p, stderr)
	} else {
		err = p.ReadFiles(ctx, o.ReadFiles)
	}
	if err != nil {
		rc = 1
	}
	if summary != nil {
		summary.Print(out)
	}
	if colors && runner == nil {
		out.WriteString("\x1b[00m")
	}
	if runner != nil {
		if cmd, ok := o.chisels.host.NextRun(); ok {
			next = chisels.SplitCommandLine(cmd)
		}
	}
	return rc, next
}

// addSinks adds the chisels and the rules the options ask for to po; it
// returns the chisels' runner (nil without -c).
func (o *Options) addSinks(ctx context.Context, po *pipeline.Options, out *bufio.Writer, stderr io.Writer, colors bool, setFilter func(*filter.Filter)) (*chisels.Runner, error) {
	if cs := o.chisels; cs != nil {
		// Ends a chisel that exhausts memory or loops after Ctrl-C. The
		// exit runs on the guard's goroutine while the chisel still runs.
		cs.stopGuard = cs.host.Watch(ctx, chisels.Guard{Limit: chisels.DefaultMemoryLimit(), Stderr: stderr,
			Exit: func(code int) { out.Flush(); os.Exit(code) }})
	}
	runner, err := o.chiselRunner(po.Ctx, out, stderr, colors, setFilter)
	if err != nil {
		return nil, err
	}
	if runner != nil {
		po.Sinks = append(po.Sinks, runner)
	}
	alerter, err := newAlerter(ctx, o, out, stderr)
	if err != nil {
		return nil, err
	}
	if alerter != nil {
		po.Sinks = append(po.Sinks, alerter)
	}
	return runner, nil
}

// runLive captures live, with container metadata from the runtimes.
func runLive(ctx context.Context, o *Options, p *pipeline.Pipeline, stderr *os.File) error {
	cm := containers.Open(ctx, containers.Options{CRISockets: o.CRI, Timeout: o.CRITimeout, HostRoot: os.Getenv("HOST_ROOT"),
		Warn: func(msg string) { fmt.Fprintf(stderr, "trace: %s\n", msg) }})
	defer cm.Close()
	lo := pipeline.LiveOptions{Snaplen: o.Snaplen, Containers: cm, Hold: containers.Hold}
	if o.CRITimeout > 0 {
		lo.Hold = min(lo.Hold, o.CRITimeout)
	}
	if term.IsTTY(stderr) {
		lo.Opened = func() { fmt.Fprintln(stderr, "trace: capturing (Ctrl-C to stop)") }
	}
	return p.Live(ctx, lo)
}

// chiselRunner prepares the -c chisels for the run: their output, the
// terminal, the filter they may replace. It returns nil without chisels.
func (o *Options) chiselRunner(ctx *fields.Ctx, out *bufio.Writer, stderr io.Writer, colors bool, setFilter func(*filter.Filter)) (*chisels.Runner, error) {
	cs := o.chisels
	if cs == nil {
		return nil, nil
	}
	// Chisels see whole buffers: sysdig cuts them at 80 bytes only when
	// it prints events itself.
	if !o.Verbose {
		ctx.R.MaxBufLen = 0
	}
	cs.out.Attach(out)
	h := cs.host
	h.Stderr = stderr
	h.Exit = func(code int) {
		out.Flush()
		os.Exit(code)
	}
	h.TermWidth, h.TermHeight = -1, -1
	h.TTY = term.IsTTY(os.Stdout)
	if cw, ch, ok := term.Size(os.Stdout); ok {
		h.TermWidth, h.TermHeight = cw, ch
	}
	h.Filter = o.Filter
	h.Ctx = ctx
	h.BufFormatSet = len(o.fmtFlags) > 0 || o.JSON
	h.SetFilter = func(expr string) error {
		if strings.TrimSpace(expr) == "" {
			setFilter(nil)
			return nil
		}
		f, err := filter.Compile(expr)
		if err != nil {
			return err
		}
		setFilter(f)
		return nil
	}
	h.Debug = o.Debug
	r, err := chisels.NewRunner(h, cs.list)
	if err != nil {
		return nil, err
	}
	if colors {
		// On a terminal sysdig resets the colours before the chisels' end.
		r.BeforeEnd = func() { out.WriteString("\x1b[00m") }
	}
	return r, nil
}
