package chisels

import (
	"bytes"
	"io"
	"sync/atomic"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/state"
)

// Host is what the chisels of a run share with the program driving them:
// output, command-line settings, and the input being read. The program
// fills the exported fields; Start updates the input ones.
type Host struct {
	// Out receives what chisels print (print, io.write, formatters).
	Out io.Writer
	// Stderr receives the messages sysdig prints before raising "chisel
	// error" (unknown fields, bad filters...).
	Stderr io.Writer
	// Dirs is the search path (see Dirs).
	Dirs []string
	// Exit implements os.exit: flush the output and exit.
	Exit func(code int)

	// TTY tells whether stdout is a terminal, of TermWidth×TermHeight
	// (-1 when not a terminal).
	TTY                   bool
	TermWidth, TermHeight int
	// PrintContainer is set by -pc, -pk and -pm.
	PrintContainer bool
	// JSON is set by -j.
	JSON bool
	// Filter is the command-line filter (sysdig.get_filter).
	Filter string
	// Ctx is the field context of the run; sysdig.set_output_format
	// changes its renderer's buffer format unless BufFormatSet (the user
	// chose -A, -b, -x, -X or -j).
	Ctx          *fields.Ctx
	BufFormatSet bool
	// SetFilter replaces the run's filter (sysdig.set_filter).
	SetFilter func(expr string) error
	// SetSnaplen changes the live capture's snaplen (sysdig.set_snaplen);
	// nil when reading files.
	SetSnaplen func(n int)
	// SetFatfile implements sysdig.set_fatfile_dump_mode.
	SetFatfile func(on bool)
	// Progress returns the percentage of the input read.
	Progress func() float64
	// Debug enables sysdig.log output on Stderr.
	Debug bool

	// The input being read, set by Start.
	source string
	live   bool
	eng    *state.Engine

	// busy is the Lua call running now (nil: none), for the guard.
	busy atomic.Pointer[luaCall]
	seq  atomic.Uint64

	nextRun    string
	hasNextRun bool
	filterSet  bool // a chisel called sysdig.set_filter
}

// Start tells the chisels which input is being read: a capture file
// (source is its path) or the live system.
func (h *Host) Start(source string, live bool, eng *state.Engine) {
	h.source, h.live, h.eng = source, live, eng
}

// NextRun returns the command line a chisel asked to run next with
// sysdig.run_app.
func (h *Host) NextRun() (string, bool) { return h.nextRun, h.hasNextRun }

// HeldWriter holds what chisels print while the command line is parsed
// (their top-level code and on_set_arg run then) until the run's output
// exists.
type HeldWriter struct {
	buf bytes.Buffer
	w   io.Writer
}

func (l *HeldWriter) Write(p []byte) (int, error) {
	if l.w != nil {
		return l.w.Write(p)
	}
	return l.buf.Write(p)
}

// Held returns what was written before Attach.
func (l *HeldWriter) Held() []byte { return l.buf.Bytes() }

// Attach sends what was held, and what follows, to w.
func (l *HeldWriter) Attach(w io.Writer) {
	l.w = w
	w.Write(l.buf.Bytes())
	l.buf.Reset()
}
