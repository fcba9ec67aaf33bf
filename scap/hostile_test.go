package scap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

// shb28 is a section header without options.
func shb28() []byte {
	b := make([]byte, 28)
	binary.LittleEndian.PutUint32(b, scap.BlockSHB)
	binary.LittleEndian.PutUint32(b[4:], 28)
	binary.LittleEndian.PutUint32(b[8:], scap.ByteOrderMagic)
	binary.LittleEndian.PutUint16(b[12:], 1)
	binary.LittleEndian.PutUint64(b[16:], ^uint64(0))
	binary.LittleEndian.PutUint32(b[24:], 28)
	return b
}

// zeroMember is one compressed member (gzip) or frame (zstd) of zeroChunk
// zeros: a stream of many of them decompresses to gigabytes of zeros from
// a small file, as a real bomb does (both formats read concatenated
// members as one stream).
const zeroChunk = 16 << 20

func compressed(t testing.TB, comp scap.Compression, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch comp {
	case scap.CompressGzip:
		w, _ = gzip.NewWriterLevel(&buf, gzip.BestCompression)
	case scap.CompressZstd:
		w, _ = zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var zeroMembers = map[scap.Compression][]byte{}

// bomb is a compressed capture: a section header, then a block of type bt
// declaring length declared, followed by zeros up to that length.
func bomb(t testing.TB, comp scap.Compression, bt uint32, declared uint32) []byte {
	t.Helper()
	head := append(shb28(), 0, 0, 0, 0, 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(head[28:], bt)
	binary.LittleEndian.PutUint32(head[32:], declared)
	out := compressed(t, comp, head)
	z, ok := zeroMembers[comp]
	if !ok {
		z = compressed(t, comp, make([]byte, zeroChunk))
		zeroMembers[comp] = z
	}
	for n := 0; n < int(declared); n += zeroChunk {
		out = append(out, z...)
	}
	return out
}

// readCapture opens data and reads it to its end or first error (warnings
// read past), returning the error, the bytes allocated and the time taken.
func readCapture(data []byte) (events int, err error, alloc uint64, took time.Duration) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	r, err := scap.NewReader(bytes.NewReader(data))
	if err == nil {
		var ev scap.Event
		for {
			err = r.NextInto(&ev)
			if scap.IsWarning(err) {
				continue
			}
			if err != nil {
				break
			}
			events++
		}
		r.Close()
	}
	took = time.Since(t0)
	runtime.ReadMemStats(&after)
	return events, err, after.TotalAlloc - before.TotalAlloc, took
}

// Budgets for a hostile file: far below what the declared lengths would
// take, generous for a loaded machine.
const (
	bombAllocBudget = 64 << 20
	bombTimeBudget  = 20 * time.Second // a 1 GiB unknown block is decompressed to be skipped
)

// A compressed file whose metadata block declares a huge length filled
// with zeros ends in a clear error naming the block and its offset,
// without buffering the declared length.
func TestHostileMetadataBombs(t *testing.T) {
	cases := []struct {
		name     string
		bt       uint32
		declared uint32
		want     string
	}{
		{"machine info 1G", scap.BlockMI, 1 << 30, "oversized machine info block at byte 28"},
		{"process list v9 1G", scap.BlockPLv9, 1 << 30, "oversized process list block at byte 28"},
		{"process list v1 1G", scap.BlockPLv1, 1 << 30, "oversized process list block at byte 28"},
		{"fd list 1G", scap.BlockFDLv2, 1 << 30, "oversized fd list block at byte 28"},
		{"interface list 1G", scap.BlockILv2, 1 << 30, "oversized interface list block at byte 28"},
		{"user list 1G", scap.BlockULv2, 1 << 30, "oversized user list block at byte 28"},
		{"section header 1G", scap.BlockSHB, 1 << 30, "oversized section header block at byte 28"},
		// Within the caps: garbage is caught at its first entry.
		{"process list v9 250M", scap.BlockPLv9, 250 << 20, "corrupted process list block at byte 28 (process entry at +0 has bad length 0)"},
		{"fd list 120M", scap.BlockFDLv2, 120 << 20, "corrupted fd list block at byte 28 (fd entry at +8 has bad length 0)"},
		{"user list 60M", scap.BlockULv2, 60 << 20, "corrupted user list block at byte 28 (user entry at +0 has bad length 0)"},
		// Unknown types are read past unbuffered; the zeros then fail
		// the trailer check.
		{"unknown type 1G", 0x999, 1 << 30, "corrupted block of type 0x999 at byte 28 (wrong block total length: 1073741824 at the start, 0 at the end)"},
	}
	for _, comp := range []scap.Compression{scap.CompressZstd, scap.CompressGzip} {
		for _, c := range cases {
			data := bomb(t, comp, c.bt, c.declared)
			_, err, alloc, took := readCapture(data)
			t.Logf("%s %s: %d KB file, %v, %d KB allocated, %v", comp, c.name, len(data)>>10, err, alloc>>10, took)
			var be *scap.BlockError
			if !errors.As(err, &be) || be.Offset != 28 || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %s: error %v, want %q", comp, c.name, err, c.want)
			}
			if alloc > bombAllocBudget {
				t.Errorf("%s %s: %d MB allocated, budget %d MB", comp, c.name, alloc>>20, bombAllocBudget>>20)
			}
			if took > bombTimeBudget {
				t.Errorf("%s %s: took %v, budget %v", comp, c.name, took, bombTimeBudget)
			}
		}
	}
}

// In an uncompressed file a block length past the end of the file is
// rejected before anything is read.
func TestLengthPastPlainFileEnd(t *testing.T) {
	data := append(shb28(), make([]byte, 4096)...)
	binary.LittleEndian.PutUint32(data[28:], scap.BlockPLv9)
	binary.LittleEndian.PutUint32(data[32:], 200<<20)
	p := filepath.Join(t.TempDir(), "pl.scap")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := scap.Open(p)
	runtime.ReadMemStats(&after)
	if !scap.IsTruncated(err) || !strings.Contains(err.Error(), "truncated process list block at byte 28 (its length 209715200 runs 209711104 bytes past the end of the file)") {
		t.Errorf("error %v", err)
	}
	if a := after.TotalAlloc - before.TotalAlloc; a > 4<<20 {
		t.Errorf("%d KB allocated", a>>10)
	}
}

// A real unknown block (valid trailer) is read past without buffering it,
// and the events after it are read.
func TestUnknownBlockSkippedUnbuffered(t *testing.T) {
	capture := synth.SmallCapture(5, 200, scap.CompressNone)
	_, want, _, _ := readCapture(capture)
	const size = 32 << 20
	unk := make([]byte, size)
	binary.LittleEndian.PutUint32(unk, 0x7777)
	binary.LittleEndian.PutUint32(unk[4:], size)
	binary.LittleEndian.PutUint32(unk[size-4:], size)
	data := append(append(append([]byte(nil), capture[:28]...), unk...), capture[28:]...)
	n, err, alloc, _ := readCapture(data)
	if err != io.EOF || want != io.EOF {
		t.Fatalf("error %v (capture alone: %v)", err, want)
	}
	nWant, _, _, _ := readCapture(capture)
	if n != nWant || n < 200 {
		t.Errorf("%d events, want %d", n, nWant)
	}
	if alloc > 8<<20 {
		t.Errorf("%d MB allocated to skip a %d MB block", alloc>>20, size>>20)
	}
}

// Damaged compressed streams say what is wrong with them.
func TestCompressedStreamErrors(t *testing.T) {
	capture := synth.SmallCapture(6, 300, scap.CompressNone)
	gz := compressed(t, scap.CompressGzip, capture)
	zst := compressed(t, scap.CompressZstd, capture)
	crc := append([]byte(nil), gz...)
	crc[len(crc)-6] ^= 0xff // CRC-32 in the trailer
	// A zstd frame whose window (2 GiB) is past the decoder's limit, as
	// zstd --long=31 writes for big inputs.
	window := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3}
	raw := capture[:1000]
	window = append(window, byte(len(raw)<<3|1), byte(len(raw)>>5), byte(len(raw)>>13))
	window = append(window, raw...)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"gzip crc", crc, "gzip checksum (CRC-32) mismatch: the compressed data is damaged (reading the block header at byte"},
		{"gzip no trailer", gz[:len(gz)-8], "truncated gzip stream: it ends without its trailer (reading the block header at byte"},
		{"gzip half trailer", gz[:len(gz)-3], "truncated gzip stream: it ends without its trailer"},
		{"zstd window", window, "zstd frame window larger than this reader's 512 MiB limit"},
		{"zstd cut", zst[:len(zst)/2], "truncated zstd stream: it ends inside a frame (reading the "},
	}
	for _, c := range cases {
		n, err, _, _ := readCapture(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if errors.Is(err, scap.ErrNotCapture) {
			t.Errorf("%s: reported as not a capture", c.name)
		}
		if strings.HasPrefix(c.name, "gzip") && n < 300 {
			t.Errorf("%s: only %d events before the error", c.name, n)
		}
	}
}

