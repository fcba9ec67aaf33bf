package state

import (
	"github.com/traceproj/trace/scap"
)

// Param positions that differ between the versions of clone exit events.
func cloneLayout(typ uint16) (flags, uid, gid, comm int, hasMem, hasV bool) {
	switch typ {
	case scap.PPME_SYSCALL_CLONE_11_X:
		return 8, 9, 10, -1, false, false
	case scap.PPME_SYSCALL_CLONE_16_X, scap.PPME_SYSCALL_FORK_X, scap.PPME_SYSCALL_VFORK_X:
		return 13, 14, 15, -1, true, false
	case scap.PPME_SYSCALL_CLONE_17_X, scap.PPME_SYSCALL_FORK_17_X, scap.PPME_SYSCALL_VFORK_17_X:
		return 14, 15, 16, 13, true, false
	}
	// CLONE_20, FORK_20, VFORK_20, CLONE3
	return 15, 16, 17, 13, true, true
}

const cloneStaleNs = 100 * 1000 * 1000 * 1000 // a child entry older than this is stale

func (e *Engine) parseCloneExit(ev *Event) {
	tid := int64(ev.Tid)
	childTid, ok := p64(ev.Event, 0)
	if !ok {
		return
	}
	fi, ui, gi, ci, hasMem, hasV := cloneLayout(ev.Type)
	flags, _ := p32(ev.Event, fi)
	if childTid < 0 {
		return
	}
	vtid, vpid := tid, int64(-1)
	if hasV {
		vtid, _ = p64(ev.Event, 18)
		vpid, _ = p64(ev.Event, 19)
	}
	inContainer := tid != vtid
	inverted := false
	if childTid == 0 {
		// The child's side of the clone.
		if ev.Thread != nil && ev.Thread.cloneTs != 0 && ev.Ts-ev.Thread.cloneTs > cloneStaleNs {
			e.removeThread(tid, true)
			ev.Thread = nil
		}
		var parent int64
		if flags&CloneThread != 0 {
			parent, _ = p64(ev.Event, 4)
		} else {
			parent, _ = p64(ev.Event, 5)
		}
		if ev.Thread != nil {
			if inContainer {
				ev.Thread.Vtid = vtid
				ev.Thread.Vpid = vpid
			}
			return
		}
		inverted = true
		childTid = tid
		tid = parent
	} else if inContainer {
		// The parent sees only the child's namespace tid: wait for the
		// child's own event.
		return
	}

	ptinfo := e.getThread(tid, true)
	if ptinfo == nil {
		return
	}
	validParent := !(ptinfo.Comm == "<NA>" && ptinfo.UID == 0xffffffff)

	collision := false
	if child := e.FindThread(childTid); child != nil {
		if child.Flags&CloneInverted != 0 {
			return
		}
		e.removeThread(childTid, true)
		collision = true
	}

	t := &Thread{Tid: childTid, Ptid: tid, LoginUID: 0xffffffff}
	copyFromParent := func(p *Thread) {
		t.Comm, t.Exe, t.ExePath = p.Comm, p.Exe, p.ExePath
		t.Args = p.Args
		t.Root = p.Root
		t.Sid, t.Vpgid = p.Sid, p.Vpgid
		t.Tty = p.Tty
		t.LoginUID = p.LoginUID
		t.ExeWritable = p.ExeWritable
		if flags&CloneThread == 0 {
			t.Env = p.Env
		}
	}
	if validParent {
		copyFromParent(ptinfo)
	} else {
		collision = true
		e.removeThread(tid, true)
		ptinfo = e.getThread(tid, true)
		if ptinfo == nil {
			return
		}
		if ptinfo.Comm != "<NA>" && ptinfo.UID != 0xffffffff {
			copyFromParent(ptinfo)
		} else {
			t.Exe = pstr(ev.Event, 1)
			if ci >= 0 {
				t.Comm = pstr(ev.Event, ci)
			} else {
				t.Comm = t.Exe
			}
			t.Args = splitNul(ev.Param(2))
			ptinfo.Comm, ptinfo.Exe, ptinfo.ExePath = t.Comm, t.Exe, t.ExePath
			ptinfo.Args = t.Args
		}
	}
	t.Pid, _ = p64(ev.Event, 4)
	t.Flags = flags
	if flags&CloneThread == 0 {
		t.Pid = childTid
		t.fds = e.FDTable(ptinfo).clone()
		t.Cwd = e.Cwd(ptinfo)
	}
	if inverted {
		t.Flags |= CloneInverted
	}
	t.Exe = pstr(ev.Event, 1)
	if ci >= 0 {
		t.Comm = pstr(ev.Event, ci)
	} else {
		t.Comm = t.Exe
	}
	t.Args = splitNul(ev.Param(2))
	if v, ok := p64(ev.Event, 7); ok {
		t.FDLimit = v
	}
	if hasMem {
		if v, ok := p64(ev.Event, 8); ok {
			t.PFMajor = uint64(v)
		}
		if v, ok := p64(ev.Event, 9); ok {
			t.PFMinor = uint64(v)
		}
		t.VMSize, _ = p32(ev.Event, 10)
		t.VMRSS, _ = p32(ev.Event, 11)
		t.VMSwap, _ = p32(ev.Event, 12)
	}
	t.UID, _ = p32(ev.Event, ui)
	t.GID, _ = p32(ev.Event, gi)
	if inContainer {
		t.Vtid, t.Vpid = vtid, vpid
	} else {
		t.Vtid, t.Vpid = t.Tid, t.Pid
	}
	if hasV {
		t.Cgroups = splitCgroups(ev.Param(14))
		e.Containers.resolve(t)
	}
	if !hasV && ptinfo != nil {
		// Without a cgroups parameter the child stays in its parent's
		// container; with one, the cgroups decide (empty: the host).
		t.ContainerID = ptinfo.ContainerID
	}
	t.cloneTs = ev.Ts
	e.addThread(t)
	if collision {
		// The table changed under the event: look its thread up again.
		ev.Thread = e.FindThread(int64(ev.Tid))
	}
}

