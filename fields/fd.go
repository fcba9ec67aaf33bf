package fields

import (
	"bytes"
	"net/netip"
	"strconv"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Fields of the fd class: the file descriptor an event works on.
//
// As in sysdig, these fields exist only for events that create, use or
// destroy an fd. The fd is the one the engine attached to the event or,
// failing that, the thread's last event fd. Events whose fd is not in the
// table still have fd.num, fd.uid, fd.typechar and, for the calls that
// create fds, a name taken from their arguments.

// fdOf returns the thread and fd of an fd event; ok is false for other
// events and events without a thread. f may be nil.
func fdOf(c *Ctx) (t *state.Thread, f *state.FD, ok bool) {
	ev := c.Ev
	if !isFDEvent(ev) || ev.Engine() == nil {
		return nil, nil, false
	}
	t = ev.Thread
	if t == nil {
		return nil, nil, false
	}
	f = ev.FD
	if f == nil {
		if n := t.LastEventFD(); n != -1 {
			f = ev.Engine().GetFD(t, n)
		}
	}
	return t, f, true
}

// fdEventFlags029 corrects the event table's fd flags where sysdig
// 0.29.3's fd fields disagree with them: its mmap and the exits of the
// *at calls below do not count as fd events, its fstat64 exit does.
var fdEventFlags029 = map[uint16]bool{
	scap.PPME_SYSCALL_MMAP_E: false, scap.PPME_SYSCALL_MMAP_X: false,
	scap.PPME_SYSCALL_MMAP2_E: false, scap.PPME_SYSCALL_MMAP2_X: false,
	scap.PPME_SYSCALL_SYMLINKAT_X: false, scap.PPME_SYSCALL_UNLINKAT_2_X: false,
	scap.PPME_SYSCALL_MKDIRAT_X: false, scap.PPME_SYSCALL_FCHMODAT_X: false,
	scap.PPME_SYSCALL_FCHMOD_X: false, scap.PPME_SYSCALL_FSTAT64_X: true,
}

// isFDEvent reports whether the fd fields apply to ev: events that
// create, use or destroy an fd.
func isFDEvent(ev *state.Event) bool {
	if v, ok := fdEventFlags029[ev.Type]; ok && !ev.Current() {
		return v
	}
	return ev.Info.Flags&(scap.EF_CREATES_FD|scap.EF_USES_FD|scap.EF_DESTROYS_FD) != 0
}

// fdResult returns the first parameter of an exit event (its return
// value or new fd).
func fdResult(ev *state.Event) (int64, bool) {
	p := ev.Param(0)
	if len(p) < 8 {
		return 0, false
	}
	return int64(le64(p)), true
}

// addedFD reports whether the parser of exit event ev put ev.FD in the
// thread's table, and whether that fd is a copy of an existing one (dup,
// fcntl). Adding an fd makes it the thread's last event fd.
func addedFD(ev *state.Event) (added, copied bool) {
	if ev.IsEnter() || ev.FD == nil || ev.Thread == nil || ev.Engine() == nil {
		return false, false
	}
	switch ev.Type {
	case scap.PPME_SYSCALL_OPEN_X, scap.PPME_SYSCALL_CREAT_X, scap.PPME_SYSCALL_OPENAT_X,
		scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X, scap.PPME_SOCKET_SOCKET_X,
		scap.PPME_SOCKET_ACCEPT_X, scap.PPME_SOCKET_ACCEPT_5_X, scap.PPME_SOCKET_ACCEPT4_X,
		scap.PPME_SOCKET_ACCEPT4_5_X, scap.PPME_SYSCALL_PIPE_X, scap.PPME_SOCKET_SOCKETPAIR_X,
		scap.PPME_SYSCALL_EVENTFD_X, scap.PPME_SYSCALL_SIGNALFD_X, scap.PPME_SYSCALL_TIMERFD_CREATE_X,
		scap.PPME_SYSCALL_INOTIFY_INIT_X, scap.PPME_SYSCALL_USERFAULTFD_X:
	case scap.PPME_SYSCALL_PIPE2_X, scap.PPME_SOCKET_ACCEPT4_6_X, scap.PPME_SYSCALL_EVENTFD2_X,
		scap.PPME_SYSCALL_SIGNALFD4_X, scap.PPME_SYSCALL_INOTIFY_INIT1_X, scap.PPME_SYSCALL_EPOLL_CREATE_X,
		scap.PPME_SYSCALL_EPOLL_CREATE1_X, scap.PPME_SYSCALL_BPF_2_X, scap.PPME_SYSCALL_IO_URING_SETUP_X,
		scap.PPME_SYSCALL_PIDFD_OPEN_X, scap.PPME_SYSCALL_MEMFD_CREATE_X:
		// (Types of current captures.)
	case scap.PPME_SYSCALL_DUP_X, scap.PPME_SYSCALL_FCNTL_X, scap.PPME_SYSCALL_DUP2_X, scap.PPME_SYSCALL_DUP3_X,
		scap.PPME_SYSCALL_DUP_1_X:
		copied = true
	default:
		return false, false
	}
	if r, ok := fdResult(ev); !ok || r < 0 {
		return false, false
	}
	if ev.Engine().GetFD(ev.Thread, ev.FD.Num) != ev.FD {
		return false, false
	}
	return true, copied
}

// lastEventFD is sinsp's m_lastevent_fd after the event was parsed: the
// fd argument of the thread's last enter event, or the fd the event just
// added to the table.
func lastEventFD(ev *state.Event, t *state.Thread) int64 {
	if added, _ := addedFD(ev); added {
		if ev.Type == scap.PPME_SOCKET_SOCKETPAIR_X {
			// Both ends are added; the second one is the last.
			if p := ev.Param(2); len(p) >= 8 {
				return int64(le64(p))
			}
		}
		return ev.FD.Num
	}
	return t.LastEventFD()
}

// creatorTypeChar is fd.typechar of the calls that create an fd when the
// fd is not (or not yet) in the table.
func creatorTypeChar(typ uint16) byte {
	switch typ &^ 1 {
	case scap.PPME_SYSCALL_OPEN_E, scap.PPME_SYSCALL_OPENAT_E, scap.PPME_SYSCALL_OPENAT_2_E,
		scap.PPME_SYSCALL_OPENAT2_E, scap.PPME_SYSCALL_CREAT_E:
		return 'f'
	case scap.PPME_SOCKET_SOCKET_E, scap.PPME_SOCKET_ACCEPT_E, scap.PPME_SOCKET_ACCEPT_5_E,
		scap.PPME_SOCKET_ACCEPT4_E, scap.PPME_SOCKET_ACCEPT4_5_E:
		// Whatever the socket's family.
		return '4'
	case scap.PPME_SYSCALL_PIPE_E:
		return 'p'
	case scap.PPME_SYSCALL_EVENTFD_E:
		return 'e'
	case scap.PPME_SYSCALL_SIGNALFD_E:
		return 's'
	case scap.PPME_SYSCALL_TIMERFD_CREATE_E:
		return 't'
	case scap.PPME_SYSCALL_INOTIFY_INIT_E:
		return 'i'
	}
	return 'o'
}

// creatorName is the name sysdig gives the fd of an exit event that has
// no fd in the table (a failed open, connect...): the path or address
// argument of the call, "" for the other exit events. ok is false for
// enter events and when the name cannot be computed.
func creatorName(c *Ctx, b []byte, t *state.Thread, sanitize bool) ([]byte, bool) {
	ev := c.Ev
	if ev.IsEnter() {
		return b, false
	}
	switch ev.Type {
	case scap.PPME_SYSCALL_OPEN_X, scap.PPME_SOCKET_ACCEPT_X, scap.PPME_SOCKET_ACCEPT_5_X,
		scap.PPME_SOCKET_ACCEPT4_X, scap.PPME_SOCKET_ACCEPT4_5_X, scap.PPME_SYSCALL_CREAT_X,
		scap.PPME_SOCKET_CONNECT_X:
		if ev.NumParams() < 2 {
			return append(b, "<NA>"...), true
		}
		val, res := c.R.Param(ev, 1)
		if len(res) > 0 {
			return append(b, res...), true
		}
		return append(b, val...), true
	case scap.PPME_SYSCALL_OPENAT_X:
		// The path is in the enter event, which sysdig has dropped by
		// the time it extracts fields.
		return b, false
	case scap.PPME_SYSCALL_OPENAT_2_X, scap.PPME_SYSCALL_OPENAT2_X:
		name := ev.Param(2)
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		dirfd, _ := paramInt64At(ev, 1)
		start := len(b)
		b = appendAtPath(b, ev, t, name, dirfd)
		if sanitize {
			return append(b[:start], sanitizeInPlace(b[start:])...), true
		}
		return b, true
	}
	return b, true
}

// appendAtPath appends the path a *at() call's name resolves to against
// dirfd (openatDir's directory), without allocating.
func appendAtPath(b []byte, ev *state.Event, t *state.Thread, name []byte, dirfd int64) []byte {
	e := ev.Engine()
	switch {
	case len(name) > 0 && name[0] == '/':
		return state.AppendConcatPaths(b, name)
	case dirfd == ppmAtFdcwd:
		return state.AppendConcatPaths(b, name, e.Cwd(t))
	}
	if f := e.GetFD(t, dirfd); f != nil {
		return state.AppendConcatPaths(b, name, f.Name, "/")
	}
	return state.AppendConcatPaths(b, name, "<UNKNOWN>")
}

func paramInt64At(ev *state.Event, i int) (int64, bool) {
	p := ev.Param(i)
	if len(p) < 8 {
		return 0, false
	}
	return int64(le64(p)), true
}

// fdInvalidChar is what sysdig strips from names it prints.
func fdInvalidChar(c byte) bool { return c < 0x20 || c > 0x7e }

func appendPrintable(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !fdInvalidChar(s[i]) {
			b = append(b, s[i])
		}
	}
	return b
}

