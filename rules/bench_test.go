package rules

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// BenchmarkLoadFalcoRules loads and compiles falco_rules.yaml.
func BenchmarkLoadFalcoRules(b *testing.B) {
	path := filepath.Join(difftest.RequireShared(b), "rules", "falco_rules.yaml")
	for i := 0; i < b.N; i++ {
		if _, res := Load([]string{path}, DefaultOptions()); !res.OK() {
			b.Fatal(res.Errors())
		}
	}
}

// BenchmarkMatchFalcoRules runs every event of libs_sample.scap through
// the state engine and all rules of falco_rules.yaml; ns/event includes
// the state engine (BenchmarkStateOnly is the same loop without rules).
func BenchmarkMatchFalcoRules(b *testing.B) {
	rs, res := Load([]string{filepath.Join(difftest.RequireShared(b), "rules", "falco_rules.yaml")}, DefaultOptions())
	if !res.OK() {
		b.Fatal(res.Errors())
	}
	benchCapture(b, capture(b, "libs_sample.scap"), mustEngine(b, rs, Selection{}))
}

func BenchmarkStateOnly(b *testing.B) {
	benchCapture(b, capture(b, "libs_sample.scap"), nil)
}

// BenchmarkAlertText and BenchmarkAlertJSON render one alert.
func BenchmarkAlertText(b *testing.B) { benchAlert(b, false) }
func BenchmarkAlertJSON(b *testing.B) { benchAlert(b, true) }

func benchAlert(b *testing.B, json bool) {
	rs, _ := loadOK(b, singleRule)
	r := rs.Rules[0]
	ctx := fields.NewCtx()
	ctx.Ev = firstEvent(b, capture(b, "falco_cat_write.scap"), r)
	af := &AlertFormat{JSON: json, Hostname: "h", Location: utc}
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf = r.AppendAlert(buf[:0], ctx, af)
	}
}

func benchCapture(b *testing.B, path string, eng *Engine) {
	b.ReportAllocs()
	events := 0
	for i := 0; i < b.N; i++ {
		rd, err := scap.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		st := state.NewEngine()
		st.LoadMetadata(rd.Metadata())
		rd.OnSection = st.LoadMetadata
		ctx := fields.NewCtx()
		var raw scap.Event
		var ev state.Event
		for {
			if err := rd.NextInto(&raw); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
			if !st.Process(&raw, &ev) || ev.Setup || ev.Hidden {
				continue
			}
			events++
			if eng != nil {
				ctx.Ev = &ev
				eng.Match(ctx, func(*Rule) {})
			}
		}
		rd.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}
