package state

import (
	"bytes"

	"github.com/traceproj/trace/internal/umaporder"
	"github.com/traceproj/trace/scap"
)

// DefaultMaxThreads bounds the thread table, as sysdig does.
const DefaultMaxThreads = 131072

// Event is what the engine knows about one event once it has processed it.
// Engine.Process sets every field of an Event: update it when adding one.
type Event struct {
	*scap.Event
	Num    uint64          // 1-based count of events delivered (evt.num)
	Info   *scap.EventInfo // the table entry for the type (scap.InfoFor the capture's layout)
	Thread *Thread         // the thread that produced it, nil if unknown
	FD     *FD             // the fd it operates on, if any
	FDNum  int64           // number of that fd (-1 if none)
	Errno  int32           // positive errno of failed exit events
	// Hidden is set for events sysdig never shows to users (state-only
	// events of "fat" captures).
	Hidden bool
	// Internal is set for events shown only with -D.
	Internal bool
	// Setup marks the container events that open a capture: sysdig reads
	// them while opening the file, so they are numbered but neither shown
	// nor counted by -n.
	Setup bool
	// Verdict is the Engine.Prefilter result: 1 passed, -1 rejected (the
	// event was not parsed), 0 not evaluated (events that change state
	// are filtered after parsing, by the caller).
	Verdict int8
	// NameChanged is set when parsing a datagram call's exit renamed its
	// fd from the call's address tuple (fd.name_changed).
	NameChanged bool
	eng         *Engine
	view        bool // a CurrentView
}

// Engine rebuilds threads, fds, users and containers from a capture.
type Engine struct {
	threads map[int64]*Thread
	// threadOrder is the order sinsp's thread table (a
	// std::unordered_map) would list the threads in.
	threadOrder umaporder.Order
	users       map[uint32]*scap.User
	groups      map[uint32]*scap.Group
	Machine     *scap.MachineInfo
	Interfaces  []scap.Interface
	Containers  *Containers
	MaxThreads  int
	opts        Options
	ports       PortNamer // names ports in socket names (-R), nil for numbers
	// pathMemo holds recent clean absolute fd paths, pathBuf is scratch
	// for the others (see fdPath).
	pathMemo map[string]string
	pathBuf  []byte

	num         uint64
	gen         uint64 // see StateGen
	sizeGen     uint64 // see SizeGen
	sawOther    bool   // an event other than a container event was seen
	tidToRemove int64
	fdsToRemove []int64
	fdRemoveTid int64

	// tcache is a direct-mapped cache of thread lookups by tid.
	tcache [256]tcEntry

	enter   scap.Event // the retrieved enter event of the current exit
	scratch []byte

	// current is set for captures in current libs' layout (exit events
	// that carry every parameter, see scap.DetectLayout): types 0.29.3
	// does not know are numbered and parsed, and an exit without its
	// enter gets one made from its own parameters.
	current  bool
	synth    scap.Builder
	synthRaw scap.Event
	synthOut Event

	// FirstTs is the timestamp of the first event (hidden ones included).
	FirstTs uint64
	// Prefilter, when set, is a capture filter run the way sinsp runs
	// it: on events that do not modify state, before parsing them.
	Prefilter func(ev *Event) bool
	// LastTs is the timestamp of the latest event.
	LastTs uint64
}

// noEventType is what a thread's last event type becomes when a filter
// rejected its event (sinsp's PPM_EVENT_MAX): no exit follows it.
const noEventType = 0xffff

// NewEngine returns an empty engine.
func NewEngine() *Engine {
	return &Engine{
		threads:     map[int64]*Thread{},
		users:       map[uint32]*scap.User{},
		groups:      map[uint32]*scap.Group{},
		Containers:  newContainers(),
		MaxThreads:  DefaultMaxThreads,
		tidToRemove: -1,
		gen:         1,
	}
}

// StateGen is a counter that changes whenever a thread's identity fields
// (see fields.Field.ThreadStable) may have changed: when an event that
// modifies state is parsed, a thread is removed or metadata is loaded.
func (e *Engine) StateGen() uint64 { return e.gen }

