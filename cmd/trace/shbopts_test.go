package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// withSHBOptions returns capture c with pcapng options (a comment, a user
// application string) in its section header, as Wireshark's tools write.
func withSHBOptions(c []byte) []byte {
	opt := func(code uint16, val string) []byte {
		b := binary.LittleEndian.AppendUint16(nil, code)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(val)))
		b = append(b, val...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	var opts []byte
	opts = append(opts, opt(1, "recorded by trace tests")...)
	opts = append(opts, opt(4, "trace")...)
	opts = append(opts, 0, 0, 0, 0) // opt_endofopt
	body := append(append([]byte(nil), c[8:24]...), opts...)
	total := uint32(8 + len(body) + 4)
	var shb []byte
	shb = binary.LittleEndian.AppendUint32(shb, 0x0A0D0D0A)
	shb = binary.LittleEndian.AppendUint32(shb, total)
	shb = append(shb, body...)
	shb = binary.LittleEndian.AppendUint32(shb, total)
	return append(shb, c[28:]...)
}

// Captures whose section header carries options are read (sysdig 0.29.3
// refuses them).
func TestSectionHeaderOptions(t *testing.T) {
	tr := difftest.Trace(t)
	own := readOwn(t)
	p := filepath.Join(t.TempDir(), "opts.scap")
	if err := os.WriteFile(p, withSHBOptions(own), 0o644); err != nil {
		t.Fatal(err)
	}
	want := difftest.Run(tr, "-r", ownCapture)
	got := difftest.Run(tr, "-r", p)
	if got.Code != 0 || !bytes.Equal(got.Stdout, want.Stdout) {
		t.Fatalf("capture with SHB options: status %d, stderr %s\n%s", got.Code, got.Stderr, difftest.Diff(got.Stdout, want.Stdout, 3))
	}
	// Rewriting drops the options, so sysdig 0.29.3 can read the result.
	out := filepath.Join(t.TempDir(), "rewritten.scap")
	if r := difftest.Run(tr, "-r", p, "-w", out); r.Code != 0 {
		t.Fatalf("rewrite: %s", r.Stderr)
	}
	b, _ := os.ReadFile(out)
	if binary.LittleEndian.Uint32(b[4:]) != 28 {
		t.Errorf("rewritten section header is %d bytes, want 28", binary.LittleEndian.Uint32(b[4:]))
	}
}