// eventBlocks walks the framing of an uncompressed capture and returns the
// offsets of its event blocks.
func eventBlocks(t *testing.T, data []byte) []int {
	t.Helper()
	var offs []int
	for off := 0; off+8 <= len(data); {
		bt := binary.LittleEndian.Uint32(data[off:])
		l := int(binary.LittleEndian.Uint32(data[off+4:]))
		if l < 12 || off+l > len(data) {
			t.Fatalf("bad framing at %d", off)
		}
		if bt == scap.BlockEVv2 || bt == scap.BlockEVFv2 {
			offs = append(offs, off)
		}
		off += l
	}
	return offs
}

type readResult struct {
	evs   []seen
	warns []error
	err   error
}

// readWarned reads every event with next, collecting the warnings.
func readWarned(next func(*scap.Event) error) readResult {
	var res readResult
	var ev scap.Event
	for {
		err := next(&ev)
		if scap.IsWarning(err) {
			res.warns = append(res.warns, err)
			continue
		}
		if err != nil {
			res.err = err
			return res
		}
		res.evs = append(res.evs, seen{ev.Ts, ev.Type, ev.CPU, ev.Flags, ev.Offset, append([]byte(nil), ev.Raw()...)})
	}
}

// readBoth reads data with the Reader and with the Prefetcher; both must
// agree.
func readBoth(t *testing.T, data []byte) readResult {
	t.Helper()
	r1, err := scap.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	a := readWarned(r1.NextInto)
	r2, _ := scap.NewReader(bytes.NewReader(data))
	pf := scap.NewPrefetcher(r2)
	defer pf.Close()
	b := readWarned(pf.NextInto)
	if len(a.evs) != len(b.evs) || len(a.warns) != len(b.warns) || (a.err == nil) != (b.err == nil) {
		t.Fatalf("reader: %d events %d warnings %v; prefetcher: %d events %d warnings %v",
			len(a.evs), len(a.warns), a.err, len(b.evs), len(b.warns), b.err)
	}
	return a
}

