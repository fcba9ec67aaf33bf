package state

import (
	"github.com/traceproj/trace/scap"
)

// Socket-level constants used when classifying sockets.
const (
	afUnix    = 1
	afInet    = 2
	afInet6   = 10
	afNetlink = 16

	sockStream = 1
	sockDgram  = 2
	sockRaw    = 3

	ipprotoIP   = 0
	ipprotoICMP = 1
	ipprotoTCP  = 6
	ipprotoUDP  = 17
	ipprotoRaw  = 255

	ppmODirectory = 1 << 10
	atFDCWD       = -100
	rlimitNoFile  = 7
	fcntlDupFD    = 1
	fcntlDupFDCX  = 26
	einprogress   = 115
)

func p64(ev *scap.Event, i int) (int64, bool) {
	p := ev.Param(i)
	if len(p) < 8 {
		return 0, false
	}
	return int64(le64(p)), true
}

func p32(ev *scap.Event, i int) (uint32, bool) {
	p := ev.Param(i)
	if len(p) < 4 {
		return 0, false
	}
	return le32(p), true
}

// pstr returns a string parameter up to its first NUL.
func pstr(ev *scap.Event, i int) string {
	p := ev.Param(i)
	for j, c := range p {
		if c == 0 {
			return string(p[:j])
		}
	}
	return string(p)
}

