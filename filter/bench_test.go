package filter_test

import (
	"errors"
	"io"
	"os"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

const sampleCapture = "../../shared/scaps/libs_sample.scap"

func loadEvents(b *testing.B) (*scap.Metadata, []*scap.Event) {
	b.Helper()
	if _, err := os.Stat(sampleCapture); err != nil {
		b.Skipf("sample capture not available (%v)", err)
	}
	r, err := scap.Open(sampleCapture)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var evs []*scap.Event
	var ev scap.Event
	for {
		err := r.NextInto(&ev)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, ev.Clone())
	}
	return r.Metadata(), evs
}

// benchPass runs events through the state engine with expr as a capture
// filter (the way the read loop does); one op is one event.
func benchPass(b *testing.B, expr string) { benchPassMode(b, expr, false) }

// benchPassMode is benchPass; with cached, filters on thread identity keep
// their verdicts on threads (Filter.MatchCached), as trace's read loop does.
func benchPassMode(b *testing.B, expr string, cached bool) {
	f, err := filter.Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	benchFilter(b, f, cached)
}

// benchFalco is benchPass for a condition in current Falco's language.
func benchFalco(b *testing.B, expr string) {
	n, err := filter.Parse(expr, filter.Options{FalcoStrings: true})
	if err != nil {
		b.Fatal(err)
	}
	f, err := filter.CompileNode(n, expr)
	if err != nil {
		b.Fatal(err)
	}
	benchFilter(b, f, false)
}

func BenchmarkFilterTransformer(b *testing.B) {
	benchFalco(b, "toupper(proc.name) = NANO or basename(fd.name) startswith lib")
}
func BenchmarkFilterVal(b *testing.B) { benchFalco(b, "proc.vpid != val(proc.pid)") }

func benchFilter(b *testing.B, f *filter.Filter, cached bool) {
	md, evs := loadEvents(b)
	eng := state.NewEngine()
	eng.LoadMetadata(md)
	ctx := fields.NewCtx()
	if f != nil {
		eng.Prefilter = func(ev *state.Event) bool {
			ctx.Ev = ev
			if cached {
				return f.MatchCached(ctx, 0)
			}
			return f.Match(ctx)
		}
	}
	var out state.Event
	matched := 0
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if eng.Process(evs[i], &out) && f != nil && out.Verdict == 0 {
			ctx.Ev = &out
			if (cached && f.MatchCached(ctx, 0)) || (!cached && f.Match(ctx)) {
				matched++
			}
		}
		if i++; i == len(evs) {
			i = 0
		}
	}
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "events/s")
	}
}

func BenchmarkFilterNoMatch(b *testing.B) { benchPass(b, "proc.name=nano") }

// The read loop's way: the verdict of proc.name=nano stays on each thread.
func BenchmarkFilterNoMatchCached(b *testing.B) { benchPassMode(b, "proc.name=nano", true) }
func BenchmarkFilterContainerCached(b *testing.B) {
	benchPassMode(b, "container.id != host and proc.name in (bash, sh)", true)
}
func BenchmarkFilterEvtType(b *testing.B) { benchPass(b, "evt.type in (open, openat, execve)") }
func BenchmarkFilterComplex(b *testing.B) {
	benchPass(b, "(proc.name contains cont or fd.name startswith /etc) and not evt.dir=<")
}
func BenchmarkStateNoFilter(b *testing.B) { benchPass(b, "") }
