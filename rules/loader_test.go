package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// rule returns a minimal rule item with the given name and condition.
func rule(name, cond string, extra ...string) string {
	s := fmt.Sprintf("- rule: %s\n  desc: d\n  condition: %s\n  output: o\n  priority: WARNING\n", name, cond)
	for _, e := range extra {
		s += "  " + e + "\n"
	}
	return s
}

// The real falco_rules.yaml loads without errors and every rule in it
// is restricted to a few event types.
func TestFalcoRulesLoad(t *testing.T) {
	path := filepath.Join(difftest.RequireShared(t), "rules", "falco_rules.yaml")
	rs, res := Load([]string{path}, DefaultOptions())
	if !res.OK() {
		var b strings.Builder
		res.WriteText(&b)
		t.Fatalf("falco_rules.yaml does not load:\n%s", b.String())
	}
	if len(rs.Rules) != 25 || rs.NumMacros != 87 || rs.NumLists != 49 {
		t.Errorf("loaded %d rules, %d macros, %d lists; want 25, 87, 49", len(rs.Rules), rs.NumMacros, rs.NumLists)
	}
	disabled := 0
	for _, r := range rs.Rules {
		if !r.Enabled {
			disabled++
		}
		if r.types == nil || r.ntypes > noEvttypeThreshold {
			t.Errorf("rule %q has no event-type restriction (%d types)", r.Name, r.ntypes)
		}
		if len(r.EventTypeNames()) == 0 {
			t.Errorf("rule %q can match no event type", r.Name)
		}
		if r.Source != "syscall" || len(r.Tags) == 0 {
			t.Errorf("rule %q: source %q, tags %v", r.Name, r.Source, r.Tags)
		}
	}
	if disabled != 0 {
		t.Errorf("%d disabled rules, want 0 (the one enabled key says true)", disabled)
	}
	if hasWarning(res, WarnNoEvttype, "") {
		t.Errorf("unexpected LOAD_NO_EVTTYPE warning")
	}
	// Spot checks of event types as Falco computes them.
	for name, want := range map[string][]string{
		"Terminal shell in container":      {"execve", "execveat"},
		"Search Private Keys or Passwords": {"execve", "execveat"},
	} {
		r := rs.Rule(name)
		if r == nil {
			t.Errorf("no rule %q", name)
			continue
		}
		if got := r.EventTypeNames(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: event types %v, want %v", name, got, want)
		}
	}
}

// Event-type sets: the reference table of RULES.md §9.
func TestEventTypes(t *testing.T) {
	for _, tc := range []struct {
		cond string
		want []string // nil: all
	}{
		{"evt.type=execve", []string{"execve"}},
		{"proc.name=foo", nil},
		{"evt.type!=execve", nil},
		{"not evt.type=execve", nil},
		{"evt.type=execve and proc.name!=foo", []string{"execve"}},
		{"evt.type=execve and not proc.name=foo", []string{"execve"}},
		{"evt.type=execve and proc.name=foo or evt.type=open", []string{"execve", "open"}},
		{"evt.type=execve and proc.name=foo or evt.type=open or evt.type in (open, connect)", []string{"connect", "execve", "open"}},
		{"evt.type=execve and proc.name=foo or evt.type=open or evt.type!=connect", nil},
		{"evt.type in (execve, open) or evt.type!=connect", nil},
		{"not evt.type in (execve, open)", nil},
		{"not evt.type in (execve, open) or evt.type=connect", nil},
		{"proc.name!=foo and evt.type=execve", []string{"execve"}},
		{"not proc.name=foo and evt.type in (execve, open)", []string{"execve", "open"}},
		{"evt.type=open or evt.type in (open, open)", []string{"open"}},
		{"not (evt.type=execve and proc.name=foo)", nil},
		{"not (evt.type!=execve or proc.name=foo)", []string{"execve"}},
		{"evt.type=open and evt.type=close", []string{}},
	} {
		rs, res := loadOK(t, rule("r", tc.cond, "warn_evttypes: true"))
		r := rs.Rules[0]
		got := r.EventTypeNames()
		if tc.want == nil {
			if r.ntypes <= noEvttypeThreshold {
				t.Errorf("%s: event types %v, want all", tc.cond, got)
			}
			if !hasWarning(res, WarnNoEvttype, "Rule matches too many evt.type values") {
				t.Errorf("%s: no LOAD_NO_EVTTYPE warning", tc.cond)
			}
			continue
		}
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: event types %v, want %v", tc.cond, got, tc.want)
		}
		if hasWarning(res, WarnNoEvttype, "") {
			t.Errorf("%s: unexpected LOAD_NO_EVTTYPE warning", tc.cond)
		}
	}
	// warn_evttypes: false silences the warning.
	_, res := loadOK(t, rule("r", "proc.name=foo", "warn_evttypes: false"))
	if hasWarning(res, WarnNoEvttype, "") {
		t.Errorf("warn_evttypes: false still warns")
	}
}

const catLists = `
- list: cat_binaries
  items: [cat]
- list: cat_capable_binaries
  items: [cat_binaries]
- list: empty_list
  items: []
- list: spaced
  items: [cat /dev/zero, '"one string"', "x"]
`

