package views

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/fields"
)

func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		v     float64
		isInt bool
		want  string
	}{
		{0, true, "         0"},
		{1024, true, "      1024"},
		{1025, true, "        1K"},
		{131 << 20, true, "      131M"},
		{1.5 * (1 << 30), false, "     1.50G"},
		{94, false, "     94.00"},
		{2.5, true, "         2"}, // C rounds half to even
		{3.5, true, "         4"},
	} {
		if got := FormatBytes(c.v, 10, c.isInt); got != c.want {
			t.Errorf("FormatBytes(%v, %v) = %q, want %q", c.v, c.isInt, got, c.want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	for _, c := range []struct {
		ns   uint64
		want string
	}{
		{0, "       0ns"},
		{949, "     949ns"},
		{3050, "    3.05us"},
		{40000, "      40us"},
		{3050000, "    3.05ms"},
		{643000000, "     643ms"},
		{1280000000, "     1.28s"},
		{61 * 1e9, "       1:1"},
		{6042 * 1e9, "  01:40:42"},
	} {
		if got := FormatTime(c.ns, 10); got != c.want {
			t.Errorf("FormatTime(%d) = %q, want %q", c.ns, got, c.want)
		}
	}
}

func TestCellAggregations(t *testing.T) {
	u64 := fields.TUint64
	mk := func(n uint64, cnt uint32) cell { return cell{n: n, cnt: cnt} }
	for _, c := range []struct {
		name    string
		a       Aggregation
		d, s    cell
		n       uint64
		cnt     uint32
		typeFor fields.Type
	}{
		{"sum", Sum, mk(3, 1), mk(4, 1), 7, 1, u64},
		{"sum of averages", Sum, mk(10, 2), mk(9, 3), 8, 1, u64},
		{"avg counts", Avg, mk(3, 1), mk(4, 1), 7, 2, u64},
		{"max", Max, mk(3, 1), mk(4, 1), 4, 1, u64},
		{"min", Min, mk(3, 1), mk(4, 1), 3, 1, u64},
		{"min from a default", Min, mk(0, 0), mk(4, 1), 4, 1, u64},
		{"none keeps the first", None, mk(3, 1), mk(4, 1), 3, 1, u64},
		{"uint32 wraps", Sum, mk(0xffffffff, 1), mk(2, 1), 1, 1, fields.TUint32},
	} {
		d, s := c.d, c.s
		d.add(c.typeFor, &s, c.a)
		if d.n != c.n || d.cnt != c.cnt {
			t.Errorf("%s: got %d (cnt %d), want %d (cnt %d)", c.name, d.n, d.cnt, c.n, c.cnt)
		}
	}
	// csysdig's MAX of strings keeps the latest
	d, s := cell{s: []byte("zz")}, cell{s: []byte("aa")}
	d.add(fields.TCharbuf, &s, Max)
	if string(d.s) != "aa" {
		t.Errorf("max of strings = %q", d.s)
	}
}

func TestHierarchyFilter(t *testing.T) {
	key := &Column{Field: "proc.pid"}
	child := &Column{Field: "fd.name", ChildOnly: true}
	for _, c := range []struct {
		h         Hierarchy
		templated bool
		want      string
	}{
		{nil, false, ""},
		{Hierarchy{{Field: "proc.pid", Value: "12", Column: key}}, false, "proc.pid=12"},
		{Hierarchy{{Field: "evt.type", Value: `"open"`, ViewFilter: "syscall.type exists"}}, true, `(syscall.type exists) and evt.type="@#$f1CA^&;"`},
		{Hierarchy{{Field: "proc.pid", Value: "1", ViewFilter: "evt.type!=switch"}, {Field: "thread.tid", Value: "2"}}, false,
			"((evt.type!=switch) and proc.pid=1) and (thread.tid=2)"},
		// filter_in_child_only keys filter only the next view
		{Hierarchy{{Field: "fd.name", Value: "x", Column: child}, {Field: "proc.pid", Value: "3"}}, false, "(proc.pid=3)"},
		// a view switch adds a step without a filter
		{Hierarchy{{Field: "proc.pid", Value: "1"}, {}}, false, "(proc.pid=1)"},
	} {
		if got := c.h.Filter(c.templated); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.h, got, c.want)
		}
	}
	if got := Combine("a", ""); got != "a" {
		t.Errorf("Combine = %q", got)
	}
	if got := Combine("a", "b"); got != "(a) and (b)" {
		t.Errorf("Combine = %q", got)
	}
	if got := (Hierarchy{{Field: "proc.pid", Value: "7"}}).Describe(); got != "proc.pid=7" {
		t.Errorf("Describe = %q", got)
	}
}