// SizeGen is a counter that changes whenever a thread's memory sizes
// (VMSize, VMRSS, VMSwap) or thread counts (NChilds) may have changed; the
// fields.Field.SizeStable fields are functions of the thread, StateGen and
// SizeGen.
func (e *Engine) SizeGen() uint64 { return e.sizeGen }

// setSize stores a memory size, moving SizeGen when it changes.
func (e *Engine) setSize(dst *uint32, v uint32) {
	if *dst != v {
		*dst = v
		e.sizeGen++
	}
}

// CachedVerdict returns the verdict stored on t for state generation gen.
func (t *Thread) CachedVerdict(gen uint64) (verdict, ok bool) {
	return t.verdict, t.verdictGen == gen
}

// SetCachedVerdict stores a filter verdict on t for state generation gen.
func (t *Thread) SetCachedVerdict(gen uint64, v bool) { t.verdictGen, t.verdict = gen, v }

// LoadMetadata imports a capture section's tables: threads with their fds,
// users, groups, machine info and interfaces.
func (e *Engine) LoadMetadata(m *scap.Metadata) {
	if m == nil {
		return
	}
	e.gen++
	if m.Machine != nil {
		e.Machine = m.Machine
	}
	if len(m.Interfaces) > 0 {
		e.Interfaces = m.Interfaces
	}
	for i := range m.Users {
		if e.opts.NoUserTables {
			break
		}
		u := m.Users[i]
		e.users[u.UID] = &u
	}
	for i := range m.Groups {
		if e.opts.NoUserTables {
			break
		}
		g := m.Groups[i]
		e.groups[g.GID] = &g
	}
	e.invalidateCache()
	for i := range m.Threads {
		st := &m.Threads[i]
		t := e.threadFromScap(st)
		e.threads[t.Tid] = t
		e.threadOrder.Insert(t.Tid)
	}
	// Threads of the process list keep their main thread alive.
	for i := range m.Threads {
		if t := e.threads[m.Threads[i].Tid]; t != nil && t.Flags&scap.PPM_CL_CLONE_THREAD != 0 && t.Tid != t.Pid {
			if mt := e.threads[t.Pid]; mt != nil {
				mt.NChilds++
				e.sizeGen++
			}
		}
	}
	// Main threads first own their cwd/env; fds go to the thread's own
	// table (the fd lists are per process main thread).
	for i := range m.Threads {
		st := &m.Threads[i]
		t := e.threads[st.Tid]
		if t == nil {
			continue
		}
		if t.IsMain() {
			t.Cwd = withSlash(st.Cwd)
			t.Env = splitEnv(st.Env)
		}
		for j := range st.FDs {
			f := fdFromScap(&st.FDs[j], e.ports)
			if f != nil {
				t.ownFDs().Add(st.FDs[j].FD, f)
			}
		}
		e.Containers.resolve(t)
	}
	e.fixSocketsFromProc()
}

// fixSocketsFromProc gives the IPv4 sockets of the process list a role: a
// socket whose local port is one some process listens on is the server
// side (its addresses are swapped so the client comes first), any other
// the client side.
func (e *Engine) fixSocketsFromProc() {
	ports := map[uint16]bool{}
	for _, t := range e.threads {
		t.fds.Each(func(f *FD) bool {
			if f.Type == scap.FDIPv4ServSock || f.Type == scap.FDIPv6ServSock {
				ports[f.SPort()] = true
			}
			return true
		})
	}
	for _, t := range e.threads {
		t.fds.Each(func(f *FD) bool {
			if f.Type != scap.FDIPv4Sock || f.Flags&FDFromProc == 0 || f.Flags&(FDRoleClient|FDRoleServer) != 0 {
				return true
			}
			if ports[f.V4SPort()] {
				swapAddrs(f)
				f.Name = SockinfoString(f, nil)
				f.Flags |= FDRoleServer
			} else {
				f.Flags |= FDRoleClient
			}
			return true
		})
	}
}

// User returns the user with uid, or nil.
func (e *Engine) User(uid uint32) *scap.User { return e.users[uid] }

