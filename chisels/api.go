package chisels

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/state"
)

// fieldHandle is what chisel.request_field returns.
type fieldHandle struct {
	f *fields.Field
	// text: the value is the field as -p prints it. sysdig extracts
	// evt.buffer for display (chisels) rendered with the buffer format,
	// and raw only for filters.
	text bool
}

// register installs the sysdig, chisel and evt libraries bound to c.
func (c *Chisel) register() {
	L := c.L
	c.ordered = installOrdered(L)
	L.SetGlobal("sysdig", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"set_filter":                      c.sysdigSetFilter,
		"get_filter":                      c.sysdigGetFilter,
		"set_snaplen":                     c.sysdigSetSnaplen,
		"set_output_format":               c.sysdigSetOutputFormat,
		"set_fatfile_dump_mode":           c.sysdigSetFatfile,
		"is_live":                         c.sysdigIsLive,
		"is_tty":                          c.sysdigIsTTY,
		"get_terminal_info":               c.sysdigTerminalInfo,
		"get_machine_info":                c.sysdigMachineInfo,
		"get_thread_table":                c.threadTable(true, false),
		"get_thread_table_nofds":          c.threadTable(false, false),
		"get_thread_table_barebone":       c.threadTable(true, true),
		"get_thread_table_barebone_nofds": c.threadTable(false, true),
		"get_container_table":             c.sysdigContainerTable,
		"is_print_container_data":         c.sysdigPrintContainer,
		"get_output_format":               c.sysdigOutputFormat,
		"get_evtsource_name":              c.sysdigSourceName,
		"get_firstevent_ts":               c.sysdigFirstTs,
		"get_lastevent_ts":                c.sysdigLastTs,
		"make_ts":                         sysdigMakeTs,
		"add_ts":                          sysdigAddTs,
		"subtract_ts":                     sysdigSubtractTs,
		"run_app":                         c.sysdigRunApp,
		"end_capture":                     c.sysdigEndCapture,
		"log":                             c.sysdigLog,
		"udp_setpeername":                 c.sysdigUDPPeer,
		"udp_send":                        c.sysdigUDPSend,
		"get_read_progress":               c.sysdigProgress,
	}))
	L.SetGlobal("chisel", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"request_field":           c.chiselRequestField,
		"set_filter":              c.chiselSetFilter,
		"set_event_formatter":     c.chiselSetFormatter,
		"set_interval_ns":         c.chiselSetIntervalNs,
		"set_interval_s":          c.chiselSetIntervalS,
		"set_precise_interval_ns": c.chiselSetPreciseInterval,
		"exec":                    c.chiselExec,
		// trace's own: aggregation in Go for the table chisels.
		"aggregate": c.chiselAggregate,
	}))
	L.SetGlobal("evt", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"field":     c.evtField,
		"get_num":   c.evtGetNum,
		"get_ts":    c.evtGetTs,
		"get_type":  c.evtGetType,
		"get_cpuid": c.evtGetCPU,
	}))
}

// fail prints msg on stderr, as sysdig does before throwing its "chisel
// error" exception, and raises a Lua error.
func (c *Chisel) fail(L *lua.LState, msg string) {
	if c.host.Stderr != nil && msg != "" {
		fmt.Fprintln(c.host.Stderr, msg)
		c.reported = true
	}
	L.RaiseError("chisel error")
}

// --- chisel.* ---

func (c *Chisel) chiselRequestField(L *lua.LState) int {
	name, ok := L.Get(1).(lua.LString)
	if !ok {
		if n, isNum := L.Get(1).(lua.LNumber); isNum {
			name = lua.LString(numberToString(float64(n)))
		} else {
			c.fail(L, "chisel requesting nil field")
		}
	}
	f, _, err := fields.Parse(string(name))
	if err != nil {
		if errors.Is(err, fields.ErrNotFound) {
			c.fail(L, "chisel requesting nonexistent field "+string(name))
		}
		c.fail(L, err.Error())
	}
	ud := L.NewUserData()
	// Chisels get names as sysdig prints them (unprintable bytes
	// dropped: a unix socket's name from /proc/net/unix ends in a
	// newline).
	ud.Value = &fieldHandle{f: f, text: f.Def.Name == "evt.buffer" || f.Sanitized()}
	L.Push(ud)
	return 1
}

