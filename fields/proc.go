package fields

import (
	"math"
	"strings"
	"unsafe"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Fields of the process (proc.*, thread.*), user and group classes.

// thread returns the event's thread and engine; extraction of these
// fields fails without one.
func thread(c *Ctx) (*state.Thread, *state.Engine) {
	return c.Ev.Thread, c.Ev.Engine()
}

// parentOf looks up t's parent without creating it.
func parentOf(e *state.Engine, t *state.Thread) *state.Thread {
	return e.FindThread(t.Ptid)
}

// eachParent visits t's ancestors, nearest first, stopping on loops (two
// walkers at different speeds) or when visit returns false.
func eachParent(e *state.Engine, t *state.Thread, visit func(p *state.Thread) bool) {
	slow := parentOf(e, t)
	fast := slow
	if fast != nil {
		fast = parentOf(e, fast)
	}
	for slow != nil && slow.Tid != -1 {
		if !visit(slow) {
			return
		}
		slow = parentOf(e, slow)
		for i := 0; i < 2; i++ {
			if fast != nil {
				fast = parentOf(e, fast)
			}
			if slow != nil && slow == fast {
				return
			}
		}
	}
}

func appendJoined(b []byte, parts []string) []byte {
	for i, p := range parts {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, p...)
	}
	return b
}

func appendCmdline(b []byte, t *state.Thread) []byte {
	b = append(b, t.Comm...)
	for _, a := range t.Args {
		b = append(b, ' ')
		b = append(b, a...)
	}
	return b
}

// threadField registers a field that needs the event's thread.
func threadField(name string, pf PrintFmt, g func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool) entry {
	return get(name, pf, func(c *Ctx, v *Value) bool {
		t, e := thread(c)
		if t == nil {
			return false
		}
		return g(c, t, e, v)
	})
}

func strField(name string, g func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool)) entry {
	return threadField(name, PFNA, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		b, ok := g(t, e, c.scratch())
		v.S = c.keep(b)
		return ok
	})
}

// strRefField registers a string field read from the thread without
// copying: the value views the thread's string, which is never modified in
// place (the state replaces strings), and consumers of Value.S only read.
var noBytes = []byte{}

func strRefField(name string, g func(t *state.Thread) string) entry {
	return threadField(name, PFNA, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		if str := g(t); str != "" {
			v.S = unsafe.Slice(unsafe.StringData(str), len(str))
		} else {
			v.S = noBytes
		}
		return true
	})
}

func intField(name string, pf PrintFmt, g func(t *state.Thread, e *state.Engine) (int64, bool)) entry {
	return threadField(name, pf, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		n, ok := g(t, e)
		v.N = uint64(n)
		return ok
	})
}

// fdOpenCount counts the fds of t's process (its main thread's table).
func fdOpenCount(e *state.Engine, t *state.Thread) int {
	mt := e.MainThread(t)
	if mt == nil {
		return 0
	}
	return mt.OwnFDs().Len()
}

func fdLimit(e *state.Engine, t *state.Thread) int64 {
	if mt := e.MainThread(t); mt != nil {
		return mt.FDLimit
	}
	return t.FDLimit
}

// ancestor returns the n-th ancestor of t's main thread (0: itself).
func ancestor(e *state.Engine, t *state.Thread, n int) *state.Thread {
	mt := e.MainThread(t)
	for i := 0; mt != nil && i < n; i++ {
		mt = parentOf(e, mt)
	}
	return mt
}

func threadSid(t *state.Thread) int64   { return t.Sid }
func threadVpgid(t *state.Thread) int64 { return t.Vpgid }

// groupLeader finds the leader of t's session or process group (id gives
// its id): the thread of that pid (when byPid), else the eldest ancestor
// of t's process in the same group.
func groupLeader(e *state.Engine, t *state.Thread, id func(*state.Thread) int64, byPid bool) *state.Thread {
	if byPid {
		if l := e.FindThread(id(t)); l != nil {
			return l
		}
	}
	mt := e.MainThread(t)
	if mt == nil {
		return nil
	}
	g := id(mt)
	eachParent(e, mt, func(p *state.Thread) bool {
		if id(p) != g {
			return false
		}
		mt = p
		return true
	})
	return mt
}

