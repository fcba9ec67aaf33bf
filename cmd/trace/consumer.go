package main

import (
	"errors"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// A consumer receives the events of a run after the command-line filter:
// chisels (-c) and rules (--rules) plug in here. When a run has
// consumers, trace does not print events itself.
type consumer interface {
	// Start is called before the events of each input (capture file or
	// live capture) with its metadata and state engine.
	Start(md *scap.Metadata, eng *state.Engine, live bool) error
	// Event is called for every event that passed the filter, internal
	// ones included (ev.Internal), setup ones excluded. ctx.Ev is the
	// event. Returning errStopCapture ends the run cleanly.
	Event(ctx *fields.Ctx) error
	// End is called once when the run ends (also after errors and
	// truncated inputs), so chisels can print their summary.
	End() error
}

// errStopCapture is returned by consumers that want the run to end
// (chisels calling sysdig.end_capture, for instance).
var errStopCapture = errors.New("capture stopped by consumer")

// consumerFactories build the consumers a command line asks for; files
// implementing a kind of consumer register a factory in init. A factory
// returns nil when its options are not in use.
var consumerFactories []func(o *Options, s *session) (consumer, error)