// compileChiselFilter compiles a chisel or thread-table filter with
// sysdig's stricter grammar.
func compileChiselFilter(expr string) (*filter.Filter, error) {
	if err := checkAmbiguous(expr); err != nil {
		return nil, err
	}
	return filter.Compile(expr)
}

func (c *Chisel) chiselSetFilter(L *lua.LState) int {
	expr := optString(L, 1)
	if expr == "" {
		c.filter, c.mask = nil, nil
		return 0
	}
	f, err := compileChiselFilter(expr)
	if err != nil {
		c.fail(L, "invalid filter in chisel "+c.Name+": "+err.Error())
	}
	c.filter, c.mask = f, typeMask(expr)
	return 0
}

func (c *Chisel) chiselSetFormatter(L *lua.LState) int {
	s := optString(L, 1)
	if s == "" || s == "default" {
		s = output.DefaultFormat
	}
	f, err := output.ParseFormat(s)
	if err != nil {
		c.fail(L, err.Error())
	}
	c.formatter = f
	return 0
}

func (c *Chisel) chiselSetIntervalNs(L *lua.LState) int {
	c.interval = uint64(float64(L.OptNumber(1, 0)))
	return 0
}

func (c *Chisel) chiselSetIntervalS(L *lua.LState) int {
	c.interval = uint64(float64(L.OptNumber(1, 0))) * 1000000000
	return 0
}

func (c *Chisel) chiselSetPreciseInterval(L *lua.LState) int {
	c.precise = uint64(float64(L.OptNumber(1, 0)))
	return 0
}

func (c *Chisel) chiselExec(L *lua.LState) int {
	name, ok := luaString(L.Get(1))
	if !ok {
		c.fail(L, "invalid exec field name in chisel "+c.Name)
	}
	c.execName = name
	c.argvals = nil
	for i := 2; ; i++ {
		s, ok := luaString(L.Get(i))
		if !ok {
			break
		}
		c.argvals = append(c.argvals, s)
	}
	return 0
}

// --- evt.* ---

func (c *Chisel) event(L *lua.LState, fn string) *fields.Ctx {
	if c.cur == nil {
		c.fail(L, "invalid call to evt."+fn+"()")
	}
	return c.cur
}

