package pipeline

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/scap"
)

// eventOffsets returns the offsets of the event blocks of an uncompressed
// capture and the offset of each block's event.
func eventOffsets(t *testing.T, data []byte) (blocks, events []int) {
	t.Helper()
	for off := 0; off+8 <= len(data); {
		bt := binary.LittleEndian.Uint32(data[off:])
		l := int(binary.LittleEndian.Uint32(data[off+4:]))
		if l < 12 {
			t.Fatalf("bad framing at %d", off)
		}
		switch bt {
		case scap.BlockEVv2:
			blocks, events = append(blocks, off), append(events, off+10)
		case scap.BlockEVFv2:
			blocks, events = append(blocks, off), append(events, off+14)
		}
		off += l
	}
	return blocks, events
}

func mutated(t *testing.T, path string, mutate func(data []byte, blocks, events []int)) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks, events := eventOffsets(t, data)
	mutate(data, blocks, events)
	p := filepath.Join(t.TempDir(), "damaged.scap")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// A malformed event in an intact block: warned about and skipped, its
// number not reused, every later event printed; the run ends in an error
// after a summary line.
func TestDamagedEventSkipped(t *testing.T) {
	clean := testCapture(t, 40)
	want := newRun(t)
	if err := want.files(t, clean); err != nil {
		t.Fatal(err)
	}
	wantLines := strings.Split(want.out.String(), "\n")
	for _, progress := range []bool{false, true} { // the prefetcher, the reader
		var bad int
		p := mutated(t, clean, func(d []byte, blocks, events []int) {
			bad = blocks[49]
			d[events[49]+19] ^= 0x40 // event 50's length
		})
		r := newRun(t)
		r.o.Progress = progress
		start := time.Now()
		err := r.files(t, p)
		if time.Since(start) > 10*time.Second {
			t.Errorf("took %v", time.Since(start))
		}
		if !errors.Is(err, ErrReported) || !errors.Is(err, errDamaged) {
			t.Fatalf("error %v", err)
		}
		got := strings.Split(r.out.String(), "\n")
		exp := append(append([]string(nil), wantLines[:49]...), wantLines[50:]...)
		// The close after the skipped open exit does not know its fd
		// (state the skipped event carried): same event, without the name.
		exp[49], exp[50] = "51 > close <NA>", "52 < close "
		if strings.Join(got, "\n") != strings.Join(exp, "\n") {
			t.Errorf("progress %v: output differs from the intact capture's without event 50:\n%s", progress, r.out.String())
		}
		errs := r.errs.String()
		warn := fmt.Sprintf("trace: %s: skipped a malformed event at byte %d (event length ", p, bad)
		sum := fmt.Sprintf("trace: %s: damaged input: 1 malformed event skipped\n", p)
		if !strings.Contains(errs, warn) || !strings.HasSuffix(errs, sum) {
			t.Errorf("progress %v: stderr %q", progress, errs)
		}
	}
}

// A parameter length past its event: the event is shown with the
// parameters that fit, with a warning, and the run ends in an error.
func TestDamagedParamWarned(t *testing.T) {
	clean := testCapture(t, 10)
	p := mutated(t, clean, func(d []byte, blocks, events []int) {
		// event 2, open exit (fd, name, flags, ...): the name's length
		binary.LittleEndian.PutUint16(d[events[1]+26+2:], 0x7fff)
	})
	r := newRun(t)
	err := r.files(t, p)
	if !errors.Is(err, errDamaged) {
		t.Fatalf("error %v", err)
	}
	if n := strings.Count(r.out.String(), "\n"); n != 40 {
		t.Errorf("%d events printed, want 40", n)
	}
	errs := r.errs.String()
	if !strings.Contains(errs, "malformed event at byte ") || !strings.Contains(errs, "shown with the 1 of its ") ||
		!strings.HasSuffix(errs, "damaged input: 1 malformed event shown with the parameters that fit\n") {
		t.Errorf("stderr %q", errs)
	}
}

// Many bad events: the first warnings are printed, the rest counted; the
// next file is still read.
func TestManyDamagedEvents(t *testing.T) {
	clean := testCapture(t, 40)
	p := mutated(t, clean, func(d []byte, blocks, events []int) {
		for i := 10; i < 40; i++ {
			binary.LittleEndian.PutUint32(d[events[i]+16:], 10)
		}
	})
	r := newRun(t)
	err := r.files(t, p, clean)
	if !errors.Is(err, errDamaged) {
		t.Fatalf("error %v", err)
	}
	if n := strings.Count(r.out.String(), "\n"); n != 160-30+160 {
		t.Errorf("%d events printed, want %d", n, 160-30+160)
	}
	errs := r.errs.String()
	if n := strings.Count(errs, "skipped a malformed event"); n != maxWarnings {
		t.Errorf("%d warnings printed, want %d", n, maxWarnings)
	}
	if !strings.Contains(errs, "(further warnings only counted)") || !strings.HasSuffix(errs, "damaged input: 30 malformed events skipped\n") {
		t.Errorf("stderr %q", errs)
	}
}
