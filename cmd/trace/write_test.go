package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// Rewriting every real capture gives a file sysdig prints exactly like the
// original (internal events included), with gzip too, and that tshark
// reads. This includes the captures whose interface list sysdig 0.29.3's
// own rewrite corrupts.
func TestRewriteRealCaptures(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	dir := t.TempDir()
	tshark, _ := exec.LookPath("tshark")
	for _, f := range difftest.Captures(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		for _, z := range []string{"", "-z"} {
			t.Run(name+z, func(t *testing.T) {
				out := filepath.Join(dir, name+z+".scap")
				args := []string{"-r", f, "-w", out}
				if z != "" {
					args = append(args, z)
				}
				if r := difftest.Run(tr, args...); r.Code != 0 {
					t.Fatalf("trace %v: status %d: %s", args, r.Code, r.Stderr)
				}
				st, err := os.Stat(out)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != 0o600 {
					t.Errorf("%s has mode %v, want 0600", out, st.Mode().Perm())
				}
				head := make([]byte, 2)
				fh, _ := os.Open(out)
				fh.Read(head)
				fh.Close()
				if gz := head[0] == 0x1f && head[1] == 0x8b; gz != (z != "") {
					t.Errorf("gzip magic present = %v with flags %q", gz, z)
				}
				for _, flags := range [][]string{nil, {"-D"}} {
					want := difftest.Run(sd, append(flags, "-r", f)...)
					got := difftest.Run(sd, append(flags, "-r", out)...)
					if got.Code != 0 {
						t.Fatalf("sysdig cannot read the rewritten file: %s", got.Stderr)
					}
					if !bytes.Equal(got.Stdout, want.Stdout) {
						t.Errorf("sysdig %v prints the rewrite differently:\n%s", flags, difftest.Diff(got.Stdout, want.Stdout, 5))
					}
				}
				if tshark != "" {
					r := difftest.Run(tshark, "-r", out)
					if r.Code != 0 || len(r.Stdout) == 0 {
						t.Errorf("tshark -r %s: status %d, %d bytes: %s", out, r.Code, len(r.Stdout), r.Stderr)
					}
				}
			})
		}
	}
}

// A zstd capture is smaller than the gzip one in common cases and reads
// back exactly.
func TestRewriteZstd(t *testing.T) {
	tr := difftest.Trace(t)
	dir := t.TempDir()
	for _, f := range difftest.Captures(t) {
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		out := filepath.Join(dir, name+".scap.zst")
		if r := difftest.Run(tr, "-r", f, "-w", out, "--compress", "zstd"); r.Code != 0 {
			t.Fatalf("%s: %s", name, r.Stderr)
		}
		head := make([]byte, 4)
		fh, _ := os.Open(out)
		fh.Read(head)
		fh.Close()
		if !bytes.Equal(head, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			t.Errorf("%s: no zstd magic: % x", name, head)
		}
		want := difftest.Run(tr, "-D", "-r", f)
		got := difftest.Run(tr, "-D", "-r", out)
		if got.Code != 0 || !bytes.Equal(got.Stdout, want.Stdout) {
			t.Errorf("%s: zstd file reads back differently (status %d):\n%s", name, got.Code, difftest.Diff(got.Stdout, want.Stdout, 5))
		}
	}
}
