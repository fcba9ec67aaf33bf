package main

import (
	"context"
	"fmt"
	"os"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/term"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/state"
	"github.com/traceproj/trace/views"
	"github.com/traceproj/trace/views/tui"
)

// runUI runs the interactive screen: the events of the file (read again
// whenever the view changes) or of the live system go to the view.
func runUI(ctx context.Context, o *Options, set *views.Set, idx int, stderr *os.File) int {
	if !term.IsTTY(os.Stdout) {
		fmt.Fprintln(stderr, "ctrace: the interactive screen needs a terminal; use --raw or -j to print a view")
		return 1
	}
	var ports state.PortNamer
	if o.ResolvePorts {
		ports = fields.PortName
	}
	src := "Live System"
	if o.ReadFile != "" {
		src = o.ReadFile
	}
	cfg := tui.Config{
		Set: set, View: idx, CmdFilter: o.Filter, RefreshNs: o.RefreshNs, Source: src, Live: o.ReadFile == "",
		NewCtx: func() *fields.Ctx {
			r := fields.NewRenderer()
			r.Ports = ports
			return &fields.Ctx{R: r, Time: &output.OutputTime{Mode: output.TimeMode('h')}, ResolvePorts: o.ResolvePorts}
		},
		Run: func(rctx context.Context, sink pipeline.Sink, fctx *fields.Ctx) error {
			p := pipeline.New(pipeline.Options{Prog: "ctrace", Ctx: fctx, Quiet: true, NumEvents: o.NumEvents,
				Engine: state.Options{PortNames: ports}, Sinks: []pipeline.Sink{sink}})
			c, cancel := context.WithCancel(rctx)
			defer cancel()
			stop := context.AfterFunc(ctx, cancel)
			defer stop()
			if o.ReadFile != "" {
				return p.ReadFiles(c, []string{o.ReadFile})
			}
			return runLive(c, o, p, devNull{})
		},
	}
	if err := tui.Run(cfg); err != nil {
		fmt.Fprintln(stderr, "ctrace:", err)
		return 1
	}
	return 0
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }
