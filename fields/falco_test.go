package fields

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/internal/synth"
)

// leaderFields are current Falco's session and process-group fields.
var leaderFields = []string{"thread.tid", "proc.vpid", "proc.vpgid", "proc.sid", "proc.is_vpgid_leader", "proc.is_sid_leader",
	"proc.vpgid.name", "proc.vpgid.exe", "proc.vpgid.exepath", "proc.sid.exe", "proc.sid.exepath", "proc.sname"}

// TestLeaderFields: the session and process-group leader fields on the
// procs script (a fork, an exec with its own process group, a thread, a
// child in a new pid namespace), as current libs gives them.
func TestLeaderFields(t *testing.T) {
	var sc synth.Script
	for _, s := range synth.StateScripts() {
		if s.Name == "procs" {
			sc = s
		}
	}
	got := extractAll(t, writeScript(t, t.TempDir(), sc), leaderFields)
	for num, want := range map[uint64]string{
		// bash (100) forks 1000: same group and session, not a leader.
		3: "1000 1000 100 100 false false bash bash /usr/bin/bash bash /usr/bin/bash bash",
		// 1000 execs cat with process group 1000: its group's leader.
		5: "1000 1000 1000 100 true false cat cat /usr/bin/cat bash /usr/bin/bash bash",
		// A thread of bash: its process leads both.
		14: "1003 100 100 100 true true bash bash /usr/bin/bash bash /usr/bin/bash bash",
		// In a new pid namespace (vpid 1): the group leader is found
		// among the ancestors, not by pid.
		16: "1004 1 100 100 false false bash bash /usr/bin/bash bash /usr/bin/bash bash",
	} {
		if g := strings.Join(got[num], " "); g != want {
			t.Errorf("event %d: %s\n got %s\nwant %s", num, strings.Join(leaderFields, " "), g, want)
		}
	}
}

// TestLeaderFieldsMatchLibs checks them against current libs'
// sinsp-example, which drops enter events and so numbers events its own
// way: each line it prints must be one of trace's.
func TestLeaderFieldsMatchLibs(t *testing.T) {
	shared := difftest.RequireShared(t)
	se := filepath.Join(shared, "tools", "libs-ref", "sinsp-example")
	if _, err := os.Stat(se); err != nil {
		t.Skip("sinsp-example not found in ../shared/tools/libs-ref; skipping")
	}
	dir := t.TempDir()
	for _, sc := range synth.StateScripts() {
		path := writeScript(t, dir, sc)
		format := "*%" + strings.Join(leaderFields, " %")
		out, err := exec.Command(se, "-s", path, "-o", format).Output()
		if err != nil {
			t.Skipf("sinsp-example does not run here (apt-get install libjsoncpp25 libre2-9 libtbb12 libelf1): %v", err)
		}
		ours := map[string]bool{}
		for _, vals := range extractAll(t, path, leaderFields) {
			ours[strings.Join(vals, " ")] = true
		}
		n := 0
		for _, l := range strings.Split(string(out), "\n") {
			if l == "" || strings.HasPrefix(l, "-- ") || strings.HasPrefix(l, "Retrieved events") || strings.HasPrefix(l, "Time spent") || strings.HasPrefix(l, "Events/ms") {
				continue
			}
			n++
			if !ours[l] {
				t.Errorf("%s: current libs prints %q, which no event of trace's gives", sc.Name, l)
			}
		}
		if n == 0 {
			t.Errorf("%s: sinsp-example printed no event", sc.Name)
		}
	}
}