// Lists: substitution at the front, middle and end of a value list, bare,
// after '=', not inside longer names, empty lists, nested lists,
// redefinition and self reference.
func TestListSubstitution(t *testing.T) {
	for _, tc := range []struct{ cond, want string }{
		{"proc.name in (cat_binaries, ps)", "proc.name in ( cat , ps)"},
		{"proc.name in (ls, cat_binaries, ps)", "proc.name in (ls, cat , ps)"},
		{"proc.name in (ls, cat_binaries)", "proc.name in (ls, cat )"},
		{"proc.name=cat_binaries", "proc.name= cat "},
		{"proc.name= cat_binaries", "proc.name= cat "},
		{"fd.name in (file_cat_binaries)", "fd.name in (file_cat_binaries)"},
		{"proc.name in (cat_capable_binaries)", "proc.name in ( cat )"},
		{"proc.name in (empty_list, ls)", "proc.name in ( ls)"},
		{"proc.name in (ls, empty_list)", "proc.name in (ls )"},
		{"proc.name in (empty_list)", "proc.name in ( )"},
		{"proc.cmdline in (spaced)", `proc.cmdline in ( "cat /dev/zero", "one string", x )`},
	} {
		rs, _ := loadOK(t, catLists+rule("r", tc.cond, "warn_evttypes: false"))
		if got := strings.Join(strings.Fields(rs.Rules[0].Condition), " "); got != strings.Join(strings.Fields(tc.want), " ") {
			t.Errorf("%s: condition %q, want %q", tc.cond, got, tc.want)
		}
	}
	// An empty list is an empty set: "in" never matches, even empty values.
	rs, _ := loadOK(t, catLists+rule("r", "proc.name in (empty_list)", "warn_evttypes: false"))
	if f := rs.Rules[0].filter; f == nil {
		t.Fatal("no filter")
	}
	// Redefinition replaces the items; nested lists see the final items.
	rs, _ = loadOK(t, catLists+rule("r", "proc.name in (cat_capable_binaries)", "warn_evttypes: false"),
		"- list: cat_binaries\n  items: [not-cat]\n")
	if got := rs.Rules[0].Condition; got != "proc.name in ( not-cat )" {
		t.Errorf("after redefinition: %q", got)
	}
	// list_order: the later definition wins.
	rs, _ = loadOK(t, "- list: l\n  items: [not_cat]\n- list: l\n  items: [cat]\n"+rule("r", "proc.name in (l)", "warn_evttypes: false"))
	if got := rs.Rules[0].Condition; got != "proc.name in ( cat )" {
		t.Errorf("list_order: %q", got)
	}
	// A list that refers to itself is not expanded (invalid_list_loop).
	m := loadErr(t, "- list: list_a\n  items: [open]\n- list: list_a\n  items: [list_a]\n"+rule("r", "evt.type in (list_a)"))
	if m.Code != ErrCompileCondition || !strings.Contains(m.Text, "unknown event type list_a") {
		t.Errorf("invalid_list_loop: %v", m)
	}
	// Lists named like event types keep working.
	rs, _ = loadOK(t, "- list: open\n  items: [open, openat]\n"+rule("r", "evt.type in (open)"))
	if got := rs.Rules[0].EventTypeNames(); !reflect.DeepEqual(got, []string{"open", "openat"}) {
		t.Errorf("list named open: %v", got)
	}
	// Unused lists warn.
	_, res := loadOK(t, catLists+rule("r", "proc.name in (cat_capable_binaries)", "warn_evttypes: false"))
	if !hasWarning(res, WarnUnusedList, "List not referred to") {
		t.Errorf("no LOAD_UNUSED_LIST warning for empty_list")
	}
	for _, w := range res.Warnings() {
		if w.Code == WarnUnusedList && (w.ItemName == "cat_binaries" || w.ItemName == "cat_capable_binaries") {
			t.Errorf("list %s reported unused", w.ItemName)
		}
	}
}

