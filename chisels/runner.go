package chisels

import (
	"errors"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/state"
)

// TakesArgs reports whether a chisel given on the command line takes the
// words that follow it (rest, from the next word on) as its argument
// string, as sysdig decides: always when it has required arguments;
// with only optional ones, when the next word does not start with '-'
// and either the chisel's one argument is a filter or the words do not
// make a valid filter.
func (d *Desc) TakesArgs(rest []string) bool {
	if len(d.Args) == 0 || len(rest) == 0 {
		return false
	}
	if d.Required() > 0 {
		return true
	}
	if strings.HasPrefix(rest[0], "-") {
		return false
	}
	if len(d.Args) == 1 && d.Args[0].Type == "filter" {
		return true
	}
	_, err := CompileFilter(strings.Join(rest, " "))
	return err != nil
}

// Runner drives the chisels of a run as a sink of the pipeline.
type Runner struct {
	host    *Host
	list    []*Chisel
	inputs  int
	prevEng *state.Engine
	// BeforeEnd, when set, is called before the chisels' capture ends
	// (on a terminal trace resets the colours there, as sysdig does).
	BeforeEnd func()
}

// NewRunner initializes the chisels (on_init). On an error the chisels'
// capture is still ended, which prints their (empty) tables as sysdig
// does, and they are closed.
func NewRunner(host *Host, list []*Chisel) (*Runner, error) {
	r := &Runner{host: host, list: list}
	if err := r.init(); err != nil {
		for _, ch := range list {
			ch.CaptureEnd(0, 0)
			ch.Close()
		}
		return nil, err
	}
	return r, nil
}

func (r *Runner) init() error {
	for _, ch := range r.list {
		if err := ch.Init(); err != nil {
			return err
		}
	}
	return nil
}

// Start begins an input. sysdig ends the chisels' capture and initializes
// them again for every capture file after the first.
func (r *Runner) Start(in *pipeline.Input) error {
	if r.inputs > 0 {
		if err := r.captureEnd(); err != nil {
			return err
		}
		if err := r.init(); err != nil {
			return err
		}
	}
	r.inputs++
	r.prevEng = in.Engine
	r.host.Start(in.Path, in.Live, in.Engine)
	for _, ch := range r.list {
		if err := ch.CaptureStart(); err != nil {
			return err
		}
	}
	return nil
}

// Event runs the chisels' on_event; sysdig.end_capture ends the run.
func (r *Runner) Event(c *fields.Ctx) error {
	for _, ch := range r.list {
		if err := ch.Event(c); err != nil {
			if errors.Is(err, ErrEndCapture) {
				return pipeline.ErrStop
			}
			return err
		}
	}
	return nil
}

// Rejected drives the chisels' intervals with an event the run's filter
// rejected, as sysdig does.
func (r *Runner) Rejected(c *fields.Ctx) error {
	for _, ch := range r.list {
		if err := ch.Skipped(c.Ev.Ts); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) captureEnd() error {
	var first, last uint64
	if r.prevEng != nil {
		first, last = r.prevEng.FirstTs, r.prevEng.LastTs
	}
	var rc error
	for _, ch := range r.list {
		if err := ch.CaptureEnd(first, last); errors.Is(err, ErrCaptureEnd) {
			break // reported; the others' ends are skipped, the run succeeds
		} else if err != nil && rc == nil {
			rc = err
		}
	}
	return rc
}

// End ends the chisels' capture and closes them. A command line asked
// for with sysdig.run_app is then in the host's NextRun.
func (r *Runner) End() error {
	if r.BeforeEnd != nil {
		r.BeforeEnd()
	}
	err := r.captureEnd()
	for _, ch := range r.list {
		ch.Close()
	}
	return err
}

// SplitCommandLine splits a sysdig.run_app command line into words:
// separated by spaces, double quotes grouping words and removed.
func SplitCommandLine(s string) []string {
	var out []string
	var cur strings.Builder
	inq, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inq = !inq
			have = true
		case c == ' ' && !inq:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}
