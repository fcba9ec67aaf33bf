package fields

import (
	"strings"

	"github.com/traceproj/trace/state"
)

// Fields that Falco's rules use but sysdig 0.29.3's catalog lacks (they
// came with later libsinsp versions). They are accepted by filters, -p
// formats and rules; `trace -l` lists them after sysdig's classes, as a
// class of their own, so that what sysdig prints stays a prefix of it.
// Fields whose data the capture does not carry (inode times, overlayfs
// layer, capabilities, container start time) parse and never have a
// value: a comparison on them is false and rule outputs show <NA>.
var falcoFields = &Class{Name: "falco", ShortDesc: "not in sysdig 0.29.3",
	Desc: "Fields of Falco and of falcosecurity/libs versions newer than sysdig 0.29.3, " +
		"accepted in filters, -p formats and rules files. Those the capture does not carry never have a value.", Defs: []*Def{
		{Name: "proc.pexe", Type: TCharbuf, Desc: "the proc.exe (first command line argument) of the parent process."},
		{Name: "proc.pexepath", Type: TCharbuf, Desc: "the proc.exepath (full executable path) of the parent process."},
		{Name: "proc.aexe", Type: TCharbuf, Desc: "the proc.exe of an ancestor, by index (proc.aexe[1] is the parent)."},
		{Name: "proc.aexepath", Type: TCharbuf, Desc: "the proc.exepath of an ancestor, by index (proc.aexepath[1] is the parent)."},
		{Name: "proc.is_exe_from_memfd", Type: TBool, Desc: "true if the executable is a memfd file (its path starts with memfd:)."},
		{Name: "proc.is_exe_upper_layer", Type: TBool, Desc: "true if the executable lives in the upper layer of an overlayfs (not carried by the capture)."},
		{Name: "proc.exe_ino", Type: TInt64, Desc: "the inode number of the executable (not carried by the capture)."},
		{Name: "proc.exe_ino.ctime", Type: TAbsTime, Desc: "the executable's inode change time (not carried by the capture)."},
		{Name: "proc.exe_ino.mtime", Type: TAbsTime, Desc: "the executable's inode modification time (not carried by the capture)."},
		{Name: "proc.exe_ino.ctime_duration_proc_start", Type: TRelTime, Desc: "ns between the executable's inode change and the process start (not carried by the capture)."},
		{Name: "proc.exe_ino.ctime_duration_pidns_start", Type: TRelTime, Desc: "ns between the executable's inode change and the pid namespace start (not carried by the capture)."},
		{Name: "thread.cap_effective", Type: TCharbuf, Desc: "the effective capabilities (not carried by the capture)."},
		{Name: "thread.cap_permitted", Type: TCharbuf, Desc: "the permitted capabilities (not carried by the capture)."},
		{Name: "thread.cap_inheritable", Type: TCharbuf, Desc: "the inheritable capabilities (not carried by the capture)."},
		{Name: "fd.nameraw", Type: TCharbuf, Desc: "the fd name as the event gave it."},
		{Name: "proc.is_sid_leader", Type: TBool, Desc: "true if the process is its session's leader (proc.sid = proc.vpid)."},
		{Name: "proc.is_vpgid_leader", Type: TBool, Desc: "true if the process is its process group's leader (proc.vpgid = proc.vpid)."},
		{Name: "proc.sid.exe", Type: TCharbuf, Desc: "the proc.exe of the session leader (see proc.sname)."},
		{Name: "proc.sid.exepath", Type: TCharbuf, Desc: "the proc.exepath of the session leader (see proc.sname)."},
		{Name: "proc.vpgid.name", Type: TCharbuf, Desc: "the name of the process group leader: the process whose vpid is proc.vpgid, or the eldest ancestor in the same process group."},
		{Name: "proc.vpgid.exe", Type: TCharbuf, Desc: "the proc.exe of the process group leader (see proc.vpgid.name)."},
		{Name: "proc.vpgid.exepath", Type: TCharbuf, Desc: "the proc.exepath of the process group leader (see proc.vpgid.name)."},
		{Name: "proc.ppid.duration", Type: TRelTime, Desc: "number of nanoseconds since the parent process started."},
		{Name: "container.start_ts", Type: TAbsTime, Desc: "the container start time (not carried by the capture)."},
	}}

func init() {
	for _, d := range falcoFields.Defs {
		d.Class = falcoFields
		if byName[d.Name] == nil {
			byName[d.Name] = d
		}
	}
}

