// Command ctrace is trace's csysdig: top-like, interactive views of the
// live system or of a capture file (processes, threads, files,
// connections, containers, system calls...), with drill-down, echo and
// dig. With --raw or -j it prints a view's data as csysdig does. It only
// parses the command line and wires the pipeline to package views and
// its terminal UI.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/containers"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/cli"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/state"
	"github.com/traceproj/trace/views"
)

// Version is ctrace's version, printed by --version.
const Version = "0.1.0"

func main() { cli.Main(run) }

func run(args []string, stdout, stderr *os.File) int {
	o, err := parseArgs(args)
	if err != nil {
		return cli.Status(err, stderr)
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	for _, n := range o.notes {
		fmt.Fprintln(stderr, n)
	}
	switch {
	case o.Help:
		options(&Options{}).WriteHelp(out, helpPage())
		return 0
	case o.Man:
		options(&Options{}).WriteMan(out, helpPage())
		return 0
	case o.Completion != "":
		if err := options(&Options{}).WriteCompletion(out, "ctrace", o.Completion); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		return 0
	case o.Version:
		fmt.Fprintf(out, "ctrace version %s\n", Version)
		return 0
	case o.List:
		fields.WriteList(out, false)
		return 0
	}
	if o.LogFile != "" {
		// ctrace logs nothing yet; the file is created as csysdig does.
		if f, err := os.OpenFile(o.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err == nil {
			f.Close()
		}
	}
	set := views.Load(chisels.Dirs(), views.Options{Containers: o.Containers, JSON: o.JSON})
	if o.ListViews {
		views.WriteList(out, set)
		return 0
	}
	idx := set.Index(o.View)
	if o.View == "" {
		for i, v := range set.Views {
			if v.IsRoot {
				idx = i
				break
			}
		}
	}
	if idx < 0 {
		out.Flush()
		fmt.Fprintf(stderr, "view %s not found\n", o.View)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	mode := views.OutNone
	switch {
	case o.JSON:
		mode = views.OutJSON
	case o.Raw:
		mode = views.OutRaw
	}
	if mode == views.OutNone {
		return runUI(ctx, o, set, idx, stderr)
	}
	return runHeadless(ctx, o, set, idx, mode, out, stderr)
}

// newPipeline builds the pipeline that feeds a view: no filter of its
// own (every view filters in its table), no printing.
func newPipeline(o *Options, sink pipeline.Sink, stderr io.Writer) (*pipeline.Pipeline, *fields.Ctx) {
	var ports state.PortNamer
	if o.ResolvePorts {
		ports = fields.PortName
	}
	r := fields.NewRenderer()
	r.Ports = ports
	fctx := &fields.Ctx{R: r, Time: &output.OutputTime{Mode: output.TimeMode('h')}, ResolvePorts: o.ResolvePorts}
	p := pipeline.New(pipeline.Options{Prog: "ctrace", Stderr: stderr, Ctx: fctx, Quiet: true,
		Engine: state.Options{PortNames: ports}, Sinks: []pipeline.Sink{sink}})
	return p, fctx
}

func runHeadless(ctx context.Context, o *Options, set *views.Set, idx int, mode views.Output, out *bufio.Writer, stderr *os.File) int {
	r := &views.Runner{Set: set, View: idx, CmdFilter: o.Filter, RefreshNs: o.RefreshNs, SortCol: o.sortCol,
		NumEvents: o.NumEvents, Mode: mode, Out: out}
	p, fctx := newPipeline(o, r, stderr)
	r.Ctx = fctx
	if err := r.Setup(); err != nil {
		out.Flush()
		fmt.Fprintln(stderr, err)
		return 1
	}
	if mode == views.OutJSON {
		out.WriteString("{\"slices\": [\n{\"progress\": 0},\n")
	}
	var err error
	if o.ReadFile != "" {
		err = p.ReadFiles(ctx, []string{o.ReadFile})
	} else {
		err = runLive(ctx, o, p, stderr)
	}
	if mode == views.OutJSON {
		out.WriteString("]}\n")
	}
	out.Flush()
	if err != nil {
		if !errors.Is(err, pipeline.ErrReported) {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	return 0
}

// runLive captures live, with container metadata from the runtimes.
func runLive(ctx context.Context, o *Options, p *pipeline.Pipeline, stderr io.Writer) error {
	cm := containers.Open(ctx, containers.Options{CRISockets: o.CRI, Timeout: o.CRITimeout, HostRoot: os.Getenv("HOST_ROOT"),
		Warn: func(msg string) { fmt.Fprintf(stderr, "ctrace: %s\n", msg) }})
	defer cm.Close()
	return p.Live(ctx, pipeline.LiveOptions{Snaplen: o.Snaplen, Containers: cm})
}
