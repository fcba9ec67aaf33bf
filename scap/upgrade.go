package scap

import (
	"encoding/binary"
	"path"
)

// Layout names the two ways captures store system calls: sysdig 0.29.3's
// (an enter event, then an exit event with the result) and current libs'
// (exit events only, each carrying every parameter, in current event
// types and versions).
type Layout uint8

const (
	// Layout029 is sysdig 0.29.3's layout: enter and exit events.
	Layout029 Layout = iota
	// LayoutCurrent is current libs' (0.2x) layout: exit events only.
	LayoutCurrent
)

// ParseLayout reads a layout name: "0.29" (or "029", "sysdig") and
// "current".
func ParseLayout(s string) (Layout, bool) {
	switch s {
	case "0.29", "029", "sysdig", "old":
		return Layout029, true
	case "current", "exit-only", "falco":
		return LayoutCurrent, true
	}
	return 0, false
}

func (l Layout) String() string {
	if l == LayoutCurrent {
		return "current"
	}
	return "0.29"
}

// Upgrader turns events in sysdig 0.29.3's layout into current libs'
// layout, for writing capture files that current Falco and sysdig read as
// their own: a system call's enter event is held until its exit, and the
// exit is written in the newest version of its type with current libs'
// parameter list, each parameter taken by name from the exit or else from
// the enter (an empty parameter when neither has it, as current libs'
// own converter writes). Events that are not system calls (context
// switches, process exits, signals, container and internal events) are
// kept, in their newest version. An enter whose exit never comes is not
// written. The zero value is not ready: use NewUpgrader.
type Upgrader struct {
	// LikeConverter writes what current libs' own converter makes of
	// an old capture, without the two parameters Upgrade otherwise
	// fills as current drivers record them (trusted_exepath of execve,
	// connect's address).
	LikeConverter bool

	held  map[uint64]*Event // tid -> its pending enter
	plans []*upgradePlan    // by event type, grown on demand (a map cost 24 ns a lookup)
	b     Builder
}

// NewUpgrader returns an Upgrader with no pending enters.
func NewUpgrader() *Upgrader {
	return &Upgrader{held: map[uint64]*Event{}}
}

// Parameter sources of an upgraded event.
const (
	srcEmpty = -1 // an empty (zero-length) parameter
)

// upgradePlan says how to build the upgraded form of one event type.
type upgradePlan struct {
	target   uint16
	hold     bool  // an enter kept until its exit (not written)
	fromExit []int // per target parameter: index in the event, or srcEmpty
	// fromEnter per target parameter: index in the held enter, used
	// when fromExit has none.
	fromEnter []int
	enterType uint16
	hasEnter  bool
	sizes     []int // fixed size of each target parameter, 0 when variable
	// zero marks the parameters written as zero, not empty, when
	// missing: current libs' parsers require a value there.
	zero []bool
	// zeroWithoutEnter marks the parameters taken from the enter that
	// current libs' converter writes as zero when the enter is missing
	// (the exit keeps its type; converted types fall back to empty).
	zeroWithoutEnter []bool
	// converterEmpty marks parameters current libs' converter leaves
	// empty though the enter has them.
	converterEmpty []bool
	keep           bool // written unchanged
	// exepath, for execve: the index of trusted_exepath, filled from
	// filename when the exit lacks it (-1: not an execve).
	exepath, filename, cwd, res int
}

var zeros [8]byte

// zeroParams are the fixed-size parameters current libs' parsers need a
// value of (its converter writes zero); others missing are left empty,
// which current libs read as no value.
var zeroParams = map[string]bool{
	"fcntl.arg":    true,
	"socket.flags": true,
}

// emptyWithoutEnter are the exits whose enter parameters current libs'
// converter leaves empty, not zero, when the enter is missing.
var emptyWithoutEnter = map[string]bool{"prlimit": true, "brk": true, "syscall": true}

// paramAliases names, for a current parameter, the enter parameter it
// was called in sysdig 0.29.3 when the names differ.
var paramAliases = map[string]string{
	"oldfd": "fd", // dup_1: the duplicated fd was the enter's fd
}

func successor(t uint16) uint16 {
	if n, ok := successorsHead[t]; ok {
		return n
	}
	return t
}

