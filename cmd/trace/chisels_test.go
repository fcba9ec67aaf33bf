package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

// How a chisel's output is compared with sysdig's. sysdig leaves some
// orders unspecified (Lua table iteration, sorting of equal values), so
// only what it fixes is compared.
type outputKind int

const (
	// exactOutput: byte for byte.
	exactOutput outputKind = iota
	// tableOutput: a title line, a line of dashes, then rows sorted by the
	// value in the first 20 columns. Rows with equal values may come in
	// any order; when the table is cut at top rows, the tie at the cut
	// may also keep different rows: only their number is compared.
	tableOutput
	// countOutput: "key<TAB>count" lines sorted by count (fdcount_by).
	countOutput
	// lineSet: a title line, then lines in any order.
	lineSet
)

type chiselOut struct {
	kind outputKind
	top  int // rows of a tableOutput (0: no cut)
}

// chiselOutputs says how to compare each listed chisel (exact when
// absent).
var chiselOutputs = map[string]chiselOut{
	"topcontainers_cpu":   {tableOutput, 10},
	"topprocs_cpu":        {tableOutput, 10},
	"topcontainers_error": {tableOutput, 100},
	"topfiles_errors":     {tableOutput, 100},
	"topprocs_errors":     {tableOutput, 100},
	"fdbytes_by":          {tableOutput, 30},
	"fdtime_by":           {tableOutput, 10},
	"topcontainers_file":  {tableOutput, 10},
	"topfiles_bytes":      {tableOutput, 10},
	"topfiles_time":       {tableOutput, 10},
	"topprocs_file":       {tableOutput, 10},
	"topconns":            {tableOutput, 30},
	"topcontainers_net":   {tableOutput, 100},
	"topports_server":     {tableOutput, 100},
	"topprocs_net":        {tableOutput, 100},
	"topscalls":           {tableOutput, 30},
	"topscalls_time":      {tableOutput, 30},
	"httptop":             {tableOutput, 30},
	"fdcount_by":          {countOutput, 0},
}

// chiselCases are the chisel command lines run on every capture: every
// chisel sysdig lists, without and with arguments.
var chiselCases = [][]string{
	{"httplog"}, {"httptop"}, {"httptop", "bytes"}, {"httptop", "time"},
	{"memcachelog"}, {"memcachelog", "get"}, {"memcachelog", "set 100"},
	{"spectrogram"}, {"spectrogram", "100"}, {"subsecoffset"}, {"subsecoffset", "100"},
	{"topcontainers_cpu"}, {"topprocs_cpu"},
	{"topcontainers_error"}, {"topfiles_errors"}, {"topprocs_errors"},
	{"echo_fds"}, {"echo_fds", "disable_color"},
	{"fdbytes_by", "fd.name"}, {"fdbytes_by", "proc.name"}, {"fdbytes_by", "fd.type"},
	{"fdcount_by", "proc.name"}, {"fdcount_by", "fd.name"},
	{"fdtime_by", "fd.name"}, {"fdtime_by", "proc.pid"},
	{"iobytes"}, {"iobytes_file"}, {"iobytes_net"},
	{"spy_file"}, {"spy_file", "R"}, {"spy_file", "W"}, {"spy_file", "RW /etc/passwd"},
	{"stderr"}, {"stderr", "disable_color"}, {"stdin"}, {"stdout"},
	{"topcontainers_file"}, {"topfiles_bytes"}, {"topfiles_time"}, {"topprocs_file"},
	{"udp_extract"},
	{"spy_logs"}, {"spy_logs", "dump.scap 500 disable_color"}, {"spy_syslog"},
	{"iobytes_net"}, {"topconns"}, {"topcontainers_net"}, {"topports_server"}, {"topprocs_net"},
	{"spy_ip", "127.0.0.1"}, {"spy_ip", "93.184.216.34"}, {"spy_ip", "10.0.0.9 disable_colors"},
	{"spy_port", "80"}, {"spy_port", "22"}, {"spy_port", "11211 disable_colors"},
	{"bottlenecks"}, {"fileslower", "0"}, {"fileslower", "10 disable_color"},
	{"netlower", "0"}, {"netlower", "10"}, {"proc_exec_time"}, {"proc_exec_time", "disable_colors"},
	{"scallslower", "0"}, {"scallslower", "50"}, {"topscalls"}, {"topscalls_time"},
	{"list_login_shells"}, {"list_login_shells", "ls"}, {"list_login_shells", "'*' -la"},
	{"shellshock_detect"}, {"spy_users"}, {"spy_users", "1"}, {"spy_users", "2 disable_color"},
	{"lscontainers"}, {"lscontainers", "desc"},
	{"lsof"}, {"lsof", "proc.name=bash"}, {"netstat"}, {"netstat", "proc.name=nginx"},
	{"ps"}, {"ps", "fd.name contains /etc"},
	{"tracers_2_statsd"},
}

// compareChisel compares trace's and sysdig's outputs of a chisel (cmd:
// its name and arguments).
func compareChisel(cmd []string, got, want []byte) string {
	mode := chiselOutputs[cmd[0]]
	if cmd[0] == "lscontainers" && len(cmd) > 1 {
		// the tables' fields in Lua hash order, which LuaJIT randomizes
		mode = chiselOut{kind: lineSet}
	}
	g, w := string(got), string(want)
	switch mode.kind {
	case tableOutput:
		return compareTables(g, w, mode.top)
	case countOutput:
		return compareGroups(outLines(g), outLines(w), 0, func(l string) string {
			return l[strings.LastIndexByte(l, '\t')+1:]
		})
	case lineSet:
		gl, wl := outLines(g), outLines(w)
		if len(gl) > 0 && len(wl) > 0 && gl[0] != wl[0] {
			return fmt.Sprintf("title differs:\n  trace:  %q\n  sysdig: %q", gl[0], wl[0])
		}
		sort.Strings(gl)
		sort.Strings(wl)
		if strings.Join(gl, "\n") != strings.Join(wl, "\n") {
			return "line sets differ\n" + difftest.Diff([]byte(strings.Join(gl, "\n")), []byte(strings.Join(wl, "\n")), 5)
		}
		return ""
	}
	if g != w {
		return difftest.Diff(got, want, 5)
	}
	return ""
}

func outLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// compareTables compares the top-N tables in two outputs (several when
// the chisel printed one per interval or per file).
func compareTables(got, want string, top int) string {
	split := func(s string) [][]string {
		var tables [][]string
		for _, l := range outLines(s) {
			if strings.HasPrefix(l, strings.Repeat("-", 80)) && len(tables) > 0 {
				continue
			}
			if len(tables) == 0 || isTitle(l) {
				tables = append(tables, []string{l})
				continue
			}
			tables[len(tables)-1] = append(tables[len(tables)-1], l)
		}
		return tables
	}
	gt, wt := split(got), split(want)
	if len(gt) != len(wt) {
		return fmt.Sprintf("%d tables from trace, %d from sysdig\n%s", len(gt), len(wt), difftest.Diff([]byte(got), []byte(want), 5))
	}
	for i := range gt {
		if gt[i][0] != wt[i][0] {
			return fmt.Sprintf("table %d title differs:\n  trace:  %q\n  sysdig: %q", i, gt[i][0], wt[i][0])
		}
		if d := compareGroups(gt[i][1:], wt[i][1:], top, func(l string) string {
			if len(l) > 20 {
				return l[:20]
			}
			return l
		}); d != "" {
			return fmt.Sprintf("table %d: %s", i, d)
		}
	}
	return ""
}

// isTitle recognizes the title line of a table chisel (its column titles
// are padded to 20 characters, the line ends with a space).
func isTitle(l string) bool {
	return strings.HasSuffix(l, " ") && len(l)%20 == 0 && !strings.HasPrefix(l, " ")
}

// compareGroups compares rows sorted by a key: runs of rows with the same
// key are compared as sets, except a run at a cut of top rows, of which
// only the size is compared.
func compareGroups(got, want []string, top int, key func(string) string) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d rows from trace, %d from sysdig\n%s", len(got), len(want),
			difftest.Diff([]byte(strings.Join(got, "\n")), []byte(strings.Join(want, "\n")), 5))
	}
	for i := 0; i < len(got); {
		j := i
		for j < len(want) && key(want[j]) == key(want[i]) {
			j++
		}
		g := append([]string(nil), got[i:j]...)
		w := append([]string(nil), want[i:j]...)
		for _, l := range g {
			if key(l) != key(want[i]) {
				return fmt.Sprintf("row %d: value %q, sysdig has %q", i+1, key(l), key(want[i]))
			}
		}
		atCut := top > 0 && len(want) == top && j == len(want)
		if !atCut {
			sort.Strings(g)
			sort.Strings(w)
			for k := range g {
				if g[k] != w[k] {
					return fmt.Sprintf("rows %d-%d (value %q) differ:\n  trace:  %q\n  sysdig: %q", i+1, j, key(want[i]), g, w)
				}
			}
		}
		i = j
	}
	return ""
}

// runChisel runs trace and sysdig with args on a capture and compares
// their outputs and exit statuses.
func runChisel(t *testing.T, capture string, extra []string, cmd []string) {
	t.Helper()
	runChiselEnv(t, nil, capture, extra, cmd)
}

// runChiselEnv is runChisel with extra environment variables.
func runChiselEnv(t *testing.T, env []string, capture string, extra []string, cmd []string) {
	t.Helper()
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	args := append([]string{"-r", capture}, extra...)
	args = append(args, "-c", cmd[0])
	args = append(args, cmd[1:]...)
	dir := t.TempDir()
	got := difftest.RunIn(dir, tr, env, args...)
	want, known := difftest.AgreeingIn(dir, sd, env, difftest.Subject(got), func(want difftest.Result) bool {
		return !difftest.Crashed(want) && compareChisel(cmd, got.Stdout, want.Stdout) == "" && (got.Code == 0) == (want.Code == 0)
	}, args...)
	if known {
		return
	}
	if difftest.Crashed(want) {
		t.Skipf("sysdig crashed (status %d)", want.Code)
	}
	name := strings.Join(args[2:], " ")
	if d := compareChisel(cmd, got.Stdout, want.Stdout); d != "" {
		t.Errorf("trace %s: output differs from sysdig's\n%s\ntrace stderr: %s", name, d, got.Stderr)
	}
	if (got.Code == 0) != (want.Code == 0) {
		t.Errorf("trace %s: exit status %d, sysdig %d\ntrace stderr: %s\nsysdig stderr: %s", name, got.Code, want.Code, got.Stderr, want.Stderr)
	}
}

// TestChiselsCaptures runs every built-in chisel, with and without
// arguments, on the real captures, next to sysdig's.
func TestChiselsCaptures(t *testing.T) {
	captures := difftest.Captures(t)
	difftest.Sysdig(t)
	for _, f := range captures {
		for _, c := range chiselCases {
			f, c := f, c
			t.Run(filepath.Base(f)+"/"+strings.Join(c, "_"), func(t *testing.T) {
				t.Parallel()
				runChisel(t, f, nil, c)
			})
		}
		// -d only decides what is printed: chisels see every event.
		for _, c := range [][]string{{"echo_fds", "proc.name=cat"}, {"topscalls", "proc.name=bash"}, {"topprocs_file", "evt.type=read"}, {"spy_users", "proc.name=sh"}} {
			f, c := f, c
			t.Run(filepath.Base(f)+"/d/"+strings.Join(c, "_"), func(t *testing.T) {
				t.Parallel()
				runChisel(t, f, []string{"-d"}, c)
			})
		}
	}
}

// TestChiselsSynthetic runs the chisels on captures made to exercise
// them: HTTP, memcached, log and syslog writes, slow calls, interactive
// shells, a few seconds of I/O.
func TestChiselsSynthetic(t *testing.T) {
	difftest.Sysdig(t)
	dir := t.TempDir()
	var files []string
	for seed := int64(1); seed <= 2; seed++ {
		p := filepath.Join(dir, fmt.Sprintf("chisels%d.scap", seed))
		if err := chiselScenario(p, seed); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	p := filepath.Join(dir, "random.scap")
	if err := synth.RandomScenario(p, 7, 3000); err != nil {
		t.Fatal(err)
	}
	// trace recorded syslog.scap.gz live: messages to /dev/log (spy_syslog).
	files = append(files, p, filepath.Join("..", "..", "testdata", "syslog.scap.gz"))
	for _, f := range files {
		for _, c := range chiselCases {
			f, c := f, c
			t.Run(filepath.Base(f)+"/"+strings.Join(c, "_"), func(t *testing.T) {
				t.Parallel()
				runChisel(t, f, nil, c)
			})
		}
		for _, c := range [][]string{{"topprocs_cpu"}, {"topfiles_bytes"}, {"topscalls"}, {"echo_fds"}, {"spy_users"}, {"fileslower", "0"}, {"httptop"}} {
			f, c := f, c
			t.Run(filepath.Base(f)+"/pc/"+strings.Join(c, "_"), func(t *testing.T) {
				t.Parallel()
				runChisel(t, f, []string{"-pc"}, c)
			})
		}
	}
}

// TestChiselsSysdigFiles runs sysdig's own chisel files, unmodified, in
// trace (SYSDIG_CHISEL_DIR), next to sysdig running them.
func TestChiselsSysdigFiles(t *testing.T) {
	const dir = "/usr/share/sysdig/chisels"
	if _, err := os.Stat(filepath.Join(dir, "common.lua")); err != nil {
		t.Skip("sysdig's chisels are not installed in " + dir)
	}
	difftest.Sysdig(t)
	env := []string{"SYSDIG_CHISEL_DIR=" + dir}
	files := difftest.Captures(t)
	tmp := t.TempDir()
	p := filepath.Join(tmp, "chisels1.scap")
	if err := chiselScenario(p, 1); err != nil {
		t.Fatal(err)
	}
	files = append(files, p, filepath.Join("..", "..", "testdata", "syslog.scap.gz"))
	for _, f := range files {
		for _, c := range chiselCases {
			if c[0] == "tracers_2_statsd" {
				continue // sends to a statsd server
			}
			f, c := f, c
			t.Run(filepath.Base(f)+"/"+strings.Join(c, "_"), func(t *testing.T) {
				t.Parallel()
				runChiselEnv(t, env, f, nil, c)
			})
		}
	}
}

// TestChiselListing compares -cl and -i with sysdig's.
func TestChiselListing(t *testing.T) {
	runs := [][]string{{"-cl"}, {"--list-chisels"}, {"-c", "l"}}
	for _, c := range chiselCases {
		runs = append(runs, []string{"-i", c[0]})
	}
	runs = append(runs, []string{"-i", "table_generator"}, []string{"-i", "nonexistent"})
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			difftest.Compare(t, args...)
		})
	}
}

