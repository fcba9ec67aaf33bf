package fields

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// -l and -lv print sysdig 0.29.3's listing byte for byte, then one more
// class with the Falco fields trace accepts beyond it.
func TestWriteListMatchesSpec(t *testing.T) {
	for _, tc := range []struct {
		file    string
		verbose bool
	}{{"fields.txt", false}, {"fields_verbose.txt", true}} {
		want, err := os.ReadFile("../../shared/spec/" + tc.file)
		if err != nil {
			t.Skipf("../shared/spec not available: %v", err)
		}
		checkListing(t, tc.file, tc.verbose, string(want))
	}
}

// The same against the sysdig on this machine, when there is one.
func TestWriteListMatchesSysdig(t *testing.T) {
	if _, err := exec.LookPath("sysdig"); err != nil {
		t.Skip("sysdig not installed")
	}
	for _, flag := range []string{"-l", "-lv"} {
		want, err := exec.Command("sysdig", flag).Output()
		if err != nil {
			t.Fatal(err)
		}
		checkListing(t, "sysdig "+flag, flag == "-lv", string(want))
	}
}

func checkListing(t *testing.T, what string, verbose bool, sysdig string) {
	t.Helper()
	var b strings.Builder
	if err := WriteList(&b, verbose); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.HasPrefix(got, sysdig) {
		t.Errorf("%s: listing differs\n%s", what, firstDiff(got[:min(len(got), len(sysdig))], sysdig))
		return
	}
	extra := got[len(sysdig):]
	head := "-------------------------------\n" +
		"Field Class:                  falco (not in sysdig 0.29.3)\n" +
		"Description:                  Fields of Falco and of falcosecurity/libs versions newer than sysdig 0.29.3, accepted in \n"
	if !strings.HasPrefix(extra, head) || !strings.HasSuffix(extra, "\n\n") {
		t.Errorf("%s: after sysdig's listing:\n%s", what, extra)
	}
	// Every field that parses is either in sysdig's listing, one of the
	// ones sysdig accepts without listing them, or in the extra class,
	// with its type under -lv.
	listed := map[string]bool{}
	for _, line := range strings.Split(sysdig, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.Contains(f[0], ".") && !strings.HasSuffix(f[0], ":") && line[0] != ' ' {
			listed[f[0]] = true
		}
	}
	n := 0
	for name := range impls {
		if listed[name] || byName[name].Class == hidden {
			continue
		}
		n++
		d := byName[name]
		entry := "\n" + name
		if len(name) < listIndent {
			entry += strings.Repeat(" ", listIndent-len(name))
		} else {
			entry += "\n" + strings.Repeat(" ", listIndent)
		}
		if verbose {
			entry += "(Type: " + d.Type.String() + ") "
		}
		if !strings.Contains(extra, entry) {
			t.Errorf("%s: %s (accepted, not in sysdig 0.29.3) is not listed after sysdig's classes as %q", what, name, entry)
		}
	}
	for _, name := range []string{"fd.nameraw", "container.start_ts", "proc.aexepath"} {
		if listed[name] || !strings.Contains(extra, "\n"+name+" ") {
			t.Errorf("%s: %s not in the extra class", what, name)
		}
	}
	if n != len(falcoFields.Defs) {
		t.Errorf("%s: %d accepted fields beyond sysdig's listing, the falco class has %d", what, n, len(falcoFields.Defs))
	}
}

func TestWriteMarkdownMatchesSysdig(t *testing.T) {
	if _, err := exec.LookPath("sysdig"); err != nil {
		t.Skip("sysdig not installed")
	}
	want, err := exec.Command("sysdig", "--list-markdown").Output()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteMarkdown(&b)
	if b.String() != string(want) {
		t.Errorf("markdown differs\n%s", firstDiff(b.String(), string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	return s
}