const myView = `
view_info = {
	id = "my_procs",
	name = "My Processes",
	description = nil,
	tags = {"Default"},
	view_type = "table",
	filter = "evt.type!=switch",
	applies_to = {"", "container.id"},
	drilldown_target = "threads",
	columns = {
		{ name = "COUNT", field = "evt.count", aggregation = "SUM", colsize = 8 },
		{ name = "NA", field = "proc.name", is_key = true },
		{ name = "NAME", field = "proc.name", colsize = 20, is_sorting = true },
		{ name = "CONT", field = "container.name", tags = {"containers"} },
	},
	actions = { { hotkey = "k", command = "kill %proc.pid", ask_confirmation = true } },
}
`

func TestLoadViewFiles(t *testing.T) {
	dir := t.TempDir() + "/"
	if err := os.WriteFile(filepath.Join(dir, "v_my_procs.lua"), []byte(myView), 0o644); err != nil {
		t.Fatal(err)
	}
	// a file named like a built-in view replaces it
	procs := `view_info = { id = "procs", name = "Mine", view_type = "table",
		columns = { { name = "NA", field = "proc.pid", is_key = true }, { name = "N", field = "evt.count", aggregation = "SUM" } } }`
	os.WriteFile(filepath.Join(dir, "v_procs.lua"), []byte(procs), 0o644)
	os.WriteFile(filepath.Join(dir, "notaview.lua"), []byte(`description = "a chisel"`), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.lua"), []byte(`view_info = {`), 0o644)

	set := Load([]string{dir, BuiltinDir}, Options{})
	v := set.ByID("my_procs")
	if v == nil {
		t.Fatal("my_procs not loaded")
	}
	if v.Columns[0].Field != "proc.name" || !v.Columns[0].Key {
		t.Errorf("the key is not first: %+v", v.Columns[0])
	}
	if len(v.Columns) != 3 {
		t.Errorf("the containers column stays without -pc: %d columns", len(v.Columns))
	}
	if v.SortCol != 2 {
		t.Errorf("sort column %d, want 2 (NAME)", v.SortCol)
	}
	if len(v.Actions) != 1 || v.Actions[0].Hotkey != 'k' || !v.Actions[0].AskConfirmation || !v.Actions[0].WaitFinish {
		t.Errorf("actions %+v", v.Actions)
	}
	if p := set.ByID("procs"); p == nil || p.Name != "Mine" {
		t.Errorf("the file did not replace the built-in procs view: %+v", p)
	}
	if set.ByID("threads") == nil || set.ByID("threads").Path != BuiltinDir+"v_threads.lua" {
		t.Error("built-in views missing")
	}
	for i := 1; i < len(set.Views); i++ {
		if set.Views[i-1].Name > set.Views[i].Name {
			t.Errorf("views not sorted by name: %q before %q", set.Views[i-1].Name, set.Views[i].Name)
		}
	}
	pc := Load([]string{dir}, Options{Containers: true}).ByID("my_procs")
	if len(pc.Columns) != 4 {
		t.Errorf("-pc keeps %d columns, want 4", len(pc.Columns))
	}
	if _, err := Parse("x", []byte(`view_info = { id = "x", columns = { { name = "A", field = "evt.count", aggregation = "BOGUS" } } }`)); err == nil {
		t.Error("an unknown aggregation loads")
	}
}