// TestChiselInfoSysdigFiles: -cl and -i over sysdig's own chisel files,
// csysdig's view files (v_*.lua) included.
func TestChiselInfoSysdigFiles(t *testing.T) {
	const dir = "/usr/share/sysdig/chisels"
	files, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
	if len(files) == 0 {
		t.Skip("sysdig's chisels are not installed in " + dir)
	}
	env := []string{"SYSDIG_CHISEL_DIR=" + dir}
	runs := [][]string{{"-cl"}}
	for _, f := range files {
		runs = append(runs, []string{"-i", strings.TrimSuffix(filepath.Base(f), ".lua")})
	}
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			difftest.CompareEnv(t, env, args...)
		})
	}
}

// TestChiselCommandLine checks which words chisels take as arguments,
// and the argument errors.
func TestChiselCommandLine(t *testing.T) {
	captures := difftest.Captures(t)
	f := captures[0]
	for _, c := range captures {
		if filepath.Base(c) == "falco_cat_write.scap" {
			f = c
		}
	}
	cases := []struct {
		chisel string // how to compare the output
		args   []string
	}{
		{"fdbytes_by", []string{"-c", "fdbytes_by"}},                            // missing arguments
		{"fdbytes_by", []string{"-c", "fdbytes_by", "fd.type", "fd.type=file"}}, // argument, then filter
		{"spy_file", []string{"-c", "spy_file", "R /x extra"}},                  // too many
		{"spy_file", []string{"-c", "spy_file", "'R /x"}},                       // unbalanced quote
		{"spy_file", []string{"-c", "spy_file", "proc.name=cat"}},               // a valid filter: not an argument
		{"spy_file", []string{"-c", "spy_file", "W"}},                           // not a filter: the argument
		{"spy_file", []string{"-c", "spy_file", "R", "proc.name=cat"}},          // argument and filter
		{"spy_file", []string{"-c", "spy_file", "'R' /lib/x86_64-linux-gnu/libc.so.6"}},
		{"lsof", []string{"-c", "lsof", "proc.name=cat"}}, // filter-typed argument
		{"ps", []string{"-c", "ps", "proc.name=cat and fd.num=3"}},
		{"x", []string{"-c", "nonexistent"}},                               // can't open file
		{"httptop", []string{"-c", "httptop", "foo"}},                      // set_arg fails
		{"topscalls", []string{"-c", "topscalls", "-c", "topfiles_bytes"}}, // two chisels
		{"fdbytes_by", []string{"-c", "fdbytes_by", "-r", f}},              // "-r" taken as the key
		{"fdbytes_by", []string{"-c", "fdbytes_by", "bad.field"}},          // unknown field
		{"topscalls", []string{"-c", "topscalls", "proc.name=cat"}},
		{"topscalls", []string{"-c", "topscalls", "bad.field=1"}}, // bad filter
		{"spectrogram", []string{"-c", "spectrogram"}},            // not a terminal
		{"topfiles_bytes", []string{"--chisel", "topfiles_bytes"}},
		{"fdbytes_by", []string{"--chisel=fdbytes_by", "fd.name"}},
		{"topscalls_time", []string{"-ctopscalls_time"}},
		{"memcachelog", []string{"-c", "memcachelog", "proc.name=nginx"}}, // a filter set twice
	}
	for _, c := range cases {
		c := c
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			args := append([]string{"-r", f}, c.args...)
			sd, tr := difftest.Sysdig(t), difftest.Trace(t)
			want, got := difftest.Run(sd, args...), difftest.Run(tr, args...)
			if d := compareChisel([]string{c.chisel}, got.Stdout, want.Stdout); d != "" {
				t.Errorf("output differs:\n%s", d)
			}
			if got.Code != want.Code {
				t.Errorf("exit status %d, sysdig %d (stderr %q)", got.Code, want.Code, got.Stderr)
			}
			// The first stderr line is sysdig's message (the second one,
			// when a Lua error occurred, names the file and line in trace
			// where sysdig says "C++ exception"). Filter and file errors
			// are worded by other parts of trace.
			gl, wl := outLines(string(got.Stderr)), outLines(string(want.Stderr))
			if len(wl) > 0 && !strings.HasPrefix(wl[0], "filter error") && !strings.HasPrefix(wl[0], "can't open file "+f) {
				if len(gl) == 0 || gl[0] != wl[0] {
					t.Errorf("stderr %q, sysdig %q", got.Stderr, want.Stderr)
				}
			}
		})
	}
}

