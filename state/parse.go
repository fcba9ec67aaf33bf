package state

import (
	"github.com/traceproj/trace/internal/bin"
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

	atFDCWD      = -100
	rlimitNoFile = 7
	fcntlDupFD   = 1
	fcntlDupFDCX = 26
	einprogress  = 115
)

// parser applies the effect of one type of event on the state.
type parser func(e *Engine, ev *Event)

// parsers maps each event type sysdig 0.29.3 knows to its parser; events
// of the other types change nothing.
var parsers = func() (ps [scap.NumEventsAll]parser) {
	set := func(p parser, types ...uint16) {
		for _, t := range types {
			ps[t] = p
		}
	}
	set((*Engine).parseSendtoEnter, scap.PPME_SOCKET_SENDTO_E)
	set((*Engine).parseSendmsgEnter, scap.PPME_SOCKET_SENDMSG_E)
	set((*Engine).storeEnter, scap.PPME_SYSCALL_OPEN_E, scap.PPME_SOCKET_SOCKET_E, scap.PPME_SYSCALL_EVENTFD_E,
		scap.PPME_SYSCALL_CHDIR_E, scap.PPME_SYSCALL_FCHDIR_E, scap.PPME_SYSCALL_CREAT_E,
		scap.PPME_SYSCALL_OPENAT_E, scap.PPME_SOCKET_SHUTDOWN_E, scap.PPME_SYSCALL_GETRLIMIT_E,
		scap.PPME_SYSCALL_SETRLIMIT_E, scap.PPME_SYSCALL_PRLIMIT_E,
		scap.PPME_SYSCALL_SENDFILE_E, scap.PPME_SYSCALL_SETRESUID_E, scap.PPME_SYSCALL_SETRESGID_E,
		scap.PPME_SYSCALL_SETUID_E, scap.PPME_SYSCALL_SETGID_E, scap.PPME_SYSCALL_EXECVE_18_E,
		scap.PPME_SYSCALL_EXECVE_19_E, scap.PPME_SYSCALL_SETPGID_E, scap.PPME_SYSCALL_EXECVEAT_E,
		scap.PPME_SYSCALL_UNSHARE_E, scap.PPME_SYSCALL_SETNS_E, scap.PPME_SYSCALL_OPENAT_2_E,
		scap.PPME_SYSCALL_OPENAT2_E)
	set((*Engine).parseFcntlEnter, scap.PPME_SYSCALL_FCNTL_E)
	set((*Engine).parseCloseEnter, scap.PPME_SYSCALL_CLOSE_E)
	set((*Engine).parseRWExit, scap.PPME_SYSCALL_READ_X, scap.PPME_SYSCALL_WRITE_X, scap.PPME_SOCKET_RECV_X,
		scap.PPME_SOCKET_SEND_X, scap.PPME_SOCKET_RECVFROM_X, scap.PPME_SOCKET_RECVMSG_X,
		scap.PPME_SOCKET_SENDTO_X, scap.PPME_SOCKET_SENDMSG_X, scap.PPME_SYSCALL_READV_X,
		scap.PPME_SYSCALL_WRITEV_X, scap.PPME_SYSCALL_PREAD_X, scap.PPME_SYSCALL_PWRITE_X,
		scap.PPME_SYSCALL_PREADV_X, scap.PPME_SYSCALL_PWRITEV_X)
	set((*Engine).parseOpenExit, scap.PPME_SYSCALL_OPEN_X, scap.PPME_SYSCALL_CREAT_X, scap.PPME_SYSCALL_OPENAT_X,
		scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X)
	set((*Engine).parseCloneExit, scap.PPME_SYSCALL_CLONE_11_X, scap.PPME_SYSCALL_CLONE_16_X, scap.PPME_SYSCALL_CLONE_17_X,
		scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_FORK_X, scap.PPME_SYSCALL_FORK_17_X,
		scap.PPME_SYSCALL_FORK_20_X, scap.PPME_SYSCALL_VFORK_X, scap.PPME_SYSCALL_VFORK_17_X,
		scap.PPME_SYSCALL_VFORK_20_X, scap.PPME_SYSCALL_CLONE3_X)
	set((*Engine).parseExecveExit, scap.PPME_SYSCALL_EXECVE_8_X, scap.PPME_SYSCALL_EXECVE_13_X, scap.PPME_SYSCALL_EXECVE_14_X,
		scap.PPME_SYSCALL_EXECVE_15_X, scap.PPME_SYSCALL_EXECVE_16_X, scap.PPME_SYSCALL_EXECVE_17_X,
		scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X)
	set((*Engine).parseProcexit, scap.PPME_PROCEXIT_E, scap.PPME_PROCEXIT_1_E)
	set((*Engine).parsePipeExit, scap.PPME_SYSCALL_PIPE_X)
	set((*Engine).parseSocketExit, scap.PPME_SOCKET_SOCKET_X)
	set((*Engine).parseBindExit, scap.PPME_SOCKET_BIND_X)
	set((*Engine).parseConnectEnter, scap.PPME_SOCKET_CONNECT_E)
	set((*Engine).parseConnectExit, scap.PPME_SOCKET_CONNECT_X)
	set((*Engine).parseAcceptExit, scap.PPME_SOCKET_ACCEPT_X, scap.PPME_SOCKET_ACCEPT_5_X, scap.PPME_SOCKET_ACCEPT4_X,
		scap.PPME_SOCKET_ACCEPT4_5_X)
	set((*Engine).parseCloseExit, scap.PPME_SYSCALL_CLOSE_X)
	set((*Engine).parseFcntlExit, scap.PPME_SYSCALL_FCNTL_X)
	singleFD := func(typ uint8) parser {
		return func(e *Engine, ev *Event) { e.singleFDExit(ev, typ) }
	}
	set(singleFD(scap.FDEvent), scap.PPME_SYSCALL_EVENTFD_X)
	set(singleFD(scap.FDSignalFD), scap.PPME_SYSCALL_SIGNALFD_X)
	set(singleFD(scap.FDTimerFD), scap.PPME_SYSCALL_TIMERFD_CREATE_X)
	set(singleFD(scap.FDInotify), scap.PPME_SYSCALL_INOTIFY_INIT_X)
	set(singleFD(scap.FDUserfaultFD), scap.PPME_SYSCALL_USERFAULTFD_X)
	set((*Engine).parseChdirExit, scap.PPME_SYSCALL_CHDIR_X)
	set((*Engine).parseFchdirExit, scap.PPME_SYSCALL_FCHDIR_X)
	set((*Engine).parseGetcwdExit, scap.PPME_SYSCALL_GETCWD_X)
	set((*Engine).parseDupExit, scap.PPME_SYSCALL_DUP_X)
	set(func(e *Engine, ev *Event) { e.parseRlimitExit(ev, false) }, scap.PPME_SYSCALL_GETRLIMIT_X, scap.PPME_SYSCALL_SETRLIMIT_X)
	set(func(e *Engine, ev *Event) { e.parseRlimitExit(ev, true) }, scap.PPME_SYSCALL_PRLIMIT_X)
	set((*Engine).parseSocketpairExit, scap.PPME_SOCKET_SOCKETPAIR_X)
	set((*Engine).parseContextSwitch, scap.PPME_SCHEDSWITCH_6_E)
	set((*Engine).parseMemExit, scap.PPME_SYSCALL_BRK_4_X, scap.PPME_SYSCALL_MMAP_X, scap.PPME_SYSCALL_MMAP2_X,
		scap.PPME_SYSCALL_MUNMAP_X)
	setID := func(param int, uid, checkMax bool) parser {
		return func(e *Engine, ev *Event) { e.parseSetID(ev, param, uid, checkMax) }
	}
	set(setID(scap.SetresuidEEuid, true, true), scap.PPME_SYSCALL_SETRESUID_X)
	set(setID(scap.SetresgidEEgid, false, true), scap.PPME_SYSCALL_SETRESGID_X)
	set(setID(scap.SetuidEUid, true, false), scap.PPME_SYSCALL_SETUID_X)
	set(setID(scap.SetgidEGid, false, false), scap.PPME_SYSCALL_SETGID_X)
	set(func(e *Engine, ev *Event) { e.Containers.parseOld(ev) }, scap.PPME_CONTAINER_E)
	set((*Engine).parseContainerJSON, scap.PPME_CONTAINER_JSON_E, scap.PPME_CONTAINER_JSON_2_E)
	set((*Engine).parseChrootExit, scap.PPME_SYSCALL_CHROOT_X)
	set((*Engine).parseSetsidExit, scap.PPME_SYSCALL_SETSID_X)
	set((*Engine).parseGetsockoptExit, scap.PPME_SOCKET_GETSOCKOPT_X)
	setCurrentParsers(set)
	return ps
}()

