package scap_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

type seen struct {
	ts     uint64
	typ    uint16
	cpu    uint16
	flags  uint32
	offset int64
	raw    []byte
}

func drain(t *testing.T, next func(*scap.Event) error) ([]seen, error) {
	var out []seen
	var ev scap.Event
	for {
		err := next(&ev)
		if err != nil {
			return out, err
		}
		out = append(out, seen{ev.Ts, ev.Type, ev.CPU, ev.Flags, ev.Offset, append([]byte(nil), ev.Raw()...)})
	}
}

// sameReads fails unless got (read one way) holds the events and the
// error of want (read as ref says).
func sameReads(t *testing.T, ref string, want, got []seen, werr, gerr error) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d events, %s gave %d", len(got), ref, len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.ts != g.ts || w.typ != g.typ || w.cpu != g.cpu || w.flags != g.flags || w.offset != g.offset || !bytes.Equal(w.raw, g.raw) {
			t.Fatalf("event %d differs from %s's", i, ref)
		}
	}
	if (werr == nil) != (gerr == nil) || (werr == io.EOF) != (gerr == io.EOF) || werr != nil && werr.Error() != gerr.Error() {
		t.Errorf("error %v, %s gave %v", gerr, ref, werr)
	}
}

// The prefetcher delivers exactly what the reader does, sections in
// place, and the reader's error after the intact events.
func TestPrefetcherMatchesReader(t *testing.T) {
	dir := t.TempDir()
	full := synth.SmallCapture(3, 20000, scap.CompressNone)
	// Two sections back to back, then the same data cut short.
	two := append(append([]byte(nil), full...), full...)
	cut := two[:len(two)-1000]
	for name, data := range map[string][]byte{"one": full, "two-sections": two, "truncated": cut} {
		path := filepath.Join(dir, name+".scap")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r1, err := scap.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var sect1 int
		r1.OnSection = func(*scap.Metadata) { sect1++ }
		want, werr := drain(t, r1.NextInto)
		r1.Close()

		r2, err := scap.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		p := scap.NewPrefetcher(r2)
		var sect2 int
		p.OnSection = func(*scap.Metadata) { sect2++ }
		got, gerr := drain(t, p.NextInto)
		p.Close()
		r2.Close()

		sameReads(t, name+" (reader)", want, got, werr, gerr)
		if sect1 != sect2 {
			t.Errorf("%s: %d sections, reader reported %d", name, sect2, sect1)
		}
	}
}

// Closing before the end stops the reading goroutine (the test would
// hang or leak otherwise under -race).
func TestPrefetcherEarlyClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.scap")
	if err := os.WriteFile(path, synth.SmallCapture(4, 50000, scap.CompressNone), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := scap.NewPrefetcher(r)
	var ev scap.Event
	for i := 0; i < 10; i++ {
		if err := p.NextInto(&ev); err != nil {
			t.Fatal(err)
		}
	}
	p.Close()
	p.Close()
}

// BenchmarkPrefetcher measures the consumer side of a prefetched read; one
// op is one event.
func BenchmarkPrefetcher(b *testing.B) {
	path, _ := makeCapture(b, scap.CompressNone)
	r := open(b, path)
	p := scap.NewPrefetcher(r)
	var ev scap.Event
	b.ReportAllocs()
	for b.Loop() {
		err := p.NextInto(&ev)
		if errors.Is(err, io.EOF) {
			b.StopTimer()
			p.Close()
			r.Close()
			r = open(b, path)
			p = scap.NewPrefetcher(r)
			b.StartTimer()
			err = p.NextInto(&ev)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	p.Close()
	r.Close()
	reportEvents(b)
}

// A file opened with OpenReadAhead reads exactly as with Open: events,
// offsets, sections, the error after the intact events, and the input
// offset at each event (counted from what the consumer took, not from
// what the reading goroutine read ahead).
func TestOpenReadAheadMatchesOpen(t *testing.T) {
	dir := t.TempDir()
	full := synth.SmallCapture(5, 60000, scap.CompressNone)
	if len(full) < 3<<20 {
		t.Fatalf("capture of %d bytes spans too few read-ahead chunks", len(full))
	}
	two := append(append([]byte(nil), full...), full...)
	for name, data := range map[string][]byte{"one": full, "two-sections": two, "truncated": two[:len(two)-1000], "tiny": full[:100]} {
		path := filepath.Join(dir, name+".scap")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		read := func(open func(string) (*scap.Reader, error)) ([]seen, []int64, int, error) {
			r, err := open(path)
			if err != nil {
				return nil, nil, 0, err
			}
			defer r.Close()
			var sects int
			r.OnSection = func(*scap.Metadata) { sects++ }
			var offs []int64
			evs, err := drain(t, func(ev *scap.Event) error {
				offs = append(offs, r.InputOffset())
				return r.NextInto(ev)
			})
			return evs, offs, sects, err
		}
		want, woffs, wsect, werr := read(scap.Open)
		got, goffs, gsect, gerr := read(scap.OpenReadAhead)
		sameReads(t, name+" (Open)", want, got, werr, gerr)
		for i := range woffs {
			if woffs[i] != goffs[i] {
				t.Fatalf("%s: input offset %d before event %d, Open says %d", name, goffs[i], i, woffs[i])
			}
		}
		if wsect != gsect {
			t.Errorf("%s: %d sections, Open reported %d", name, gsect, wsect)
		}
	}
}

// Closing a read-ahead reader early stops its goroutine.
func TestOpenReadAheadEarlyClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.scap")
	if err := os.WriteFile(path, synth.SmallCapture(4, 80000, scap.CompressNone), 0o600); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		r, err := scap.OpenReadAhead(path)
		if err != nil {
			t.Fatal(err)
		}
		var ev scap.Event
		if err := r.NextInto(&ev); err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after closing, %d before", n, before)
	}
}
