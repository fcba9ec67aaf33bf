package filter_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// TestExactTypeSetShortcut: a filter that tests nothing but evt.type is
// decided by its type set (generic events aside); on every event of real
// captures it must agree with the same test evaluated in full (the added
// "evt.num >= 0" is always true and keeps the test from being exact).
func TestExactTypeSetShortcut(t *testing.T) {
	exprs := []string{
		"evt.type!=switch",
		"evt.type=open",
		"evt.type in (open, openat, close, read)",
		"not evt.type in (switch, read)",
		"evt.type!=read and evt.type!=write",
		"evt.type=ioctl or evt.type!=close",
		"evt.type=syscall",
		"evt.type!=syscall",
	}
	captures, _ := filepath.Glob("../../shared/scaps/*.scap")
	more, _ := filepath.Glob("../../shared/scaps/current/*.scap*")
	captures = append(captures, more...)
	if _, err := os.Stat("../testdata/syscalls.scap.gz"); err == nil {
		captures = append(captures, "../testdata/syscalls.scap.gz")
	}
	generic := 0
	if len(captures) == 0 {
		t.Skip("no captures (needs ../shared or testdata)")
	}
	for _, expr := range exprs {
		fast, err := filter.Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		full, err := filter.Compile("(" + expr + ") and evt.num >= 0")
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range captures {
			r, err := scap.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			eng := state.NewEngine()
			eng.LoadMetadata(r.Metadata())
			ctx := fields.NewCtx()
			var raw scap.Event
			var ev state.Event
			n, matched := 0, 0
			for {
				if err := r.NextInto(&raw); err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("%s: %v", path, err)
					}
					break
				}
				if !eng.Process(&raw, &ev) {
					continue
				}
				ctx.Ev = &ev
				if t := raw.Type; t == scap.PPME_GENERIC_E || t == scap.PPME_GENERIC_X {
					generic++
				}
				a, b := fast.Match(ctx), full.Match(ctx)
				if a != b {
					t.Errorf("%s: %q: event %d (type %d): shortcut %v, full %v", path, expr, ev.Num, raw.Type, a, b)
				}
				n++
				if a {
					matched++
				}
			}
			r.Close()
			if n == 0 {
				t.Errorf("%s: no events", path)
			}
			t.Logf("%s: %q matched %d of %d", path, expr, matched, n)
		}
	}
	t.Logf("%d generic events", generic)
	f, _ := filter.Compile("evt.type!=switch")
	if f.MayMatchType(scap.PPME_SCHEDSWITCH_6_E) || !f.MayMatchType(scap.PPME_GENERIC_E) || !f.MayMatchType(scap.PPME_SYSCALL_OPEN_E) {
		t.Errorf("evt.type!=switch: type set wrong")
	}
}
