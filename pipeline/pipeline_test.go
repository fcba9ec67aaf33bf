package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
)

// testCapture writes a capture of n open/close pairs by thread 100 and
// returns its path: event numbers 1..4n, the opens odd-numbered pairs.
func testCapture(t testing.TB, n int) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	md := &scap.Metadata{Threads: []scap.Thread{{Tid: 100, Pid: 100, Ptid: 1, Comm: "sh", Exe: "/bin/sh", ExePath: "/bin/sh", FDLimit: 1024}}}
	if err := w.WriteSection(md); err != nil {
		t.Fatal(err)
	}
	s := synth.NewScenario(1, w)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("/tmp/f%d", i)
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 100, synth.P{"name": name, "flags": 1})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 100, synth.P{"fd": 3, "name": name, "flags": 1})
		s.Emit(scap.PPME_SYSCALL_CLOSE_E, 100, synth.P{"fd": 3})
		s.Emit(scap.PPME_SYSCALL_CLOSE_X, 100, synth.P{"res": 0})
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.scap")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lineFormat prints "num type fd.name" lines.
func lineFormat(t testing.TB) output.Line {
	f, err := output.ParseFormat("*%evt.num %evt.dir %evt.type %fd.name")
	if err != nil {
		t.Fatal(err)
	}
	return output.FormatLine(f, false)
}

func mustFilter(t testing.TB, expr string) *filter.Filter {
	f, err := filter.Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// recorder is a Sink (and Rejecter) that notes what it is given.
type recorder struct {
	starts   []*Input
	events   []uint64
	rejected []uint64
	ends     int
	stopAt   uint64
	failAt   uint64
}

func (r *recorder) Start(in *Input) error { r.starts = append(r.starts, in); return nil }
func (r *recorder) End() error            { r.ends++; return nil }
func (r *recorder) Event(c *fields.Ctx) error {
	r.events = append(r.events, c.Ev.Num)
	switch c.Ev.Num {
	case r.stopAt:
		return ErrStop
	case r.failAt:
		return errors.New("sink failed")
	}
	return nil
}
func (r *recorder) Rejected(c *fields.Ctx) error {
	r.rejected = append(r.rejected, c.Ev.Num)
	return nil
}

type run struct {
	out, errs bytes.Buffer
	o         Options
}

func newRun(t testing.TB) *run {
	r := &run{}
	r.o = Options{Out: bufio.NewWriter(&r.out), Stderr: &r.errs, Line: lineFormat(t)}
	return r
}

func (r *run) files(t testing.TB, paths ...string) error {
	t.Helper()
	err := New(r.o).ReadFiles(context.Background(), paths)
	r.o.Out.Flush()
	return err
}

func TestPrintFilterLimit(t *testing.T) {
	path := testCapture(t, 5)
	for _, c := range []struct {
		name  string
		set   func(o *Options)
		lines []string
	}{
		{"all", func(o *Options) {}, nil},
		{"filter", func(o *Options) { o.Filter = mustFilter(t, "evt.type=close and evt.dir=>") },
			[]string{"3 > close /tmp/f0", "7 > close /tmp/f1", "11 > close /tmp/f2", "15 > close /tmp/f3", "19 > close /tmp/f4"}},
		{"limit", func(o *Options) { o.NumEvents = 3 }, []string{"1 > open <NA>", "2 < open /tmp/f0", "3 > close /tmp/f0"}},
		{"filter+limit", func(o *Options) { o.Filter = mustFilter(t, "evt.type=open and evt.dir=<"); o.NumEvents = 2 },
			[]string{"2 < open /tmp/f0", "6 < open /tmp/f1"}},
		{"quiet", func(o *Options) { o.Quiet = true }, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRun(t)
			c.set(&r.o)
			if err := r.files(t, path); err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(r.out.String(), "\n"), "\n")
			if r.out.Len() == 0 {
				got = []string{}
			}
			if c.lines == nil {
				if len(got) != 20 {
					t.Fatalf("%d lines, want 20:\n%s", len(got), r.out.String())
				}
				return
			}
			if strings.Join(got, "|") != strings.Join(c.lines, "|") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.lines, "\n"))
			}
		})
	}
}