func fixedSize(t ParamType) int {
	switch t {
	case PT_INT8, PT_UINT8, PT_FLAGS8, PT_ENUMFLAGS8, PT_L4PROTO, PT_SOCKFAMILY, PT_SIGTYPE:
		return 1
	case PT_INT16, PT_UINT16, PT_FLAGS16, PT_ENUMFLAGS16, PT_PORT, PT_SYSCALLID:
		return 2
	case PT_INT32, PT_UINT32, PT_FLAGS32, PT_ENUMFLAGS32, PT_UID, PT_GID, PT_MODE, PT_BOOL, PT_IPV4ADDR, PT_FD32, PT_PID32, PT_SIGSET:
		return 4
	case PT_INT64, PT_UINT64, PT_ERRNO, PT_FD, PT_PID, PT_RELTIME, PT_ABSTIME, PT_DOUBLE:
		return 8
	}
	return 0
}

func paramByName(info *EventInfo, name string) int {
	if info == nil {
		return srcEmpty
	}
	for i, p := range info.Params {
		if p.Name == name {
			return i
		}
	}
	return srcEmpty
}

func (u *Upgrader) plan(t uint16) *upgradePlan {
	if int(t) < len(u.plans) && u.plans[t] != nil {
		return u.plans[t]
	}
	p := u.makePlan(t)
	if int(t) >= len(u.plans) {
		u.plans = append(u.plans, make([]*upgradePlan, int(t)+1-len(u.plans))...)
	}
	u.plans[t] = p
	return p
}

func (u *Upgrader) makePlan(t uint16) *upgradePlan {
	// Parameter names are looked up in current libs' table: it lists
	// 0.29.3's parameters under the same names, then the ones added
	// since (present when the event is already in the current layout).
	src := InfoHead(t)
	if src == nil {
		src = InfoAny(t)
	}
	p := &upgradePlan{target: t, exepath: -1}
	if src == nil {
		p.keep = true
		return p
	}
	if src.Dir == DirEnter {
		if src.Category&EC_SYSCALL != 0 {
			// Held when its exit can be written on its own.
			if x := u.plan(t + 1); !x.keep && x.hasEnter && x.enterType == t {
				p.hold = true
				return p
			}
			p.keep = true
			return p
		}
	}
	p.target = successor(t)
	if src.Category&EC_SYSCALL == 0 && p.target == t {
		// Not a system call, current version: kept as recorded.
		p.keep = true
		return p
	}
	dst := InfoHead(p.target)
	if dst == nil {
		p.keep = true
		return p
	}
	var enter *EventInfo
	if src.Dir == DirExit && t > 0 {
		if e := InfoHead(t - 1); e != nil && e.Dir == DirEnter && e.Category&EC_SYSCALL != 0 {
			enter = e
			p.enterType, p.hasEnter = t-1, true
		}
	}
	if src.Dir == DirExit && src.Category&EC_SYSCALL != 0 && enter == nil {
		p.keep = true
		return p
	}
	for _, dp := range dst.Params {
		p.sizes = append(p.sizes, fixedSize(dp.Type))
		p.zero = append(p.zero, zeroParams[dst.Name+"."+dp.Name])
		p.converterEmpty = append(p.converterEmpty, dst.Name == "connect" && dp.Name == "addr")
		p.fromExit = append(p.fromExit, paramByName(src, dp.Name))
		k := paramByName(enter, dp.Name)
		if k == srcEmpty {
			if a, ok := paramAliases[dp.Name]; ok {
				k = paramByName(enter, a)
			}
		}
		p.fromEnter = append(p.fromEnter, k)
		p.zeroWithoutEnter = append(p.zeroWithoutEnter, k >= 0 && p.target == t && !emptyWithoutEnter[dst.Name])
	}
	if p.target == PPME_SYSCALL_EXECVE_19_X {
		p.exepath = paramByName(dst, "trusted_exepath")
		p.filename = paramByName(dst, "filename")
		p.cwd = paramByName(dst, "cwd")
		p.res = paramByName(dst, "res")
		if p.exepath < 0 || p.filename < 0 || p.cwd < 0 || p.res < 0 {
			p.exepath = -1
		}
	}
	return p
}

// fillExepath gives a successful execve without trusted_exepath the path
// it executed: its filename, made absolute with the new cwd when
// relative. That is the path sysdig 0.29.3 and current libs take for
// proc.exepath from the enter event of captures in the old layout.
func (u *Upgrader) fillExepath(p *upgradePlan, ev *Event, out []byte) []byte {
	var x Event
	if x.SetRaw(out, ev.CPU, ev.Flags) != nil || x.NumParams() <= p.exepath {
		return out
	}
	if len(x.Param(p.exepath)) > 0 {
		return out
	}
	if r, ok := x.Int64(p.res); !ok || r != 0 {
		return out
	}
	name, _ := x.Str(p.filename)
	if name == "" {
		return out
	}
	if name[0] != '/' {
		cwd, _ := x.Str(p.cwd)
		if cwd == "" {
			return out
		}
		name = path.Join(cwd, name)
	}
	var b Builder
	b.Begin(ev.Ts, ev.Tid, p.target)
	for i := 0; i < x.NumParams(); i++ {
		if i == p.exepath {
			b.Str(name)
			continue
		}
		b.Raw(x.Param(i))
	}
	return append(u.b.out[:0], b.Finish()...)
}