// parse routes an event to the handler that applies its effect on state.
func (e *Engine) parse(ev *Event) {
	switch ev.Type {
	case scap.PPME_SOCKET_SENDTO_E:
		if ev.FD == nil && ev.Thread != nil {
			e.inferSendtoFD(ev)
		}
		e.storeEnter(ev)
	case scap.PPME_SYSCALL_OPEN_E, scap.PPME_SOCKET_SOCKET_E, scap.PPME_SYSCALL_EVENTFD_E,
		scap.PPME_SYSCALL_CHDIR_E, scap.PPME_SYSCALL_FCHDIR_E, scap.PPME_SYSCALL_CREAT_E,
		scap.PPME_SYSCALL_OPENAT_E, scap.PPME_SOCKET_SHUTDOWN_E, scap.PPME_SYSCALL_GETRLIMIT_E,
		scap.PPME_SYSCALL_SETRLIMIT_E, scap.PPME_SYSCALL_PRLIMIT_E, scap.PPME_SOCKET_SENDMSG_E,
		scap.PPME_SYSCALL_SENDFILE_E, scap.PPME_SYSCALL_SETRESUID_E, scap.PPME_SYSCALL_SETRESGID_E,
		scap.PPME_SYSCALL_SETUID_E, scap.PPME_SYSCALL_SETGID_E, scap.PPME_SYSCALL_EXECVE_18_E,
		scap.PPME_SYSCALL_EXECVE_19_E, scap.PPME_SYSCALL_SETPGID_E, scap.PPME_SYSCALL_EXECVEAT_E,
		scap.PPME_SYSCALL_UNSHARE_E, scap.PPME_SYSCALL_SETNS_E, scap.PPME_SYSCALL_OPENAT_2_E,
		scap.PPME_SYSCALL_OPENAT2_E:
		e.storeEnter(ev)
	case scap.PPME_SYSCALL_FCNTL_E:
		if ev.Thread != nil {
			if p := ev.Param(1); len(p) >= 1 && (p[0] == fcntlDupFD || p[0] == fcntlDupFDCX) {
				e.storeEnter(ev)
			}
		}
	case scap.PPME_SYSCALL_CLOSE_E:
		if ev.Thread != nil {
			if f := e.GetFD(ev.Thread, ev.Thread.lastEventFD); f != nil {
				ev.FD = f
				f.Flags |= FDCloseInProgress
			}
		}
	case scap.PPME_SYSCALL_READ_X, scap.PPME_SYSCALL_WRITE_X, scap.PPME_SOCKET_RECV_X,
		scap.PPME_SOCKET_SEND_X, scap.PPME_SOCKET_RECVFROM_X, scap.PPME_SOCKET_RECVMSG_X,
		scap.PPME_SOCKET_SENDTO_X, scap.PPME_SOCKET_SENDMSG_X, scap.PPME_SYSCALL_READV_X,
		scap.PPME_SYSCALL_WRITEV_X, scap.PPME_SYSCALL_PREAD_X, scap.PPME_SYSCALL_PWRITE_X,
		scap.PPME_SYSCALL_PREADV_X, scap.PPME_SYSCALL_PWRITEV_X:
		e.parseRWExit(ev)
	case scap.PPME_SYSCALL_OPEN_X, scap.PPME_SYSCALL_CREAT_X, scap.PPME_SYSCALL_OPENAT_X,
		scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X:
		e.parseOpenExit(ev)
	case scap.PPME_SYSCALL_CLONE_11_X, scap.PPME_SYSCALL_CLONE_16_X, scap.PPME_SYSCALL_CLONE_17_X,
		scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_FORK_X, scap.PPME_SYSCALL_FORK_17_X,
		scap.PPME_SYSCALL_FORK_20_X, scap.PPME_SYSCALL_VFORK_X, scap.PPME_SYSCALL_VFORK_17_X,
		scap.PPME_SYSCALL_VFORK_20_X, scap.PPME_SYSCALL_CLONE3_X:
		e.parseCloneExit(ev)
	case scap.PPME_SYSCALL_EXECVE_8_X, scap.PPME_SYSCALL_EXECVE_13_X, scap.PPME_SYSCALL_EXECVE_14_X,
		scap.PPME_SYSCALL_EXECVE_15_X, scap.PPME_SYSCALL_EXECVE_16_X, scap.PPME_SYSCALL_EXECVE_17_X,
		scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		e.parseExecveExit(ev)
	case scap.PPME_PROCEXIT_E, scap.PPME_PROCEXIT_1_E:
		if ev.Thread != nil {
			ev.Thread.Flags |= CloneClosed
			e.tidToRemove = int64(ev.Tid)
		}
	case scap.PPME_SYSCALL_PIPE_X:
		e.parsePipeExit(ev)
	case scap.PPME_SOCKET_SOCKET_X:
		e.parseSocketExit(ev)
	case scap.PPME_SOCKET_BIND_X:
		e.parseBindExit(ev)
	case scap.PPME_SOCKET_CONNECT_E:
		e.parseConnectEnter(ev)
	case scap.PPME_SOCKET_CONNECT_X:
		e.parseConnectExit(ev)
	case scap.PPME_SOCKET_ACCEPT_X, scap.PPME_SOCKET_ACCEPT_5_X, scap.PPME_SOCKET_ACCEPT4_X,
		scap.PPME_SOCKET_ACCEPT4_5_X:
		e.parseAcceptExit(ev)
	case scap.PPME_SYSCALL_CLOSE_X:
		e.parseCloseExit(ev)
	case scap.PPME_SYSCALL_FCNTL_X:
		e.parseFcntlExit(ev)
	case scap.PPME_SYSCALL_EVENTFD_X:
		e.singleFDExit(ev, scap.FDEvent)
	case scap.PPME_SYSCALL_SIGNALFD_X:
		e.singleFDExit(ev, scap.FDSignalFD)
	case scap.PPME_SYSCALL_TIMERFD_CREATE_X:
		e.singleFDExit(ev, scap.FDTimerFD)
	case scap.PPME_SYSCALL_INOTIFY_INIT_X:
		e.singleFDExit(ev, scap.FDInotify)
	case scap.PPME_SYSCALL_USERFAULTFD_X:
		e.singleFDExit(ev, scap.FDUserfaultFD)
	case scap.PPME_SYSCALL_CHDIR_X:
		if ev.Thread != nil {
			if r, ok := p64(ev.Event, 0); ok && r >= 0 {
				e.setCwd(ev.Thread, pstr(ev.Event, 1))
			}
		}
	case scap.PPME_SYSCALL_FCHDIR_X:
		if r, ok := p64(ev.Event, 0); ok && r >= 0 && ev.FD != nil && ev.Thread != nil {
			e.setCwd(ev.Thread, ev.FD.Name)
		}
	case scap.PPME_SYSCALL_GETCWD_X:
		if r, ok := p64(ev.Event, 0); ok && r >= 0 && ev.Thread != nil {
			e.setCwd(ev.Thread, pstr(ev.Event, 1))
		}
	case scap.PPME_SYSCALL_DUP_X:
		e.parseDupExit(ev)
	case scap.PPME_SYSCALL_GETRLIMIT_X, scap.PPME_SYSCALL_SETRLIMIT_X:
		e.parseRlimitExit(ev, 0)
	case scap.PPME_SYSCALL_PRLIMIT_X:
		e.parseRlimitExit(ev, 1)
	case scap.PPME_SOCKET_SOCKETPAIR_X:
		e.parseSocketpairExit(ev)
	case scap.PPME_SCHEDSWITCH_6_E:
		e.parseContextSwitch(ev)
	case scap.PPME_SYSCALL_BRK_4_X, scap.PPME_SYSCALL_MMAP_X, scap.PPME_SYSCALL_MMAP2_X,
		scap.PPME_SYSCALL_MUNMAP_X:
		if t := ev.Thread; t != nil {
			if v, ok := p32(ev.Event, 1); ok {
				t.VMSize = v
			}
			if v, ok := p32(ev.Event, 2); ok {
				t.VMRSS = v
			}
			if v, ok := p32(ev.Event, 3); ok {
				t.VMSwap = v
			}
		}
	case scap.PPME_SYSCALL_SETRESUID_X:
		e.parseSetID(ev, 1, true, true)
	case scap.PPME_SYSCALL_SETRESGID_X:
		e.parseSetID(ev, 1, false, true)
	case scap.PPME_SYSCALL_SETUID_X:
		e.parseSetID(ev, 0, true, false)
	case scap.PPME_SYSCALL_SETGID_X:
		e.parseSetID(ev, 0, false, false)
	case scap.PPME_CONTAINER_E:
		e.Containers.parseOld(ev)
	case scap.PPME_CONTAINER_JSON_E, scap.PPME_CONTAINER_JSON_2_E:
		e.parseContainerJSON(ev)
	case scap.PPME_SYSCALL_CHROOT_X:
		e.parseChrootExit(ev)
	case scap.PPME_SYSCALL_SETSID_X:
		if r, ok := p64(ev.Event, 0); ok && r >= 0 && ev.Thread != nil {
			ev.Thread.Sid = r
		}
	case scap.PPME_SOCKET_GETSOCKOPT_X:
		if ev.NumParams() > 1 && ev.Thread != nil {
			if fd, ok := p64(ev.Event, 1); ok {
				ev.FD = e.GetFD(e.MainThread(ev.Thread), fd)
				ev.Thread.lastEventFD = fd
				ev.FDNum = fd
			}
		}
	}
}