func TestMacros(t *testing.T) {
	// Reference, nesting, precedence kept by parentheses.
	rs, _ := loadOK(t, `
- macro: is_cat
  condition: proc.name=cat or proc.name=dog
- macro: cat_open
  condition: evt.type=open and is_cat
`+rule("r", "cat_open and not never", "warn_evttypes: false")+`
- macro: never
  condition: evt.num=0
`)
	got := rs.Rules[0].filter.Expr
	if got != "cat_open and not never" {
		t.Errorf("condition text %q", got)
	}
	if names := rs.Rules[0].EventTypeNames(); !reflect.DeepEqual(names, []string{"open"}) {
		t.Errorf("macro event types %v", names)
	}
	for _, tc := range []struct {
		name  string
		files []string
		code  Code
		msg   string
	}{
		{"undefined", []string{rule("r", "evt.type=open and nomacro")}, ErrValidate, "Undefined macro 'nomacro' used in filter."},
		{"later macro in macro", []string{"- macro: a\n  condition: b\n- macro: b\n  condition: evt.type=open\n" + rule("r", "a")}, ErrValidate, "Undefined macro 'b' used in filter."},
		{"loop", []string{"- macro: a\n  condition: evt.type=open\n- macro: b\n  condition: a\n- macro: a\n  condition: b\n" + rule("r", "a")}, ErrValidate, "reference loop in macro"},
		{"syntax", []string{"- macro: a\n  condition: evt.type=execve execve\n" + rule("r", "a")}, ErrCompileCondition, ""},
		{"bad append", []string{"- macro: a\n  condition: evt.type=open\n- macro: a\n  append: true\n  condition: and\n" + rule("r", "a")}, ErrCompileCondition, ""},
		{"append no target", []string{"- macro: a\n  append: true\n  condition: and x\n"}, ErrValidate, "Macro has 'append' key but no macro by that name already exists"},
		{"override no target", []string{"- macro: a\n  override:\n    condition: append\n  condition: and x\n"}, ErrValidate, "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"},
		{"no condition", []string{"- macro: a\n"}, ErrYAMLValidate, "Item has no mapping for key 'condition'"},
		{"empty name", []string{"- macro:\n  condition: x\n"}, ErrYAMLValidate, "Mapping for key 'macro' is empty"},
	} {
		m := loadErr(t, tc.files...)
		if m.Code != tc.code || !strings.Contains(m.Text, tc.msg) {
			t.Errorf("%s: got %v, want %s %q", tc.name, m, tc.code, tc.msg)
		}
	}
	// macro_order: redefinition replaces; append concatenates text.
	for _, tc := range []struct {
		files []string
		types []string
	}{
		{[]string{"- macro: m\n  condition: evt.type=open\n- macro: m\n  condition: evt.type=close\n" + rule("r", "m")}, []string{"close"}},
		{[]string{"- macro: m\n  condition: evt.type=open\n", "- macro: m\n  append: true\n  condition: or evt.type=close\n" + rule("r", "m")}, []string{"close", "open"}},
		{[]string{"- macro: m\n  condition: evt.type=open\n", "- macro: m\n  override:\n    condition: append\n  condition: or evt.type=close\n" + rule("r", "m")}, []string{"close", "open"}},
		{[]string{"- macro: m\n  condition: evt.type=open\n", "- macro: m\n  override:\n    condition: replace\n  condition: evt.type=close\n" + rule("r", "m")}, []string{"close"}},
		{[]string{"- macro: m\n  condition: evt.type=open\n- macro: m\n  append: false\n  condition: evt.type=close\n" + rule("r", "m")}, []string{"close"}},
	} {
		rs, _ := loadOK(t, tc.files...)
		if got := rs.Rules[0].EventTypeNames(); !reflect.DeepEqual(got, tc.types) {
			t.Errorf("%q: types %v, want %v", tc.files, got, tc.types)
		}
	}
	// Unused macros and bad macro names warn.
	_, res := loadOK(t, "- macro: unused_one\n  condition: evt.type=open\n- macro: bad-name\n  condition: evt.type=open\n"+rule("r", "evt.type=open"))
	if !hasWarning(res, WarnUnusedMacro, "Macro not referred to by any other rule/macro") || !hasWarning(res, WarnInvalidMacroName, "invalid name") {
		t.Errorf("warnings: %v", res.Warnings())
	}
}

