package state

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/synth"
	"github.com/traceproj/trace/scap"
)

// threadView is what a test checks of a thread ("gone" when the engine
// no longer has it).
type threadView struct {
	Pid, Ptid, Vtid, Vpid int64
	Comm, Exe, ExePath    string
	Args, Cwd             string
	UID, GID              uint32
	Container             string
}

func viewThread(e *Engine, t *Thread) string {
	if t == nil {
		return "gone"
	}
	v := threadView{t.Pid, t.Ptid, t.Vtid, t.Vpid, t.Comm, t.Exe, t.ExePath, strings.Join(t.Args, " "), e.Cwd(t), t.UID, t.GID, t.ContainerID}
	return fmt.Sprintf("%+v", v)
}

// viewFD shows an fd's number, type, name, role and addresses (local
// first for connected sockets) ("none" when the table lacks it).
func viewFD(f *FD) string {
	if f == nil {
		return "none"
	}
	role := "-"
	switch {
	case f.Flags&FDRoleClient != 0:
		role = "client"
	case f.Flags&FDRoleServer != 0:
		role = "server"
	}
	s := fmt.Sprintf("%d %c %q %s", f.Num, f.TypeChar(), f.Name, role)
	if f.IsIPSocket() {
		s += fmt.Sprintf(" %s:%d", net.IP(f.SIP()), f.SPort())
		if d := f.DIP(); d != nil {
			s += fmt.Sprintf("->%s:%d", net.IP(d), f.DPort())
		}
		s += fmt.Sprintf(" %c", f.L4Char())
	}
	return s
}

// stateCheck is what the engine holds after event num: thread tid's view,
// or (fd >= 0) the view of fd fd of that thread.
type stateCheck struct {
	num  uint64
	tid  int64
	fd   int64
	want string
}

