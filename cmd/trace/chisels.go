package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// chiselSpec is one -c of the command line: the chisel, loaded while the
// command line is parsed (as sysdig does: its top-level code and
// on_set_arg run then), and the host its output goes through.
type chiselSpec struct {
	ch   *chisels.Chisel
	host *chisels.Host
	out  *lazyWriter
}

// lazyWriter holds what chisels print until the run's output exists.
type lazyWriter struct {
	buf bytes.Buffer
	w   io.Writer
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.w != nil {
		return l.w.Write(p)
	}
	return l.buf.Write(p)
}

// attach sends what was held, and what follows, to w.
func (l *lazyWriter) attach(w io.Writer) {
	l.w = w
	w.Write(l.buf.Bytes())
	l.buf.Reset()
}

func init() {
	consumerFactories = append(consumerFactories, newChiselConsumer)
}

// chiselCommandLine implements sysdig's handling of -c on the command
// line (called by parseArgs): -c l lists the chisels; otherwise each
// chisel is loaded to learn its arguments, and takes the word after its
// name as argument string when it has required arguments, or only
// optional ones and that word neither starts with '-' nor begins a valid
// filter. Consumed words are dropped from the start of the filter words,
// as sysdig drops them. args are the command-line words with long options
// normalized, words the non-option words pflag left.
func chiselCommandLine(o *Options, args, words []string) ([]string, error) {
	type occurrence struct {
		name string
		next int // index in args of the word after the option
	}
	var occ []occurrence
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			for _, lo := range longOpts {
				if lo.name == name && lo.hasArg == 1 && !hasVal && i+1 < len(args) {
					i++
					val = args[i]
				}
			}
			if name == "chisel" {
				occ = append(occ, occurrence{val, i + 1})
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if strings.IndexByte(shortArgOpts, c) < 0 {
				continue
			}
			if c == 'B' { // optional argument: glued only
				break
			}
			val := a[j+1:]
			if val == "" && i+1 < len(args) {
				i++
				val = args[i]
			}
			if c == 'c' {
				occ = append(occ, occurrence{val, i + 1})
			}
			break
		}
	}
	if len(occ) == 0 {
		return words, nil
	}
	for _, oc := range occ {
		if oc.name == "l" {
			o.ListChisels = true
			return words, nil
		}
	}
	out := &lazyWriter{}
	host := &chisels.Host{
		Out:            out,
		Stderr:         os.Stderr,
		Dirs:           chisels.Dirs(),
		PrintContainer: o.FormatSet && strings.Contains(" c container k kubernetes m mesos ", " "+o.Format+" "),
		JSON:           o.JSON,
		Exit: func(code int) {
			os.Stdout.Write(out.buf.Bytes())
			os.Exit(code)
		},
		// Chisels ask for longer buffers in on_init, before the capture
		// opens; an explicit -s wins, as in sysdig.
		SetSnaplen: func(n int) {
			if !o.set["snaplen"] && n > 0 {
				o.Snaplen = n
			}
		},
	}
	fail := func(err error) ([]string, error) {
		// what the chisels printed before the error is output
		os.Stdout.Write(out.buf.Bytes())
		for _, sp := range o.chisels {
			sp.ch.Close()
		}
		o.chisels = nil
		return nil, &usageError{msg: err.Error(), code: 1}
	}
	consumed := 0
	for _, oc := range occ {
		ch, err := chisels.Load(host, oc.name)
		if err != nil {
			return fail(err)
		}
		o.chisels = append(o.chisels, &chiselSpec{ch: ch, host: host, out: out})
		d := ch.Desc
		if len(d.Args) == 0 {
			continue
		}
		if oc.next >= len(args) {
			if d.Required() > 0 {
				return fail(fmt.Errorf("missing arguments for chisel %s", oc.name))
			}
			continue
		}
		next := args[oc.next]
		take := d.Required() > 0
		if !take && !strings.HasPrefix(next, "-") {
			if len(d.Args) == 1 && d.Args[0].Type == "filter" {
				take = true
			} else if _, err := chisels.CompileFilter(strings.Join(args[oc.next:], " ")); err != nil {
				take = true
			}
		}
		if take {
			if err := ch.SetArgs(next); err != nil {
				return fail(err)
			}
			consumed++
		}
	}
	if consumed > len(words) {
		consumed = len(words)
	}
	return words[consumed:], nil
}

// listChisels prints -cl.
func listChisels(w io.Writer) int {
	chisels.WriteList(w, chisels.List(chisels.Dirs()))
	return 0
}

// chiselInfo prints -i NAME.
func chiselInfo(w, stderr io.Writer, name string) int {
	d, err := chisels.Info(chisels.Dirs(), name)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	chisels.WriteInfo(w, d)
	return 0
}

// nextRun is the command line a chisel asked for with sysdig.run_app.
var nextRun []string