func sanitizeInPlace(b []byte) []byte {
	out := b[:0]
	for _, c := range b {
		if !fdInvalidChar(c) {
			out = append(out, c)
		}
	}
	return out
}

// fdName computes fd.name (and what fd.containername and the directory
// fields start from).
func fdName(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool) {
	ev := c.Ev
	if f == nil {
		return creatorName(c, b, t, sanitize)
	}
	if ev.Type == scap.PPME_SOCKET_CONNECT_X && !ev.Current() {
		if r, ok := fdResult(ev); ok && r < 0 {
			return creatorName(c, b, t, sanitize)
		}
	}
	if sanitize {
		return appendPrintable(b, f.Name), true
	}
	return append(b, f.Name...), true
}

func isFileFD(f *state.FD) bool { return f.Type == scap.FDFile || f.Type == scap.FDFileV2 }

// fdDirectory appends fd.directory to b.
func fdDirectory(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool) {
	start := len(b)
	if f != nil && !isFileFD(f) && f.Type != scap.FDDirectory {
		return b, false
	}
	b, ok := fdName(c, b, t, f, sanitize)
	if !ok {
		return b, false
	}
	if f == nil && sanitize {
		b = append(b[:start], sanitizeInPlace(b[start:])...)
	}
	if f != nil && f.Type == scap.FDDirectory {
		return b, true
	}
	name := b[start:]
	pos := bytes.LastIndexByte(name, '/')
	switch {
	case pos > 0:
		if pos < len(name)-1 {
			b = b[:start+pos]
		}
	default:
		b = append(b[:start], '/')
	}
	return b, true
}

