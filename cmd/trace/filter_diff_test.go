package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/synth"
)

// filterCaptures are the captures the filter and format tables run on:
// the real ones, trace's scenario testdata capture, two captures trace
// recorded live and two more scenario captures.
//
// testdata/live.scap is left out: there, sysdig 0.29.3's fd table for
// perl (pid 24472) depends on whether bash's (pid 24446) first fcntl exits,
// events 5, 7 or 9, pass the filter, although those events are parsed
// either way (they change state). With `proc.name=perl` sysdig names
// perl's fd 1 /dev/null; without a filter, or with `proc.name=perl or
// evt.num=5`, it names it after the file stdout really was. trace gives the
// latter in every case. Its unfiltered output is compared elsewhere.
func filterCaptures(t *testing.T) []string {
	caps := difftest.Captures(t)
	caps = append(caps, filepath.Join("..", "..", "testdata", "scenario.scap"),
		filepath.Join("..", "..", "testdata", "net.scap.gz"),
		filepath.Join("..", "..", "testdata", "syscalls.scap.gz"))
	dir := t.TempDir()
	for _, seed := range []int64{21, 22} {
		p := filepath.Join(dir, fmt.Sprintf("scenario%d.scap", seed))
		if err := synth.RandomScenario(p, seed, 400); err != nil {
			t.Fatal(err)
		}
		caps = append(caps, p)
	}
	return caps
}

// sample collects values that occur in a capture, to build filters that
// match something.
type sample struct {
	procs, parents, users, cmdlines []string
	pids                            []string
	nums                            []string
}

