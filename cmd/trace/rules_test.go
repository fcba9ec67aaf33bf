package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/traceproj/trace/internal/difftest"
	"github.com/traceproj/trace/scap"
	"golang.org/x/sys/unix"
)

const seedRule = `- rule: Detect bash in a container
  desc: You shouldn't have a shell run in a container
  condition: container.id != host and proc.name = bash
  output: Bash ran inside a container (user=%user.name command=%proc.cmdline %container.info)
  priority: INFO
`

const catRules = `- required_engine_version: 2
- list: cat_binaries
  items: [cat]
- list: cat_capable_binaries
  items: [cat_binaries]
- macro: is_cat
  condition: proc.name in (cat_capable_binaries)
- rule: open_from_cat
  desc: A process named cat does an open
  condition: evt.type=open and is_cat
  output: "An open was seen (command=%proc.cmdline)"
  priority: WARNING
  tags: [filesystem, process]
`

func writeRules(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sharedCapture(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join(difftest.RequireShared(t), "scaps", name)
}

func lines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// The seed rule alerts for bash in a container, stays silent on host
// bash, and prints Falco's summary on stderr.
func TestRulesSeedCapture(t *testing.T) {
	rules := writeRules(t, seedRule)
	res := difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_open-multiple-files.scap"), "--rules", rules)
	if res.Code != 0 {
		t.Fatalf("status %d: %s", res.Code, res.Stderr)
	}
	got := lines(res.Stdout)
	if len(got) == 0 {
		t.Fatal("no alerts")
	}
	re := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{9}: Informational Bash ran inside a container \(user=root command=bash -c npm install && node server.js express_server \(id=ad64969c62e5\)\)$`)
	for _, l := range got {
		if !re.MatchString(l) {
			t.Errorf("alert %q", l)
		}
	}
	for _, s := range []string{fmt.Sprintf("Events detected: %d\n", len(got)), "   INFO: ", "   Detect bash in a container: "} {
		if !bytes.Contains(res.Stderr, []byte(s)) {
			t.Errorf("stderr lacks %q:\n%s", s, res.Stderr)
		}
	}
	// Host bash runs in these captures: no alert.
	for _, f := range []string{"falco_cat_write.scap", "libs_sample.scap", "falco_syscall.scap"} {
		res := difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, f), "--rules", rules)
		if res.Code != 0 || len(res.Stdout) != 0 {
			t.Errorf("%s: status %d, alerts %q", f, res.Code, res.Stdout)
		}
	}
}

// visibleEvents returns the numbers of the events trace (as sysdig)
// prints without -D, computed once per capture.
var visibleEvents = struct {
	sync.Mutex
	m map[string]map[string]bool
}{m: map[string]map[string]bool{}}

func visible(t *testing.T, f string) map[string]bool {
	visibleEvents.Lock()
	defer visibleEvents.Unlock()
	if v, ok := visibleEvents.m[f]; ok {
		return v
	}
	res := difftest.Run(difftest.Trace(t), "-r", f, "-p", "%evt.num")
	v := map[string]bool{}
	for _, l := range lines(res.Stdout) {
		v[l] = true
	}
	visibleEvents.m[f] = v
	return v
}

// For rules of a single condition, the events that alert are the events
// sysdig -r F -p %evt.num 'CONDITION' prints (internal events, which
// sysdig hides without -D, apart).
func TestRulesMatchSysdig(t *testing.T) {
	sd := difftest.Sysdig(t)
	caps := difftest.Captures(t)
	conds := []string{
		"evt.type=open and proc.name=cat",
		"proc.name=bash",
		"fd.name=/dev/null",
		"evt.type in (connect, accept, sendto) and fd.l4proto != tcp",
		"container.id != host",
		"evt.type=execve and evt.dir=<",
		"fd.typechar=4 and evt.dir=>",
		"proc.cmdline contains sh and not proc.name in (bash, sh)",
		"user.name=root and evt.type=close",
		"fd.directory in (/etc, /dev) or fd.name startswith /usr/lib",
		"proc.pname=bash and evt.type=clone",
		"evt.res != SUCCESS and evt.type=open",
		"evt.rawres < 0",
		"proc.aname[1] in (bash, sshd) and evt.type=read",
		"fd.name glob '/etc/*'",
		"proc.name icontains PING",
	}
	for _, f := range caps {
		f := f
		for i, cond := range conds {
			cond := cond
			t.Run(fmt.Sprintf("%s/%d", strings.TrimSuffix(filepath.Base(f), ".scap"), i), func(t *testing.T) {
				t.Parallel()
				rules := writeRules(t, fmt.Sprintf("- rule: r\n  desc: d\n  condition: %q\n  output: \"%%evt.num %%evt.type\"\n  priority: DEBUG\n  warn_evttypes: false\n", cond))
				got := difftest.Run(difftest.Trace(t), "-r", f, "--rules", rules)
				if got.Code != 0 {
					t.Fatalf("trace: status %d: %s", got.Code, got.Stderr)
				}
				// Rules see what current Falco sees: no enter event of a
				// system call.
				want := difftest.Run(sd, "-r", f, "-p", "%evt.num", "("+cond+") and (evt.dir=< or evt.type in ("+nonSyscallEnters()+"))")
				if want.Code != 0 {
					t.Skipf("sysdig: status %d: %s", want.Code, headLine(want.Stderr))
				}
				var nums []string
				for _, l := range lines(got.Stdout) {
					fs := strings.Fields(l)
					if len(fs) < 4 {
						t.Fatalf("alert %q", l)
					}
					if !visible(t, f)[fs[2]] {
						continue // an internal event: sysdig shows it with -D only
					}
					nums = append(nums, fs[2])
				}
				w := lines(want.Stdout)
				if strings.Join(nums, ",") != strings.Join(w, ",") {
					t.Errorf("%s: trace alerts on %d events, sysdig prints %d\n%s", cond, len(nums), len(w), difftest.Diff([]byte(strings.Join(nums, "\n")), []byte(strings.Join(w, "\n")), 5))
				}
			})
		}
	}
}

// nonSyscallEnters lists the enter-direction events that are not system
// calls (context switches, process exits...): rules see them.
func nonSyscallEnters() string {
	seen := map[string]bool{}
	var names []string
	for t := 0; t < scap.NumEvents029; t++ {
		info := scap.Info(uint16(t))
		if info == nil || info.Dir != scap.DirEnter || info.Category&scap.EC_SYSCALL != 0 || info.Name == "NA" || seen[info.Name] {
			continue
		}
		seen[info.Name] = true
		names = append(names, info.Name)
	}
	return strings.Join(names, ", ")
}

func headLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return s
}

// -j prints Falco JSON alerts; --iso8601 changes the time format.
func TestRulesJSON(t *testing.T) {
	rules := writeRules(t, catRules)
	cat := sharedCapture(t, "falco_cat_write.scap")
	res := difftest.Run(difftest.Trace(t), "-r", cat, "--rules", rules, "-j")
	if res.Code != 0 {
		t.Fatalf("status %d: %s", res.Code, res.Stderr)
	}
	ls := lines(res.Stdout)
	if len(ls) != 4 {
		t.Fatalf("%d alerts, want 4 (the open exits, as current Falco)", len(ls))
	}
	var a struct {
		Hostname     string
		Output       string
		OutputFields map[string]any `json:"output_fields"`
		Priority     string
		Rule         string
		Source       string
		Tags         []string
		Time         string
	}
	if err := json.Unmarshal([]byte(ls[0]), &a); err != nil {
		t.Fatalf("%s: %v", ls[0], err)
	}
	host, _ := os.Hostname()
	if a.Rule != "open_from_cat" || a.Priority != "Warning" || a.Source != "syscall" || a.Hostname != host ||
		a.Time != "2016-08-04T16:17:57.881785348Z" || a.Output != "16:17:57.881785348: Warning An open was seen (command=cat /dev/null)" ||
		strings.Join(a.Tags, ",") != "filesystem,process" || a.OutputFields["proc.cmdline"] != "cat /dev/null" || a.OutputFields["evt.time"] != float64(1470327477881785348) {
		t.Errorf("alert %s", ls[0])
	}
	res = difftest.Run(difftest.Trace(t), "-r", cat, "--rules", rules, "--iso8601")
	if l := lines(res.Stdout); len(l) != 4 || l[0] != "2016-08-04T16:17:57.881785348+0000: Warning An open was seen (command=cat /dev/null)" {
		t.Errorf("--iso8601: %q", res.Stdout)
	}
	cmd := exec.Command(difftest.Trace(t), "-r", cat, "--rules", rules, "-j")
	cmd.Env = append(os.Environ(), "TZ=UTC", "FALCO_HOSTNAME=test-falco-hostname")
	out, _ := cmd.Output()
	if !bytes.HasPrefix(out, []byte(`{"hostname":"test-falco-hostname",`)) {
		t.Errorf("FALCO_HOSTNAME: %.80s", out)
	}
}

// The command-line filter applies before the rules.
func TestRulesWithFilter(t *testing.T) {
	rules := writeRules(t, catRules)
	res := difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_cat_write.scap"), "--rules", rules, "evt.dir=<")
	if res.Code != 0 || len(lines(res.Stdout)) != 4 {
		t.Errorf("status %d, %d alerts, want 4", res.Code, len(lines(res.Stdout)))
	}
}

func TestRulesFlags(t *testing.T) {
	rules := writeRules(t, catRules)
	cat := sharedCapture(t, "falco_cat_write.scap")
	for _, tc := range []struct {
		args   []string
		code   int
		alerts int
		stderr string
	}{
		{[]string{"--disable-rule", "open_from_cat"}, 0, 0, ""},
		{[]string{"--disable-rule", "open_*"}, 0, 0, ""},
		{[]string{"--disable-rule", "nothing"}, 0, 4, `--disable-rule "nothing" matches no rule`},
		{[]string{"--disable-tag", "process"}, 0, 0, ""},
		{[]string{"--enable-tag", "process"}, 0, 4, ""},
		{[]string{"--enable-tag", "network"}, 0, 0, ""},
		{[]string{"--enable-tag", "a", "--disable-tag", "b"}, 1, 0, "cannot be used together"},
		{[]string{"--min-priority", "warning"}, 0, 4, ""},
		{[]string{"--min-priority", "ERROR"}, 0, 0, ""},
		{[]string{"--min-priority", "urgent"}, 1, 0, "invalid --min-priority"},
		{[]string{"--rule-matching", "all"}, 0, 4, ""},
		{[]string{"--rule-matching", "some"}, 1, 0, "invalid --rule-matching"},
		{[]string{"--rules", rules}, 0, 4, ""},
		{[]string{"--alerts-http-queue", "0"}, 1, 0, "invalid --alerts-http-queue"},
		{[]string{"--append-output", "pid=%proc.pid"}, 0, 4, ""},
		{[]string{"--append-output", `{"extra_output": 1}`}, 1, 0, "--append-output: append_output entry"},
	} {
		args := append([]string{"-r", cat, "--rules", rules}, tc.args...)
		res := difftest.Run(difftest.Trace(t), args...)
		if res.Code != tc.code || len(lines(res.Stdout)) != tc.alerts || !strings.Contains(string(res.Stderr), tc.stderr) {
			t.Errorf("%v: status %d, %d alerts, stderr %q", tc.args, res.Code, len(lines(res.Stdout)), res.Stderr)
		}
	}
}

// A rules file that does not load: status 1, errors with file:line:col,
// and no alerts.
func TestRulesLoadFailure(t *testing.T) {
	rules := writeRules(t, catRules+"- rule: broken\n  desc: d\n  condition: evt.type=open and\n  output: o\n  priority: INFO\n")
	res := difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_cat_write.scap"), "--rules", rules)
	if res.Code != 1 || len(res.Stdout) != 0 {
		t.Errorf("status %d, stdout %q", res.Code, res.Stdout)
	}
	want := rules + ":16:14: error: rule 'broken': LOAD_ERR_COMPILE_CONDITION (Error compiling condition): "
	if !strings.Contains(string(res.Stderr), want) {
		t.Errorf("stderr %q lacks %q", res.Stderr, want)
	}
	res = difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_cat_write.scap"), "--rules", "/nonexistent.yaml")
	if res.Code != 1 || !strings.Contains(string(res.Stderr), "LOAD_ERR_FILE_READ") {
		t.Errorf("missing file: status %d, %s", res.Code, res.Stderr)
	}
}

func TestRulesValidate(t *testing.T) {
	good := writeRules(t, catRules)
	bad := writeRules(t, "- macro: m\n  condition: nomacro\n")
	tr := difftest.Trace(t)
	res := difftest.Run(tr, "--validate", good)
	if res.Code != 0 || string(res.Stdout) != good+": Ok\n" {
		t.Errorf("valid: status %d, %q", res.Code, res.Stdout)
	}
	res = difftest.Run(tr, "--validate", bad)
	if res.Code != 1 || !strings.Contains(string(res.Stdout), bad+": Invalid\n") || !strings.Contains(string(res.Stdout), "Undefined macro 'nomacro' used in filter.") {
		t.Errorf("invalid: status %d, %q", res.Code, res.Stdout)
	}
	res = difftest.Run(tr, "--validate", bad, "-j")
	var v struct {
		Results []struct {
			Name       string
			Successful bool
			Errors     []struct{ Code, Message string }
		} `json:"falco_load_results"`
	}
	if err := json.Unmarshal(res.Stdout, &v); err != nil || res.Code != 1 || len(v.Results) != 1 || v.Results[0].Successful || v.Results[0].Errors[0].Code != "LOAD_ERR_VALIDATE" {
		t.Errorf("JSON: %v %s", err, res.Stdout)
	}
	seed := writeRules(t, seedRule)
	res = difftest.Run(tr, "--validate", seed)
	if res.Code != 0 || !strings.Contains(string(res.Stdout), ": Ok, with warnings\n") || !strings.Contains(string(res.Stdout), "LOAD_NO_EVTTYPE") {
		t.Errorf("warnings: status %d, %q", res.Code, res.Stdout)
	}
	if d := difftest.SharedDir(); d != "" {
		res = difftest.Run(tr, "--validate", filepath.Join(d, "rules", "falco_rules.yaml"))
		if res.Code != 0 {
			t.Errorf("falco_rules.yaml: status %d: %s", res.Code, res.Stdout)
		}
	}
}

func TestRulesList(t *testing.T) {
	rules := writeRules(t, catRules+seedRule)
	res := difftest.Run(difftest.Trace(t), "--rules", rules, "--list-rules")
	if res.Code != 0 {
		t.Fatalf("status %d: %s", res.Code, res.Stderr)
	}
	out := string(res.Stdout)
	if !regexp.MustCompile(`(?m)^open_from_cat\s+Warning\s+yes\s+filesystem,process$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^Detect bash in a container\s+Informational\s+yes\s*$`).MatchString(out) {
		t.Errorf("list:\n%s", out)
	}
	res = difftest.Run(difftest.Trace(t), "--rules", rules, "--list-rules", "-j")
	var list []struct {
		Name       string
		EventTypes []string `json:"event_types"`
	}
	if err := json.Unmarshal(res.Stdout, &list); err != nil || len(list) != 2 || strings.Join(list[0].EventTypes, ",") != "open" || list[1].EventTypes[0] != "all" {
		t.Errorf("JSON list: %v %s", err, res.Stdout)
	}
	if res := difftest.Run(difftest.Trace(t), "--list-rules"); res.Code != 1 {
		t.Errorf("--list-rules without --rules: status %d", res.Code)
	}
}

// --alerts-http posts every alert to a local endpoint.
func TestRulesHTTP(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	rules := writeRules(t, catRules)
	res := difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_cat_write.scap"), "--rules", rules, "--alerts-http", srv.URL)
	if res.Code != 0 || len(lines(res.Stdout)) != 4 {
		t.Fatalf("status %d, %d alerts: %s", res.Code, len(lines(res.Stdout)), res.Stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 4 {
		t.Fatalf("endpoint got %d alerts, want 4", len(bodies))
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(bodies[0]), &a); err != nil || a["rule"] != "open_from_cat" {
		t.Errorf("body %q: %v", bodies[0], err)
	}
	// A dead endpoint: alerts still print, drops are reported.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	res = difftest.Run(difftest.Trace(t), "-r", sharedCapture(t, "falco_cat_write.scap"), "--rules", rules, "--alerts-http", url)
	if res.Code != 0 || len(lines(res.Stdout)) != 4 || !strings.Contains(string(res.Stderr), "alerts NOT delivered") ||
		!strings.Contains(string(res.Stderr), "connection refused") {
		t.Errorf("dead endpoint: status %d, stderr %s", res.Code, res.Stderr)
	}
}

// The rules on all of falco_rules.yaml over every shared capture: the
// run succeeds and the summary agrees with the alerts printed.
func TestRulesFalcoRulesFile(t *testing.T) {
	d := difftest.RequireShared(t)
	for _, f := range difftest.Captures(t) {
		res := difftest.Run(difftest.Trace(t), "-r", f, "--rules", filepath.Join(d, "rules", "falco_rules.yaml"))
		if res.Code != 0 {
			t.Errorf("%s: status %d: %s", f, res.Code, res.Stderr)
			continue
		}
		if !bytes.Contains(res.Stderr, []byte(fmt.Sprintf("Events detected: %d\n", len(lines(res.Stdout))))) {
			t.Errorf("%s: summary does not match %d alerts: %s", f, len(lines(res.Stdout)), res.Stderr)
		}
	}
}

// dockerLikeCgroup creates the cgroup .../docker/<id> in a real cgroup
// hierarchy (cgroup v2 at /sys/fs/cgroup, else a v1 controller) and
// removes it at the end of the test; it skips the test when it cannot.
func dockerLikeCgroup(t *testing.T, id string) string {
	t.Helper()
	const cgroupV1, cgroupV2 = 0x27e0eb, 0x63677270
	var cands []string
	var st unix.Statfs_t
	if unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == cgroupV2 {
		cands = []string{"/sys/fs/cgroup"}
	} else {
		for _, c := range []string{"pids", "cpu", "memory", "cpuset", "systemd"} {
			d := filepath.Join("/sys/fs/cgroup", c)
			if unix.Statfs(d, &st) == nil && st.Type == cgroupV1 {
				cands = append(cands, d)
			}
		}
	}
	for _, root := range cands {
		parent := filepath.Join(root, "docker")
		made := false
		if _, err := os.Stat(parent); err != nil {
			if os.Mkdir(parent, 0o755) != nil {
				continue
			}
			made = true
		}
		dir := filepath.Join(parent, id)
		if err := os.Mkdir(dir, 0o755); err != nil {
			if made {
				os.Remove(parent)
			}
			continue
		}
		t.Cleanup(func() {
			// The cgroup empties when its last process exits.
			for i := 0; i < 50 && os.Remove(dir) != nil; i++ {
				time.Sleep(20 * time.Millisecond)
			}
			if made {
				os.Remove(parent)
			}
		})
		return dir
	}
	t.Skip("cannot create a docker-like cgroup; skipping")
	return ""
}

// Live: bash in a cgroup named like a docker container alerts, bash on
// the host does not.
func TestLiveRulesContainer(t *testing.T) {
	t.Parallel()
	needLive(t)
	id := fmt.Sprintf("%016x%016x%016x%016x", time.Now().UnixNano(), os.Getpid(), 0xfeedface, 0xc0ffee)
	cg := dockerLikeCgroup(t, id)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	rules := writeRules(t, seedRule)
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	// -w alongside tells when the probes are attached (the file appears).
	w := filepath.Join(dir, "bash.scap")
	r := startTrace(t, "--rules", rules, "-M", "5", "-j", "-w", w, "proc.name=bash")
	r.waitFile(t, w)
	marker := "trace-rules-" + id[:12]
	// bash in the container cgroup.
	in := exec.Command("/bin/sh", "-c", fmt.Sprintf("echo $$ > %s/cgroup.procs && exec %s -c 'echo %s-in > %s; true'", cg, bash, marker, ready))
	if out, err := in.CombinedOutput(); err != nil {
		t.Fatalf("bash in cgroup: %v %s", err, out)
	}
	// bash on the host.
	if out, err := exec.Command(bash, "-c", "echo "+marker+"-host > /dev/null; true").CombinedOutput(); err != nil {
		t.Fatalf("host bash: %v %s", err, out)
	}
	if code := r.wait(t, 20*time.Second); code != 0 {
		t.Fatalf("trace --rules live: status %d: %s", code, r.stderr.Bytes())
	}
	var inCt, host int
	var cmds []string
	for _, l := range lines(r.stdout.Bytes()) {
		var a struct {
			Output       string
			OutputFields map[string]any `json:"output_fields"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("alert %q: %v", l, err)
		}
		cmds = append(cmds, fmt.Sprint(a.OutputFields["proc.cmdline"]))
		if strings.Contains(a.Output, marker+"-host") {
			host++
		}
		if strings.Contains(a.Output, marker+"-in") {
			if a.OutputFields["container.id"] != id[:12] {
				t.Errorf("container.id %v, want %s", a.OutputFields["container.id"], id[:12])
			}
			inCt++
		}
	}
	sort.Strings(cmds)
	if inCt == 0 {
		t.Errorf("no alert for bash in container %s; alerts for: %q; stderr: %s", id[:12], cmds, r.stderr.Bytes())
	}
	if host != 0 {
		t.Errorf("%d alerts for host bash", host)
	}
}
