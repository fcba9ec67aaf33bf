// Package cli holds the option-table machinery of trace's commands: one
// table of options per command, from which the flag set, the getopt-style
// checks and messages, the scan for an option's words (chisel
// arguments), --help, shell completion and the man page all come.
package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Arg says whether an option takes an argument.
type Arg uint8

// Argument kinds.
const (
	NoArg  Arg = iota
	ReqArg     // --name VALUE, --name=VALUE, -xVALUE, -x VALUE
	OptArg     // --name=VALUE or -xVALUE only; alone it means NoOpt
)

// Option is one command-line option.
type Option struct {
	Long  string
	Short byte
	Arg   Arg
	// V is where the value goes: *bool, *string or *[]string; nil for
	// options accepted and ignored.
	V any
	// Def is the default value; NoOpt the value of an OptArg given
	// without one.
	Def, NoOpt string
	// NoLong: the long name is internal, not accepted on the command
	// line.
	NoLong bool
	// Group is the --help section ("" the first one).
	Group string
	// Usage is the left column of --help ("" leaves the option out),
	// Help its text (lines separated by newlines).
	Usage, Help string
	// Ignored, for options without effect, says why; the command
	// prints it when the option is given.
	Ignored string
	// Complete names what the argument is, for shell completion:
	// "file", "dir", "chisel", "field", "format" (fields after '%'),
	// or a space-separated list of words.
	Complete string
}

// Table is a command's options, in --help order.
type Table []Option

// Error is a command-line error, with getopt's wording.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func errorf(format string, a ...any) error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// ShortOpt returns the option with short name c, or nil.
func (t Table) ShortOpt(c byte) *Option {
	for i := range t {
		if t[i].Short == c {
			return &t[i]
		}
	}
	return nil
}

// LongOpt returns the option named name on the command line, or nil.
func (t Table) LongOpt(name string) *Option {
	for i := range t {
		if t[i].Long == name && !t[i].NoLong {
			return &t[i]
		}
	}
	return nil
}

// Register adds the options to a flag set.
func (t Table) Register(fs *pflag.FlagSet) {
	for _, op := range t {
		if op.Long == "" {
			continue // --help text only
		}
		short := ""
		if op.Short != 0 {
			short = string(op.Short)
		}
		switch v := op.V.(type) {
		case *bool:
			fs.BoolVarP(v, op.Long, short, false, "")
		case *string:
			fs.StringVarP(v, op.Long, short, op.Def, "")
		case *[]string:
			fs.StringArrayVarP(v, op.Long, short, nil, "")
		case nil:
			if op.Arg == NoArg {
				fs.BoolP(op.Long, short, false, "")
			} else {
				fs.StringP(op.Long, short, op.Def, "")
			}
		}
		if op.NoOpt != "" {
			fs.Lookup(op.Long).NoOptDefVal = op.NoOpt
		}
	}
}

// expandLong returns the long option name is the unambiguous prefix of
// (getopt_long accepts prefixes).
func (t Table) expandLong(prog, name string) (string, error) {
	if t.LongOpt(name) != nil {
		return name, nil
	}
	var matches []string
	for _, op := range t {
		if op.Long != "" && !op.NoLong && strings.HasPrefix(op.Long, name) {
			matches = append(matches, op.Long)
		}
	}
	switch len(matches) {
	case 0:
		return "", errorf("%s: unrecognized option '--%s'; %s --help lists the options", prog, name, prog)
	case 1:
		return matches[0], nil
	}
	for i, m := range matches {
		matches[i] = "'--" + m + "'"
	}
	return "", errorf("%s: option '--%s' is ambiguous; possibilities: %s", prog, name, strings.Join(matches, " "))
}