func (e *Engine) parseExecveExit(ev *Event) {
	r, ok := p64(ev.Event, 0)
	if !ok || r < 0 {
		return
	}
	t := ev.Thread
	if t == nil {
		return
	}
	typ := ev.Type
	t.Exe = pstr(ev.Event, 1)
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_8_X, scap.PPME_SYSCALL_EXECVE_13_X, scap.PPME_SYSCALL_EXECVE_14_X:
		t.Comm = t.Exe
	default:
		t.Comm = pstr(ev.Event, 13)
	}
	t.Args = splitNul(ev.Param(2))
	if v, ok := p64(ev.Event, 4); ok {
		t.Pid = v
	}
	if t.Ptid == -1 {
		if v, ok := p64(ev.Event, 5); ok {
			t.Ptid = v
		}
	}
	if v, ok := p64(ev.Event, 7); ok {
		t.FDLimit = v
	}
	if typ != scap.PPME_SYSCALL_EXECVE_8_X {
		if v, ok := p64(ev.Event, 8); ok {
			t.PFMajor = uint64(v)
		}
		if v, ok := p64(ev.Event, 9); ok {
			t.PFMinor = uint64(v)
		}
		t.VMSize, _ = p32(ev.Event, 10)
		t.VMRSS, _ = p32(ev.Event, 11)
		t.VMSwap, _ = p32(ev.Event, 12)
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_14_X:
		t.Env = splitNul(ev.Param(13))
	case scap.PPME_SYSCALL_EXECVE_15_X:
		t.Env = splitNul(ev.Param(14))
	case scap.PPME_SYSCALL_EXECVE_16_X, scap.PPME_SYSCALL_EXECVE_17_X, scap.PPME_SYSCALL_EXECVE_18_X,
		scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		t.Env = splitNul(ev.Param(15))
		t.Cgroups = splitCgroups(ev.Param(14))
		e.Containers.resolve(t)
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_17_X, scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X,
		scap.PPME_SYSCALL_EXECVEAT_X:
		if v, ok := p32(ev.Event, 16); ok {
			t.Tty = v
		}
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		if enter := e.enterOf(ev); enter != nil {
			name := pstr(enter, 0)
			if enter.Type == scap.PPME_SYSCALL_EXECVEAT_E {
				name = pstr(enter, 1)
			}
			if len(name) >= 4 && name[:4] == "<NA>" {
				t.ExePath = "<NA>"
			} else {
				t.ExePath, _ = ConcatPaths(t.Cwd, name)
			}
		}
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		if v, ok := p64(ev.Event, 17); ok {
			t.Vpgid = v
		}
	}
	if ev.NumParams() > 18 {
		if v, ok := p32(ev.Event, 18); ok {
			t.LoginUID = v
		}
	}
	if ev.NumParams() > 19 {
		if v, ok := p32(ev.Event, 19); ok {
			t.ExeWritable = v&1 != 0
		}
	}
	inverted := t.Flags&CloneInverted != 0
	t.Flags = CloneActive | CloneNameChanged
	if inverted {
		t.Flags |= CloneInverted
	}
}