// fdFilename appends fd.filename to b.
func fdFilename(b []byte, f *state.FD, sanitize bool) ([]byte, bool) {
	if f == nil || !isFileFD(f) {
		return b, false
	}
	start := len(b)
	if sanitize {
		b = appendPrintable(b, f.Name)
	} else {
		b = append(b, f.Name...)
	}
	name := b[start:]
	pos := bytes.LastIndexByte(name, '/')
	switch {
	case pos < 0:
		b = append(b[:start], '/')
	case pos < len(name)-1:
		b = append(b[:start], name[pos+1:]...)
	}
	return b, true
}

// strFD registers a string fd field; g appends the value, sanitized or
// not (sysdig strips unprintable characters from printed names but
// filters see them).
func strFD(name string, g func(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool)) entry {
	return entry{name, argNone, func(fl *Field) error {
		fl.PF = PFNA
		fl.sanitized = true
		fl.get = func(c *Ctx, v *Value) bool {
			t, f, ok := fdOf(c)
			if !ok {
				return false
			}
			b, ok := g(c, c.scratch(), t, f, false)
			v.S = c.keep(b)
			return ok
		}
		fl.text = func(c *Ctx, b []byte) ([]byte, bool) {
			t, f, ok := fdOf(c)
			if !ok {
				return b, false
			}
			return g(c, b, t, f, true)
		}
		fl.json = func(c *Ctx, b []byte) ([]byte, bool) {
			t, f, ok := fdOf(c)
			if !ok {
				return b, false
			}
			s, ok := g(c, c.scratch(), t, f, true)
			c.keep(s)
			if !ok {
				return b, false
			}
			return AppendJSONString(b, s), true
		}
		return nil
	}}
}