func mostCommon(lines [][]string, col int, n int) []string {
	count := map[string]int{}
	for _, l := range lines {
		if col < len(l) && l[col] != "<NA>" && l[col] != "" {
			count[l[col]]++
		}
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}

func sampleCapture(t *testing.T, sd, f string) sample {
	r := difftest.Run(sd, "-r", f, "-p", "*%proc.name\t%proc.pname\t%user.name\t%proc.pid\t%evt.num\t%proc.cmdline")
	var lines [][]string
	for _, l := range strings.Split(string(r.Stdout), "\n") {
		if l != "" {
			lines = append(lines, strings.Split(l, "\t"))
		}
	}
	s := sample{
		procs:    mostCommon(lines, 0, 3),
		parents:  mostCommon(lines, 1, 2),
		users:    mostCommon(lines, 2, 1),
		pids:     mostCommon(lines, 3, 2),
		cmdlines: mostCommon(lines, 5, 1),
	}
	if len(lines) > 0 {
		s.nums = []string{lines[len(lines)/2][4]}
	}
	return s
}

func first(xs []string, def string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

// filtersFor returns the filters of the table for one capture: fixed ones
// plus ones built from values seen in it.
func filtersFor(s sample) []string {
	proc := first(s.procs, "bash")
	parent := first(s.parents, "bash")
	user := first(s.users, "root")
	pid := first(s.pids, "1")
	num := first(s.nums, "100")
	cmd := first(s.cmdlines, "bash")
	mid := proc
	if len(mid) > 2 {
		mid = mid[1 : len(mid)-1]
	}
	fs := []string{
		// evt class, every operator on the types it accepts
		"evt.type=open", "evt.type!=open", "evt.type in (open, close, read)", "evt.type=switch",
		"evt.type=procinfo", "evt.type in (execve,clone,procexit)", "evt.type=container",
		"evt.dir=<", `evt.dir=">"`, "evt.dir!=>",
		"evt.num<" + num, "evt.num<=" + num, "evt.num>" + num, "evt.num>=" + num, "evt.num=" + num, "evt.num!=" + num,
		"evt.num=-1", "evt.num=+5", "evt.num in (1, 2, 3, " + num + ")",
		"evt.cpu=0", "evt.cpu!=0", "evt.cpu>0",
		"evt.failed=true", "evt.failed=false", "evt.res!=SUCCESS", "evt.res=SUCCESS", "evt.res=ENOENT",
		"evt.rawres<0", "evt.rawres>=0", "evt.rawres=0",
		"evt.is_io=true", "evt.is_io_read=true", "evt.is_io_write=true", "evt.is_wait=true", "evt.io_dir=read",
		"evt.category=file", "evt.category in (net, file, process)", "evt.category=memory",
		"evt.args contains res", "evt.info icontains RES=", "evt.args startswith fd=", "evt.info endswith \"0 \"",
		"evt.arg.fd contains /", "evt.arg[0] exists", "evt.arg.res=0", "evt.arg.name glob *.so*",
		"evt.rawarg.res<0", "evt.rawarg.fd=3", "evt.rawarg.fd>2", "evt.rawarg.size>10",
		"evt.buffer contains ELF", "evt.buffer exists", "evt.buflen>10", "evt.buflen<=8",
		"evt.latency>1000", "evt.latency.ns<500", "evt.count=1", "evt.count.error=1", "evt.count.exit exists",
		"syscall.type exists", "not syscall.type exists", "syscall.type=read",
		"evt.is_open_read=true", "evt.is_open_write=true", "evt.abspath exists",
		"evt.rawtime>0", "evt.reltime<1000000000", "evt.time contains :", "evt.datetime startswith 20",
		// process, user, group
		"proc.name=" + proc, "proc.name!=" + proc, "proc.name contains " + mid, "proc.name icontains " + strings.ToUpper(mid),
		"proc.name startswith " + proc[:1], "proc.name endswith " + proc[len(proc)-1:], "proc.name glob " + proc[:1] + "*",
		"proc.name glob ?" + proc[1:], "proc.name in (" + strings.Join(s.procs, ", ") + ", nothere)", "proc.name<m", "proc.name>=m",
		"proc.name pmatch (/usr, " + proc + ")", "proc.name exists", "not proc.name exists",
		"proc.pid=" + pid, "proc.pid!=" + pid, "proc.pid>" + pid, "thread.tid=" + pid, "proc.ppid exists",
		"proc.pname=" + parent, "proc.aname=" + parent, "proc.aname[1]=" + parent, "proc.aname[0]=" + proc,
		"proc.apid[1]>0", "proc.apid=1", "proc.cmdline contains " + strings.Fields(cmd + " x")[0],
		"proc.args exists", "proc.exe contains /", "proc.cwd startswith /", "proc.nthreads>1", "thread.ismain=true",
		"proc.vmsize>0", "thread.vtid exists", "proc.sid!=0", "proc.loginshellid exists", "proc.fdopencount>3",
		"user.name=" + user, "user.name!=" + user, "user.uid=0", "user.uid<1000", "user.loginuid=-1", "group.gid=0", "group.name exists",
		"thread.cgroups contains /", "thread.cgroup.cpu exists", "proc.duration>0",
		"evt.around[1000] exists", "not evt.around[1000] exists", "evt.around[1000] in (5, 6)",
		// boolean structure
		"evt.type=open and evt.dir=<", "(proc.name=" + proc + " or evt.type=open) and evt.dir=<",
		"(evt.type=open or evt.type=close) and (evt.dir=< and evt.num>3)", "evt.type=read and not evt.dir=<",
		"not(evt.type=read)", "not not evt.type=read", "not (evt.type=read or evt.type=write)",
		"proc.name=" + proc + " and (evt.type=read or evt.type=write or evt.type=open)",
		"(evt.num>10 and evt.num<50) or (evt.num>100 and evt.num<120)", "not (proc.name=" + proc + " and evt.dir=>)",
		// quoting and escapes
		`proc.name="` + proc + `"`, `proc.name='` + proc + `'`, `evt.args contains "res=0 "`, `evt.info contains 'fd='`,
		`evt.args contains \x3d`, `proc.name in ("` + proc + `", 'x y')`,
		// glob is glibc's fnmatch: classes, collating symbols, and an
		// unknown class failing only where it is reached
		"fd.name glob '/[[:lower:]]*/*[[:digit:]]'", "fd.name glob '/[!e]*'", "fd.name glob '/[[.t.]-u]*'",
		"fd.name glob '*[[:bogus:]/]*'", "fd.name glob '*[/[:bogus:]]*'",
	}
	return fs
}

// The filter table: every filter on every capture, output identical to
// sysdig 0.29.3's (default format, then -p with a few fields).
func TestDiffFilters(t *testing.T) {
	sd := difftest.Sysdig(t)
	for _, f := range filterCaptures(t) {
		f := f
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		s := sampleCapture(t, sd, f)
		for i, flt := range filtersFor(s) {
			flt := flt
			t.Run(fmt.Sprintf("%s/%d", name, i), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, "-r", f, flt)
			})
		}
	}
}