// replay runs the script's capture through a new engine and calls check
// after each event.
func replay(t *testing.T, sc synth.Script, check func(e *Engine, ev *Event)) {
	t.Helper()
	path := filepath.Join(t.TempDir(), sc.Name+".scap")
	if err := synth.WriteScript(path, synth.New(0).Metadata(), sc.Build); err != nil {
		t.Fatal(err)
	}
	r, err := scap.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e := NewEngine()
	e.LoadMetadata(r.Metadata())
	var raw scap.Event
	var ev Event
	for {
		if err := r.NextInto(&raw); errors.Is(err, io.EOF) {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		if e.Process(&raw, &ev) {
			check(e, &ev)
		}
	}
}

func viewOf(e *Engine, tid, fd int64) string {
	th := e.FindThread(tid)
	if fd < 0 {
		return viewThread(e, th)
	}
	if th == nil {
		return "no thread"
	}
	return viewFD(e.GetFD(th, fd))
}

func runStateChecks(t *testing.T, sc synth.Script, checks []stateCheck) {
	t.Helper()
	byNum := map[uint64][]stateCheck{}
	for _, c := range checks {
		byNum[c.num] = append(byNum[c.num], c)
	}
	seen := 0
	replay(t, sc, func(e *Engine, ev *Event) {
		for _, c := range byNum[ev.Num] {
			seen++
			if got := viewOf(e, c.tid, c.fd); got != c.want {
				t.Errorf("%s: after event %d, tid %d fd %d:\n got  %s\n want %s", sc.Name, c.num, c.tid, c.fd, got, c.want)
			}
		}
	})
	if seen != len(checks) {
		t.Errorf("%s: %d of %d checks ran", sc.Name, seen, len(checks))
	}
}

// thread builds the expected view of a thread.
func thread(pid, ptid, vtid, vpid int64, comm, exepath, args, cwd string, uid, gid uint32, container string) string {
	return fmt.Sprintf("%+v", threadView{pid, ptid, vtid, vpid, comm, comm, exepath, args, cwd, uid, gid, container})
}

// The expected state after events of synth.StateScripts. The field tables
// of package fields (checked against sysdig 0.29.3) show the same values
// through proc.*, thread.*, user.* and fd.* fields.
var stateChecks = map[string][]stateCheck{
	"procs": {
		{1, 1000, -1, "gone"},
		{1, 100, -1, thread(100, 1, 100, 100, "bash", "/usr/bin/bash", "-x arg two", "/home/alice/", 1000, 1000, "0123456789ab")},
		// The parent's clone exit creates the child from its own
		// parameters; the child's exit completes it.
		{2, 1000, -1, thread(1000, 100, 1000, 1000, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		{3, 1000, -1, thread(1000, 100, 1000, 1000, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		{4, 1000, -1, thread(1000, 100, 1000, 1000, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		// execve: comm, exe, exepath, args replaced; cwd kept.
		{5, 1000, -1, thread(1000, 100, 1000, 1000, "cat", "/usr/bin/cat", "/etc/passwd -n", "/home/alice/", 1000, 1000, "")},
		// fork, the child's exit first.
		{7, 1001, -1, thread(1001, 102, 1001, 1001, "python3", "/usr/bin/python3", "-c x", "/tmp/", 0, 0, "")},
		{8, 1001, -1, thread(1001, 102, 1001, 1001, "python3", "/usr/bin/python3", "-c x", "/tmp/", 0, 0, "")},
		// vfork.
		{10, 1002, -1, thread(1002, 200, 1002, 1002, "nginx", "/usr/bin/nginx", "-c x", "/", 33, 33, "")},
		// A thread of bash: pid 100, its parent thread 100.
		{13, 1003, -1, thread(100, 100, 1003, 100, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		// In a new pid namespace: the child's exit brings vtid/vpid 1.
		{15, 1004, -1, thread(1004, 100, 1004, 1004, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		{16, 1004, -1, thread(1004, 100, 1, 1, "bash", "/usr/bin/bash", "-c x", "/home/alice/", 1000, 1000, "")},
		// A failed execve changes nothing.
		{18, 1001, -1, thread(1001, 102, 1001, 1001, "python3", "/usr/bin/python3", "-c x", "/tmp/", 0, 0, "")},
		// procexit: the thread lives until the next event is processed.
		{19, 1000, -1, thread(1000, 100, 1000, 1000, "cat", "/usr/bin/cat", "/etc/passwd -n", "/home/alice/", 1000, 1000, "")},
		{20, 1000, -1, "gone"},
		// An event of the removed tid gets a placeholder thread.
		{21, 1000, -1, thread(1000, -1, -1, -1, "<NA>", "", "", "", 0xffffffff, 0xffffffff, "")},
	},
	"fds": {
		{1, 102, 4, "none"},
		{1, 102, 3, `3 f "/tmp/x.py" -`},
		{2, 102, 4, `4 f "/etc/hosts" -`},
		// Relative to the cwd (/tmp) and to a directory fd (3 = /etc).
		{4, 102, 5, `5 f "/tmp/rel.txt" -`},
		{6, 100, 11, `11 f "/etc/passwd" -`},
		{6, 102, 11, "none"},
		// chdir then "..".
		{8, 102, -1, thread(102, 100, 102, 102, "python3", "/usr/bin/python3", "-x arg two", "/var/log/", 0, 0, "0123456789ab")},
		{10, 102, 6, `6 f "/var/lib/x" -`},
		// dup, pipe, fcntl(F_DUPFD).
		{11, 102, 7, "none"},
		{12, 102, 7, `7 f "/tmp/rel.txt" -`},
		{16, 102, 8, `8 p "" -`},
		{16, 102, 9, `9 p "" -`},
		{20, 102, 10, `10 f "/etc/hosts" -`},
		// close: removed once the exit's successor is processed.
		{24, 102, 4, `4 f "/etc/hosts" -`},
		{25, 102, 4, "none"},
		{25, 102, 10, `10 f "/etc/hosts" -`},
		// A failed open adds nothing.
		{30, 102, 11, "none"},
		// dup onto an open fd replaces it.
		{33, 102, 9, `9 p "" -`},
		{34, 102, 9, `9 f "/var/lib/x" -`},
	},
	"sockets": {
		{2, 200, 3, `3 4 "" - 0.0.0.0:0->0.0.0.0:0 t`},
		// bind makes a server socket with the local address only.
		{4, 200, 3, `3 4 "0.0.0.0:8080" server 0.0.0.0:8080 t`},
		{6, 200, 3, `3 4 "0.0.0.0:8080" server 0.0.0.0:8080 t`},
		// accept: the client's address first.
		{8, 200, 4, `4 4 "10.0.0.9:5555->10.0.0.5:8080" server 10.0.0.9:5555->10.0.0.5:8080 t`},
		// connect: the enter sets the destination, the exit the tuple.
		{12, 100, 12, `12 4 "" - 0.0.0.0:0->0.0.0.0:0 t`},
		{13, 100, 12, `12 4 "" - 0.0.0.0:0->93.184.216.34:443 t`},
		{14, 100, 12, `12 4 "10.0.0.5:40001->93.184.216.34:443" client 10.0.0.5:40001->93.184.216.34:443 t`},
		// UDP, connected twice.
		{20, 100, 13, `13 4 "10.0.0.5:50000->8.8.8.8:53" client 10.0.0.5:50000->8.8.8.8:53 u`},
		{23, 100, 13, `13 4 "10.0.0.5:50000->8.8.8.8:53" client 10.0.0.5:50000->1.1.1.1:53 u`},
		{24, 100, 13, `13 4 "10.0.0.5:50000->1.1.1.1:53" client 10.0.0.5:50000->1.1.1.1:53 u`},
		// sendto on an unconnected socket: a client of the tuple's
		// address, the source from eth0.
		{29, 100, 14, `14 4 "" - 0.0.0.0:0->0.0.0.0:0 u`},
		{30, 100, 14, `14 4 "10.0.0.5:0->9.9.9.9:123" client 10.0.0.5:0->9.9.9.9:123 u`},
		// A failed connect keeps the enter's destination, unnamed.
		{34, 100, 15, `15 4 "" - 0.0.0.0:0->127.0.0.1:9 t`},
	},
	"identity": {
		{3, 100, -1, thread(100, 1, 100, 100, "bash", "/usr/bin/bash", "-x arg two", "/home/alice/", 0, 1000, "0123456789ab")},
		{5, 100, -1, thread(100, 1, 100, 100, "bash", "/usr/bin/bash", "-x arg two", "/home/alice/", 0, 0, "0123456789ab")},
		{7, 200, -1, thread(200, 1, 200, 200, "nginx", "/usr/bin/nginx", "-x arg two", "/", 33, 33, "0123456789ab")},
		{8, 102, -1, thread(102, 100, 102, 102, "python3", "/usr/bin/python3", "-x arg two", "/tmp/", 0, 0, "0123456789ab")},
		{9, 102, -1, thread(102, 100, 102, 102, "python3", "/usr/bin/python3", "-x arg two", "/tmp/", 1000, 0, "0123456789ab")},
		// The child's uid is its parent's (sysdig's too: user.uid 33).
		{11, 1010, -1, thread(1010, 200, 1010, 1010, "nginx", "/usr/bin/nginx", "-c x", "/", 33, 33, "")},
	},
}

func TestScriptState(t *testing.T) {
	for _, sc := range synth.StateScripts() {
		checks := stateChecks[sc.Name]
		if len(checks) == 0 {
			t.Errorf("script %s has no checks", sc.Name)
			continue
		}
		runStateChecks(t, sc, checks)
	}
}

// Users, groups and containers of the identity script, and how threads
// resolve them.
func TestScriptTables(t *testing.T) {
	var e *Engine
	replay(t, synth.IdentityScript(), func(eng *Engine, ev *Event) {
		e = eng
		if ev.Num == 1 && (!ev.Setup || !ev.Hidden) {
			t.Errorf("the leading container event: setup %v hidden %v", ev.Setup, ev.Hidden)
		}
	})
	if u := e.User(1000); u == nil || u.Name != "alice" || u.HomeDir != "/home/alice" || u.Shell != "/bin/sh" {
		t.Errorf("user 1000: %+v", u)
	}
	if u := e.User(33); u != nil {
		t.Errorf("user 33 is in no table: %+v", u)
	}
	if g := e.Group(0); g == nil || g.Name != "root" {
		t.Errorf("group 0: %+v", g)
	}
	c := e.Containers.Get("0123456789ab")
	if c == nil {
		t.Fatal("container 0123456789ab not loaded")
	}
	got := fmt.Sprintf("%d %s %s %s %s %v", c.Type, c.Name, c.Image, c.ImageRepo, c.ImageTag, c.Privileged)
	if want := "0 web nginx:1.25 nginx 1.25 false"; got != want {
		t.Errorf("container: %s, want %s", got, want)
	}
	if n := e.NumThreads(); n != 5 {
		t.Errorf("%d threads, want 5 (4 of the metadata and 1010)", n)
	}
}