func (e *Engine) parseOpenExit(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	enter := e.enterOf(ev)
	fd, ok := p64(ev.Event, 0)
	if !ok {
		return
	}
	var name string
	var rawName []byte // the parameter as stored, NUL included
	var flags, dev uint32
	var sdir string
	np := ev.NumParams()
	switch ev.Type {
	case scap.PPME_SYSCALL_OPEN_X:
		name, rawName = pstr(ev.Event, 1), ev.Event.Param(1)
		flags, _ = p32(ev.Event, 2)
		if np > 4 {
			dev, _ = p32(ev.Event, 4)
		}
		// The enter event's path was read before the call: prefer it.
		if enter != nil && enter.NumParams() >= 2 && len(enter.Param(0)) != 0 {
			name, rawName = pstr(enter, 0), enter.Param(0)
			flags, _ = p32(enter, 1)
		}
		sdir = e.Cwd(t)
	case scap.PPME_SYSCALL_CREAT_X:
		name, rawName = pstr(ev.Event, 1), ev.Event.Param(1)
		if np > 3 {
			dev, _ = p32(ev.Event, 3)
		}
		if enter != nil && enter.NumParams() >= 1 && len(enter.Param(0)) != 0 {
			name, rawName = pstr(enter, 0), enter.Param(0)
		}
		sdir = e.Cwd(t)
	case scap.PPME_SYSCALL_OPENAT_X:
		if enter == nil {
			return
		}
		name, rawName = pstr(enter, 1), enter.Param(1)
		flags, _ = p32(enter, 2)
		dirfd, _ := p64(enter, 0)
		sdir = e.openatDir(ev, name, dirfd)
	case scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X:
		name, rawName = pstr(ev.Event, 2), ev.Event.Param(2)
		flags, _ = p32(ev.Event, 3)
		dirfd, _ := p64(ev.Event, 1)
		if ev.Type == scap.PPME_SYSCALL_OPENAT_2_X && np > 5 {
			dev, _ = p32(ev.Event, 5)
		}
		if enter != nil && enter.NumParams() >= 3 && len(enter.Param(1)) != 0 {
			name, rawName = pstr(enter, 1), enter.Param(1)
			flags, _ = p32(enter, 2)
			dirfd, _ = p64(enter, 0)
		}
		sdir = e.openatDir(ev, name, dirfd)
	}
	// sinsp sees the path with its terminating NUL: an empty path is
	// relative and names the directory itself.
	full, _ := ConcatPaths(sdir, name)
	if len(rawName) > 0 && name == "" {
		full, _ = ConcatPaths(sdir, ".")
	}
	if fd >= 0 {
		f := &FD{Type: scap.FDFileV2, OpenFlags: flags, Dev: dev, Name: full}
		if flags&ppmODirectory != 0 {
			f.Type = scap.FDDirectory
		}
		ev.FD = e.addFD(t, fd, f)
		ev.FDNum = fd
	}
}

