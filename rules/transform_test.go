package rules

import (
	"strings"
	"testing"
)

// Current Falco's field transformers and val() in conditions and
// outputs, on a real capture (cat opening four files; counts checked
// against current Falco).
func TestTransformersAndVal(t *testing.T) {
	cat := capture(t, "falco_cat_write.scap")
	count := func(cond string) int {
		t.Helper()
		rs, _ := loadOK(t, rule("r", cond))
		return len(runCapture(t, cat, mustEngine(t, rs, Selection{})))
	}
	for _, tc := range []struct {
		cond string
		want int
	}{
		{"evt.type=open and toupper(proc.name) = CAT", 4},
		{"evt.type=open and tolower(toupper(proc.name)) = cat", 4},
		{"evt.type=open and tolower(proc.name) = toupper(proc.name)", 0},
		{"evt.type=open and toupper(proc.name) = toupper(proc.name)", 4},
		{"evt.type=open and basename(fd.name) = null", 1},
		{"evt.type=open and basename(fd.name) in (null, ld.so.cache)", 2},
		{"evt.type=open and len(fd.name) = 9", 1}, // /dev/null
		{"evt.type=open and len(proc.name) > 2 and len(proc.name) < 4", 4},
		{"evt.type=open and b64(proc.name) exists", 0}, // "cat" is no base64
		{"evt.type=open and proc.pid = val(thread.tid)", 4},
		{"evt.type=open and proc.pid != val(thread.tid)", 0},
		{"evt.type=open and fd.name = val(fd.filename)", 0},
	} {
		if got := count(tc.cond); got != tc.want {
			t.Errorf("%s: %d alerts, want %d", tc.cond, got, tc.want)
		}
	}
	// In outputs.
	rs, _ := loadOK(t, "- rule: r\n  desc: d\n  condition: evt.type=open and fd.name=/dev/null\n  output: \"%toupper(proc.name) %basename(fd.name) %len(fd.name)\"\n  priority: WARNING\n")
	got := runCapture(t, cat, mustEngine(t, rs, Selection{}))
	if len(got) != 1 || !strings.HasSuffix(got[0].text, "Warning CAT null <NA>") {
		t.Errorf("output: %v", got)
	}
	// Errors name the transformer; a number is no string; val() and
	// transformers are single values, not list items (as current Falco).
	for _, cond := range []string{"evt.type=open and fd.filename in (val(proc.name), null)", "evt.type=open and fd.filename in (tolower(proc.name))", "tolower(proc.pid) = 1", "evt.type=open and tolower(nosuch.field) = a", "evt.type=open and proc.name = val(nosuch.field)", "evt.type=open and tolower(proc.name = a"} {
		if _, res := Load(writeFiles(t, rule("r", cond)), DefaultOptions()); res.OK() {
			t.Errorf("%s: loaded", cond)
		}
	}
}

// As current Falco: evt.dir in a condition and %container.info in an
// output load with a LOAD_DEPRECATED_ITEM warning each.
func TestDeprecationWarnings(t *testing.T) {
	_, res := loadOK(t, "- rule: r\n  desc: d\n  condition: evt.type=open and evt.dir=<\n  output: \"x %container.info\"\n  priority: WARNING\n")
	var got []string
	for _, f := range res.Files {
		for _, w := range f.Warnings {
			if w.Code == WarnDeprecatedItem {
				got = append(got, w.String())
			}
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "%container.info is deprecated") || !strings.Contains(got[1], ":3:14: warning: rule 'r'") || !strings.Contains(got[1], "'evt.dir = <' always evaluates to true") {
		t.Errorf("warnings: %q", got)
	}
	_, res = loadOK(t, rule("clean", "evt.type=open and proc.name=cat"))
	for _, f := range res.Files {
		if len(f.Warnings) != 0 {
			t.Errorf("clean rule: %v", f.Warnings)
		}
	}
}

// append_output entries (current Falco's setting) add text to the
// outputs of the rules they match and fields to their JSON only.
func TestAppendOutput(t *testing.T) {
	all, err := ParseAppendOutput("on cpu %evt.cpu")
	if err != nil || all.Output != "on cpu %evt.cpu" {
		t.Fatalf("text entry: %+v %v", all, err)
	}
	tagged, err := ParseAppendOutput(`{"match": {"tags": ["net"]}, "extra_output": "TAGGED", "extra_fields": ["user.uid"]}`)
	if err != nil || len(tagged.Tags) != 1 || tagged.Fields[0] != "user.uid" {
		t.Fatalf("JSON entry: %+v %v", tagged, err)
	}
	for _, bad := range []string{`{"extra_output": 1}`, `{"nope": "x"}`, `{"extra_fields": [{"home": "${HOME}"}]}`} {
		if _, err := ParseAppendOutput(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	o := DefaultOptions()
	o.AppendOutput = []AppendOutput{all, tagged}
	rs, res := Load(writeFiles(t, rule("plain", "evt.type=open"), rule("net", "evt.type=open", "tags: [net]")), o)
	if !res.OK() {
		t.Fatal(res)
	}
	for _, r := range rs.Rules {
		want := "o on cpu %evt.cpu"
		if r.Name == "net" {
			want += " TAGGED"
		}
		if r.Output != want {
			t.Errorf("rule %s: output %q, want %q", r.Name, r.Output, want)
		}
	}
}
