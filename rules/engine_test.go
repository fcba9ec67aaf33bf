package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Falco's single_rule.yaml example (RULES.md §10.2).
const singleRule = `
- required_engine_version: 2
- list: cat_binaries
  items: [cat]
- list: cat_capable_binaries
  items: [cat_binaries]
- macro: is_cat
  condition: proc.name in (cat_capable_binaries)
- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type=open and is_cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
`

func TestMatchCatWrite(t *testing.T) {
	cat := capture(t, "falco_cat_write.scap")
	run := func(o Options, sel Selection, files ...string) []alert {
		t.Helper()
		rs, res := Load(writeFiles(t, files...), o)
		if !res.OK() {
			t.Fatalf("load: %v", res.Errors())
		}
		return runCapture(t, cat, mustEngine(t, rs, sel))
	}
	got := run(DefaultOptions(), Selection{}, singleRule)
	// Current Falco (falco-ref) sees each open once, at its exit: 4
	// alerts (old Falco, which saw enter events too, gave 8).
	if len(got) != 4 {
		t.Fatalf("open_from_cat fired %d times, want 4 (the exits)", len(got))
	}
	if want := "16:17:57.881785348: Warning An open was seen (command=cat /dev/null)"; got[0].text != want {
		t.Errorf("first alert %q, want %q", got[0].text, want)
	}
	// Redefining a nested list in a second file silences it.
	if n := len(run(DefaultOptions(), Selection{}, singleRule, "- list: cat_binaries\n  items: [not-cat]\n")); n != 0 {
		t.Errorf("with cat_binaries=[not-cat]: %d alerts", n)
	}
	if n := len(run(DefaultOptions(), Selection{}, singleRule, "- list: cat_capable_binaries\n  items: [not-cat]\n")); n != 0 {
		t.Errorf("with cat_capable_binaries=[not-cat]: %d alerts", n)
	}
	// Minimum priority ERROR: the rule is not loaded.
	o := DefaultOptions()
	o.MinPriority = Error
	if n := len(run(o, Selection{}, singleRule)); n != 0 {
		t.Errorf("min priority error: %d alerts", n)
	}
	// Exceptions with an override to notice: nothing (every open is by
	// "cat /dev/null").
	exc := `
- list: cat_cmdlines
  items: [cat /dev/zero, "cat /dev/null"]
- rule: Open From Cat
  desc: A process named cat does an open
  condition: evt.type=open and proc.name=cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
  exceptions:
    - name: proc_name_cmdline
      fields: [proc.name, proc.cmdline]
      comps: [=, in]
      values:
        - [cat, cat_cmdlines]
- rule: Open From Cat
  override:
    priority: replace
  priority: NOTICE
`
	if n := len(run(DefaultOptions(), Selection{}, exc)); n != 0 {
		t.Errorf("exception: %d alerts", n)
	}
	noexc := strings.Replace(exc, "[cat, cat_cmdlines]", "[dog, cat_cmdlines]", 1)
	got = run(DefaultOptions(), Selection{}, noexc)
	if len(got) != 4 || !strings.Contains(got[0].text, ": Notice An open") {
		t.Errorf("non-matching exception: %d alerts %v", len(got), got)
	}
	// Selection: disabled by name, glob, tag; enabled tags.
	tagged := strings.Replace(singleRule, "priority: WARNING", "priority: WARNING\n  tags: [filesystem]", 1)
	for _, tc := range []struct {
		sel  Selection
		want int
	}{
		{Selection{Disable: []string{"open_from_cat"}}, 0},
		{Selection{Disable: []string{"open_*"}}, 0},
		{Selection{Disable: []string{"open"}}, 4},
		{Selection{DisableTags: []string{"filesystem"}}, 0},
		{Selection{DisableTags: []string{"network"}}, 4},
		{Selection{EnableTags: []string{"filesystem"}}, 4},
		{Selection{EnableTags: []string{"network"}}, 0},
	} {
		if n := len(run(DefaultOptions(), tc.sel, tagged)); n != tc.want {
			t.Errorf("%+v: %d alerts, want %d", tc.sel, n, tc.want)
		}
	}
	if _, err := NewEngine(&Ruleset{}, Selection{EnableTags: []string{"a"}, DisableTags: []string{"b"}}); err != ErrTagSelection {
		t.Errorf("enable and disable tags: %v", err)
	}
	// enabled: false rules never fire.
	if n := len(run(DefaultOptions(), Selection{}, singleRule, "- rule: open_from_cat\n  override:\n    enabled: replace\n  enabled: false\n")); n != 0 {
		t.Errorf("disabled rule fired %d times", n)
	}
}