// Sinks replace the printer; they see what passed, and a Rejecter sees
// the rest; with -d every event passes for them.
func TestSinks(t *testing.T) {
	path := testCapture(t, 2)
	r := newRun(t)
	rec := &recorder{}
	r.o.Sinks = []Sink{rec}
	r.o.Filter = mustFilter(t, "evt.type=close")
	if err := r.files(t, path, path); err != nil {
		t.Fatal(err)
	}
	if r.out.Len() != 0 {
		t.Errorf("printed with sinks: %q", r.out.String())
	}
	if len(rec.starts) != 2 || rec.starts[0].Path != path || rec.starts[0].Live || rec.starts[0].Engine == rec.starts[1].Engine {
		t.Errorf("starts: %+v", rec.starts)
	}
	if rec.ends != 1 {
		t.Errorf("%d ends, want 1", rec.ends)
	}
	if fmt.Sprint(rec.events) != "[3 4 7 8 3 4 7 8]" || fmt.Sprint(rec.rejected) != "[1 2 5 6 1 2 5 6]" {
		t.Errorf("events %v rejected %v", rec.events, rec.rejected)
	}

	r = newRun(t)
	rec = &recorder{}
	r.o.Sinks, r.o.Filter, r.o.DisplayFilter = []Sink{rec}, mustFilter(t, "evt.type=close"), true
	if err := r.files(t, path); err != nil {
		t.Fatal(err)
	}
	if len(rec.events) != 8 || len(rec.rejected) != 0 {
		t.Errorf("-d: events %v rejected %v", rec.events, rec.rejected)
	}
}

// ErrStop from a sink ends the run cleanly; another error ends it with
// the error reported.
func TestSinkStopAndError(t *testing.T) {
	path := testCapture(t, 3)
	r := newRun(t)
	rec := &recorder{stopAt: 4}
	r.o.Sinks = []Sink{rec}
	if err := r.files(t, path, path); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(rec.events) != "[1 2 3 4 1 2 3 4]" || rec.ends != 1 {
		t.Errorf("events %v ends %d", rec.events, rec.ends)
	}

	r = newRun(t)
	rec = &recorder{failAt: 2}
	r.o.Sinks = []Sink{rec}
	err := r.files(t, path, path)
	if !errors.Is(err, ErrReported) || !strings.Contains(err.Error(), "sink failed") {
		t.Fatalf("error %v", err)
	}
	if r.errs.String() != "sink failed\n" || fmt.Sprint(rec.events) != "[1 2]" || rec.ends != 1 {
		t.Errorf("stderr %q events %v ends %d", r.errs.String(), rec.events, rec.ends)
	}
}

// A cancelled context stops reading; the sinks still end.
func TestCancel(t *testing.T) {
	path := testCapture(t, 100)
	r := newRun(t)
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{}
	r.o.Sinks = []Sink{cancelAt{rec, 10, cancel}}
	if err := New(r.o).ReadFiles(ctx, []string{path, path}); err != nil {
		t.Fatal(err)
	}
	// Cancelling is seen at the latest 256 events later.
	if n := len(rec.events); n < 10 || n > 10+256 {
		t.Errorf("%d events after cancel at 10", n)
	}
	if rec.ends != 1 || len(rec.starts) != 1 {
		t.Errorf("ends %d starts %d", rec.ends, len(rec.starts))
	}
}

type cancelAt struct {
	*recorder
	n      uint64
	cancel func()
}

func (c cancelAt) Event(x *fields.Ctx) error {
	if x.Ev.Num == c.n {
		c.cancel()
	}
	return c.recorder.Event(x)
}

// -d decides only what is printed: deltas (-t D) count every event.
func TestDisplayFilterTouch(t *testing.T) {
	path := testCapture(t, 2)
	r := newRun(t)
	f, err := output.ParseFormat("%evt.num %evt.type")
	if err != nil {
		t.Fatal(err)
	}
	r.o.Line = output.FormatLine(f, false)
	r.o.Filter, r.o.DisplayFilter, r.o.NumEvents = mustFilter(t, "evt.type=close"), true, 6
	if err := r.files(t, path); err != nil {
		t.Fatal(err)
	}
	if r.out.String() != "3 close\n4 close\n" {
		t.Errorf("got %q", r.out.String())
	}
}