// Exceptions are compiled into the condition as Falco does, for every
// comparison operator and both forms.
func TestExceptions(t *testing.T) {
	base := "- list: cat_cmdlines\n  items: [cat /dev/zero, \"cat /dev/null\"]\n"
	for _, tc := range []struct {
		exc  string
		want string
	}{
		{`[{name: pc, fields: [proc.name, proc.cmdline], values: [[not-cat, not-cat], [cat, "cat /dev/null"]]}]`,
			`(evt.type=open and proc.name=cat) and not (( proc.name = not-cat and proc.cmdline = not-cat) or ( proc.name = cat and proc.cmdline = "cat /dev/null"))`},
		{`[{name: pc, fields: [proc.name, proc.cmdline], comps: [=, in], values: [[cat, cat_cmdlines]]}]`,
			`(evt.type=open and proc.name=cat) and not (( proc.name = cat and proc.cmdline in ( "cat /dev/zero", "cat /dev/null" )))`},
		{`[{name: pc, fields: [proc.name, proc.cmdline], comps: [=, in], values: [[cat, [cat /dev/zero, x]]]}]`,
			`(evt.type=open and proc.name=cat) and not (( proc.name = cat and proc.cmdline in ("cat /dev/zero", x)))`},
		{`[{name: single, fields: proc.name, values: [cat, cat x]}]`,
			`(evt.type=open and proc.name=cat) and not (proc.name in (cat, "cat x"))`},
		{`[{name: single, fields: proc.name, comps: pmatch, values: [/usr]}]`,
			`(evt.type=open and proc.name=cat) and not (proc.name pmatch (/usr))`},
		{`[{name: novalues, fields: [proc.name]}]`, `evt.type=open and proc.name=cat`},
		{`[{name: a, fields: [proc.name], values: [[x]]}, {name: b, fields: [proc.pid], comps: [">"], values: [[10]]}]`,
			`(evt.type=open and proc.name=cat) and not (( proc.name = x)) and not (( proc.pid > 10))`},
	} {
		rs, _ := loadOK(t, base+rule("r", "evt.type=open and proc.name=cat", "exceptions: "+tc.exc))
		if got := rs.Rules[0].Condition; got != tc.want {
			t.Errorf("%s:\n got  %s\n want %s", tc.exc, got, tc.want)
		}
	}
	// Every comparison operator compiles.
	ops := map[string]string{
		"=": "cat", "==": "cat", "!=": "cat", "<": "b", "<=": "b", ">": "b", ">=": "b",
		"in": "cat_cmdlines", "intersects": "(a, b)", "pmatch": "(/usr)", "contains": "at", "icontains": "AT",
		"bcontains": "636174", "startswith": "c", "bstartswith": "63", "endswith": "t", "glob": "c*", "iglob": "C*", "regex": "c.t",
	}
	for op, v := range ops {
		exc := fmt.Sprintf(`[{name: e, fields: [proc.name], comps: ["%s"], values: [["%s"]]}]`, op, v)
		rs, _ := loadOK(t, base+rule("r", "evt.type=open and proc.name=cat", "exceptions: "+exc))
		if !strings.Contains(rs.Rules[0].Condition, "proc.name "+op+" ") {
			t.Errorf("op %s: condition %q", op, rs.Rules[0].Condition)
		}
	}
	for _, tc := range []struct{ exc, msg string }{
		{`[{name: e, fields: [proc.name, proc.pid], comps: [=], values: [[a, 1]]}]`, "Fields and comps lists must have equal length"},
		{`[{name: e, fields: [proc.name], comps: [like], values: [[a]]}]`, "'like' is not a supported comparison operator"},
		{`[{name: e, fields: [proc.nobody], values: [[a]]}]`, "'proc.nobody' is not a supported filter field"},
		{`[{name: e, fields: [proc.name, proc.pid], values: [[a]]}]`, "Fields and values lists must have equal length"},
		{`[{name: e, fields: proc.name, comps: "=", values: [a]}]`, "'=' is not a supported comparison operator"},
		{`[{fields: [proc.name], values: [[a]]}]`, "Item has no mapping for key 'name'"},
		{`[{name: e, values: [[a]]}]`, "Item has no mapping for key 'fields'"},
	} {
		m := loadErr(t, rule("r", "evt.type=open", "exceptions: "+tc.exc))
		if !strings.Contains(m.Text, tc.msg) {
			t.Errorf("%s: %v, want %q", tc.exc, m, tc.msg)
		}
	}
	_, res := loadOK(t, rule("r", "evt.type=open", `exceptions: [{name: e, fields: [proc.name], values: [[a]]}, {name: e, fields: [proc.name], values: [[b]]}]`))
	if !hasWarning(res, WarnExceptionNotUnique, "") {
		t.Errorf("no LOAD_EXCEPTION_NAME_NOT_UNIQUE warning")
	}
}

