package fields

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// TestFieldTypesSuperset: a field that declares the event types it may
// have a value for (Types) has none for any other type, on every event
// of the real captures and of testdata.
func TestFieldTypesSuperset(t *testing.T) {
	names := []string{"evt.buflen.file", "evt.buflen.file.in", "evt.buflen.file.out",
		"evt.buflen.net", "evt.buflen.net.in", "evt.buflen.net.out",
		"thread.cpu", "thread.cpu.user", "thread.cpu.system"}
	captures := allCaptures(t)
	withValue := map[string]int{}
	for _, path := range captures {
		fs := parseFields(t, names)
		for _, f := range fs {
			if f.Types() == nil {
				t.Fatalf("%s declares no types", f.Name)
			}
		}
		eachEvent(t, path, func(_ *state.Engine, c *Ctx, raw *scap.Event, ev *state.Event) {
			for _, f := range fs {
				var v Value
				if !f.Get(c, &v) {
					continue
				}
				withValue[f.Name]++
				if m := f.Types(); int(raw.Type) < len(m) && !m[raw.Type] {
					t.Errorf("%s: event %d of type %d has %s, outside its declared types", path, ev.Num, raw.Type, f.Name)
				}
			}
		})
	}
	for _, n := range []string{"evt.buflen.file", "evt.buflen.net", "thread.cpu"} {
		if withValue[n] == 0 {
			t.Errorf("%s never had a value: the check is empty", n)
		}
	}
	t.Logf("values: %v", withValue)
}

// TestSizeStable: a SizeStable field keeps its value for a thread while
// the engine's StateGen and SizeGen stay, on every event of the real
// captures and of testdata (the views cache such columns on that promise).
func TestSizeStable(t *testing.T) {
	var names []string
	for n := range sizeStable {
		names = append(names, n)
	}
	captures := allCaptures(t)
	type seen struct {
		gen, sgen uint64
		ok        []bool
		n         []uint64
	}
	checked, moved := 0, 0
	for _, path := range captures {
		fs := parseFields(t, names)
		for _, f := range fs {
			if !f.SizeStable() {
				t.Fatalf("%s is not SizeStable", f.Name)
			}
		}
		last := map[*state.Thread]*seen{}
		eachEvent(t, path, func(eng *state.Engine, c *Ctx, raw *scap.Event, ev *state.Event) {
			if ev.Thread == nil {
				return
			}
			s := last[ev.Thread]
			same := s != nil && s.gen == eng.StateGen() && s.sgen == eng.SizeGen()
			if s == nil {
				s = &seen{ok: make([]bool, len(fs)), n: make([]uint64, len(fs))}
				last[ev.Thread] = s
			}
			for i, f := range fs {
				var v Value
				ok := f.Get(c, &v)
				if same {
					checked++
					if ok != s.ok[i] || v.N != s.n[i] {
						t.Errorf("%s: event %d (type %d, tid %d): %s went from %v/%d to %v/%d with the generations unchanged",
							path, ev.Num, raw.Type, ev.Thread.Tid, f.Name, s.ok[i], s.n[i], ok, v.N)
					}
				} else if ok != s.ok[i] || v.N != s.n[i] {
					moved++
				}
				s.ok[i], s.n[i] = ok, v.N
			}
			s.gen, s.sgen = eng.StateGen(), eng.SizeGen()
		})
	}
	if checked == 0 || moved == 0 {
		t.Errorf("the check is empty: %d values checked unchanged, %d changes seen", checked, moved)
	}
	t.Logf("%d values checked with the generations unchanged, %d changes with them moved", checked, moved)
}

// allCaptures returns the real captures of ../shared and those of
// testdata, skipping t when there are none.
func allCaptures(t *testing.T) []string {
	t.Helper()
	captures, _ := filepath.Glob("../../shared/scaps/*.scap")
	more, _ := filepath.Glob("../../shared/scaps/current/*.scap*")
	local, _ := filepath.Glob("../testdata/*.scap*")
	captures = append(append(captures, more...), local...)
	if len(captures) == 0 {
		t.Skip("no captures")
	}
	return captures
}

// eachEvent reads the capture at path through a new state engine and
// calls f with the context of each event the engine processes. Reading
// stops at the end or at an error (logged), not at warnings.
func eachEvent(t *testing.T, path string, f func(eng *state.Engine, c *Ctx, raw *scap.Event, ev *state.Event)) {
	t.Helper()
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(r.Metadata())
	c := NewCtx()
	var raw scap.Event
	var ev state.Event
	for {
		if err := r.NextInto(&raw); err != nil {
			if scap.IsWarning(err) {
				continue
			}
			if !errors.Is(err, io.EOF) {
				t.Logf("%s: %v", path, err)
			}
			return
		}
		if !eng.Process(&raw, &ev) {
			continue
		}
		c.Ev = &ev
		f(eng, c, &raw, &ev)
	}
}