// parse routes an event to the parser that applies its effect on state.
func (e *Engine) parse(ev *Event) {
	if int(ev.Type) < len(parsers) {
		if p := parsers[ev.Type]; p != nil {
			p(e, ev)
		}
	}
}

func (e *Engine) parseSendtoEnter(ev *Event) {
	if ev.FD == nil && ev.Thread != nil {
		e.inferSendtoFD(ev)
	}
	e.storeEnter(ev)
}

// parseSendmsgEnter: sysdig 0.29.3 learns nothing of an unknown socket
// from sendmsg; current libs (Options.FalcoSockets) take it as a UDP
// socket of the tuple's family, as for sendto.
func (e *Engine) parseSendmsgEnter(ev *Event) {
	if e.opts.FalcoSockets && ev.FD == nil && ev.Thread != nil {
		e.inferSocket(ev, scap.SendmsgEFd, scap.SendmsgETuple)
	}
	e.storeEnter(ev)
}

func (e *Engine) parseFcntlEnter(ev *Event) {
	if ev.Thread != nil {
		if cmd, ok := ev.Uint8(scap.FcntlECmd); ok && (cmd == fcntlDupFD || cmd == fcntlDupFDCX) {
			e.storeEnter(ev)
		}
	}
}

func (e *Engine) parseCloseEnter(ev *Event) {
	if ev.Thread != nil {
		if f := e.GetFD(ev.Thread, ev.Thread.lastEventFD); f != nil {
			ev.FD = f
			f.Flags |= FDCloseInProgress
		}
	}
}

