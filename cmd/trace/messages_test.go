package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runInProcess runs trace's main logic with files for stdout and stderr.
func runInProcess(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	o, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := os.Create(filepath.Join(dir, "err"))
	code = run(args, o, e)
	read := func(f *os.File) string {
		f.Seek(0, io.SeekStart)
		b, _ := io.ReadAll(f)
		f.Close()
		return string(b)
	}
	return code, read(o), read(e)
}

// Messages a new user meets: one clean line naming the flag or file, and
// the exit status.
func TestCommandLineMessages(t *testing.T) {
	dir := t.TempDir()
	capture := filepath.Join(dir, "empty.scap")
	if c, _, e := runInProcess(t, "-r", "../../testdata/scenario.scap", "-n", "1", "-w", capture); c != 0 {
		t.Fatalf("writing a capture: %d %s", c, e)
	}
	rulesFile := filepath.Join(dir, "r.yaml")
	os.WriteFile(rulesFile, []byte("- rule: r\n  desc: d\n  condition: spawned_process and container\n  output: o\n  priority: INFO\n"), 0o600)
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-U"}, 1, "trace: option requires an argument -- 'U'\n"},
		{[]string{"-r"}, 1, "trace: option requires an argument -- 'r'\n"},
		{[]string{"-qw"}, 1, "trace: option requires an argument -- 'w'\n"},
		{[]string{"--readfile"}, 1, "trace: option '--readfile' requires an argument\n"},
		{[]string{"--nosuch"}, 1, "trace: unrecognized option '--nosuch'; trace --help lists the options\n"},
		{[]string{"-Z"}, 1, "trace: invalid option -- 'Z'; trace --help lists the options\n"},
		{[]string{"-r", capture, "-c", "nosuchchisel"}, 1, "can't open file nosuchchisel\ntrace: chisel nosuchchisel not found; trace -cl lists the chisels\n"},
		{[]string{"-r", capture, "-w", "/nonexistent/dir/x.scap"}, 1, "trace: /nonexistent/dir/x.scap: no such file or directory\n"},
		{[]string{"-r", rulesFile}, 1, "trace: " + rulesFile + ": not a scap capture: invalid block type (to load Falco rules, use --rules " + rulesFile + ")\n"},
		{[]string{"-r", capture, "--rules", rulesFile}, 1, "trace: " + rulesFile + ":3:14: error: rule 'r': LOAD_ERR_VALIDATE (Error validating rule/macro/list/exception objects): Undefined macro 'spawned_process' used in filter.\n" +
			"trace: could not load rules: 1 error(s)\n" +
			"trace: hint: rules written for Falco's default rules need them loaded first: --rules falco_rules.yaml --rules FILE\n"},
		{[]string{"-r", capture, "-B", "-q"}, 0, "trace: -B has no effect: trace's CO-RE eBPF probe is built in, no kernel module or probe file is needed\n"},
		{[]string{"-r", capture, "-k", "http://api", "-q"}, 0, "trace: -k has no effect: trace does not query the Kubernetes API server; pod names and labels come from the container runtime's labels\n"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := runInProcess(t, c.args...)
			if code != c.code || stderr != c.stderr {
				t.Errorf("status %d, stderr:\n%s\nwant %d:\n%s", code, stderr, c.code, c.stderr)
			}
		})
	}
}

// --help is built from the option table: every documented option is
// there, in sysdig's layout (usage, then the text from column 21).
func TestHelpFromTable(t *testing.T) {
	code, out, _ := runInProcess(t, "--help")
	if code != 0 {
		t.Fatal(code)
	}
	for _, op := range options(&Options{}) {
		if op.Usage != "" && !strings.Contains(out, " "+op.Usage) {
			t.Errorf("--help lacks %q", op.Usage)
		}
	}
	for _, want := range []string{
		" -A, --print-ascii  Only print the text portion of data buffers, and echo\n                    end-of-lines.",
		" -b, --print-base64 Print data buffers in base64.\n",
		" -cl, --list-chisels\n                    List the available chisels.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

// Completion scripts and the man page come from the option table; the
// scripts ask trace for chisel and field names.
func TestCompletionAndMan(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, out, errs := runInProcess(t, "--completion", sh)
		readfile := "--readfile"
		if sh == "fish" {
			readfile = "-l readfile"
		}
		if code != 0 || !strings.Contains(out, readfile) || !strings.Contains(out, "--complete chisel") {
			t.Errorf("--completion %s: %d %s\n%s", sh, code, errs, out)
		}
		if sh == "bash" {
			if b, err := exec.Command("bash", "-n", "-c", out).CombinedOutput(); err != nil {
				t.Errorf("bash script does not parse: %v %s", err, b)
			}
		}
	}
	if code, _, errs := runInProcess(t, "--completion", "csh"); code != 1 || !strings.Contains(errs, "unknown shell") {
		t.Errorf("--completion csh: %d %q", code, errs)
	}
	_, chisels, _ := runInProcess(t, "--complete", "chisel")
	_, flds, _ := runInProcess(t, "--complete", "field")
	if !strings.Contains(chisels, "topprocs_cpu\n") || !strings.Contains(flds, "proc.name\n") || !strings.Contains(flds, "container.image.repository\n") {
		t.Errorf("--complete: chisels %q... fields %d bytes", chisels[:min(len(chisels), 80)], len(flds))
	}
	code, man, _ := runInProcess(t, "--man")
	if code != 0 || !strings.HasPrefix(man, ".TH TRACE 1") || !strings.Contains(man, ".SH FALCO RULES") || !strings.Contains(man, `\-\-readfile`) {
		t.Errorf("--man: %d\n%s", code, man[:min(len(man), 300)])
	}
}