var procTable = []entry{
	get("thread.tid", PFID, func(c *Ctx, v *Value) bool { v.N = c.Ev.Tid; return true }),
	intField("proc.pid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return t.Pid, true }),
	intField("proc.sid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return t.Sid, true }),
	intField("proc.vpgid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return t.Vpgid, true }),
	intField("proc.tty", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(int32(t.Tty)), true }),
	strField("proc.sname", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		if l := groupLeader(e, t, threadSid, true); l != nil {
			return append(b, l.Comm...), true
		}
		return b, false
	}),
	strRefField("proc.name", func(t *state.Thread) string { return t.Comm }),
	strRefField("proc.exe", func(t *state.Thread) string { return t.Exe }),
	strRefField("proc.exepath", func(t *state.Thread) string { return t.ExePath }),
	strField("proc.args", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) { return appendJoined(b, t.Args), true }),
	strField("proc.env", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		env := t.Env
		if !t.IsMain() {
			// Threads show their process's environment.
			if mt := e.MainThread(t); mt != nil {
				env = mt.Env
			}
		}
		return appendJoined(b, env), true
	}),
	strField("proc.cmdline", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) { return appendCmdline(b, t), true }),
	strField("proc.exeline", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		b = append(b, t.Exe...)
		b = append(b, ' ')
		return appendJoined(b, t.Args), true
	}),
	strField("proc.cwd", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) { return append(b, e.Cwd(t)...), true }),
	intField("proc.nthreads", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) {
		mt := e.MainThread(t)
		if mt == nil {
			return 0, false
		}
		return int64(mt.NChilds) + 1, true
	}),
	intField("proc.nchilds", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.NChilds), true }),
	intField("proc.ppid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) {
		mt := e.MainThread(t)
		if mt == nil {
			return 0, false
		}
		return mt.Ptid, true
	}),
	strField("proc.pname", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		p := e.FindThread(t.Ptid)
		if p == nil {
			return b, false
		}
		return append(b, p.Comm...), true
	}),
	strField("proc.pcmdline", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		p := e.FindThread(t.Ptid)
		if p == nil {
			return b, false
		}
		return appendCmdline(b, p), true
	}),
	{"proc.apid", argIndexOpt, ancestorField(false)},
	{"proc.aname", argIndexOpt, ancestorField(true)},
	intField("proc.loginshellid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) {
		mt := e.MainThread(t)
		if mt == nil {
			return 0, false
		}
		var res *state.Thread
		check := func(p *state.Thread) bool {
			if strings.HasSuffix(p.Comm, "sh") {
				res = p
			}
			return true
		}
		check(mt)
		eachParent(e, mt, check)
		if res == nil {
			return 0, false
		}
		return res.Pid, true
	}),
	threadField("proc.duration", PFDec, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		if t.CloneTs() == 0 {
			return false
		}
		v.N = c.Ev.Ts - t.CloneTs()
		return true
	}),
	intField("proc.fdopencount", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(fdOpenCount(e, t)), true }),
	intField("proc.fdlimit", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return fdLimit(e, t), true }),
	threadField("proc.fdusage", PFNA, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		lim := fdLimit(e, t)
		if lim > 0 {
			v.F = float64(fdOpenCount(e, t)) * 100 / float64(lim)
		}
		return true
	}),
	intField("proc.vmsize", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.VMSize), true }),
	intField("proc.vmrss", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.VMRSS), true }),
	intField("proc.vmswap", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.VMSwap), true }),
	intField("thread.pfmajor", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.PFMajor), true }),
	intField("thread.pfminor", PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.PFMinor), true }),
	threadField("thread.ismain", PFNA, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool { return setBool(v, t.IsMain()) }),
	mainOnly("thread.vmsize", func(t *state.Thread) uint32 { return t.VMSize }, 1),
	mainOnly("thread.vmrss", func(t *state.Thread) uint32 { return t.VMRSS }, 1),
	mainOnly("thread.vmsize.b", func(t *state.Thread) uint32 { return t.VMSize }, 1024),
	mainOnly("thread.vmrss.b", func(t *state.Thread) uint32 { return t.VMRSS }, 1024),
	strField("thread.nametid", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		b = append(b, t.Comm...)
		return appendInt(b, t.Tid), true
	}),
	strField("thread.cgroups", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		if len(t.Cgroups) == 0 {
			return b, false
		}
		for i, cg := range t.Cgroups {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, cg.Subsys...)
			b = append(b, '=')
			b = append(b, cg.Path...)
		}
		return b, true
	}),
	{"thread.cgroup", argDot, func(f *Field) error {
		// The subsystem name is letters and underscores only.
		sub := f.Arg
		for i := 0; i < len(sub); i++ {
			ch := sub[i]
			if !(ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
				sub = sub[:i]
				break
			}
		}
		f.fixArg(sub)
		f.get = func(c *Ctx, v *Value) bool {
			t := c.Ev.Thread
			if t == nil {
				return false
			}
			for _, cg := range t.Cgroups {
				if cg.Subsys == sub {
					return setStr(c, v, cg.Path)
				}
			}
			return false
		}
		return nil
	}},
	intField("thread.vtid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return t.Vtid, t.Vtid != -1 }),
	intField("proc.vpid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return t.Vpid, t.Vpid != -1 }),
	{"thread.exectime", argNone, func(f *Field) error {
		f.twiceJSON = true
		last := map[uint16]uint64{}
		f.PF = PFDec
		f.get = func(c *Ctx, v *Value) bool {
			v.N = 0
			if isSwitch(c.Ev.Type) {
				v.N = switchDelta(last, c.Ev)
			}
			return true
		}
		return nil
	}},
	{"thread.totexectime", argNone, func(f *Field) error {
		f.twiceJSON = true
		last := map[uint16]uint64{}
		tot := map[int64]uint64{}
		f.PF = PFDec
		f.get = func(c *Ctx, v *Value) bool {
			var d uint64
			if isSwitch(c.Ev.Type) {
				d = switchDelta(last, c.Ev)
			}
			t := c.Ev.Thread
			if t == nil {
				return false
			}
			tot[t.Tid] += d
			v.N = tot[t.Tid]
			return true
		}
		return nil
	}},
	onlyFor(procinfoType, entry{"thread.cpu", argNone, cpuField(true, true)}),
	onlyFor(procinfoType, entry{"thread.cpu.user", argNone, cpuField(true, false)}),
	onlyFor(procinfoType, entry{"thread.cpu.system", argNone, cpuField(false, true)}),
	threadField("proc.is_container_healthcheck", PFNA, threadFalse),
	threadField("proc.is_container_liveness_probe", PFNA, threadFalse),
	threadField("proc.is_container_readiness_probe", PFNA, threadFalse),
	threadField("proc.is_exe_writable", PFNA, func(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool {
		return setBool(v, t.ExeWritable)
	}),

	// user and group classes.
	intField("user.uid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(t.UID), true }),
	userStr("user.name", func(u *scap.User) string { return u.Name }),
	userStr("user.homedir", func(u *scap.User) string { return u.HomeDir }),
	userStr("user.shell", func(u *scap.User) string { return u.Shell }),
	intField("user.loginuid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) { return int64(int32(t.LoginUID)), true }),
	strField("user.loginname", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		u := e.User(t.LoginUID)
		if u == nil {
			return b, false
		}
		return append(b, u.Name...), true
	}),
	intField("group.gid", PFID, func(t *state.Thread, e *state.Engine) (int64, bool) {
		// sinsp reads this 32-bit id as a 64-bit value: the high half is
		// the next member of its thread struct, the child count.
		if e.Current() {
			return int64(t.GID), true // (current libs read it right)
		}
		return int64(uint64(t.GID) | uint64(uint32(t.NChilds))<<32), true
	}),
	strField("group.name", func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		if t.GID == 0xffffffff {
			return b, false
		}
		g := e.Group(t.GID)
		if g == nil {
			return b, false
		}
		return append(b, g.Name...), true
	}),
}

// ancestorField builds proc.apid (str false) or proc.aname.
func ancestorField(str bool) func(f *Field) error {
	build := ancestorOf(func(c *Ctx, v *Value, a *state.Thread) {
		if str {
			v.S = c.keep(append(c.scratch(), a.Comm...))
		} else {
			v.N = uint64(a.Pid)
		}
	})
	return func(f *Field) error {
		f.PF = PFID
		return build(f)
	}
}

// ancestorOf builds a field of an ancestor picked by index
// (proc.aname[2]) whose value set gives: without an index -p shows the
// process itself, and filters match any ancestor (not the process).
func ancestorOf(set func(c *Ctx, v *Value, a *state.Thread)) func(f *Field) error {
	return func(f *Field) error {
		n := -1
		if f.Arg != "" || strings.HasSuffix(f.Name, "]") {
			var err error
			if n, err = argNumber(f); err != nil {
				return err
			}
		}
		f.get = func(c *Ctx, v *Value) bool {
			t, e := thread(c)
			if t == nil {
				return false
			}
			a := ancestor(e, t, max(n, 0))
			if a == nil {
				return false
			}
			set(c, v, a)
			return true
		}
		if n < 0 {
			f.each = func(c *Ctx, fn func(v *Value) bool) bool {
				t, e := thread(c)
				if t == nil {
					return false
				}
				mt := e.MainThread(t)
				if mt == nil {
					return false
				}
				found := false
				eachParent(e, mt, func(p *state.Thread) bool {
					var v Value
					v.T, v.PF = f.Type, f.PF
					set(c, &v, p)
					if fn(&v) {
						found = true
						return false
					}
					return true
				})
				return found
			}
		}
		return nil
	}
}

// mainOnly is a memory size of main threads, 0 for other threads.
func mainOnly(name string, kb func(t *state.Thread) uint32, mult uint64) entry {
	return intField(name, PFDec, func(t *state.Thread, e *state.Engine) (int64, bool) {
		if !t.IsMain() {
			return 0, true
		}
		return int64(uint64(kb(t)) * mult), true
	})
}

// cpuField builds thread.cpu*: the user and/or system time of the thread
// since its previous procinfo event.
// procinfoType marks the procinfo event, the only one with CPU times.
var procinfoType = func() []bool {
	m := make([]bool, scap.NumEventsAll)
	m[scap.PPME_PROCINFO_E] = true
	return m
}()

func cpuField(user, system bool) func(f *Field) error {
	return func(f *Field) error {
		f.twiceJSON = true
		lastTot := map[int64]uint64{}
		f.get = func(c *Ctx, v *Value) bool {
			t := c.Ev.Thread
			if t == nil || c.Ev.Type != scap.PPME_PROCINFO_E {
				return false
			}
			var tcpu uint64
			if user {
				if p := c.Ev.Param(0); len(p) >= 8 {
					tcpu += le64(p)
				}
			}
			if system {
				if p := c.Ev.Param(1); len(p) >= 8 {
					tcpu += le64(p)
				}
			}
			v.F = 0
			if last := lastTot[t.Tid]; last != 0 {
				v.F = math.Min(float64(tcpu-last), 100)
			}
			lastTot[t.Tid] = tcpu
			return true
		}
		return nil
	}
}

// userStr is a string of the thread's user.
func userStr(name string, pick func(u *scap.User) string) entry {
	return strField(name, func(t *state.Thread, e *state.Engine, b []byte) ([]byte, bool) {
		u := e.User(t.UID)
		if u == nil {
			return b, false
		}
		return append(b, pick(u)...), true
	})
}

func threadFalse(c *Ctx, t *state.Thread, e *state.Engine, v *Value) bool { return setBool(v, false) }

func isSwitch(t uint16) bool { return t == scap.PPME_SCHEDSWITCH_1_E || t == scap.PPME_SCHEDSWITCH_6_E }

func switchDelta(last map[uint16]uint64, ev *state.Event) uint64 {
	var d uint64
	if l := last[ev.CPU]; l != 0 {
		d = ev.Ts - l
	}
	last[ev.CPU] = ev.Ts
	return d
}

func appendInt(b []byte, n int64) []byte {
	return appendNum(b, n, 8, true, scap.PF_DEC)
}