func (e *Engine) parseProcexit(ev *Event) {
	if ev.Thread != nil {
		ev.Thread.Flags |= scap.PPM_CL_CLOSED
		e.tidToRemove = int64(ev.Tid)
	}
}

func (e *Engine) parseChdirExit(ev *Event) {
	if ev.Thread != nil {
		if r, ok := ev.Int64(scap.ChdirXRes); ok && r >= 0 {
			path, _ := ev.Str(scap.ChdirXPath)
			e.setCwd(ev.Thread, path)
		}
	}
}

func (e *Engine) parseFchdirExit(ev *Event) {
	if r, ok := ev.Int64(scap.FchdirXRes); ok && r >= 0 && ev.FD != nil && ev.Thread != nil {
		e.setCwd(ev.Thread, ev.FD.Name)
	}
}

func (e *Engine) parseGetcwdExit(ev *Event) {
	if r, ok := ev.Int64(scap.GetcwdXRes); ok && r >= 0 && ev.Thread != nil {
		path, _ := ev.Str(scap.GetcwdXPath)
		e.setCwd(ev.Thread, path)
	}
}

// parseMemExit reads the memory counters of brk, mmap, mmap2 and munmap
// exits (at the same positions in the four).
func (e *Engine) parseMemExit(ev *Event) {
	if t := ev.Thread; t != nil {
		if v, ok := ev.Uint32(scap.MmapXVmSize); ok {
			e.setSize(&t.VMSize, v)
		}
		if v, ok := ev.Uint32(scap.MmapXVmRss); ok {
			e.setSize(&t.VMRSS, v)
		}
		if v, ok := ev.Uint32(scap.MmapXVmSwap); ok {
			e.setSize(&t.VMSwap, v)
		}
	}
}

func (e *Engine) parseSetsidExit(ev *Event) {
	if r, ok := ev.Int64(scap.SetsidXRes); ok && r >= 0 && ev.Thread != nil {
		ev.Thread.Sid = r
	}
}

