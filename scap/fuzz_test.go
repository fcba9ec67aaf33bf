package scap_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

// readAll reads every event of data, touching every parameter, and must
// never panic whatever the input.
func readAll(data []byte) {
	r, err := scap.NewReader(bytes.NewReader(data))
	if err != nil {
		return
	}
	defer r.Close()
	var ev scap.Event
	for i := 0; i < 10000; i++ {
		if err := r.NextInto(&ev); err != nil {
			return
		}
		for j := 0; j < ev.NumParams(); j++ {
			_ = ev.Param(j)
		}
		_ = ev.Clone()
	}
}

// addRegressions adds the inputs kept under testdata/regress (crashers
// found by earlier fuzzing runs).
func addRegressions(f *testing.F, name string) {
	m, _ := filepath.Glob(filepath.Join("testdata", "regress", name, "*"))
	for _, p := range m {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzReader feeds arbitrary uncompressed captures to the block reader.
func FuzzReader(f *testing.F) {
	f.Add(synth.SmallCapture(1, 30, scap.CompressNone))
	f.Add(synth.SmallCapture(4, 3, scap.CompressNone))
	if b, err := os.ReadFile(filepath.Join("..", "testdata", "scenario.scap")); err == nil && len(b) > 4096 {
		f.Add(b[:4096])
	}
	addRegressions(f, "FuzzReader")
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(data)
	})
}

// FuzzCompressed checks that damaged gzip and zstd streams end in an error,
// not a panic or a hang.
func FuzzCompressed(f *testing.F) {
	f.Add(synth.SmallCapture(2, 10, scap.CompressGzip))
	f.Add(synth.SmallCapture(3, 10, scap.CompressZstd))
	addRegressions(f, "FuzzCompressed")
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(data)
	})
}

// FuzzEventDecode feeds arbitrary bytes as one event in the v2 and v1
// layouts.
func FuzzEventDecode(f *testing.F) {
	var b scap.Builder
	b.Begin(1, 2, scap.PPME_SYSCALL_OPEN_X)
	b.I64(3).Str("/etc/passwd").U32(1).U32(0).U32(0)
	f.Add(append([]byte(nil), b.Finish()...))
	b.Begin(1, 2, scap.PPME_CONTAINER_JSON_2_E)
	b.Str(`{"container":{}}`)
	f.Add(append([]byte(nil), b.Finish()...))
	addRegressions(f, "FuzzEventDecode")
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev scap.Event
		if ev.SetRaw(raw, 0, 0) == nil {
			for j := 0; j < ev.NumParams(); j++ {
				_ = ev.Param(j)
			}
		}
		if ev.Decode(raw, scap.EventHeaderV1, 0) == nil {
			for j := 0; j < ev.NumParams(); j++ {
				_ = ev.Param(j)
			}
		}
	})
}
