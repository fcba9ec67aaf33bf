package views

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
)

// BuiltinDir is the place of trace's own views in the search path (the
// same as the built-in chisels').
const BuiltinDir = chisels.BuiltinDir

// Builtin returns copies of trace's built-in views.
func Builtin() []*View {
	out := make([]*View, 0, len(builtin))
	for i := range builtin {
		v := builtin[i].Clone()
		v.Path = BuiltinDir + "v_" + v.ID + ".lua"
		if err := v.finish(); err != nil {
			panic("views: builtin " + v.ID + ": " + err.Error())
		}
		out = append(out, v)
	}
	return out
}

// Options select the views of a run as csysdig does.
type Options struct {
	// Containers (-pc) keeps the columns tagged "containers" instead of
	// those tagged "default".
	Containers bool
	// JSON (-j) also offers the views tagged "nocsysdig".
	JSON bool
}

// Load returns the views found on the chisel search path dirs (as
// chisels.Dirs returns it; BuiltinDir stands for trace's own views): the
// first file of a name wins, as for chisels. Views whose first tag is
// "Containers", and "nocsysdig" ones except for JSON, are left out; the
// others get the column tag of the run. Files that fail to load are
// skipped, as csysdig skips them.
func Load(dirs []string, o Options) *Set {
	seen := map[string]bool{}
	var all []*View
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if d == BuiltinDir {
			for _, v := range Builtin() {
				name := strings.TrimSuffix(strings.TrimPrefix(v.Path, BuiltinDir), ".lua")
				if seen[name] {
					continue
				}
				seen[name] = true
				all = append(all, v)
			}
			continue
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, f := range names {
			base, ok := strings.CutSuffix(f, ".lua")
			if !ok {
				continue
			}
			if seen[base] || chisels.Untrusted(d, f) != "" {
				continue // (a view file's top level runs: not a planted one)
			}
			src, err := os.ReadFile(d + f)
			if err != nil {
				continue
			}
			v, err := Parse(d+f, src)
			if err == ErrNotView {
				seen[base] = true // a chisel takes the name
			}
			if err != nil {
				continue
			}
			seen[base] = true
			v.Path = d + f
			all = append(all, v)
		}
	}
	tag := "default"
	if o.Containers {
		tag = "containers"
	}
	s := &Set{}
	for _, v := range all {
		if err := v.ApplyTag(tag); err != nil {
			continue
		}
		if len(v.Tags) > 0 && v.Tags[0] == "Containers" {
			continue
		}
		if !o.JSON && slices.Contains(v.Tags, "nocsysdig") {
			continue
		}
		if slices.Contains(v.Tags, "csysdig-aws") {
			continue
		}
		s.Views = append(s.Views, v)
	}
	s.Sort()
	return s
}

// WriteList prints the views as csysdig --list-views does (one JSON
// array).
func WriteList(w io.Writer, s *Set) error {
	b := []byte{'['}
	for i, v := range s.Views {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if len(v.AppliesTo) > 0 {
			b = append(b, `"appliesTo":`...)
			b = appendStrings(b, v.AppliesTo)
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `"canDrillDown":%v,"description":`, v.Kind == TableView)
		b = fields.AppendJSONString(b, []byte(v.Description))
		b = append(b, `,"drilldownTarget":`...)
		b = fields.AppendJSONString(b, []byte(v.DrilldownTarget))
		b = append(b, `,"filter":`...)
		b = fields.AppendJSONString(b, []byte(v.Filter))
		b = append(b, `,"id":`...)
		b = fields.AppendJSONString(b, []byte(v.ID))
		b = fmt.Appendf(b, `,"isRoot":%v,"name":`, v.IsRoot)
		b = fields.AppendJSONString(b, []byte(v.Name))
		if len(v.Tags) > 0 {
			b = append(b, `,"tags":`...)
			b = appendStrings(b, v.Tags)
		}
		if len(v.Tips) > 0 {
			b = append(b, `,"tips":`...)
			b = appendStrings(b, v.Tips)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	_, err := w.Write(b)
	return err
}

func appendStrings(b []byte, l []string) []byte {
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = fields.AppendJSONString(b, []byte(s))
	}
	return append(b, ']')
}