// TestChiselErrors checks the messages and exit statuses of failing
// chisels, and that Lua errors name the chisel file and line.
func TestChiselErrors(t *testing.T) {
	captures := difftest.Captures(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name+".lua")
		src := "description = \"d\"; short_description = \"s\"; category = \"Test\"\n" + body
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, body, args string
		want             []string // stderr lines trace prints
		sameAsSysdig     bool     // stderr identical to sysdig's
	}{
		{"runtime", "args = {}\nfunction on_event()\n  local x = nil\n  return x.y\nend\n", "",
			[]string{dir + "/runtime.lua chisel error: " + dir + "/runtime.lua:5: "}, false},
		{"noargs", "function on_init() return true end\n", "",
			[]string{"Failed to load chisel " + dir + "/noargs.lua: args table missing"}, true},
		{"initfalse", "args = {}\nfunction on_init() return false end\n", "",
			[]string{"init() for chisel " + dir + "/initfalse.lua failed."}, true},
		{"initnil", "args = {}\nfunction on_init() end\n", "",
			[]string{dir + "/initnil.lua chisel error: wrong init() return value."}, true},
		{"initerr", "args = {}\nfunction on_init()\n  error(\"boom\")\nend\n", "",
			[]string{dir + "/initerr.lua: error in init(): " + dir + "/initerr.lua:4: boom"}, false},
		{"setargfalse", "args = {{name = \"a\", argtype = \"string\"}}\nfunction on_set_arg(n, v) return false end\n", "x",
			[]string{"set_arg() for chisel " + dir + "/setargfalse.lua failed."}, true},
		{"setargnil", "args = {{name = \"a\", argtype = \"string\"}}\nfunction on_set_arg(n, v) end\n", "x",
			[]string{dir + "/setargnil.lua chisel error: wrong set_arg() return value."}, true},
		{"nosetarg", "args = {{name = \"a\", argtype = \"string\"}}\n", "x",
			[]string{"chisel " + dir + "/nosetarg.lua misses a set_arg() function."}, true},
		{"badfield", "args = {}\nfunction on_init()\n  chisel.request_field(\"foo.bar\")\n  return true\nend\n", "",
			[]string{"chisel requesting nonexistent field foo.bar", dir + "/badfield.lua: error in init(): " + dir + "/badfield.lua:4: chisel error"}, false},
		{"badfilter", "args = {}\nfunction on_init()\n  chisel.set_filter(\"evt.type=open or evt.dir=< and proc.name=x\")\n  return true\nend\n", "",
			[]string{"invalid filter in chisel " + dir + "/badfilter.lua: filter error at position 43: expression mixes 'and' and 'or' in an ambiguous way. Please use brackets."}, false},
		{"interval", "args = {}\nfunction on_init() chisel.set_interval_ns(1000) return true end\nfunction on_interval() return false end\n", "",
			[]string{"execution terminated by the " + dir + "/interval.lua chisel"}, true},
		{"capstart", "args = {}\nfunction on_capture_start() return 1 end\n", "",
			[]string{dir + "/capstart.lua chisel error: wrong on_capture_start() return value. Boolean expected."}, true},
	}
	for _, c := range cases {
		c := c
		p := write(c.name, c.body)
		t.Run(c.name, func(t *testing.T) {
			args := []string{"-r", captures[len(captures)-1], "-c", p}
			if c.args != "" {
				args = append(args, c.args)
			}
			tr := difftest.Trace(t)
			got := difftest.Run(tr, args...)
			if got.Code != 1 {
				t.Errorf("exit status %d, want 1", got.Code)
			}
			gl := outLines(string(got.Stderr))
			if len(gl) < len(c.want) {
				t.Fatalf("stderr %q, want %q", got.Stderr, c.want)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(gl[i], w) {
					t.Errorf("stderr line %d: %q, want %q", i+1, gl[i], w)
				}
			}
			if _, err := exec.LookPath("sysdig"); err == nil {
				want := difftest.Run("sysdig", args...)
				if want.Code != got.Code {
					t.Errorf("exit status %d, sysdig %d", got.Code, want.Code)
				}
				if !bytes.Equal(got.Stdout, want.Stdout) {
					t.Errorf("stdout %q, sysdig %q", got.Stdout, want.Stdout)
				}
				if c.sameAsSysdig && !bytes.Equal(got.Stderr, want.Stderr) {
					t.Errorf("stderr %q, sysdig %q", got.Stderr, want.Stderr)
				}
			}
		})
	}
}

// TestChiselCaptureEndError: sysdig ignores an error in on_capture_end
// (the exit status stays 0, what was printed stays); trace says it on
// stderr.
func TestChiselCaptureEndError(t *testing.T) {
	captures := difftest.Captures(t)
	dir := t.TempDir()
	src := "description = \"d\"; short_description = \"s\"; category = \"Test\"\nargs = {}\n" +
		"function on_capture_end()\n  print(\"before\")\n  error(\"boom\")\n  print(\"after\")\n  return true\nend\n"
	p := filepath.Join(dir, "endboom.lua")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-r", captures[0], "-c", p}
	got := difftest.Run(difftest.Trace(t), args...)
	if got.Code != 0 || string(got.Stdout) != "before\n" || !bytes.Contains(got.Stderr, []byte("endboom.lua:5: boom")) {
		t.Errorf("status %d, stdout %q, stderr %q; want 0, \"before\\n\" and the error on stderr", got.Code, got.Stdout, got.Stderr)
	}
	if _, err := exec.LookPath("sysdig"); err == nil {
		want := difftest.Run("sysdig", args...)
		if want.Code != got.Code || !bytes.Equal(want.Stdout, got.Stdout) {
			t.Errorf("sysdig: status %d, stdout %q", want.Code, want.Stdout)
		}
	}
	// The chisels after the failing one do not get their end; those
	// before do; the next file starts afresh.
	src2 := "description = \"d\"; short_description = \"s\"; category = \"Test\"\nargs = {}\n" +
		"function on_capture_end()\n  print(\"end ran\")\n  return true\nend\n"
	p2 := filepath.Join(dir, "endprint.lua")
	if err := os.WriteFile(p2, []byte(src2), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-r", captures[0], "-c", p, "-c", p2},
		{"-r", captures[0], "-c", p2, "-c", p},
		{"-r", captures[0], "-r", captures[1], "-c", p2, "-c", p},
	} {
		difftest.Compare(t, args...)
	}
}

// TestChiselRunApp checks that a chisel's sysdig.run_app starts a second
// run: around writes the events around the matches to a file.
func TestChiselRunApp(t *testing.T) {
	captures := difftest.Captures(t)
	tr := difftest.Trace(t)
	var f string
	for _, c := range captures {
		if filepath.Base(c) == "falco_cat_write.scap" {
			f = c
		}
	}
	if f == "" {
		t.Skip("falco_cat_write.scap not found")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "around.scap")
	got := difftest.Run(tr, "-r", f, "-c", "around", out, "evt.type=execve and evt.dir=<")
	if got.Code != 0 {
		t.Fatalf("exit status %d: %s", got.Code, got.Stderr)
	}
	if !strings.Contains(string(got.Stdout), "Saving events around 1 syslog entries to "+out) {
		t.Errorf("stdout %q", got.Stdout)
	}
	st, err := os.Stat(out)
	if err != nil || st.Size() == 0 {
		t.Fatalf("around did not write %s: %v", out, err)
	}
	if _, err := exec.LookPath("sysdig"); err == nil {
		want := difftest.Run("sysdig", "-r", f, "-c", "around", filepath.Join(dir, "sd.scap"), "evt.type=execve and evt.dir=<")
		if !bytes.Equal(bytes.ReplaceAll(want.Stdout, []byte("sd.scap"), []byte("around.scap")), got.Stdout) {
			t.Errorf("stdout %q, sysdig %q", got.Stdout, want.Stdout)
		}
	}
}

