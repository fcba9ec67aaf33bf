package capture

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/traceproj/trace/bpf"
)

func sockInfoBlob(family uint16, l, r []byte, lport, rport uint16) []byte {
	b := make([]byte, 168)
	binary.LittleEndian.PutUint16(b, family)
	binary.LittleEndian.PutUint16(b[4:], lport)
	binary.LittleEndian.PutUint16(b[6:], rport)
	copy(b[8:], l)
	copy(b[24:], r)
	return b
}

func fileInfoBlob(ino uint64, dev uint32) []byte {
	b := make([]byte, 24)
	binary.LittleEndian.PutUint64(b, ino)
	binary.LittleEndian.PutUint32(b[8:], dev)
	return b
}

// unhex decodes a hex dump that may contain spaces and newlines.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncodeGolden checks records against scap event bytes written out by
// hand from SCAP_FORMAT.md and sysdig 0.29.3's event table.
func TestEncodeGolden(t *testing.T) {
	lo := []byte{127, 0, 0, 1}
	cases := []struct {
		name string
		rec  rawRecord
		want string
	}{{
		name: "getppid enter (generic)",
		rec:  rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, nr: 110, kind: bpf.RecEnter},
		want: `64ca9a3b00000000 3412000000000000 22000000 0000 02000000
		       0200 0200   2900 6e00`, // ID 41 (getppid in 0.29.3), nativeID 110
	}, {
		name: "getppid exit (generic)",
		rec:  rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, nr: 110, kind: bpf.RecExit, ret: 7},
		want: `64ca9a3b00000000 3412000000000000 1e000000 0100 01000000
		       0200   2900`,
	}, {
		name: "openat exit",
		rec: rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, nr: 257, kind: bpf.RecExit, ret: 3,
			args: []uint64{0xffffff9c, 0x7fff0000, 0o2001101, 0o644, 0, 0},
			blobs: []rawBlob{
				{bpf.BStr, 0, []byte("/tmp/a\x00")},
				{bpf.BFile, 1, fileInfoBlob(7, 8<<20|1)},
			}},
		want: `64ca9a3b00000000 3412000000000000 49000000 3301 06000000
		       0800 0800 0700 0400 0400 0400
		       0300000000000000 9cffffffffffffff 2f746d702f6100
		       06110000 a4010000 01080000`, // WRONLY|CREAT|TRUNC|CLOEXEC, 0644, dev 8:1
	}, {
		name: "connect exit",
		rec: rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, nr: 42, kind: bpf.RecExit, ret: -115,
			args: []uint64{5, 0, 16, 0, 0, 0},
			blobs: []rawBlob{
				{bpf.BSock, 0, sockInfoBlob(afInet, lo, lo, 47192, 80)},
				{bpf.BSockaddr, 1, []byte{2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
			}},
		want: `64ca9a3b00000000 3412000000000000 33000000 1700 02000000
		       0800 0d00
		       8dffffffffffffff 027f00000158b87f0000015000`,
	}, {
		name: "read exit",
		rec: rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, nr: 0, kind: bpf.RecExit, ret: 5,
			args:  []uint64{3, 0x7fff0000, 4096, 0, 0, 0},
			blobs: []rawBlob{{bpf.BBuf, 0, []byte("hello")}}},
		want: `64ca9a3b00000000 3412000000000000 2b000000 0700 02000000
		       0800 0500 0500000000000000 68656c6c6f`,
	}, {
		name: "procexit killed by SIGKILL",
		rec:  rawRecord{ts: 100, tid: 0x1234, pid: 0x1234, kind: bpf.RecProcExit, ret: 9},
		want: `64ca9a3b00000000 3412000000000000 34000000 ba00 04000000
		       0800 0800 0100 0100
		       0900000000000000 0000000000000000 09 00`,
	}}
	e := newEncoder(1_000_000_000)
	for _, c := range cases {
		var r record
		if err := r.parse(c.rec.bytes()); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := e.encode(&r)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := unhex(t, c.want); string(got) != string(want) {
			t.Errorf("%s:\n got %x\nwant %x", c.name, got, want)
		}
	}
}

func TestTupleDirections(t *testing.T) {
	lo, peer := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sock := sockInfoBlob(afInet, lo, peer, 80, 5555)
	var b builderForTest
	b.init()
	b.p.tuple(sock, nil, true)
	b.p.tuple(sock, nil, false)
	got := b.params()
	want := [][]byte{
		{2, 10, 0, 0, 2, 0xb3, 0x15, 10, 0, 0, 1, 80, 0}, // inbound: peer first
		{2, 10, 0, 0, 1, 80, 0, 10, 0, 0, 2, 0xb3, 0x15},
	}
	for i := range want {
		if string(got[i]) != string(want[i]) {
			t.Errorf("tuple %d: got %x want %x", i, got[i], want[i])
		}
	}
}

func TestRecordParseErrors(t *testing.T) {
	good := rawRecord{nr: 1, kind: bpf.RecExit, args: make([]uint64, 6),
		blobs: []rawBlob{{bpf.BBuf, 0, []byte("x")}}}.bytes()
	var r record
	if err := r.parse(good); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(good); i++ {
		// Every truncation is rejected or yields a consistent prefix.
		_ = r.parse(good[:i])
	}
	bad := append([]byte(nil), good...)
	binary.LittleEndian.PutUint16(bad[bpf.RecHdrSize+48:], 500) // blob longer than the record
	if err := r.parse(bad); err == nil {
		t.Error("overrunning blob accepted")
	}
}
