package state

import "github.com/traceproj/trace/scap"

// Current-layout captures (see scap.DetectLayout) carry most system
// calls as an exit event alone. The parsers here were written for enter
// and exit pairs, as sysdig 0.29.3 parses them; for such a capture each
// exit without its enter gets one made from the exit's own parameters (the
// current layout's exit holds all of the enter's, under the same names), so
// the same parsers apply. This is the inverse of current libs' converter,
// which turns old pairs into complete exits.

// SetCurrent tells the engine which layout the capture is in (see
// scap.DetectLayout).
func (e *Engine) SetCurrent(current bool) { e.current = current }

// Current reports whether the capture is read in the current layout.
func (e *Engine) Current() bool { return e.current }

// Current reports whether ev comes from a capture in the current layout.
func (ev *Event) Current() bool { return ev.view || ev.eng != nil && ev.eng.current }

// CurrentView makes dst ev as current libs present it: the same thread,
// fd and numbering, with raw (ev in current libs' layout, from
// scap.Upgrader) as its event, rendered as current libs render events.
func (ev *Event) CurrentView(dst *Event, raw *scap.Event) *Event {
	*dst = *ev
	dst.Event = raw
	if info := scap.InfoHead(raw.Type); info != nil {
		dst.Info = info
	}
	dst.view = true
	return dst
}

// enterAliases names the exit parameter an enter parameter is taken from
// when their names differ.
var enterAliases = map[string]string{"fd": "oldfd"}

// enterSources maps each exit type of the current layout to the exit
// parameter each parameter of its enter comes from (-1: none), computed
// once so that events are never searched by name.
var enterSources = func() (m [scap.NumEventsAll][]int8) {
	for t := 1; t < scap.NumEventsAll; t += 2 {
		x, en := scap.InfoFor(uint16(t), true), scap.InfoFor(uint16(t-1), true)
		if x == nil || en == nil {
			continue
		}
		m[t] = make([]int8, len(en.Params))
		for i := range en.Params {
			j := paramNamed(x, en.Params[i].Name)
			if alias, ok := enterAliases[en.Params[i].Name]; ok && j < 0 {
				j = paramNamed(x, alias)
			}
			m[t][i] = int8(j)
		}
	}
	return m
}()

// enterFromExit processes, without delivering it, the enter event of exit
// x made from x's parameters, unless the thread's last event is that enter.
func (e *Engine) enterFromExit(x *Event) {
	typ := x.Type - 1
	if x.Type == scap.PPME_SCHEDSWITCH_6_E+1 || x.Info.Dir != scap.DirExit {
		return
	}
	einfo := scap.InfoFor(typ, true)
	if einfo == nil || einfo.Dir != scap.DirEnter {
		return
	}
	if isCloneExit(x.Type) {
		// The child's exit: its thread may not exist yet.
		if t := e.FindThread(int64(x.Tid)); t != nil {
			t.latencyEnter = x.Ts
		}
		return
	}
	if t := e.FindThread(int64(x.Tid)); t != nil && (t.lastEventType == typ ||
		(x.Type == scap.PPME_SYSCALL_EXECVE_19_X && t.lastEventType == scap.PPME_SYSCALL_EXECVEAT_E)) {
		return // the capture has the enter
	}
	b := &e.synth
	b.Begin(x.Ts, x.Tid, typ)
	for _, j := range enterSources[x.Type] {
		if j := int(j); j >= 0 && j < x.NumParams() {
			b.Raw(x.Param(j))
		} else {
			b.Raw(nil)
		}
	}
	if err := e.synthRaw.Decode(b.Finish(), scap.EventHeaderV2, x.CPU); err != nil {
		return
	}
	o := &e.synthOut
	o.Event, o.Num, o.Info, o.Thread, o.FD, o.FDNum, o.Errno, o.eng = &e.synthRaw, x.Num, einfo, nil, nil, -1, 0, e
	if e.reset(o) && typ != scap.PPME_SOCKET_CONNECT_E {
		// (Current libs name a connected socket from the exit's tuple,
		// and only when the call succeeded.)
		e.parse(o)
	}
	if t := o.Thread; t != nil {
		switch typ {
		case scap.PPME_SYSCALL_COPY_FILE_RANGE_E:
			// Current libs count the output fd as the one it uses.
			if j := paramNamed(x.Info, "fdout"); j >= 0 {
				if fd, ok := x.Int64(j); ok {
					t.lastEventFD = fd
				}
			}
		case scap.PPME_SYSCALL_MMAP_E, scap.PPME_SYSCALL_MMAP2_E:
			// Current libs take mmap's fd from its fd parameter (0.29.3
			// from the first, the address).
			if fd, ok := o.Int64(scap.MmapEFd); ok {
				t.lastEventFD = fd
			}
		}
	}
	// Exits of calls whose enter had no fd parameter (newfstatat's dirfd,
	// for instance) name the fd they use themselves.
	if t := o.Thread; t != nil && x.Info.Flags&scap.EF_USES_FD != 0 && einfo.Flags&scap.EF_USES_FD == 0 {
		if j := exitFDParam(x.Info); j >= 0 {
			if fd, ok := x.Int64(j); ok {
				t.lastEventFD = fd
			}
		}
	}
}

