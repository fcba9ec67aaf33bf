package procscan

import (
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/traceproj/trace/scap"
)

// L4 protocols of the fd list (scap_l4_proto).
const (
	l4TCP = 2
	l4UDP = 3
	l4Raw = 5
)

// fds reads the fd table of the process whose /proc directory is pdir.
func (s *scanner) fds(pdir string) []scap.FDInfo {
	dir := filepath.Join(pdir, "fd")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	nums := make([]int, 0, len(ents))
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	var out []scap.FDInfo
	for _, n := range nums {
		p := filepath.Join(dir, strconv.Itoa(n))
		target, err := os.Readlink(p)
		if err != nil {
			continue
		}
		fd := scap.FDInfo{FD: int64(n)}
		st, statOK := statFollow(p)
		if statOK {
			fd.Ino = st.ino
		}
		switch {
		case strings.HasPrefix(target, "socket:["):
			fd.Ino = bracketIno(target)
			s.socket(pdir, &fd, target)
		case strings.HasPrefix(target, "pipe:["):
			fd.Type = scap.FDFifo
			fd.Name = target
			fd.Ino = bracketIno(target)
		case strings.HasPrefix(target, "anon_inode:"):
			fd.Type = anonType(strings.TrimPrefix(target, "anon_inode:"))
			fd.Name = target
		case statOK && st.dir:
			fd.Type = scap.FDDirectory
			fd.Name = target
		case statOK && st.fifo:
			fd.Type = scap.FDFifo
			fd.Name = target
		default:
			fd.Type = scap.FDFileV2
			fd.Name = target
			fd.Flags = openFlags(fdinfoFlags(filepath.Join(pdir, "fdinfo", strconv.Itoa(n))))
			if statOK {
				fd.Dev = st.dev
				fd.HasDev = true
			}
		}
		out = append(out, fd)
	}
	return out
}

// bracketIno parses the inode of "socket:[123]" / "pipe:[123]".
func bracketIno(s string) uint64 {
	i := strings.IndexByte(s, '[')
	j := strings.IndexByte(s, ']')
	if i < 0 || j < i {
		return 0
	}
	v, _ := strconv.ParseUint(s[i+1:j], 10, 64)
	return v
}

// anonType maps an anon inode name to its fd type; unknown kinds are
// written as unsupported.
func anonType(name string) uint8 {
	switch strings.Trim(name, "[]") {
	case "eventfd":
		return scap.FDEvent
	case "signalfd":
		return scap.FDSignalFD
	case "eventpoll":
		return scap.FDEventPoll
	case "inotify":
		return scap.FDInotify
	case "timerfd":
		return scap.FDTimerFD
	}
	return scap.FDUnsupported
}

// fdinfoFlags reads the octal "flags:" line of /proc/PID/fdinfo/N.
func fdinfoFlags(path string) uint64 {
	var v uint64
	eachLine(path, func(line string) {
		if k, val, ok := strings.Cut(line, ":"); ok && k == "flags" {
			v, _ = strconv.ParseUint(strings.TrimSpace(val), 8, 64)
		}
	})
	return v
}

// openFlags converts open(2) flags to PPM_O_* (file_flags@0.29.3).
func openFlags(f uint64) uint32 {
	var out uint32
	switch f & 3 {
	case 0:
		out = 1
	case 1:
		out = 2
	case 2:
		out = 3
	}
	for _, b := range [...]struct {
		linux uint64
		ppm   uint32
	}{
		{0o100, 1 << 2}, {0o2000, 1 << 3}, {0o10000, 1 << 4}, {0o200, 1 << 5},
		{0o4000, 1 << 6}, {0o4000000, 1 << 7}, {0o1000, 1 << 8}, {0o40000, 1 << 9},
		{0o200000, 1 << 10}, {0o100000, 1 << 11}, {0o2000000, 1 << 12}, {0o20000000, 1 << 13},
	} {
		if f&b.linux != 0 {
			out |= b.ppm
		}
	}
	return out
}

// netTables are the sockets of one network namespace, by inode.
type netTables struct {
	inet    map[uint64]scap.FDInfo
	unix    map[uint64]scap.FDInfo
	netlink map[uint64]bool
}