func TestAppendOverride(t *testing.T) {
	base := "- list: l\n  items: [a]\n- macro: m\n  condition: proc.name in (l)\n" +
		rule("r", "evt.type=open", "tags: [t1]", `exceptions: [{name: e, fields: [proc.name], values: [[x]]}]`)
	for _, tc := range []struct {
		name  string
		extra string
		check func(r *Rule) string
	}{
		{"list append", "- list: l\n  append: true\n  items: [b]\n- rule: r\n  append: true\n  condition: and proc.name in (l)\n",
			func(r *Rule) string { return want(r.Condition, "proc.name in ( a, b )") }},
		{"list override append", "- list: l\n  override:\n    items: append\n  items: [b]\n- rule: r\n  append: true\n  condition: and proc.name in (l)\n",
			func(r *Rule) string { return want(r.Condition, "proc.name in ( a, b )") }},
		{"list override replace", "- list: l\n  override:\n    items: replace\n  items: [b]\n- rule: r\n  append: true\n  condition: and proc.name in (l)\n",
			func(r *Rule) string { return want(r.Condition, "proc.name in ( b )") }},
		{"rule condition append (legacy)", "- rule: r\n  append: true\n  condition: and proc.name=cat\n",
			func(r *Rule) string { return want(r.Condition, "evt.type=open and proc.name=cat)") }},
		{"rule condition append", "- rule: r\n  override:\n    condition: append\n  condition: and proc.name=cat\n",
			func(r *Rule) string { return want(r.Condition, "evt.type=open and proc.name=cat)") }},
		{"rule condition replace", "- rule: r\n  override:\n    condition: replace\n  condition: evt.type=close\n",
			func(r *Rule) string { return want(r.Condition, "(evt.type=close)") }},
		{"rule output append", "- rule: r\n  override:\n    output: append\n  output: more\n",
			func(r *Rule) string { return eq(r.Output, "o more") }},
		{"rule output replace", "- rule: r\n  override:\n    output: replace\n  output: new %proc.name\n",
			func(r *Rule) string { return eq(r.Output, "new %proc.name") }},
		{"rule desc append", "- rule: r\n  override:\n    desc: append\n  desc: more\n",
			func(r *Rule) string { return eq(r.Desc, "d more") }},
		{"rule desc replace", "- rule: r\n  override:\n    desc: replace\n  desc: new\n",
			func(r *Rule) string { return eq(r.Desc, "new") }},
		{"rule tags append", "- rule: r\n  override:\n    tags: append\n  tags: [t0, t1]\n",
			func(r *Rule) string { return eq(strings.Join(r.Tags, ","), "t0,t1") }},
		{"rule tags replace", "- rule: r\n  override:\n    tags: replace\n  tags: [t2]\n",
			func(r *Rule) string { return eq(strings.Join(r.Tags, ","), "t2") }},
		{"rule priority replace", "- rule: r\n  override:\n    priority: replace\n  priority: notice\n",
			func(r *Rule) string { return eq(r.Priority.String(), "Notice") }},
		{"rule enabled replace", "- rule: r\n  override:\n    enabled: replace\n  enabled: false\n",
			func(r *Rule) string { return eq(fmt.Sprint(r.Enabled), "false") }},
		{"rule enabled only (deprecated)", "- rule: r\n  enabled: false\n",
			func(r *Rule) string { return eq(fmt.Sprint(r.Enabled), "false") }},
		{"rule exceptions append values", "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: e, values: [[y]]}]\n",
			func(r *Rule) string { return want(r.Condition, "(( proc.name = x) or ( proc.name = y))") }},
		{"rule exceptions append new (legacy)", "- rule: r\n  append: true\n  exceptions: [{name: f, fields: [proc.pid], values: [[1]]}]\n",
			func(r *Rule) string { return want(r.Condition, "and not (( proc.pid = 1))") }},
		{"rule exceptions replace", "- rule: r\n  override:\n    exceptions: replace\n  exceptions: [{name: g, fields: [proc.pid], values: [[2]]}]\n",
			func(r *Rule) string { return eq(r.Condition, "(evt.type=open) and not (( proc.pid = 2))") }},
		{"rule mixed append and replace", "- rule: r\n  override:\n    condition: append\n    priority: replace\n  condition: and proc.pid=1\n  priority: error\n",
			func(r *Rule) string {
				return eq(r.Priority.String()+" "+r.Condition, "Error (evt.type=open and proc.pid=1) and not (( proc.name = x))")
			}},
		{"rule redefinition", rule("r", "evt.type=close"),
			func(r *Rule) string { return eq(r.Condition, "evt.type=close") }},
		{"rule misc replace", "- rule: r\n  override:\n    warn_evttypes: replace\n    skip-if-unknown-filter: replace\n    capture: replace\n    capture_duration: replace\n  warn_evttypes: false\n  skip-if-unknown-filter: true\n  capture: true\n  capture_duration: 1000\n",
			func(r *Rule) string { return "" }},
	} {
		rs, _ := loadOK(t, base, tc.extra)
		if msg := tc.check(rs.Rules[0]); msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
	}
	for _, tc := range []struct{ name, extra, msg string }{
		{"mix", "- rule: r\n  append: true\n  override:\n    condition: append\n  condition: and x\n", "Keys 'override' and 'append: true' cannot be used together"},
		{"bad op", "- rule: r\n  override:\n    condition: prepend\n  condition: and x\n", "Invalid override operation for key 'condition': 'prepend'. Allowed values are: append replace"},
		{"priority append", "- rule: r\n  override:\n    priority: append\n  priority: error\n", "Key 'priority' cannot be appended to, use 'replace' instead"},
		{"source replace", "- rule: r\n  override:\n    source: replace\n  source: syscall\n", "Key 'source' cannot be replaced"},
		{"unexpected key", "- rule: r\n  override:\n    condition: append\n  condition: and x\n  priority: error\n", "Unexpected key 'priority'"},
		{"missing key", "- rule: r\n  override:\n    condition: append\n", "item has no 'condition' key"},
		{"append no target", "- rule: nope\n  append: true\n  condition: and x\n", "Rule has 'append' key but no rule by that name already exists"},
		{"override append no target", "- rule: nope\n  override:\n    condition: append\n  condition: and x\n", "Rule uses 'append' or 'override.condition: append' but no rule by that name already exists"},
		{"override replace no target", "- rule: nope\n  override:\n    priority: replace\n  priority: error\n", "An 'override.priority: replace' to a rule was requested but no rule by that name already exists"},
		{"append nothing", "- rule: r\n  append: true\n  desc: x\n", "Appended rule must have exceptions or condition property"},
		{"enabled no target", "- rule: nope\n  enabled: false\n", "Rule has 'enabled' key but no rule by that name already exists"},
		{"priority without override", "- rule: r\n  priority: notice\n", "Item has no mapping for key 'condition'"},
		{"append makes invalid", "- rule: r\n  append: true\n  condition: and\n", "where a check was expected"},
		{"exception fields append", "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: e, fields: [proc.pid], values: [[1]]}]\n", "Can not append exception fields to existing exception, only values"},
		{"exception comps append", "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: e, comps: [=], values: [[1]]}]\n", "Can not append exception comps to existing exception, only values"},
		{"new exception without fields", "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: n, values: [[1]]}]\n", "Rule exception must have fields property with a list of fields"},
		{"new exception without values", "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: n, fields: [proc.pid]}]\n", "Rule exception must have values property with a list of values"},
		{"list append no target", "- list: nope\n  append: true\n  items: [x]\n", "List has 'append' key but no list by that name already exists"},
		{"list override no target", "- list: nope\n  override:\n    items: append\n  items: [x]\n", "List uses 'append' or 'override.items: append' but no list by that name already exists"},
		{"other source", "- rule: r\n  source: k8s_audit\n  append: true\n  condition: and x\n", ""},
	} {
		rs, res := Load(writeFiles(t, base, tc.extra), DefaultOptions())
		if tc.msg == "" {
			if !res.OK() {
				t.Errorf("%s: %v", tc.name, res.Errors())
			}
			continue
		}
		if res.OK() || rs != nil {
			t.Errorf("%s: loaded, want error %q", tc.name, tc.msg)
			continue
		}
		if m := res.Errors()[0]; !strings.Contains(m.Text, tc.msg) {
			t.Errorf("%s: %v, want %q", tc.name, m, tc.msg)
		}
	}
	// Deprecation warnings.
	_, res := loadOK(t, base, "- rule: r\n  append: true\n  condition: and proc.pid=1\n- rule: r\n  enabled: true\n")
	if !hasWarning(res, WarnDeprecatedItem, "'append' key is deprecated") || !hasWarning(res, WarnDeprecatedItem, "standalone 'enabled'") {
		t.Errorf("warnings %v", res.Warnings())
	}
	_, res = loadOK(t, base, "- rule: r\n  override:\n    exceptions: append\n  exceptions: [{name: e}]\n")
	if !hasWarning(res, WarnAppendNoValues, "") {
		t.Errorf("no LOAD_APPEND_NO_VALUES warning")
	}
}