// fdField registers a field that needs the event's fd in the table.
func fdField(name string, pf PrintFmt, g func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool) entry {
	return get(name, pf, func(c *Ctx, v *Value) bool {
		t, f, ok := fdOf(c)
		if !ok || f == nil {
			return false
		}
		return g(c, t, f, v)
	})
}

// Socket addresses. sinsp stores a connected socket as client (s) and
// server (d) ends; listening sockets have only the server end.

func isConnSock(f *state.FD) bool { return f.Type == scap.FDIPv4Sock || f.Type == scap.FDIPv6Sock }

func clientIP(f *state.FD) []byte {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4SIP()
	case scap.FDIPv6Sock:
		return f.V6SIP()
	}
	return nil
}

func serverIP(f *state.FD) []byte {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4DIP()
	case scap.FDIPv6Sock:
		return f.V6DIP()
	case scap.FDIPv4ServSock:
		return f.ServV4IP()
	case scap.FDIPv6ServSock:
		return f.ServV6IP()
	}
	return nil
}

func clientPort(f *state.FD) uint16 {
	if f.Type == scap.FDIPv6Sock {
		return f.V6SPort()
	}
	return f.V4SPort()
}

func serverPort(f *state.FD) uint16 {
	switch f.Type {
	case scap.FDIPv4Sock:
		return f.V4DPort()
	case scap.FDIPv6Sock:
		return f.V6DPort()
	case scap.FDIPv4ServSock:
		return f.ServV4Port()
	case scap.FDIPv6ServSock:
		return f.ServV6Port()
	}
	return 0
}

// containerIPv4 parses a container's address, 0.0.0.0 when it has none.
func containerIPv4(ct *state.Container) [4]byte {
	a, err := netip.ParseAddr(ct.IP)
	if err != nil || !a.Is4() {
		return [4]byte{}
	}
	return a.As4()
}

// isLocal reports whether ip (4 or 16 bytes) is an address of the machine
// as seen by thread t: the address of its container, or one of the host's
// interfaces (IPv6 ones by their /64 prefix; never for containers).
func isLocal(e *state.Engine, t *state.Thread, ip []byte) bool {
	if len(ip) == 16 {
		if t.ContainerID != "" {
			return false
		}
		for i := range e.Interfaces {
			itf := &e.Interfaces[i]
			if itf.IsIPv6() && bytes.Equal(itf.Addr[:8], ip[:8]) {
				return true
			}
		}
		return false
	}
	if t.ContainerID != "" && e.Containers != nil {
		if ct := e.Containers.Get(t.ContainerID); ct != nil {
			if cip := containerIPv4(ct); cip != ([4]byte{}) {
				if bytes.Equal(cip[:], ip) {
					return true
				}
			} else {
				found := false
				e.Containers.Each(func(o *state.Container) {
					if cip := containerIPv4(o); bytes.Equal(cip[:], ip) {
						found = true
					}
				})
				if found {
					return true
				}
			}
		}
	}
	for i := range e.Interfaces {
		itf := &e.Interfaces[i]
		if !itf.IsIPv6() && bytes.Equal(itf.Addr[:4], ip) {
			return true
		}
	}
	return false
}

// localRemote returns the local and remote ends of a connected socket with
// a role: the client end is local when its address is the machine's.
func localRemote(c *Ctx, t *state.Thread, f *state.FD) (lip, rip []byte, lport, rport uint16, ok bool) {
	if !isConnSock(f) || f.RoleNone() {
		return nil, nil, 0, 0, false
	}
	cip, sip := clientIP(f), serverIP(f)
	cport, sport := clientPort(f), serverPort(f)
	if isLocal(c.Ev.Engine(), t, cip) {
		return cip, sip, cport, sport, true
	}
	return sip, cip, sport, cport, true
}

// l4Name is the protocol name of fd.l4proto.
func l4Name(l4 uint8) string {
	switch l4 {
	case state.L4TCP:
		return "tcp"
	case state.L4UDP:
		return "udp"
	case state.L4ICMP:
		return "icmp"
	case state.L4Raw:
		return "raw"
	}
	return "<NA>"
}