// Upgrade returns ev in current libs' layout, or nil when nothing is to be
// written now (an enter held for its exit). The result is valid until the
// next call; ev is not modified.
func (u *Upgrader) Upgrade(ev *Event) []byte {
	p := u.plan(ev.Type)
	if p.hold {
		u.hold(ev)
		return nil
	}
	if ev.Type == PPME_PROCEXIT_1_E || ev.Type == PPME_PROCEXIT_E {
		delete(u.held, ev.Tid) // the thread is gone
	}
	if p.keep {
		return u.v2(ev)
	}
	var enter *Event
	if h := u.held[ev.Tid]; h != nil && p.hasEnter && h.Type == p.enterType {
		enter = h
	}
	u.b.Begin(ev.Ts, ev.Tid, p.target)
	for i := range p.fromExit {
		var v []byte
		ok := false
		if j := p.fromExit[i]; j >= 0 && j < ev.NumParams() {
			v, ok = ev.Param(j), true
		} else if k := p.fromEnter[i]; enter != nil && k >= 0 && k < enter.NumParams() && !(u.LikeConverter && p.converterEmpty[i]) {
			v, ok = enter.Param(k), true
		}
		if ok && p.sizes[i] != 0 && len(v) != p.sizes[i] {
			ok = false
		}
		if !ok {
			v = nil
			if n := p.sizes[i]; n > 0 && (p.zero[i] || enter == nil && p.zeroWithoutEnter[i]) {
				v = zeros[:n]
			}
		}
		u.b.Raw(v)
	}
	if enter != nil {
		enter.Type = noType // used
	}
	if p.target == PPME_GENERIC_X {
		u.genericID()
	}
	out := u.b.Finish()
	if p.exepath >= 0 && !u.LikeConverter {
		out = u.fillExepath(p, ev, out)
	}
	return out
}

// genericID gives the generic event being built current libs' syscall
// code, from its native number (0.29.3's code, or 0 for calls 0.29.3 did
// not know, is not theirs).
func (u *Upgrader) genericID() {
	b := &u.b
	if len(b.lens) != 2 || b.lens[0] != 2 || b.lens[1] != 2 {
		return
	}
	nr := binary.LittleEndian.Uint16(b.vals[2:])
	if sc, ok := nativeSCHead[nr]; ok {
		binary.LittleEndian.PutUint16(b.vals[0:], sc)
	}
}

func (u *Upgrader) hold(ev *Event) {
	if h := u.held[ev.Tid]; h != nil {
		h.copyFrom(ev)
	} else {
		u.held[ev.Tid] = ev.Clone()
	}
}

// Observe follows ev without building its upgraded form, for callers that
// upgrade only some events (Upgrade, called first for an exit, merges
// its enter): an enter is held, an exit lets its enter go, a process
// exit forgets the thread.
func (u *Upgrader) Observe(ev *Event) {
	p := u.plan(ev.Type)
	switch {
	case p.hold:
		u.hold(ev)
	case ev.Type == PPME_PROCEXIT_1_E || ev.Type == PPME_PROCEXIT_E:
		delete(u.held, ev.Tid)
	case p.hasEnter:
		if h := u.held[ev.Tid]; h != nil && h.Type == p.enterType {
			h.Type = noType
		}
	}
}

// noType marks a held enter already consumed by its exit.
const noType = 0xffff

// v2 returns ev's bytes in the v2 header layout.
func (u *Upgrader) v2(ev *Event) []byte {
	if ev.hdrLen == EventHeaderV2 {
		return ev.Raw()
	}
	u.b.Begin(ev.Ts, ev.Tid, ev.Type)
	for i := 0; i < ev.NumParams(); i++ {
		u.b.Raw(ev.Param(i))
	}
	return u.b.Finish()
}

// copyFrom makes e a copy of o, reusing e's memory.
func (e *Event) copyFrom(o *Event) {
	own, offs := append(e.own[:0], o.Raw()...), e.offs
	*e = *o
	e.own, e.offs, e.nOffs = own, offs, 0
	e.base, e.lo, e.hi = own, 0, len(own)
	e.offsDone = false
}
