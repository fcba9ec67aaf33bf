package state

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

// BenchmarkProcess runs the engine over a random scenario (clones,
// opens, closes, sockets, ...) held in memory.
func BenchmarkProcess(b *testing.B) {
	type capture struct {
		meta *scap.Metadata
		evs  []scap.Event
	}
	var caps []capture
	n := 0
	for seed := int64(1); n < 50000; seed++ {
		m, evs := loadScenario(b, seed)
		caps = append(caps, capture{m, evs})
		n += len(evs)
	}
	b.ResetTimer()
	var out Event
	for i := 0; i < b.N; i++ {
		for _, c := range caps {
			e := NewEngine()
			e.LoadMetadata(c.meta)
			for j := range c.evs {
				e.Process(&c.evs[j], &out)
			}
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "events/s")
}

func loadScenario(b *testing.B, seed int64) (*scap.Metadata, []scap.Event) {
	path := filepath.Join(b.TempDir(), "bench.scap")
	if err := synth.RandomScenario(path, seed, 20000); err != nil {
		b.Fatal(err)
	}
	r, err := scap.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	meta := r.Metadata()
	var evs []scap.Event
	for {
		var raw scap.Event
		if err := r.NextInto(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, *raw.Clone())
	}
	return meta, evs
}