// NormalizeLong expands prefixes of long options; joined lists the
// options whose OptArg value may also be the next word when it is one of
// the given values ("--compress zstd").
func (t Table) NormalizeLong(prog string, args []string, joined map[string][]string) ([]string, error) {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "--") {
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		full, err := t.expandLong(prog, name)
		if err != nil {
			return nil, err
		}
		w := "--" + full
		if hasVal {
			w += "=" + val
		} else if vals, ok := joined[full]; ok && i+1 < len(args) {
			for _, v := range vals {
				if args[i+1] == v {
					w += "=" + v
					i++
					break
				}
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// CheckShort reports an unknown short option, or an option missing its
// argument at the end of the command line, as getopt does (args have
// their long options normalized).
func (t Table) CheckShort(prog string, args []string) error {
	for i, a := range args {
		if a == "--" {
			break
		}
		last := i == len(args)-1
		if strings.HasPrefix(a, "--") {
			if op := t.LongOpt(a[2:]); last && op != nil && op.Arg == ReqArg {
				return errorf("%s: option '%s' requires an argument", prog, a)
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		for j := 1; j < len(a); j++ {
			op := t.ShortOpt(a[j])
			if op == nil {
				return errorf("%s: invalid option -- '%c'; %s --help lists the options", prog, a[j], prog)
			}
			if op.Arg == ReqArg && j == len(a)-1 && last {
				return errorf("%s: option requires an argument -- '%c'", prog, a[j])
			}
			if op.Arg == ReqArg {
				break // the rest of the word is the argument
			}
		}
	}
	return nil
}

// Occurrence is one use of an option on the command line.
type Occurrence struct {
	Value string
	// Next is the index in args of the word after the option.
	Next int
}

// Find returns the uses of the option long (short c) with their values,
// skipping the arguments of the other options (args have their long
// options normalized). Optional arguments are never separate words.
func (t Table) Find(args []string, long string, c byte) []Occurrence {
	var occ []Occurrence
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			if op := t.LongOpt(name); op != nil && op.Arg == ReqArg && !hasVal && i+1 < len(args) {
				i++
				val = args[i]
			}
			if name == long {
				occ = append(occ, Occurrence{val, i + 1})
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		for j := 1; j < len(a); j++ {
			op := t.ShortOpt(a[j])
			if op == nil || op.Arg != ReqArg {
				continue
			}
			val := a[j+1:]
			if val == "" && i+1 < len(args) {
				i++
				val = args[i]
			}
			if a[j] == c {
				occ = append(occ, Occurrence{val, i + 1})
			}
			break
		}
	}
	return occ
}

// Parse normalizes and checks args, then parses them into the table's
// values; it returns the non-option words, the normalized args and the
// long names of the options given.
func (t Table) Parse(prog string, args []string, joined map[string][]string) (words, norm []string, set map[string]bool, err error) {
	norm, err = t.NormalizeLong(prog, args, joined)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := t.CheckShort(prog, norm); err != nil {
		return nil, nil, nil, err
	}
	fs := pflag.NewFlagSet(prog, pflag.ContinueOnError)
	fs.SetInterspersed(true)
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	t.Register(fs)
	if err := fs.Parse(norm); err != nil {
		return nil, nil, nil, errorf("%s: %s", prog, err)
	}
	set = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { set[f.Name] = true })
	return fs.Args(), norm, set, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Atoi parses a decimal integer with an optional minus sign, nothing
// else (no spaces, no plus, no base prefixes), as sysdig's checks expect.
func Atoi(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

// NumEvents parses the value of -n: a positive number of events. prefix
// begins the messages ("trace: "; csysdig's have none).
func NumEvents(prefix, s string) (int64, error) {
	n, err := Atoi(s)
	if err != nil {
		return 0, Exitf("%scan't parse the -n argument, make sure it's a number", prefix)
	}
	if n <= 0 {
		return 0, Exitf("%sinvalid event count %s", prefix, s)
	}
	return n, nil
}

// Snaplen parses the value of -s: bytes of I/O buffers, 0 or more.
func Snaplen(prog, s string) (int, error) {
	n, err := Atoi(s)
	if err != nil || n < 0 {
		return 0, Exitf("%s: invalid snaplen %s", prog, s)
	}
	return int(n), nil
}

// CRITimeout parses the value of --cri-timeout: positive milliseconds.
func CRITimeout(prog, s string) (time.Duration, error) {
	n, err := Atoi(s)
	if err != nil || n <= 0 {
		return 0, Exitf("%s: invalid --cri-timeout %s (milliseconds)", prog, s)
	}
	return time.Duration(n) * time.Millisecond, nil
}
