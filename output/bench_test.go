package output_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

const benchFormat = "*%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %10fd.name %proc.pname %container.id %evt.res %evt.args"

// benchEvent returns the context of the first exit event on a named file
// descriptor in libs_sample.scap. The reader stays open until the
// benchmark ends: the event points into its buffer.
func benchEvent(b *testing.B) *fields.Ctx {
	rd, err := scap.Open(filepath.Join(difftest.RequireShared(b), "scaps", "libs_sample.scap"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rd.Close() })
	st := state.NewEngine()
	st.LoadMetadata(rd.Metadata())
	ctx := fields.NewCtx()
	ctx.R = fields.NewRenderer()
	ctx.R.Location = time.UTC
	var raw scap.Event
	ev := &state.Event{}
	for rd.NextInto(&raw) == nil {
		if st.Process(&raw, ev) && !ev.Setup && ev.Type&1 == 1 && ev.FD != nil && ev.FD.Name != "" {
			ctx.Ev = ev
			return ctx
		}
	}
	b.Fatal("no exit event on a named fd in libs_sample.scap")
	return nil
}

// BenchmarkFormatAppend and BenchmarkFormatAppendJSON render one event
// with a typical -p format.
func BenchmarkFormatAppend(b *testing.B)     { benchFormatAppend(b, false) }
func BenchmarkFormatAppendJSON(b *testing.B) { benchFormatAppend(b, true) }

func benchFormatAppend(b *testing.B, json bool) {
	ctx := benchEvent(b)
	f := output.MustParseFormat(benchFormat)
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if json {
			buf, _ = f.AppendJSON(buf[:0], ctx)
		} else {
			buf, _ = f.Append(buf[:0], ctx)
		}
	}
}