// socket fills fd from the socket tables of the process's namespace.
func (s *scanner) socket(pdir string, fd *scap.FDInfo, target string) {
	nt := s.netns(pdir)
	if e, ok := nt.inet[fd.Ino]; ok {
		e.FD, e.Ino = fd.FD, fd.Ino
		*fd = e
		return
	}
	if e, ok := nt.unix[fd.Ino]; ok {
		e.FD, e.Ino = fd.FD, fd.Ino
		*fd = e
		return
	}
	if nt.netlink[fd.Ino] {
		fd.Type = scap.FDNetlink
		return
	}
	fd.Type = scap.FDUnsupported
	fd.Name = target
}

// netns returns (and caches) the socket tables seen by a process.
func (s *scanner) netns(pdir string) *netTables {
	key, err := os.Readlink(filepath.Join(pdir, "ns/net"))
	netDir := filepath.Join(pdir, "net")
	if err != nil {
		key, netDir = "", filepath.Join(s.o.Proc, "net")
	}
	// One worker reads a namespace's tables while the others wait for
	// them.
	s.mu.Lock()
	defer s.mu.Unlock()
	if nt, ok := s.nets[key]; ok {
		return nt
	}
	nt := &netTables{inet: map[uint64]scap.FDInfo{}, unix: map[uint64]scap.FDInfo{}, netlink: map[uint64]bool{}}
	for _, t := range []struct {
		file string
		l4   uint8
	}{{"tcp", l4TCP}, {"udp", l4UDP}, {"raw", l4Raw}, {"tcp6", l4TCP}, {"udp6", l4UDP}, {"raw6", l4Raw}} {
		readInet(filepath.Join(netDir, t.file), t.l4, nt.inet)
	}
	readUnix(filepath.Join(netDir, "unix"), nt.unix)
	eachRow(filepath.Join(netDir, "netlink"), false, 10, strings.Fields, func(f []string) {
		if ino, err := strconv.ParseUint(f[9], 10, 64); err == nil {
			nt.netlink[ino] = true
		}
	})
	s.nets[key] = nt
	return nt
}

// readInet parses /proc/net/{tcp,udp,raw}[6]. A socket without a remote
// end is a server socket.
func readInet(path string, l4 uint8, out map[uint64]scap.FDInfo) {
	eachRow(path, true, 10, strings.Fields, func(f []string) {
		lip, lport, ok1 := hexAddr(f[1])
		rip, rport, ok2 := hexAddr(f[2])
		ino, err := strconv.ParseUint(f[9], 10, 64)
		if !ok1 || !ok2 || err != nil || ino == 0 {
			return
		}
		v6 := len(lip) == 16
		if v6 && isV4Mapped(lip) && (isV4Mapped(rip) || isZero(rip)) {
			lip, rip, v6 = lip[12:], rip[12:], false
		}
		e := scap.FDInfo{L4Proto: l4}
		if isZero(rip) && rport == 0 {
			e.Type = scap.FDIPv4ServSock
			if v6 {
				e.Type = scap.FDIPv6ServSock
			}
			copy(e.SIP[:], lip)
			e.SPort = lport
		} else {
			e.Type = scap.FDIPv4Sock
			if v6 {
				e.Type = scap.FDIPv6Sock
			}
			copy(e.SIP[:], lip)
			copy(e.DIP[:], rip)
			e.SPort, e.DPort = lport, rport
		}
		out[ino] = e
	})
}

// hexAddr parses "0100007F:1F90": an address printed as native-endian
// 32-bit words, then a port.
func hexAddr(s string) ([]byte, uint16, bool) {
	a, p, ok := strings.Cut(s, ":")
	if !ok {
		return nil, 0, false
	}
	raw, err := hex.DecodeString(a)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return nil, 0, false
	}
	ip := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		w := binary.BigEndian.Uint32(raw[i:])
		binary.LittleEndian.PutUint32(ip[i:], w)
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return nil, 0, false
	}
	return ip, uint16(port), true
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func isV4Mapped(b []byte) bool {
	return len(b) == 16 && isZero(b[:10]) && b[10] == 0xff && b[11] == 0xff
}

// readUnix parses /proc/net/unix: the kernel address of the socket, its
// inode and its path.
func readUnix(path string, out map[uint64]scap.FDInfo) {
	eachRow(path, true, 7, strings.Fields, func(f []string) {
		src, err1 := strconv.ParseUint(strings.TrimSuffix(f[0], ":"), 16, 64)
		ino, err2 := strconv.ParseUint(f[6], 10, 64)
		if err1 != nil || err2 != nil {
			return
		}
		e := scap.FDInfo{Type: scap.FDUnixSock, Source: src}
		if len(f) > 7 {
			e.Name = f[7]
		}
		out[ino] = e
	})
}
