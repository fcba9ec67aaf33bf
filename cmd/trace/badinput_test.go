package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

const ownCapture = "../../testdata/scenario.scap"

func readOwn(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(ownCapture)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Files that are not captures: one clear line on stderr, status 1, nothing
// on stdout, no panic.
func TestNotACapture(t *testing.T) {
	tr := difftest.Trace(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	own := readOwn(t)
	badMajor := append([]byte(nil), own...)
	binary.LittleEndian.PutUint16(badMajor[12:], 2)
	badMagic := append([]byte(nil), own...)
	badMagic[8] ^= 0xff
	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope.scap"), "can't open file"},
		{"directory", dir, "is a directory"},
		{"empty", write("empty.scap", nil), "not a scap capture"},
		{"text", write("text.scap", []byte("hello world\n")), "not a scap capture"},
		{"passwd", write("passwd.scap", []byte("root:x:0:0:root:/root:/bin/bash\n")), "not a scap capture"},
		{"major", write("major.scap", badMajor), "unsupported scap version 2"},
		{"magic", write("magic.scap", badMagic), "bad byte-order magic"},
		{"gzip garbage", write("gz.scap", []byte{0x1f, 0x8b, 1, 2, 3}), "not a scap capture"},
	}
	for _, c := range cases {
		r := difftest.Run(tr, "-r", c.path)
		if r.Code != 1 {
			t.Errorf("%s: status %d, want 1", c.name, r.Code)
		}
		if len(r.Stdout) != 0 {
			t.Errorf("%s: printed %q", c.name, r.Stdout)
		}
		msg := string(r.Stderr)
		if !strings.HasPrefix(msg, "trace: ") || !strings.Contains(msg, c.want) || strings.Count(msg, "\n") != 1 {
			t.Errorf("%s: stderr %q, want one line containing %q", c.name, msg, c.want)
		}
		if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine") {
			t.Errorf("%s: panicked: %s", c.name, msg)
		}
	}
}

// A capture cut anywhere prints every event before the cut, then says
// where it broke, and exits non-zero; cuts inside the metadata print
// nothing.
func TestTruncatedCapture(t *testing.T) {
	tr := difftest.Trace(t)
	own := readOwn(t)
	full := difftest.Run(tr, "-r", ownCapture)
	if full.Code != 0 {
		t.Fatalf("full capture: %s", full.Stderr)
	}
	dir := t.TempDir()
	for _, cut := range []int{30, 500, len(own) / 3, len(own) / 2, len(own) - 7, len(own) - 1} {
		p := filepath.Join(dir, "cut.scap")
		if err := os.WriteFile(p, own[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		r := difftest.Run(tr, "-r", p)
		if r.Code == 0 {
			t.Errorf("cut at %d: status 0", cut)
		}
		if !bytes.HasPrefix(full.Stdout, r.Stdout) {
			t.Errorf("cut at %d: output is not a prefix of the full output", cut)
		}
		if n := bytes.Count(r.Stdout, []byte("\n")); cut > len(own)/3 && n == 0 {
			t.Errorf("cut at %d: no events printed", cut)
		}
		msg := string(r.Stderr)
		if !strings.Contains(msg, "truncated") || !strings.Contains(msg, "at byte") || !strings.Contains(msg, p) {
			t.Errorf("cut at %d: stderr %q", cut, msg)
		}
	}
}

// Corrupting block lengths gives an error naming the byte offset, never a
// panic or a hang.
func TestCorruptedBlocks(t *testing.T) {
	tr := difftest.Trace(t)
	own := readOwn(t)
	dir := t.TempDir()
	// Find event blocks by walking the framing.
	var offs []int
	for off := 0; off+8 <= len(own); {
		l := int(binary.LittleEndian.Uint32(own[off+4:]))
		if l < 12 || off+l > len(own) {
			break
		}
		offs = append(offs, off)
		off += l
	}
	if len(offs) < 10 {
		t.Fatalf("only %d blocks", len(offs))
	}
	for _, i := range []int{len(offs) / 2, len(offs) - 2} {
		for _, val := range []uint32{0, 13, 0x7ffffff0} {
			b := append([]byte(nil), own...)
			binary.LittleEndian.PutUint32(b[offs[i]+4:], val)
			p := filepath.Join(dir, "corrupt.scap")
			os.WriteFile(p, b, 0o644)
			r := difftest.Run(tr, "-r", p)
			msg := string(r.Stderr)
			if r.Code == 0 || !strings.Contains(msg, "at byte") || strings.Contains(msg, "panic") {
				t.Errorf("block %d length %d: status %d stderr %q", i, val, r.Code, msg)
			}
		}
	}
}

// TestBrokenPipe: when the reader of trace's output goes away (trace |
// head), trace ends quietly with status 0.
func TestBrokenPipe(t *testing.T) {
	// More output than the pipe and trace's buffer hold: the reader is
	// gone while trace still writes.
	cmd := exec.Command(difftest.Trace(t), "-r", filepath.Join("..", "..", "testdata", "syscalls.scap.gz"), "-v")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if _, err := io.ReadFull(stdout, buf); err != nil {
		t.Fatal(err)
	}
	stdout.Close()
	err = cmd.Wait()
	if err != nil || stderr.Len() != 0 {
		t.Errorf("trace with its reader gone: %v, stderr %q", err, stderr.Bytes())
	}
}