// Group returns the group with gid, or nil.
func (e *Engine) Group(gid uint32) *scap.Group { return e.groups[gid] }

// Users returns the user table.
func (e *Engine) Users() map[uint32]*scap.User { return e.users }

// Groups returns the group table.
func (e *Engine) Groups() map[uint32]*scap.Group { return e.groups }

// NumThreads returns the size of the thread table.
func (e *Engine) NumThreads() int { return len(e.threads) }

// EachThread calls fn for every thread, in no particular order.
func (e *Engine) EachThread(fn func(*Thread) bool) {
	for _, t := range e.threads {
		if !fn(t) {
			return
		}
	}
}

// EachThreadInOrder calls fn for every thread in the order sinsp lists
// its thread table in (see Engine.threadOrder).
func (e *Engine) EachThreadInOrder(fn func(*Thread) bool) {
	e.threadOrder.Each(func(tid int64) bool {
		t := e.threads[tid]
		return t == nil || fn(t)
	})
}

type tcEntry struct {
	tid   int64
	t     *Thread // nil with valid set: tid is not in the table
	valid bool
}

func (e *Engine) invalidateCache() { e.tcache = [256]tcEntry{} }

func (e *Engine) cacheSlot(tid int64) *tcEntry { return &e.tcache[uint64(tid)&255] }

// FindThread returns the thread with tid without creating it.
func (e *Engine) FindThread(tid int64) *Thread {
	c := e.cacheSlot(tid)
	if c.valid && c.tid == tid {
		return c.t
	}
	t := e.threads[tid]
	*c = tcEntry{tid, t, true}
	return t
}

// getThread looks tid up and, when create is set, adds a placeholder entry
// (comm "<NA>") for a thread the capture never described, as sinsp does so
// that it does not look the thread up again and again.
func (e *Engine) getThread(tid int64, create bool) *Thread {
	if t := e.FindThread(tid); t != nil {
		return t
	}
	if !create || len(e.threads) >= e.MaxThreads {
		return nil
	}
	t := &Thread{
		Tid: tid, Pid: tid, Ptid: -1,
		Comm: "<NA>", Exe: "<NA>",
		UID: 0xffffffff, GID: 0xffffffff, LoginUID: 0xffffffff,
		Vtid: -1, Vpid: -1, Vpgid: -1, Sid: -1, FDLimit: -1,
		fake: true,
	}
	for _, o := range e.threads {
		if o.Pid == tid {
			t.NChilds++
		}
	}
	e.sizeGen++
	e.addThread(t)
	return t
}

// addThread inserts a thread created by an event and counts it as a child
// of its main thread.
func (e *Engine) addThread(t *Thread) bool {
	if len(e.threads) >= e.MaxThreads {
		return false
	}
	if t.Flags&scap.PPM_CL_CLONE_THREAD != 0 {
		if mt := e.getThread(t.Pid, true); mt != nil && mt != t {
			mt.NChilds++
		}
	}
	e.sizeGen++
	e.threads[t.Tid] = t
	e.threadOrder.Insert(t.Tid)
	*e.cacheSlot(t.Tid) = tcEntry{t.Tid, t, true}
	return true
}

// removeThread drops tid from the table; a main thread that still has
// threads stays (its fd table is theirs) unless force is set.
func (e *Engine) removeThread(tid int64, force bool) {
	t := e.threads[tid]
	if t == nil {
		return
	}
	e.gen++
	e.sizeGen++
	if t.NChilds != 0 && !force {
		return
	}
	if t.Flags&scap.PPM_CL_CLONE_THREAD != 0 {
		if mt := e.FindThread(t.Pid); mt != nil && mt.NChilds > 0 {
			mt.NChilds--
		}
	}
	delete(e.threads, tid)
	e.threadOrder.Erase(tid)
	if c := e.cacheSlot(tid); c.tid == tid {
		*c = tcEntry{}
	}
}

// MainThread returns the main thread of t's process (t itself for a main
// thread), or nil when it is not in the table.
func (e *Engine) MainThread(t *Thread) *Thread {
	if t == nil {
		return nil
	}
	if t.Tid == t.Pid {
		return t
	}
	return e.FindThread(t.Pid)
}

