package capture

import (
	"bytes"
	"encoding/binary"

	"github.com/traceproj/trace/bpf"
	"github.com/traceproj/trace/scap"
)

// pw appends event parameters in the PT_* encodings of SCAP_FORMAT.md §10.
type pw struct {
	*scap.Builder
	tmp []byte
}

func (p *pw) i64(v int64)    { p.I64(v) }
func (p *pw) u64(v uint64)   { p.U64(v) }
func (p *pw) u32(v uint32)   { p.U32(v) }
func (p *pw) i32(v int32)    { p.U32(uint32(v)) }
func (p *pw) u16(v uint16)   { p.U16(v) }
func (p *pw) u8(v uint8)     { p.U8(v) }
func (p *pw) bytes(b []byte) { p.Raw(b) }

// dyn writes a PT_DYN parameter: the index of the alternative, then the
// value in width bytes.
func (p *pw) dyn(idx uint8, width int, v uint64) {
	t := append(p.tmp[:0], idx)
	t = le.AppendUint64(t, v)
	p.tmp = t
	p.Raw(t[:1+width])
}

// str writes a NUL-terminated string from a string blob (which already
// carries its NUL when the program read it) or "" when absent.
func (p *pw) str(b []byte) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		p.Raw(b[:i+1])
		return
	}
	p.tmp = append(append(p.tmp[:0], b...), 0)
	p.Raw(p.tmp)
}

// Linux address families.
const (
	afUnix  = 1
	afInet  = 2
	afInet6 = 10
)

// PPM socket families as written in PT_SOCKADDR/PT_SOCKTUPLE.
const (
	ppmAFUnix  = 1
	ppmAFInet  = 2
	ppmAFInet6 = 10
)

// addr is an endpoint decoded from a sockaddr or a kernel socket.
type addr struct {
	family uint16
	ip     [16]byte
	port   uint16
	path   []byte // unix
}

// parseSockaddr decodes a Linux struct sockaddr.
func parseSockaddr(b []byte) (addr, bool) {
	var a addr
	if len(b) < 2 {
		return a, false
	}
	a.family = le.Uint16(b)
	switch a.family {
	case afInet:
		if len(b) < 8 {
			return a, false
		}
		a.port = binary.BigEndian.Uint16(b[2:])
		copy(a.ip[:4], b[4:8])
	case afInet6:
		if len(b) < 24 {
			return a, false
		}
		a.port = binary.BigEndian.Uint16(b[2:])
		copy(a.ip[:], b[8:24])
	case afUnix:
		a.path = unixPath(b[2:])
	default:
		return a, false
	}
	return a, true
}