// openatDir returns the directory a *at() path is relative to.
func (e *Engine) openatDir(ev *Event, name string, dirfd int64) string {
	if len(name) > 0 && name[0] == '/' {
		return "."
	}
	if dirfd == atFDCWD {
		return e.Cwd(ev.Thread)
	}
	f := e.GetFD(ev.Thread, dirfd)
	ev.FD = f
	if f == nil {
		return "<UNKNOWN>"
	}
	return f.Name + "/"
}

func (e *Engine) addSocket(ev *Event, fd int64, domain, typ, proto uint32) {
	f := &FD{Type: scap.FDUnknown}
	switch domain {
	case afUnix:
		f.Type = scap.FDUnixSock
	case afInet, afInet6:
		l4 := uint8(L4Unknown)
		switch proto {
		case ipprotoTCP:
			l4 = L4TCP
			if typ == sockRaw {
				l4 = L4Raw
			}
		case ipprotoUDP:
			l4 = L4UDP
			if typ == sockRaw {
				l4 = L4Raw
			}
		case ipprotoIP:
			switch typ & 0xff {
			case sockStream:
				l4 = L4TCP
			case sockDgram:
				l4 = L4UDP
			}
		case ipprotoICMP:
			l4 = L4ICMP
			if typ == sockRaw {
				l4 = L4Raw
			}
		case ipprotoRaw:
			l4 = L4Raw
		}
		if domain == afInet {
			f.Type = scap.FDIPv4Sock
			f.SetV4L4(l4)
		} else {
			f.Type = scap.FDIPv6Sock
			f.SetV6L4(l4)
		}
	case afNetlink:
		f.Type = scap.FDNetlink
	}
	ev.FD = e.addFD(ev.Thread, fd, f)
	ev.FDNum = fd
}

func (e *Engine) inferSendtoFD(ev *Event) {
	fd, ok := p64(ev.Event, 0)
	if !ok || fd < 0 {
		return
	}
	p := ev.Param(2)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet:
		e.addSocket(ev, fd, afInet, sockDgram, ipprotoUDP)
	case afInet6:
		e.addSocket(ev, fd, afInet6, sockDgram, ipprotoUDP)
	}
}

func (e *Engine) parseSocketExit(ev *Event) {
	fd, ok := p64(ev.Event, 0)
	if !ok || fd < 0 || ev.Thread == nil {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	domain, _ := p32(enter, 0)
	typ, _ := p32(enter, 1)
	proto, _ := p32(enter, 2)
	e.addSocket(ev, fd, domain, typ, proto)
}

// isV4Mapped reports whether a 16-byte address is an IPv4-mapped one
// (::ffff:a.b.c.d), or all zeros, which sysdig takes as IPv4 too.
func isV4Mapped(b []byte) bool {
	for i := 0; i < 10; i++ {
		if b[i] != 0 {
			return false
		}
	}
	if b[10] == 0xff && b[11] == 0xff {
		return true
	}
	for i := 10; i < 16; i++ {
		if b[i] != 0 {
			return false
		}
	}
	return true
}

func (f *FD) setRole(server bool) {
	f.Flags &^= FDRoleClient | FDRoleServer
	if server {
		f.Flags |= FDRoleServer
	} else {
		f.Flags |= FDRoleClient
	}
}

func (e *Engine) parseBindExit(ev *Event) {
	f := ev.FD
	if f == nil {
		return
	}
	if r, ok := p64(ev.Event, 0); !ok || r < 0 {
		return
	}
	p := ev.Param(1)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet:
		if len(p) >= 7 {
			port := le16(p[5:])
			if port > 0 {
				l4 := f.V4L4()
				f.Type = scap.FDIPv4ServSock
				copy(f.Sock[sv4IP:], p[1:5])
				f.setU16(sv4Port, port)
				f.Sock[sv4L4] = l4
				f.setRole(true)
			}
		}
	case afInet6:
		if len(p) >= 19 {
			port := le16(p[17:])
			if port > 0 {
				l4 := f.V6L4()
				if isV4Mapped(p[1:17]) {
					f.Type = scap.FDIPv4ServSock
					f.Sock[sv4L4] = l4
					copy(f.Sock[sv4IP:], p[13:17])
					f.setU16(sv4Port, port)
				} else {
					f.Type = scap.FDIPv6ServSock
					f.setU16(sv6Port, port)
					copy(f.Sock[sv6IP:], p[1:17])
					f.Sock[sv6L4] = l4
				}
				f.setRole(true)
			}
		}
	}
	f.Name = e.paramSimple(ev, ev.Event, 1)
}