// catchall_order: the first matching rule in load order fires, once per
// event; with MatchAll every matching rule fires.
func TestMatchOrder(t *testing.T) {
	files := []string{`
- rule: open_dev_null
  desc: d
  condition: evt.type=open and fd.name=/dev/null
  output: "%evt.type"
  priority: INFO
- rule: dev_null
  desc: d
  condition: fd.name=/dev/null
  output: "%evt.type"
  priority: INFO
  warn_evttypes: false
`}
	rs, _ := loadOK(t, files...)
	got := runCapture(t, capture(t, "falco_cat_write.scap"), mustEngine(t, rs, Selection{}))
	count := map[string]int{}
	for _, a := range got {
		count[a.rule]++
	}
	// (Counts as current Falco gives them, rule_matching first and all.)
	if count["open_dev_null"] != 1 || count["dev_null"] != 3 {
		t.Errorf("first match: %v", count)
	}
	got = runCapture(t, capture(t, "falco_cat_write.scap"), mustEngine(t, rs, Selection{MatchAll: true}))
	count = map[string]int{}
	for _, a := range got {
		count[a.rule]++
	}
	if count["open_dev_null"] != 1 || count["dev_null"] != 4 {
		t.Errorf("all matches: %v", count)
	}
}

// The event-type index hands each event only its candidate rules.
func TestCandidates(t *testing.T) {
	rs, _ := loadOK(t, rule("a", "evt.type=open"), rule("b", "evt.type in (open, close)"), rule("c", "proc.name=x", "warn_evttypes: false"))
	e := mustEngine(t, rs, Selection{})
	names := func(t uint16) []string {
		var out []string
		for _, r := range e.Candidates(t) {
			out = append(out, r.Name)
		}
		return out
	}
	if got := names(scap.PPME_SYSCALL_OPEN_X); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("open exit: %v", got)
	}
	if got := names(scap.PPME_SYSCALL_CLOSE_X); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Errorf("close exit: %v", got)
	}
	// Enter events of system calls get no rules: current Falco sees each
	// call at its exit.
	if got := names(scap.PPME_SYSCALL_CLOSE_E); len(got) != 0 {
		t.Errorf("close enter: %v", got)
	}
	if got := names(scap.PPME_SYSCALL_EXECVE_19_X); !reflect.DeepEqual(got, []string{"c"}) {
		t.Errorf("execve: %v", got)
	}
}

// Alerts: text, ISO 8601 and JSON, with <NA> for missing values.
func TestAlertFormats(t *testing.T) {
	rs, _ := loadOK(t, `
- rule: open_from_cat
  desc: d
  condition: evt.type=open and proc.name=cat
  output: "An open was seen (command=%proc.cmdline port=%fd.sport uid=%user.uid %container.info)"
  priority: WARNING
  tags: [process, filesystem]
`)
	r := rs.Rules[0]
	ctx := fields.NewCtx()
	ev := firstEvent(t, capture(t, "falco_cat_write.scap"), r)
	ctx.Ev = ev
	text := string(r.AppendAlert(nil, ctx, &AlertFormat{Location: utc}))
	want := "16:17:57.881781397: Warning An open was seen (command=cat /dev/null port=<NA> uid=4294967295 host (id=host))\n"
	if text != want {
		t.Errorf("text alert\n got  %q\n want %q", text, want)
	}
	iso := string(r.AppendAlert(nil, ctx, &AlertFormat{Location: utc, ISO8601: true}))
	if !strings.HasPrefix(iso, "2016-08-04T16:17:57.881781397+0000: Warning An open") {
		t.Errorf("ISO alert %q", iso)
	}
	east := time.FixedZone("X", 2*3600)
	if s := string(r.AppendAlert(nil, ctx, &AlertFormat{Location: east, ISO8601: true})); !strings.HasPrefix(s, "2016-08-04T18:17:57.881781397+0200: ") {
		t.Errorf("ISO alert in +0200: %q", s)
	}
	js := r.AppendAlert(nil, ctx, &AlertFormat{Location: utc, JSON: true, Hostname: "h"})
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatalf("JSON alert %s: %v", js, err)
	}
	if v["rule"] != "open_from_cat" || v["priority"] != "Warning" || v["source"] != "syscall" || v["hostname"] != "h" ||
		v["time"] != "2016-08-04T16:17:57.881781397Z" || !strings.HasPrefix(v["output"].(string), "16:17:57.881781397: Warning An open") {
		t.Errorf("JSON alert %s", js)
	}
	if tags := v["tags"].([]any); len(tags) != 2 || tags[0] != "filesystem" {
		t.Errorf("tags %v", tags)
	}
	of := v["output_fields"].(map[string]any)
	if of["evt.time"] != float64(1470327477881781397) || of["proc.cmdline"] != "cat /dev/null" || of["fd.sport"] != nil || of["user.uid"] != float64(4294967295) || of["container.id"] != "host" {
		t.Errorf("output_fields %v", of)
	}
	if _, ok := of["fd.sport"]; !ok {
		t.Errorf("missing values must be null, not omitted")
	}
	if !strings.HasPrefix(string(js), `{"hostname":"h","output":`) || !strings.Contains(string(js), `,"output_fields":{"container.id":"host","container.name":"host","evt.time":1470327477881781397,"fd.sport":null,`) {
		t.Errorf("key order: %s", js)
	}
	js = r.AppendAlert(nil, ctx, &AlertFormat{Location: utc, JSON: true, ISO8601: true})
	if !strings.Contains(string(js), `"evt.time.iso8601":1470327477881781397`) {
		t.Errorf("ISO JSON %s", js)
	}
	// Rules without tags print an empty array.
	rs, _ = loadOK(t, rule("r", "evt.type=open"))
	if js := rs.Rules[0].AppendJSON(nil, ctx, &AlertFormat{}); !strings.Contains(string(js), `"tags":[]`) {
		t.Errorf("no tags: %s", js)
	}
}

