package chisels

import (
	"io"
	"os"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// firstMatch returns the context of the first event of a shared capture
// matching expr (the benchmark skips when the captures are absent).
func firstMatch(b *testing.B, capture, expr string) *fields.Ctx {
	b.Helper()
	p := "../../shared/scaps/" + capture
	if _, err := os.Stat(p); err != nil {
		b.Skip("../shared/scaps not found")
	}
	rd, err := scap.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(rd.Metadata())
	flt, err := filter.Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	ctx := fields.NewCtx()
	ctx.R.MaxBufLen = 0
	for {
		raw := new(scap.Event)
		if err := rd.NextInto(raw); err != nil {
			b.Fatalf("no event matches %s", expr)
		}
		ev := new(state.Event)
		if !eng.Process(raw, ev) {
			continue
		}
		ctx.Ev = ev
		if flt.Match(ctx) {
			return ctx
		}
	}
}

// benchEvent measures Chisel.Event for one event the chisel handles.
func benchEvent(b *testing.B, chisel, args, capture, expr string) {
	ctx := firstMatch(b, capture, expr)
	h := &Host{Out: io.Discard, Stderr: io.Discard, Dirs: []string{BuiltinDir}, Ctx: ctx}
	c, err := Load(h, chisel)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if args != "" {
		if err := c.SetArgs(args); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Init(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Event(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// Lua on_event, two formats and a print per read or write.
func BenchmarkEchoFds(b *testing.B) {
	benchEvent(b, "echo_fds", "", "falco_ping_sendto.scap", "evt.is_io=true and evt.dir=< and evt.rawres>0")
}

// The Go aggregation of the table chisels (no Lua per event).
func BenchmarkTopscalls(b *testing.B) {
	benchEvent(b, "topscalls", "", "libs_sample.scap", "evt.type=read")
}

// An event the chisel's filter rejects by its type.
func BenchmarkFilteredOut(b *testing.B) {
	benchEvent(b, "echo_fds", "", "libs_sample.scap", "evt.type=switch")
}

// Per-event Lua with fields from a filter (fdcount_by has no filter).
func BenchmarkFdcountBy(b *testing.B) {
	benchEvent(b, "fdcount_by", "proc.name", "libs_sample.scap", "evt.type=read and evt.dir=<")
}