// chiselScenario writes a capture exercising the chisels: a few seconds
// of HTTP and memcached traffic, log and syslog writes, slow calls,
// commands from a login shell, failed opens, UDP, and procinfo events.
func chiselScenario(path string, seed int64) error {
	w, err := scap.Create(path, scap.CompressNone)
	if err != nil {
		return err
	}
	g := synth.New(seed)
	md := g.Metadata()
	th := func(tid, pid, ptid int64, comm, cwd string, fds []scap.FDInfo) {
		md.Threads = append(md.Threads, scap.Thread{
			Tid: tid, Pid: pid, Ptid: ptid, Sid: pid, Vpgid: pid, Comm: comm, Exe: comm,
			ExePath: "/usr/bin/" + comm, Args: []byte("-d\x00"), Cwd: cwd, FDLimit: 4096,
			Vtid: tid, Vpid: pid, Root: "/", Env: []byte("PATH=/bin\x00"), FDs: fds,
		})
	}
	th(1, 1, 0, "systemd", "/", nil)
	th(300, 300, 1, "memcached", "/", nil)
	th(400, 400, 1, "sshd", "/", nil)
	th(401, 401, 400, "bash", "/root", []scap.FDInfo{
		{FD: 0, Type: scap.FDFileV2, Name: "/dev/pts/1"},
		{FD: 1, Type: scap.FDFileV2, Name: "/dev/pts/1"},
		{FD: 2, Type: scap.FDFileV2, Name: "/dev/pts/1"},
	})
	if err := w.WriteSection(md); err != nil {
		return err
	}
	s := synth.NewScenario(seed, w)
	r := s.R
	ip := func(a, b, c, d byte) [4]byte { return [4]byte{a, b, c, d} }
	fd := int64(20)
	next := func() int64 { fd++; return fd }
	cpu := map[int64]int64{}
	child := int64(1000)
	for sec := 0; sec < 4; sec++ {
		for _, tid := range []int64{1, 100, 102, 200, 300, 401} {
			cpu[tid] += int64(r.Intn(40))
			s.Emit(scap.PPME_PROCINFO_E, tid, synth.P{"cpu_usr": cpu[tid], "cpu_sys": cpu[tid] / 3})
		}
		// HTTP: nginx serves two requests; python3 fetches a page.
		for i := 0; i < 2; i++ {
			c := next()
			s.Emit(scap.PPME_SOCKET_ACCEPT4_5_E, 200, synth.P{"flags": 0})
			s.Emit(scap.PPME_SOCKET_ACCEPT4_5_X, 200, synth.P{"fd": c, "tuple": synth.Tuple4(ip(10, 0, 0, 9), uint16(51000+sec*2+i), ip(10, 0, 0, 5), 80), "queuemax": 128})
			req := fmt.Sprintf("GET /page%d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n", r.Intn(3))
			s.Emit(scap.PPME_SYSCALL_READ_E, 200, synth.P{"fd": c, "size": 1024})
			s.Emit(scap.PPME_SYSCALL_READ_X, 200, synth.P{"res": len(req), "data": req})
			s.Ts += uint64(r.Intn(30_000_000))
			body := strings.Repeat("x", r.Intn(3000))
			resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			s.Emit(scap.PPME_SYSCALL_WRITE_E, 200, synth.P{"fd": c, "size": len(resp)})
			s.Emit(scap.PPME_SYSCALL_WRITE_X, 200, synth.P{"res": len(resp), "data": resp})
			s.Emit(scap.PPME_SYSCALL_CLOSE_E, 200, synth.P{"fd": c})
			s.Emit(scap.PPME_SYSCALL_CLOSE_X, 200, synth.P{"res": 0})
		}
		c := next()
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 102, synth.P{"domain": 2, "type": 1, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 102, synth.P{"fd": c})
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 102, synth.P{"fd": c, "addr": synth.Addr4(ip(93, 184, 216, 34), 80)})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 102, synth.P{"res": 0, "tuple": synth.Tuple4(ip(10, 0, 0, 5), uint16(40100+sec), ip(93, 184, 216, 34), 80)})
		req := "GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n"
		s.Emit(scap.PPME_SYSCALL_WRITE_E, 102, synth.P{"fd": c, "size": len(req)})
		s.Emit(scap.PPME_SYSCALL_WRITE_X, 102, synth.P{"res": len(req), "data": req})
		s.Emit(scap.PPME_SYSCALL_READ_E, 102, synth.P{"fd": c, "size": 4096})
		s.Ts += uint64(20_000_000 + r.Intn(20_000_000))
		resp := "HTTP/1.1 404 Not Found\r\nServer: x\r\n\r\n"
		s.Emit(scap.PPME_SYSCALL_READ_X, 102, synth.P{"res": len(resp), "data": resp})
		// memcached
		m := next()
		s.Emit(scap.PPME_SOCKET_ACCEPT4_5_E, 300, synth.P{"flags": 0})
		s.Emit(scap.PPME_SOCKET_ACCEPT4_5_X, 300, synth.P{"fd": m, "tuple": synth.Tuple4(ip(10, 0, 0, 7), uint16(52000+sec), ip(10, 0, 0, 5), 11211), "queuemax": 128})
		for _, cmd := range []string{fmt.Sprintf("set key%d 0 0 %d\r\nvalue\r\n", sec, 50+r.Intn(200)), fmt.Sprintf("get key%d\r\n", sec), "delete x\r\n"} {
			s.Emit(scap.PPME_SYSCALL_READ_E, 300, synth.P{"fd": m, "size": 2048})
			s.Emit(scap.PPME_SYSCALL_READ_X, 300, synth.P{"res": len(cmd), "data": cmd})
		}
		// log file and syslog
		l := next()
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 102, synth.P{"name": "/var/log/app.log", "flags": 2 | 64, "mode": 0o644})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 102, synth.P{"fd": l, "name": "/var/log/app.log", "flags": 2 | 64, "mode": 0o644, "dev": 0x803})
		msg := fmt.Sprintf("started %d\nWARN disk almost full\nerror: cannot write\n", sec)
		s.Emit(scap.PPME_SYSCALL_WRITE_E, 102, synth.P{"fd": l, "size": len(msg)})
		s.Emit(scap.PPME_SYSCALL_WRITE_X, 102, synth.P{"res": len(msg), "data": msg})
		u := next()
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 102, synth.P{"domain": 1, "type": 2, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 102, synth.P{"fd": u})
		s.Emit(scap.PPME_SOCKET_CONNECT_E, 102, synth.P{"fd": u, "addr": synth.UnixAddr("/dev/log")})
		s.Emit(scap.PPME_SOCKET_CONNECT_X, 102, synth.P{"res": 0, "tuple": synth.UnixTuple(0xffff8880cccc0000, 0xffff8880dddd0000, "/dev/log")})
		sl := fmt.Sprintf("<%d>Nov 14 22:13:2%d python3[102]: message %d", 8+r.Intn(16), sec, sec)
		s.Emit(scap.PPME_SOCKET_SENDTO_E, 102, synth.P{"fd": u, "size": len(sl)})
		s.Emit(scap.PPME_SOCKET_SENDTO_X, 102, synth.P{"res": len(sl), "data": sl})
		// slow calls: a file read, a socket read, a sleep
		e := next()
		s.Emit(scap.PPME_SYSCALL_OPEN_E, 100, synth.P{"name": "/etc/passwd", "flags": 1, "mode": 0})
		s.Emit(scap.PPME_SYSCALL_OPEN_X, 100, synth.P{"fd": e, "name": "/etc/passwd", "flags": 1, "mode": 0, "dev": 0x803})
		s.Emit(scap.PPME_SYSCALL_READ_E, 100, synth.P{"fd": e, "size": 4096})
		s.Ts += uint64(5_000_000 + r.Intn(30_000_000))
		s.Emit(scap.PPME_SYSCALL_READ_X, 100, synth.P{"res": 1500 + r.Intn(2000), "data": "root:x:0:0:root:/root:/bin/bash\n"})
		s.Emit(scap.PPME_SYSCALL_NANOSLEEP_E, 300, synth.P{"interval": 100_000_000})
		s.Ts += uint64(60_000_000 + r.Intn(60_000_000))
		s.Emit(scap.PPME_SYSCALL_NANOSLEEP_X, 300, synth.P{"res": 0})
		// failed opens
		for i := 0; i < 1+r.Intn(3); i++ {
			s.Emit(scap.PPME_SYSCALL_OPEN_E, 102, synth.P{"name": "/etc/missing.conf", "flags": 1, "mode": 0})
			s.Emit(scap.PPME_SYSCALL_OPEN_X, 102, synth.P{"fd": -2, "name": "/etc/missing.conf", "flags": 1, "mode": 0, "dev": 0})
		}
		// UDP
		d := next()
		s.Emit(scap.PPME_SOCKET_SOCKET_E, 102, synth.P{"domain": 2, "type": 2, "proto": 0})
		s.Emit(scap.PPME_SOCKET_SOCKET_X, 102, synth.P{"fd": d})
		s.Emit(scap.PPME_SOCKET_SENDTO_E, 102, synth.P{"fd": d, "size": 12, "tuple": synth.Tuple4(ip(0, 0, 0, 0), 5353, ip(8, 8, 8, 8), 53)})
		s.Emit(scap.PPME_SOCKET_SENDTO_X, 102, synth.P{"res": 12, "data": "query-bytes!"})
		// the login shell: terminal I/O, cd, a command that exits
		s.Emit(scap.PPME_SYSCALL_READ_E, 401, synth.P{"fd": 0, "size": 1})
		s.Emit(scap.PPME_SYSCALL_READ_X, 401, synth.P{"res": 3, "data": "ls\n"})
		s.Emit(scap.PPME_SYSCALL_WRITE_E, 401, synth.P{"fd": 1, "size": 6})
		s.Emit(scap.PPME_SYSCALL_WRITE_X, 401, synth.P{"res": 6, "data": "prompt"})
		s.Emit(scap.PPME_SYSCALL_WRITE_E, 401, synth.P{"fd": 2, "size": 9})
		s.Emit(scap.PPME_SYSCALL_WRITE_X, 401, synth.P{"res": 9, "data": "warning\n!"})
		s.Emit(scap.PPME_SYSCALL_CHDIR_E, 401, nil)
		s.Emit(scap.PPME_SYSCALL_CHDIR_X, 401, synth.P{"res": 0, "path": fmt.Sprintf("/srv/dir%d", sec)})
		child++
		flags := uint32(0x1000000 | 0x800000)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_E, 401, nil)
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, 401, synth.P{"res": child, "exe": "bash", "args": "", "tid": 401, "pid": 401, "ptid": 400, "cwd": "/root", "fdlimit": 1024, "comm": "bash", "flags": flags, "vtid": 401, "vpid": 401, "cgroups": "cpu=/\x00"})
		s.Emit(scap.PPME_SYSCALL_CLONE_20_X, child, synth.P{"res": 0, "exe": "bash", "args": "", "tid": child, "pid": child, "ptid": 401, "cwd": "/root", "fdlimit": 1024, "comm": "bash", "flags": flags, "vtid": child, "vpid": child, "cgroups": "cpu=/\x00"})
		cmd := []string{"ls", "cat", "grep", "vi"}[r.Intn(4)]
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_E, child, synth.P{"filename": "/bin/" + cmd})
		s.Emit(scap.PPME_SYSCALL_EXECVE_19_X, child, synth.P{"res": 0, "exe": cmd, "args": "-la\x00/tmp\x00", "tid": child, "pid": child, "ptid": 401, "cwd": "/root", "fdlimit": 1024, "comm": cmd, "cgroups": "cpu=/\x00", "env": "TERM=xterm\x00X=() { :;}; echo vulnerable\x00", "loginuid": 0, "pgid": child})
		s.Ts += uint64(r.Intn(400_000_000))
		s.Emit(scap.PPME_PROCEXIT_1_E, child, synth.P{"status": 0, "ret": 0, "sig": 0, "core": 0})
		s.Ts += uint64(900_000_000 + r.Intn(200_000_000))
	}
	if s.Err() != nil {
		return s.Err()
	}
	return w.Close()
}

