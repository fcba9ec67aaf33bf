package fields

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Fields of the evt class.

func isGeneric(t uint16) bool { return t == scap.PPME_GENERIC_E || t == scap.PPME_GENERIC_X }

// paramIndex returns the index of the event's first parameter named name,
// or -1.
func paramIndex(ev *state.Event, name string) int {
	n := ev.NumParams()
	for i := range ev.Info.Params {
		if i >= n {
			break
		}
		if ev.Info.Params[i].Name == name {
			return i
		}
	}
	return -1
}

// paramInt64 reads an 8-byte signed parameter by name.
func paramInt64(ev *state.Event, name string) (int64, bool) {
	i := paramIndex(ev, name)
	if i < 0 {
		return 0, false
	}
	p := ev.Param(i)
	if len(p) < 8 {
		return 0, false
	}
	return int64(le64(p)), true
}

// result returns the event's return value the way evt.res and friends
// find it: the "res" parameter, or "fd" for exits of fd-creating calls.
func result(ev *state.Event) (v int64, name string, ok bool) {
	if ev.Current() {
		// Current libs take the first parameter of an exit as its
		// return value (getuid's uid too), but for generic and drop
		// events.
		if ev.IsEnter() || len(ev.Info.Params) == 0 || ev.Info.Params[0].Type == scap.PT_SYSCALLID ||
			ev.Type == scap.PPME_DROP_X {
			return 0, "", false
		}
		name = ev.Info.Params[0].Name
		switch p := ev.Param(0); len(p) {
		case 8:
			return int64(le64(p)), name, true
		case 4: // getuid's uid and the like
			return int64(le32(p)), name, true
		}
		return 0, name, false
	}
	if v, ok := paramInt64(ev, "res"); ok {
		return v, "res", true
	}
	if paramIndex(ev, "res") >= 0 {
		return 0, "res", false
	}
	if ev.Info.Flags&scap.EF_CREATES_FD != 0 && !ev.IsEnter() {
		if v, ok := paramInt64(ev, "fd"); ok {
			return v, "fd", true
		}
	}
	return 0, "", false
}

// syscallName names the syscall code of a generic event by the table of
// the capture's layout.
func syscallName(ev *state.Event, id uint16) string {
	if ev != nil && ev.Current() {
		return scap.SyscallNameHead(id)
	}
	return scap.SyscallName029(id)
}

// EventTypeName returns evt.type: the event's name, or for generic
// syscall events the name of the syscall they carry.
func EventTypeName(ev *state.Event) string {
	if isGeneric(ev.Type) {
		if p := ev.Param(0); len(p) >= 2 {
			return syscallName(ev, le16(p))
		}
		return "<unknown>"
	}
	return ev.Info.Name
}

// category returns evt.category.
func category(ev *state.Event) string {
	var cat scap.Category
	if isGeneric(ev.Type) && !ev.Current() {
		// (Current libs give generic events their table's category.)
		p := ev.Param(0)
		if len(p) < 2 {
			return "unknown"
		}
		id := le16(p)
		if int(id) < len(syscallCategory029) {
			return syscallCategory029[id]
		}
		return "unknown"
	}
	cat = ev.Info.Category.Low()
	switch cat {
	case scap.EC_UNKNOWN:
		return "unknown"
	case scap.EC_OTHER:
		return "other"
	case scap.EC_FILE:
		return "file"
	case scap.EC_NET:
		return "net"
	case scap.EC_IPC:
		return "IPC"
	case scap.EC_MEMORY:
		return "memory"
	case scap.EC_PROCESS:
		return "process"
	case scap.EC_SLEEP:
		return "sleep"
	case scap.EC_SYSTEM:
		return "system"
	case scap.EC_SIGNAL:
		return "signal"
	case scap.EC_USER:
		return "user"
	case scap.EC_TIME:
		return "time"
	case scap.EC_PROCESSING:
		return "processing"
	case scap.EC_IO_READ, scap.EC_IO_WRITE, scap.EC_IO_OTHER:
		if ev.FD == nil {
			return "unknown"
		}
		switch ev.FD.Type {
		case scap.FDFile, scap.FDFileV2, scap.FDDirectory:
			return "file"
		case scap.FDIPv4Sock, scap.FDIPv6Sock, scap.FDIPv4ServSock, scap.FDIPv6ServSock:
			return "net"
		case scap.FDFifo, scap.FDUnixSock, scap.FDEvent, scap.FDSignalFD, scap.FDInotify:
			return "ipc"
		}
		return "unknown"
	case scap.EC_WAIT:
		return "wait"
	case scap.EC_SCHEDULER:
		return "scheduler"
	}
	return "unknown"
}

func setStr(c *Ctx, v *Value, s string) bool {
	v.S = append(c.scratch(), s...)
	c.keep(v.S)
	return true
}

func setBool(v *Value, b bool) bool {
	v.N = 0
	if b {
		v.N = 1
	}
	return true
}

// appendSecNs9 appends S.nnnnnnnnn.
func appendSecNs9(b []byte, ns uint64) []byte { return appendSecNs(b, ns) }