func want(got, sub string) string {
	if !strings.Contains(got, sub) {
		return fmt.Sprintf("%q does not contain %q", got, sub)
	}
	return ""
}

func eq(got, w string) string {
	if got != w {
		return fmt.Sprintf("got %q, want %q", got, w)
	}
	return ""
}

// Keys of rules and file-level items.
func TestKeys(t *testing.T) {
	for _, tc := range []struct {
		p    string
		want Priority
	}{
		{"EMERGENCY", Emergency}, {"alert", Alert}, {"Critical", Critical}, {"error", Error},
		{"WARNING", Warning}, {"notice", Notice}, {"INFO", Informational}, {"informational", Informational}, {"debug", Debug},
	} {
		rs, _ := loadOK(t, strings.Replace(rule("r", "evt.type=open"), "WARNING", tc.p, 1))
		if rs.Rules[0].Priority != tc.want {
			t.Errorf("priority %s: %v", tc.p, rs.Rules[0].Priority)
		}
	}
	if m := loadErr(t, strings.Replace(rule("r", "evt.type=open"), "WARNING", "urgent", 1)); m.Text != "Invalid priority" {
		t.Errorf("bad priority: %v", m)
	}
	rs, _ := loadOK(t, rule("r", "evt.type=open", "tags: [b, a, b]", "enabled: false"))
	if r := rs.Rules[0]; !reflect.DeepEqual(r.Tags, []string{"a", "b"}) || r.Enabled {
		t.Errorf("tags %v enabled %v", r.Tags, r.Enabled)
	}
	// Missing keys, in Falco's order.
	for _, k := range []string{"condition", "output", "desc", "priority"} {
		var lines []string
		for _, l := range strings.Split(rule("r", "evt.type=open"), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), k+":") {
				lines = append(lines, l)
			}
		}
		m := loadErr(t, strings.Join(lines, "\n"))
		if m.Text != "Item has no mapping for key '"+k+"'" || m.Code != ErrYAMLValidate {
			t.Errorf("missing %s: %v", k, m)
		}
	}
	// Sources: other sources are skipped with a warning.
	rs, res := loadOK(t, rule("a", "evt.type=open", "source: k8s_audit"), rule("b", "evt.type=open", "source: syscall"))
	if len(rs.Rules) != 1 || rs.Rules[0].Name != "b" || !hasWarning(res, WarnUnknownSource, "Unknown source k8s_audit, skipping") {
		t.Errorf("sources: %d rules, warnings %v", len(rs.Rules), res.Warnings())
	}
	// Engine versions.
	for _, tc := range []struct {
		v  string
		ok bool
		m  string
	}{
		{"2", true, ""}, {"17", true, ""}, {"0.57.0", true, ""}, {`"0.10.0"`, true, ""},
		{"9999999", false, "Rules require engine version 0.9999999.0, but engine version is " + EngineVersion},
		{"1.0.0", false, "Rules require engine version 1.0.0"},
		{"abc", false, "Unable to parse engine version 'abc' as a semver string"},
	} {
		rs, res := Load(writeFiles(t, "- required_engine_version: "+tc.v+"\n"), DefaultOptions())
		if tc.ok != res.OK() || (!tc.ok && !strings.Contains(res.Errors()[0].Text, tc.m)) {
			t.Errorf("engine version %s: ok=%v %v", tc.v, res.OK(), res.Errors())
		}
		_ = rs
	}
	// Plugins: container is built in, others warn.
	_, res = loadOK(t, "- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n  - name: json\n    version: 0.1.0\n    alternatives:\n      - name: k8smeta\n        version: 0.1.0\n  - name: okta\n    version: 0.1.0\n")
	if len(res.Warnings()) != 1 || !strings.Contains(res.Warnings()[0].Text, "okta") {
		t.Errorf("plugin warnings: %v", res.Warnings())
	}
	if m := loadErr(t, "- required_plugin_versions:\n  - name: container\n"); !strings.Contains(m.Text, "Item has no mapping for key 'version'") {
		t.Errorf("plugin without version: %v", m)
	}
	// skip-if-unknown-filter.
	for _, cond := range []string{"proc.nobody=x", "evt.type=nosuchevent"} {
		rs, res := loadOK(t, rule("skip", cond, "skip-if-unknown-filter: true"), rule("keep", "evt.type=open"))
		if len(rs.Rules) != 1 || !hasWarning(res, WarnUnknownFilter, "") {
			t.Errorf("skip-if-unknown-filter %s: %d rules, %v", cond, len(rs.Rules), res.Warnings())
		}
		for _, extra := range []string{"skip-if-unknown-filter: false", ""} {
			m := loadErr(t, rule("skip", cond, extra))
			if m.Code != ErrCompileCondition || !unknownFilter(m.Text) {
				t.Errorf("%s %s: %v", cond, extra, m)
			}
		}
	}
	m := loadErr(t, rule("r", "proc.nobody=x"))
	if m.Text != "filter_check called with nonexistent field proc.nobody" {
		t.Errorf("unknown field: %v", m)
	}
	// Argument forms of fields are accepted.
	loadOK(t, rule("r", "evt.type=open and evt.arg.path=x and evt.arg[0]=x and proc.aname[1]=x and proc.apid[1]=1"))
	// Unknown output field.
	m = loadErr(t, strings.Replace(rule("r", "evt.type=open"), "output: o", "output: x %not_a_real_field", 1))
	if m.Code != ErrCompileOutput || m.Text != "invalid formatting token not_a_real_field" {
		t.Errorf("bad output: %v", m)
	}
	rs, res = loadOK(t, strings.Replace(rule("r", "evt.type=open", "skip-if-unknown-filter: true"), "output: o", "output: x %not_a_real_field", 1))
	if len(rs.Rules) != 0 || !hasWarning(res, WarnUnknownFilter, "invalid formatting token") {
		t.Errorf("skip unknown output: %d rules", len(rs.Rules))
	}
	// Unknown keys and items warn; capture keys are accepted.
	_, res = loadOK(t, rule("r", "evt.type=open", "capture: true", "capture_duration: 500", "colour: red"), "- something: else\n")
	if !hasWarning(res, WarnUnknownKey, "Unknown key 'colour'. The key will be ignored.") || !hasWarning(res, WarnUnknownItem, "Unknown top-level object") {
		t.Errorf("warnings: %v", res.Warnings())
	}
	// <NA> comparisons warn.
	_, res = loadOK(t, rule("r", "evt.type=open and fd.name=<NA>"))
	if !hasWarning(res, WarnUnsafeNACheck, "Unsafe <NA> comparison in condition") {
		t.Errorf("no LOAD_UNSAFE_NA_CHECK: %v", res.Warnings())
	}
	// Unknown tags (a plain scalar starting with '!') are not an error.
	rs, _ = loadOK(t, "- rule: r\n  desc: != after evt.type, not affecting results\n  condition: evt.type=open\n  output: o\n  priority: INFO\n")
	if rs.Rules[0].Desc != "after evt.type, not affecting results" {
		t.Errorf("tagged desc %q", rs.Rules[0].Desc)
	}
	// Folded outputs are joined with spaces, leading '*' dropped.
	rs, _ = loadOK(t, "- rule: r\n  desc: d\n  condition: evt.type=open\n  output: >\n    *a\n    b %proc.name\n  priority: INFO\n")
	if rs.Rules[0].Output != "a b %proc.name" {
		t.Errorf("folded output %q", rs.Rules[0].Output)
	}
	// %container.info.
	rs, _ = loadOK(t, strings.Replace(rule("r", "evt.type=open"), "output: o", "output: x %container.info", 1))
	if rs.Rules[0].Output != "x %container.name (id=%container.id)" {
		t.Errorf("container.info: %q", rs.Rules[0].Output)
	}
	// Minimum priority drops less severe rules at load.
	o := DefaultOptions()
	o.MinPriority = Error
	rs, res = Load(writeFiles(t, rule("w", "evt.type=open"), strings.Replace(rule("c", "evt.type=open"), "WARNING", "CRITICAL", 1)), o)
	if !res.OK() || len(rs.Rules) != 1 || rs.Rules[0].Name != "c" {
		t.Errorf("min priority: %v", rs.RuleNames())
	}
}