func (c *Chisel) evtField(L *lua.LState) int {
	ctx := c.event(L, "field")
	ud, ok := L.Get(1).(*lua.LUserData)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	h, ok := ud.Value.(*fieldHandle)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	if h.text {
		b, ok := h.f.AppendText(ctx, c.tb[:0])
		c.tb = b
		if !ok {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LString(b))
		return 1
	}
	v := &c.val
	if !h.f.Get(ctx, v) {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(toLua(v))
	return 1
}

func (c *Chisel) evtGetNum(L *lua.LState) int {
	L.Push(lua.LNumber(c.event(L, "get_num").Ev.Num))
	return 1
}

func (c *Chisel) evtGetTs(L *lua.LState) int {
	ts := c.event(L, "get_ts").Ev.Ts
	L.Push(lua.LNumber(uint32(ts / 1e9)))
	L.Push(lua.LNumber(uint32(ts % 1e9)))
	return 2
}

var evtTypeField = mustField("evt.type")

func mustField(name string) *fields.Field {
	f, _, err := fields.Parse(name)
	if err != nil {
		panic(err)
	}
	return f
}

func (c *Chisel) evtGetType(L *lua.LState) int {
	ctx := c.event(L, "get_type")
	var v fields.Value
	if evtTypeField.Get(ctx, &v) {
		L.Push(lua.LString(v.S))
	} else {
		L.Push(lua.LString(ctx.Ev.Info.Name))
	}
	return 1
}

func (c *Chisel) evtGetCPU(L *lua.LState) int {
	L.Push(lua.LNumber(c.event(L, "get_cpuid").Ev.CPU))
	return 1
}

// --- sysdig.* ---

func (c *Chisel) sysdigSetFilter(L *lua.LState) int {
	expr := optString(L, 1)
	// sysdig's engine takes one filter: the command line's or a chisel's.
	if c.host.Filter != "" || c.host.filterSet {
		c.fail(L, "invalid filter in chisel "+c.Name+": filter can only be set once")
	}
	if err := checkAmbiguous(expr); err != nil {
		c.fail(L, "invalid filter in chisel "+c.Name+": "+err.Error())
	}
	if c.host.SetFilter != nil {
		if err := c.host.SetFilter(expr); err != nil {
			c.fail(L, "invalid filter in chisel "+c.Name+": "+err.Error())
		}
	}
	c.host.filterSet = true
	return 0
}

func (c *Chisel) sysdigGetFilter(L *lua.LState) int {
	L.Push(lua.LString(c.host.Filter))
	return 1
}

func (c *Chisel) sysdigSetSnaplen(L *lua.LState) int {
	if c.host.SetSnaplen != nil {
		c.host.SetSnaplen(int(uint32(L.OptInt64(1, 0))))
	}
	return 0
}

func (c *Chisel) sysdigSetOutputFormat(L *lua.LState) int {
	ctx := c.host.Ctx
	if c.host.BufFormatSet || ctx == nil || ctx.R == nil || ctx.R.Format != fields.PFNormal {
		return 0
	}
	f, ok := map[string]fields.BufFormat{
		"normal": fields.PFNormal, "json": fields.PFJSON, "simple": fields.PFSimple,
		"hex": fields.PFHex, "hexascii": fields.PFHexASCII, "ascii": fields.PFEOLs,
		"base64": fields.PFBase64, "jsonbase64": fields.PFJSONBase64,
	}[optString(L, 1)]
	if !ok {
		c.fail(L, "invalid set_output_format value in chisel "+c.Name)
	}
	ctx.R.Format = f
	return 0
}

func (c *Chisel) sysdigSetFatfile(L *lua.LState) int {
	if c.host.SetFatfile != nil {
		c.host.SetFatfile(lua.LVAsBool(L.Get(1)))
	}
	return 0
}

func (c *Chisel) sysdigIsLive(L *lua.LState) int {
	L.Push(lua.LBool(c.host.live))
	return 1
}

func (c *Chisel) sysdigIsTTY(L *lua.LState) int {
	L.Push(lua.LBool(c.host.TTY))
	return 1
}

func (c *Chisel) sysdigTerminalInfo(L *lua.LState) int {
	w, h := -1, -1
	if c.host.TTY {
		w, h = c.host.TermWidth, c.host.TermHeight
	}
	t := L.NewTable()
	t.RawSetString("width", lua.LNumber(w))
	t.RawSetString("height", lua.LNumber(h))
	L.Push(t)
	return 1
}

func (c *Chisel) sysdigMachineInfo(L *lua.LState) int {
	if c.host.eng == nil || c.host.eng.Machine == nil {
		c.fail(L, "get_machine_info can only be called from the on_capture_start callback")
	}
	m := c.host.eng.Machine
	t := L.NewTable()
	t.RawSetString("num_cpus", lua.LNumber(m.NumCPUs))
	t.RawSetString("memory_size_bytes", lua.LNumber(m.MemoryBytes))
	t.RawSetString("max_pid", lua.LNumber(m.MaxPID))
	t.RawSetString("hostname", lua.LString(m.Hostname))
	L.Push(t)
	return 1
}

var containerTypes = map[int]string{
	state.CTDocker: "docker", state.CTLXC: "lxc", state.CTLibvirtLXC: "libvirt_lxc",
	state.CTMesos: "mesos", state.CTRkt: "rkt", state.CTCRI: "cri",
	state.CTContainerd: "containerd", state.CTCRIO: "cri-o", state.CTBPM: "bpm",
}

func (c *Chisel) sysdigContainerTable(L *lua.LState) int {
	t := L.NewTable()
	if eng := c.host.eng; eng != nil && eng.Containers != nil {
		var list []*state.Container
		eng.Containers.Each(func(ct *state.Container) { list = append(list, ct) })
		sortContainers(list)
		for _, ct := range list {
			// Keys are set in the order LuaJIT iterates them in
			// sysdig, which shows when a chisel prints the table.
			e := L.NewTable()
			typ, ok := containerTypes[ct.Type]
			if !ok {
				typ = "unknown"
			}
			e.RawSetString("type", lua.LString(typ))
			e.RawSetString("image", lua.LString(ct.Image))
			e.RawSetString("id", lua.LString(ct.ID))
			e.RawSetString("name", lua.LString(ct.Name))
			t.Append(e)
		}
	}
	L.Push(t)
	return 1
}

func (c *Chisel) sysdigPrintContainer(L *lua.LState) int {
	L.Push(lua.LBool(c.host.PrintContainer))
	return 1
}

func (c *Chisel) sysdigOutputFormat(L *lua.LState) int {
	if c.host.JSON {
		L.Push(lua.LString("json"))
	} else {
		L.Push(lua.LString("normal"))
	}
	return 1
}

func (c *Chisel) sysdigSourceName(L *lua.LState) int {
	if c.host.live {
		L.Push(lua.LString(""))
	} else {
		L.Push(lua.LString(c.host.source))
	}
	return 1
}

func (c *Chisel) sysdigFirstTs(L *lua.LState) int { return c.pushEngineTs(L, true) }

func (c *Chisel) sysdigLastTs(L *lua.LState) int { return c.pushEngineTs(L, false) }

// pushEngineTs pushes the engine's first or last event time as a decimal
// string (0 without an engine).
func (c *Chisel) pushEngineTs(L *lua.LState, first bool) int {
	var ts uint64
	if e := c.host.eng; e != nil {
		ts = e.LastTs
		if first {
			ts = e.FirstTs
		}
	}
	L.Push(lua.LString(strconv.FormatUint(ts, 10)))
	return 1
}

func sysdigMakeTs(L *lua.LState) int {
	s := uint32(toInt64(float64(L.OptNumber(1, 0))))
	ns := uint32(toInt64(float64(L.OptNumber(2, 0))))
	L.Push(lua.LString(strconv.FormatInt(int64(uint64(s)*1000000000+uint64(ns)), 10)))
	return 1
}

func parseU64(L *lua.LState, i int) uint64 {
	s, _ := luaString(L.Get(i))
	n, _ := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	return n
}

func sysdigAddTs(L *lua.LState) int {
	L.Push(lua.LString(strconv.FormatInt(int64(parseU64(L, 1)+parseU64(L, 2)), 10)))
	return 1
}

func sysdigSubtractTs(L *lua.LState) int {
	L.Push(lua.LString(strconv.FormatInt(int64(parseU64(L, 1)-parseU64(L, 2)), 10)))
	return 1
}

func (c *Chisel) sysdigRunApp(L *lua.LState) int {
	s, _ := luaString(L.Get(1))
	c.host.nextRun, c.host.hasNextRun = s, true
	return 0
}

func (c *Chisel) sysdigEndCapture(L *lua.LState) int {
	c.endCapture = true
	return 0
}

func (c *Chisel) sysdigLog(L *lua.LState) int {
	msg, _ := luaString(L.Get(1))
	if c.host.Debug && c.host.Stderr != nil {
		fmt.Fprintln(c.host.Stderr, msg)
	}
	return 0
}

func (c *Chisel) sysdigProgress(L *lua.LState) int {
	p := 0.0
	if c.host.Progress != nil {
		p = c.host.Progress()
	}
	L.Push(lua.LNumber(p))
	return 1
}

// luaString converts strings and numbers as lua_tostring does.
func luaString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return numberToString(float64(x)), true
	}
	return "", false
}

func optString(L *lua.LState, i int) string {
	s, _ := luaString(L.Get(i))
	return s
}

// toLua converts an extracted value as sysdig's rawval_to_lua_stack does.
func toLua(v *fields.Value) lua.LValue {
	switch v.T {
	case fields.TUint64, fields.TUint32, fields.TAbsTime, fields.TRelTime, fields.TPort:
		return lua.LNumber(v.N)
	case fields.TInt64:
		return lua.LNumber(int64(v.N))
	case fields.TInt32:
		return lua.LNumber(int32(v.N))
	case fields.TInt16:
		return lua.LNumber(int16(v.N))
	case fields.TDouble:
		return lua.LNumber(v.F)
	case fields.TBool:
		return lua.LBool(v.N != 0)
	case fields.TIPAddr, fields.TIPNet:
		return lua.LString(fields.AppendIP(nil, v.S))
	}
	return lua.LString(v.S)
}