// humanTime renders a duration as sinsp's "nice" time strings.
func humanTime(b []byte, v uint64) []byte {
	const s = 1000000000
	switch {
	case v >= 3600*s:
		return fmt.Appendf(b, "%02d:%02d:%02d", uint32(v/(3600*s)), uint32(v/(60*s)%60), uint32(v/s%60))
	case v >= 60*s:
		return fmt.Appendf(b, "%d:%d", uint32(v/(60*s)), uint32(v/s%60))
	case v >= s:
		return fmt.Appendf(b, "%d.%02ds", uint32(v/s), uint32(v%s/10000000))
	case v >= s/100:
		return fmt.Appendf(b, "%dms", uint32(v/(s/1000)))
	case v >= s/1000:
		return fmt.Appendf(b, "%d.%02dms", uint32(v/(s/1000)), uint32(v%1000000/10000))
	case v >= s/100000:
		return fmt.Appendf(b, "%dus", uint32(v/(s/1000000)))
	case v >= s/1000000:
		return fmt.Appendf(b, "%d.%02dus", uint32(v/(s/1000000)), uint32(v%1000/10))
	}
	return fmt.Appendf(b, "%dns", uint32(v))
}

func internal(ev *state.Event) bool { return ev.Info.Category&scap.EC_INTERNAL != 0 }

// tsJSON makes a field's JSON value the raw timestamp.
func tsJSON(f *Field) {
	f.json = func(c *Ctx, b []byte) ([]byte, bool) {
		return strconv.AppendUint(b, c.Ev.Ts, 10), true
	}
}

// allParamNames is every parameter name of 0.29.3's event table, for
// evt.arg.NAME resolution (longest name that prefixes the argument).
var allParamNames = func() map[string]*scap.ParamInfo {
	m := map[string]*scap.ParamInfo{}
	for t := 0; t < scap.NumEventsAll; t++ {
		info := scap.InfoAny(uint16(t))
		for i := range info.Params {
			if _, ok := m[info.Params[i].Name]; !ok {
				m[info.Params[i].Name] = &info.Params[i]
			}
		}
	}
	return m
}()

// longestParam returns the longest parameter name prefixing s.
func longestParam(s string) (string, *scap.ParamInfo) {
	best := ""
	var pi *scap.ParamInfo
	for name, p := range allParamNames {
		if strings.HasPrefix(s, name) && len(name) > len(best) {
			best, pi = name, p
		}
	}
	return best, pi
}