// A malformed event inside an intact block (leading and trailing lengths
// agree) is skipped with a warning and every event after it is read; in a
// block whose trailer disagrees it stays fatal.
func TestMalformedEventSkipped(t *testing.T) {
	orig := synth.SmallCapture(7, 3000, scap.CompressNone)
	full := readBoth(t, orig)
	if full.err != io.EOF || len(full.warns) != 0 {
		t.Fatalf("intact capture: %v, %d warnings", full.err, len(full.warns))
	}
	blocks := eventBlocks(t, orig)
	mid := len(blocks) / 2
	b := blocks[mid]
	ev := b + 8 + 2 // block header, cpu id
	if binary.LittleEndian.Uint32(orig[b:]) == scap.BlockEVFv2 {
		ev += 4
	}
	mutants := map[string]func(m []byte){
		"event length":       func(m []byte) { m[ev+19] ^= 0x40 },
		"event length short": func(m []byte) { binary.LittleEndian.PutUint32(m[ev+16:], 10) },
		"nparams":            func(m []byte) { m[ev+24] ^= 0x01 },
	}
	for name, mutate := range mutants {
		m := append([]byte(nil), orig...)
		mutate(m)
		start := time.Now()
		res := readBoth(t, m)
		if time.Since(start) > 10*time.Second {
			t.Errorf("%s: took %v", name, time.Since(start))
		}
		if res.err != io.EOF {
			t.Errorf("%s: ended with %v", name, res.err)
		}
		if len(res.warns) != 1 || !errors.Is(res.warns[0], scap.ErrMalformedEvent) ||
			!strings.Contains(res.warns[0].Error(), "skipped a malformed event at byte ") {
			t.Errorf("%s: warnings %v", name, res.warns)
			continue
		}
		var be *scap.BlockError
		if errors.As(res.warns[0], &be); be == nil || be.Offset != int64(b) {
			t.Errorf("%s: warning %v, want offset %d", name, res.warns[0], b)
		}
		// Every event but the bad one, unchanged.
		if len(res.evs) != len(full.evs)-1 {
			t.Fatalf("%s: %d events, want %d", name, len(res.evs), len(full.evs)-1)
		}
		for i, e := range res.evs {
			j := i
			if e.offset > int64(b) {
				j++
			}
			if e.offset != full.evs[j].offset || !bytes.Equal(e.raw, full.evs[j].raw) {
				t.Fatalf("%s: event %d differs", name, i)
			}
		}
	}

	// The same bad event in a block whose trailer disagrees: the framing
	// cannot be trusted, the reading stops there.
	m := append([]byte(nil), orig...)
	mutants["event length"](m)
	l := int(binary.LittleEndian.Uint32(m[b+4:]))
	binary.LittleEndian.PutUint32(m[b+l-4:], uint32(l+4))
	res := readBoth(t, m)
	if !errors.Is(res.err, scap.ErrCorrupt) || len(res.warns) != 0 || !strings.Contains(res.err.Error(), "corrupted event block at byte") {
		t.Errorf("bad trailer: %v, %d warnings", res.err, len(res.warns))
	}
}

