package output_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// process runs a capture through the whole read path — reader, state
// engine, parameter rendering in every buffer format, the default line in
// every time mode, snapshots — and must not panic on any input.
func process(data []byte) {
	r, err := scap.NewReader(bytes.NewReader(data))
	if err != nil {
		return
	}
	defer r.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(r.Metadata())
	r.OnSection = eng.LoadMetadata
	rend := fields.NewRenderer()
	rend.Location = time.UTC
	printers := []*output.DefaultPrinter{}
	for _, m := range []output.TimeMode{output.TimeHuman, output.TimeAbsolute, output.TimeRelative, output.TimeLatency, output.TimeDelta} {
		printers = append(printers, &output.DefaultPrinter{R: rend, Time: output.OutputTime{Mode: m}})
	}
	var raw scap.Event
	var ev state.Event
	var buf []byte
	for i := 0; i < 2000; i++ {
		if r.NextInto(&raw) != nil {
			break
		}
		if !eng.Process(&raw, &ev) {
			continue
		}
		for _, p := range printers {
			buf = p.Append(buf[:0], &ev)
		}
		for _, f := range []fields.BufFormat{fields.PFHexASCII, fields.PFBase64, fields.PFEOLs, fields.PFJSON} {
			rend.Format = f
			buf = rend.AppendInfo(buf[:0], &ev)
		}
		rend.Format = fields.PFNormal
	}
	_ = eng.Snapshot()
}

func FuzzPipeline(f *testing.F) {
	f.Add(synth.SmallCapture(1, 40, scap.CompressNone))
	f.Add(synth.SmallCapture(5, 5, scap.CompressNone))
	m, _ := filepath.Glob(filepath.Join("testdata", "regress", "FuzzPipeline", "*"))
	for _, p := range m {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		process(data)
	})
}

// The seed captures and the project's own capture go through cleanly.
func TestPipelineSeeds(t *testing.T) {
	process(synth.SmallCapture(1, 200, scap.CompressNone))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "scenario.scap")); err == nil {
		process(b)
	}
}