// falcoTable implements falcoFields.
var falcoTable = []entry{
	never("proc.is_exe_upper_layer", argNone),
	never("proc.exe_ino", argNone),
	never("proc.exe_ino.ctime", argNone),
	never("proc.exe_ino.mtime", argNone),
	never("proc.exe_ino.ctime_duration_proc_start", argNone),
	never("proc.exe_ino.ctime_duration_pidns_start", argNone),
	never("thread.cap_effective", argNone),
	never("thread.cap_permitted", argNone),
	never("thread.cap_inheritable", argNone),
	never("container.start_ts", argNone),
	get("proc.pexe", PFDec, parentStr(threadExe)),
	get("proc.pexepath", PFDec, parentStr(threadExePath)),
	{"proc.aexe", argIndexOpt, ancestorStr(threadExe)},
	{"proc.aexepath", argIndexOpt, ancestorStr(threadExePath)},
	get("proc.is_exe_from_memfd", PFDec, exeFromMemfd),
	get("fd.nameraw", PFDec, fdNameRaw),
	get("proc.is_sid_leader", PFDec, mainBool(func(t *state.Thread) bool { return t.Sid == t.Vpid })),
	get("proc.is_vpgid_leader", PFDec, mainBool(func(t *state.Thread) bool { return t.Vpgid == t.Vpid })),
	get("proc.sid.exe", PFDec, leaderStr(threadSid, false, threadExe)),
	get("proc.sid.exepath", PFDec, leaderStr(threadSid, false, threadExePath)),
	get("proc.vpgid.name", PFDec, leaderStr(threadVpgid, true, func(t *state.Thread) string { return t.Comm })),
	get("proc.vpgid.exe", PFDec, leaderStr(threadVpgid, true, threadExe)),
	get("proc.vpgid.exepath", PFDec, leaderStr(threadVpgid, true, threadExePath)),
	get("proc.ppid.duration", PFDec, parentDuration),
}

// mainBool is a boolean of the event's process (its main thread).
func mainBool(f func(t *state.Thread) bool) getter {
	return func(c *Ctx, v *Value) bool {
		t, e := thread(c)
		if t == nil {
			return false
		}
		if mt := e.MainThread(t); mt != nil {
			t = mt
		}
		return setBool(v, f(t))
	}
}

// leaderStr is a string of the leader of the event's session or process
// group (see groupLeader), found by pid as proc.sname does (virtual: only
// outside pid namespaces, where a virtual id is a host pid).
func leaderStr(id func(*state.Thread) int64, virtual bool, pick func(t *state.Thread) string) getter {
	return func(c *Ctx, v *Value) bool {
		t, e := thread(c)
		if t == nil {
			return false
		}
		l := groupLeader(e, t, id, !virtual || t.Vpid == t.Pid)
		if l == nil {
			return false
		}
		v.S = c.keep(append(c.scratch(), pick(l)...))
		return true
	}
}

func parentDuration(c *Ctx, v *Value) bool {
	t, e := thread(c)
	if t == nil {
		return false
	}
	if mt := e.MainThread(t); mt != nil {
		t = mt
	}
	p := parentOf(e, t)
	if p == nil || p.CloneTs() == 0 {
		return false
	}
	v.N = c.Ev.Ts - p.CloneTs()
	return true
}

func threadExe(t *state.Thread) string     { return t.Exe }
func threadExePath(t *state.Thread) string { return t.ExePath }

// parentStr extracts a string of the parent thread.
func parentStr(pick func(t *state.Thread) string) getter {
	return func(c *Ctx, v *Value) bool {
		t, e := thread(c)
		if t == nil {
			return false
		}
		p := e.FindThread(t.Ptid)
		if p == nil {
			return false
		}
		v.S = c.keep(append(c.scratch(), pick(p)...))
		return true
	}
}

// ancestorStr builds a string of an ancestor, by index (see ancestorOf).
func ancestorStr(pick func(t *state.Thread) string) func(f *Field) error {
	return ancestorOf(func(c *Ctx, v *Value, a *state.Thread) {
		v.S = c.keep(append(c.scratch(), pick(a)...))
	})
}

func exeFromMemfd(c *Ctx, v *Value) bool {
	t := c.Ev.Thread
	if t == nil {
		return false
	}
	p := strings.TrimPrefix(t.ExePath, "/")
	return setBool(v, strings.HasPrefix(p, "memfd:"))
}

func fdNameRaw(c *Ctx, v *Value) bool {
	fd := c.Ev.FD
	if fd == nil {
		return false
	}
	v.S = c.keep(append(c.scratch(), fd.Name...))
	return true
}