// A section header whose trailing length is damaged is a warning: the
// whole capture is read (sysdig 0.29.3 does not check it).
func TestSectionHeaderTrailerWarning(t *testing.T) {
	orig := synth.SmallCapture(8, 500, scap.CompressNone)
	full := readBoth(t, orig)
	m := append([]byte(nil), orig...)
	m[24] ^= 0x01
	res := readBoth(t, m)
	if res.err != io.EOF || len(res.evs) != len(full.evs) {
		t.Fatalf("%d of %d events, %v", len(res.evs), len(full.evs), res.err)
	}
	if len(res.warns) != 1 || !errors.Is(res.warns[0], scap.ErrTrailer) ||
		res.warns[0].Error() != "damaged section header block at byte 0 (its trailing length 29 differs from the leading 28; read on with the leading one)" {
		t.Errorf("warnings %v", res.warns)
	}
}

// A damaged leading length of a 28-byte section header (its trailer says
// 28): read as 28 bytes, as sysdig 0.29.3 always does, with a warning. A
// consistent header with options that happens to hold 28 at byte 24 is
// read as declared.
func TestSectionHeaderLengthWarning(t *testing.T) {
	orig := synth.SmallCapture(9, 500, scap.CompressNone)
	full := readBoth(t, orig)
	for _, l := range []uint32{29, 60, 12, 0x1000001c, 0xfffffffc} {
		m := append([]byte(nil), orig...)
		binary.LittleEndian.PutUint32(m[4:], l)
		res := readBoth(t, m)
		want := fmt.Sprintf("damaged section header block at byte 0 (its leading length %d differs from the trailing 28; read on as a 28-byte section header)", l)
		if res.err != io.EOF || len(res.evs) != len(full.evs) || len(res.warns) != 1 || res.warns[0].Error() != want {
			t.Errorf("length %d: %d of %d events, %v, warnings %v", l, len(res.evs), len(full.evs), res.err, res.warns)
		}
	}
	// Options: code 28, length 0, then 4 more bytes; total 36.
	shb := shb28()[:24]
	binary.LittleEndian.PutUint32(shb[4:], 36)
	shb = append(shb, 28, 0, 0, 0, 1, 2, 3, 4, 36, 0, 0, 0)
	m := append(shb, orig[28:]...)
	r, err := scap.NewReader(bytes.NewReader(m))
	if err != nil {
		t.Fatal(err)
	}
	res := readWarned(r.NextInto)
	if res.err != io.EOF || len(res.warns) != 0 || len(res.evs) != len(full.evs) ||
		!bytes.Equal(r.Metadata().SHBOptions, []byte{28, 0, 0, 0, 1, 2, 3, 4}) {
		t.Errorf("options: %v, %d warnings, options %x", res.err, len(res.warns), r.Metadata().SHBOptions)
	}
}

// A parameter length running past its event leaves the event readable
// with the parameters that fit, and marked Malformed for the caller to
// warn about.
func TestParamPastEventIsMalformed(t *testing.T) {
	var bld scap.Builder
	bld.Begin(1, 2, scap.PPME_SYSCALL_OPEN_X)
	bld.I64(3).Str("/etc/passwd").U32(1).U32(0).U32(0)
	raw := append([]byte(nil), bld.Finish()...)
	binary.LittleEndian.PutUint16(raw[scap.EventHeaderV2+2:], 0x7fff) // name's length
	var ev scap.Event
	if err := ev.SetRaw(raw, 0, 0); err != nil {
		t.Fatal(err)
	}
	if !ev.Malformed() || ev.NumParams() != 1 || string(ev.Param(0)) != "\x03\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("malformed %v, %d params", ev.Malformed(), ev.NumParams())
	}
}

// A real process list bigger than the reader's buffer and than the size
// past which it is allocated whole reads back intact.
func TestBigProcessListBlock(t *testing.T) {
	var m scap.Metadata
	args := bytes.Repeat([]byte("x"), 4000)
	for i := 0; i < 6000; i++ {
		m.Threads = append(m.Threads, scap.Thread{Tid: int64(1000 + i), Pid: int64(1000 + i), Comm: "c", Exe: "e", Args: args, FDLimit: 1024})
	}
	var buf bytes.Buffer
	w, err := scap.NewWriter(&buf, scap.CompressZstd)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(&m); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := scap.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	got := r.Metadata().Threads
	if len(got) != len(m.Threads) || got[5999].Tid != 6999 || !bytes.Equal(got[5999].Args, args) {
		t.Errorf("%d threads read back", len(got))
	}
}