func (e *Engine) parseGetsockoptExit(ev *Event) {
	if ev.NumParams() > scap.GetsockoptXFd && ev.Thread != nil {
		if fd, ok := ev.Int64(scap.GetsockoptXFd); ok {
			ev.FD = e.GetFD(e.MainThread(ev.Thread), fd)
			ev.Thread.lastEventFD = fd
			ev.FDNum = fd
		}
	}
}

func (e *Engine) parseOpenExit(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	enter := e.enterOf(ev)
	fd, ok := ev.Int64(scap.OpenXFd) // fd leads the exits of all the open calls
	if !ok {
		return
	}
	var name []byte    // the path, up to its NUL
	var rawName []byte // the parameter as stored, NUL included
	var flags, dev uint32
	var sdir, sdir2 string // the directory a relative path is in, in two pieces
	np := ev.NumParams()
	switch ev.Type {
	case scap.PPME_SYSCALL_OPEN_X:
		name, _ = ev.CString(scap.OpenXName)
		rawName = ev.Param(scap.OpenXName)
		flags, _ = ev.Uint32(scap.OpenXFlags)
		if np > scap.OpenXDev {
			dev, _ = ev.Uint32(scap.OpenXDev)
		}
		// The enter event's path was read before the call: prefer it.
		if enter != nil && enter.NumParams() > scap.OpenEFlags && len(enter.Param(scap.OpenEName)) != 0 {
			name, _ = enter.CString(scap.OpenEName)
			rawName = enter.Param(scap.OpenEName)
			flags, _ = enter.Uint32(scap.OpenEFlags)
		}
		sdir = e.Cwd(t)
	case scap.PPME_SYSCALL_CREAT_X:
		name, _ = ev.CString(scap.CreatXName)
		rawName = ev.Param(scap.CreatXName)
		if np > scap.CreatXDev {
			dev, _ = ev.Uint32(scap.CreatXDev)
		}
		if enter != nil && enter.NumParams() > scap.CreatEName && len(enter.Param(scap.CreatEName)) != 0 {
			name, _ = enter.CString(scap.CreatEName)
			rawName = enter.Param(scap.CreatEName)
		}
		sdir = e.Cwd(t)
	case scap.PPME_SYSCALL_OPENAT_X:
		if enter == nil {
			return
		}
		name, _ = enter.CString(scap.OpenatEName)
		rawName = enter.Param(scap.OpenatEName)
		flags, _ = enter.Uint32(scap.OpenatEFlags)
		dirfd, _ := enter.Int64(scap.OpenatEDirfd)
		sdir, sdir2 = e.openatDir(ev, name, dirfd)
	case scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X:
		sdir, sdir2, name, rawName, flags, dev = e.openat2Exit(ev, enter)
	}
	if e.current && !hasIno(ev) {
		// Current libs keep the device only together with the inode.
		dev = 0
	}
	// sinsp sees the path with its terminating NUL: an empty path is
	// relative and names the directory itself.
	if fd >= 0 {
		if len(rawName) > 0 && len(name) == 0 {
			name = dotPath
		}
		f := &FD{Type: scap.FDFileV2, OpenFlags: flags, Dev: dev, Name: e.fdPath(name, sdir, sdir2)}
		if flags&scap.PPM_O_DIRECTORY != 0 {
			f.Type = scap.FDDirectory
		}
		ev.FD = e.addFD(t, fd, f)
		ev.FDNum = fd
	}
}

var dotPath = []byte(".")

// maxPathMemo bounds the memo of clean absolute paths.
const maxPathMemo = 4096

// fdPath returns what ConcatPaths makes of name against the directory
// dir+dir2. A clean absolute path (most paths opened) comes from a memo of
// recent ones, so that a file opened again costs no allocation.
func (e *Engine) fdPath(name []byte, dir, dir2 string) string {
	if cleanAbs(name) {
		if s, ok := e.pathMemo[string(name)]; ok {
			return s
		}
		if e.pathMemo == nil || len(e.pathMemo) >= maxPathMemo {
			e.pathMemo = make(map[string]string, 256)
		}
		s := string(name)
		e.pathMemo[s] = s
		return s
	}
	e.pathBuf = AppendConcatPaths(e.pathBuf[:0], name, dir, dir2)
	return string(e.pathBuf)
}