// Falco syntax that 0.29.3 rejects or reads differently, checked against
// the equivalent 0.29.3 expression.
func TestDiffFalcoExtensions(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	cases := []struct{ falco, sysdig string }{
		{"proc.name==bash or evt.type==open", "proc.name=bash or evt.type=open"},
		{"evt.type=open or evt.type=close and evt.dir=<", "evt.type=open or (evt.type=close and evt.dir=<)"},
		{"evt.type=close and evt.dir=< or evt.type=open", "(evt.type=close and evt.dir=<) or evt.type=open"},
		{"not evt.type=open and evt.dir=< or evt.num<50", "((not evt.type=open) and evt.dir=<) or evt.num<50"},
		{"evt.type intersects (open, close)", "evt.type in (open, close)"},
		{"evt.buffer bcontains 454c46", "evt.buffer contains ELF"},
		{"evt.buffer bstartswith 7f454c46", `evt.buffer startswith "\x7fELF"`},
		{"proc.name iglob B*", "proc.name glob b*"},
		{"proc.name regex 'b.*h'", "proc.name glob b*h"},
	}
	for _, f := range filterCaptures(t) {
		f := f
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		for i, c := range cases {
			c := c
			t.Run(fmt.Sprintf("%s/%d", name, i), func(t *testing.T) {
				t.Parallel()
				want := difftest.Run(sd, "-r", f, c.sysdig)
				got := difftest.Run(tr, "-r", f, c.falco)
				if want.Code != 0 || got.Code != 0 {
					t.Fatalf("exit status: trace %d (%s), sysdig %d (%s)", got.Code, got.Stderr, want.Code, want.Stderr)
				}
				if !bytes.Equal(got.Stdout, want.Stdout) {
					t.Errorf("%q vs sysdig's %q:\n%s", c.falco, c.sysdig, difftest.Diff(got.Stdout, want.Stdout, 4))
				}
			})
		}
	}
}

// Bad filters and formats: the same error line as sysdig, exit 1, nothing
// on stdout.
func TestDiffFilterErrors(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	f := filepath.Join(difftest.RequireShared(t), "scaps", "libs_sample.scap")
	for _, args := range [][]string{
		{"evt.type=open evt.dir=<"}, {"evt.type=open and"}, {"(evt.type=open"}, {"not"}, {"and evt.type=open"},
		{"foo.bar=1"}, {"evt.type="}, {"evt.num=abc"}, {"evt.num = abc"}, {"evt.type in open"},
		{`evt.type in ("open" "close")`}, {"proc.name in (a,b"}, {"evt.num pmatch (1)"}, {"evt.failed=1"},
		{"proc.name frobs 1"}, {"evt.arg.foo=1"}, {`proc.name="curl`}, {"evt.type in (open,foo)"},
		{"fd.sip=1.2.3"}, {"fd.net=1.2.3.4"}, {"fd.sport=foo"}, {"proc.pid=1.5"}, {"evt.around[1]>1"},
		{"-p", "%foo.bar baz"}, {"-p", "100%% x"}, {"-p", "%"}, {"-p", ""}, {"-p", "%evt.arg.foo"}, {"-p", "%5"},
		{"-p", "%fd.ip"}, {"-p", "%-5evt.num"},
	} {
		args := append([]string{"-r", f}, args...)
		t.Run(strings.Join(args[2:], " "), func(t *testing.T) {
			t.Parallel()
			want := difftest.Run(sd, args...)
			got := difftest.Run(tr, args...)
			if want.Code != 1 || got.Code != 1 {
				t.Errorf("%q: exit status trace %d, sysdig %d", args, got.Code, want.Code)
			}
			if len(got.Stdout) != 0 {
				t.Errorf("%q: trace printed %q", args, got.Stdout)
			}
			wl := strings.SplitN(string(want.Stderr), "\n", 2)[0]
			gl := strings.SplitN(string(got.Stderr), "\n", 2)[0]
			if gl != wl {
				t.Errorf("%q:\n trace:  %q\n sysdig: %q", args, gl, wl)
			}
		})
	}
}

