package state

import (
	"github.com/traceproj/trace/scap"
)

// cloneParams holds the parameter indexes of one version of the clone,
// fork and vfork exits (-1: the version has no such parameter).
type cloneParams struct {
	exe, args, pid, ptid, fdlimit           int
	pgftMaj, pgftMin, vmSize, vmRSS, vmSwap int
	comm, cgroups, flags, uid, gid          int
	vtid, vpid                              int
}

// cloneLayouts holds the parameter indexes of each clone exit type, found
// by name in sysdig 0.29.3's table; a type that has no "exe" parameter
// there (CLONE3) has CLONE_20's layout.
var cloneLayouts = func() *[scap.NumEventsAll]cloneParams {
	var ls [scap.NumEventsAll]cloneParams
	for t := range ls {
		ls[t] = cloneLayoutByName(scap.Info(uint16(t)))
	}
	clone20 := ls[scap.PPME_SYSCALL_CLONE_20_X]
	for t := range ls {
		if ls[t].exe < 0 {
			ls[t] = clone20
		}
	}
	return &ls
}()

func cloneLayoutByName(info *scap.EventInfo) cloneParams {
	idx := func(name string) int {
		if info != nil {
			for i, p := range info.Params {
				if p.Name == name {
					return i
				}
			}
		}
		return -1
	}
	return cloneParams{
		exe: idx("exe"), args: idx("args"), pid: idx("pid"), ptid: idx("ptid"), fdlimit: idx("fdlimit"),
		pgftMaj: idx("pgft_maj"), pgftMin: idx("pgft_min"), vmSize: idx("vm_size"), vmRSS: idx("vm_rss"),
		vmSwap: idx("vm_swap"), comm: idx("comm"), cgroups: idx("cgroups"), flags: idx("flags"),
		uid: idx("uid"), gid: idx("gid"), vtid: idx("vtid"), vpid: idx("vpid"),
	}
}

// cloneLayout returns the parameter indexes of clone exit type typ.
func cloneLayout(typ uint16) cloneParams {
	if int(typ) < len(cloneLayouts) {
		return cloneLayouts[typ]
	}
	return cloneLayouts[scap.PPME_SYSCALL_CLONE_20_X]
}

const cloneStaleNs = 100 * 1000 * 1000 * 1000 // a child entry older than this is stale