// appendProto renders a port as fd.*proto does: a service name with -R.
func appendProto(c *Ctx, b []byte, port uint16, l4 uint8) []byte {
	if c.ResolvePorts {
		proto := ""
		switch l4 {
		case state.L4TCP:
			proto = "tcp"
		case state.L4UDP:
			proto = "udp"
		}
		if name := serviceName(port, proto); name != "" {
			return append(b, name...)
		}
	}
	return strconv.AppendUint(b, uint64(port), 10)
}

// endsIP yields the addresses fd.ip and fd.net match: both ends of a
// connected socket, the address of a listening one.
func endsIP(c *Ctx, fn func(v *Value) bool, t Type) bool {
	_, f, ok := fdOf(c)
	if !ok || f == nil {
		return false
	}
	v := Value{T: t, PF: PFNA}
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		v.S = clientIP(f)
		if fn(&v) {
			return true
		}
		v.S = serverIP(f)
		return fn(&v)
	case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		v.S = serverIP(f)
		return fn(&v)
	}
	return false
}

// endsPort yields the ports fd.port and fd.proto match.
func endsPort(c *Ctx, fn func(v *Value) bool) bool {
	_, f, ok := fdOf(c)
	if !ok || f == nil {
		return false
	}
	v := Value{T: TPort, PF: PFDec}
	switch f.Type {
	case scap.FDIPv4Sock, scap.FDIPv6Sock:
		v.N = uint64(clientPort(f))
		if fn(&v) {
			return true
		}
		v.N = uint64(serverPort(f))
		return fn(&v)
	case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		v.N = uint64(serverPort(f))
		return fn(&v)
	}
	return false
}

// portNumber is how port fields render: sysdig prints them as numbers
// even when it resolves ports to service names elsewhere (-R).
const portNumber = TUint32

// noDNS is the value the fd.*ip.name fields compare as on sockets with a
// role: sysdig has no DNS data when reading captures, so "=" never
// matches and "!=" always does.
var noDNS = []byte{0}

