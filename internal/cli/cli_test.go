package cli

import (
	"strings"
	"testing"
)

func table(v *struct {
	q    bool
	w, c []string
	z    string
}) Table {
	return Table{
		{Long: "quiet", Short: 'q', V: &v.q, Usage: "-q, --quiet", Help: "Be quiet."},
		{Long: "writefile", Short: 'w', Arg: ReqArg, V: &v.w, Usage: "-w <file>", Help: "Write a file,\nnamed file."},
		{Long: "chisel", Short: 'c', Arg: ReqArg, V: &v.c},
		{Long: "compress", Short: 'z', Arg: OptArg, NoOpt: "gzip", V: &v.z},
		{Long: "write-more", Group: "g"},
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // words|w|c|z, or the error
	}{
		{[]string{"-qw", "x", "a", "b"}, "a b|x||"},
		{[]string{"--writef=x", "--chi", "y", "f"}, "f|x|y|"},
		{[]string{"--compress", "zstd", "-z"}, "|||gzip"},
		{[]string{"--compress", "zstd"}, "|||zstd"},
		{[]string{"--write"}, "prog: option '--write' is ambiguous; possibilities: '--writefile' '--write-more'"},
		{[]string{"-w"}, "prog: option requires an argument -- 'w'"},
		{[]string{"--writefile"}, "prog: option '--writefile' requires an argument"},
		{[]string{"-y"}, "prog: invalid option -- 'y'; prog --help lists the options"},
		{[]string{"--nope"}, "prog: unrecognized option '--nope'; prog --help lists the options"},
		{[]string{"-wq"}, "|q||"}, // q is -w's argument
	} {
		var v struct {
			q    bool
			w, c []string
			z    string
		}
		words, _, _, err := table(&v).Parse("prog", c.args, map[string][]string{"compress": {"gzip", "zstd"}})
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = strings.Join(words, " ") + "|" + strings.Join(v.w, ",") + "|" + strings.Join(v.c, ",") + "|" + v.z
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.args, got, c.want)
		}
	}
}

func TestFind(t *testing.T) {
	var v struct {
		q    bool
		w, c []string
		z    string
	}
	args := []string{"-w", "-c", "-c", "one", "--chisel=two", "-qcthree", "x"}
	occ := table(&v).Find(args, "chisel", 'c')
	if len(occ) != 3 || occ[0].Value != "one" || occ[0].Next != 4 || occ[1].Value != "two" || occ[2].Value != "three" || occ[2].Next != 6 {
		t.Errorf("occurrences %+v", occ)
	}
}

func TestWriteHelp(t *testing.T) {
	var v struct {
		q    bool
		w, c []string
		z    string
	}
	var b strings.Builder
	table(&v).WriteHelp(&b, &Page{Prog: "prog", Version: "1", Usage: "[options]", Groups: []Group{{}}, Sections: []Section{{Title: "Notes", Text: "a\n\nb"}}})
	want := "prog version 1\nUsage: prog [options]\n\nOptions:\n -q, --quiet        Be quiet.\n -w <file>          Write a file,\n                    named file.\n\nNotes:\n a\n\n b\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