// Containers known only from cgroup paths: which runtimes sysdig
// recognises when reading a capture, and what it knows about them.
func TestDiffCgroupContainers(t *testing.T) {
	difftest.Sysdig(t)
	f := filepath.Join(t.TempDir(), "cgroups.scap")
	if err := synth.CgroupCapture(f, synth.CgroupPaths()); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-p", "*%thread.tid %container.id %container.name %container.type %container.privileged %container.image"},
		{"-pc"}, {"container.id!=host"}, {"container.type=lxc"}, {"-j", "-p", "%container.id %container.name"},
	} {
		difftest.Compare(t, append([]string{"-r", f}, args...)...)
	}
}

// Output modes: -p formats (widths, literal text, escapes, <NA> rules),
// -j with and without '*', the buffer formats in both, presets, -d, -R.
func TestDiffOutputModes(t *testing.T) {
	difftest.Sysdig(t)
	modes := [][]string{
		{"-p", "%evt.num %evt.type %proc.name"},
		{"-p", "*%evt.num %evt.type %evt.arg.fd %evt.rawarg.res"},
		{"-p", "[%10proc.name][%5evt.num][%3evt.type]"},
		{"-p", "*[%10fd.name][%2proc.name]|%0evt.dir"},
		{"-p", "%proc.name:%thread.tid/%evt.num\t%evt.cpu\\n"},
		{"-p", "*%evt.num %evt.time %evt.time.s %evt.datetime %evt.datetime.s %evt.rawtime %evt.rawtime.s %evt.rawtime.ns"},
		{"-p", "*%evt.num %evt.reltime %evt.reltime.s %evt.reltime.ns %evt.latency %evt.latency.s %evt.latency.ns %evt.latency.human"},
		{"-p", "*%evt.num %evt.deltatime %evt.deltatime.s %evt.deltatime.ns %evt.outputtime"},
		{"-tr", "-p", "*%evt.num %evt.outputtime"}, {"-ta", "-p", "*%evt.outputtime %evt.num"}, {"-td", "-p", "*%evt.outputtime"}, {"-tD", "-p", "*%evt.outputtime %evt.outputtime"},
		{"-p", "*%evt.num %evt.args"}, {"-p", "*%evt.num %evt.info"}, {"-p", "*%evt.buffer|%evt.buflen"},
		{"-p", "*%evt.num %proc.aname[1] %proc.apid[2] %proc.aname"},
		{"-p", "*%evt.num %user.name %user.uid %group.gid %group.name %proc.exepath %proc.cmdline %proc.pcmdline"},
		{"-p", "*%evt.num %evt.around[1000]"}, {"-j", "-p", "*%evt.num %evt.around[5]"},
		{"-p", "*%evt.num %thread.cgroup.name %thread.cgroup.cpu %thread.cgroup.memory %thread.cgroup.blkio %thread.cgroups"},
		{"-p", "*%evt.num %fd.num %fd.type %fd.typechar %fd.name %fd.directory %fd.filename"},
		{"-p", "*%evt.num %fd.cip %fd.sip %fd.cport %fd.sport %fd.l4proto %fd.sockfamily %fd.is_server"},
		{"-R", "-p", "*%evt.num %fd.sport %fd.name"},
		{"-j"}, {"-j", "-p", "%evt.num %proc.name %fd.name"}, {"-j", "-p", "*%evt.num %fd.name %fd.sport %evt.failed"},
		{"-j", "-p", "*%evt.num %evt.time %evt.rawtime %evt.outputtime %evt.datetime %evt.latency %evt.deltatime %proc.aname[1]"},
		// (fd.dev is left out: sysdig's JSON shows stale memory for it.)
		{"-j", "-p", "*%evt.num %thread.ismain %user.uid %evt.cpu %evt.count %proc.vmsize %evt.buflen"},
		{"-j", "-A"}, {"-j", "-x"}, {"-j", "-X"}, {"-j", "-b"},
		{"-A"}, {"-x"}, {"-X"}, {"-b"}, {"-v"}, {"-v", "-A"},
		{"-A", "-p", "*%evt.num %evt.buffer"}, {"-x", "-p", "*%evt.num %evt.arg.data"}, {"-b", "-p", "*%evt.buffer"},
		{"-pc"}, {"-pk"}, {"-pm"}, {"-pc", "-j"}, {"-pcontainer"}, {"-pkubernetes"},
		{"-d", "evt.type=read"}, {"-d", "proc.name=systemd-journal or fd.num>3"}, {"-d", "-D", "evt.type=procinfo"},
		{"-D", "evt.type!=switch"}, {"-S", "-q", "evt.dir=<"},
		// Deltas and exec times count every event sysdig formats: those a
		// -d filter rejects, and those missing another field of the line.
		{"-t", "D", "-d", "evt.type=write"}, {"-p", "%evt.num %evt.deltatime", "-d", "evt.dir=<"},
		{"-j", "-p", "%evt.num %evt.deltatime", "-d", "evt.dir=<"},
		{"-p", "%evt.num %thread.vtid %evt.deltatime"}, {"-j", "-p", "%evt.num %thread.vtid %evt.deltatime"},
		{"-p", "%evt.num %thread.vtid %thread.exectime"}, {"-p", "%evt.num %thread.exectime", "-d", "proc.name=sysdig"},
		{"-t", "D", "-d", "evt.type=close", "-pc"}, {"-E", "-p", "*%evt.num %user.name %user.uid %group.name %proc.name"}, {"-t", "D", "-p", "%evt.num %fd.name %evt.outputtime"},
	}
	for _, f := range filterCaptures(t) {
		f := f
		name := strings.TrimSuffix(filepath.Base(f), ".scap")
		for i, m := range modes {
			m := m
			t.Run(fmt.Sprintf("%s/%d", name, i), func(t *testing.T) {
				t.Parallel()
				args := append([]string{"-r", f}, m...)
				difftest.Compare(t, args...)
			})
		}
	}
}

