package chisels

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
)

// ErrEndCapture is returned by Event when a chisel called
// sysdig.end_capture: the run ends normally.
var ErrEndCapture = errors.New("capture ended by a chisel")

// Error is a chisel failure, with sysdig's message.
type Error struct {
	Msg string
	err error // wrapped, for errors.Is
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the sentinel the failure is an instance of, if any.
func (e *Error) Unwrap() error { return e.err }

func errorf(format string, a ...any) error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// Chisel is one loaded chisel.
type Chisel struct {
	// reported is set once fail printed its message: the error that
	// follows needs no line of its own.
	reported bool
	// Name is the chisel as named on the command line (or by
	// chisel.exec); messages use it.
	Name string
	// Path is the file it was loaded from.
	Path string
	Desc *Desc

	host    *Host
	L       *lua.LState
	onEvent *lua.LFunction
	// ordered keeps the traversal order of the thread tables.
	ordered *orderedTables
	// calls name the callbacks for the guard.
	calls calls

	filter    *filter.Filter
	mask      []bool // event types that may pass filter (nil: any)
	formatter *output.Format

	interval, precise uint64
	firstDone         bool
	lastSample        uint64
	lastIntervalTs    uint64

	// cur is the event being processed (sysdig's sievt): nil before the
	// chisel received any.
	cur *fields.Ctx

	endCapture bool
	execName   string
	argvals    []string
	aggs       []*aggregator
	out        []byte
	udp        *udpPeer
	val        fields.Value
	tb         []byte
}

// chunkName names a chisel file in Lua error messages.
func chunkName(path string) string { return path }

// protoCache keeps compiled chunks: every chisel state loads the same
// helper modules, and -cl loads every chisel.
var protoCache sync.Map // name + "\x00" + source -> *lua.FunctionProto

// loadChunk compiles src (cached) into a function of L.
func loadChunk(L *lua.LState, src []byte, name string) (*lua.LFunction, error) {
	key := name + "\x00" + string(src)
	if p, ok := protoCache.Load(key); ok {
		return L.NewFunctionFromProto(p.(*lua.FunctionProto)), nil
	}
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, err
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, err
	}
	protoCache.Store(key, proto)
	return L.NewFunctionFromProto(proto), nil
}

// Load finds and loads the chisel name with the host's search path: its
// top-level code runs and its args table is read.
func Load(host *Host, name string) (*Chisel, error) {
	c := &Chisel{}
	if err := c.load(host, name); err != nil {
		return nil, err
	}
	return c, nil
}

// load (re)initializes c as the chisel name: chisel.exec replaces a
// chisel in place.
func (c *Chisel) load(host *Host, name string) error {
	path, src, skipped, err := find(host.Dirs, name)
	for _, msg := range skipped {
		if host.Stderr != nil {
			fmt.Fprintln(host.Stderr, msg)
		}
	}
	if err != nil {
		return &Error{Msg: fmt.Sprintf("can't open file %s", name), err: err}
	}
	*c = Chisel{Name: name, Path: path, host: host}
	c.makeCalls()
	c.L = newState(host.Dirs, c.writer, c.exit)
	c.register()
	fn, err := loadChunk(c.L, src, chunkName(path))
	if err != nil {
		c.Close()
		return errorf("Failed to load chisel %s: %s", name, luaMessage(err))
	}
	if _, err := c.call(&c.calls.main, fn, 0); err != nil {
		c.Close()
		return errorf("Failed to load chisel %s: %s", name, luaMessage(err))
	}
	t, ok := c.L.GetGlobal("args").(*lua.LTable)
	if !ok {
		c.Close()
		return errorf("Failed to load chisel %s: args table missing", name)
	}
	args, err := parseArgsTable(c.L, t)
	if err != nil {
		c.Close()
		return &Error{Msg: err.Error()}
	}
	base := path[strings.LastIndexByte(path, '/')+1:]
	c.Desc = &Desc{Name: strings.TrimSuffix(base, ".lua"), Path: path, Args: args}
	if s, ok := c.L.GetGlobal("description").(lua.LString); ok {
		c.Desc.Description = string(s)
	}
	if s, ok := c.L.GetGlobal("short_description").(lua.LString); ok {
		c.Desc.ShortDescription = string(s)
	}
	if s, ok := c.L.GetGlobal("category").(lua.LString); ok {
		c.Desc.Category = string(s)
	}
	if f, ok := c.L.GetGlobal("on_event").(*lua.LFunction); ok {
		c.onEvent = f
	}
	return nil
}

