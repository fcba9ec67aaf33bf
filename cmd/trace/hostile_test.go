package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/traceproj/trace/internal/difftest"
)

func compress(t *testing.T, zst bool, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	if zst {
		w, _ = zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	} else {
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombFile writes a compressed capture: a section header, then a block of
// type bt declaring 1 GiB, followed by 1 GiB of zeros (concatenated
// members of 16 MiB of zeros: about 34 KB with zstd, 1 MB with gzip).
func bombFile(t *testing.T, dir string, zst bool, bt uint32) string {
	t.Helper()
	const declared, chunk = 1 << 30, 16 << 20
	head := make([]byte, 36)
	binary.LittleEndian.PutUint32(head, 0x0A0D0D0A)
	binary.LittleEndian.PutUint32(head[4:], 28)
	binary.LittleEndian.PutUint32(head[8:], 0x1A2B3C4D)
	binary.LittleEndian.PutUint16(head[12:], 1)
	binary.LittleEndian.PutUint64(head[16:], ^uint64(0))
	binary.LittleEndian.PutUint32(head[24:], 28)
	binary.LittleEndian.PutUint32(head[28:], bt)
	binary.LittleEndian.PutUint32(head[32:], declared)
	out := compress(t, zst, head)
	zeros := compress(t, zst, make([]byte, chunk))
	for n := 0; n < declared; n += chunk {
		out = append(out, zeros...)
	}
	ext := ".scap.gz"
	if zst {
		ext = ".scap.zst"
	}
	p := filepath.Join(dir, fmt.Sprintf("bomb-%x%s", bt, ext))
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Metadata block bombs: trace stays small and quick, names the file and
// the offset, and exits 1 (before: 3.2 GB and 4-15 s each).
func TestHostileBombs(t *testing.T) {
	tr := difftest.Trace(t)
	dir := t.TempDir()
	const rssBudget = 64 << 20
	const timeBudget = 20 * time.Second // 1 GiB decompressed to skip an unknown block
	timeBin, _ := exec.LookPath("time")
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		timeBin = "/usr/bin/time"
	}
	if timeBin == "" {
		t.Log("GNU time not installed: peak memory not measured")
	}
	for _, zst := range []bool{true, false} {
		for _, c := range []struct {
			bt   uint32
			want string
		}{
			{0x201, "oversized machine info block at byte 28"},
			{0x215, "oversized process list block at byte 28"},
			{0x218, "oversized fd list block at byte 28"},
			{0x219, "oversized interface list block at byte 28"},
			{0x220, "oversized user list block at byte 28"},
			{0x999, "corrupted block of type 0x999 at byte 28 (wrong block total length"},
		} {
			p := bombFile(t, dir, zst, c.bt)
			// The peak RSS comes from GNU time: the rusage of a child
			// forked by this (big) test process carries the parent's
			// peak across exec.
			rssFile := filepath.Join(dir, "rss")
			cmd := exec.Command(tr, "-r", p)
			if timeBin != "" {
				cmd = exec.Command(timeBin, "-q", "-f", "%M", "-o", rssFile, tr, "-r", p)
			}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			code := -1
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			var rss int64
			if timeBin != "" {
				b, _ := os.ReadFile(rssFile)
				if _, err := fmt.Sscan(string(b), &rss); err != nil {
					t.Fatalf("time -o: %q", b)
				}
				rss <<= 10
			}
			t.Logf("%s: %v, max RSS %d MB, exit %d", filepath.Base(p), took, rss>>20, code)
			msg := stderr.String()
			if code != 1 || stdout.Len() != 0 || !strings.HasPrefix(msg, "trace: "+p+": ") || !strings.Contains(msg, c.want) {
				t.Errorf("%s: exit %d, stderr %q, want %q", p, code, msg, c.want)
			}
			if rss > rssBudget {
				t.Errorf("%s: max RSS %d MB, budget %d MB", p, rss>>20, rssBudget>>20)
			}
			if took > timeBudget {
				t.Errorf("%s: took %v, budget %v", p, took, timeBudget)
			}
		}
	}
}

// mutant writes a copy of the capture own with mutate applied to the event
// of its idx-th event block (offset of the event header passed).
func mutant(t *testing.T, own []byte, idx int, mutate func(b []byte, ev int)) (string, int) {
	t.Helper()
	var evs []int
	for off := 0; off+8 <= len(own); {
		bt := binary.LittleEndian.Uint32(own[off:])
		l := int(binary.LittleEndian.Uint32(own[off+4:]))
		if l < 12 {
			t.Fatalf("bad framing at %d", off)
		}
		switch bt {
		case 0x216, 0x204, 0x221:
			evs = append(evs, off+10)
		case 0x217, 0x208, 0x222:
			evs = append(evs, off+14)
		}
		off += l
	}
	b := append([]byte(nil), own...)
	mutate(b, evs[idx])
	p := filepath.Join(t.TempDir(), "mutant.scap")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, evs[idx] - 10
}

// dropLine removes the line of event num from sysdig's output.
func dropLine(out []byte, num int) []byte {
	var keep [][]byte
	for _, l := range bytes.SplitAfter(out, []byte("\n")) {
		if !bytes.HasPrefix(l, []byte(fmt.Sprintf("%d ", num))) {
			keep = append(keep, l)
		}
	}
	return bytes.Join(keep, nil)
}

// Mutated events inside intact blocks: trace skips the bad event with a
// warning and prints every later event as sysdig does (sysdig, which does
// not check event lengths, prints the bad event itself, from the damaged
// bytes), then exits 1. A damaged section header trailer: the whole
// capture, as sysdig prints it, a warning, exit 1.
func TestMutatedEventsVsSysdig(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	own := readOwn(t)
	cases := []struct {
		name   string
		idx    int
		mutate func(b []byte, ev int)
	}{
		{"event length flipped", 300, func(b []byte, ev int) { b[ev+19] ^= 0x40 }},
		{"event length +8", 300, func(b []byte, ev int) {
			binary.LittleEndian.PutUint32(b[ev+16:], binary.LittleEndian.Uint32(b[ev+16:])+8)
		}},
		{"event length below header", 600, func(b []byte, ev int) { binary.LittleEndian.PutUint32(b[ev+16:], 10) }},
		{"nparams flipped", 300, func(b []byte, ev int) { b[ev+24] ^= 0x01 }},
		{"nparams flipped, no params", 600, func(b []byte, ev int) { b[ev+24] ^= 0x01 }},
	}
	for _, c := range cases {
		p, off := mutant(t, own, c.idx, c.mutate)
		start := time.Now()
		got := difftest.Run(tr, "-r", p)
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("%s: took %v", c.name, took)
		}
		want := difftest.Run(sd, "-r", p)
		if want.Code != 0 {
			t.Fatalf("%s: sysdig exit %d: %s", c.name, want.Code, want.Stderr)
		}
		// The bad event is the idx+1-th event sysdig numbers (every event
		// of this capture is one sysdig knows).
		exp := dropLine(want.Stdout, c.idx+1)
		if !bytes.Equal(got.Stdout, exp) {
			t.Errorf("%s: trace differs from sysdig without event %d:\n%s", c.name, c.idx+1, difftest.Diff(got.Stdout, exp, 5))
		}
		msg := string(got.Stderr)
		warn := fmt.Sprintf("trace: %s: skipped a malformed event at byte %d (", p, off)
		sum := fmt.Sprintf("trace: %s: damaged input: 1 malformed event skipped\n", p)
		if got.Code != 1 || !strings.HasPrefix(msg, warn) || !strings.HasSuffix(msg, sum) || strings.Count(msg, "\n") != 2 {
			t.Errorf("%s: exit %d, stderr %q", c.name, got.Code, msg)
		}
	}

	// A parameter length past its event: sysdig prints bytes from beyond
	// the event; trace prints the parameters that fit and warns. The other
	// events are the same.
	p, off := mutant(t, own, 300, func(b []byte, ev int) { b[ev+27] ^= 0x7f })
	got, want := difftest.Run(tr, "-r", p), difftest.Run(sd, "-r", p)
	if !bytes.Equal(dropLine(got.Stdout, 301), dropLine(want.Stdout, 301)) || bytes.Count(got.Stdout, []byte("\n")) != bytes.Count(want.Stdout, []byte("\n")) {
		t.Errorf("param length: trace differs from sysdig:\n%s", difftest.Diff(got.Stdout, want.Stdout, 5))
	}
	if msg := string(got.Stderr); got.Code != 1 || !strings.Contains(msg, fmt.Sprintf("malformed event at byte %d: its parameter lengths run past", off)) {
		t.Errorf("param length: exit %d, stderr %q", got.Code, msg)
	}

	// The section header's trailer, or its leading length (sysdig reads
	// 28 bytes whatever they say).
	for _, c := range []struct {
		at   int
		val  uint32
		what string
	}{
		{24, 29, "its trailing length 29 differs from the leading 28; read on with the leading one"},
		{4, 60, "its leading length 60 differs from the trailing 28; read on as a 28-byte section header"},
		{4, 0x1000001c, "its leading length 268435484 differs from the trailing 28; read on as a 28-byte section header"},
	} {
		b := append([]byte(nil), own...)
		binary.LittleEndian.PutUint32(b[c.at:], c.val)
		p = filepath.Join(t.TempDir(), "shb.scap")
		os.WriteFile(p, b, 0o644)
		got, want = difftest.Run(tr, "-r", p), difftest.Run(sd, "-r", p)
		if want.Code != 0 || !bytes.Equal(got.Stdout, want.Stdout) || len(got.Stdout) == 0 {
			t.Errorf("section header %d at %d: trace differs from sysdig (exit %d):\n%s", c.val, c.at, want.Code, difftest.Diff(got.Stdout, want.Stdout, 5))
		}
		wantErr := fmt.Sprintf("trace: %s: damaged section header block at byte 0 (%s)\ntrace: %s: damaged input: 1 damaged header read past\n", p, c.what, p)
		if got.Code != 1 || string(got.Stderr) != wantErr {
			t.Errorf("section header %d at %d: exit %d, stderr %q", c.val, c.at, got.Code, got.Stderr)
		}
	}
}

// Damaged compressed streams: messages of their own, after the events
// that were intact.
func TestBadCompressedStreams(t *testing.T) {
	tr := difftest.Trace(t)
	own := readOwn(t)
	full := difftest.Run(tr, "-r", ownCapture)
	gz := compress(t, false, own)
	crc := append([]byte(nil), gz...)
	crc[len(crc)-6] ^= 0xff
	window := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3} // 2 GiB window (zstd --long=31)
	raw := own[:1000]
	window = append(window, byte(len(raw)<<3|1), byte(len(raw)>>5), byte(len(raw)>>13))
	window = append(window, raw...)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		data []byte
		want string
		all  bool // every event printed before the error
	}{
		{"crc.scap.gz", crc, "gzip checksum (CRC-32) mismatch: the compressed data is damaged (reading the block header at byte ", true},
		{"notrailer.scap.gz", gz[:len(gz)-8], "truncated gzip stream: it ends without its trailer (reading the block header at byte ", true},
		{"long.scap.zst", window, "zstd frame window larger than this reader's 512 MiB limit (compressed with --long?): decompress it first with zstd -d --long=31", false},
	} {
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, c.data, 0o644)
		r := difftest.Run(tr, "-r", p)
		msg := string(r.Stderr)
		if r.Code != 1 || !strings.HasPrefix(msg, "trace: "+p+": ") || !strings.Contains(msg, c.want) || strings.Count(msg, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q, want %q", c.name, r.Code, msg, c.want)
		}
		if c.all && !bytes.Equal(r.Stdout, full.Stdout) {
			t.Errorf("%s: not every event printed", c.name)
		}
	}
}