var evtTable = []entry{
	get("evt.num", PFID, func(c *Ctx, v *Value) bool { v.N = c.Ev.Num; return true }),
	timeStr("evt.time", false, true),
	timeStr("evt.time.s", false, false),
	timeStr("evt.datetime", true, true),
	timeStr("evt.datetime.s", true, false),
	{"evt.time.iso8601", argNone, func(f *Field) error {
		f.get = func(c *Ctx, v *Value) bool {
			v.S = c.keep(appendISO8601(c.scratch(), c.Ev.Ts))
			return true
		}
		tsJSON(f)
		return nil
	}},
	get("evt.rawtime", PFDec, func(c *Ctx, v *Value) bool { v.N = c.Ev.Ts; return true }),
	get("evt.rawtime.s", PFDec, func(c *Ctx, v *Value) bool { v.N = c.Ev.Ts / 1e9; return true }),
	plainJSON(get("evt.rawtime.ns", PFPadDec, func(c *Ctx, v *Value) bool { v.N = c.Ev.Ts % 1e9; return true })),
	plainJSON(get("evt.reltime", PFPadDec, func(c *Ctx, v *Value) bool { v.N = relTime(c); return true })),
	get("evt.reltime.s", PFDec, func(c *Ctx, v *Value) bool { v.N = relTime(c) / 1e9; return true }),
	plainJSON(get("evt.reltime.ns", PFPadDec, func(c *Ctx, v *Value) bool { v.N = relTime(c) % 1e9; return true })),
	never("evt.pluginname", argNone),
	never("evt.plugininfo", argNone),

	get("evt.latency", PFDec, latencyGetter(false, false)),
	get("evt.latency.s", PFDec, latencyGetter(true, false)),
	get("evt.latency.ns", PFPadDec, latencyGetter(false, true)),
	get("evt.latency.quantized", PFDec, latencyQuantized),
	{"evt.latency.human", argNone, func(f *Field) error {
		// Without a thread sysdig prints whatever this field printed last.
		var last []byte
		f.get = func(c *Ctx, v *Value) bool {
			if t := c.Ev.Thread; t != nil {
				if internal(c.Ev) {
					return false
				}
				last = humanTime(last[:0], t.Latency)
			}
			v.S = last
			return true
		}
		return nil
	}},
	deltaField("evt.deltatime", PFDec, 0),
	deltaField("evt.deltatime.s", PFDec, 1),
	deltaField("evt.deltatime.ns", PFPadDec, 2),
	{"evt.outputtime", argNone, func(f *Field) error {
		f.stateful = true // -t D: the delta from the previous extraction
		ot := &OutputTime{}
		f.get = func(c *Ctx, v *Value) bool {
			if c.Time != nil {
				ot.Mode = c.Time.Mode
				ot.Clk.loc = c.Time.Clk.loc
			}
			v.S = c.keep(ot.Append(c.scratch(), c.Ev))
			return true
		}
		tsJSON(f)
		return nil
	}},
	get("evt.dir", PFNA, func(c *Ctx, v *Value) bool {
		if c.Ev.IsEnter() {
			return setStr(c, v, ">")
		}
		return setStr(c, v, "<")
	}),
	{"evt.type", argNone, func(f *Field) error {
		f.get = func(c *Ctx, v *Value) bool { return setStr(c, v, EventTypeName(c.Ev)) }
		f.validate = func(s string) error {
			if !KnownEventName(s) {
				return fmt.Errorf("unknown event type %s", s)
			}
			return nil
		}
		return nil
	}},
	{"evt.type.is", argDot, func(f *Field) error {
		lo, hi := -1, -1
		if n, err := strconv.ParseUint(f.Arg, 10, 32); err == nil {
			lo, hi = int(n), scap.NumEvents029
		} else {
			for t := 0; t < scap.NumEvents029; t++ {
				if scap.Info(uint16(t)).Name == f.Arg {
					lo, hi = t, t+1
					break
				}
			}
			if lo < 0 {
				return fmt.Errorf("%w: evt.type.is.%s", ErrNotFound, f.Arg)
			}
		}
		f.get = func(c *Ctx, v *Value) bool {
			return setBool(v, int(c.Ev.Type) == lo || int(c.Ev.Type) == hi)
		}
		return nil
	}},
	get("syscall.type", PFNA, func(c *Ctx, v *Value) bool {
		// sinsp tests the event flags against EC_INTERNAL, whose value is
		// EF_SKIPPARSERESET's.
		if c.Ev.Type == scap.PPME_SCHEDSWITCH_6_E || c.Ev.Info.Flags&scap.EF_SKIPPARSERESET != 0 {
			return false
		}
		return setStr(c, v, EventTypeName(c.Ev))
	}),
	get("evt.category", PFNA, func(c *Ctx, v *Value) bool { return setStr(c, v, category(c.Ev)) }),
	get("evt.cpu", PFID, func(c *Ctx, v *Value) bool { v.N = uint64(c.Ev.CPU); return true }),
	get("evt.args", PFNA, func(c *Ctx, v *Value) bool {
		v.S = c.keep(c.R.AppendArgs(c.scratch(), c.Ev))
		return true
	}),
	get("evt.info", PFNA, evtInfo),
	{"evt.arg", argDotIndex, buildEvtArg},
	{"evt.rawarg", argDot, buildEvtRawArg},
	{"evt.buffer", argNone, func(f *Field) error {
		// Filters compare the raw bytes; -p prints them rendered.
		f.get = func(c *Ctx, v *Value) bool {
			i := paramIndex(c.Ev, "data")
			if i < 0 {
				return false
			}
			v.S = c.Ev.Param(i)
			return true
		}
		f.text = func(c *Ctx, b []byte) ([]byte, bool) {
			i := paramIndex(c.Ev, "data")
			if i < 0 {
				return b, false
			}
			val, _ := c.R.Param(c.Ev, i)
			return append(b, val...), true
		}
		f.json = func(c *Ctx, b []byte) ([]byte, bool) {
			i := paramIndex(c.Ev, "data")
			if i < 0 {
				return b, false
			}
			val, _ := c.R.Param(c.Ev, i)
			return AppendJSONString(b, val), true
		}
		return nil
	}},
	get("evt.buflen", PFDec, buflenGetter(isIOEvent)),
	get("evt.buflen.in", PFDec, buflenGetter(isReadEvent)),
	get("evt.buflen.out", PFDec, buflenGetter(isWriteEvent)),
	onlyFor(ioTypes, get("evt.buflen.file", PFDec, buflenGetter(both(isIOEvent, hasFileFD)))),
	onlyFor(ioTypes, get("evt.buflen.file.in", PFDec, buflenGetter(both(isReadEvent, hasFileFD)))),
	onlyFor(ioTypes, get("evt.buflen.file.out", PFDec, buflenGetter(both(isWriteEvent, hasFileFD)))),
	onlyFor(ioTypes, get("evt.buflen.net", PFDec, buflenGetter(both(isIOEvent, hasNetFD)))),
	onlyFor(ioTypes, get("evt.buflen.net.in", PFDec, buflenGetter(both(isReadEvent, hasNetFD)))),
	onlyFor(ioTypes, get("evt.buflen.net.out", PFDec, buflenGetter(both(isWriteEvent, hasNetFD)))),
	get("evt.res", PFDec, func(c *Ctx, v *Value) bool {
		r, name, ok := result(c.Ev)
		if !ok {
			return false
		}
		if r >= 0 {
			return setStr(c, v, "SUCCESS")
		}
		val, res := c.R.Param(c.Ev, paramIndex(c.Ev, name))
		if len(res) > 0 {
			return setStr(c, v, string(res))
		}
		return setStr(c, v, string(val))
	}),
	get("evt.rawres", PFDec, func(c *Ctx, v *Value) bool {
		r, _, ok := result(c.Ev)
		v.N = uint64(r)
		return ok
	}),
	get("evt.failed", PFNA, func(c *Ctx, v *Value) bool {
		r, _, ok := result(c.Ev)
		if !ok && c.Ev.Current() {
			return false // current libs: no return value, no value
		}
		return setBool(v, ok && r < 0)
	}),
	get("evt.is_io", PFNA, flagBool(scap.EF_READS_FROM_FD|scap.EF_WRITES_TO_FD)),
	get("evt.is_io_read", PFNA, flagBool(scap.EF_READS_FROM_FD)),
	get("evt.is_io_write", PFNA, flagBool(scap.EF_WRITES_TO_FD)),
	get("evt.io_dir", PFNA, func(c *Ctx, v *Value) bool {
		switch {
		case c.Ev.Info.Flags&scap.EF_WRITES_TO_FD != 0:
			return setStr(c, v, "write")
		case c.Ev.Info.Flags&scap.EF_READS_FROM_FD != 0:
			return setStr(c, v, "read")
		}
		return false
	}),
	get("evt.is_wait", PFNA, flagBool(scap.EF_WAITS)),
	get("evt.wait_latency", PFDec, func(c *Ctx, v *Value) bool {
		if c.Ev.Info.Flags&scap.EF_WAITS == 0 || c.Ev.IsEnter() {
			return false
		}
		v.N = 0
		if c.Ev.Thread != nil {
			v.N = c.Ev.Thread.Latency
		}
		return true
	}),
	get("evt.is_syslog", PFNA, func(c *Ctx, v *Value) bool {
		return setBool(v, c.Ev.Info.Flags&scap.EF_WRITES_TO_FD != 0 && c.Ev.FD != nil && strings.Contains(c.Ev.FD.Name, "/dev/log"))
	}),
	get("evt.count", PFDec, countOne),
	get("evt.count.error", PFDec, errCount(nil)),
	get("evt.count.error.file", PFDec, errCount(func(ev *state.Event) bool {
		if ev.FD != nil {
			return isFileType(ev.FD.Type)
		}
		return isOpenExit(ev.Type)
	})),
	get("evt.count.error.net", PFDec, errCount(func(ev *state.Event) bool {
		if ev.FD != nil {
			return isNetType(ev.FD.Type)
		}
		return isConnExit(ev.Type)
	})),
	get("evt.count.error.memory", PFDec, errCount(isMemEvent)),
	get("evt.count.error.other", PFDec, errCount(func(ev *state.Event) bool {
		if ev.FD != nil {
			return !isFileType(ev.FD.Type) && !isNetType(ev.FD.Type)
		}
		return !isOpenExit(ev.Type) && !isConnExit(ev.Type) && !isMemEvent(ev)
	})),
	get("evt.count.exit", PFDec, func(c *Ctx, v *Value) bool {
		if c.Ev.IsEnter() {
			return false
		}
		v.N = 1
		return true
	}),
	get("evt.count.procinfo", PFDec, func(c *Ctx, v *Value) bool {
		if c.Ev.Type != scap.PPME_PROCINFO_E || c.Ev.Thread == nil || !c.Ev.Thread.IsMain() {
			return false
		}
		v.N = 1
		return true
	}),
	get("evt.count.threadinfo", PFDec, func(c *Ctx, v *Value) bool {
		if c.Ev.Type != scap.PPME_PROCINFO_E {
			return false
		}
		v.N = 1
		return true
	}),
	{"evt.around", argBracket, func(f *Field) error {
		t, err := strconv.ParseUint(f.Arg, 10, 64)
		if err != nil {
			return fmt.Errorf("%s is not a valid number", f.Arg)
		}
		f.around = t
		// The filter compiler handles evt.around itself (see Around).
		f.get = func(c *Ctx, v *Value) bool { v.N = c.Ev.Ts; return true }
		return nil
	}},
	{"evt.abspath", argSrcDst, buildAbsPath},
	get("evt.is_open_read", PFNA, openFlags(scap.PPM_O_RDONLY, false)),
	get("evt.is_open_write", PFNA, openFlags(scap.PPM_O_WRONLY, false)),
	get("evt.is_open_exec", PFNA, openFlags(0, true)),
}