// Close releases the Lua state.
func (c *Chisel) Close() {
	if c.L != nil {
		c.L.Close()
		c.L = nil
	}
	if c.udp != nil {
		c.udp.close()
		c.udp = nil
	}
}

func (c *Chisel) writer() io.Writer { return c.host.Out }

func (c *Chisel) exit(code int) {
	if c.host.Exit != nil {
		c.host.Exit(code)
	}
}

// luaMessage extracts the message of a Lua error.
func luaMessage(err error) string {
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		if ae.Object != nil {
			return ae.Object.String()
		}
	}
	return err.Error()
}

// newState returns a Lua state with the standard libraries, the
// compatibility layer and a package.path over dirs.
func newState(dirs []string, out func() io.Writer, exit func(int)) *lua.LState {
	L := lua.NewState(lua.Options{CallStackSize: 256, RegistrySize: 1024 * 4, RegistryMaxSize: 1024 * 1024})
	installCompat(L, out, exit)
	pkg := L.GetGlobal("package").(*lua.LTable)
	// No "./?.lua" first as in sysdig: the current directory's files are
	// searched where the chisel search path has it, and only if trusted.
	// Built-in modules come first: a planted ./cpu_table.lua must not
	// replace the one topprocs_cpu requires.
	var parts []string
	for _, d := range dirs {
		if d == BuiltinDir {
			parts = append([]string{d + "?.lua"}, parts...)
		} else {
			parts = append(parts, d+"?.lua")
		}
	}
	path := strings.Join(parts, ";")
	L.SetField(pkg, "path", lua.LString(path))
	// require uses the registry's loader table: keep package.preload,
	// replace the file loader.
	if loaders, ok := L.GetField(pkg, "loaders").(*lua.LTable); ok {
		loaders.RawSetInt(2, L.NewFunction(loadModule))
	}
	return L
}