// setV4 stores a v4 tuple in f; it reports whether anything changed.
func setV4(f *FD, sip, dip []byte, sport, dport uint16) bool {
	if f.Type == scap.FDIPv4Sock {
		same := string(f.V4SIP()) == string(sip) && f.V4SPort() == sport && string(f.V4DIP()) == string(dip) && f.V4DPort() == dport
		swapped := string(f.V4SIP()) == string(dip) && f.V4SPort() == dport && string(f.V4DIP()) == string(sip) && f.V4DPort() == sport
		if same || swapped {
			return false
		}
	}
	f.setV4Tuple(sip, dip, sport, dport)
	return true
}

func setV6(f *FD, sip, dip []byte, sport, dport uint16) bool {
	if f.Type == scap.FDIPv6Sock {
		same := string(f.V6SIP()) == string(sip) && f.V6SPort() == sport && string(f.V6DIP()) == string(dip) && f.V6DPort() == dport
		swapped := string(f.V6SIP()) == string(dip) && f.V6SPort() == dport && string(f.V6DIP()) == string(sip) && f.V6DPort() == sport
		if same || swapped {
			return false
		}
	}
	f.setV6Tuple(sip, dip, sport, dport)
	return true
}

func swapAddrs(f *FD) {
	if f.Type == scap.FDIPv4Sock {
		var sip, dip [4]byte
		copy(sip[:], f.V4SIP())
		copy(dip[:], f.V4DIP())
		f.setV4Tuple(dip[:], sip[:], f.V4DPort(), f.V4SPort())
		return
	}
	var sip, dip [16]byte
	copy(sip[:], f.V6SIP())
	copy(dip[:], f.V6DIP())
	f.setV6Tuple(dip[:], sip[:], f.V6DPort(), f.V6SPort())
}

func (f *FD) roleNone() bool { return f.Flags&(FDRoleClient|FDRoleServer) == 0 }

// parseConnectEnter records the destination before the call completes;
// unix sockets get their name here.
func (e *Engine) parseConnectEnter(ev *Event) {
	f := ev.FD
	if f == nil {
		return
	}
	p := ev.Param(1)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet:
		if len(p) >= 7 {
			f.Type = scap.FDIPv4Sock
			copy(f.Sock[v4DIP:], p[1:5])
			f.setU16(v4DPort, le16(p[5:]))
		}
	case afInet6:
		if len(p) >= 19 {
			port := le16(p[17:])
			if isV4Mapped(p[1:17]) {
				f.Type = scap.FDIPv4Sock
				copy(f.Sock[v4DIP:], p[13:17])
				f.setU16(v4DPort, port)
			} else {
				f.Type = scap.FDIPv6Sock
				f.setU16(v6DPort, port)
				copy(f.Sock[v6DIP:], p[1:17])
			}
		}
	default:
		f.Name = e.paramSimple(ev, ev.Event, 1)
		if len(p) >= 17 {
			f.setUnix(le64(p[1:]), le64(p[9:]))
		}
	}
}

func (e *Engine) parseConnectExit(ev *Event) {
	f := ev.FD
	if f == nil {
		return
	}
	r, ok := p64(ev.Event, 0)
	if !ok {
		return
	}
	if r < 0 && r != -einprogress {
		return
	}
	f.Flags |= FDSocketConnected
	p := ev.Param(1)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet, afInet6:
		changed := false
		if p[0] == afInet6 {
			if len(p) < 37 {
				return
			}
			if !(isV4Mapped(p[1:17]) && isV4Mapped(p[19:35])) {
				f.Type = scap.FDIPv6Sock
				changed = setV6(f, p[1:17], p[19:35], le16(p[17:]), le16(p[35:]))
			} else {
				f.Type = scap.FDIPv4Sock
				changed = setV4(f, p[13:17], p[31:35], le16(p[17:]), le16(p[35:]))
			}
		} else {
			if len(p) < 13 {
				return
			}
			f.Type = scap.FDIPv4Sock
			changed = setV4(f, p[1:5], p[7:11], le16(p[5:]), le16(p[11:]))
		}
		if changed && f.Flags&FDRoleServer != 0 && f.isUDP() {
			swapAddrs(f)
		}
		f.Name = sockinfoToStr(f, ResolvePorts)
	default:
		f.Name = e.paramSimple(ev, ev.Event, 1)
		if p[0] == afUnix && len(p) >= 17 {
			f.setUnix(le64(p[1:]), le64(p[9:]))
		}
	}
	if f.roleNone() {
		f.Flags |= FDRoleClient
	}
}

