package tui

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/state"
	"github.com/traceproj/trace/views"
)

// snapshot is one sample rendered for the screen: it is copied out of the
// table on the pipeline's goroutine, so the UI never touches live rows.
type snapshot struct {
	names   []string
	sizes   []int32
	numeric []bool
	rows    [][]string
	keys    []string
	// keyType is the sysdig type number of the key (for quoting).
	keyType int
	kind    views.Kind
}

// textMode is what the screen shows instead of a table.
type textMode uint8

const (
	modeTable textMode = iota
	modeEcho           // F5: the selection's I/O
	modeDig            // F6: the selection's events
)

// sink feeds the current view (or the echo/dig text) from the pipeline;
// the UI swaps what it feeds under mu.
type sink struct {
	mu     sync.Mutex
	runner *views.Runner
	eng    *state.Engine
	in     *pipeline.Input
	mode   textMode
	flt    *filter.Filter
	line   output.Line
	text   bytes.Buffer
	lines  int
	paused bool
	post   func(*snapshot)
	// postText tells the UI that text arrived.
	postText func()
	// events, first and last count the input's events and their times
	// (the header's "N evts, duration").
	events      int64
	first, last uint64
	postEnd     func(events int64, delta uint64)
}

func (s *sink) Start(in *pipeline.Input) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.in, s.eng = in, in.Engine
	if s.runner != nil {
		return s.runner.Start(in)
	}
	return nil
}

func (s *sink) Event(c *fields.Ctx) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events++
	if s.first == 0 {
		s.first = c.Ev.Ts
	}
	s.last = c.Ev.Ts
	switch s.mode {
	case modeTable:
		if s.runner != nil {
			return s.runner.Event(c)
		}
	default:
		if s.paused || (s.flt != nil && !s.flt.Match(c)) {
			return nil
		}
		if s.mode == modeEcho {
			s.echo(c)
		} else {
			var b []byte
			b, _ = s.line.Append(b, c)
			s.text.Write(b)
			s.lines++
		}
		if s.lines%64 == 1 && s.postText != nil {
			s.postText()
		}
	}
	return nil
}

var (
	fIsIO   = mustField("evt.is_io")
	fDir    = mustField("evt.dir")
	fIsRead = mustField("evt.is_io_read")
	fBuf    = mustField("evt.buffer")
	fFDName = mustField("fd.name")
	fProc   = mustField("proc.name")
	fBufLen = mustField("evt.buflen")
)

func mustField(name string) *fields.Field {
	f, _, err := fields.Parse(name)
	if err != nil {
		panic(err)
	}
	return f
}

// echo writes an I/O exit event the way echo_fds shows it: a header
// with the direction, size, fd and process, then the data as text.
func (s *sink) echo(c *fields.Ctx) {
	var v fields.Value
	if !fIsIO.Get(c, &v) || v.N == 0 {
		return
	}
	if fDir.Get(c, &v) && string(v.S) != "<" {
		return
	}
	if !fBuf.Get(c, &v) || len(v.S) == 0 {
		return
	}
	data := append([]byte(nil), v.S...)
	dir := "Write"
	if fIsRead.Get(c, &v) && v.N != 0 {
		dir = "Read"
	}
	n := len(data)
	if fBufLen.Get(c, &v) {
		n = int(v.N)
	}
	name, proc := "", ""
	if fFDName.Get(c, &v) {
		name = string(v.S)
	}
	if fProc.Get(c, &v) {
		proc = string(v.S)
	}
	fmt.Fprintf(&s.text, "------ %s %s to %s (%s)\n", dir, views.FormatBytes(float64(n), 1, true)+"B", name, proc)
	for _, b := range data {
		if b == '\n' || (b >= 0x20 && b < 0x7f) {
			s.text.WriteByte(b)
		} else {
			s.text.WriteByte('.')
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		s.text.WriteByte('\n')
	}
	s.lines++
}

func (s *sink) End() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.postEnd != nil {
		s.postEnd(s.events, s.last-s.first)
	}
	if s.mode == modeTable && s.runner != nil {
		return s.runner.End()
	}
	if s.postText != nil {
		s.postText()
	}
	return nil
}

// onSample renders a sample for the screen (pipeline goroutine, under
// mu).
func (s *sink) onSample(t *views.Table, rows []*views.Row, delta uint64) {
	if s.paused || s.post == nil {
		return
	}
	r := s.runner
	v := r.Set.Views[r.View]
	names, sizes := v.Shown()
	// the first is the key (or a list's row number): not a value
	names, sizes = names[1:], sizes[1:]
	snap := &snapshot{names: names, sizes: sizes, kind: v.Kind, keyType: t.KeyType()}
	for j := range names {
		snap.numeric = append(snap.numeric, t.Numeric(j))
	}
	for _, row := range rows {
		cells := make([]string, len(names))
		for j := range cells {
			w := int(sizes[j]) - 1
			if sizes[j] <= 0 {
				w = 0
			}
			cells[j] = t.TextWidth(row, j, delta, w)
		}
		snap.rows = append(snap.rows, cells)
		snap.keys = append(snap.keys, t.KeyText(row))
	}
	s.post(snap)
}

// resample renders the current sample again (after a sort or text
// filter change, also once a file has ended).
func (s *sink) resample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.runner == nil || s.runner.Table() == nil {
		return
	}
	t := s.runner.Table()
	s.onSample(t, t.Sample(), s.runner.Delta())
}
