package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// TestDumperFlush: events written to a compressed file and flushed are
// readable before the file is closed (a live capture killed afterwards
// keeps them).
func TestDumperFlush(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flush.scap.gz")
	d := &Dumper{Path: path, Compression: scap.CompressGzip}
	eng := state.NewEngine()
	if err := d.Start(&scap.Metadata{Major: 1, Minor: 2}, eng); err != nil {
		t.Fatal(err)
	}
	var b scap.Builder
	var ev scap.Event
	for i := uint64(0); i < 3; i++ {
		b.Begin(1e18+i, 42, scap.PPME_SYSCALL_GETUID_E)
		if err := ev.SetRaw(b.Finish(), 0, 0); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteRaw(&ev, eng); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		r, err := scap.Open(path)
		if err != nil {
			return -1 // not even the header yet
		}
		defer r.Close()
		n := 0
		var got scap.Event
		for r.NextInto(&got) == nil {
			n++
		}
		return n
	}
	if n := count(); n > 0 {
		t.Fatalf("%d events in the file before any flush; the test needs them buffered", n)
	}
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d events readable after Flush, want 3", n)
	}
	if err := d.Flush(); err != nil {
		t.Fatalf("Flush with nothing new: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d events after Close, want 3", n)
	}
}

// The capture being read is never overwritten: by -w naming it (through
// another path too) or by a rotation file name.
func TestDumperNotInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.scap")
	if err := os.WriteFile(in, []byte("input"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rot.scap0"), []byte("input"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Dumper{
		{Path: in, Inputs: []string{in}},
		{Path: filepath.Join(dir, ".", "sub", "..", "in.scap"), Inputs: []string{in}},
		{Path: filepath.Join(dir, "rot.scap"), FileSize: 1000, Inputs: []string{filepath.Join(dir, "rot.scap0")}},
	} {
		os.Mkdir(filepath.Join(dir, "sub"), 0o700)
		err := d.Start(&scap.Metadata{Major: 1, Minor: 2}, state.NewEngine())
		if err == nil || !strings.Contains(err.Error(), "is the capture being read") {
			t.Errorf("-w %s reading %v: %v", d.Path, d.Inputs, err)
		}
	}
	for _, f := range []string{in, filepath.Join(dir, "rot.scap0")} {
		if b, _ := os.ReadFile(f); string(b) != "input" {
			t.Errorf("%s was overwritten", f)
		}
	}
}