// Load errors and positions.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		content  string
		code     Code
		msg      string
		line     int
		col      int
		itemType string
	}{
		{"- rule: x\n  desc: 'unterminated\n", ErrYAMLParse, "could not find end character of single-quoted text", 2, 9, "rules content"},
		{"just a string", ErrYAMLValidate, "Rules content is not yaml", 1, 1, "rules content"},
		{"a: b\n", ErrYAMLValidate, "Rules content is not yaml array of objects", 1, 1, "rules content"},
		{"- a\n", ErrYAMLValidate, "Unexpected element type. Each element should be a yaml associative array.", 1, 3, "rules content item"},
		{"- list: l\n  items: x\n", ErrYAMLValidate, "Value is not a sequence", 2, 10, "list"},
		{"- list: l\n", ErrYAMLValidate, "Item has no mapping for key 'items'", 1, 3, "list"},
		{"- list:\n  items: [a]\n", ErrYAMLValidate, "Mapping for key 'list' is empty", 1, 3, "list"},
		{"- rule:\n  condition: x\n", ErrYAMLValidate, "Mapping for key 'rule' is empty", 1, 3, "rule"},
		{"- macro: m\n  condition: evt.type=open\n\n" + rule("r", "m and (evt.type=open"), ErrCompileCondition, "unexpected end of filter", 6, 14, "rule"},
	} {
		rs, res := Load(writeFiles(t, tc.content), DefaultOptions())
		if rs != nil || res.OK() {
			t.Errorf("%q loaded", tc.content)
			continue
		}
		m := res.Errors()[0]
		if m.Code != tc.code || !strings.Contains(m.Text, tc.msg) || m.Pos.Line != tc.line || m.Pos.Col != tc.col || m.ItemType != tc.itemType {
			t.Errorf("%q: got %s (line %d col %d), want %s %q at %d:%d (%s)", tc.content, m, m.Pos.Line, m.Pos.Col, tc.code, tc.msg, tc.line, tc.col, tc.itemType)
		}
		if !strings.HasPrefix(m.String(), m.Pos.File+":") {
			t.Errorf("message %q does not start with file:line:col", m.String())
		}
	}
	// Empty files and comment-only files are valid.
	rs, _ := loadOK(t, "", "# nothing\n", "---\n- list: l\n  items: []\n---\n- list: l2\n  items: []\n")
	if rs.NumLists != 2 || len(rs.Rules) != 0 {
		t.Errorf("empty files: %d lists", rs.NumLists)
	}
	// A missing file.
	rs, res := Load([]string{"/nonexistent/rules.yaml"}, DefaultOptions())
	if rs != nil || res.Errors()[0].Code != ErrFileRead {
		t.Errorf("missing file: %v", res.Errors())
	}
	// Errors stop loading: later files are not read.
	paths := writeFiles(t, "- a\n", rule("r", "evt.type=open"))
	_, res = Load(paths, DefaultOptions())
	if len(res.Files) != 1 {
		t.Errorf("loaded %d files after an error", len(res.Files))
	}
	// Directories load their files in name order.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "001-double.yaml"), []byte("- list: l\n  append: true\n  items: [b]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "000-single.yaml"), []byte("- list: l\n  items: [a]\n"+rule("r", "proc.name in (l)", "warn_evttypes: false")), 0o644)
	rs, res = Load([]string{dir}, DefaultOptions())
	if !res.OK() || rs.Rules[0].Condition != "proc.name in ( a, b )" {
		t.Errorf("directory: %v %v", res.Errors(), rs)
	}
}

