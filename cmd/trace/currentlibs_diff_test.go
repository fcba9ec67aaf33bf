package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// The fields compared with current libs, event by event: evt.*, proc.*,
// thread.*, fd.*, user.* and group.* fields whose meaning both share.
var currentLibsFields = []string{
	"evt.num", "evt.type", "evt.dir", "evt.cpu", "evt.res", "evt.rawres", "evt.failed", "evt.latency",
	"evt.category", "evt.is_io", "evt.is_io_read", "evt.is_io_write", "evt.io_dir", "evt.is_wait",
	"evt.is_syslog", "evt.count", "evt.buflen", "evt.is_open_read", "evt.is_open_write", "evt.args",
	"proc.name", "proc.pid", "proc.ppid", "proc.exe", "proc.exepath", "proc.cmdline", "proc.cwd",
	"proc.pname", "proc.vpid", "proc.tty", "proc.sid", "proc.vpgid", "proc.aname[1]", "proc.loginshellid",
	"proc.vmsize", "proc.vmrss", "proc.pid_ts",
	"thread.tid", "thread.vtid", "thread.ismain",
	"fd.num", "fd.name", "fd.type", "fd.typechar", "fd.directory", "fd.filename", "fd.sip", "fd.cip",
	"fd.sport", "fd.cport", "fd.lip", "fd.rip", "fd.lport", "fd.rport", "fd.l4proto", "fd.sockfamily",
	"fd.is_server", "fd.cproto", "fd.sproto", "fd.uid", "fd.dev",
	"user.uid", "user.name", "user.homedir", "user.shell", "user.loginuid", "user.loginname",
	"group.gid", "group.name",
}

// currentLibsKnown are the differences left, by field: how many events
// of one capture may differ, and why.
var currentLibsKnown = map[string]knownDiff{}

// Every capture in current libs' layout reads the way current libs read
// it: the same events with the same numbers, and the same values of the
// fields above, but for the differences listed in currentLibsKnown.
func TestCurrentCapturesMatchCurrentLibs(t *testing.T) {
	files := difftest.CurrentCaptures(t)
	sx := difftest.SinspExample(t)
	tr := difftest.Trace(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			compareWithCurrentLibs(t, sx, tr, f, currentLibsKnown)
		})
	}
}

type knownDiff = struct {
	max    int
	reason string
}

const currentLibsSep = " ##"

// currentLibsLines runs current libs' reader on f and returns its lines
// of the fields above, by event number.
func currentLibsLines(t *testing.T, sx, f string) map[string][]string {
	format := "*%" + strings.Join(currentLibsFields, currentLibsSep+"%")
	want := splitFields(difftest.Run(sx, "-s", f, "-a", "-o", format).Stdout, currentLibsSep)
	if len(want) == 0 {
		t.Fatalf("sinsp-example printed no event of %s", f)
	}
	return want
}

// compareWithCurrentLibs checks that trace reads f as current libs do,
// event by event, but for the known differences.
func compareWithCurrentLibs(t *testing.T, sx, tr, f string, known map[string]knownDiff) {
	format := "*%" + strings.Join(currentLibsFields, currentLibsSep+"%")
	want := currentLibsLines(t, sx, f)
	// -v: sysdig's printer cuts buffers at 80 bytes, current libs'
	// reader does not.
	res := difftest.Run(tr, "-v", "-r", f, "-p", format)
	if res.Code != 0 {
		t.Fatalf("trace -r %s: exit %d: %s", f, res.Code, res.Stderr)
	}
	got := splitFields(res.Stdout, currentLibsSep)
	for num, w := range want {
		if w[1] == "procinfo" {
			// Internal events: sysdig and trace show them with -D only
			// (sinsp-example -a shows them).
			delete(want, num)
		}
	}
	for num := range want {
		if _, ok := got[num]; !ok {
			t.Errorf("event %s: current libs has it, trace does not", num)
		}
	}
	for num := range got {
		if _, ok := want[num]; !ok {
			t.Errorf("event %s: trace has it, current libs does not", num)
		}
	}
	diffs := map[string][]string{}
	for num, w := range want {
		g, ok := got[num]
		if !ok {
			continue
		}
		for i, field := range currentLibsFields {
			if g[i] != w[i] {
				diffs[field] = append(diffs[field], fmt.Sprintf("event %s (%s): trace %q, current libs %q", num, w[1], g[i], w[i]))
			}
		}
	}
	reportDiffs(t, diffs, known)
}