// FDTable returns the fd table t uses: its own, or its process's when it
// shares the table (CLONE_FILES).
func (e *Engine) FDTable(t *Thread) *FDTable {
	if t == nil {
		return nil
	}
	if t.Flags&scap.PPM_CL_CLONE_FILES == 0 {
		return t.ownFDs()
	}
	mt := e.MainThread(t)
	if mt == nil {
		return nil
	}
	return mt.ownFDs()
}

// GetFD returns fd n of thread t.
func (e *Engine) GetFD(t *Thread, n int64) *FD {
	return e.FDTable(t).Get(n)
}

func (e *Engine) addFD(t *Thread, n int64, f *FD) *FD {
	ft := e.FDTable(t)
	if ft == nil {
		return nil
	}
	ft.Add(n, f)
	return f
}

// Cwd returns t's working directory (its main thread's), ending with '/'.
func (e *Engine) Cwd(t *Thread) string {
	mt := e.MainThread(t)
	if mt == nil {
		return "./"
	}
	return mt.Cwd
}

func (e *Engine) setCwd(t *Thread, cwd string) {
	mt := e.MainThread(t)
	if mt == nil {
		return
	}
	full, _ := ConcatPaths(mt.Cwd, cwd)
	mt.Cwd = withSlash(full)
}

func (t *Thread) ownFDs() *FDTable {
	if t.fds == nil {
		t.fds = &FDTable{}
	}
	return t.fds
}

// OwnFDs returns the thread's own fd table (empty for threads that share
// their process's table).
func (t *Thread) OwnFDs() *FDTable { return t.ownFDs() }

func withSlash(s string) string {
	if len(s) == 0 || s[len(s)-1] != '/' {
		return s + "/"
	}
	return s
}

func splitNul(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	if b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return append(out, string(b[start:]))
}

// splitEnv splits an environment area as sysdig does: like splitNul, but
// the empty entries that end it (an area of NUL bytes) are dropped.
func splitEnv(b []byte) []string {
	env := splitNul(b)
	for len(env) > 0 && env[len(env)-1] == "" {
		env = env[:len(env)-1]
	}
	return env
}

// envLike returns splitEnv(b), or like itself when that is what it would
// give: an exec usually keeps the environment it inherited, and the lists
// are never changed in place, so threads may share one.
func envLike(b []byte, like []string) []string {
	if sameNulList(b, like, true) {
		return like
	}
	return splitEnv(b)
}

// cgroupsLike returns splitCgroups(b), or the first of like that equals it.
func cgroupsLike(b []byte, like ...[]Cgroup) []Cgroup {
	for _, l := range like {
		if l != nil && sameCgroups(b, l) {
			return l
		}
	}
	return splitCgroups(b)
}

// nulEntries calls f with each entry of a NUL-separated area as splitNul
// cuts it, stopping when f returns false; it reports whether f always
// returned true.
func nulEntries(b []byte, f func(ent []byte) bool) bool {
	if len(b) == 0 {
		return true
	}
	if b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	for {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return f(b)
		}
		if !f(b[:i]) {
			return false
		}
		b = b[i+1:]
	}
}

// sameNulList reports whether splitNul(b) (splitEnv(b) when env) equals
// list.
func sameNulList(b []byte, list []string, env bool) bool {
	k, empties := 0, 0 // empties: trailing empty entries not yet matched
	ok := nulEntries(b, func(ent []byte) bool {
		if env && len(ent) == 0 {
			empties++
			return true
		}
		for ; empties > 0; empties-- {
			if k >= len(list) || list[k] != "" {
				return false
			}
			k++
		}
		if k >= len(list) || list[k] != string(ent) {
			return false
		}
		k++
		return true
	})
	return ok && k == len(list)
}

