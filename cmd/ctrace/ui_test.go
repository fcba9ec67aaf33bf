package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
)

// buildCtrace builds the static binary for the terminal tests.
func buildCtrace(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ctrace")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession runs ctrace in a detached 160x40 tmux session.
type tmuxSession struct {
	t    *testing.T
	name string
}

func newTmux(t *testing.T, cmdline string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (apt-get install -y tmux); skipping terminal test")
	}
	s := &tmuxSession{t: t, name: fmt.Sprintf("ctrace-test-%d-%d", os.Getpid(), time.Now().UnixNano()%100000)}
	// the shell prints a marker once ctrace has exited, and stays
	full := cmdline + "; echo CTRACE-EXITED $?; sleep 60"
	if out, err := exec.Command("tmux", "new", "-d", "-s", s.name, "-x", "160", "-y", "40", full).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", s.name).Run() })
	return s
}

func (s *tmuxSession) keys(k ...string) {
	s.t.Helper()
	args := append([]string{"send-keys", "-t", s.name}, k...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %v: %v %s", k, err, out)
	}
}

func (s *tmuxSession) text(t string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", "send-keys", "-t", s.name, "-l", t).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys: %v %s", err, out)
	}
}

func (s *tmuxSession) screen() []string {
	out, err := exec.Command("tmux", "capture-pane", "-t", s.name, "-p").Output()
	if err != nil {
		s.t.Fatalf("capture-pane: %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// wait polls the screen until ok accepts it.
func (s *tmuxSession) wait(what string, ok func(lines []string) bool) []string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		l := s.screen()
		if ok(l) {
			return l
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, strings.Join(l, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func hasLine(prefix string) func([]string) bool {
	return func(l []string) bool {
		for _, x := range l {
			if strings.HasPrefix(x, prefix) {
				return true
			}
		}
		return false
	}
}

// rows returns the table rows of a screen (below the column header, above
// the key bar).
func rows(l []string) []string {
	var out []string
	for i := 3; i < len(l)-1; i++ {
		if strings.TrimSpace(l[i]) != "" {
			out = append(out, l[i])
		}
	}
	return out
}

var counterRe = regexp.MustCompile(`(\d+)/(\d+)\(\d+\.\d%\)\s*$`)

func counter(t *testing.T, l []string) (cur, n int) {
	t.Helper()
	m := counterRe.FindStringSubmatch(l[len(l)-1])
	if m == nil {
		t.Fatalf("no position counter in %q", l[len(l)-1])
	}
	fmt.Sscan(m[1], &cur)
	fmt.Sscan(m[2], &n)
	return cur, n
}

// TestUIKeys drives the screen in a real terminal: the process view,
// the view picker, drill-down and back, echo and dig, the text filter,
// search, the sort picker and quitting.
func TestUIKeys(t *testing.T) {
	capture := filepath.Join(difftest.RequireShared(t), "scaps", "libs_sample.scap")
	bin := buildCtrace(t)
	s := newTmux(t, bin+" -r "+capture)

	l := s.wait("the process view", func(l []string) bool { return hasLine("Viewing: Processes For: whole machine")(l) && len(rows(l)) > 5 })
	if !regexp.MustCompile(`^Source: `+regexp.QuoteMeta(capture)+` \(\d+ evts, [0-9.]+m?s\) Filter: evt\.type!=switch`).MatchString(l[1]) &&
		!strings.HasPrefix(l[1], "Source: "+capture+" Filter: evt.type!=switch") {
		t.Errorf("source line %q", l[1])
	}
	if got := strings.Fields(l[2]); strings.Join(got, " ") != "PID PPID CPU USER TH VIRT RES FILE NET Command" {
		t.Errorf("columns %q", l[2])
	}
	for _, k := range []string{"F1", "Help", "F2", "Views", "F4", "Filter", "F5", "Echo", "F6", "Dig", "F9", "Sort"} {
		if !strings.Contains(l[len(l)-1], k) {
			t.Errorf("key bar %q lacks %s", l[len(l)-1], k)
		}
	}
	// the rows are the processes of the capture: every PID shown is one
	// that --raw lists
	raw, err := exec.Command(bin, "-r", capture, "--raw", "-v", "procs").Output()
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]bool{}
	for _, r := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(r); len(f) > 0 {
			pids[f[0]] = true
		}
	}
	shown := rows(l)
	for _, r := range shown {
		if f := strings.Fields(r); !pids[f[0]] {
			t.Errorf("row %q: pid not in the --raw output", r)
		}
	}
	if cur, n := counter(t, l); cur != 1 || n < len(shown) {
		t.Errorf("counter %d/%d for %d rows", cur, n, len(shown))
	}

	// F2 lists the views with the description of the current one
	s.keys("F2")
	l = s.wait("the view picker", hasLine("Select View"))
	joined := strings.Join(l, "\n")
	for _, v := range []string{"Connections", "Files", "Threads", "System Calls", "Processes", "Columns:"} {
		if !strings.Contains(joined, v) {
			t.Errorf("view picker lacks %q:\n%s", v, joined)
		}
	}
	s.keys("Escape")
	s.wait("the picker closed", func(l []string) bool { return !hasLine("Select View")(l) })

	// Enter on the first process shows its threads
	first := strings.Fields(rows(s.wait("rows", func(l []string) bool { return len(rows(l)) > 5 }))[0])[0]
	s.keys("Enter")
	l = s.wait("the threads view", func(l []string) bool {
		return hasLine("Viewing: Threads For: proc.pid="+first)(l) && strings.HasPrefix(strings.Join(strings.Fields(l[2]), " "), "PID TID CPU") && len(rows(l)) > 0
	})
	for _, r := range rows(l) {
		if f := strings.Fields(r); f[0] != first {
			t.Errorf("thread row %q is not of pid %s", r, first)
		}
	}
	// Backspace returns to the processes
	s.keys("BSpace")
	s.wait("back to processes", hasLine("Viewing: Processes For: whole machine"))

	// F6 digs into the selection's events, F5 echoes its I/O
	s.wait("rows again", func(l []string) bool { return len(rows(l)) > 5 })
	s.keys("F6")
	l = s.wait("dig", func(l []string) bool {
		body := strings.Join(l[2:len(l)-1], "\n")
		return hasLine("Viewing: sysdig output For: proc.pid=")(l) && (strings.Contains(body, ") > ") || strings.Contains(body, ") < ") || strings.Contains(body, "No data to show"))
	})
	for _, r := range l[2 : len(l)-1] {
		if strings.TrimSpace(r) == "" || strings.TrimSpace(r) == "No data to show" {
			continue
		}
		if !regexp.MustCompile(`^\d+ \d\d:\d\d:\d\d\.\d+ \d+ \S+ \(\d+\) [<>] `).MatchString(r) {
			t.Errorf("dig line %q is not an event line", r)
		}
	}
	s.keys("BSpace")
	s.wait("back from dig", func(l []string) bool { return hasLine("Viewing: Processes")(l) && len(rows(l)) > 5 })
	s.keys("e")
	s.wait("echo", hasLine("Viewing: I/O activity For: proc.pid="))
	s.keys("BSpace")
	s.wait("back from echo", func(l []string) bool { return hasLine("Viewing: Processes")(l) && len(rows(l)) > 5 })

	// F4 narrows the table to the rows containing the text
	s.keys("F4")
	s.text("sshd")
	s.wait("filtered rows", func(l []string) bool {
		r := rows(l)
		if len(r) == 0 || len(r) >= len(shown) || !strings.Contains(l[len(l)-1], "sshd") {
			return false
		}
		for _, x := range r {
			if !strings.Contains(x, "sshd") {
				return false // an earlier keystroke's rows
			}
		}
		return true
	})
	s.keys("Escape")
	s.wait("the filter cleared", func(l []string) bool { return len(rows(l)) >= len(shown) })

	// / searches: the selection moves to the first row with the text
	s.keys("/")
	s.text("sudo")
	s.keys("Enter")
	// (Rows that tie on CPU come in any order: sudo's may be the first.)
	selected := func(l []string) (cur int, row string) {
		cur, _ = counterOK(l)
		all := rows(l)
		idx := cur - 1
		if rowsH := 40 - 4; idx >= rowsH {
			idx = rowsH - 1 // scrolled: the selection is the last row shown
		}
		if cur < 1 || idx >= len(all) {
			return cur, ""
		}
		return cur, all[idx]
	}
	l = s.wait("the search", func(l []string) bool {
		_, row := selected(l)
		return strings.Contains(row, "sudo")
	})
	if cur, row := selected(l); !strings.Contains(row, "sudo") {
		t.Errorf("search selected row %d (%q), not a sudo row:\n%s", cur, row, strings.Join(rows(l), "\n"))
	}

	// F9 picks the sort column: USER sorts the rows by user name
	s.keys("F9")
	s.wait("the sort picker", hasLine("Select sort column"))
	s.keys("Down", "Enter") // from CPU (the default) to USER
	l = s.wait("sorted by user", func(l []string) bool {
		if hasLine("Select sort column")(l) {
			return false
		}
		var users []string
		for _, r := range rows(l) {
			users = append(users, strings.Fields(r)[3])
		}
		return len(users) > 5 && sort.StringsAreSorted(users)
	})

	// q quits and gives the terminal back
	s.keys("q")
	l = s.wait("exit", func(l []string) bool { return strings.Contains(strings.Join(l, "\n"), "CTRACE-EXITED 0") })
	if hasLine("Viewing:")(l) {
		t.Errorf("the screen was not restored:\n%s", strings.Join(l, "\n"))
	}
}

func counterOK(l []string) (int, int) {
	m := counterRe.FindStringSubmatch(l[len(l)-1])
	if m == nil {
		return 0, 0
	}
	var a, b int
	fmt.Sscan(m[1], &a)
	fmt.Sscan(m[2], &b)
	return a, b
}
