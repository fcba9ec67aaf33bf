package scap

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Create does not write through a link to a file (or to nothing), gives
// an existing file mode 0600, and writes through a link to a device.
func TestCreateSafety(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{victim, filepath.Join(dir, "nothing")} {
		link := filepath.Join(dir, "link.scap")
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if w, err := Create(link, CompressNone); !errors.Is(err, ErrSymlink) {
			if w != nil {
				w.Close()
			}
			t.Errorf("link to %s: %v, want ErrSymlink", target, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "secret" {
		t.Errorf("the link's target was written: %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing")); err == nil {
		t.Error("a dangling link's target was created")
	}
	// An existing file becomes 0600.
	w, err := Create(victim, CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if st, _ := os.Stat(victim); st.Mode().Perm() != 0o600 {
		t.Errorf("existing file mode %v after Create, want 0600", st.Mode().Perm())
	}
	// A link to a device is fine (as /dev/stdout is).
	dev := filepath.Join(dir, "null")
	if err := os.Symlink("/dev/null", dev); err != nil {
		t.Fatal(err)
	}
	w, err = Create(dev, CompressNone)
	if err != nil {
		t.Fatalf("link to /dev/null: %v", err)
	}
	w.Close()
	if st, _ := os.Stat("/dev/null"); st.Mode().Perm() == 0o600 {
		t.Error("/dev/null's mode was changed")
	}
}
