package state

import (
	"errors"
	"io"
	"os"
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
	return readEvents(b, path)
}

// readEvents reads the capture at path into memory.
func readEvents(b *testing.B, path string) (*scap.Metadata, []scap.Event) {
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

// BenchmarkProcessClass measures the engine per class of event, on the
// events of trace's own live recording testdata/syscalls.scap.gz: after
// one pass over the whole capture (for its threads and fds), the events
// of one class are processed again and again. One op is one event.
//
//	nostate: neither uses an fd nor changes state (newfstatat, rt_sigaction, mmap, ...)
//	fd:      uses an fd, changes no state (read, write, lseek, ioctl, ...)
//	state:   changes state (openat, close, clone, execve, ...)
func BenchmarkProcessClass(b *testing.B) {
	path := filepath.Join("..", "testdata", "syscalls.scap.gz")
	if _, err := os.Stat(path); err != nil {
		b.Skip(err)
	}
	meta, all := readEvents(b, path)
	classOf := func(ev *scap.Event) string {
		info := scap.InfoFor(ev.Type, false)
		switch {
		case info == nil:
			return ""
		case info.Flags&scap.EF_MODIFIES_STATE != 0:
			return "state"
		case info.Flags&scap.EF_USES_FD != 0:
			return "fd"
		}
		return "nostate"
	}
	for _, class := range []string{"nostate", "fd", "state"} {
		var evs []*scap.Event
		for i := range all {
			if classOf(&all[i]) == class {
				evs = append(evs, &all[i])
			}
		}
		b.Run(class, func(b *testing.B) {
			e := NewEngine()
			e.LoadMetadata(meta)
			var out Event
			for i := range all {
				e.Process(&all[i], &out)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				e.Process(evs[i], &out)
				if i++; i == len(evs) {
					i = 0
				}
			}
		})
	}
}