// sameCgroups reports whether splitCgroups(b) equals cg.
func sameCgroups(b []byte, cg []Cgroup) bool {
	k := 0
	ok := nulEntries(b, func(ent []byte) bool {
		j, io := cgroupCut(ent)
		if j < 0 {
			return true // (splitCgroups skips it)
		}
		if k >= len(cg) {
			return false
		}
		subOK := cg[k].Subsys == string(ent[:j])
		if io {
			subOK = cg[k].Subsys == "blkio"
		}
		if !subOK || cg[k].Path != string(ent[j+1:]) {
			return false
		}
		k++
		return true
	})
	return ok && k == len(cg)
}

// cgroupCut finds where a "controller=path" entry splits: at its last
// '=', as sinsp splits ("name=systemd=/" is the controller "name=systemd"
// at "/"); j < 0 for an entry without one. io reports the cgroup v2 io
// controller, which sinsp names as v1's blkio.
func cgroupCut(ent []byte) (j int, io bool) {
	j = bytes.LastIndexByte(ent, '=')
	return j, j == 2 && ent[0] == 'i' && ent[1] == 'o'
}

func splitCgroups(b []byte) []Cgroup {
	var out []Cgroup
	nulEntries(b, func(ent []byte) bool {
		if j, io := cgroupCut(ent); j >= 0 {
			s := string(ent) // (one string for both parts)
			sub := s[:j]
			if io {
				sub = "blkio"
			}
			out = append(out, Cgroup{Subsys: sub, Path: s[j+1:]})
		}
		return true
	})
	return out
}

func (e *Engine) threadFromScap(st *scap.Thread) *Thread {
	t := &Thread{
		Tid: st.Tid, Pid: st.Pid, Ptid: st.Ptid, Sid: st.Sid, Vpgid: st.Vpgid,
		Vtid: st.Vtid, Vpid: st.Vpid,
		Comm: st.Comm, Exe: st.Exe, ExePath: st.ExePath,
		Args:    splitNul(st.Args),
		Root:    st.Root,
		Cgroups: splitCgroups(st.Cgroups),
		UID:     st.UID, GID: st.GID,
		FDLimit: int64(st.FDLimit),
		Flags:   st.Flags | scap.PPM_CL_ACTIVE,
		VMSize:  st.VMSize, VMRSS: st.VMRSS, VMSwap: st.VMSwap,
		PFMajor: st.PFMajor, PFMinor: st.PFMinor,
		LoginUID: 0xffffffff,
	}
	if e.current {
		t.ExeWritable = st.ExeWritableCurrent()
		if l, ok := st.LoginUIDCurrent(); ok {
			t.LoginUID = l
		}
		if tty, ok := st.TTYCurrent(); ok {
			t.Tty = tty
		}
		return t
	}
	t.ExeWritable = st.ExeWritable029()
	if l, ok := st.LoginUID029(); ok {
		t.LoginUID = l
	}
	return t
}

// CountSkipped gives an event number to an event of type typ that could
// not be read (malformed) when sysdig 0.29.3 knows the type: sysdig's
// reader, which does not check it, numbers it, so the events after it keep
// the numbers sysdig gives them.
func (e *Engine) CountSkipped(typ uint16) {
	if scap.InfoFor(typ, e.current) != nil {
		e.num++
	}
}