func (f *FD) isUDP() bool {
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		return f.L4() == L4UDP
	}
	return false
}

func (f *FD) isTCP() bool {
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		return f.L4() == L4TCP
	}
	return false
}

func (e *Engine) parseAcceptExit(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	fd, ok := p64(ev.Event, 0)
	if !ok || fd < 0 {
		return
	}
	t.lastEventFD = fd
	p := ev.Param(1)
	if len(p) == 0 {
		return
	}
	f := &FD{}
	switch p[0] {
	case afInet:
		if len(p) < 13 {
			return
		}
		f.setV4Tuple(p[1:5], p[7:11], le16(p[5:]), le16(p[11:]))
		f.Type = scap.FDIPv4Sock
		f.SetV4L4(L4TCP)
	case afInet6:
		if len(p) < 37 {
			return
		}
		if isV4Mapped(p[1:17]) && isV4Mapped(p[19:35]) {
			f.setV4Tuple(p[13:17], p[31:35], le16(p[17:]), le16(p[35:]))
			f.Type = scap.FDIPv4Sock
			f.SetV4L4(L4TCP)
		} else {
			f.setV6Tuple(p[1:17], p[19:35], le16(p[17:]), le16(p[35:]))
			f.Type = scap.FDIPv6Sock
			f.SetV6L4(L4TCP)
		}
	case afUnix:
		if len(p) < 17 {
			return
		}
		f.Type = scap.FDUnixSock
		f.setUnix(le64(p[1:]), le64(p[9:]))
	default:
		return
	}
	// The name renders the tuple with the new fd as the event's fd.
	ev.FD = f
	f.Name = e.paramSimple(ev, ev.Event, 1)
	f.Flags = FDRoleServer | FDSocketConnected
	ev.FD = e.addFD(t, fd, f)
	ev.FDNum = fd
}

func (e *Engine) parseCloseExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok {
		return
	}
	if r >= 0 {
		if ev.FD == nil || ev.Thread == nil {
			return
		}
		e.fdRemoveTid = ev.Thread.Tid
		e.fdsToRemove = append(e.fdsToRemove, ev.Thread.lastEventFD)
		return
	}
	if ev.FD != nil {
		ev.FD.Flags &^= FDCloseInProgress
	}
}

func (e *Engine) parsePipeExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 || ev.Thread == nil {
		return
	}
	fd1, _ := p64(ev.Event, 1)
	fd2, _ := p64(ev.Event, 2)
	ino, _ := p64(ev.Event, 3)
	ev.FD = e.addFD(ev.Thread, fd1, &FD{Type: scap.FDFifo, Ino: uint64(ino)})
	ev.FD = e.addFD(ev.Thread, fd2, &FD{Type: scap.FDFifo, Ino: uint64(ino)})
}

func (e *Engine) parseSocketpairExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 || ev.Thread == nil {
		return
	}
	fd1, _ := p64(ev.Event, 1)
	fd2, _ := p64(ev.Event, 2)
	src, _ := p64(ev.Event, 3)
	dst, _ := p64(ev.Event, 4)
	f1 := &FD{Type: scap.FDUnixSock}
	f1.setUnix(uint64(src), uint64(dst))
	f2 := *f1
	ev.FD = e.addFD(ev.Thread, fd1, f1)
	e.addFD(ev.Thread, fd2, &f2)
}

func (e *Engine) singleFDExit(ev *Event, typ uint8) {
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 || ev.Thread == nil {
		return
	}
	ev.FD = e.addFD(ev.Thread, r, &FD{Type: typ})
	ev.FDNum = r
}

func (e *Engine) parseDupExit(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 {
		return
	}
	if ev.FD == nil {
		return
	}
	cp := *ev.FD
	ev.FD = e.addFD(t, r, &cp)
}

func (e *Engine) parseFcntlExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok {
		return
	}
	if e.enterOf(ev) == nil {
		return
	}
	if r >= 0 && ev.FD != nil {
		cp := *ev.FD
		ev.FD = e.addFD(ev.Thread, r, &cp)
	}
}

