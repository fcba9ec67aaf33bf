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
	all := allFields()
	ctx := fields.NewCtx()
	ctx.R = rend
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
		ctx.Ev = &ev
		for _, f := range all {
			buf, _ = f.AppendText(ctx, buf[:0])
			buf, _ = f.AppendJSON(ctx, buf[:0])
		}
	}
	_ = eng.Snapshot()
}

// allFields resolves every catalog field, with a typical argument for the
// ones that need one.
func allFields() []*fields.Field {
	args := map[string]string{
		"evt.arg": "evt.arg.fd", "evt.rawarg": "evt.rawarg.res", "evt.type.is": "evt.type.is.open",
		"thread.cgroup": "thread.cgroup.cpu", "proc.aname": "proc.aname[2]", "proc.apid": "proc.apid[1]",
	}
	var out []*fields.Field
	for _, c := range fields.Classes() {
		for _, d := range c.Defs {
			if d.Flags&fields.FilterOnly != 0 {
				continue
			}
			name := d.Name
			if a, ok := args[name]; ok {
				name = a
			}
			f, _, err := fields.Parse(name)
			if err != nil {
				continue
			}
			out = append(out, f)
		}
	}
	if a, _, err := fields.Parse("evt.arg[0]"); err == nil {
		out = append(out, a)
	}
	return out
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

// FuzzFormat checks that -p format parsing never panics and that any
// format that compiles renders real events.
func FuzzFormat(f *testing.F) {
	for _, s := range []string{"*%evt.num %proc.name", "%10fd.name|%3evt.type", "%evt.arg[1]%evt.rawarg.res",
		"%proc.aname[3] %thread.cgroup.cpuacct", "%", "%12345", "*%evt.type.is.open"} {
		f.Add(s)
	}
	capture := synth.SmallCapture(2, 60, scap.CompressNone)
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := output.ParseFormat(s)
		if err != nil {
			return
		}
		r, err := scap.NewReader(bytes.NewReader(capture))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		eng := state.NewEngine()
		eng.LoadMetadata(r.Metadata())
		ctx := fields.NewCtx()
		var raw scap.Event
		var ev state.Event
		var buf []byte
		for r.NextInto(&raw) == nil {
			if !eng.Process(&raw, &ev) {
				continue
			}
			ctx.Ev = &ev
			buf, _ = fm.Append(buf[:0], ctx)
			buf, _ = fm.AppendJSON(buf[:0], ctx)
		}
	})
}
