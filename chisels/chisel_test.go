package chisels

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// ticks writes a capture of n open/close pairs by tid 100, one every
// step ns from ts0.
func ticks(t *testing.T, n int, ts0, step uint64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ticks.scap")
	w, err := scap.Create(p, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSection(synth.New(1).Metadata()); err != nil {
		t.Fatal(err)
	}
	var b scap.Builder
	for i := 0; i < n; i++ {
		typ := uint16(scap.PPME_SYSCALL_CLOSE_E)
		b.Begin(ts0+uint64(i)*step, 100, typ)
		b.I64(int64(i))
		if err := w.WriteRaw(0, 0, b.Finish()); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// drive runs a chisel on a capture as cmd/trace does.
func drive(t *testing.T, host *Host, name, args, capture string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	host.Out = &out
	if host.Stderr == nil {
		host.Stderr = io.Discard
	}
	ctx := fields.NewCtx()
	host.Ctx = ctx
	c, err := Load(host, name)
	if err != nil {
		return out.String(), err
	}
	defer c.Close()
	if args != "" {
		if err := c.SetArgs(args); err != nil {
			return out.String(), err
		}
	}
	if err := c.Init(); err != nil {
		return out.String(), err
	}
	rd, err := scap.Open(capture)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(rd.Metadata())
	host.Start(capture, false, eng)
	if err := c.CaptureStart(); err != nil {
		return out.String(), err
	}
	var raw scap.Event
	var ev state.Event
	var runErr error
	for {
		if err := rd.NextInto(&raw); err != nil {
			break
		}
		if !eng.Process(&raw, &ev) || ev.Setup {
			continue
		}
		ctx.Ev = &ev
		if err := c.Event(ctx); err != nil {
			if !errors.Is(err, ErrEndCapture) {
				runErr = err
			}
			break
		}
	}
	if err := c.CaptureEnd(eng.FirstTs, eng.LastTs); err != nil && runErr == nil {
		runErr = err
	}
	return out.String(), runErr
}

// writeChisel writes a chisel file in dir.
func writeChisel(t *testing.T, dir, name, body string) {
	t.Helper()
	src := "description = \"d\"; short_description = \"s\"; category = \"Test\"\n" + body
	if err := os.WriteFile(filepath.Join(dir, name+".lua"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLifecycle(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "life", `args = {{name = "a", argtype = "string", optional = true}, {name = "b", argtype = "int"}}
print("load")
function on_set_arg(n, v) print("arg", n, v) return true end
function on_init() print("init", sysdig.get_filter(), sysdig.is_live()) return true end
function on_capture_start()
	local m = sysdig.get_machine_info()
	print("start", m.hostname, m.num_cpus, sysdig.get_evtsource_name() ~= "")
	return true
end
local n = 0
function on_event()
	n = n + 1
	if n == 3 then
		local s, ns = evt.get_ts()
		print("third", evt.get_num(), evt.get_type(), s, ns)
		sysdig.end_capture()
	end
	return true
end
function on_capture_end(s, ns, delta) print("end", n, delta) end
`)
	host := &Host{Dirs: []string{withSlash(dir), BuiltinDir}, Filter: "proc.name=x"}
	p := ticks(t, 10, 1_700_000_000_000_000_000, 1000)
	out, err := drive(t, host, "life", "'x y' 7", p)
	if err != nil {
		t.Fatal(err)
	}
	want := "load\narg\ta\tx y\narg\tb\t7\ninit\tproc.name=x\tfalse\nstart\tsynth\t4\ttrue\nthird\t3\tclose\t1700000000\t2000\nend\t3\t2000\n"
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// on_interval fires at the first event of every new aligned interval,
// once even when several elapsed, with the time since the previous call.
func TestIntervals(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "iv", `args = {}
function on_init() chisel.set_interval_ns(1000) return true end
function on_interval(s, ns, d) print("iv", ns, d, evt.get_num()) return true end
`)
	writeChisel(t, dir, "piv", `args = {}
function on_init() chisel.set_precise_interval_ns(1000) return true end
function on_interval(s, ns, d) print("piv", ns, d) return true end
`)
	host := &Host{Dirs: []string{withSlash(dir)}}
	p := ticks(t, 6, 1_700_000_000_000_000_500, 700)
	out, err := drive(t, host, "iv", "", p)
	if err != nil {
		t.Fatal(err)
	}
	// events at 500, 1200, 1900, 2600, 3300, 4000
	if want := "iv\t1200\t0\t2\niv\t2600\t1400\t4\niv\t3300\t700\t5\niv\t4000\t700\t6\n"; out != want {
		t.Errorf("aligned: got\n%s\nwant\n%s", out, want)
	}
	out, err = drive(t, host, "piv", "", ticks(t, 3, 1_700_000_000_000_000_500, 2500))
	if err != nil {
		t.Fatal(err)
	}
	// events at 500, 3000, 5500: periods starting at 500, 1500 then 2500, 3500, 4500
	if want := "piv\t500\t1000\npiv\t1500\t1000\npiv\t2500\t1000\npiv\t3500\t1000\npiv\t4500\t1000\n"; out != want {
		t.Errorf("precise: got\n%s\nwant\n%s", out, want)
	}
}

// chisel.exec replaces the chisel, which gets the exec arguments.
func TestExec(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "front", `args = {}
function on_init() chisel.exec("back", "one", "", "two words") return true end
`)
	writeChisel(t, dir, "back", `args = {{name = "a"}, {name = "b"}, {name = "c"}}
function on_set_arg(n, v) print(n .. "=[" .. v .. "]") return true end
function on_init() print("back init") return true end
`)
	out, err := drive(t, &Host{Dirs: []string{withSlash(dir)}}, "front", "", ticks(t, 1, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if want := "a=[one]\nb=[]\nc=[two words]\nback init\n"; out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

// Lua errors name the chisel file and line.
func TestLuaErrors(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "bad", "args = {}\nfunction on_event()\n  local x = nil\n  return x.y\nend\n")
	writeChisel(t, dir, "syntax", "args = {}\nfunction on_event(\n")
	host := &Host{Dirs: []string{withSlash(dir)}}
	_, err := drive(t, host, "bad", "", ticks(t, 1, 1, 1))
	if err == nil || !strings.HasPrefix(err.Error(), "bad chisel error: "+dir+"/bad.lua:5: ") {
		t.Errorf("runtime error: %v", err)
	}
	_, err = Load(host, "syntax")
	if err == nil || !strings.HasPrefix(err.Error(), "Failed to load chisel syntax: "+dir+"/syntax.lua") {
		t.Errorf("syntax error: %v", err)
	}
	if _, err := Load(host, "missing"); err == nil || err.Error() != "can't open file missing" {
		t.Errorf("missing: %v", err)
	}
}

// The evt.field conversions and the thread table.
func TestAPI(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "api", `args = {}
local f = {}
function on_init()
	for _, n in ipairs({"evt.num", "evt.type", "proc.name", "proc.pid", "evt.is_io", "fd.num", "evt.rawarg.fd", "thread.cpu"}) do
		f[#f + 1] = chisel.request_field(n)
	end
	return true
end
function on_event()
	local out = {}
	for i, h in ipairs(f) do out[i] = tostring(evt.field(h)) .. ":" .. type(evt.field(h)) end
	print(table.concat(out, " "), tostring(evt.field(nil)))
	local tt = sysdig.get_thread_table()
	print(tt[100].comm, tt[100].pid, tt[100].username, tt[100].fdtable[4].sip, tt[100].fdtable[4].l4proto, tt[100].fdtable[7].is_server)
	local ff = sysdig.get_thread_table("fd.num=3")
	local n = 0
	for tid in pairs(ff) do n = n + 1 end
	print(n, sysdig.make_ts(1, 5), sysdig.add_ts("10", "5"), sysdig.subtract_ts("10", "5"))
	sysdig.end_capture()
	return true
end
`)
	out, err := drive(t, &Host{Dirs: []string{withSlash(dir)}}, "api", "", ticks(t, 1, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := "1:number close:string bash:string 100:number false:boolean 0:number 0:number nil:nil\tnil\n" +
		"bash\t100\talice\t93.184.216.34\ttcp\ttrue\n" +
		"3\t1000000005\t15\t5\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestBuiltinChiselsLoad(t *testing.T) {
	host := &Host{Out: io.Discard, Stderr: io.Discard, Dirs: []string{BuiltinDir}}
	for _, d := range List(host.Dirs) {
		c, err := Load(host, d.Name)
		if err != nil {
			t.Errorf("%s: %v", d.Name, err)
			continue
		}
		if c.Desc.ShortDescription != d.ShortDescription || len(c.Desc.Args) != len(d.Args) {
			t.Errorf("%s: Load and List disagree", d.Name)
		}
		c.Close()
	}
}

// Chisels get fd names as sysdig prints them: without the newline that
// ends a unix socket's name read from /proc/net/unix (filters still see
// it).
func TestFieldSanitized(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "unix.scap")
	w, err := scap.Create(p, scap.CompressNone)
	if err != nil {
		t.Fatal(err)
	}
	m := synth.New(1).Metadata()
	for i, fd := range m.Threads[0].FDs {
		if fd.FD == 5 {
			m.Threads[0].FDs[i].Name = "/run/sock\n"
		}
	}
	if err := w.WriteSection(m); err != nil {
		t.Fatal(err)
	}
	var b scap.Builder
	b.Begin(1e9, 100, scap.PPME_SYSCALL_CLOSE_E)
	b.I64(5)
	if err := w.WriteRaw(0, 0, b.Finish()); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("TRACE_KEEP_CAPTURE"); keep != "" {
		data, _ := os.ReadFile(p)
		os.WriteFile(keep, data, 0o644)
	}
	writeChisel(t, dir, "fdn", `args = {}
function on_init() f = chisel.request_field("fd.name"); return true end
function on_event() print("[" .. tostring(evt.field(f)) .. "]"); return true end
`)
	out, err := drive(t, &Host{Dirs: []string{withSlash(dir)}}, "fdn", "", p)
	if err != nil {
		t.Fatal(err)
	}
	if out != "[/run/sock]\n" {
		t.Errorf("got %q, want %q", out, "[/run/sock]\n")
	}
}

// Thread-table filters take thread, fd, user, group and container
// fields and the event times; other event fields are refused with
// sysdig's message, and the chisel's failure adds no line of its own.
func TestThreadTableFilterFields(t *testing.T) {
	dir := t.TempDir()
	writeChisel(t, dir, "tt", `args = {{name = "f", argtype = "string"}}
function on_set_arg(name, val) flt = val; return true end
function on_capture_end() local n = 0; for _ in pairs(sysdig.get_thread_table(flt)) do n = n + 1 end; print(n) end
`)
	for _, c := range []struct{ flt, out, errs string }{
		{"proc.name=bash", "2\n", ""},
		{"evt.rawtime>0 and fd.num=3", "3\n", ""},
		{"evt.type=open", "", "invalid filter argument for get_thread_table in chisel tt: filter error at position 8: the given filter is not supported for thread table filtering\n"},
		{"proc.name=bash and evt.num>5", "", "invalid filter argument for get_thread_table in chisel tt: filter error at position 26: the given filter is not supported for thread table filtering\n"},
	} {
		var errs bytes.Buffer
		out, _ := drive(t, &Host{Dirs: []string{withSlash(dir)}, Stderr: &errs}, "tt", "'"+c.flt+"'", ticks(t, 1, 1, 1))
		if out != c.out || errs.String() != c.errs {
			t.Errorf("%s: out %q, stderr %q; want %q, %q", c.flt, out, errs.String(), c.out, c.errs)
		}
	}
}

// Files of the current directory: a built-in's name means the built-in;
// other files run only when trusted (owned by us, not writable by group
// or others, nor their directory); the skipped ones are named; require
// does not look in ./ first.
func TestCurrentDirTrust(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	mine := func(name, body string, mode os.FileMode) {
		t.Helper()
		writeChisel(t, filepath.Dir(filepath.Join(dir, name)), strings.TrimSuffix(filepath.Base(name), ".lua"), body)
		if err := os.Chmod(filepath.Join(dir, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	planted := `args = {}
function on_init() print("PLANTED") return true end`
	mine("topprocs_cpu.lua", planted, 0o644)
	mine("mine.lua", `args = {}
function on_init() print("mine ran") return true end`, 0o644)
	mine("open.lua", planted, 0o666)
	if err := os.Mkdir(filepath.Join(dir, "chisels"), 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "chisels"), 0o777)
	mine("chisels/shared.lua", planted, 0o644)
	mine("cpu_table.lua", `error("PLANTED module")`, 0o644)

	host := func(errs *bytes.Buffer) *Host { return &Host{Dirs: Dirs(), Stderr: errs} }
	for _, c := range []struct{ name, out, errs string }{
		{"mine", "mine ran\n", ""},
		{"open", "", "chisel file open.lua skipped: open.lua is writable by group or others\n"},
		{"shared", "", "chisel file ./chisels/shared.lua skipped: chisels is writable by group or others\n"},
	} {
		var errs bytes.Buffer
		out, err := drive(t, host(&errs), c.name, "", ticks(t, 1, 1, 1))
		if out != c.out || !strings.HasPrefix(errs.String(), c.errs) {
			t.Errorf("%s: out %q, stderr %q (%v); want %q, %q", c.name, out, errs.String(), err, c.out, c.errs)
		}
		if c.out == "" && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want not found", c.name, err)
		}
	}
	// The built-in, not ./topprocs_cpu.lua; its require of cpu_table
	// does not load ./cpu_table.lua either.
	var errs bytes.Buffer
	c, err := Load(host(&errs), "topprocs_cpu")
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != BuiltinDir+"topprocs_cpu.lua" {
		t.Errorf("topprocs_cpu loaded from %s", c.Path)
	}
	c.Close()
	if os.Geteuid() == 0 {
		// A file another user owns, as one planted in /tmp would be.
		mine("theirs.lua", planted, 0o644)
		if err := os.Chown(filepath.Join(dir, "theirs.lua"), 4242, 4242); err != nil {
			t.Fatal(err)
		}
		var errs bytes.Buffer
		out, _ := drive(t, host(&errs), "theirs", "", ticks(t, 1, 1, 1))
		if out != "" || !strings.Contains(errs.String(), "theirs.lua is owned by uid 4242, not by you") {
			t.Errorf("theirs: out %q, stderr %q", out, errs.String())
		}
	}
	if List(Dirs()) == nil {
		t.Fatal("no chisels listed")
	}
	for _, d := range List(Dirs()) {
		if d.Name == "open" || d.Name == "shared" {
			t.Errorf("-cl lists (and so runs) the untrusted %s", d.Name)
		}
	}
}