// timeStr is a time-of-day (or, with date, date and time) field; JSON
// shows the raw timestamp.
func timeStr(name string, date, nanos bool) entry {
	return entry{name, argNone, func(f *Field) error {
		f.get = func(c *Ctx, v *Value) bool {
			b := c.scratch()
			if date {
				b = c.Clk.AppendDateTime(b, c.Ev.Ts, nanos)
			} else {
				b = c.Clk.AppendTime(b, c.Ev.Ts, nanos)
			}
			v.S = c.keep(b)
			return true
		}
		tsJSON(f)
		return nil
	}}
}

// relTime is the time since the capture's first event.
func relTime(c *Ctx) uint64 { return c.Ev.Ts - c.Ev.Engine().FirstTs }

// deltaField is the time since the previous extraction (mode 1: its
// seconds, 2: its nanoseconds part).
func deltaField(name string, pf PrintFmt, mode int) entry {
	return entry{name, argNone, func(f *Field) error {
		f.PF = pf
		f.twiceJSON = true
		var last uint64
		f.get = func(c *Ctx, v *Value) bool {
			ts := c.Ev.Ts
			var d uint64
			if last != 0 {
				d = ts - last
			}
			last = ts
			switch mode {
			case 1:
				d /= 1e9
			case 2:
				d %= 1e9
			}
			v.N = d
			return true
		}
		f.json = func(c *Ctx, b []byte) ([]byte, bool) {
			var v Value
			f.Get(c, &v)
			return strconv.AppendUint(b, v.N, 10), true
		}
		return nil
	}}
}