// parseCloneExit adds the thread a clone, fork or vfork created, from the
// parent's exit or, when that was not seen, the child's own one.
func (e *Engine) parseCloneExit(ev *Event) {
	tid := int64(ev.Tid)
	childTid, ok := ev.Int64(scap.CloneX20Res) // res leads every version
	if !ok {
		return
	}
	l := cloneLayout(ev.Type)
	flags, _ := ev.Uint32(l.flags)
	if childTid < 0 {
		return
	}
	vtid, vpid := tid, int64(-1)
	if l.vtid >= 0 {
		vtid, _ = ev.Int64(l.vtid)
		vpid, _ = ev.Int64(l.vpid)
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
		if flags&scap.PPM_CL_CLONE_THREAD != 0 {
			parent, _ = ev.Int64(l.pid)
		} else {
			parent, _ = ev.Int64(l.ptid)
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
	} else if e.current && (flags&scap.PPM_CL_CLONE_VFORK != 0 || ev.Type == scap.PPME_SYSCALL_VFORK_20_X) {
		// Current libs leave a vfork child to its own clone exit: the
		// parent's exit may come after the child has exited already.
		return
	} else if inContainer {
		// The parent sees only the child's namespace tid: wait for the
		// child's own event.
		return
	}

	ptinfo := e.getThread(tid, true)
	if ptinfo == nil {
		return
	}
	t := &Thread{Tid: childTid, Ptid: tid, LoginUID: 0xffffffff}
	ptinfo, collision, ok := e.cloneParent(ev, &l, t, ptinfo, flags)
	if !ok {
		return
	}
	t.Pid, _ = ev.Int64(l.pid)
	t.Flags = flags
	if e.current && flags&scap.PPM_CL_CLONE_THREAD != 0 {
		// Current libs: a new thread's parent is its process's parent.
		t.Ptid = ptinfo.Ptid
	}
	if flags&scap.PPM_CL_CLONE_THREAD == 0 {
		t.Pid = childTid
		t.fds = e.FDTable(ptinfo).clone()
		t.Cwd = e.Cwd(ptinfo)
	}
	if inverted {
		t.Flags |= scap.PPM_CL_CLONE_INVERTED
	}
	e.cloneChild(ev, &l, t)
	if inContainer {
		t.Vtid, t.Vpid = vtid, vpid
	} else {
		t.Vtid, t.Vpid = t.Tid, t.Pid
	}
	if l.cgroups >= 0 {
		var pcg []Cgroup
		if ptinfo != nil {
			pcg = ptinfo.Cgroups
		}
		t.Cgroups = cgroupsLike(ev.Param(l.cgroups), t.Cgroups, pcg)
		e.Containers.resolve(t)
	} else if ptinfo != nil {
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

// cloneParent settles the parent of new thread t and copies what t
// inherits from it. An entry already in the table for the child is
// replaced (collision), unless it came from an inverted clone (ok false:
// nothing to do); a parent without valid data is looked up again, and
// failing that takes the child's names. It returns the parent.
func (e *Engine) cloneParent(ev *Event, l *cloneParams, t, ptinfo *Thread, flags uint32) (parent *Thread, collision, ok bool) {
	validParent := !(ptinfo.Comm == "<NA>" && ptinfo.UID == 0xffffffff)
	if child := e.FindThread(t.Tid); child != nil {
		if child.Flags&scap.PPM_CL_CLONE_INVERTED != 0 {
			return nil, false, false
		}
		e.removeThread(t.Tid, true)
		collision = true
	}
	copyFromParent := func(p *Thread) {
		t.Comm, t.Exe, t.ExePath = p.Comm, p.Exe, p.ExePath
		t.Args = p.Args
		t.Root = p.Root
		t.Sid, t.Vpgid = p.Sid, p.Vpgid
		t.Tty = p.Tty
		t.LoginUID = p.LoginUID
		t.ExeWritable = p.ExeWritable
		if flags&scap.PPM_CL_CLONE_THREAD == 0 {
			t.Env = p.Env
		}
	}
	if validParent {
		copyFromParent(ptinfo)
		return ptinfo, collision, true
	}
	collision = true
	e.removeThread(t.Ptid, true)
	ptinfo = e.getThread(t.Ptid, true)
	if ptinfo == nil {
		return nil, collision, false
	}
	if ptinfo.Comm != "<NA>" && ptinfo.UID != 0xffffffff {
		copyFromParent(ptinfo)
	} else {
		cloneNames(ev, l, t)
		ptinfo.Comm, ptinfo.Exe, ptinfo.ExePath = t.Comm, t.Exe, t.ExePath
		ptinfo.Args = t.Args
	}
	return ptinfo, collision, true
}

// cloneNames sets exe, comm and args of t from a clone exit (comm is exe
// in versions without a comm parameter).
func cloneNames(ev *Event, l *cloneParams, t *Thread) {
	t.Exe, _ = ev.Str(l.exe)
	if l.comm >= 0 {
		t.Comm, _ = ev.Str(l.comm)
	} else {
		t.Comm = t.Exe
	}
	t.Args = splitNul(ev.Param(l.args))
}

// cloneChild sets what t takes from the clone exit itself: names, fd
// limit, page faults and memory, uid and gid.
func (e *Engine) cloneChild(ev *Event, l *cloneParams, t *Thread) {
	cloneNames(ev, l, t)
	if v, ok := ev.Int64(l.fdlimit); ok {
		t.FDLimit = v
	}
	if l.pgftMaj >= 0 {
		takeMemory(ev, t, l.pgftMaj, l.pgftMin, l.vmSize, l.vmRSS, l.vmSwap)
		e.sizeGen++
	}
	t.UID, _ = ev.Uint32(l.uid)
	t.GID, _ = ev.Uint32(l.gid)
}

// parseExecveExit applies a successful execve or execveat. The versions
// of the exit share their first parameters (res to vm_swap, read here with
// the constants of the latest version) and differ in what follows.
func (e *Engine) parseExecveExit(ev *Event) {
	r, ok := ev.Int64(scap.ExecveX19Res)
	if !ok || r < 0 {
		return
	}
	t := ev.Thread
	if t == nil {
		return
	}
	typ := ev.Type
	t.Exe, _ = ev.Str(scap.ExecveX19Exe)
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_8_X, scap.PPME_SYSCALL_EXECVE_13_X, scap.PPME_SYSCALL_EXECVE_14_X:
		t.Comm = t.Exe
	default:
		t.Comm, _ = ev.Str(scap.ExecveX19Comm) // where 15_X and later have it
	}
	t.Args = splitNul(ev.Param(scap.ExecveX19Args))
	if v, ok := ev.Int64(scap.ExecveX19Pid); ok {
		t.Pid = v
	}
	if t.Ptid == -1 {
		if v, ok := ev.Int64(scap.ExecveX19Ptid); ok {
			t.Ptid = v
		}
	}
	if v, ok := ev.Int64(scap.ExecveX19Fdlimit); ok {
		t.FDLimit = v
	}
	if typ != scap.PPME_SYSCALL_EXECVE_8_X {
		takeMemory(ev, t, scap.ExecveX19PgftMaj, scap.ExecveX19PgftMin, scap.ExecveX19VmSize, scap.ExecveX19VmRss, scap.ExecveX19VmSwap)
		e.sizeGen++
	}
	e.execveLater(ev, t)
	inverted := t.Flags&scap.PPM_CL_CLONE_INVERTED != 0
	t.Flags = scap.PPM_CL_ACTIVE | scap.PPM_CL_NAME_CHANGED
	if inverted {
		t.Flags |= scap.PPM_CL_CLONE_INVERTED
	}
}

// execveLater applies the parameters later versions of the execve exit
// added: env, cgroups, tty, the exe path (from the enter event), vpgid,
// loginuid and the exe-writable flag.
func (e *Engine) execveLater(ev *Event, t *Thread) {
	typ := ev.Type
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_14_X:
		t.Env = envLike(ev.Param(scap.ExecveX14Env), t.Env)
	case scap.PPME_SYSCALL_EXECVE_15_X:
		t.Env = envLike(ev.Param(scap.ExecveX15Env), t.Env)
	case scap.PPME_SYSCALL_EXECVE_16_X, scap.PPME_SYSCALL_EXECVE_17_X, scap.PPME_SYSCALL_EXECVE_18_X,
		scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		t.Env = envLike(ev.Param(scap.ExecveX16Env), t.Env)
		t.Cgroups = cgroupsLike(ev.Param(scap.ExecveX16Cgroups), t.Cgroups)
		e.Containers.resolve(t)
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_17_X, scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X,
		scap.PPME_SYSCALL_EXECVEAT_X:
		if v, ok := ev.Uint32(scap.ExecveX17Tty); ok {
			t.Tty = v
		}
	}
	switch typ {
	case scap.PPME_SYSCALL_EXECVE_18_X, scap.PPME_SYSCALL_EXECVE_19_X, scap.PPME_SYSCALL_EXECVEAT_X:
		// (Current libs take the path from trusted_exepath only, below.)
		if enter := e.enterOf(ev); enter != nil && !e.current {
			name, _ := enter.Str(scap.ExecveE19Filename)
			if enter.Type == scap.PPME_SYSCALL_EXECVEAT_E {
				name, _ = enter.Str(scap.ExecveatEPathname)
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
		if v, ok := ev.Int64(scap.ExecveX19Vpgid); ok {
			t.Vpgid = v
		}
	}
	if ev.NumParams() > scap.ExecveX19Loginuid {
		if v, ok := ev.Uint32(scap.ExecveX19Loginuid); ok {
			t.LoginUID = v
		}
	}
	if ev.NumParams() > scap.ExecveX19Flags {
		if v, ok := ev.Uint32(scap.ExecveX19Flags); ok {
			t.ExeWritable = v&1 != 0
		}
	}
	if e.current {
		// Current libs take the path the kernel resolved for the
		// executable, when the capture has it.
		if j := paramNamed(ev.Info, "trusted_exepath"); j >= 0 {
			if p, ok := ev.Str(j); ok && p != "" {
				t.ExePath = p
			}
		}
	}
}

// takeMemory sets t's page fault counts and memory sizes from the
// parameters at the given indexes of a clone or execve exit.
func takeMemory(ev *Event, t *Thread, pgftMaj, pgftMin, vmSize, vmRSS, vmSwap int) {
	if v, ok := ev.Uint64(pgftMaj); ok {
		t.PFMajor = v
	}
	if v, ok := ev.Uint64(pgftMin); ok {
		t.PFMinor = v
	}
	t.VMSize, _ = ev.Uint32(vmSize)
	t.VMRSS, _ = ev.Uint32(vmRSS)
	t.VMSwap, _ = ev.Uint32(vmSwap)
}
