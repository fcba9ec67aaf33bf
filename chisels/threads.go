package chisels

import (
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

var l4Names = map[uint8]string{state.L4TCP: "tcp", state.L4UDP: "udp", state.L4ICMP: "icmp", state.L4Raw: "raw"}

// tableEvent is the event thread-table filters are evaluated on: a read
// exit at the time of the last event, for one thread and fd.
type tableEvent struct {
	raw scap.Event
	ev  state.Event
	ctx fields.Ctx
}

func newTableEvent(eng *state.Engine, base *fields.Ctx) *tableEvent {
	te := &tableEvent{}
	te.raw.Type = scap.PPME_SYSCALL_READ_X
	te.raw.Ts = eng.LastTs
	te.ev.Event = &te.raw
	te.ev.Info = scap.Info(scap.PPME_SYSCALL_READ_X)
	eng.Bind(&te.ev)
	if base != nil {
		te.ctx = fields.Ctx{R: base.R, Time: base.Time, ResolvePorts: base.ResolvePorts}
	} else {
		te.ctx = *fields.NewCtx()
	}
	te.ctx.Ev = &te.ev
	return te
}

func (te *tableEvent) match(f *filter.Filter, t *state.Thread, fd *state.FD) bool {
	te.raw.Tid = uint64(t.Tid)
	te.ev.Thread = t
	te.ev.FD = fd
	te.ev.FDNum = fd.Num
	// fd fields read the thread's last fd, as in sysdig.
	old := t.SetLastEventFD(fd.Num)
	ok := f.Match(&te.ctx)
	t.SetLastEventFD(old)
	return ok
}

// threadTable implements sysdig.get_thread_table and its variants: the
// threads (with at least one fd matching the optional filter) keyed by
// tid, with their fds (the matching ones) keyed by number.
func (c *Chisel) threadTable(withFDs, barebone bool) lua.LGFunction {
	return func(L *lua.LState) int {
		eng := c.host.eng
		var flt *filter.Filter
		if s, ok := L.Get(1).(lua.LString); ok && s != "" {
			f, err := compileChiselFilter(string(s))
			if err == nil {
				err = threadTableFields(string(s))
			}
			if err != nil {
				c.fail(L, "invalid filter argument for get_thread_table in chisel "+c.Name+": "+err.Error())
			}
			flt = f
		}
		out := L.NewTable()
		if eng == nil {
			L.Push(out)
			return 1
		}
		var te *tableEvent
		if flt != nil {
			te = newTableEvent(eng, c.host.Ctx)
		}
		c.ordered.newGeneration()
		// sysdig walks its thread table and each fd table (unordered
		// maps) in their order, storing into fresh LuaJIT tables with
		// lua_rawseti: pairs then lists the keys in LuaJIT's order.
		var tkeys []int32
		eng.EachThreadInOrder(func(t *state.Thread) bool {
			ft := eng.FDTable(t)
			if ft == nil {
				return true
			}
			var fds []*state.FD
			ft.EachInOrder(func(f *state.FD) bool {
				fds = append(fds, f)
				return true
			})
			if flt != nil {
				match := false
				for _, f := range fds {
					if te.match(flt, t, f) {
						match = true
						break
					}
				}
				if !match {
					return true
				}
			}
			e := L.NewTable()
			e.RawSetString("tid", lua.LNumber(uint32(t.Tid)))
			e.RawSetString("pid", lua.LNumber(uint32(t.Pid)))
			if !barebone {
				c.threadInfo(L, e, eng, t)
			}
			fdt := L.NewTable()
			if withFDs {
				var fkeys []int32
				for _, f := range fds {
					if flt != nil && !te.match(flt, t, f) {
						continue
					}
					fe := L.NewTable()
					if !barebone {
						fe.RawSetString("name", lua.LString(printable(f.Name)))
						fe.RawSetString("type", lua.LString(state.FDTypeName(f.Type)))
					}
					socketInfo(fe, f)
					k := luaKey(f.Num)
					fkeys = append(fkeys, k)
					fdt.RawSet(lua.LNumber(k), fe)
				}
				c.ordered.set(fdt, fkeys)
			}
			e.RawSetString("fdtable", fdt)
			k := luaKey(t.Tid)
			tkeys = append(tkeys, k)
			out.RawSet(lua.LNumber(k), e)
			return true
		})
		c.ordered.set(out, tkeys)
		L.Push(out)
		return 1
	}
}

// luaKey is the key sysdig stores a tid or fd under: lua_rawseti takes
// an int, given the number cast to uint32.
func luaKey(n int64) int32 { return int32(uint32(n)) }

func (c *Chisel) threadInfo(L *lua.LState, e *lua.LTable, eng *state.Engine, t *state.Thread) {
	e.RawSetString("ptid", lua.LNumber(uint32(t.Ptid)))
	e.RawSetString("comm", lua.LString(t.Comm))
	e.RawSetString("exe", lua.LString(t.Exe))
	e.RawSetString("flags", lua.LNumber(t.Flags))
	e.RawSetString("fdlimit", lua.LNumber(uint32(t.FDLimit)))
	e.RawSetString("uid", lua.LNumber(t.UID))
	e.RawSetString("gid", lua.LNumber(t.GID))
	e.RawSetString("nchilds", lua.LNumber(uint32(t.NChilds)))
	e.RawSetString("vmsize_kb", lua.LNumber(t.VMSize))
	e.RawSetString("vmrss_kb", lua.LNumber(t.VMRSS))
	e.RawSetString("vmswap_kb", lua.LNumber(t.VMSwap))
	e.RawSetString("pfmajor", lua.LNumber(uint32(t.PFMajor)))
	e.RawSetString("pfminor", lua.LNumber(uint32(t.PFMinor)))
	e.RawSetString("clone_ts", lua.LString(strconv.FormatInt(int64(t.CloneTs()), 10)))
	user := "<NA>"
	if u := eng.User(t.UID); u != nil {
		user = u.Name
	}
	e.RawSetString("username", lua.LString(user))
	args := L.NewTable()
	for _, a := range t.Args {
		args.Append(lua.LString(a))
	}
	e.RawSetString("args", args)
	env := t.Env
	if !t.IsMain() {
		if mt := eng.MainThread(t); mt != nil {
			env = mt.Env
		}
	}
	// sinsp drops the empty entries that end an environment (padding in
	// the capture's process list); the others stay.
	for len(env) > 0 && env[len(env)-1] == "" {
		env = env[:len(env)-1]
	}
	envt := L.NewTable()
	for _, a := range env {
		envt.Append(lua.LString(a))
	}
	e.RawSetString("env", envt)
}

// socketInfo adds the endpoints of IP sockets: for connected sockets the
// client (cip, cport) and server (sip, sport) sides, for listening ones
// only the server side.
func socketInfo(fe *lua.LTable, f *state.FD) {
	var sip, cip []byte
	var sport, cport uint16
	client := true
	server := f.Flags&state.FDRoleServer != 0
	switch f.Type {
	case scap.FDIPv4Sock:
		cip, sip, cport, sport = f.V4SIP(), f.V4DIP(), f.V4SPort(), f.V4DPort()
	case scap.FDIPv4ServSock:
		client, sip, sport, server = false, f.ServV4IP(), f.ServV4Port(), true
	case scap.FDIPv6Sock:
		cip, sip, cport, sport = f.V6SIP(), f.V6DIP(), f.V6SPort(), f.V6DPort()
	case scap.FDIPv6ServSock:
		client, sip, sport, server = false, f.ServV6IP(), f.ServV6Port(), true
	default:
		return
	}
	if client {
		fe.RawSetString("cip", lua.LString(fields.AppendIP(nil, cip)))
	}
	fe.RawSetString("sip", lua.LString(fields.AppendIP(nil, sip)))
	if client {
		fe.RawSetString("cport", lua.LNumber(cport))
	}
	fe.RawSetString("sport", lua.LNumber(sport))
	fe.RawSetString("is_server", lua.LBool(server))
	l4, ok := l4Names[f.L4()]
	if !ok {
		l4 = "<NA>"
	}
	fe.RawSetString("l4proto", lua.LString(l4))
}

// sortContainers orders the container table. sysdig lists its container
// map in hash order; on the sample captures that is descending ids.
func sortContainers(list []*state.Container) {
	sort.Slice(list, func(i, j int) bool { return list[i].ID > list[j].ID })
}

// printable drops the bytes of s that are not printable ASCII, as
// sysdig's fd tostring_clean does.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			b := make([]byte, 0, len(s))
			for j := 0; j < len(s); j++ {
				if s[j] >= 0x20 && s[j] <= 0x7e {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}

// threadTableTimes are the evt.* fields a thread-table filter may use.
var threadTableTimes = map[string]bool{"evt.rawtime": true, "evt.rawtime.s": true, "evt.rawtime.ns": true,
	"evt.time": true, "evt.time.s": true, "evt.datetime": true, "evt.reltime": true}

// threadTableFields rejects, as sysdig does, the fields a thread-table
// filter cannot use: those of events (but the times above), syslog and
// spans. Threads, fds, users, groups and containers are fine.
func threadTableFields(expr string) error {
	n, err := filter.Parse(expr, filter.Options{})
	if err != nil || n == nil {
		return nil // compiled already
	}
	var bad *filter.Check
	filter.Walk(n, func(x filter.Node) bool {
		ck, ok := x.(*filter.Check)
		if !ok || bad != nil {
			return bad == nil
		}
		name, _, _ := strings.Cut(ck.Field, "[")
		for _, p := range []string{"proc.", "thread.", "fd.", "user.", "group.", "container.", "k8s.", "mesos.", "fdlist."} {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		if !threadTableTimes[name] {
			bad = ck
		}
		return true
	})
	if bad != nil {
		return &filter.Error{Pos: bad.FieldEnd, Msg: "the given filter is not supported for thread table filtering", Expr: expr}
	}
	return nil
}