// evtInfo is evt.info.
func evtInfo(c *Ctx, v *Value) bool {
	v.S = c.keep(c.R.AppendInfo(c.scratch(), c.Ev))
	return true
}

// buflenGetter is the byte count of I/O exits that pred selects.
func buflenGetter(pred func(ev *state.Event) bool) getter {
	return func(c *Ctx, v *Value) bool {
		ev := c.Ev
		if ev.FD == nil || !pred(ev) || ev.IsEnter() {
			return false
		}
		p := ev.Param(0)
		if len(p) < 8 || int64(le64(p)) < 0 {
			return false
		}
		v.N = le64(p)
		return true
	}
}

// ioTypes are the event types of the I/O categories.
var ioTypes = eventTypesWhere(func(info *scap.EventInfo) bool { return info.Category.Low()&scap.EC_IO_BASE != 0 })

func isIOEvent(ev *state.Event) bool { return ev.Info.Category.Low()&scap.EC_IO_BASE != 0 }

func isReadEvent(ev *state.Event) bool { return ev.Info.Category.Low() == scap.EC_IO_READ }

func isWriteEvent(ev *state.Event) bool { return ev.Info.Category.Low() == scap.EC_IO_WRITE }

func hasFileFD(ev *state.Event) bool { return ev.FD.Type == scap.FDFile || ev.FD.Type == scap.FDFileV2 }

func hasNetFD(ev *state.Event) bool {
	return ev.FD.Type >= scap.FDIPv4Sock && ev.FD.Type <= scap.FDIPv6ServSock
}

// both is the conjunction of two event predicates.
func both(a, b func(*state.Event) bool) func(*state.Event) bool {
	return func(ev *state.Event) bool { return a(ev) && b(ev) }
}

// flagBool is whether the event's flags include fl.
func flagBool(fl scap.EventFlags) getter {
	return func(c *Ctx, v *Value) bool { return setBool(v, c.Ev.Info.Flags&fl != 0) }
}

// countOne is 1 for every event.
func countOne(c *Ctx, v *Value) bool { v.N = 1; return true }

// errCount is 1 for the failed events that pred (if any) selects.
func errCount(pred func(ev *state.Event) bool) getter {
	return func(c *Ctx, v *Value) bool {
		if pred != nil && !pred(c.Ev) {
			return false
		}
		r, _, ok := result(c.Ev)
		if !ok || r >= 0 {
			return false
		}
		v.N = 1
		return true
	}
}

func isFileType(t uint8) bool { return t == scap.FDFile || t == scap.FDFileV2 || t == scap.FDDirectory }

func isNetType(t uint8) bool {
	return t == scap.FDIPv4Sock || t == scap.FDIPv6Sock || t == scap.FDIPv4ServSock || t == scap.FDIPv6ServSock || t == scap.FDUnixSock
}

// isOpenExit reports exits of the open calls.
func isOpenExit(t uint16) bool {
	return t == scap.PPME_SYSCALL_OPEN_X || t == scap.PPME_SYSCALL_CREAT_X || t == scap.PPME_SYSCALL_OPENAT_X || t == scap.PPME_SYSCALL_OPENAT_2_X
}

// isConnExit reports exits of accept and connect.
func isConnExit(t uint16) bool {
	return t == scap.PPME_SOCKET_ACCEPT_X || t == scap.PPME_SOCKET_ACCEPT_5_X || t == scap.PPME_SOCKET_ACCEPT4_X || t == scap.PPME_SOCKET_ACCEPT4_5_X || t == scap.PPME_SOCKET_CONNECT_X
}

func isMemEvent(ev *state.Event) bool { return ev.Info.Category.Low() == scap.EC_MEMORY }