// TestChiselScenarioFile writes the synthetic chisel capture to the path
// in $CHISEL_SCENARIO_OUT, for looking at it by hand.
func TestChiselScenarioFile(t *testing.T) {
	p := os.Getenv("CHISEL_SCENARIO_OUT")
	if p == "" {
		t.Skip("CHISEL_SCENARIO_OUT not set")
	}
	if err := chiselScenario(p, 1); err != nil {
		t.Fatal(err)
	}
}

// TestChiselsJSON compares the -j outputs of table chisels as JSON
// documents (sysdig orders object keys at random) and of formatter
// chisels line by line.
func TestChiselsJSON(t *testing.T) {
	sd, tr := difftest.Sysdig(t), difftest.Trace(t)
	files := difftest.Captures(t)
	p := filepath.Join(t.TempDir(), "chisels1.scap")
	if err := chiselScenario(p, 1); err != nil {
		t.Fatal(err)
	}
	files = append(files, p)
	for _, f := range files {
		for _, c := range []string{"topfiles_bytes", "topscalls_time", "topprocs_net", "httptop", "echo_fds"} {
			args := []string{"-j", "-r", f, "-c", c}
			got, want := difftest.Run(tr, args...), difftest.Run(sd, args...)
			if c == "echo_fds" {
				if !bytes.Equal(got.Stdout, want.Stdout) {
					t.Errorf("%s: %s", strings.Join(args, " "), difftest.Diff(got.Stdout, want.Stdout, 5))
				}
				continue
			}
			if d := compareJSONTables(got.Stdout, want.Stdout); d != "" {
				t.Errorf("%s: %s", strings.Join(args, " "), d)
			}
		}
	}
}

