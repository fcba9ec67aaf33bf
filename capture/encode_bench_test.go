package capture

import (
	"testing"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// BenchmarkDecodeEncode is the per-record user-space cost: parse a ring
// record, encode its scap event and point an Event at it.
func BenchmarkDecodeEncode(b *testing.B) {
	for _, c := range []struct {
		name string
		rec  rawRecord
	}{
		{"generic", rawRecord{ts: 1, tid: 1, pid: 1, nr: 110, kind: bpf.RecExit}},
		{"read", rawRecord{ts: 1, tid: 1, pid: 1, nr: 0, kind: bpf.RecExit, ret: 1,
			args: []uint64{3, 0, 1, 0, 0, 0}, blobs: []rawBlob{{bpf.BBuf, 0, []byte{0}}}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			raw := c.rec.bytes()
			e := newEncoder(0)
			var r record
			var ev scap.Event
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := r.parse(raw); err != nil {
					b.Fatal(err)
				}
				out, err := e.encode(&r)
				if err != nil {
					b.Fatal(err)
				}
				if err := ev.SetRaw(out, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