// openFlags is whether an open call asked for want, or (exec) created
// an executable file.
func openFlags(want uint32, exec bool) getter {
	return func(c *Ctx, v *Value) bool {
		ev := c.Ev
		var fi, mi int
		switch ev.Type {
		case scap.PPME_SYSCALL_OPEN_X, scap.PPME_SYSCALL_OPENAT_E:
			fi, mi = 2, 3
		case scap.PPME_SYSCALL_OPENAT_2_X:
			fi, mi = 3, 4
		case scap.PPME_SYSCALL_CREAT_X:
			if !exec {
				return setBool(v, false)
			}
			fi, mi = -1, 2
		default:
			return setBool(v, false)
		}
		if ev.Type == scap.PPME_SYSCALL_OPENAT_E {
			mi = 3
		}
		var flags uint32
		if fi >= 0 {
			p := ev.Param(fi)
			if len(p) < 4 {
				return setBool(v, false)
			}
			flags = le32(p)
		} else {
			flags = scap.PPM_O_CREAT
		}
		if !exec {
			return setBool(v, flags&want != 0)
		}
		p := ev.Param(mi)
		if len(p) < 4 {
			return setBool(v, false)
		}
		mode := le32(p)
		return setBool(v, flags&(scap.PPM_O_CREAT|scap.PPM_O_TMPFILE) != 0 && mode&(scap.PPM_S_IXUSR|scap.PPM_S_IXGRP|scap.PPM_S_IXOTH) != 0)
	}
}

// latencyGetter is the event latency (div: its seconds, mod: its
// nanoseconds part).
func latencyGetter(div, mod bool) getter {
	return func(c *Ctx, v *Value) bool {
		v.N = 0
		if t := c.Ev.Thread; t != nil {
			if internal(c.Ev) {
				return false
			}
			v.N = t.Latency
			if div {
				v.N /= 1e9
			} else if mod {
				v.N %= 1e9
			}
		}
		return true
	}
}

// plainJSON makes a field's JSON value its plain number (padded formats
// are for text).
func plainJSON(e entry) entry {
	build := e.build
	e.build = func(f *Field) error {
		if err := build(f); err != nil {
			return err
		}
		f.json = func(c *Ctx, b []byte) ([]byte, bool) {
			var v Value
			f.Get(c, &v)
			return strconv.AppendUint(b, v.N, 10), true
		}
		return nil
	}
	return e
}

// KnownEventName reports whether s names an event type or a syscall of
// sysdig 0.29.3's tables (what evt.type accepts).
func KnownEventName(s string) bool {
	if eventNames[s] {
		return true
	}
	for id := 0; id < scap.NumSyscalls029; id++ {
		if scap.SyscallName029(uint16(id)) == s {
			return true
		}
	}
	return false
}

// isSyscallName reports whether a generic event can carry syscall s, by
// either table.
func isSyscallName(s string) bool {
	for id := 0; id < scap.NumSyscalls029; id++ {
		if scap.SyscallName029(uint16(id)) == s {
			return true
		}
	}
	for id := 0; id < scap.NumSyscallsHead; id++ {
		if scap.SyscallNameHead(uint16(id)) == s {
			return true
		}
	}
	return false
}

var eventNames = func() map[string]bool {
	m := map[string]bool{}
	for t := 0; t < scap.NumEventsAll; t++ {
		m[scap.InfoAny(uint16(t)).Name] = true
	}
	return m
}()

// EventTypesNamed returns the event types whose evt.type can be s: the
// events of that name, plus the generic syscall events when s is a
// syscall name.
func EventTypesNamed(s string) []uint16 {
	var ts []uint16
	for t := 0; t < scap.NumEvents029; t++ {
		if scap.Info(uint16(t)).Name == s {
			ts = append(ts, uint16(t))
		}
	}
	for t := scap.NumEvents029; t < scap.NumEventsHead; t++ {
		// Types of current captures only (in others they are skipped).
		if scap.InfoHead(uint16(t)).Name == s {
			ts = append(ts, uint16(t))
		}
	}
	if isSyscallName(s) {
		ts = append(ts, scap.PPME_GENERIC_E, scap.PPME_GENERIC_X)
	}
	return ts
}

// appendISO8601 renders a timestamp as 2018-08-17T17:35:48.514649386+0000
// (always UTC).
func appendISO8601(b []byte, ts uint64) []byte {
	t := time.Unix(int64(ts/1e9), 0).UTC()
	b = t.AppendFormat(b, "2006-01-02T15:04:05")
	b = append(b, '.')
	b = appendNanos(b, ts%1e9)
	return append(b, "+0000"...)
}

func buildEvtArg(f *Field) error {
	if strings.HasPrefix(f.Name, "evt.arg[") {
		n, err := argNumber(f)
		if err != nil {
			return err
		}
		f.get = func(c *Ctx, v *Value) bool {
			if n < 0 || n >= c.Ev.NumParams() || n >= len(c.Ev.Info.Params) {
				return false
			}
			return argString(c, v, n)
		}
		return nil
	}
	name, _ := longestParam(f.Arg)
	if name == "" {
		return fmt.Errorf("unknown event argument %s", f.Arg)
	}
	f.fixArg(name)
	f.get = func(c *Ctx, v *Value) bool {
		i := paramIndex(c.Ev, name)
		if i < 0 {
			return false
		}
		return argString(c, v, i)
	}
	return nil
}