func compareJSONTables(got, want []byte) string {
	type table struct {
		Ts   string            `json:"ts"`
		Data [][]any           `json:"data"`
		Info []json.RawMessage `json:"info"`
	}
	var g, w table
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Sprintf("trace: %v: %s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Sprintf("sysdig: %v", err)
	}
	if g.Ts != w.Ts || len(g.Info) != len(w.Info) || len(g.Data) != len(w.Data) {
		return fmt.Sprintf("differ:\n  trace:  %s\n  sysdig: %s", got, want)
	}
	for i := range g.Info {
		var gi, wi map[string]any
		json.Unmarshal(g.Info[i], &gi)
		json.Unmarshal(w.Info[i], &wi)
		if fmt.Sprint(gi) != fmt.Sprint(wi) {
			return fmt.Sprintf("info %d: %v, sysdig %v", i, gi, wi)
		}
	}
	rows := func(d [][]any) []string {
		var out []string
		for _, r := range d {
			out = append(out, fmt.Sprint(r))
		}
		return out
	}
	last := func(r string) string { return r[strings.LastIndexByte(r, ' ')+1:] }
	return compareGroups(rows(g.Data), rows(w.Data), 0, last)
}

// TestChiselsTerminal runs the terminal chisels (spectrogram,
// subsecoffset) and colored ones on a pseudo-terminal made by script(1).
func TestChiselsTerminal(t *testing.T) {
	sd, tr := difftest.Sysdig(t), difftest.Trace(t)
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) not found")
	}
	p := filepath.Join(t.TempDir(), "chisels1.scap")
	if err := chiselScenario(p, 1); err != nil {
		t.Fatal(err)
	}
	onTTY := func(bin string, args ...string) []byte {
		cmd := "stty cols 100 rows 30; " + bin + " -r " + p + " " + strings.Join(args, " ")
		c := exec.Command(script, "-qc", cmd, "/dev/null")
		c.Env = append(os.Environ(), "TZ=UTC")
		out, _ := c.CombinedOutput()
		return out
	}
	for _, args := range [][]string{
		{"-c", "spectrogram"}, {"-c", "spectrogram", "100"}, {"-c", "subsecoffset"}, {"-c", "subsecoffset", "250"},
		{"-c", "echo_fds"}, {"-c", "spy_logs"}, {"-c", "spy_syslog"}, {"-c", "fileslower", "1"},
	} {
		got, want := onTTY(tr, args...), onTTY(sd, args...)
		if !bytes.Equal(got, want) {
			t.Errorf("%s on a terminal: %s", strings.Join(args, " "), difftest.Diff(got, want, 5))
		}
	}
}

// apiChisels exercise the chisel API; their outputs must be sysdig's.
var apiChisels = map[string]string{
	"lifecycle": `args = {{name = "a", description = "d", argtype = "string", optional = true}}
print("toplevel")
function on_set_arg(n, v) print("set_arg", n, v) return true end
function on_init() print("init", sysdig.get_filter()) return true end
function on_capture_start()
	local m = sysdig.get_machine_info()
	print("start", sysdig.get_filter(), sysdig.is_live(), m.num_cpus, m.memory_size_bytes, m.max_pid, m.hostname)
	return true
end
local n = 0
function on_event() n = n + 1 return true end
function on_capture_end(s, ns, d) print("end", n, s, ns, d, sysdig.get_firstevent_ts(), sysdig.get_lastevent_ts()) end
`,
	"intervals": `args = {}
function on_init() chisel.set_interval_ns(100000000) return true end
function on_interval(s, ns, d) local a, b = evt.get_ts() print("iv", s, ns, d, evt.get_num(), a, b, evt.get_type()) return true end
`,
	"formatter": `args = {}
function on_init() chisel.set_event_formatter("") chisel.set_filter("evt.num<5 or evt.type=open") return true end
function on_capture_start() local t = sysdig.get_terminal_info() print(t.width, t.height, sysdig.is_tty(), sysdig.get_output_format(), sysdig.is_print_container_data()) return true end
`,
	"formatter2": `args = {}
function on_init() chisel.set_event_formatter("%evt.num %fd.name %proc.name") chisel.set_filter("evt.num<300") return true end
function on_event() return evt.get_num() % 2 == 0 end
`,
	"fields": `args = {}
local f = {}
local names = {"evt.num", "evt.type", "evt.dir", "evt.rawarg.res", "evt.arg.fd", "evt.buffer", "evt.rawarg.data", "fd.name", "fd.num", "fd.type", "proc.pid", "proc.name", "thread.tid", "evt.latency", "evt.is_io", "evt.failed", "fd.sip", "fd.sport", "evt.rawtime", "user.name"}
function on_init()
	for i, n in ipairs(names) do f[i] = chisel.request_field(n) end
	chisel.set_filter("evt.is_io=true or evt.type=open or evt.type=connect")
	return true
end
local count = 0
function on_event()
	count = count + 1
	if count > 40 then return true end
	local out = {}
	for i, h in ipairs(f) do
		local v = evt.field(h)
		out[i] = type(v) .. ":" .. string.format("%q", tostring(v))
	end
	print(table.concat(out, " "))
	return true
end
`,
	"tables": `args = {}
function on_event()
	local tt = sysdig.get_thread_table()
	local tids = {}
	for tid in pairs(tt) do tids[#tids + 1] = tid end
	table.sort(tids)
	for _, tid in ipairs(tids) do
		local t = tt[tid]
		local fds = {}
		for fd, i in pairs(t.fdtable) do
			fds[#fds + 1] = fd .. "=" .. tostring(i.type) .. ":" .. tostring(i.name) .. ":" .. tostring(i.sip) .. ":" .. tostring(i.sport) .. ":" .. tostring(i.cip) .. ":" .. tostring(i.cport) .. ":" .. tostring(i.l4proto) .. ":" .. tostring(i.is_server)
		end
		table.sort(fds)
		print(tid, t.pid, t.ptid, t.comm, t.exe, t.uid, t.gid, t.username, t.fdlimit, t.vmsize_kb, t.vmrss_kb, #t.args, #t.env, table.concat(fds, " "))
	end
	local bb = sysdig.get_thread_table_barebone_nofds("fd.type=file")
	local n = 0
	for _ in pairs(bb) do n = n + 1 end
	print("barebone", n)
	for _, c in ipairs(sysdig.get_container_table()) do print("container", c.id, c.name, c.image, c.type) end
	sysdig.end_capture()
	return true
end
`,
	"luacompat": `args = {}
function on_init()
	print(string.format("%.2f %.2f %.0f %.3f %.1f %.2f %.0f %.0f %.1f", 1.125, 0.125, 2.5, 1.0625, 0.25, 1.375, 0.5, 1.5, 0.05))
	print(string.format("%.2e %g %g %g %.14g", 1.125, 2.5, 1e20, 123456.5, 0.1))
	print(string.format("%10.3f|%-10.2f|%+.1f|%5d|%-5d|%.3d|%x", 3.14159, 2.5, 1.25, -3, 7, -5, -1))
	print(string.format("[%d][%.9d][%u][%5.2s][%-5s|]%q", 2.7, 5, -1, "abc", "x", "a\nb\0c\"\r"))
	print(tostring(1e15), tostring(0.1+0.2), tostring(2^53), 1/3, -0.0, 1e100, 1/0, 2^63)
	print(string.match("GET /index.html HTTP", "^(%u+) (%g+)"), -7 % 3, 5.5 % 2, #"abc", select('#', 1, 2, 3))
	local t = {[0] = "a", "b"}
	table.insert(t, 0, "z")
	print(t[0], t[1], t[2])
	return true
end
`,
}

