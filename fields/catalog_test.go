package fields

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestWriteListMatchesSpec(t *testing.T) {
	for _, tc := range []struct {
		file    string
		verbose bool
	}{{"fields.txt", false}, {"fields_verbose.txt", true}} {
		want, err := os.ReadFile("../../shared/spec/" + tc.file)
		if err != nil {
			t.Skipf("../shared/spec not available: %v", err)
		}
		var b strings.Builder
		if err := WriteList(&b, tc.verbose); err != nil {
			t.Fatal(err)
		}
		if b.String() != string(want) {
			t.Errorf("%s: listing differs\n%s", tc.file, firstDiff(b.String(), string(want)))
		}
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