// -w with a filter writes the events that pass it: sysdig reads back the
// same events from trace's file as from the file it writes itself
// (compared without event numbers: sysdig's own files start with its
// container table, trace's with the capture's container events).
func TestDiffWriteFiltered(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	dir := t.TempDir()
	caps := []string{filepath.Join(difftest.RequireShared(t), "scaps", "libs_sample.scap"), filepath.Join("..", "..", "testdata", "scenario.scap")}
	format := "%evt.time %evt.cpu %proc.name %thread.tid %evt.dir %evt.type %evt.info"
	for _, f := range caps {
		for i, flt := range []string{"evt.type=read", "proc.name=python3 or evt.type=openat", "fd.num>2", "evt.dir=< and not evt.type=switch"} {
			mine := filepath.Join(dir, fmt.Sprintf("t%d.scap", i))
			ref := filepath.Join(dir, fmt.Sprintf("s%d.scap", i))
			if r := difftest.Run(tr, "-r", f, "-w", mine, flt); r.Code != 0 {
				t.Fatalf("trace -w: %s", r.Stderr)
			}
			if r := difftest.Run(sd, "-r", f, "-w", ref, flt); r.Code != 0 {
				t.Fatalf("sysdig -w: %s", r.Stderr)
			}
			got := difftest.Run(sd, "-r", mine, "-p", format)
			want := difftest.Run(sd, "-r", ref, "-p", format)
			if got.Code != 0 || !bytes.Equal(got.Stdout, want.Stdout) {
				t.Errorf("%s, %q: sysdig reads back different events\n%s", filepath.Base(f), flt, difftest.Diff(got.Stdout, want.Stdout, 4))
			}
		}
	}
}

// -F keeps the rejected events that change state, flagged state-only:
// readers show the same events as without -F, with the state they need.
func TestWriteFatFile(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	dir := t.TempDir()
	f := filepath.Join("..", "..", "testdata", "scenario.scap")
	fat, lean := filepath.Join(dir, "fat.scap"), filepath.Join(dir, "lean.scap")
	for _, w := range [][]string{{"-F", "-w", fat}, {"-w", lean}} {
		if r := difftest.Run(tr, append(append([]string{"-r", f}, w...), "evt.type=read")...); r.Code != 0 {
			t.Fatalf("trace %v: %s", w, r.Stderr)
		}
	}
	events := func(bin, path string) []byte {
		return difftest.Run(bin, "-r", path, "-p", "%evt.time %evt.type %evt.dir").Stdout
	}
	if !bytes.Equal(events(sd, fat), events(sd, lean)) {
		t.Errorf("-F changed the events shown")
	}
	named := difftest.Run(sd, "-r", fat, "-p", "%proc.name").Stdout
	if bytes.Contains(named, []byte("<NA>")) || len(named) == 0 {
		t.Errorf("-F file: process names missing:\n%s", named)
	}
	if a, b := difftest.Run(tr, "-r", fat).Stdout, difftest.Run(sd, "-r", fat).Stdout; !bytes.Equal(a, b) {
		t.Errorf("trace and sysdig read the -F file differently\n%s", difftest.Diff(a, b, 4))
	}
}