// TestChiselAPI runs chisels using the API directly, in trace and in
// sysdig.
func TestChiselAPI(t *testing.T) {
	sd, tr := difftest.Sysdig(t), difftest.Trace(t)
	dir := t.TempDir()
	for name, body := range apiChisels {
		src := "description = \"d\"; short_description = \"s\"; category = \"Test\"\n" + body
		if err := os.WriteFile(filepath.Join(dir, name+".lua"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "chisels1.scap")
	if err := chiselScenario(p, 1); err != nil {
		t.Fatal(err)
	}
	files := append(difftest.Captures(t), p)
	ch := func(n string) string { return filepath.Join(dir, n+".lua") }
	var runs [][]string
	for _, f := range files {
		runs = append(runs,
			[]string{"-r", f, "-c", ch("lifecycle"), "x y", "evt.num>3"},
			[]string{"-r", f, "-r", f, "-c", ch("lifecycle"), "-c", ch("lifecycle"), "z"},
			[]string{"-r", f, "-c", ch("intervals")},
			[]string{"-r", f, "-c", ch("formatter")},
			[]string{"-r", f, "-pc", "-c", ch("formatter")},
			[]string{"-r", f, "-j", "-c", ch("formatter2")},
			[]string{"-r", f, "-c", ch("formatter2")},
			[]string{"-r", f, "-c", ch("fields")},
			[]string{"-r", f, "-A", "-c", ch("fields")},
			[]string{"-r", f, "-c", ch("tables")},
		)
	}
	runs = append(runs, []string{"-r", files[0], "-c", ch("luacompat")})
	for _, args := range runs {
		got, want := difftest.Run(tr, args...), difftest.Run(sd, args...)
		if !bytes.Equal(got.Stdout, want.Stdout) || got.Code != want.Code {
			t.Errorf("%s: exit %d/%d\n%s\ntrace stderr: %s", strings.Join(args, " "), got.Code, want.Code, difftest.Diff(got.Stdout, want.Stdout, 5), got.Stderr)
		}
	}
}

// TestChiselIntervalsOnRejectedEvents: events the command-line filter
// rejects still advance a chisel's interval clock, so on_interval runs
// even when no event passes.
func TestChiselIntervalsOnRejectedEvents(t *testing.T) {
	shared := difftest.RequireShared(t)
	dir := t.TempDir()
	const probe = `description = "interval probe"
short_description = "interval probe"
category = "Misc"
args = {}
function on_init()
  chisel.set_interval_s(1)
  return true
end
function on_event()
  return true
end
function on_interval(ts_s, ts_ns, delta)
  print("interval " .. ts_s .. " " .. delta)
  return true
end
`
	if err := os.WriteFile(filepath.Join(dir, "ivlprobe.lua"), []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"SYSDIG_CHISEL_DIR=" + dir}
	f := filepath.Join(shared, "scaps", "falco_ping_sendto.scap")
	for _, flt := range []string{"proc.name=nonexistent", "evt.type=sendto and evt.dir=>", ""} {
		var extra []string
		if flt != "" {
			extra = []string{flt}
		}
		t.Run(flt, func(t *testing.T) {
			runChiselEnv(t, env, f, nil, append([]string{"ivlprobe"}, extra...))
		})
	}
}

// TestChiselSnaplen: a chisel's sysdig.set_snaplen in on_init sets the
// live capture's snaplen unless -s was given.
func TestChiselSnaplen(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"-c", "echo_fds"}, 2000},
		{[]string{"-s", "100", "-c", "echo_fds"}, 100},
		{[]string{"-c", "echo_fds", "-s", "300"}, 300},
		{[]string{"-c", "topprocs_cpu"}, 80},
		{[]string{"proc.name=x"}, 80},
	} {
		o, err := parseArgs(c.args)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		// on_init runs when the session starts.
		out := bufio.NewWriter(io.Discard)
		ctx := &fields.Ctx{R: fields.NewRenderer(), Time: &fields.OutputTime{}}
		if _, err := o.chiselRunner(ctx, out, io.Discard, false, func(*filter.Filter) {}); err != nil {
			t.Fatalf("%v: chisels failed: %v", c.args, err)
		}
		if o.chisels != nil {
			o.chisels.close()
		}
		if o.Snaplen != c.want {
			t.Errorf("%v: snaplen %d, want %d", c.args, o.Snaplen, c.want)
		}
	}
}