func (e *Engine) parseRlimitExit(ev *Event, resParam int) {
	t := ev.Thread
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 {
		return
	}
	if resParam == 0 && t == nil {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	res := enter.Param(resParam)
	if len(res) < 1 || res[0] != rlimitNoFile {
		return
	}
	cur, ok := p64(ev.Event, 1)
	if !ok || cur == -1 {
		return
	}
	target := t
	if resParam == 1 {
		tid, _ := p64(enter, 0)
		target = e.getThread(tid, true)
		if target == nil {
			return
		}
	}
	if mt := e.MainThread(target); mt != nil {
		mt.FDLimit = cur
	}
}

func (e *Engine) parseContextSwitch(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	if v, ok := p64(ev.Event, 1); ok {
		t.PFMajor = uint64(v)
	}
	if v, ok := p64(ev.Event, 2); ok {
		t.PFMinor = uint64(v)
	}
	if mt := e.MainThread(t); mt != nil {
		if v, ok := p32(ev.Event, 3); ok {
			mt.VMSize = v
		}
		if v, ok := p32(ev.Event, 4); ok {
			mt.VMRSS = v
		}
		if v, ok := p32(ev.Event, 5); ok {
			mt.VMSwap = v
		}
	}
}

func (e *Engine) parseSetID(ev *Event, param int, uid, checkMax bool) {
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	v, ok := p32(enter, param)
	if !ok {
		return
	}
	if checkMax && v == 0xffffffff {
		return
	}
	if ev.Thread == nil {
		return
	}
	if uid {
		ev.Thread.UID = v
	} else {
		ev.Thread.GID = v
	}
}

func (e *Engine) parseChrootExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok || r != 0 || ev.Thread == nil {
		return
	}
	path := pstr(ev.Event, 1)
	root := path
	if len(path) == 0 || path[0] != '/' {
		if full, rel := ConcatPaths(e.Cwd(ev.Thread), path); rel {
			root = full
		}
	}
	ev.Thread.Root = root
	e.Containers.resolve(ev.Thread)
}

// parseRWExit keeps datagram sockets' addresses up to date from the tuples
// of sendto/recvfrom-like calls.
func (e *Engine) parseRWExit(ev *Event) {
	f := ev.FD
	if f == nil {
		return
	}
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 {
		return
	}
	if f.Type == scap.FDIPv4Sock || f.Type == scap.FDIPv6Sock {
		f.Flags |= FDSocketConnected
	}
	reads := ev.Info.Flags&scap.EF_READS_FROM_FD != 0
	tupleParam := -1
	var src *scap.Event
	if reads {
		switch ev.Type {
		case scap.PPME_SOCKET_RECVFROM_X:
			tupleParam = 2
		case scap.PPME_SOCKET_RECVMSG_X:
			tupleParam = 3
		}
		src = ev.Event
	} else if ev.Type == scap.PPME_SOCKET_SENDTO_X || ev.Type == scap.PPME_SOCKET_SENDMSG_X {
		tupleParam = 2
	}
	if tupleParam < 0 || !(len(f.Name) == 0 || !f.isTCP()) {
		return
	}
	if !reads {
		src = e.enterOf(ev)
		if src == nil {
			return
		}
	}
	if !e.updateFD(f, src.Param(tupleParam)) {
		return
	}
	if f.Type == scap.FDIPv4Sock || f.Type == scap.FDIPv6Sock {
		if f.roleNone() {
			e.guessRole(ev.Thread, f, reads)
		}
		if reads && f.Flags&FDRoleClient != 0 {
			swapAddrs(f)
		}
		if !reads && f.Flags&FDRoleServer != 0 {
			swapAddrs(f)
		}
		f.Name = sockinfoToStr(f, ResolvePorts)
	} else {
		f.Name = e.paramSimple(ev, src, tupleParam)
	}
}