// Process updates the state with ev and fills out. It returns false for
// events sysdig 0.29.3 does not know (its reader skips them without
// numbering them); out is then not valid.
func (e *Engine) Process(ev *scap.Event, out *Event) bool {
	info := scap.InfoFor(ev.Type, e.current)
	if info == nil {
		return false
	}
	e.flushRemovals()
	e.num++
	e.LastTs = ev.Ts
	// Field by field: cheaper than copying a whole composite literal.
	// Pointers are stored only when they change (reset sets Thread): a
	// pointer store costs a write barrier while the GC marks.
	setPtr(&out.Event, ev)
	setPtr(&out.Info, info)
	setPtr(&out.FD, nil)
	setPtr(&out.eng, e)
	out.Num, out.FDNum, out.Errno = e.num, -1, 0
	out.Hidden, out.Setup, out.Verdict, out.NameChanged = false, false, 0, false
	out.Internal = info.Category&scap.EC_INTERNAL != 0
	if ev.Flags&scap.FlagStateOnly != 0 {
		out.Hidden = true
	}
	e.leadingContainers(out)
	if e.current && ev.Type&1 == 1 {
		e.enterFromExit(out)
	}
	ok := e.reset(out)
	if e.Prefilter != nil && ev.Type == scap.PPME_SYSCALL_WRITE_X && out.FD == nil && out.Thread != nil {
		// With a filter, sinsp looks a write exit's fd up again (to spot
		// tracer writes), even when its enter was not seen.
		if f := e.GetFD(out.Thread, out.Thread.lastEventFD); f != nil {
			out.FD, out.FDNum = f, out.Thread.lastEventFD
			ok = true
		}
	}
	if e.Prefilter != nil && info.Flags&scap.EF_MODIFIES_STATE == 0 && !e.prefilter(out) {
		ok = false
	} else if e.Prefilter != nil && ev.Type == scap.PPME_SCHEDSWITCH_6_E {
		// sysdig updates memory and page faults from a context switch
		// only when the capture filter lets it through.
		e.parseContextSwitch(out)
	}
	if ok {
		// fd.name_changed: the name after the whole event was parsed
		// (datagram calls may rename their fd more than once).
		var before string
		if out.FD != nil {
			before = out.FD.Name
		}
		e.parse(out)
		out.NameChanged = out.FD != nil && out.FD.Name != before
		if info.Flags&scap.EF_MODIFIES_STATE != 0 {
			e.gen++
		}
	}
	if ev.Type == scap.PPME_CONTAINER_E {
		e.gen++
		// The old container event skips the reset but is parsed, and
		// sysdig never shows it.
		e.Containers.parseOld(out)
		out.Hidden = true
	}
	if out.Thread == nil {
		// Consumers (fields, printers) look the thread up by tid when the
		// parser did not attach one, as sinsp's get_thread_info() does.
		out.Thread = e.FindThread(int64(ev.Tid))
	}
	if t := out.Thread; t != nil && ev.Type != scap.PPME_SCHEDSWITCH_1_E && ev.Type != scap.PPME_SCHEDSWITCH_6_E {
		t.PrevTs = t.LastEventTs
		t.LastEventTs = ev.Ts
	}
	// The stored enter event lives only until its exit has been parsed.
	if out.Thread != nil && ev.Type&1 == 1 {
		out.Thread.lastEventValid = false
		out.Thread.lastEnterType = 0
		if e.current {
			// The next exit gets an enter of its own (enterFromExit).
			out.Thread.lastEventType = noEventType
		}
	}
	return true
}

// setPtr stores v at *p unless it is there already.
func setPtr[T any](p **T, v *T) {
	if *p != v {
		*p = v
	}
}

// flushRemovals does the work the previous event scheduled: removing a
// thread that exited and the fds a successful close() closed.
func (e *Engine) flushRemovals() {
	if e.tidToRemove != -1 {
		e.removeThread(e.tidToRemove, false)
		e.tidToRemove = -1
	}
	if len(e.fdsToRemove) > 0 {
		if t := e.FindThread(e.fdRemoveTid); t != nil {
			for _, n := range e.fdsToRemove {
				if ft := e.FDTable(t); ft != nil {
					ft.Remove(n)
				}
			}
		}
		e.fdsToRemove = e.fdsToRemove[:0]
	}
}

// leadingContainers hides the container events that open a capture,
// before any other event: they set up the container table and are never
// shown (sysdig hides them even with -D), though they are numbered.
func (e *Engine) leadingContainers(out *Event) {
	if t := out.Type; t == scap.PPME_CONTAINER_JSON_E || t == scap.PPME_CONTAINER_JSON_2_E || t == scap.PPME_CONTAINER_E {
		if !e.sawOther {
			out.Hidden = true
			out.Setup = true
		}
		return
	}
	switch out.Type {
	case scap.PPME_USER_ADDED_E, scap.PPME_USER_DELETED_E, scap.PPME_GROUP_ADDED_E, scap.PPME_GROUP_DELETED_E:
		// Current captures keep their user table as such events:
		// numbered, never shown.
		out.Hidden, out.Setup = true, true
		return
	}
	if !e.sawOther {
		// Relative times count from here, not from the leading
		// container events (which carry no real timestamp).
		e.FirstTs = out.Ts
	}
	e.sawOther = true
}