// Errors name the file; a truncated capture prints what is intact first.
func TestReadErrors(t *testing.T) {
	r := newRun(t)
	missing := filepath.Join(t.TempDir(), "none.scap")
	if err := r.files(t, missing); !errors.Is(err, ErrReported) {
		t.Fatalf("error %v", err)
	}
	if want := "trace: can't open file " + missing + ": no such file or directory\n"; r.errs.String() != want {
		t.Errorf("stderr %q, want %q", r.errs.String(), want)
	}

	path := testCapture(t, 40)
	data, _ := os.ReadFile(path)
	cut := filepath.Join(t.TempDir(), "cut.scap")
	os.WriteFile(cut, data[:len(data)-100], 0o600)
	r = newRun(t)
	err := r.files(t, cut)
	if err == nil || !strings.HasPrefix(r.errs.String(), "trace: "+cut+": ") {
		t.Fatalf("error %v, stderr %q", err, r.errs.String())
	}
	if n := strings.Count(r.out.String(), "\n"); n < 100 {
		t.Errorf("only %d events before the break", n)
	}
}

// -U drops a process from its clone on, with its children.
func TestSuppress(t *testing.T) {
	var buf bytes.Buffer
	w, _ := scap.NewWriter(&buf, scap.CompressNone)
	w.WriteSection(&scap.Metadata{Threads: []scap.Thread{{Tid: 100, Pid: 100, Comm: "sh", Exe: "sh", FDLimit: 1024}}})
	s := synth.NewScenario(1, w)
	s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 200, synth.P{"res": 0, "exe": "curl", "tid": 200, "pid": 200, "ptid": 100, "comm": "curl"})
	s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 300, synth.P{"res": 0, "exe": "x", "tid": 300, "pid": 300, "ptid": 200, "comm": "x"})
	s.Emit(scap.PPME_SYSCALL_CLOSE_E, 300, synth.P{"fd": 3})
	s.Emit(scap.PPME_SYSCALL_CLOSE_E, 100, synth.P{"fd": 4})
	w.Close()
	path := filepath.Join(t.TempDir(), "u.scap")
	os.WriteFile(path, buf.Bytes(), 0o600)
	r := newRun(t)
	f, _ := output.ParseFormat("%evt.num %thread.tid %evt.type")
	r.o.Line = output.FormatLine(f, false)
	r.o.SuppressComm = []string{"curl"}
	r.o.Verbose = true
	if err := r.files(t, path); err != nil {
		t.Fatal(err)
	}
	if r.out.String() != "1 100 close\n" {
		t.Errorf("got %q", r.out.String())
	}
	if !strings.Contains(r.errs.String(), "Suppressed by Comm:3\n") || !strings.Contains(r.errs.String(), "Captured Events: 1,") {
		t.Errorf("counters: %q", r.errs.String())
	}
}

// The writer gets every captured event, and with -F the state-changing
// ones the filter rejected; the summary counts the captured ones.
func TestWriterAndSummary(t *testing.T) {
	path := testCapture(t, 3)
	for _, fat := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "w.scap")
		r := newRun(t)
		r.o.Writer = &output.Dumper{Path: out}
		r.o.Summary = output.NewSummary()
		r.o.Filter, r.o.FatFile, r.o.Quiet = mustFilter(t, "evt.type=close"), fat, true
		if err := r.files(t, path); err != nil {
			t.Fatal(err)
		}
		var sum strings.Builder
		r.o.Summary.Print(&sum)
		if !strings.Contains(sum.String(), "> close           3\n< close           3\n") || strings.Contains(sum.String(), "open") {
			t.Errorf("summary:\n%s", sum.String())
		}
		rd, err := scap.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var ev scap.Event
		var types []uint16
		var stateOnly int
		for rd.NextInto(&ev) == nil {
			types = append(types, ev.Type)
			if ev.Flags&scap.FlagStateOnly != 0 {
				stateOnly++
			}
		}
		rd.Close()
		wantN, wantState := 6, 0
		if fat {
			wantN, wantState = 12, 6 // open is state-changing
		}
		if len(types) != wantN || stateOnly != wantState {
			t.Errorf("fat=%v: %d events written (%d state-only), want %d (%d)", fat, len(types), stateOnly, wantN, wantState)
		}
	}
}