// updateFD applies a tuple to a socket whose address may change; it
// reports whether it did.
func (e *Engine) updateFD(f *FD, p []byte) bool {
	if len(p) == 0 {
		return false
	}
	switch p[0] {
	case afInet:
		if len(p) < 13 {
			return false
		}
		if f.Type == scap.FDIPv4ServSock {
			f.SetV4L4(f.ServV4L4())
		}
		f.Type = scap.FDIPv4Sock
		if !setV4(f, p[1:5], p[7:11], le16(p[5:]), le16(p[11:])) {
			return false
		}
	case afInet6:
		if len(p) < 37 {
			return false
		}
		if isV4Mapped(p[1:17]) && isV4Mapped(p[19:35]) {
			f.Type = scap.FDIPv4Sock
			if !setV4(f, p[13:17], p[31:35], le16(p[17:]), le16(p[35:])) {
				return false
			}
		} else if !setV6(f, p[1:17], p[19:35], le16(p[17:]), le16(p[35:])) {
			return false
		}
	case afUnix:
		if len(p) < 17 {
			return false
		}
		f.Type = scap.FDUnixSock
		f.setUnix(le64(p[1:]), le64(p[9:]))
		f.Name = cstring(p[17:])
		return true
	default:
		return false
	}
	if f.Type == scap.FDIPv4Sock && f.V4L4() == L4Unknown {
		f.SetV4L4(L4UDP)
	} else if f.Type == scap.FDIPv6Sock && f.V6L4() == L4Unknown {
		f.SetV6L4(L4UDP)
	}
	e.patchFromInterfaces(f)
	return true
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// guessRole decides whether a socket seen without connect/accept is the
// client or the server side.
// As sinsp does, it reads the ports through the IPv4 layout of the
// address area even for IPv6 sockets (where they overlap the source
// address): a socket whose destination port the process has bound is the
// server, unless its source port is one of the process's client ports too;
// a port not bound makes it the client; otherwise a read means server.
func (e *Engine) guessRole(t *Thread, f *FD, incoming bool) {
	var ft *FDTable
	if t != nil {
		ft = e.FDTable(t)
	}
	bound, client := false, false
	if ft != nil {
		dport, sport := f.V4DPort(), f.V4SPort()
		ft.Each(func(o *FD) bool {
			switch o.Type {
			case scap.FDIPv4Sock:
				bound = bound || o.V4DPort() == dport
				client = client || o.V4SPort() == sport
			case scap.FDIPv4ServSock:
				bound = bound || o.ServV4Port() == dport
			}
			return true
		})
	}
	switch {
	case bound && !client:
		f.Flags |= FDRoleServer
	case !bound:
		f.Flags |= FDRoleClient
	case f.roleNone():
		if incoming {
			f.Flags |= FDRoleServer
		} else {
			f.Flags |= FDRoleClient
		}
	}
}

// patchFromInterfaces completes a socket tuple whose local IPv4 address is
// zero with the address of the interface that would carry the traffic.
func (e *Engine) patchFromInterfaces(f *FD) {
	if f.Type == scap.FDIPv6Sock {
		e.patchV6FromInterfaces(f)
		return
	}
	if f.Type != scap.FDIPv4Sock {
		return
	}
	sip, dip := le32(f.V4SIP()), le32(f.V4DIP())
	if sip != 0 && dip != 0 {
		return
	}
	if sip == 0 {
		n := e.inferIPv4(dip)
		if n == dip && f.V4SPort() == f.V4DPort() {
			return
		}
		putLE32(f.V4SIP(), n)
	} else {
		n := e.inferIPv4(sip)
		if n == sip && f.V4SPort() == f.V4DPort() {
			return
		}
		putLE32(f.V4DIP(), n)
	}
}

func putLE32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

const loopbackLE = 0x0100007f // 127.0.0.1 as stored (network order bytes read little-endian)

func (e *Engine) inferIPv4(dst uint32) uint32 {
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if !itf.IsIPv6() && le32(itf.Addr[:4]) == dst {
			return dst
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if itf.IsIPv6() {
			continue
		}
		a, m := le32(itf.Addr[:4]), le32(itf.Netmask[:4])
		if a&m == dst&m {
			return a
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if !itf.IsIPv6() && le32(itf.Addr[:4]) != loopbackLE {
			return le32(itf.Addr[:4])
		}
	}
	return 0
}

var zeroV6 [16]byte

// patchV6FromInterfaces is patchFromInterfaces for IPv6 tuples: an
// unspecified address (::) on one side becomes the address of the
// interface that would reach the other side.
func (e *Engine) patchV6FromInterfaces(f *FD) {
	sip, dip := f.V6SIP(), f.V6DIP()
	sZero, dZero := string(sip) == string(zeroV6[:]), string(dip) == string(zeroV6[:])
	switch {
	case !sZero && !dZero:
		return
	case sZero:
		a := e.inferIPv6(dip)
		copy(sip, a[:])
	default:
		a := e.inferIPv6(sip)
		copy(dip, a[:])
	}
}

// inferIPv6 returns the address of the IPv6 interface that is dst, or that
// shares dst's /64, or else the first non-loopback one (:: if none).
func (e *Engine) inferIPv6(dst []byte) (a [16]byte) {
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if itf.IsIPv6() && string(itf.Addr[:]) == string(dst) {
			return itf.Addr
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if itf.IsIPv6() && string(itf.Addr[:8]) == string(dst[:8]) {
			return itf.Addr
		}
	}
	loop := [16]byte{15: 1}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if itf.IsIPv6() && itf.Addr != loop {
			return itf.Addr
		}
	}
	return a
}