// prefilter runs the capture filter on an event that does not change
// state, before it is parsed, as sinsp does: a rejected event is not
// parsed (prefilter returns false), and its thread forgets its last event
// (an exit will not find its enter).
func (e *Engine) prefilter(out *Event) bool {
	noThread := out.Thread == nil
	if noThread {
		out.Thread = e.FindThread(int64(out.Tid))
	}
	pass := e.Prefilter(out)
	if pass {
		out.Verdict = 1
	} else {
		out.Verdict = -1
		if t := out.Thread; t != nil && out.Info.Flags&scap.EF_SKIPPARSERESET == 0 && out.Type != scap.PPME_SCHEDSWITCH_6_E {
			if out.Type&1 == 0 {
				t.filteredEnter = out.Type
			}
			t.lastEventType = noEventType
		}
	}
	if noThread {
		out.Thread = nil
	}
	return pass
}

// Engine returns the engine that produced the event.
func (ev *Event) Engine() *Engine { return ev.eng }

// Bind makes ev an event of e. It is for events built outside the engine:
// chisels evaluate filters on thread-table entries with one.
func (e *Engine) Bind(ev *Event) { ev.eng = e }

// SetLastEventFD sets the fd number the thread's latest system call
// worked on (see LastEventFD) and returns the previous one. Chisels
// evaluate thread-table filters with each fd of a thread in turn.
func (t *Thread) SetLastEventFD(n int64) int64 {
	old := t.lastEventFD
	t.lastEventFD = n
	return old
}

// fdParam is the index of the fd in events flagged EF_USES_FD: the first
// parameter of their enter events.
const fdParam = 0

// resultParam is the index of the return value of the exit events that
// have one: the first parameter, named res or fd (resultFirst).
const resultParam = 0

// resultFirst tells, for each event type of sysdig 0.29.3's table, whether
// its first parameter is a return value (named res or fd) whose negative
// values are errnos.
var resultFirst = func() (r [scap.NumEventsAll]bool) {
	for t := range r {
		info := scap.Info(uint16(t))
		if info == nil {
			info = scap.InfoHead(uint16(t))
		}
		if ps := info.Params; len(ps) > resultParam {
			r[t] = ps[resultParam].Name == "res" || ps[resultParam].Name == "fd"
		}
	}
	return r
}()

func isCloneExit(t uint16) bool {
	switch t {
	case scap.PPME_SYSCALL_CLONE_11_X, scap.PPME_SYSCALL_CLONE_16_X, scap.PPME_SYSCALL_CLONE_17_X,
		scap.PPME_SYSCALL_CLONE_20_X, scap.PPME_SYSCALL_FORK_X, scap.PPME_SYSCALL_FORK_17_X,
		scap.PPME_SYSCALL_FORK_20_X, scap.PPME_SYSCALL_VFORK_X, scap.PPME_SYSCALL_VFORK_17_X,
		scap.PPME_SYSCALL_VFORK_20_X, scap.PPME_SYSCALL_CLONE3_X:
		return true
	}
	return false
}