func BenchmarkPipelineFilter(b *testing.B) {
	path := testCapture(b, 20000)
	o := Options{Out: bufio.NewWriter(&bytes.Buffer{}), Stderr: &bytes.Buffer{}, Line: lineFormat(b), Filter: mustFilter(b, "proc.name=nano")}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := New(o).ReadFiles(context.Background(), []string{path}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*80000)/b.Elapsed().Seconds(), "events/s")
}

// -P prints sysdig's bare percentages, ending at 100.00, or where a
// stopped run stopped; on a terminal the rate and the time left.
func TestProgress(t *testing.T) {
	path := testCapture(t, 3000)
	r := newRun(t)
	r.o.Progress, r.o.Quiet = true, true
	if err := r.files(t, path); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.errs.String(), "\r\r\r") || !strings.HasSuffix(r.errs.String(), "\r\r\r100.00\n") {
		t.Errorf("progress %q", r.errs.String())
	}

	r = newRun(t)
	r.o.Progress, r.o.ProgressTTY = true, true
	r.o.Sinks = []Sink{&recorder{stopAt: 5000}}
	if err := r.files(t, path); err != nil {
		t.Fatal(err)
	}
	last := r.errs.String()[strings.LastIndexByte(strings.TrimSuffix(r.errs.String(), "\n"), '\r')+1:]
	if !strings.Contains(last, "% ") || strings.HasPrefix(last, "100.00") || !strings.Contains(last, "events/s") {
		t.Errorf("progress after a stop: %q", last)
	}
}

// When most events are not printed because a -p field has no value, one
// line at the end says which field and how to print them anyway.
func TestUnprintedHint(t *testing.T) {
	path := testCapture(t, 4)
	for _, c := range []struct {
		format, hint string
	}{
		{"%evt.num %fd.name", "trace: 4 of 4 events not printed: %fd.name has no value for them; start the format with '*' to print them anyway (<NA> for missing values)\n"},
		{"*%evt.num %fd.name", ""},
		{"%evt.num", ""},
	} {
		r := newRun(t)
		f, err := output.ParseFormat(c.format)
		if err != nil {
			t.Fatal(err)
		}
		r.o.Line = output.FormatLine(f, false)
		if c.format == "%evt.num %fd.name" {
			// the enter of open has no fd yet
			r.o.Filter = mustFilter(t, "evt.type=open and evt.dir=>")
		}
		if err := r.files(t, path); err != nil {
			t.Fatal(err)
		}
		if r.errs.String() != c.hint {
			t.Errorf("%s: stderr %q, want %q", c.format, r.errs.String(), c.hint)
		}
	}
}

// TestLiveEventTypes checks which event types a live run asks the probes
// for: a filter on mkdir leaves out read and write (so a dd beside it
// costs nothing past the kernel) but keeps the events that maintain the
// process and fd tables; writing a file gets every type.
func TestLiveEventTypes(t *testing.T) {
	f := mustFilter(t, "evt.type in (mkdir, mkdirat) and evt.dir=<")
	types := New(Options{Filter: f}).liveEventTypes()
	if types == nil {
		t.Fatal("all event types asked for a filter on mkdir")
	}
	for _, want := range []uint16{scap.PPME_SYSCALL_MKDIR_2_X, scap.PPME_SYSCALL_MKDIRAT_X, scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_CLOSE_X, scap.PPME_PROCEXIT_1_E} {
		if !slices.Contains(types, want) {
			t.Errorf("type %d (%s) not asked for", want, scap.Info(want).Name)
		}
	}
	for _, no := range []uint16{scap.PPME_SYSCALL_READ_E, scap.PPME_SYSCALL_READ_X, scap.PPME_SYSCALL_WRITE_E, scap.PPME_SYSCALL_WRITE_X} {
		if slices.Contains(types, no) {
			t.Errorf("type %d (%s) asked for", no, scap.Info(no).Name)
		}
	}
	if types := New(Options{Filter: f, Writer: &output.Dumper{}}).liveEventTypes(); types != nil {
		t.Errorf("writing a file asks for %d types, not all", len(types))
	}
}