// hasIno reports whether an openat exit carries its inode number.
func hasIno(ev *Event) bool {
	i := -1
	switch ev.Type {
	case scap.PPME_SYSCALL_OPEN_X, scap.PPME_SYSCALL_CREAT_X:
		return true // (open and creat keep it regardless)
	case scap.PPME_SYSCALL_OPENAT_2_X:
		i = scap.OpenatX2Ino
	case scap.PPME_SYSCALL_OPENAT2_X:
		i = scap.Openat2XIno
	}
	return i >= 0 && ev.NumParams() > i && len(ev.Param(i)) > 0
}

// openat2Exit reads the path of an openat (version 2) or openat2 exit,
// whose first parameters are the same (the enter's are too).
func (e *Engine) openat2Exit(ev *Event, enter *scap.Event) (sdir, sdir2 string, name, rawName []byte, flags, dev uint32) {
	name, _ = ev.CString(scap.OpenatX2Name)
	rawName = ev.Param(scap.OpenatX2Name)
	flags, _ = ev.Uint32(scap.OpenatX2Flags)
	dirfd, _ := ev.Int64(scap.OpenatX2Dirfd)
	if ev.Type == scap.PPME_SYSCALL_OPENAT_2_X && ev.NumParams() > scap.OpenatX2Dev {
		dev, _ = ev.Uint32(scap.OpenatX2Dev)
	}
	if enter != nil && enter.NumParams() > scap.OpenatE2Flags && len(enter.Param(scap.OpenatE2Name)) != 0 {
		name, _ = enter.CString(scap.OpenatE2Name)
		rawName = enter.Param(scap.OpenatE2Name)
		flags, _ = enter.Uint32(scap.OpenatE2Flags)
		dirfd, _ = enter.Int64(scap.OpenatE2Dirfd)
	}
	sdir, sdir2 = e.openatDir(ev, name, dirfd)
	return sdir, sdir2, name, rawName, flags, dev
}