// argString renders parameter i: its resolved form if it has countOne, else
// its value.
func argString(c *Ctx, v *Value, i int) bool {
	val, res := c.R.Param(c.Ev, i)
	if len(res) > 0 {
		v.S = append(c.scratch(), res...)
	} else {
		v.S = append(c.scratch(), val...)
	}
	c.keep(v.S)
	return true
}

func buildEvtRawArg(f *Field) error {
	name, pi := longestParam(f.Arg)
	if name == "" {
		return fmt.Errorf("unknown event argument %s", f.Arg)
	}
	f.fixArg(name)
	f.Type, f.PF = rawType(pi.Type, pi.Format)
	f.raw = pi
	f.get = func(c *Ctx, v *Value) bool {
		i := paramIndex(c.Ev, name)
		if i < 0 {
			return false
		}
		p := c.Ev.Param(i)
		if p == nil {
			return false
		}
		return rawValue(v, pi.Type, p)
	}
	switch pi.Type {
	case scap.PT_BYTEBUF:
		// sysdig prints a raw buffer as a C string: up to its first NUL.
		cut := func(c *Ctx) (*Value, bool) {
			v := &c.val
			if !f.Get(c, v) {
				return nil, false
			}
			if i := bytes.IndexByte(v.S, 0); i >= 0 {
				v.S = v.S[:i]
			}
			return v, true
		}
		f.text = func(c *Ctx, b []byte) ([]byte, bool) {
			v, ok := cut(c)
			if !ok {
				return b, false
			}
			return append(b, v.S...), true
		}
		f.json = func(c *Ctx, b []byte) ([]byte, bool) {
			v, ok := cut(c)
			if !ok {
				return b, false
			}
			return AppendJSONValue(b, v, c), true
		}
	case scap.PT_SOCKADDR, scap.PT_SOCKTUPLE:
		// sysdig prints no value for raw addresses.
		f.text = func(c *Ctx, b []byte) ([]byte, bool) { return b, false }
		f.json = f.text
	}
	return nil
}

// rawType maps a parameter type to the value type evt.rawarg reports.
func rawType(t scap.ParamType, pf scap.ParamFormat) (Type, PrintFmt) {
	f := PFDec
	switch pf {
	case scap.PF_HEX:
		f = PFHexNum
	case scap.PF_OCT:
		f = PFOct
	case scap.PF_10_PADDED_DEC:
		f = PFPadDec
	case scap.PF_ID:
		f = PFID
	}
	switch t {
	case scap.PT_INT8, scap.PT_INT16, scap.PT_INT32, scap.PT_INT64, scap.PT_ERRNO, scap.PT_FD, scap.PT_PID, scap.PT_FD32, scap.PT_PID32:
		return TInt64, f
	case scap.PT_UINT8, scap.PT_UINT16, scap.PT_UINT32, scap.PT_FLAGS8, scap.PT_FLAGS16, scap.PT_FLAGS32,
		scap.PT_UID, scap.PT_GID, scap.PT_MODE, scap.PT_SYSCALLID, scap.PT_SIGTYPE, scap.PT_SIGSET,
		scap.PT_ENUMFLAGS8, scap.PT_ENUMFLAGS16, scap.PT_ENUMFLAGS32, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
		if f == PFHexNum {
			// sysdig prints 32-bit and smaller unsigned values in
			// decimal even when the format says hex.
			f = PFDec
		}
		return TUint64, f
	case scap.PT_UINT64, scap.PT_RELTIME, scap.PT_ABSTIME:
		return TUint64, f
	case scap.PT_PORT:
		return TPort, PFDec
	case scap.PT_BOOL:
		return TBool, PFNA
	case scap.PT_DOUBLE:
		return TDouble, PFNA
	case scap.PT_IPV4ADDR, scap.PT_IPV6ADDR, scap.PT_IPADDR:
		return TIPAddr, PFNA
	case scap.PT_CHARBUF, scap.PT_FSPATH, scap.PT_FSRELPATH:
		return TCharbuf, PFNA
	}
	return TBytebuf, PFNA
}

