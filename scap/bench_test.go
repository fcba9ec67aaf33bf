package scap_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/scap"
)

// sampleCapture is the real capture the benchmarks repeat, relative to this
// package directory (the shared data sits next to the repository).
const sampleCapture = "../../shared/scaps/libs_sample.scap"

// benchEvents is roughly how many events the generated captures hold.
const benchEvents = 200_000

// loadSample returns deep copies of the sample capture's events and its
// metadata, or skips the benchmark when the capture is not there.
func loadSample(b *testing.B) (*scap.Metadata, []*scap.Event) {
	b.Helper()
	if _, err := os.Stat(sampleCapture); err != nil {
		b.Skipf("sample capture not available (%v); these benchmarks need %s", err, sampleCapture)
	}
	r, err := scap.Open(sampleCapture)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	meta := r.Metadata()
	var evs []*scap.Event
	if err := r.Each(func(ev *scap.Event) error { evs = append(evs, ev.Clone()); return nil }); err != nil {
		b.Fatal(err)
	}
	if len(evs) == 0 {
		b.Fatalf("%s: no events", sampleCapture)
	}
	return meta, evs
}

// makeCapture writes the sample's events repeated to about benchEvents
// events into a temporary file and returns its path and event count.
func makeCapture(b *testing.B, c scap.Compression) (string, int) {
	b.Helper()
	meta, evs := loadSample(b)
	path := filepath.Join(b.TempDir(), "bench.scap")
	w, err := scap.Create(path, c)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteSection(meta); err != nil {
		b.Fatal(err)
	}
	n := 0
	for n < benchEvents {
		for _, ev := range evs {
			if err := w.WriteEvent(ev); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return path, n
}

func open(b *testing.B, path string) *scap.Reader { return openWith(b, path, scap.Open) }

func openWith(b *testing.B, path string, opener func(string) (*scap.Reader, error)) *scap.Reader {
	b.Helper()
	r, err := opener(path)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// reportEvents adds events/s, taking one op as one event.
func reportEvents(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "events/s")
	}
}

// benchRead measures NextInto; one op is one event. Reopening the file at
// its end is not timed.
func benchRead(b *testing.B, c scap.Compression) { benchReadWith(b, c, scap.Open) }

func benchReadWith(b *testing.B, c scap.Compression, opener func(string) (*scap.Reader, error)) {
	path, _ := makeCapture(b, c)
	r := openWith(b, path, opener)
	var ev scap.Event
	b.ReportAllocs()
	for b.Loop() {
		err := r.NextInto(&ev)
		if errors.Is(err, io.EOF) {
			b.StopTimer()
			r.Close()
			r = openWith(b, path, opener)
			b.StartTimer()
			err = r.NextInto(&ev)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	r.Close()
	reportEvents(b)
}

func BenchmarkReaderNextInto(b *testing.B) { benchRead(b, scap.CompressNone) }

// BenchmarkReaderReadAhead is NextInto on a file read ahead by another
// goroutine (the time is the consumer's, whose reads are copies).
func BenchmarkReaderReadAhead(b *testing.B) { benchReadWith(b, scap.CompressNone, scap.OpenReadAhead) }

func BenchmarkReaderGzip(b *testing.B) { benchRead(b, scap.CompressGzip) }

// BenchmarkEventParams decodes an event header and walks all its parameters
// (what every consumer does after NextInto); one op is one event.
func BenchmarkEventParams(b *testing.B) {
	_, evs := loadSample(b)
	var ev scap.Event
	params, size := 0, 0
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		src := evs[i]
		if i++; i == len(evs) {
			i = 0
		}
		if err := ev.Decode(src.Raw(), src.HeaderLen(), src.CPU); err != nil {
			b.Fatal(err)
		}
		n := ev.NumParams()
		for j := 0; j < n; j++ {
			size += len(ev.Param(j))
		}
		params += n
	}
	reportEvents(b)
	b.ReportMetric(float64(params)/float64(b.N), "params/event")
	_ = size
}

// BenchmarkWriterWriteEvent writes events to io.Discard; one op is one
// event.
func BenchmarkWriterWriteEvent(b *testing.B) {
	meta, evs := loadSample(b)
	w, err := scap.NewWriter(io.Discard, scap.CompressNone)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteSection(meta); err != nil {
		b.Fatal(err)
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteEvent(evs[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(evs) {
			i = 0
		}
	}
	reportEvents(b)
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
