package scap

import (
	"path/filepath"
	"runtime"
	"testing"
)

// The layout is told from the capture: exit-only captures of current libs
// are current, sysdig 0.29.3's and Falco's older ones are not, and a few
// odd exits with extra parameters do not make a capture current.
func TestDetectLayout(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	shared := filepath.Join(filepath.Dir(file), "..", "..", "shared", "scaps")
	cur, _ := filepath.Glob(filepath.Join(shared, "current", "*.scap"))
	old, _ := filepath.Glob(filepath.Join(shared, "*.scap"))
	if len(cur) == 0 || len(old) == 0 {
		t.Skip("../shared/scaps not found; skipping")
	}
	for _, f := range cur {
		if !DetectLayout(f, 5000) {
			t.Errorf("%s: not detected as current", f)
		}
	}
	for _, f := range old {
		if DetectLayout(f, 5000) {
			t.Errorf("%s: detected as current", f)
		}
	}

	// 0.29.3-layout closes, and two with current libs' extra fd.
	path := filepath.Join(t.TempDir(), "odd.scap")
	w, err := Create(path, CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(&Metadata{Major: 1, Minor: 2}); err != nil {
		t.Fatal(err)
	}
	var b Builder
	for i := 0; i < 20; i++ {
		b.Begin(uint64(1000+i), 7, PPME_SYSCALL_CLOSE_X)
		b.I64(0)
		if i%10 == 0 {
			b.I64(3)
		}
		if err := w.WriteRaw(0, 0, b.Finish()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if DetectLayout(path, 5000) {
		t.Error("two odd closes made the capture current")
	}
}