// unixPath returns a unix socket path; an abstract name (leading NUL) is
// shown with a leading '@'.
func unixPath(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	abstract := b[0] == 0
	if abstract {
		b = b[1:]
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if abstract {
		return append([]byte{'@'}, b...)
	}
	return b
}

// sockaddr writes a PT_SOCKADDR from a Linux sockaddr blob (empty when
// absent or of an unsupported family).
func (p *pw) sockaddr(b []byte) {
	a, ok := parseSockaddr(b)
	if !ok {
		p.Raw(nil)
		return
	}
	t := p.tmp[:0]
	switch a.family {
	case afInet:
		t = append(t, ppmAFInet)
		t = append(t, a.ip[:4]...)
		t = le.AppendUint16(t, a.port)
	case afInet6:
		t = append(t, ppmAFInet6)
		t = append(t, a.ip[:]...)
		t = le.AppendUint16(t, a.port)
	case afUnix:
		t = append(t, ppmAFUnix)
		t = append(t, a.path...)
		t = append(t, 0)
	}
	p.tmp = t
	p.Raw(t)
}

// sockInfo is struct sock_info of events.h.
type sockInfo struct {
	family, typ  uint16
	lport, rport uint16
	laddr, raddr [16]byte
	sk, peer     uint64
	path         []byte
}

func parseSockInfo(b []byte) (sockInfo, bool) {
	var s sockInfo
	if len(b) < 168 {
		return s, false
	}
	s.family = le.Uint16(b)
	s.typ = le.Uint16(b[2:])
	s.lport = le.Uint16(b[4:])
	s.rport = le.Uint16(b[6:])
	copy(s.laddr[:], b[8:24])
	copy(s.raddr[:], b[24:40])
	s.sk = le.Uint64(b[40:])
	s.peer = le.Uint64(b[48:])
	s.path = unixPath(b[56 : 56+108])
	return s, true
}

func zeroIP(ip []byte) bool {
	for _, c := range ip {
		if c != 0 {
			return false
		}
	}
	return true
}

// tuple writes a PT_SOCKTUPLE for the socket in sockBlob. user, when
// present, is the address the caller passed (connect/sendto destination,
// recvfrom source) and stands in for the peer when the socket has none.
// inbound puts the peer first, as sysdig does for accept and receives.
func (p *pw) tuple(sockBlob, user []byte, inbound bool) {
	s, ok := parseSockInfo(sockBlob)
	if !ok {
		p.Raw(nil)
		return
	}
	t := p.tmp[:0]
	switch s.family {
	case afInet, afInet6:
		n := 4
		fam := byte(ppmAFInet)
		if s.family == afInet6 {
			n, fam = 16, ppmAFInet6
		}
		local := addr{family: s.family, ip: s.laddr, port: s.lport}
		peer := addr{family: s.family, ip: s.raddr, port: s.rport}
		if u, ok := parseSockaddr(user); ok && u.family == s.family && (peer.port == 0 || inbound) {
			peer = u
		}
		src, dst := local, peer
		if inbound {
			src, dst = peer, local
		}
		t = append(t, fam)
		t = append(t, src.ip[:n]...)
		t = le.AppendUint16(t, src.port)
		t = append(t, dst.ip[:n]...)
		t = le.AppendUint16(t, dst.port)
	case afUnix:
		t = append(t, ppmAFUnix)
		t = le.AppendUint64(t, s.sk)
		t = le.AppendUint64(t, s.peer)
		path := s.path
		if len(path) == 0 {
			if u, ok := parseSockaddr(user); ok && u.family == afUnix {
				path = u.path
			}
		}
		t = append(t, path...)
		t = append(t, 0)
	default:
		p.Raw(nil)
		return
	}
	p.tmp = t
	p.Raw(t)
}

// fdlist writes a PT_FDLIST from a pollfd array: count, then (fd, flags)
// pairs with the requested events (enter) or the returned ones (exit).
func (p *pw) fdlist(b []byte, revents bool) {
	n := len(b) / 8
	t := le.AppendUint16(p.tmp[:0], uint16(n))
	for i := 0; i < n; i++ {
		e := b[8*i:]
		fd := int64(int32(le.Uint32(e)))
		ev := le.Uint16(e[4:])
		if revents {
			ev = le.Uint16(e[6:])
		}
		t = le.AppendUint64(t, uint64(fd))
		t = le.AppendUint16(t, pollFlags(ev))
	}
	p.tmp = t
	p.Raw(t)
}

// fileInfo is struct file_info of events.h.
type fileInfo struct {
	ino        uint64
	dev        uint32
	flags, mod uint32
}

func parseFileInfo(b []byte) fileInfo {
	if len(b) < 24 {
		return fileInfo{}
	}
	return fileInfo{ino: le.Uint64(b), dev: le.Uint32(b[8:]), flags: le.Uint32(b[12:]), mod: le.Uint32(b[16:])}
}

// vmInfo is struct vm_info of events.h.
type vmInfo struct{ size, rss, swap uint32 }

func parseVM(b []byte) vmInfo {
	if len(b) < 12 {
		return vmInfo{}
	}
	return vmInfo{le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:])}
}

func (p *pw) vm(v vmInfo) {
	p.u32(v.size)
	p.u32(v.rss)
	p.u32(v.swap)
}

// taskInfo is struct task_info of events.h.
type taskInfo struct {
	tid, pid, ptid, vtid, vpid, vpgid uint32
	uid, gid, loginuid                uint32
	ttyMajor, ttyMinorStart, ttyIndex uint32
	fdlimit, pgftMaj, pgftMin         uint64
	vm                                vmInfo
	comm                              []byte
}

func parseTaskInfo(b []byte) (taskInfo, bool) {
	var t taskInfo
	if len(b) < 104 {
		return t, false
	}
	u := func(i int) uint32 { return le.Uint32(b[4*i:]) }
	t.tid, t.pid, t.ptid, t.vtid, t.vpid, t.vpgid = u(0), u(1), u(2), u(3), u(4), u(5)
	t.uid, t.gid, t.loginuid = u(6), u(7), u(8)
	t.ttyMajor, t.ttyMinorStart, t.ttyIndex = u(9), u(10), u(11)
	t.fdlimit = le.Uint64(b[48:])
	t.pgftMaj = le.Uint64(b[56:])
	t.pgftMin = le.Uint64(b[64:])
	t.vm = parseVM(b[72:])
	c := b[88:104]
	if i := bytes.IndexByte(c, 0); i >= 0 {
		c = c[:i]
	}
	t.comm = c
	return t, true
}

// tty is the tty number sysdig reports: the userspace encoding of the
// terminal's device number, or 0 without a controlling terminal.
func (t *taskInfo) tty() int32 {
	if t.ttyMajor == 0 {
		return 0
	}
	dev := t.ttyMajor<<20 | (t.ttyMinorStart + t.ttyIndex)
	return int32(newEncodeDev(dev))
}

// splitArgs splits a process argument area into argv[0] and the rest,
// each string keeping its NUL.
func splitArgs(b []byte) (exe, rest []byte) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+1:]
}

// ret32 is a return value narrowed like an int, for fds.
func ret32(r *record) int64 { return int64(int32(r.ret)) }

var _ = bpf.MaxBlobs
