package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Page is what --help and the man page say besides the options.
type Page struct {
	Prog, Version string
	// Summary is one line: what the command does.
	Summary string
	// Usage is the synopsis after the command's name.
	Usage string
	// Groups titles the option groups, in order ("" first, untitled
	// "Options").
	Groups []Group
	// Sections follow the options: titled free text.
	Sections []Section
}

// Group titles a group of options.
type Group struct{ Name, Title string }

// Section is titled text; each line printed indented.
type Section struct{ Title, Text string }

const helpCol = 19 // option help text starts in column helpCol+1

// WriteHelp prints --help: options by group, in sysdig's layout (usage,
// then the text from column 21), then the sections.
func (t Table) WriteHelp(w io.Writer, pg *Page) {
	fmt.Fprintf(w, "%s version %s\nUsage: %s %s\n", pg.Prog, pg.Version, pg.Prog, pg.Usage)
	indent := strings.Repeat(" ", helpCol+1)
	for _, g := range pg.Groups {
		title := g.Title
		if title == "" {
			title = "Options"
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, op := range t {
			if op.Usage == "" || op.Group != g.Name {
				continue
			}
			lines := strings.Split(op.Help, "\n")
			if len(op.Usage) <= helpCol-1 {
				fmt.Fprintf(w, " %-*s %s\n", helpCol-1, op.Usage, lines[0])
			} else {
				fmt.Fprintf(w, " %s\n%s%s\n", op.Usage, indent, lines[0])
			}
			for _, l := range lines[1:] {
				fmt.Fprintf(w, "%s%s\n", indent, l)
			}
		}
	}
	for _, s := range pg.Sections {
		fmt.Fprintf(w, "\n%s:\n", s.Title)
		for _, l := range strings.Split(strings.TrimRight(s.Text, "\n"), "\n") {
			if l == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, " %s\n", l)
		}
	}
}

// roff escapes text for a man page.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			b.WriteString(`\&`)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// WriteMan prints the man page (section 1) in roff.
func (t Table) WriteMan(w io.Writer, pg *Page) {
	up := strings.ToUpper(pg.Prog)
	fmt.Fprintf(w, ".TH %s 1 \"\" \"%s %s\" \"User Commands\"\n", up, pg.Prog, pg.Version)
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s", pg.Prog, roff(pg.Summary))
	fmt.Fprintf(w, ".SH SYNOPSIS\n.B %s\n%s", pg.Prog, roff(pg.Usage))
	for _, g := range pg.Groups {
		title := g.Title
		if title == "" {
			title = "Options"
		}
		fmt.Fprintf(w, ".SH %s\n", strings.ToUpper(title))
		for _, op := range t {
			if op.Usage == "" || op.Group != g.Name {
				continue
			}
			fmt.Fprintf(w, ".TP\n.B %s", roff(op.Usage))
			w.Write([]byte(roff(strings.ReplaceAll(op.Help, "\n", " "))))
		}
	}
	for _, s := range pg.Sections {
		fmt.Fprintf(w, ".SH %s\n.nf\n%s.fi\n", strings.ToUpper(s.Title), roff(strings.TrimRight(s.Text, "\n")))
	}
}

// WriteCompletion prints a completion script for shell (bash, zsh or
// fish). The script completes the options from the table and asks
// `prog --complete KIND` for chisel and field names.
func (t Table) WriteCompletion(w io.Writer, prog, shell string) error {
	var longs, shorts []string
	argOf := map[string]string{} // option word -> completion kind
	for _, op := range t {
		if op.Long != "" && !op.NoLong {
			longs = append(longs, "--"+op.Long)
			if op.Arg == ReqArg {
				argOf["--"+op.Long] = op.Complete
			}
		}
		if op.Short != 0 {
			shorts = append(shorts, "-"+string(op.Short))
			if op.Arg == ReqArg {
				argOf["-"+string(op.Short)] = op.Complete
			}
		}
	}
	sort.Strings(longs)
	fn := strings.ReplaceAll(prog, "-", "_")
	switch shell {
	case "bash", "zsh":
		if shell == "zsh" {
			fmt.Fprintln(w, "autoload -U +X bashcompinit && bashcompinit")
		}
		fmt.Fprintf(w, "_%s() {\n  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n  case \"$prev\" in\n", fn)
		keys := make([]string, 0, len(argOf))
		for k := range argOf {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "    %s) %s; return;;\n", k, bashArg(prog, argOf[k]))
		}
		fmt.Fprintf(w, "  esac\n  case \"$cur\" in\n    -*) COMPREPLY=($(compgen -W '%s' -- \"$cur\"));;\n", strings.Join(append(shorts, longs...), " "))
		fmt.Fprintf(w, "    %%*) COMPREPLY=($(compgen -P %% -W \"$(%s --complete field 2>/dev/null)\" -- \"${cur#%%}\"));;\n", prog)
		fmt.Fprintf(w, "    *) COMPREPLY=($(compgen -W \"$(%s --complete field 2>/dev/null)\" -- \"$cur\"));;\n  esac\n}\ncomplete -o default -F _%s %s\n", prog, fn, prog)
	case "fish":
		for _, op := range t {
			if op.Long == "" || op.NoLong {
				continue
			}
			fmt.Fprintf(w, "complete -c %s -l %s", prog, op.Long)
			if op.Short != 0 {
				fmt.Fprintf(w, " -s %c", op.Short)
			}
			if op.Arg == ReqArg {
				fmt.Fprintf(w, " -r%s", fishArg(prog, op.Complete))
			}
			if op.Help != "" {
				fmt.Fprintf(w, " -d %q", strings.SplitN(op.Help, "\n", 2)[0])
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "complete -c %s -f -a '(%s --complete field)'\n", prog, prog)
	default:
		return fmt.Errorf("%s: unknown shell %q (use bash, zsh or fish)", prog, shell)
	}
	return nil
}

func bashArg(prog, kind string) string {
	switch kind {
	case "file", "":
		return `COMPREPLY=($(compgen -f -- "$cur"))`
	case "dir":
		return `COMPREPLY=($(compgen -d -- "$cur"))`
	case "chisel", "field":
		return fmt.Sprintf(`COMPREPLY=($(compgen -W "$(%s --complete %s 2>/dev/null)" -- "$cur"))`, prog, kind)
	case "format": // fields after '%'
		return fmt.Sprintf(`COMPREPLY=($(compgen -P %% -W "$(%s --complete field 2>/dev/null)" -- "${cur##*%%}"))`, prog)
	}
	return fmt.Sprintf(`COMPREPLY=($(compgen -W '%s' -- "$cur"))`, kind)
}

func fishArg(prog, kind string) string {
	switch kind {
	case "file", "", "dir":
		return " -F"
	case "chisel", "field":
		return fmt.Sprintf(" -f -a '(%s --complete %s)'", prog, kind)
	case "format":
		return fmt.Sprintf(" -f -a '(%s --complete field | sed s/^/%%/)'", prog)
	}
	return fmt.Sprintf(" -f -a '%s'", kind)
}