var fdTable = []entry{
	get("fd.num", PFID, func(c *Ctx, v *Value) bool {
		t, _, ok := fdOf(c)
		if !ok {
			return false
		}
		v.N = uint64(lastEventFD(c.Ev, t))
		return true
	}),
	fdField("fd.type", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		return setStr(c, v, state.FDTypeName(f.Type))
	}),
	get("fd.typechar", PFNA, func(c *Ctx, v *Value) bool {
		_, f, ok := fdOf(c)
		if !ok {
			return false
		}
		ch := creatorTypeChar(c.Ev.Type)
		if f != nil {
			ch = f.TypeChar()
		}
		v.S = c.keep(append(c.scratch(), ch))
		return true
	}),
	strFD("fd.name", fdName),
	strFD("fd.directory", fdDirectory),
	strFD("fd.filename", func(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool) {
		return fdFilename(b, f, sanitize)
	}),
	strFD("fd.containername", withContainer(fdName)),
	strFD("fd.containerdirectory", withContainer(fdDirectory)),

	// Addresses.
	{"fd.ip", argNone, func(f *Field) error {
		f.get = func(c *Ctx, v *Value) bool { return false }
		f.each = func(c *Ctx, fn func(v *Value) bool) bool { return endsIP(c, fn, TIPAddr) }
		f.anyNE = true
		return nil
	}},
	{"fd.net", argNone, func(f *Field) error {
		f.get = func(c *Ctx, v *Value) bool { return false }
		f.each = func(c *Ctx, fn func(v *Value) bool) bool { return endsIP(c, fn, TIPNet) }
		f.anyNE = true
		return nil
	}},
	fdField("fd.cip", PFNA, clientIPField),
	fdField("fd.cnet", PFNA, clientIPField),
	fdField("fd.sip", PFNA, serverIPField),
	fdField("fd.snet", PFNA, serverIPField),
	fdField("fd.lip", PFNA, localIP(true)),
	fdField("fd.lnet", PFNA, localIP(true)),
	fdField("fd.rip", PFNA, localIP(false)),
	fdField("fd.rnet", PFNA, localIP(false)),

	// Ports and protocols.
	{"fd.port", argNone, buildEndsPort},
	{"fd.proto", argNone, buildEndsPort},
	fdField("fd.cport", PFDec, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		if f.RoleNone() {
			return false
		}
		// sysdig reads sockets other than connected IP ones (listening,
		// unix) as port 0; current libs give them none.
		v.T, v.N = portNumber, 0
		if isConnSock(f) {
			v.N = uint64(clientPort(f))
		} else if c.Ev.Current() {
			return false
		}
		return true
	}),
	fdField("fd.sport", PFDec, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		switch f.Type {
		case scap.FDIPv4Sock, scap.FDIPv6Sock:
			if f.RoleNone() {
				return false
			}
		case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
		default:
			return false
		}
		v.T, v.N = portNumber, uint64(serverPort(f))
		return true
	}),
	fdField("fd.lport", PFDec, localPort(true)),
	fdField("fd.rport", PFDec, localPort(false)),
	fdField("fd.cproto", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		if f.RoleNone() {
			return false
		}
		b := c.scratch()
		if isConnSock(f) {
			b = appendProto(c, b, clientPort(f), f.L4())
		}
		v.S = c.keep(b)
		return true
	}),
	fdField("fd.sproto", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		switch f.Type {
		case scap.FDIPv4Sock, scap.FDIPv6Sock:
			if f.RoleNone() {
				return false
			}
			v.S = c.keep(appendProto(c, c.scratch(), serverPort(f), f.L4()))
			return true
		case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
			// Listening sockets have a server port but no protocol text.
			v.S = c.scratch()
			return true
		}
		return false
	}),
	fdField("fd.lproto", PFNA, localProto(true)),
	fdField("fd.rproto", PFNA, localProto(false)),
	fdField("fd.l4proto", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		return setStr(c, v, l4Name(f.L4()))
	}),
	fdField("fd.sockfamily", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		switch f.Type {
		case scap.FDIPv4Sock, scap.FDIPv6Sock, scap.FDIPv4ServSock, scap.FDIPv6ServSock:
			return setStr(c, v, "ip")
		case scap.FDUnixSock:
			return setStr(c, v, "unix")
		}
		return false
	}),
	fdField("fd.is_server", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		switch f.Type {
		case scap.FDIPv4ServSock, scap.FDIPv6ServSock:
			return setBool(v, true)
		case scap.FDIPv4Sock, scap.FDIPv6Sock:
			return setBool(v, isLocal(c.Ev.Engine(), t, serverIP(f)))
		}
		return setBool(v, false)
	}),
	get("fd.uid", PFNA, func(c *Ctx, v *Value) bool {
		t, _, ok := fdOf(c)
		if !ok {
			return false
		}
		b := strconv.AppendInt(c.scratch(), t.Tid, 10)
		v.S = c.keep(strconv.AppendInt(b, lastEventFD(c.Ev, t), 10))
		return true
	}),
	fdField("fd.connected", PFNA, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		return setBool(v, f.Flags&state.FDSocketConnected != 0)
	}),
	{"fd.name_changed", argNone, buildNameChanged},

	// Domain names: never known when reading captures.
	{"fd.cip.name", argNone, buildNoDNS},
	{"fd.sip.name", argNone, buildNoDNS},
	{"fd.lip.name", argNone, buildNoDNS},
	{"fd.rip.name", argNone, buildNoDNS},

	// Device numbers, as the kernel encodes them.
	fdField("fd.dev", PFHexNum, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		v.N = uint64(int64(int32(f.Dev)))
		return true
	}),
	fdField("fd.dev.major", PFDec, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		v.N = uint64((f.Dev & 0xfff00) >> 8)
		return true
	}),
	fdField("fd.dev.minor", PFDec, func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		v.N = uint64((f.Dev & 0xff) | ((f.Dev >> 12) & 0xfff00))
		return true
	}),
}

// withContainer prefixes a name with the thread's container id.
func withContainer(g func(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool)) func(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool) {
	return func(c *Ctx, b []byte, t *state.Thread, f *state.FD, sanitize bool) ([]byte, bool) {
		b = append(b, t.ContainerID...)
		b = append(b, ':')
		return g(c, b, t, f, sanitize)
	}
}

// clientIPField is the client address of a connected socket.
func clientIPField(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
	if f.RoleNone() || !isConnSock(f) {
		return false
	}
	v.S = clientIP(f)
	return true
}

// serverIPField is the server address of a socket.
func serverIPField(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
	if f.RoleNone() {
		return false
	}
	v.S = serverIP(f)
	return v.S != nil
}