// paramNamed returns the index of info's parameter called name, or -1.
func paramNamed(info *scap.EventInfo, name string) int {
	for i := range info.Params {
		if info.Params[i].Name == name {
			return i
		}
	}
	return -1
}

// exitFDParam returns the index of the fd an exit event uses: its first fd
// parameter after the result.
func exitFDParam(info *scap.EventInfo) int {
	for i := 1; i < len(info.Params); i++ {
		if info.Params[i].Type == scap.PT_FD {
			return i
		}
	}
	return -1
}

// setCurrentParsers adds the parsers of the event types that only current
// captures have, where the effect is that of an older type's parser.
func setCurrentParsers(set func(p parser, types ...uint16)) {
	set((*Engine).parseDupExit, scap.PPME_SYSCALL_DUP2_X, scap.PPME_SYSCALL_DUP3_X, scap.PPME_SYSCALL_DUP_1_X)
	set((*Engine).parsePipeExit, scap.PPME_SYSCALL_PIPE2_X)
	set((*Engine).parseAcceptExit, scap.PPME_SOCKET_ACCEPT4_6_X)
	for _, s := range []struct {
		typ    uint16
		fdType uint8
	}{
		{scap.PPME_SYSCALL_EVENTFD2_X, scap.FDEvent},
		{scap.PPME_SYSCALL_SIGNALFD4_X, scap.FDSignalFD},
		{scap.PPME_SYSCALL_INOTIFY_INIT1_X, scap.FDInotify},
		{scap.PPME_SYSCALL_EPOLL_CREATE_X, scap.FDEventPoll},
		{scap.PPME_SYSCALL_EPOLL_CREATE1_X, scap.FDEventPoll},
		{scap.PPME_SYSCALL_BPF_2_X, scap.FDBPF},
		{scap.PPME_SYSCALL_IO_URING_SETUP_X, scap.FDIOUring},
		{scap.PPME_SYSCALL_PIDFD_OPEN_X, scap.FDPidFD},
		{scap.PPME_SYSCALL_MEMFD_CREATE_X, scap.FDMemFD},
	} {
		fdType := s.fdType
		set(func(e *Engine, ev *Event) { e.singleFDExit(ev, fdType) }, s.typ)
	}
	set((*Engine).parseUserAdded, scap.PPME_USER_ADDED_E)
	set((*Engine).parseGroupAdded, scap.PPME_GROUP_ADDED_E)
}

// parseUserAdded adds a user of a useradded event (current captures keep
// the user table as such events). Users of containers are left out, as
// the capture's user table leaves them out.
func (e *Engine) parseUserAdded(ev *Event) {
	if e.opts.NoUserTables {
		return
	}
	if c, _ := ev.Str(5); c != "" {
		return
	}
	uid, ok1 := ev.Uint32(0)
	gid, ok2 := ev.Uint32(1)
	if !ok1 || !ok2 {
		return
	}
	u := &scap.User{UID: uid, GID: gid}
	u.Name, _ = ev.Str(2)
	u.HomeDir, _ = ev.Str(3)
	u.Shell, _ = ev.Str(4)
	e.users[uid] = u
}

// parseGroupAdded adds a group of a groupadded event.
func (e *Engine) parseGroupAdded(ev *Event) {
	if e.opts.NoUserTables {
		return
	}
	if c, _ := ev.Str(2); c != "" {
		return
	}
	gid, ok := ev.Uint32(0)
	if !ok {
		return
	}
	g := &scap.Group{GID: gid}
	g.Name, _ = ev.Str(1)
	e.groups[gid] = g
}