// firstEvent returns the first event of a capture that r matches.
func firstEvent(t testing.TB, path string, r *Rule) *state.Event {
	t.Helper()
	rd, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	st := state.NewEngine()
	st.LoadMetadata(rd.Metadata())
	ctx := fields.NewCtx()
	var raw scap.Event
	ev := &state.Event{}
	for rd.NextInto(&raw) == nil {
		if !st.Process(&raw, ev) || ev.Setup {
			continue
		}
		ctx.Ev = ev
		if r.Match(ctx) {
			return ev
		}
	}
	t.Fatalf("%s: no event matches %s", path, r.Name)
	return nil
}

// The seed rule fires for bash in a container and not for host bash.
func TestSeedRule(t *testing.T) {
	rs, res := loadOK(t, `
- rule: Detect bash in a container
  desc: You shouldn't have a shell run in a container
  condition: container.id != host and proc.name = bash
  output: Bash ran inside a container (user=%user.name command=%proc.cmdline %container.info)
  priority: INFO
`)
	if !hasWarning(res, WarnNoEvttype, "") {
		t.Errorf("seed rule: no LOAD_NO_EVTTYPE warning")
	}
	got := runCapture(t, capture(t, "falco_open-multiple-files.scap"), mustEngine(t, rs, Selection{}))
	if len(got) == 0 {
		t.Fatal("no alert for bash in container ad64969c62e5")
	}
	for _, a := range got {
		if !strings.HasSuffix(a.text, ": Informational Bash ran inside a container (user=root command=bash -c npm install && node server.js express_server (id=ad64969c62e5))") {
			t.Errorf("alert %q", a.text)
		}
	}
	// The same capture has host bash processes: none alerts.
	host, _ := loadOK(t, rule("host bash", "container.id = host and proc.name = bash", "warn_evttypes: false"))
	if len(runCapture(t, capture(t, "falco_open-multiple-files.scap"), mustEngine(t, host, Selection{}))) == 0 {
		t.Errorf("the capture has no host bash events; the silence check proves nothing")
	}
	for _, f := range []string{"falco_cat_write.scap", "falco_syscall.scap", "libs_sample.scap"} {
		if n := len(runCapture(t, capture(t, f), mustEngine(t, rs, Selection{}))); n != 0 {
			t.Errorf("%s: %d alerts, want none", f, n)
		}
	}
}

// All of falco_rules.yaml on every shared capture: no crash, alerts
// render, and each fired rule's condition holds on its event.
func TestFalcoRulesOnCaptures(t *testing.T) {
	rs, res := Load([]string{filepath.Join(difftest.RequireShared(t), "rules", "falco_rules.yaml")}, DefaultOptions())
	if !res.OK() {
		t.Fatalf("load: %v", res.Errors())
	}
	e := mustEngine(t, rs, Selection{})
	caps, _ := filepath.Glob(filepath.Join(difftest.RequireShared(t), "scaps", "*.scap"))
	total := 0
	for _, c := range caps {
		got := runCapture(t, c, e)
		total += len(got)
		for _, a := range got {
			if strings.Contains(a.text, "%") {
				t.Errorf("%s: unexpanded field in %q", filepath.Base(c), a.text)
			}
		}
		t.Logf("%s: %d alerts", filepath.Base(c), len(got))
	}
	_ = os.Getenv
	_ = total
}
