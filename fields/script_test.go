package fields

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// fieldCheck is the value one field takes on one event of a script, as
// sysdig 0.29.3 prints it with -p (TestScriptFieldsMatchSysdig checks the
// tables against sysdig itself when it is installed).
type fieldCheck struct {
	num   uint64
	field string
	want  string
}

// writeScript writes sc over the generator's small system into dir.
func writeScript(t *testing.T, dir string, sc synth.Script) string {
	t.Helper()
	path := filepath.Join(dir, sc.Name+".scap")
	if err := synth.WriteScript(path, synth.New(0).Metadata(), sc.Build); err != nil {
		t.Fatal(err)
	}
	return path
}

// extractAll replays the capture at path through a new engine and returns
// the text of each named field on each event ("<NA>" when absent), as -p
// prints it, by event number.
func extractAll(t *testing.T, path string, names []string) map[uint64][]string {
	t.Helper()
	fs := parseFields(t, names)
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(r.Metadata())
	ctx := NewCtx()
	out := map[uint64][]string{}
	var raw scap.Event
	var ev state.Event
	for {
		if err := r.NextInto(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if !eng.Process(&raw, &ev) {
			continue
		}
		ctx.Ev = &ev
		vals := make([]string, len(fs))
		for i, f := range fs {
			b, ok := f.AppendText(ctx, nil)
			if !ok {
				b = []byte("<NA>")
			}
			vals[i] = string(b)
		}
		out[ev.Num] = vals
	}
	return out
}

// parseFields parses the field names, which must be valid.
func parseFields(t *testing.T, names []string) []*Field {
	t.Helper()
	fs := make([]*Field, len(names))
	for i, n := range names {
		f, err := ParseExact(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		fs[i] = f
	}
	return fs
}

// sysdigAll is extractAll done by sysdig -r -p.
func sysdigAll(t *testing.T, sysdig, path string, names []string) map[uint64][]string {
	t.Helper()
	const sep = "\x1f"
	format := "*%evt.num"
	for _, n := range names {
		format += sep + "%" + n
	}
	cmd := exec.Command(sysdig, "-r", path, "-p", format)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("sysdig: %v\n%s", err, stderr.Bytes())
	}
	out := map[uint64][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		parts := strings.Split(line, sep)
		num, err := strconv.ParseUint(parts[0], 10, 64)
		if err != nil || len(parts) != len(names)+1 {
			t.Fatalf("sysdig printed %q", line)
		}
		out[num] = parts[1:]
	}
	return out
}

// checkedNames returns the distinct field names of checks, sorted.
func checkedNames(checks []fieldCheck) []string {
	seen := map[string]bool{}
	var names []string
	for _, c := range checks {
		if !seen[c.field] {
			seen[c.field] = true
			names = append(names, c.field)
		}
	}
	sort.Strings(names)
	return names
}

// compareChecks reports every check whose value in got differs.
func compareChecks(t *testing.T, who string, got map[uint64][]string, names []string, checks []fieldCheck) {
	t.Helper()
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	for _, c := range checks {
		vals, ok := got[c.num]
		if !ok {
			t.Errorf("%s: no event %d", who, c.num)
			continue
		}
		if v := vals[idx[c.field]]; v != c.want {
			t.Errorf("%s: event %d: %s = %q, want %q", who, c.num, c.field, v, c.want)
		}
	}
}

// scriptChecks holds, per script of synth.StateScripts, field values
// printed by sysdig 0.29.3 (sysdig -r SCRIPT.scap -p '*%evt.num ...').
var scriptChecks = map[string][]fieldCheck{
	"procs": {
		// The parent's clone exit: bash, pid 100, one child.
		{2, "thread.tid", "100"}, {2, "proc.ppid", "1"}, {2, "proc.nchilds", "1"}, {2, "proc.pname", "<NA>"},
		// The child: its own tid, pid, ppid and args; comm, exe, exepath
		// and cwd inherited from the parent; uid from the event.
		{3, "thread.tid", "1000"}, {3, "proc.pid", "1000"}, {3, "proc.ppid", "100"}, {3, "proc.name", "bash"},
		{3, "proc.exe", "bash"}, {3, "proc.exepath", "/usr/bin/bash"}, {3, "proc.args", "-c x"},
		{3, "proc.cwd", "/home/alice/"}, {3, "user.uid", "1000"}, {3, "proc.pname", "bash"}, {3, "thread.ismain", "true"},
		// execve: comm, exe, exepath (from the enter's filename), args;
		// the cwd parameter is ignored.
		{4, "proc.name", "bash"}, {5, "proc.name", "cat"}, {5, "proc.exe", "cat"}, {5, "proc.exepath", "/usr/bin/cat"},
		{5, "proc.args", "/etc/passwd -n"}, {5, "proc.cwd", "/home/alice/"}, {5, "proc.pname", "bash"},
		// fork, child's exit first: it is complete before its parent's.
		{7, "thread.tid", "1001"}, {7, "proc.pid", "1001"}, {7, "proc.ppid", "102"}, {7, "proc.name", "python3"},
		{7, "proc.cwd", "/tmp/"}, {7, "user.uid", "0"}, {7, "proc.pname", "python3"}, {8, "thread.tid", "102"},
		// vfork.
		{11, "thread.tid", "1002"}, {11, "proc.ppid", "200"}, {11, "proc.name", "nginx"}, {11, "proc.cwd", "/"},
		{11, "user.uid", "33"}, {11, "proc.pname", "nginx"},
		// A thread: pid of its process, not main, its own vtid.
		{13, "proc.nchilds", "2"}, {14, "thread.tid", "1003"}, {14, "proc.pid", "100"}, {14, "proc.ppid", "1"},
		{14, "thread.ismain", "false"}, {14, "thread.vtid", "1003"}, {14, "proc.vpid", "100"}, {14, "proc.args", "-c x"},
		// A child in a new pid namespace.
		{16, "thread.tid", "1004"}, {16, "thread.vtid", "1"}, {16, "proc.vpid", "1"}, {16, "proc.ppid", "100"},
		// A failed execve changes nothing.
		{18, "proc.name", "python3"}, {18, "proc.exe", "python3"}, {18, "proc.args", "-c x"},
		// procexit: the thread is removed after the next event, and an
		// event of its tid then finds nothing.
		{19, "proc.name", "cat"}, {20, "proc.nchilds", "2"}, {21, "thread.tid", "1000"}, {21, "proc.name", "<NA>"},
		{21, "proc.ppid", "-1"}, {21, "proc.cwd", ""}, {21, "user.uid", "4294967295"}, {21, "thread.vtid", "<NA>"},
	},
	"fds": {
		// open: absolute name, device; enter events have no fd.
		{1, "fd.num", "-1"}, {1, "fd.name", "<NA>"}, {2, "fd.num", "4"}, {2, "fd.name", "/etc/hosts"}, {2, "fd.type", "file"},
		{2, "fd.typechar", "f"}, {2, "fd.directory", "/etc"}, {2, "fd.filename", "hosts"}, {2, "fd.dev", "803"},
		{2, "evt.arg.fd", "<f>/etc/hosts"},
		// openat(AT_FDCWD, relative) and openat(dirfd, relative).
		{4, "fd.name", "/tmp/rel.txt"}, {4, "fd.num", "5"}, {6, "fd.name", "/etc/passwd"}, {6, "fd.num", "11"},
		// chdir, then a relative open with "..".
		{7, "proc.cwd", "/tmp/"}, {8, "proc.cwd", "/var/log/"}, {10, "fd.name", "/var/lib/x"}, {10, "fd.directory", "/var/lib"},
		// dup: the enter shows the old fd, the exit the new one.
		{11, "fd.num", "5"}, {12, "fd.num", "7"}, {12, "fd.name", "/tmp/rel.txt"}, {13, "fd.num", "7"},
		{13, "fd.name", "/tmp/rel.txt"}, {13, "evt.arg.fd", "<f>/tmp/rel.txt"},
		// pipe: no name, type pipe.
		{16, "fd.num", "9"}, {16, "fd.name", ""}, {16, "fd.type", "pipe"}, {16, "fd.typechar", "p"}, {17, "evt.arg.fd", "<p>"},
		// fcntl(F_DUPFD).
		{20, "fd.num", "10"}, {20, "fd.name", "/etc/hosts"}, {21, "fd.name", "/etc/hosts"},
		// close: the fd lives until the exit is parsed; reads on it then
		// find nothing, while its duplicate stays.
		{24, "fd.name", "/etc/hosts"}, {25, "fd.num", "4"}, {25, "fd.name", "<NA>"}, {25, "fd.typechar", "o"},
		{25, "evt.arg.fd", "4"}, {27, "fd.name", "/etc/hosts"},
		// A failed open: no fd, a name from the path.
		{30, "fd.num", "-1"}, {30, "fd.name", "/missing"}, {30, "fd.type", "<NA>"}, {30, "evt.arg.fd", "ENOENT"},
		// dup onto an open fd replaces it.
		{34, "fd.num", "9"}, {34, "fd.name", "/var/lib/x"}, {35, "fd.type", "file"}, {35, "evt.arg.fd", "<f>/var/lib/x"},
	},
	"sockets": {
		// A new socket: no name, ipv4, a server until used otherwise.
		{2, "fd.num", "3"}, {2, "fd.name", ""}, {2, "fd.type", "ipv4"}, {2, "fd.is_server", "true"}, {2, "fd.l4proto", "<NA>"},
		// bind: the local address.
		{4, "fd.name", "0.0.0.0:8080"}, {4, "fd.sip", "0.0.0.0"}, {4, "fd.sport", "8080"}, {4, "fd.cport", "0"},
		{4, "fd.l4proto", "tcp"}, {4, "fd.cip", "<NA>"},
		// accept: client 10.0.0.9:5555, server 10.0.0.5:8080.
		{8, "fd.num", "4"}, {8, "fd.name", "10.0.0.9:5555->10.0.0.5:8080"}, {8, "fd.sip", "10.0.0.5"}, {8, "fd.cip", "10.0.0.9"},
		{8, "fd.sport", "8080"}, {8, "fd.cport", "5555"}, {8, "fd.is_server", "true"}, {8, "fd.lip", "10.0.0.5"},
		{8, "fd.rip", "10.0.0.9"}, {10, "fd.lport", "8080"}, {10, "fd.rport", "5555"},
		// connect: a client; the connect enter already sets the role.
		{13, "fd.is_server", "false"}, {13, "fd.name", ""}, {14, "fd.name", "10.0.0.5:40001->93.184.216.34:443"},
		{14, "fd.sip", "93.184.216.34"}, {14, "fd.cip", "10.0.0.5"}, {14, "fd.sport", "443"}, {14, "fd.cport", "40001"},
		{16, "fd.lip", "10.0.0.5"}, {16, "fd.rip", "93.184.216.34"}, {16, "fd.rport", "443"},
		// UDP connect, then a second connect: the enter already moves
		// the server address, the exit renames the fd.
		{20, "fd.name", "10.0.0.5:50000->8.8.8.8:53"}, {20, "fd.l4proto", "udp"}, {22, "fd.sip", "8.8.8.8"},
		{23, "fd.name", "10.0.0.5:50000->8.8.8.8:53"}, {23, "fd.sip", "1.1.1.1"}, {24, "fd.name", "10.0.0.5:50000->1.1.1.1:53"},
		{26, "fd.sip", "1.1.1.1"}, {26, "fd.cport", "50000"}, {26, "fd.is_server", "false"},
		// sendto on an unconnected socket: the tuple names it; the
		// source address comes from the interface.
		{29, "fd.name", ""}, {29, "fd.is_server", "true"}, {30, "fd.name", "10.0.0.5:0->9.9.9.9:123"}, {30, "fd.sip", "9.9.9.9"},
		{30, "fd.cip", "10.0.0.5"}, {30, "fd.sport", "123"}, {30, "fd.is_server", "false"}, {30, "fd.l4proto", "udp"},
		// A failed connect names the fd but sets no address.
		{34, "fd.name", "127.0.0.1:40002->127.0.0.1:9"}, {34, "fd.sip", "<NA>"}, {34, "fd.is_server", "true"},
		{34, "evt.res", "ECONNREFUSED"},
	},
	"identity": {
		// setuid/setgid: user and group tables.
		{2, "user.uid", "1000"}, {2, "user.name", "alice"}, {2, "user.homedir", "/home/alice"}, {2, "user.shell", "/bin/sh"},
		{3, "user.uid", "0"}, {3, "user.name", "root"}, {3, "user.homedir", "/root"}, {3, "group.name", "alice"},
		{5, "group.name", "root"}, {13, "user.name", "root"}, {13, "group.name", "root"},
		// sysdig prints group.gid with garbage in its high 32 bits (the
		// uid's slot): trace reproduces it.
		{4, "group.gid", "4294968296"}, {5, "group.gid", "4294967296"},
		// A uid in no table; a failed setuid changes nothing.
		{6, "user.uid", "33"}, {6, "user.name", "<NA>"}, {7, "user.uid", "33"}, {7, "group.gid", "33"},
		// setresuid: the effective uid.
		{8, "user.uid", "0"}, {9, "user.uid", "1000"}, {9, "user.name", "alice"},
		// The container of the metadata's cgroups, from the JSON event.
		{2, "container.id", "0123456789ab"}, {2, "container.name", "web"}, {2, "container.image", "nginx:1.25"},
		{2, "container.type", "docker"}, {2, "container.image.repository", "nginx"}, {2, "container.privileged", "false"},
		// A child on the host's cgroups; its uid is its parent's.
		{12, "container.id", "host"}, {12, "container.name", "host"}, {12, "container.image", "<NA>"},
		{12, "container.privileged", "<NA>"}, {12, "user.uid", "33"}, {2, "user.loginuid", "-1"},
	},
}

func TestScriptFields(t *testing.T) {
	dir := t.TempDir()
	for _, sc := range synth.StateScripts() {
		checks := scriptChecks[sc.Name]
		if len(checks) == 0 {
			t.Errorf("script %s has no checks", sc.Name)
			continue
		}
		names := checkedNames(checks)
		compareChecks(t, sc.Name, extractAll(t, writeScript(t, dir, sc), names), names, checks)
	}
}

// TestScriptFieldsMatchSysdig checks the tables of TestScriptFields
// against sysdig 0.29.3 itself.
func TestScriptFieldsMatchSysdig(t *testing.T) {
	sysdig, err := exec.LookPath("sysdig")
	if err != nil {
		t.Skip("sysdig is not installed; the tables were checked against sysdig 0.29.3")
	}
	dir := t.TempDir()
	for _, sc := range synth.StateScripts() {
		checks := scriptChecks[sc.Name]
		names := checkedNames(checks)
		compareChecks(t, "sysdig "+sc.Name, sysdigAll(t, sysdig, writeScript(t, dir, sc), names), names, checks)
	}
}
