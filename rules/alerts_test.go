package rules

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Live, without --all-events, rules do not see the high-rate event types
// Falco skips without -A; they see everything the default rules use.
func TestAlerterSkippedLive(t *testing.T) {
	a := NewAlerter(nil, AlerterOptions{})
	named := func(name string) []uint16 {
		var out []uint16
		for _, typ := range fields.EventTypesNamed(name) {
			if typ > 1 { // not the generic events
				out = append(out, typ)
			}
		}
		if len(out) == 0 {
			t.Fatalf("no event type %s", name)
		}
		return out
	}
	for _, name := range []string{"read", "write", "futex", "switch", "poll"} {
		for _, typ := range named(name) {
			if !a.SkippedLive(typ) {
				t.Errorf("%s (%d) is not skipped", name, typ)
			}
		}
	}
	for _, name := range []string{"execve", "open", "openat", "connect", "container", "procexit", "clone", "ptrace", "socket", "dup", "symlinkat"} {
		for _, typ := range named(name) {
			if a.SkippedLive(typ) {
				t.Errorf("%s (%d) is skipped", name, typ)
			}
		}
	}
}

// Alerts go to Out, and at the end Falco's statistics to Stderr: the
// total, by severity and by rule in the rules' order. Enter events of
// system calls are offered to no rule (current Falco sees each call at
// its exit).
func TestAlerterRun(t *testing.T) {
	rs, _ := loadOK(t, `
- rule: second
  desc: d
  condition: evt.type=close and evt.dir=< and evt.res=SUCCESS
  output: exit fd
  priority: WARNING
- rule: first
  desc: d
  condition: evt.type=close and evt.dir=< and evt.res!=SUCCESS
  output: failed close fd=%fd.num
  priority: ERROR
- rule: enters
  desc: d
  condition: evt.type=close and evt.dir=>
  output: enter
  priority: ERROR
`)
	eng, err := NewEngine(rs, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	var stats strings.Builder
	bw := bufio.NewWriter(&out)
	a := NewAlerter(eng, AlerterOptions{Out: bw, Stderr: &stats, Format: AlertFormat{Hostname: "h"}})
	f := startAlerter(t, a, nil)
	var b scap.Builder
	for i, e := range []struct {
		typ uint16
		arg int64
	}{{scap.PPME_SYSCALL_CLOSE_E, 3}, {scap.PPME_SYSCALL_CLOSE_X, 0}, {scap.PPME_SYSCALL_CLOSE_E, 3}, {scap.PPME_SYSCALL_CLOSE_X, -9}, {scap.PPME_SYSCALL_CLOSE_X, 0}} {
		b.Begin(uint64(1e9+i), 7, e.typ)
		b.I64(e.arg)
		f.feed(t, b.Finish())
	}
	if err := a.End(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "Error failed close fd=3"); got != 1 {
		t.Errorf("%d failed-close alerts, want 1:\n%s", got, out.String())
	}
	if got := strings.Count(out.String(), "Warning exit fd"); got != 2 {
		t.Errorf("%d exit alerts, want 2:\n%s", got, out.String())
	}
	if strings.Contains(out.String(), "enter") {
		t.Errorf("a rule fired on an enter event:\n%s", out.String())
	}
	want := "Events detected: 3\nRule counts by severity:\n   ERROR: 1\n   WARNING: 2\nTriggered rules by rule name:\n   second: 2\n   first: 1\n"
	if stats.String() != want {
		t.Errorf("stats:\n%s\nwant:\n%s", stats.String(), want)
	}
	if a.Total() != 3 {
		t.Errorf("Total %d", a.Total())
	}
}

// As in current Falco (falco-ref on falco_open-multiple-files.scap): a
// rule on every event type but one does not run on procinfo events, one
// without evt.type does.
func TestAlerterNoProcinfo(t *testing.T) {
	rs, _ := loadOK(t, `
- rule: anything but open
  desc: d
  condition: evt.type != open
  output: "but-open %evt.type"
  priority: WARNING
- rule: anything
  desc: d
  condition: evt.num > 0
  output: "any %evt.type"
  priority: WARNING
`)
	eng, err := NewEngine(rs, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	a := NewAlerter(eng, AlerterOptions{Out: bw, Stderr: &strings.Builder{}, Format: AlertFormat{Hostname: "h"}})
	f := startAlerter(t, a, nil)
	var b scap.Builder
	for i, typ := range []uint16{scap.PPME_PROCINFO_E, scap.PPME_SYSCALL_CLOSE_X, scap.PPME_PROCINFO_E} {
		b.Begin(uint64(1e9+i), 7, typ)
		if typ == scap.PPME_PROCINFO_E {
			b.U64(10)
			b.U64(20)
		} else {
			b.I64(3)
		}
		f.feed(t, b.Finish())
	}
	bw.Flush()
	got := out.String()
	// (The first matching rule alerts, Falco's default rule_matching.)
	if a.Total() != 3 || strings.Count(got, "any procinfo") != 2 || !strings.Contains(got, "but-open close") || strings.Contains(got, "but-open procinfo") {
		t.Errorf("%d alerts, want 3 (the evt.num rule on the two procinfo, the other on the close):\n%s", a.Total(), got)
	}
}

// Text alerts replace control characters and invalid UTF-8 in field
// values: a file name cannot forge an alert line or move the cursor. JSON
// keeps the value, escaped.
func TestAlertNoForgery(t *testing.T) {
	rs, _ := loadOK(t, `
- rule: open
  desc: d
  condition: evt.type=open
  output: "opened by %proc.name"
  priority: WARNING
`)
	eng, err := NewEngine(rs, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	name := "/tmp/x\n07:00:00.000000000: Notice fake alert\x1b[1A\x1b[2K\xff\u00e9"
	for _, js := range []bool{false, true} {
		var out bytes.Buffer
		bw := bufio.NewWriter(&out)
		a := NewAlerter(eng, AlerterOptions{Out: bw, Stderr: &strings.Builder{}, Format: AlertFormat{Hostname: "h", JSON: js}})
		f := startAlerter(t, a, &scap.Metadata{Threads: []scap.Thread{{Tid: 7, Pid: 7, Ptid: 1, Comm: name, Exe: "x", FDLimit: 1024}}})
		var b scap.Builder
		b.Begin(1e9, 7, scap.PPME_SYSCALL_OPEN_X)
		b.I64(3)
		b.Str("/tmp/x")
		b.U32(0)
		b.U32(0)
		b.U32(0)
		f.feed(t, b.Finish())
		bw.Flush()
		got := out.String()
		if js {
			if !strings.Contains(got, `\n07:00:00`) || strings.Count(got, "\n") != 1 {
				t.Errorf("JSON alert: %q", got)
			}
			continue
		}
		want := "opened by /tmp/x\uFFFD07:00:00.000000000: Notice fake alert\uFFFD[1A\uFFFD[2K\uFFFD\u00e9\n"
		if !strings.HasSuffix(got, want) || strings.Count(got, "\n") != 1 {
			t.Errorf("text alert %q, want it to end in %q", got, want)
		}
	}
}

// alerterFeed gives a started Alerter events through its state engine.
type alerterFeed struct {
	a   *Alerter
	st  *state.Engine
	ctx *fields.Ctx
	raw scap.Event
	ev  state.Event
}

// startAlerter starts a on a new state engine that has md (when not nil).
func startAlerter(t *testing.T, a *Alerter, md *scap.Metadata) *alerterFeed {
	t.Helper()
	f := &alerterFeed{a: a, st: state.NewEngine(), ctx: &fields.Ctx{R: fields.NewRenderer(), Time: &fields.OutputTime{}}}
	if md != nil {
		f.st.LoadMetadata(md)
	}
	if err := a.Start(&pipeline.Input{Engine: f.st}); err != nil {
		t.Fatal(err)
	}
	return f
}

// feed gives the alerter the event in data, which the engine must process.
func (f *alerterFeed) feed(t *testing.T, data []byte) {
	t.Helper()
	if err := f.raw.SetRaw(data, 0, 0); err != nil {
		t.Fatal(err)
	}
	if !f.st.Process(&f.raw, &f.ev) {
		t.Fatal("event not processed")
	}
	f.ctx.Ev = &f.ev
	if err := f.a.Event(f.ctx); err != nil {
		t.Fatal(err)
	}
}