// loadModule is the package loader: it searches package.path, whose
// BuiltinDir entries are the embedded files.
func loadModule(L *lua.LState) int {
	name := L.CheckString(1)
	path, ok := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	if !ok {
		L.RaiseError("package.path must be a string")
	}
	file := strings.ReplaceAll(name, ".", "/")
	var tried []string
	for _, pat := range strings.Split(string(path), ";") {
		p := strings.ReplaceAll(pat, "?", file)
		var src []byte
		var err error
		switch {
		case strings.HasPrefix(p, BuiltinDir):
			src, err = readChisel(BuiltinDir, p[len(BuiltinDir):])
		case !filepath.IsAbs(p) && untrusted(p) != "":
			err = errors.New(untrusted(p))
		default:
			src, err = readChisel("", p)
		}
		if err != nil {
			tried = append(tried, "\n\tno file '"+p+"'")
			continue
		}
		fn, err := loadChunk(L, src, chunkName(p))
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", name, p, luaMessage(err))
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}

// splitArgs splits a chisel argument string as sysdig does: on spaces,
// with single quotes or backticks grouping words.
func splitArgs(name, args string) ([]string, error) {
	args = strings.Trim(args, " \t\r\n")
	if args == "" {
		return nil, nil
	}
	var out []string
	begin, corr := 0, 0
	inq := false
	sub := func(from, to int) string {
		if to < from {
			to = from
		}
		if to > len(args) {
			to = len(args)
		}
		if from > len(args) {
			return ""
		}
		return args[from:to]
	}
	j := 0
	for ; j < len(args); j++ {
		switch {
		case args[j] == ' ' && !inq:
			out = append(out, sub(begin, j-corr))
			begin, corr = j+1, 0
		case args[j] == '\'' || args[j] == '`':
			if inq {
				corr, inq = 1, false
			} else {
				begin++
				inq = true
			}
		}
	}
	if inq {
		return nil, errorf("corrupted parameters for chisel %s", name)
	}
	return append(out, sub(begin, j-corr)), nil
}

// checkArgCount validates the number of arguments given.
func (c *Chisel) checkArgCount(n int) error {
	req := c.Desc.Required()
	opt := len(c.Desc.Args) - req
	if n < req {
		return errorf("wrong number of parameters for chisel %s, %d required, %d given", c.Name, req, n)
	}
	if n > req+opt {
		return errorf("too many parameters for chisel %s, %d required, %d optional, %d given", c.Name, req, opt, n)
	}
	return nil
}

// SetArgs splits the argument string the command line gave the chisel
// and passes the values to on_set_arg in declaration order.
func (c *Chisel) SetArgs(args string) error {
	vals, err := splitArgs(c.Name, args)
	if err != nil {
		return err
	}
	c.argvals = vals
	if err := c.checkArgCount(len(vals)); err != nil {
		return err
	}
	for j, v := range vals {
		fn, ok := c.L.GetGlobal("on_set_arg").(*lua.LFunction)
		if !ok {
			return errorf("chisel %s misses a set_arg() function.", c.Name)
		}
		res, err := c.call(&c.calls.setArg, fn, 1, lua.LString(c.Desc.Args[j].Name), lua.LString(v))
		if err != nil {
			return errorf("%s chisel error: %s", c.Name, luaMessage(err))
		}
		if err := c.wantTrue(res, "wrong set_arg() return value.", "set_arg()"); err != nil {
			return err
		}
	}
	return nil
}

// wantTrue checks the result of a callback that returns whether it
// succeeded: wrong is the message for a result that is not a boolean, fn
// the callback's name for false.
func (c *Chisel) wantTrue(res lua.LValue, wrong, fn string) error {
	b, ok := res.(lua.LBool)
	if !ok {
		return errorf("%s chisel error: %s", c.Name, wrong)
	}
	if !b {
		return errorf("%s for chisel %s failed.", fn, c.Name)
	}
	return nil
}

// call calls fn with args in protected mode and returns its first result
// (nret 0: none).
func (c *Chisel) call(lc *luaCall, fn *lua.LFunction, nret int, args ...lua.LValue) (lua.LValue, error) {
	L := c.L
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	c.host.enter(lc)
	err := L.PCall(len(args), nret, nil)
	c.host.leave()
	if err != nil {
		return lua.LNil, err
	}
	if nret == 0 {
		return lua.LNil, nil
	}
	v := L.Get(-1)
	L.Pop(1)
	return v, nil
}

func (c *Chisel) global(name string) *lua.LFunction {
	if c.L == nil {
		return nil
	}
	f, _ := c.L.GetGlobal(name).(*lua.LFunction)
	return f
}

// Init calls on_init. When it called chisel.exec, the chisel is replaced
// by the named one, which gets the exec arguments and its own on_init.
func (c *Chisel) Init() error {
	fn := c.global("on_init")
	if fn == nil {
		return nil
	}
	res, err := c.call(&c.calls.init, fn, 1)
	if err != nil {
		return errorf("%s: error in init(): %s", c.Name, luaMessage(err))
	}
	if c.execName == "" {
		return c.wantTrue(res, "wrong init() return value.", "init()")
	}
	name, vals := c.execName, c.argvals
	c.Close()
	if err := c.load(c.host, name); err != nil {
		return err
	}
	var parts []string
	for _, v := range vals {
		if strings.Contains(v, " ") {
			v = "'" + v + "'"
		}
		parts = append(parts, v)
	}
	if err := c.SetArgs(strings.Join(parts, " ")); err != nil {
		return err
	}
	return c.Init()
}

// CaptureStart calls on_capture_start (after Host.Start).
func (c *Chisel) CaptureStart() error {
	fn := c.global("on_capture_start")
	if fn == nil {
		return nil
	}
	res, err := c.call(&c.calls.start, fn, 1)
	if err != nil {
		return errorf("%s chisel error: %s", c.Name, luaMessage(err))
	}
	// sysdig says init() when on_capture_start returns false.
	return c.wantTrue(res, "wrong on_capture_start() return value. Boolean expected.", "init()")
}

// Event gives the chisel an event that passed the run's filter: interval
// callbacks, the chisel's filter, on_event and its formatter. It returns
// ErrEndCapture when the chisel ended the capture.
func (c *Chisel) Event(ctx *fields.Ctx) error {
	if c.cur != ctx {
		c.cur = ctx
	}
	if !c.firstDone || c.interval != 0 || c.precise != 0 {
		if err := c.timeout(ctx.Ev.Ts); err != nil {
			return err
		}
	}
	if c.filter != nil {
		if m, t := c.mask, int(ctx.Ev.Type); m != nil && (t >= len(m) || !m[t]) {
			return nil
		}
		if !c.filter.Match(ctx) {
			return nil
		}
	}
	for _, a := range c.aggs {
		a.add(ctx)
	}
	if c.onEvent != nil {
		L := c.L
		L.Push(c.onEvent)
		c.host.enter(&c.calls.event)
		err := L.PCall(0, 1, nil)
		c.host.leave()
		if err != nil {
			return errorf("%s chisel error: %s", c.Name, luaMessage(err))
		}
		res := lua.LVAsBool(L.Get(-1))
		L.Pop(1)
		if c.endCapture {
			return ErrEndCapture
		}
		if !res {
			return nil
		}
	}
	if c.formatter != nil {
		var ok bool
		if c.host.JSON {
			// -j: formatters print JSON objects, as the -p format does
			c.out, ok = c.formatter.AppendJSON(c.out[:0], ctx)
		} else {
			c.out, ok = c.formatter.Append(c.out[:0], ctx)
		}
		if ok {
			c.host.Out.Write(c.out)
		}
	}
	return nil
}

// Skipped runs the interval callbacks for an event the run's filter
// rejected: sysdig drives intervals with every event read.
func (c *Chisel) Skipped(ts uint64) error { return c.timeout(ts) }

// timeout calls on_interval when an interval elapsed (sysdig's
// do_timeout).
func (c *Chisel) timeout(ts uint64) error {
	if !c.firstDone {
		c.firstDone = true
		if c.interval != 0 {
			c.lastSample = ts - ts%c.interval
		} else if c.precise != 0 {
			c.lastSample = ts
		}
		return nil
	}
	switch {
	case c.interval != 0:
		sample := ts - ts%c.interval
		if sample == c.lastSample {
			return nil
		}
		var delta uint64
		if c.lastIntervalTs != 0 {
			delta = ts - c.lastIntervalTs
			if delta == 0 {
				return nil
			}
		}
		if err := c.onInterval(ts, delta); err != nil {
			return err
		}
		c.lastSample = sample
		c.lastIntervalTs = ts
	case c.precise != 0:
		iv := c.precise
		if ts-c.lastSample < iv {
			return nil
		}
		t := c.lastSample
		for ; t <= ts-iv; t += iv {
			if err := c.onInterval(t, iv); err != nil {
				return err
			}
		}
		c.lastSample = t
	}
	return nil
}

func (c *Chisel) onInterval(ts, delta uint64) error {
	fn := c.global("on_interval")
	if fn == nil {
		return errorf("%s chisel error: calling on_interval() failed:attempt to call a nil value", c.Name)
	}
	res, err := c.call(&c.calls.interval, fn, 1, lua.LNumber(ts/1e9), lua.LNumber(ts%1e9), lua.LNumber(float64(int64(delta))))
	if err != nil {
		return errorf("%s chisel error: calling on_interval() failed:%s", c.Name, luaMessage(err))
	}
	if !lua.LVAsBool(res) {
		return errorf("execution terminated by the %s chisel", c.Name)
	}
	return nil
}

// CaptureEnd calls on_capture_end with the time of the last event and
// the time between the first and the last event.
func (c *Chisel) CaptureEnd(first, last uint64) error {
	fn := c.global("on_capture_end")
	if fn == nil {
		return nil
	}
	delta := int64(last - first)
	if _, err := c.call(&c.calls.end, fn, 0, lua.LNumber(last/1e9), lua.LNumber(last%1e9), lua.LNumber(float64(delta))); err != nil {
		// sysdig does not fail the run for it (the exit status stays 0)
		// but skips the other chisels' ends; it is still worth a line
		// on stderr.
		if c.host.Stderr != nil && !c.reported {
			fmt.Fprintf(c.host.Stderr, "%s chisel error in on_capture_end: %s\n", c.Name, luaMessage(err))
		}
		return ErrCaptureEnd
	}
	return nil
}

// ErrCaptureEnd is returned by CaptureEnd when on_capture_end failed (the
// error was reported): the caller skips the remaining chisels' ends but
// the run succeeds, as in sysdig.
var ErrCaptureEnd = errors.New("on_capture_end failed")

// CheckArgs validates the argument string the command line gives the
// chisel called name: quoting, and number of arguments.
func (d *Desc) CheckArgs(name, args string) error {
	vals, err := splitArgs(name, args)
	if err != nil {
		return err
	}
	c := &Chisel{Name: name, Desc: d}
	return c.checkArgCount(len(vals))
}

// CompileFilter compiles a filter with sysdig's grammar, which rejects
// "and" and "or" mixed without parentheses.
func CompileFilter(expr string) (*filter.Filter, error) { return compileChiselFilter(expr) }