// rawValue decodes parameter bytes p of type t into v.
func rawValue(v *Value, t scap.ParamType, p []byte) bool {
	signed := func(n int) bool {
		if len(p) < n {
			return false
		}
		switch n {
		case 1:
			v.N = uint64(int64(int8(p[0])))
		case 2:
			v.N = uint64(int64(int16(le16(p))))
		case 4:
			v.N = uint64(int64(int32(le32(p))))
		case 8:
			v.N = le64(p)
		}
		return true
	}
	unsigned := func(n int) bool {
		if len(p) < n {
			return false
		}
		switch n {
		case 1:
			v.N = uint64(p[0])
		case 2:
			v.N = uint64(le16(p))
		case 4:
			v.N = uint64(le32(p))
		case 8:
			v.N = le64(p)
		}
		return true
	}
	switch t {
	case scap.PT_INT8:
		return signed(1)
	case scap.PT_INT16:
		return signed(2)
	case scap.PT_INT32, scap.PT_FD32, scap.PT_PID32:
		return signed(4)
	case scap.PT_INT64, scap.PT_ERRNO, scap.PT_FD, scap.PT_PID:
		return signed(8)
	case scap.PT_UINT8, scap.PT_FLAGS8, scap.PT_SIGTYPE, scap.PT_ENUMFLAGS8, scap.PT_L4PROTO, scap.PT_SOCKFAMILY:
		return unsigned(1)
	case scap.PT_UINT16, scap.PT_FLAGS16, scap.PT_SYSCALLID, scap.PT_PORT, scap.PT_ENUMFLAGS16:
		return unsigned(2)
	case scap.PT_UINT32, scap.PT_FLAGS32, scap.PT_UID, scap.PT_GID, scap.PT_MODE, scap.PT_SIGSET, scap.PT_ENUMFLAGS32, scap.PT_BOOL:
		return unsigned(4)
	case scap.PT_UINT64, scap.PT_RELTIME, scap.PT_ABSTIME:
		return unsigned(8)
	case scap.PT_DOUBLE:
		if len(p) < 8 {
			return false
		}
		v.F = math.Float64frombits(le64(p))
		return true
	case scap.PT_CHARBUF, scap.PT_FSPATH, scap.PT_FSRELPATH:
		if i := bytes.IndexByte(p, 0); i >= 0 {
			p = p[:i]
		}
	}
	v.S = p
	return true
}

func buildAbsPath(f *Field) error {
	which := 0 // 0: evt.abspath, 1: .src, 2: .dst
	switch f.Arg {
	case "src":
		which = 1
	case "dst":
		which = 2
	}
	f.get = func(c *Ctx, v *Value) bool {
		ev := c.Ev
		t := ev.Thread
		if t == nil {
			return false
		}
		var dirArg, pathArg string
		switch ev.Type {
		case scap.PPME_SYSCALL_RENAMEAT_X, scap.PPME_SYSCALL_RENAMEAT2_X:
			if which == 2 {
				dirArg, pathArg = "newdirfd", "newpath"
			} else {
				dirArg, pathArg = "olddirfd", "oldpath"
			}
		case scap.PPME_SYSCALL_SYMLINKAT_X:
			dirArg, pathArg = "linkdirfd", "linkpath"
		case scap.PPME_SYSCALL_OPENAT_E, scap.PPME_SYSCALL_OPENAT_2_X:
			dirArg, pathArg = "dirfd", "name"
		case scap.PPME_SYSCALL_LINKAT_E, scap.PPME_SYSCALL_LINKAT_2_X:
			if which == 2 {
				dirArg, pathArg = "newdir", "newpath"
			} else {
				dirArg, pathArg = "olddir", "oldpath"
			}
		case scap.PPME_SYSCALL_UNLINKAT_E, scap.PPME_SYSCALL_UNLINKAT_2_X:
			dirArg, pathArg = "dirfd", "name"
		case scap.PPME_SYSCALL_MKDIRAT_X:
			dirArg, pathArg = "dirfd", "path"
		default:
			return false
		}
		di, pi := paramIndex(ev, dirArg), paramIndex(ev, pathArg)
		if di < 0 || pi < 0 {
			return false
		}
		dp := ev.Param(di)
		if len(dp) < 8 {
			return false
		}
		dirfd := int64(le64(dp))
		path := ev.Param(pi)
		if i := bytes.IndexByte(path, 0); i >= 0 {
			path = path[:i]
		}
		var dir string
		switch {
		case len(path) > 0 && path[0] == '/':
			dir = "."
		case dirfd == ppmAtFdcwd:
			dir = ev.Engine().Cwd(t)
		default:
			fd := ev.Engine().GetFD(t, dirfd)
			if fd == nil {
				dir = "<UNKNOWN>/"
			} else {
				dir = fd.Name + "/"
			}
		}
		full, _ := state.ConcatPaths(dir, string(path))
		return setStr(c, v, full)
	}
	return nil
}

// ppmAtFdcwd is AT_FDCWD as the driver passes it.
const ppmAtFdcwd = -100

// latencyQuantized is the latency's log10 (at most 11) scaled to
// Ctx.ScreenW columns, plus one, as csysdig's spectrograms bucket it.
// Without a screen sysdig scales by -1, which makes every bucket 1 (the
// cast of a negative fraction) below 100 s.
func latencyQuantized(c *Ctx, v *Value) bool {
	t := c.Ev.Thread
	if t == nil || internal(c.Ev) || t.Latency == 0 {
		return false
	}
	l := math.Log10(float64(t.Latency))
	if l > 11 {
		l = 11
	}
	w := float64(c.ScreenW)
	if c.ScreenW == 0 {
		w = -1
	}
	q := l * w / 11
	switch {
	case q <= -1:
		v.N = math.MaxUint64 // x86's conversion of an out-of-range double
	case q < 0:
		v.N = 0
	default:
		v.N = uint64(q)
	}
	v.N++
	return true
}