// Validation results print as Falco's JSON.
func TestResultJSON(t *testing.T) {
	_, res := Load(writeFiles(t, rule("r", "evt.type=open and nomacro")), DefaultOptions())
	var b strings.Builder
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"falco_load_results":[{"name":`, `"successful":false`, `"code":"LOAD_ERR_VALIDATE"`,
		`"codedesc":"Error validating rule/macro/list/exception objects"`, `"message":"Undefined macro 'nomacro' used in filter."`,
		`"item_type":"rule","item_name":"r"`, `"warnings":[]`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("JSON lacks %s:\n%s", s, b.String())
		}
	}
	b.Reset()
	res.WriteSummary(&b)
	if !strings.Contains(b.String(), ": Invalid\n") {
		t.Errorf("summary: %s", b.String())
	}
}

// The three rules files of falcosecurity/rules load together (the
// sandbox ones use `\ ` in a string and the process-group fields).
func TestFalcoRulesAllLoad(t *testing.T) {
	dir := filepath.Join(difftest.RequireShared(t), "rules")
	var paths []string
	for _, f := range []string{"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"} {
		paths = append(paths, filepath.Join(dir, f))
	}
	rs, res := Load(paths, DefaultOptions())
	if !res.OK() {
		var b strings.Builder
		res.WriteText(&b)
		t.Fatalf("the rules files do not load together:\n%s", b.String())
	}
	names := map[string]bool{}
	for _, r := range rs.Rules {
		names[r.Name] = true
	}
	for _, want := range []string{"Terminal shell in container", "Launch Privileged Container", "Sudo Potential Privilege Escalation", "Basic Interactive Reconnaissance"} {
		if !names[want] {
			t.Errorf("rule %q not loaded", want)
		}
	}
}