// reset finds the event's thread and fd and does the enter/exit
// bookkeeping. It returns false when the event must not be parsed further.
func (e *Engine) reset(ev *Event) bool {
	typ := ev.Type
	flags := ev.Info.Flags
	if flags&scap.EF_SKIPPARSERESET != 0 {
		var t *Thread
		if typ == scap.PPME_PROCINFO_E {
			t = e.FindThread(int64(ev.Tid))
		}
		setPtr(&ev.Thread, t)
		return false
	}
	switch typ {
	case scap.PPME_CONTAINER_JSON_E, scap.PPME_CONTAINER_JSON_2_E, scap.PPME_USER_ADDED_E,
		scap.PPME_USER_DELETED_E, scap.PPME_GROUP_ADDED_E, scap.PPME_GROUP_DELETED_E:
		setPtr(&ev.Thread, nil)
		return true // metadata, of no thread
	}
	queryOS := !isCloneExit(typ) && typ != scap.PPME_SCHEDSWITCH_6_E
	t := e.getThread(int64(ev.Tid), queryOS)
	setPtr(&ev.Thread, t)
	if typ == scap.PPME_SCHEDSWITCH_6_E {
		// Context switches skip the enter/exit bookkeeping but still
		// update the thread's page faults and memory: at once without a
		// capture filter, else once the filter accepted them (Process).
		if e.Prefilter == nil {
			e.parseContextSwitch(ev)
		}
		return false
	}
	if t == nil {
		// A clone exit of a child the table does not know yet is how
		// inverted clones get their thread: parse it anyway.
		return isCloneExit(typ)
	}
	if queryOS {
		t.Flags |= scap.PPM_CL_ACTIVE
	}
	if typ&1 == 0 {
		t.lastEventFD = -1
		t.lastEventType = typ
		t.filteredEnter = 0
		if flags&scap.EF_USES_FD != 0 {
			if fd, ok := ev.Int64(fdParam); ok {
				t.lastEventFD = fd
			}
			ev.FD = e.GetFD(t, t.lastEventFD)
			ev.FDNum = t.lastEventFD
		}
		t.Latency = 0
		t.latencyEnter = ev.Ts
		return true
	}
	if t.latencyEnter != 0 {
		t.Latency = ev.Ts - t.latencyEnter
	}
	if typ == t.lastEventType+1 || (typ == scap.PPME_SYSCALL_EXECVE_19_X && t.lastEventType == scap.PPME_SYSCALL_EXECVEAT_E) {
		t.lastEventValid = true
	} else {
		t.lastEventValid = false
		if t.lastEventType != scap.PPME_TRACER_E {
			// sinsp stops here: an exit without its enter gets no fd
			// (and no error code). Its parser still runs; the ones that
			// need the fd do nothing.
			return flags&scap.EF_USES_FD == 0 || typ == scap.PPME_SYSCALL_MMAP_X || typ == scap.PPME_SYSCALL_MMAP2_X
		}
	}
	if resultFirst[typ] {
		if r, ok := ev.Int64(resultParam); ok && r < 0 {
			ev.Errno = -int32(r)
		}
	}
	if flags&scap.EF_USES_FD != 0 {
		ev.FD = e.GetFD(t, t.lastEventFD)
		if ev.FD == nil {
			// sinsp still runs the event's parser; of the fd-using
			// exits only mmap does something without the fd.
			return typ == scap.PPME_SYSCALL_MMAP_X || typ == scap.PPME_SYSCALL_MMAP2_X
		}
		ev.FDNum = t.lastEventFD
	}
	return true
}

// storeEnter keeps a copy of an enter event for the parser of its exit.
func (e *Engine) storeEnter(ev *Event) {
	t := ev.Thread
	if t == nil {
		return
	}
	t.lastEnter = append(t.lastEnter[:0], ev.Raw()...)
	t.lastEnterHdr = uint8(ev.HeaderLen())
	t.lastEnterCPU = ev.CPU
	t.lastEnterType = ev.Type
}

// enterOf returns the stored enter event of exit event ev, or nil.
func (e *Engine) enterOf(ev *Event) *scap.Event {
	t := ev.Thread
	if t == nil || !t.lastEventValid || t.lastEnterType == 0 || len(t.lastEnter) == 0 {
		return nil
	}
	if t.lastEnterType != ev.Type-1 && !(ev.Type == scap.PPME_SYSCALL_EXECVE_19_X && t.lastEnterType == scap.PPME_SYSCALL_EXECVEAT_E) {
		t.lastEventValid = false
		return nil
	}
	if err := e.enter.Decode(t.lastEnter, int(t.lastEnterHdr), t.lastEnterCPU); err != nil {
		return nil
	}
	return &e.enter
}

// Enter returns the enter event paired with this exit event, if the engine
// kept it (valid only during the processing of the exit).
func (ev *Event) Enter() *scap.Event {
	if ev.eng == nil || ev.Type&1 == 0 {
		return nil
	}
	return ev.eng.enterOf(ev)
}