// -U drops a process from its first clone or exec on, with its children,
// before events are numbered; -v counts what was dropped.
func TestDiffSuppressComm(t *testing.T) {
	sd := difftest.Sysdig(t)
	tr := difftest.Trace(t)
	live := filepath.Join("..", "..", "testdata", "live.scap")
	caps := append(filterCaptures(t), live)
	elapsed := regexp.MustCompile(`Elapsed time: [0-9.]+, (Captured Events: \d+), [0-9.]+ eps`)
	t.Run("two files", func(t *testing.T) {
		// The counters start again with each file.
		args := []string{"-v", "-q", "-U", "sh", "-U", "cat", "-r", filepath.Join("..", "..", "testdata", "scenario.scap"), "-r", live}
		want := elapsed.ReplaceAll(difftest.Run(sd, args...).Stderr, []byte("$1"))
		got := elapsed.ReplaceAll(difftest.Run(tr, args...).Stderr, []byte("$1"))
		if !bytes.Equal(got, want) {
			t.Errorf("%q: stderr %q, sysdig %q", args, got, want)
		}
	})
	t.Run("write", func(t *testing.T) {
		// Suppressed events are not written either.
		dir := t.TempDir()
		for _, bin := range []string{sd, tr} {
			out := filepath.Join(dir, filepath.Base(bin)+".scap")
			if r := difftest.Run(bin, "-r", live, "-U", "bash", "-w", out); r.Code != 0 {
				t.Fatalf("%s -w: status %d: %s", bin, r.Code, r.Stderr)
			}
		}
		want := difftest.Run(sd, "-r", filepath.Join(dir, filepath.Base(sd)+".scap"))
		got := difftest.Run(sd, "-r", filepath.Join(dir, filepath.Base(tr)+".scap"))
		if !bytes.Equal(got.Stdout, want.Stdout) || len(want.Stdout) == 0 {
			t.Errorf("the file trace wrote with -U reads differently\n%s", difftest.Diff(got.Stdout, want.Stdout, 4))
		}
	})
	for _, f := range caps {
		f := f
		for i, m := range [][]string{{"-U", "bash"}, {"-U", "perl"}, {"-U", "sh", "-U", "python3"}, {"-U", "bash", "-p", "%evt.num %proc.name %fd.name"},
			{"-U", "cat", "-j"}, {"-U", "sysdig", "-d", "evt.type=close"}, {"-U", "bash", "evt.type=execve"}} {
			m := m
			t.Run(fmt.Sprintf("%s/%d", filepath.Base(f), i), func(t *testing.T) {
				t.Parallel()
				difftest.Compare(t, append([]string{"-r", f}, m...)...)
				// The counters, but for the times.
				args := append([]string{"-r", f, "-v", "-q"}, m...)
				want := elapsed.ReplaceAll(difftest.Run(sd, args...).Stderr, []byte("$1"))
				got := elapsed.ReplaceAll(difftest.Run(tr, args...).Stderr, []byte("$1"))
				if !bytes.Equal(got, want) {
					t.Errorf("%q: stderr %q, sysdig %q", args, got, want)
				}
			})
		}
	}
}

// <, <=, > and >= on one IPv4 address compare as sysdig does (the bytes
// as a little-endian number), on captures whose addresses are IPv4 (on
// an IPv6 value sysdig stops with an error; trace says false).
func TestDiffIPOrder(t *testing.T) {
	difftest.Sysdig(t)
	dir := filepath.Join(difftest.RequireShared(t), "scaps")
	for _, f := range []string{"falco_connect_localhost.scap", "libs_sample.scap"} {
		for _, flt := range []string{"fd.sip > 126.0.0.2", "fd.sip < 126.0.0.2", "fd.rip >= 127.0.0.1", "fd.lip < 128.0.0.0", "fd.cip <= 10.0.0.1", "fd.sip > ::1"} {
			difftest.Compare(t, "-r", filepath.Join(dir, f), "-p", "%evt.num %fd.sip %fd.cip", flt)
		}
	}
}