// openatDir returns the directory a *at() path is relative to, in two
// pieces (a directory fd's name and the slash after it).
func (e *Engine) openatDir(ev *Event, name []byte, dirfd int64) (string, string) {
	if len(name) > 0 && name[0] == '/' {
		return ".", ""
	}
	if dirfd == atFDCWD {
		return e.Cwd(ev.Thread), ""
	}
	f := e.GetFD(ev.Thread, dirfd)
	ev.FD = f
	if f == nil {
		return "<UNKNOWN>", ""
	}
	return f.Name, "/"
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

func (e *Engine) inferSendtoFD(ev *Event) { e.inferSocket(ev, scap.SendtoEFd, scap.SendtoETuple) }

// inferSocket adds the unknown fd of a send with a destination as a UDP
// socket of the destination's family.
func (e *Engine) inferSocket(ev *Event, fdParam, tupleParam int) {
	fd, ok := ev.Int64(fdParam)
	if !ok || fd < 0 {
		return
	}
	family, ok := ev.Uint8(tupleParam)
	if !ok {
		return
	}
	switch family {
	case afInet:
		e.addSocket(ev, fd, afInet, sockDgram, ipprotoUDP)
	case afInet6:
		e.addSocket(ev, fd, afInet6, sockDgram, ipprotoUDP)
	}
}

func (e *Engine) parseSocketExit(ev *Event) {
	fd, ok := ev.Int64(scap.SocketXFd)
	if !ok || fd < 0 || ev.Thread == nil {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	domain, _ := enter.Uint32(scap.SocketEDomain)
	typ, _ := enter.Uint32(scap.SocketEType)
	proto, _ := enter.Uint32(scap.SocketEProto)
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
	if r, ok := ev.Int64(scap.BindXRes); !ok || r < 0 {
		return
	}
	p := ev.Param(scap.BindXAddr)
	if len(p) == 0 {
		return
	}
	if a, ok := decodeInetAddr(p); ok && a.port > 0 {
		// (The protocol as the socket's family byte has it.)
		l4 := f.V6L4()
		if p[0] == afInet {
			l4 = f.V4L4()
		}
		if a.v6 {
			f.Type = scap.FDIPv6ServSock
			f.setU16(sv6Port, a.port)
			copy(f.Sock[sv6IP:], a.ip)
			f.Sock[sv6L4] = l4
		} else {
			f.Type = scap.FDIPv4ServSock
			f.Sock[sv4L4] = l4
			copy(f.Sock[sv4IP:], a.ip)
			f.setU16(sv4Port, a.port)
		}
		f.setRole(true)
	}
	f.Name = e.paramSimple(ev, ev.Event, scap.BindXAddr)
}

// setV4 stores a v4 tuple in f; it reports whether anything changed.
func setV4(f *FD, sip, dip []byte, sport, dport uint16) bool {
	return setTuple(f, scap.FDIPv4Sock, sip, dip, sport, dport)
}

// setV6 stores a v6 tuple in f; it reports whether anything changed.
func setV6(f *FD, sip, dip []byte, sport, dport uint16) bool {
	return setTuple(f, scap.FDIPv6Sock, sip, dip, sport, dport)
}

// setTuple stores a tuple of fd type typ (FDIPv4Sock or FDIPv6Sock) in
// f; it reports whether anything changed (a tuple seen from the other
// side is no change).
func setTuple(f *FD, typ uint8, sip, dip []byte, sport, dport uint16) bool {
	if f.Type == typ {
		same := string(f.SIP()) == string(sip) && f.SPort() == sport && string(f.DIP()) == string(dip) && f.DPort() == dport
		swapped := string(f.SIP()) == string(dip) && f.SPort() == dport && string(f.DIP()) == string(sip) && f.DPort() == sport
		if same || swapped {
			return false
		}
	}
	if typ == scap.FDIPv4Sock {
		f.setV4Tuple(sip, dip, sport, dport)
	} else {
		f.setV6Tuple(sip, dip, sport, dport)
	}
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
	if f == nil || e.opts.FalcoSockets {
		// (Current libs learn the socket's peer at the exit only, from
		// its tuple, when the call succeeded.)
		return
	}
	p := ev.Param(scap.ConnectEAddr)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet, afInet6:
		if a, ok := decodeInetAddr(p); ok && a.v6 {
			f.Type = scap.FDIPv6Sock
			f.setU16(v6DPort, a.port)
			copy(f.Sock[v6DIP:], a.ip)
		} else if ok {
			f.Type = scap.FDIPv4Sock
			copy(f.Sock[v4DIP:], a.ip)
			f.setU16(v4DPort, a.port)
		}
	default:
		f.Name = e.paramSimple(ev, ev.Event, scap.ConnectEAddr)
		if len(p) >= 17 {
			f.setUnix(bin.LE64(p[1:]), bin.LE64(p[9:]))
		}
	}
}

func (e *Engine) parseConnectExit(ev *Event) {
	f := ev.FD
	if f == nil {
		return
	}
	r, ok := ev.Int64(scap.ConnectXRes)
	if !ok {
		return
	}
	if r < 0 && r != -einprogress {
		return
	}
	f.Flags |= FDSocketConnected
	p := ev.Param(scap.ConnectXTuple)
	if len(p) == 0 {
		return
	}
	switch p[0] {
	case afInet, afInet6:
		tp, ok := decodeInetTuple(p)
		if !ok {
			return
		}
		changed := false
		if tp.v6 {
			f.Type = scap.FDIPv6Sock
			changed = setV6(f, tp.sip, tp.dip, tp.sport, tp.dport)
		} else {
			f.Type = scap.FDIPv4Sock
			changed = setV4(f, tp.sip, tp.dip, tp.sport, tp.dport)
		}
		if changed && f.Flags&FDRoleServer != 0 && f.isUDP() {
			swapAddrs(f)
		}
		f.Name = sockinfoToStr(f, e.ports)
	default:
		f.Name = e.paramSimple(ev, ev.Event, scap.ConnectXTuple)
		if p[0] == afUnix && len(p) >= 17 {
			f.setUnix(bin.LE64(p[1:]), bin.LE64(p[9:]))
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
	// fd and tuple lead all four accept exits.
	fd, ok := ev.Int64(scap.AcceptXFd)
	if !ok || fd < 0 {
		return
	}
	t.lastEventFD = fd
	p := ev.Param(scap.AcceptXTuple)
	if len(p) == 0 {
		return
	}
	f := &FD{}
	switch p[0] {
	case afInet, afInet6:
		tp, ok := decodeInetTuple(p)
		if !ok {
			return
		}
		if tp.v6 {
			f.setV6Tuple(tp.sip, tp.dip, tp.sport, tp.dport)
			f.Type = scap.FDIPv6Sock
			f.SetV6L4(L4TCP)
		} else {
			f.setV4Tuple(tp.sip, tp.dip, tp.sport, tp.dport)
			f.Type = scap.FDIPv4Sock
			f.SetV4L4(L4TCP)
		}
	case afUnix:
		if len(p) < 17 {
			return
		}
		f.Type = scap.FDUnixSock
		f.setUnix(bin.LE64(p[1:]), bin.LE64(p[9:]))
	default:
		return
	}
	// The name renders the tuple with the new fd as the event's fd.
	ev.FD = f
	f.Name = e.paramSimple(ev, ev.Event, scap.AcceptXTuple)
	f.Flags = FDRoleServer | FDSocketConnected
	ev.FD = e.addFD(t, fd, f)
	ev.FDNum = fd
}

func (e *Engine) parseCloseExit(ev *Event) {
	r, ok := ev.Int64(scap.CloseXRes)
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
	r, ok := ev.Int64(scap.PipeXRes)
	if !ok || r < 0 || ev.Thread == nil {
		return
	}
	fd1, _ := ev.Int64(scap.PipeXFd1)
	fd2, _ := ev.Int64(scap.PipeXFd2)
	ino, _ := ev.Int64(scap.PipeXIno)
	ev.FD = e.addFD(ev.Thread, fd1, &FD{Type: scap.FDFifo, Ino: uint64(ino)})
	ev.FD = e.addFD(ev.Thread, fd2, &FD{Type: scap.FDFifo, Ino: uint64(ino)})
}

func (e *Engine) parseSocketpairExit(ev *Event) {
	r, ok := ev.Int64(scap.SocketpairXRes)
	if !ok || r < 0 || ev.Thread == nil {
		return
	}
	fd1, _ := ev.Int64(scap.SocketpairXFd1)
	fd2, _ := ev.Int64(scap.SocketpairXFd2)
	src, _ := ev.Int64(scap.SocketpairXSource)
	dst, _ := ev.Int64(scap.SocketpairXPeer)
	f1 := &FD{Type: scap.FDUnixSock}
	f1.setUnix(uint64(src), uint64(dst))
	f2 := *f1
	ev.FD = e.addFD(ev.Thread, fd1, f1)
	e.addFD(ev.Thread, fd2, &f2)
}

// singleFDExit adds the fd returned by eventfd, signalfd, timerfd_create,
// inotify_init or userfaultfd (res, their first parameter).
func (e *Engine) singleFDExit(ev *Event, typ uint8) {
	r, ok := ev.Int64(scap.EventfdXRes)
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
	r, ok := ev.Int64(scap.DupXRes)
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
	r, ok := ev.Int64(scap.FcntlXRes)
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

// parseRlimitExit applies a new RLIMIT_NOFILE of getrlimit, setrlimit
// (same layouts) or prlimit (which names its target thread).
func (e *Engine) parseRlimitExit(ev *Event, prlimit bool) {
	t := ev.Thread
	r, ok := ev.Int64(scap.GetrlimitXRes)
	if !ok || r < 0 {
		return
	}
	if !prlimit && t == nil {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	resParam, curParam := scap.GetrlimitEResource, scap.GetrlimitXCur
	if prlimit {
		resParam, curParam = scap.PrlimitEResource, scap.PrlimitXNewcur
	}
	if res, ok := enter.Uint8(resParam); !ok || res != rlimitNoFile {
		return
	}
	cur, ok := ev.Int64(curParam)
	if !ok || cur == -1 {
		return
	}
	target := t
	if prlimit {
		tid, _ := enter.Int64(scap.PrlimitEPid)
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
	if v, ok := ev.Uint64(scap.SchedswitchE6PgftMaj); ok {
		t.PFMajor = v
	}
	if v, ok := ev.Uint64(scap.SchedswitchE6PgftMin); ok {
		t.PFMinor = v
	}
	if mt := e.MainThread(t); mt != nil {
		if v, ok := ev.Uint32(scap.SchedswitchE6VmSize); ok {
			e.setSize(&mt.VMSize, v)
		}
		if v, ok := ev.Uint32(scap.SchedswitchE6VmRss); ok {
			e.setSize(&mt.VMRSS, v)
		}
		if v, ok := ev.Uint32(scap.SchedswitchE6VmSwap); ok {
			e.setSize(&mt.VMSwap, v)
		}
	}
}

// parseSetID applies the uid or gid that parameter param of the enter
// event of setuid, setgid, setresuid or setresgid sets (res leads the
// four exits).
func (e *Engine) parseSetID(ev *Event, param int, uid, checkMax bool) {
	r, ok := ev.Int64(scap.SetuidXRes)
	if !ok || r < 0 {
		return
	}
	enter := e.enterOf(ev)
	if enter == nil {
		return
	}
	v, ok := enter.Uint32(param)
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
	r, ok := ev.Int64(scap.ChrootXRes)
	if !ok || r != 0 || ev.Thread == nil {
		return
	}
	path, _ := ev.Str(scap.ChrootXPath)
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
	r, ok := ev.Int64(scap.ReadXRes) // res leads every read and write exit
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
			tupleParam = scap.RecvfromXTuple
		case scap.PPME_SOCKET_RECVMSG_X:
			tupleParam = scap.RecvmsgXTuple
		}
		src = ev.Event
	} else if ev.Type == scap.PPME_SOCKET_SENDTO_X {
		tupleParam = scap.SendtoETuple // in the enter event
	} else if ev.Type == scap.PPME_SOCKET_SENDMSG_X {
		tupleParam = scap.SendmsgETuple
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
		f.Name = sockinfoToStr(f, e.ports)
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
	case afInet, afInet6:
		tp, ok := decodeInetTuple(p)
		if !ok {
			return false
		}
		if tp.v6 {
			if !setV6(f, tp.sip, tp.dip, tp.sport, tp.dport) {
				return false
			}
			break
		}
		if p[0] == afInet && f.Type == scap.FDIPv4ServSock {
			// (Not for a v4-mapped tuple.)
			f.SetV4L4(f.ServV4L4())
		}
		f.Type = scap.FDIPv4Sock
		if !setV4(f, tp.sip, tp.dip, tp.sport, tp.dport) {
			return false
		}
	case afUnix:
		if len(p) < 17 {
			return false
		}
		f.Type = scap.FDUnixSock
		f.setUnix(bin.LE64(p[1:]), bin.LE64(p[9:]))
		f.Name = bin.CString(p[17:])
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
	sip, dip := bin.LE32(f.V4SIP()), bin.LE32(f.V4DIP())
	if sip != 0 && dip != 0 {
		return
	}
	if sip == 0 {
		n := e.inferIPv4(dip)
		if n == dip && f.V4SPort() == f.V4DPort() {
			return
		}
		bin.PutLE32(f.V4SIP(), n)
	} else {
		n := e.inferIPv4(sip)
		if n == sip && f.V4SPort() == f.V4DPort() {
			return
		}
		bin.PutLE32(f.V4DIP(), n)
	}
}

const loopbackLE = 0x0100007f // 127.0.0.1 as stored (network order bytes read little-endian)

func (e *Engine) inferIPv4(dst uint32) uint32 {
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if !itf.IsIPv6() && bin.LE32(itf.Addr[:4]) == dst {
			return dst
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if itf.IsIPv6() {
			continue
		}
		a, m := bin.LE32(itf.Addr[:4]), bin.LE32(itf.Netmask[:4])
		if a&m == dst&m {
			return a
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if !itf.IsIPv6() && bin.LE32(itf.Addr[:4]) != loopbackLE {
			return bin.LE32(itf.Addr[:4])
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