// splitCommandLine splits a run_app command line: words separated by
// spaces, double quotes grouping words and removed.
func splitCommandLine(s string) []string {
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

// chiselConsumer drives the chisels of a run.
type chiselConsumer struct {
	s       *session
	host    *chisels.Host
	list    []*chisels.Chisel
	inputs  int
	prevEng *state.Engine
}

func newChiselConsumer(o *Options, s *session) (consumer, error) {
	if len(o.chisels) == 0 {
		return nil, nil
	}
	w, h := -1, -1
	tty := isTTY(os.Stdout)
	if cw, ch, ok := termSize(os.Stdout); ok {
		w, h = cw, ch
	}
	// Chisels see whole buffers: sysdig cuts them at 80 bytes only when
	// it prints events itself.
	if !o.Verbose {
		s.ctx.R.MaxBufLen = 0
	}
	c := &chiselConsumer{s: s, host: o.chisels[0].host}
	o.chisels[0].out.attach(s.out)
	h0 := c.host
	h0.Stderr = s.stderr
	h0.Exit = func(code int) {
		s.out.Flush()
		os.Exit(code)
	}
	h0.TTY, h0.TermWidth, h0.TermHeight = tty, w, h
	h0.Filter = o.Filter
	h0.Ctx = s.ctx
	h0.BufFormatSet = len(o.fmtFlags) > 0 || o.JSON
	h0.SetFilter = func(expr string) error {
		if strings.TrimSpace(expr) == "" {
			s.filter = nil
			return nil
		}
		f, err := filter.Compile(expr)
		if err != nil {
			return err
		}
		s.filter = f
		s.filterEpoch++ // verdicts cached on threads were the old filter's
		return nil
	}
	h0.Debug = o.Debug
	for _, spec := range o.chisels {
		c.list = append(c.list, spec.ch)
	}
	if err := c.init(); err != nil {
		// sysdig still ends the chisels' capture, which prints the
		// (empty) tables.
		for _, ch := range c.list {
			ch.CaptureEnd(0, 0)
			ch.Close()
		}
		return nil, err
	}
	return c, nil
}

func (c *chiselConsumer) init() error {
	for _, ch := range c.list {
		if err := ch.Init(); err != nil {
			return err
		}
	}
	return nil
}

func (c *chiselConsumer) Start(md *scap.Metadata, eng *state.Engine, live bool) error {
	if c.inputs > 0 {
		// sysdig ends the chisels' capture and initializes them again
		// for every capture file.
		if err := c.captureEnd(); err != nil {
			return err
		}
		if err := c.init(); err != nil {
			return err
		}
	}
	source := ""
	if !live && c.inputs < len(c.s.o.ReadFiles) {
		source = c.s.o.ReadFiles[c.inputs]
	}
	c.inputs++
	c.prevEng = eng
	c.host.Start(source, live, eng)
	for _, ch := range c.list {
		if err := ch.CaptureStart(); err != nil {
			return err
		}
	}
	return nil
}

func (c *chiselConsumer) Event(ctx *fields.Ctx) error {
	for _, ch := range c.list {
		if err := ch.Event(ctx); err != nil {
			if errors.Is(err, chisels.ErrEndCapture) {
				return errStopCapture
			}
			return err
		}
	}
	return nil
}

// Skipped drives the chisels' intervals with an event the run's filter
// rejected, as sysdig does.
func (c *chiselConsumer) Skipped(ctx *fields.Ctx) error {
	for _, ch := range c.list {
		if err := ch.Skipped(ctx.Ev.Ts); err != nil {
			return err
		}
	}
	return nil
}

func (c *chiselConsumer) captureEnd() error {
	var first, last uint64
	if c.prevEng != nil {
		first, last = c.prevEng.FirstTs, c.prevEng.LastTs
	}
	var rc error
	for _, ch := range c.list {
		if err := ch.CaptureEnd(first, last); errors.Is(err, chisels.ErrCaptureEnd) {
			break // reported; the others' ends are skipped, the run succeeds
		} else if err != nil && rc == nil {
			rc = err
		}
	}
	return rc
}

func (c *chiselConsumer) End() error {
	// On a terminal sysdig resets the colors before the chisels' end
	// (trace would do it after the consumers).
	if p := c.s.printer; p != nil && p.TTY {
		c.s.out.WriteString("\x1b[00m")
		p.TTY = false
	}
	err := c.captureEnd()
	for _, ch := range c.list {
		ch.Close()
	}
	if next, ok := c.host.NextRun(); ok {
		nextRun = splitCommandLine(next)
	}
	// sysdig does not collect -S when chisels run: the table is empty.
	if c.s.summary != nil {
		c.s.summary = newSummary()
	}
	return err
}

func init() {
	standaloneCommands = append(standaloneCommands, func(o *Options, out *bufio.Writer, stderr *os.File) (int, bool) {
		switch {
		case o.ListChisels:
			return listChisels(out), true
		case o.ChiselInfo != "":
			return chiselInfo(out, stderr, o.ChiselInfo), true
		}
		return 0, false
	})
}