// reportDiffs fails for each field whose differences are not known (or
// more than known).
func reportDiffs(t *testing.T, diffs map[string][]string, known map[string]knownDiff) {
	fields := make([]string, 0, len(diffs))
	for field := range diffs {
		fields = append(fields, field)
	}
	sort.Strings(fields)
	for _, field := range fields {
		d := diffs[field]
		if k, ok := known[field]; ok && len(d) <= k.max {
			t.Logf("%s: %d known differences (%s)", field, len(d), k.reason)
			continue
		}
		sort.Strings(d)
		if len(d) > 3 {
			d = append(d[:3], fmt.Sprintf("... %d in all", len(diffs[field])))
		}
		t.Errorf("%s differs:\n  %s", field, strings.Join(d, "\n  "))
	}
}

// splitFields maps evt.num to the fields of each line of out.
func splitFields(out []byte, sep string) map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(string(out), "\n") {
		parts := strings.Split(line, sep)
		if len(parts) == len(currentLibsFields) {
			m[parts[0]] = parts
		}
	}
	return m
}

// currentWriteKnown are the differences, by field, between current libs
// reading a capture trace wrote in the current layout and trace reading
// it, with how many events of one capture may show each.
var currentWriteKnown = map[string]knownDiff{
	// Threads first seen at their execve (captures of one container's
	// processes): current libs take the virtual ids and parent from
	// where trace has none.
	"proc.vpid":   {1500, "virtual pid of a thread first seen at its execve"},
	"thread.vtid": {1500, "virtual tid of a thread first seen at its execve"},
	"proc.ppid":   {100, "parent of a thread first seen at its execve"},
	// The socket exit of a listening socket that trace's 0.29.3 layout
	// marks as a server.
	"fd.is_server": {2, "server flag on the socket event itself"},
}

// trace -w --layout current writes what current libs read as their own:
// the same events and the same field values as current libs get by
// converting the original (0.29.3 layout) themselves, but for two
// deliberate additions (a failed connect keeps its address, as the
// current driver records it; execve gets trusted_exepath); and trace
// reads the file back as current libs do.
func TestWriteCurrentLayout(t *testing.T) {
	sx := difftest.SinspExample(t)
	tr := difftest.Trace(t)
	files, _ := filepath.Glob("../../testdata/*.scap*")
	if len(files) == 0 {
		t.Fatal("no captures in testdata")
	}
	for _, f := range files {
		if filepath.Base(f) == "scenario.scap" {
			// Hand-written events (odd paths, fds from nowhere), not a
			// recording: no driver would write them.
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "current.scap")
			if r := difftest.Run(tr, "-r", f, "-w", out, "--layout", "current"); r.Code != 0 {
				t.Fatalf("trace -w --layout current: exit %d: %s", r.Code, r.Stderr)
			}
			// Current libs: the original, converted by them, and ours.
			orig, conv := libsByTime(t, sx, f), libsByTime(t, sx, out)
			if len(orig) != len(conv) {
				t.Errorf("current libs read %d events of the original, %d of the current-layout file", len(orig), len(conv))
			}
			diffs := map[string][]string{}
			for k, w := range orig {
				g, ok := conv[k]
				if !ok {
					t.Errorf("event %s: in the original only", k)
					continue
				}
				for i, field := range currentLibsFields {
					if g[i] == w[i] {
						continue
					}
					if field == "evt.args" && (w[1] == "connect" || w[1] == "execve") {
						continue // the deliberate additions, checked below
					}
					diffs[field] = append(diffs[field], fmt.Sprintf("event %s: current layout %q, original %q", k, g[i], w[i]))
				}
			}
			reportDiffs(t, diffs, nil)
			// The additions: a successful execve names the path it ran.
			for k, g := range conv {
				if g[1] == "execve" && g[4] == "0" && !strings.Contains(g[19], "trusted_exepath=/") {
					t.Errorf("event %s: execve without trusted_exepath: %s", k, g[19])
				}
			}
			compareWithCurrentLibs(t, sx, tr, out, currentWriteKnown)
		})
	}
}

// libsByTime runs current libs' reader on f and returns its lines by
// event time, thread and type (event numbers differ between layouts:
// current libs count some enter events they do not show).
func libsByTime(t *testing.T, sx, f string) map[string][]string {
	m := map[string][]string{}
	format := "*%evt.rawtime %thread.tid" + currentLibsSep + "%" + strings.Join(currentLibsFields, currentLibsSep+"%")
	out := difftest.Run(sx, "-s", f, "-a", "-o", format).Stdout
	for _, line := range strings.Split(string(out), "\n") {
		parts := strings.Split(line, currentLibsSep)
		if len(parts) != len(currentLibsFields)+1 {
			continue
		}
		vals := parts[1:]
		vals[0] = "" // evt.num
		m[parts[0]+" "+vals[1]+" "+vals[2]] = vals
	}
	if len(m) == 0 {
		t.Fatalf("sinsp-example printed no event of %s", f)
	}
	return m
}