// localIP is the local or remote address of a connected socket.
func localIP(local bool) func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
	return func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		lip, rip, _, _, ok := localRemote(c, t, f)
		if !ok {
			return false
		}
		if local {
			v.S = lip
		} else {
			v.S = rip
		}
		return true
	}
}

// localPort is the local or remote port of a connected socket.
func localPort(local bool) func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
	return func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		_, _, lport, rport, ok := localRemote(c, t, f)
		if !ok {
			return false
		}
		v.T, v.N = portNumber, uint64(rport)
		if local {
			v.N = uint64(lport)
		}
		return true
	}
}

// localProto is the local or remote port of a connected socket, as
// fd.*proto renders it.
func localProto(local bool) func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
	return func(c *Ctx, t *state.Thread, f *state.FD, v *Value) bool {
		_, _, lport, rport, ok := localRemote(c, t, f)
		if !ok {
			return false
		}
		port := rport
		if local {
			port = lport
		}
		v.S = c.keep(appendProto(c, c.scratch(), port, f.L4()))
		return true
	}
}

// buildEndsPort builds fd.port and fd.proto: either end's port.
func buildEndsPort(f *Field) error {
	f.get = func(c *Ctx, v *Value) bool { return false }
	f.each = endsPort
	f.anyNE = true
	return nil
}

// buildNoDNS builds the fd.*ip.name fields (see noDNS).
func buildNoDNS(fl *Field) error {
	fl.get = func(c *Ctx, v *Value) bool { return false }
	fl.each = func(c *Ctx, fn func(v *Value) bool) bool {
		_, f, ok := fdOf(c)
		if !ok || f == nil || !isConnSock(f) || f.RoleNone() {
			return false
		}
		return fn(&Value{T: TCharbuf, S: noDNS})
	}
	return nil
}

// buildNameChanged implements fd.name_changed: whether parsing the event
// changed the name of its fd. sysdig sets the flag after running its
// capture filter on the event, so that filter always sees it false;
// printed values and display filters (-d) see the real value.
//
// Fds that the event creates had no name, copies keep theirs, connect
// and bind name their socket, and datagram traffic renames a socket when
// parsing the event changed its name (the engine records that).
func buildNameChanged(fl *Field) error {
	var lastNum uint64
	var lastOK, lastChanged bool
	eval := func(c *Ctx) (changed, ok bool) {
		ev := c.Ev
		if ev.Num == lastNum && lastNum != 0 {
			return lastChanged, lastOK
		}
		lastNum = ev.Num
		_, f, ok := fdOf(c)
		lastOK = ok && f != nil
		if !lastOK {
			return false, false
		}
		lastChanged = ev.FD == f && nameChanged(ev, f)
		return lastChanged, true
	}
	fl.PF = PFNA
	fl.get = func(c *Ctx, v *Value) bool {
		changed, ok := eval(c)
		if e := c.Ev.Engine(); e != nil && e.Prefilter != nil {
			changed = false
		}
		return ok && setBool(v, changed)
	}
	fl.text = func(c *Ctx, b []byte) ([]byte, bool) {
		changed, ok := eval(c)
		if !ok {
			return b, false
		}
		return strconv.AppendBool(b, changed), true
	}
	fl.json = fl.text
	return nil
}

func nameChanged(ev *state.Event, f *state.FD) bool {
	if added, copied := addedFD(ev); added {
		return !copied && f.Name != ""
	}
	p := ev.Param(1)
	switch ev.Type {
	case scap.PPME_SOCKET_CONNECT_E:
		// Unix sockets are named after the address they connect to.
		return len(p) > 0 && p[0] != afInet && p[0] != afInet6 && f.Name != ""
	case scap.PPME_SOCKET_CONNECT_X:
		r, ok := fdResult(ev)
		return ok && (r >= 0 || r == -einprogress) && len(p) > 0 && f.Name != ""
	case scap.PPME_SOCKET_BIND_X:
		r, ok := fdResult(ev)
		return ok && r >= 0 && len(p) > 0 && f.Name != ""
	case scap.PPME_SOCKET_SENDTO_X, scap.PPME_SOCKET_SENDMSG_X, scap.PPME_SOCKET_RECVFROM_X, scap.PPME_SOCKET_RECVMSG_X:
		return ev.NameChanged
	}
	return false
}

// Socket families of sockaddr and socktuple parameters, and EINPROGRESS.
const (
	afInet      = 2
	afInet6     = 10
	einprogress = 115
)
