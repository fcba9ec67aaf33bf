package capture

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// sampleBlob returns plausible data for a blob kind, shaped like what the
// BPF program writes.
func sampleBlob(k blobSpec) []byte {
	le := binary.LittleEndian
	switch k.kind {
	case bpf.BStr, bpf.BCwd:
		return []byte("/tmp/sample\x00")
	case bpf.BBuf:
		return []byte("data")
	case bpf.BIOV, bpf.BMsgIOV:
		return append(le.AppendUint32(nil, 4), "data"...)
	case bpf.BSockaddr, bpf.BMsgName:
		return []byte{2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	case bpf.BSock:
		b := make([]byte, 168)
		le.PutUint16(b, afInet)
		le.PutUint16(b[4:], 40000)
		le.PutUint16(b[6:], 80)
		copy(b[8:], []byte{127, 0, 0, 1})
		copy(b[24:], []byte{127, 0, 0, 1})
		return b
	case bpf.BFile:
		return make([]byte, 24)
	case bpf.BMem:
		return make([]byte, k.size)
	case bpf.BTask:
		b := make([]byte, 104)
		copy(b[88:], "comm")
		return b
	case bpf.BArgs:
		return []byte("exe\x00a\x00b\x00")
	case bpf.BEnv:
		return []byte("A=1\x00")
	case bpf.BPipe:
		return make([]byte, 16)
	case bpf.BSockpair:
		return make([]byte, 24)
	case bpf.BAcceptQ:
		return []byte{1, 0, 0, 0, 10, 0, 0, 0}
	case bpf.BVM:
		return make([]byte, 16)
	case bpf.BPoll:
		return make([]byte, 16)
	case bpf.BCgroups:
		return []byte("cpu=/\x00")
	}
	panic(fmt.Sprintf("no sample for blob kind %d", k.kind))
}

// fixedWidth is the on-disk size of fixed-size parameter types, or -1.
func fixedWidth(t scap.ParamType) int {
	switch t {
	case scap.PT_INT8, scap.PT_UINT8, scap.PT_FLAGS8, scap.PT_ENUMFLAGS8, scap.PT_SIGTYPE,
		scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
		return 1
	case scap.PT_INT16, scap.PT_UINT16, scap.PT_FLAGS16, scap.PT_ENUMFLAGS16, scap.PT_SYSCALLID, scap.PT_PORT:
		return 2
	case scap.PT_INT32, scap.PT_UINT32, scap.PT_FLAGS32, scap.PT_ENUMFLAGS32, scap.PT_MODE,
		scap.PT_UID, scap.PT_GID, scap.PT_SIGSET, scap.PT_BOOL, scap.PT_IPV4ADDR:
		return 4
	case scap.PT_INT64, scap.PT_UINT64, scap.PT_ERRNO, scap.PT_FD, scap.PT_PID,
		scap.PT_RELTIME, scap.PT_ABSTIME, scap.PT_DOUBLE:
		return 8
	}
	return -1
}

// checkParams verifies an encoded event against sysdig 0.29.3's table:
// the parameter count, the width of every fixed-size parameter and the
// shape of the variable ones.
func checkParams(t *testing.T, what string, ev *scap.Event) {
	t.Helper()
	info := scap.Info(ev.Type)
	if info == nil {
		t.Errorf("%s: event type %d unknown to sysdig 0.29.3", what, ev.Type)
		return
	}
	if ev.Malformed() {
		t.Errorf("%s: malformed event", what)
		return
	}
	if int(ev.NParams) != len(info.Params) {
		t.Errorf("%s (%s): %d params, table has %d", what, info.Name, ev.NParams, len(info.Params))
		return
	}
	for i, p := range info.Params {
		v := ev.Param(i)
		if w := fixedWidth(p.Type); w >= 0 {
			if len(v) != w {
				t.Errorf("%s: param %s (type %d) is %d bytes, want %d", what, p.Name, p.Type, len(v), w)
			}
			continue
		}
		switch p.Type {
		case scap.PT_CHARBUF, scap.PT_FSPATH, scap.PT_FSRELPATH:
			if len(v) == 0 || v[len(v)-1] != 0 || bytes.IndexByte(v, 0) != len(v)-1 {
				t.Errorf("%s: param %s is not one NUL-terminated string: %q", what, p.Name, v)
			}
		case scap.PT_BYTEBUF:
		case scap.PT_SOCKADDR:
			if len(v) > 0 && !(v[0] == ppmAFInet && len(v) == 7 || v[0] == ppmAFInet6 && len(v) == 19 ||
				v[0] == ppmAFUnix && len(v) >= 2 && v[len(v)-1] == 0) {
				t.Errorf("%s: param %s: bad sockaddr %x", what, p.Name, v)
			}
		case scap.PT_SOCKTUPLE:
			if len(v) > 0 && !(v[0] == ppmAFInet && len(v) == 13 || v[0] == ppmAFInet6 && len(v) == 37 ||
				v[0] == ppmAFUnix && len(v) >= 18 && v[len(v)-1] == 0) {
				t.Errorf("%s: param %s: bad socktuple %x", what, p.Name, v)
			}
		case scap.PT_FDLIST:
			if len(v) < 2 || len(v) != 2+10*int(binary.LittleEndian.Uint16(v)) {
				t.Errorf("%s: param %s: bad fd list %x", what, p.Name, v)
			}
		case scap.PT_DYN:
			if len(v) < 1 || int(v[0]) >= len(p.Dyn) || len(v)-1 != fixedWidth(p.Dyn[v[0]].Type) {
				t.Errorf("%s: param %s: bad dynamic value %x", what, p.Name, v)
			}
		default:
			t.Errorf("%s: param %s has type %d, which the encoder does not know", what, p.Name, p.Type)
		}
	}
}

// TestSpecsMatchEventTable encodes a synthetic record for both directions
// of every syscall, with and without captured data, and checks the
// result against scap.Info (sysdig 0.29.3's event table).
func TestSpecsMatchEventTable(t *testing.T) {
	e := newEncoder(1_000_000_000)
	var ev scap.Event
	for nr, s := range sysTable {
		if s.name == "" {
			continue
		}
		for d := 0; d < 2; d++ {
			ds := &s.dir[d]
			if ds.typ >= 336 {
				t.Errorf("%s: event type %d is beyond sysdig 0.29.3's table", s.name, ds.typ)
			}
			if int(ds.typ&1) != d {
				t.Errorf("%s: event type %d has the wrong direction", s.name, ds.typ)
			}
			if len(ds.blobs) > bpf.MaxBlobs {
				t.Errorf("%s: %d blobs, at most %d", s.name, len(ds.blobs), bpf.MaxBlobs)
			}
			for _, full := range []bool{true, false} {
				rr := rawRecord{ts: 5, tid: 100, pid: 100, ret: 3, nr: uint16(nr), kind: uint8(bpf.RecEnter + d)}
				if !full {
					rr.ret = -2
				}
				nargs := s.nargs(d)
				if nargs > 0 {
					rr.args = []uint64{3, 0x1000, 16, 0, 0, 0}
				}
				if full {
					for i, b := range ds.blobs {
						rr.blobs = append(rr.blobs, rawBlob{b.kind, uint8(i), sampleBlob(b)})
					}
				}
				var r record
				if err := r.parse(rr.bytes()); err != nil {
					t.Fatal(err)
				}
				raw, err := e.encode(&r)
				if err != nil {
					t.Errorf("%s: %v", s.name, err)
					continue
				}
				if nargs == 0 && r.argsUsed {
					t.Errorf("%s: direction %d reads arguments the program does not send", s.name, d)
				}
				if err := ev.SetRaw(raw, 0, 0); err != nil {
					t.Fatal(err)
				}
				if ev.Type != ds.typ || ev.Tid != 100 || ev.Ts != 1_000_000_005 {
					t.Errorf("%s: header type %d tid %d ts %d", s.name, ev.Type, ev.Tid, ev.Ts)
				}
				checkParams(t, fmt.Sprintf("%s/%d/full=%v", s.name, d, full), &ev)
			}
		}
	}
	// The tracepoint records.
	for _, rr := range []rawRecord{
		{ts: 1, tid: 7, pid: 7, ret: 0x8b, kind: bpf.RecProcExit},
		{ts: 1, tid: 7, pid: 7, kind: bpf.RecSwitch, args: []uint64{8, 1, 2, 3, 4, 5}},
	} {
		var r record
		if err := r.parse(rr.bytes()); err != nil {
			t.Fatal(err)
		}
		raw, err := e.encode(&r)
		if err != nil {
			t.Fatal(err)
		}
		if err := ev.SetRaw(raw, 0, 0); err != nil {
			t.Fatal(err)
		}
		checkParams(t, scap.Info(ev.Type).Name, &ev)
	}
}

// TestCoverage checks that the syscalls the capture promises to decode
// have events of their own, and that the rest use the generic event with
// sysdig 0.29.3's syscall code.
func TestCoverage(t *testing.T) {
	own := []string{"open", "openat", "openat2", "creat", "close", "read", "write", "pread64", "pwrite64",
		"readv", "writev", "sendfile", "execve", "execveat", "clone", "fork", "vfork", "clone3",
		"connect", "accept", "accept4", "bind", "listen", "socket", "socketpair", "sendto", "recvfrom",
		"sendmsg", "recvmsg", "shutdown", "pipe", "pipe2", "dup", "dup2", "dup3", "fcntl", "ioctl",
		"mmap", "munmap", "brk", "mprotect", "unlink", "unlinkat", "rename", "renameat", "renameat2",
		"mkdir", "mkdirat", "rmdir", "symlink", "symlinkat", "link", "linkat", "chmod", "fchmod",
		"fchmodat", "setuid", "setgid", "setresuid", "setresgid", "ptrace", "kill", "tkill", "tgkill",
		"mount", "umount2", "chdir", "fchdir", "chroot", "setns", "unshare", "bpf", "seccomp",
		"poll", "select", "epoll_wait", "nanosleep", "futex"}
	for _, n := range own {
		s := sysTable[sysNr(n)]
		if s.dir[0].typ == scap.PPME_GENERIC_E {
			t.Errorf("%s uses the generic event", n)
		}
	}
	// No event of their own below id 336: generic, named by 0.29.3's code.
	for _, n := range []string{"capset", "chown", "fchown", "fchownat", "prctl", "exit", "exit_group", "getppid"} {
		s := sysTable[sysNr(n)]
		if s.dir[0].typ != scap.PPME_GENERIC_E {
			t.Errorf("%s: event %d, want generic", n, s.dir[0].typ)
		}
		if id := ppmSC029[n]; id == 0 || scap.SyscallName029(id) != n {
			t.Errorf("%s: 0.29.3 code %d", n, id)
		}
	}
	// memfd_create postdates sysdig 0.29.3's syscall table.
	if id := ppmSC029["memfd_create"]; id != 0 {
		t.Errorf("memfd_create: 0.29.3 code %d, want 0", id)
	}
}
