package synth

import (
	"encoding/binary"
	"fmt"
	"math/rand"

	"github.com/traceproj/trace/scap"
)

// P holds event parameters by name.
type P map[string]any

// Scenario emits realistic, self-consistent syscall sequences (processes
// that fork, exec, open, read, connect, ...), for comparing state tracking
// with sysdig's.
type Scenario struct {
	R   *rand.Rand
	W   *scap.Writer
	Ts  uint64
	b   scap.Builder
	err error
}

// NewScenario starts a scenario writing to w.
func NewScenario(seed int64, w *scap.Writer) *Scenario {
	return &Scenario{R: rand.New(rand.NewSource(seed)), W: w, Ts: 1700000000000000000}
}

// Err returns the first write error.
func (s *Scenario) Err() error { return s.err }

// Emit writes one event of type typ with the named parameters; parameters
// not given are zero.
func (s *Scenario) Emit(typ uint16, tid int64, p P) {
	info := scap.Info(typ)
	if info == nil {
		s.err = fmt.Errorf("unknown event type %d", typ)
		return
	}
	s.Ts += uint64(1 + s.R.Intn(50000))
	s.b.Begin(s.Ts, uint64(tid), typ)
	for i := range info.Params {
		pi := &info.Params[i]
		v := p[pi.Name]
		switch pi.Type {
		case scap.PT_INT8, scap.PT_UINT8, scap.PT_FLAGS8, scap.PT_ENUMFLAGS8, scap.PT_SIGTYPE, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
			s.b.U8(uint8(toInt(v)))
		case scap.PT_INT16, scap.PT_UINT16, scap.PT_FLAGS16, scap.PT_ENUMFLAGS16, scap.PT_PORT, scap.PT_SYSCALLID:
			s.b.U16(uint16(toInt(v)))
		case scap.PT_INT32, scap.PT_UINT32, scap.PT_FLAGS32, scap.PT_ENUMFLAGS32, scap.PT_MODE, scap.PT_UID, scap.PT_GID, scap.PT_SIGSET, scap.PT_BOOL, scap.PT_IPV4ADDR:
			s.b.U32(uint32(toInt(v)))
		case scap.PT_CHARBUF, scap.PT_FSPATH, scap.PT_FSRELPATH:
			str, _ := v.(string)
			s.b.Str(str)
		case scap.PT_BYTEBUF, scap.PT_SOCKADDR, scap.PT_SOCKTUPLE, scap.PT_FDLIST, scap.PT_DYN:
			switch bv := v.(type) {
			case []byte:
				s.b.Raw(bv)
			case string:
				s.b.Raw([]byte(bv))
			default:
				s.b.Raw(nil)
			}
		default:
			s.b.U64(uint64(toInt(v)))
		}
	}
	if err := s.W.WriteRaw(uint16(s.R.Intn(2)), 0, s.b.Finish()); err != nil && s.err == nil {
		s.err = err
	}
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

// Tuple4 encodes an IPv4 socket tuple.
func Tuple4(sip [4]byte, sport uint16, dip [4]byte, dport uint16) []byte {
	return inetTuple(2, sip[:], sport, dip[:], dport)
}

// Tuple6 encodes an IPv6 socket tuple.
func Tuple6(sip [16]byte, sport uint16, dip [16]byte, dport uint16) []byte {
	return inetTuple(10, sip[:], sport, dip[:], dport)
}

// Addr4 encodes an IPv4 sockaddr.
func Addr4(ip [4]byte, port uint16) []byte { return inetAddr(2, ip[:], port) }

// Addr6 encodes an IPv6 sockaddr.
func Addr6(ip [16]byte, port uint16) []byte { return inetAddr(10, ip[:], port) }

// inetAddr encodes family, address and port.
func inetAddr(family byte, ip []byte, port uint16) []byte {
	b := append([]byte{family}, ip...)
	return binary.LittleEndian.AppendUint16(b, port)
}

// inetTuple encodes family, source address and port, destination address
// and port.
func inetTuple(family byte, sip []byte, sport uint16, dip []byte, dport uint16) []byte {
	b := inetAddr(family, sip, sport)
	b = append(b, dip...)
	return binary.LittleEndian.AppendUint16(b, dport)
}

// UnixTuple encodes a unix socket tuple.
func UnixTuple(src, dst uint64, path string) []byte {
	b := []byte{1}
	b = binary.LittleEndian.AppendUint64(b, src)
	b = binary.LittleEndian.AppendUint64(b, dst)
	return append(append(b, path...), 0)
}

// UnixAddr encodes a unix sockaddr.
func UnixAddr(path string) []byte { return append(append([]byte{1}, path...), 0) }

// proc is a simulated process of a scenario.
type proc struct {
	pid    int64
	tids   []int64
	comm   string
	fds    map[int64]string // fd -> kind
	nextFD int64
	cwd    string
}

// RandomScenario writes a capture in which a few processes fork, exec,
// open and close files, create pipes and sockets, connect, accept, read
// and write, change directory, duplicate fds and exit, all consistently.
func RandomScenario(path string, seed int64, steps int) error {
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	g := New(seed)
	if err := w.WriteSection(g.Metadata()); err != nil {
		return err
	}
	s := NewScenario(seed, w)
	procs := []*proc{
		{pid: 100, tids: []int64{100, 101}, comm: "bash", fds: map[int64]string{0: "file", 1: "file", 3: "dir", 4: "sock", 5: "unix", 6: "pipe", 7: "serv", 8: "sock6", 9: "epoll", 10: "timer"}, nextFD: 11, cwd: "/home/alice"},
		{pid: 102, tids: []int64{102}, comm: "python3", fds: map[int64]string{3: "file"}, nextFD: 4, cwd: "/tmp"},
		{pid: 200, tids: []int64{200}, comm: "nginx", fds: map[int64]string{}, nextFD: 3, cwd: "/"},
	}
	// New processes get pids above the largest pid_max (2^22): sysdig
	// looks threads it does not know up in the running system's /proc,
	// and a real process with the same pid must not change its output.
	nextPid := int64(4200000)
	paths := []string{"/etc/passwd", "data.txt", "../up/file", "./here", "/var/log//syslog", "sub/dir/", "/tmp/x y", "rel\x01weird"}
	comms := []string{"cat", "curl", "sh", "nano", "grep"}
	ip := func(a, b, c, d byte) [4]byte { return [4]byte{a, b, c, d} }
	for i := 0; i < steps && len(procs) > 0; i++ {
		p := procs[s.R.Intn(len(procs))]
		tid := p.tids[s.R.Intn(len(p.tids))]
		newFD := func(kind string) int64 {
			fd := p.nextFD
			p.nextFD++
			p.fds[fd] = kind
			return fd
		}
		anyFD := func() int64 { // the lowest open fd: a seed makes one capture
			fd, found := int64(0), false
			for f := range p.fds {
				if !found || f < fd {
					fd, found = f, true
				}
			}
			return fd
		}
		switch s.R.Intn(18) {
		case 0: // fork a new process (parent exit first, or the child's first)
			child := nextPid
			nextPid++
			flags := uint32(0x1000000 | 0x800000) // CHILD_SETTID|CHILD_CLEARTID
			s.Emit(scap.PPME_SYSCALL_CLONE_20_E, tid, nil)
			parent := P{"res": child, "exe": p.comm, "args": "-c\x00x\x00", "tid": tid, "pid": p.pid, "ptid": 1, "cwd": p.cwd, "fdlimit": 1024, "comm": p.comm, "flags": flags, "uid": 1000, "gid": 1000, "vtid": tid, "vpid": p.pid, "cgroups": "cpu=/\x00"}
			childEv := P{"res": 0, "exe": p.comm, "args": "-c\x00x\x00", "tid": child, "pid": child, "ptid": tid, "cwd": p.cwd, "fdlimit": 1024, "comm": p.comm, "flags": flags, "uid": 1000, "gid": 1000, "vtid": child, "vpid": child, "cgroups": "cpu=/\x00"}
			if s.R.Intn(3) == 0 {
				s.Emit(scap.PPME_SYSCALL_CLONE_20_X, child, childEv)
				s.Emit(scap.PPME_SYSCALL_CLONE_20_X, tid, parent)
			} else {
				s.Emit(scap.PPME_SYSCALL_CLONE_20_X, tid, parent)
				s.Emit(scap.PPME_SYSCALL_CLONE_20_X, child, childEv)
			}
			np := &proc{pid: child, tids: []int64{child}, comm: p.comm, fds: map[int64]string{}, nextFD: p.nextFD, cwd: p.cwd}
			for k, v := range p.fds {
				np.fds[k] = v
			}
			procs = append(procs, np)
		case 1: // new thread
			nt := nextPid
			nextPid++
			flags := uint32(0x2000 | 0x1 | 0x8000 | 0x800 | 0x2) // THREAD|FILES|VM|SIGHAND|FS
			s.Emit(scap.PPME_SYSCALL_CLONE_20_E, tid, nil)
			s.Emit(scap.PPME_SYSCALL_CLONE_20_X, tid, P{"res": nt, "exe": p.comm, "tid": tid, "pid": p.pid, "ptid": 1, "cwd": p.cwd, "fdlimit": 1024, "comm": p.comm, "flags": flags, "uid": 1000, "gid": 1000, "vtid": tid, "vpid": p.pid})
			s.Emit(scap.PPME_SYSCALL_CLONE_20_X, nt, P{"res": 0, "exe": p.comm, "tid": nt, "pid": p.pid, "ptid": tid, "cwd": p.cwd, "fdlimit": 1024, "comm": p.comm, "flags": flags, "uid": 1000, "gid": 1000, "vtid": nt, "vpid": p.pid})
			p.tids = append(p.tids, nt)
		case 2: // execve
			c := comms[s.R.Intn(len(comms))]
			s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, tid, P{"filename": "/usr/bin/" + c})
			res := int64(0)
			if s.R.Intn(5) == 0 {
				res = -2
			}
			s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, tid, P{"res": res, "exe": c, "args": "--flag\x00value\x00", "tid": tid, "pid": p.pid, "ptid": 1, "cwd": p.cwd, "fdlimit": 4096, "comm": c, "cgroups": "cpu=/\x00", "env": "A=1\x00", "loginuid": 1000, "pgid": p.pid})
			if res == 0 {
				p.comm = c
				p.tids = []int64{tid}
			}
		case 3: // open / openat
			path := paths[s.R.Intn(len(paths))]
			fd := int64(-2)
			if s.R.Intn(4) != 0 {
				fd = newFD("file")
			}
			flags := uint32(1 | 4096)
			if s.R.Intn(5) == 0 {
				flags |= 1024 // O_DIRECTORY
			}
			if s.R.Intn(2) == 0 {
				s.Emit(scap.PPME_SYSCALL_OPEN_E, tid, P{"name": path, "flags": flags, "mode": 0})
				s.Emit(scap.PPME_SYSCALL_OPEN_X, tid, P{"fd": fd, "name": path, "flags": flags, "mode": 0, "dev": 0x803})
			} else {
				dirfd := int64(-100)
				if s.R.Intn(3) == 0 {
					dirfd = 3
				}
				s.Emit(scap.PPME_SYSCALL_OPENAT_2_E, tid, P{"dirfd": dirfd, "name": path, "flags": flags, "mode": 0644})
				s.Emit(scap.PPME_SYSCALL_OPENAT_2_X, tid, P{"fd": fd, "dirfd": dirfd, "name": path, "flags": flags, "mode": 0644, "dev": 1})
			}
		case 4: // close
			fd := anyFD()
			s.Emit(scap.PPME_SYSCALL_CLOSE_E, tid, P{"fd": fd})
			res := int64(0)
			if s.R.Intn(6) == 0 {
				res = -9
			} else {
				delete(p.fds, fd)
			}
			s.Emit(scap.PPME_SYSCALL_CLOSE_X, tid, P{"res": res})
		case 5: // read/write on some fd
			fd := anyFD()
			if s.R.Intn(2) == 0 {
				s.Emit(scap.PPME_SYSCALL_READ_E, tid, P{"fd": fd, "size": 100})
				s.Emit(scap.PPME_SYSCALL_READ_X, tid, P{"res": 5, "data": "hello"})
			} else {
				s.Emit(scap.PPME_SYSCALL_WRITE_E, tid, P{"fd": fd, "size": 3})
				s.Emit(scap.PPME_SYSCALL_WRITE_X, tid, P{"res": 3, "data": "abc"})
			}
		case 6: // TCP client (IPv4, IPv6, or IPv6 socket to an IPv4-mapped address)
			res := int64(0)
			if s.R.Intn(3) == 0 {
				res = -115
			}
			sport := uint16(40000 + s.R.Intn(1000))
			connect := func(sock P, addr, tuple []byte) {
				s.Emit(scap.PPME_SOCKET_SOCKET_E, tid, sock)
				fd := newFD("sock")
				s.Emit(scap.PPME_SOCKET_SOCKET_X, tid, P{"fd": fd})
				s.Emit(scap.PPME_SOCKET_CONNECT_E, tid, P{"fd": fd, "addr": addr})
				s.Emit(scap.PPME_SOCKET_CONNECT_X, tid, P{"res": res, "tuple": tuple})
			}
			switch s.R.Intn(3) {
			case 0:
				connect(P{"domain": 2, "type": uint32(1 | 0x80000), "proto": 0},
					Addr4(ip(93, 184, 216, 34), 80), Tuple4(ip(10, 0, 0, 5), sport, ip(93, 184, 216, 34), 80))
			case 1:
				a := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 5}
				z := [16]byte{0x26, 0x06, 0x28, 0x00, 15: 0x34}
				connect(P{"domain": 10, "type": 1, "proto": 6}, Addr6(z, 443), Tuple6(a, sport, z, 443))
			default:
				m1 := [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 5}
				m2 := [16]byte{10: 0xff, 11: 0xff, 12: 93, 13: 184, 14: 216, 15: 34}
				connect(P{"domain": 10, "type": 1, "proto": 0}, Addr6(m2, 80), Tuple6(m1, sport, m2, 80))
			}
		case 7: // UDP sendto / recvfrom
			s.Emit(scap.PPME_SOCKET_SOCKET_E, tid, P{"domain": 2, "type": 2, "proto": 0})
			fd := newFD("udp")
			s.Emit(scap.PPME_SOCKET_SOCKET_X, tid, P{"fd": fd})
			s.Emit(scap.PPME_SOCKET_SENDTO_E, tid, P{"fd": fd, "size": 4, "tuple": Tuple4(ip(0, 0, 0, 0), 5353, ip(8, 8, 8, 8), 53)})
			s.Emit(scap.PPME_SOCKET_SENDTO_X, tid, P{"res": 4, "data": "ping"})
			s.Emit(scap.PPME_SOCKET_RECVFROM_E, tid, P{"fd": fd, "size": 512})
			s.Emit(scap.PPME_SOCKET_RECVFROM_X, tid, P{"res": 4, "data": "pong", "tuple": Tuple4(ip(8, 8, 8, 8), 53, ip(10, 0, 0, 5), 5353)})
		case 8: // server: socket, bind, listen, accept (IPv4 or IPv6)
			v6 := s.R.Intn(2) == 0
			domain := uint32(2)
			addr := Addr4(ip(0, 0, 0, 0), 8080)
			if v6 {
				domain = 10
				addr = append([]byte{10}, make([]byte, 18)...)
				binary.LittleEndian.PutUint16(addr[17:], 8443)
			}
			s.Emit(scap.PPME_SOCKET_SOCKET_E, tid, P{"domain": domain, "type": 1, "proto": 6})
			fd := newFD("serv")
			s.Emit(scap.PPME_SOCKET_SOCKET_X, tid, P{"fd": fd})
			s.Emit(scap.PPME_SOCKET_BIND_E, tid, P{"fd": fd})
			s.Emit(scap.PPME_SOCKET_BIND_X, tid, P{"res": 0, "addr": addr})
			s.Emit(scap.PPME_SOCKET_LISTEN_E, tid, P{"fd": fd, "backlog": 128})
			s.Emit(scap.PPME_SOCKET_LISTEN_X, tid, P{"res": 0})
			s.Emit(scap.PPME_SOCKET_ACCEPT4_5_E, tid, P{"flags": 0})
			nfd := newFD("sock")
			s.Emit(scap.PPME_SOCKET_ACCEPT4_5_X, tid, P{"fd": nfd, "tuple": Tuple4(ip(10, 0, 0, 9), 51000, ip(10, 0, 0, 5), 8080), "queuepct": 0, "queuelen": 0, "queuemax": 128})
		case 9: // pipe
			s.Emit(scap.PPME_SYSCALL_PIPE_E, tid, nil)
			a, b := newFD("pipe"), newFD("pipe")
			s.Emit(scap.PPME_SYSCALL_PIPE_X, tid, P{"res": 0, "fd1": a, "fd2": b, "ino": 4242})
		case 10: // dup / dup2
			fd := anyFD()
			s.Emit(scap.PPME_SYSCALL_DUP_E, tid, P{"fd": fd})
			nfd := int64(s.R.Intn(3))
			if s.R.Intn(2) == 0 {
				nfd = newFD(p.fds[fd])
			}
			s.Emit(scap.PPME_SYSCALL_DUP_X, tid, P{"res": nfd})
		case 11: // fcntl F_DUPFD
			fd := anyFD()
			s.Emit(scap.PPME_SYSCALL_FCNTL_E, tid, P{"fd": fd, "cmd": 1})
			s.Emit(scap.PPME_SYSCALL_FCNTL_X, tid, P{"res": newFD(p.fds[fd])})
		case 12: // chdir
			path := paths[s.R.Intn(len(paths))]
			s.Emit(scap.PPME_SYSCALL_CHDIR_E, tid, nil)
			s.Emit(scap.PPME_SYSCALL_CHDIR_X, tid, P{"res": 0, "path": path})
		case 13: // fchdir to an open fd
			fd := anyFD()
			s.Emit(scap.PPME_SYSCALL_FCHDIR_E, tid, P{"fd": fd})
			s.Emit(scap.PPME_SYSCALL_FCHDIR_X, tid, P{"res": 0})
		case 14: // unix socket connect
			s.Emit(scap.PPME_SOCKET_SOCKET_E, tid, P{"domain": 1, "type": 1, "proto": 0})
			fd := newFD("unix")
			s.Emit(scap.PPME_SOCKET_SOCKET_X, tid, P{"fd": fd})
			s.Emit(scap.PPME_SOCKET_CONNECT_E, tid, P{"fd": fd, "addr": UnixAddr("/run/app.sock")})
			s.Emit(scap.PPME_SOCKET_CONNECT_X, tid, P{"res": 0, "tuple": UnixTuple(0xffff8880aaaa0000, 0xffff8880bbbb0000, "/run/app.sock")})
		case 15: // thread or process exit
			s.Emit(scap.PPME_PROCEXIT_1_E, tid, P{"status": 0, "ret": 0, "sig": 0, "core": 0})
			if len(p.tids) > 1 {
				for j, t := range p.tids {
					if t == tid {
						p.tids = append(p.tids[:j], p.tids[j+1:]...)
						break
					}
				}
			} else {
				for j, q := range procs {
					if q == p {
						procs = append(procs[:j], procs[j+1:]...)
						break
					}
				}
			}
		case 16: // eventfd, signalfd, inotify, timerfd
			s.Emit(scap.PPME_SYSCALL_EVENTFD_E, tid, P{"initval": 0, "flags": 0})
			s.Emit(scap.PPME_SYSCALL_EVENTFD_X, tid, P{"res": newFD("event")})
			s.Emit(scap.PPME_SYSCALL_INOTIFY_INIT_E, tid, P{"flags": 0})
			s.Emit(scap.PPME_SYSCALL_INOTIFY_INIT_X, tid, P{"res": newFD("inotify")})
		case 17: // something that uses an fd: fstat-like generic path, mmap with fd
			fd := anyFD()
			s.Emit(scap.PPME_SYSCALL_MMAP_E, tid, P{"addr": 0, "length": 4096, "prot": 1, "flags": 2, "fd": fd, "offset": 0})
			s.Emit(scap.PPME_SYSCALL_MMAP_X, tid, P{"res": int64(0x7f0000000000), "vm_size": 100, "vm_rss": 10, "vm_swap": 0})
		}
	}
	if s.err != nil {
		return s.err
	}
	return w.Close()
}
