package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"github.com/traceproj/trace/fields"
)

// Options is the parsed command line.
type Options struct {
	ReadFiles     []string
	WriteFile     string
	Compress      string // "", "gzip", "zstd"
	FileSizeMB    int
	RotateSeconds int
	FileLimit     int
	EventLimit    int
	NumEvents     int64
	Duration      int
	TimeType      string
	Format        string
	FormatSet     bool
	JSON          bool
	Debug         bool
	DisplayFilter bool
	Quiet         bool
	Summary       bool
	Verbose       bool
	Progress      bool
	Unbuffered    bool
	PrintASCII    bool
	PrintBase64   bool
	PrintHex      bool
	PrintHexASCII bool
	ResolvePorts  bool
	FatFile       bool
	FilterProcs   bool
	SuppressComm  []string
	Chisels       []string
	ChiselInfo    string
	ListChisels   bool
	List          bool
	ListEvents    bool
	ListMarkdown  bool
	Help          bool
	Version       bool
	LibsVersion   bool
	Snaplen       int
	SnaplenSet    bool
	Rules         []string
	RulesOpts     rulesOptions
	Filter        string

	// numeric options as given, checked by parseArgs
	fileSize, eventLimit, seconds, duration, numEvents, snaplen, limit string

	notes    []string   // one line for each option given that has no effect
	chisels  *chiselSet // -c chisels with the argument words they took
	fmtFlags []string   // order in which -A -b -x -X were given
}

// usageError is a command-line error: printed as is, exit status 1 (or
// code when set).
type usageError struct {
	msg  string
	code int
}

func (e *usageError) Error() string { return e.msg }

func errorf(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...), code: 1}
}

// normalizeLong expands unambiguous prefixes of long options (getopt_long
// accepts them) and joins "--compress zstd" into one word.
func normalizeLong(table optionTable, args []string) ([]string, error) {
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
		full, err := expandLong(table, name)
		if err != nil {
			return nil, err
		}
		w := "--" + full
		if hasVal {
			w += "=" + val
		} else if full == "compress" && i+1 < len(args) {
			switch args[i+1] {
			case "gzip", "zstd", "none":
				w += "=" + args[i+1]
				i++
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// expandLong returns the long option name is the unambiguous prefix of.
func expandLong(table optionTable, name string) (string, error) {
	if table.long(name) != nil {
		return name, nil
	}
	var matches []string
	for _, op := range table {
		if op.long != "" && !op.noLong && strings.HasPrefix(op.long, name) {
			matches = append(matches, op.long)
		}
	}
	switch len(matches) {
	case 0:
		return "", errorf("trace: unrecognized option '--%s'; trace --help lists the options", name)
	case 1:
		return matches[0], nil
	}
	for i, m := range matches {
		matches[i] = "'--" + m + "'"
	}
	return "", errorf("trace: option '--%s' is ambiguous; possibilities: %s", name, strings.Join(matches, " "))
}

// checkShort reports an unknown short option, or one missing its
// argument, by its character as getopt does.
func checkShort(table optionTable, args []string) error {
	for i, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			if strings.HasPrefix(a, "--") && i == len(args)-1 {
				if op := table.long(strings.TrimPrefix(a, "--")); op != nil && op.arg == reqArg {
					return errorf("trace: option '%s' requires an argument", a)
				}
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			op := table.short(a[j])
			if op == nil {
				return errorf("trace: invalid option -- '%c'; trace --help lists the options", a[j])
			}
			if op.arg == reqArg && j == len(a)-1 && i == len(args)-1 {
				return errorf("trace: option requires an argument -- '%c'", a[j])
			}
			if op.arg == reqArg || op.short == 'B' {
				break // the rest of the word is the argument
			}
		}
	}
	return nil
}

// recordFormatFlags notes the order of -A, -b, -x and -X.
func (o *Options) recordFormatFlags(table optionTable, args []string) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) >= 2 && a[0] == '-' && a[1] != '-' {
			for i := 1; i < len(a); i++ {
				c := a[i]
				if strings.IndexByte("AbxX", c) >= 0 {
					o.fmtFlags = append(o.fmtFlags, string(c))
				}
				if op := table.short(c); op != nil && op.arg == reqArg {
					break
				}
			}
			continue
		}
		if op := table.long(strings.TrimPrefix(a, "--")); op != nil && strings.HasPrefix(op.long, "print-") {
			o.fmtFlags = append(o.fmtFlags, string(op.short))
		}
	}
}

// parseArgs parses the command line into Options.
func parseArgs(args []string) (*Options, error) {
	o := &Options{}
	opts := options(o)
	table := optionTable(opts)
	args, err := normalizeLong(table, args)
	if err != nil {
		return nil, err
	}
	if err := checkShort(table, args); err != nil {
		return nil, err
	}
	fs := pflag.NewFlagSet("trace", pflag.ContinueOnError)
	fs.SetInterspersed(true)
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	register(fs, opts)
	if err := fs.Parse(args); err != nil {
		return nil, errorf("trace: %s", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { set[f.Name] = true })
	for _, op := range opts {
		if op.ignored != "" && set[op.long] {
			o.notes = append(o.notes, "trace: "+op.ignored)
		}
	}
	o.recordFormatFlags(table, args)
	o.FormatSet = set["print"]
	o.SnaplenSet = set["snaplen"]
	if len(o.fmtFlags) > 1 {
		// sysdig exits 0 when the second one is -A or -b, 1 otherwise.
		code := 1
		if o.fmtFlags[1] == "A" || o.fmtFlags[1] == "b" {
			code = 0
		}
		return nil, &usageError{msg: "you cannot specify more than one output format", code: code}
	}
	words := fs.Args()
	if len(o.Chisels) > 0 {
		if words, err = chiselCommandLine(o, table, args, words); err != nil {
			return nil, err
		}
	}
	o.Filter = strings.Join(words, " ")
	if err := o.checkValues(set); err != nil {
		return nil, err
	}
	return o, nil
}

// checkValues parses and checks the numeric options and the enumerated
// ones, with sysdig's messages.
func (o *Options) checkValues(set map[string]bool) error {
	if o.Compress == "none" {
		o.Compress = ""
	}
	if o.Compress != "" && o.Compress != "gzip" && o.Compress != "zstd" {
		return errorf("trace: unknown compression %q (use gzip or zstd)", o.Compress)
	}
	if set["numevents"] {
		n, err := atoi64(o.numEvents)
		if err != nil {
			return errorf("trace: can't parse the -n argument, make sure it's a number")
		}
		if n <= 0 {
			return errorf("trace: invalid event count %s", o.numEvents)
		}
		o.NumEvents = n
	}
	positive := []struct {
		name string
		s    *string
		dst  *int
		msg  string
	}{
		{"duration", &o.duration, &o.Duration, "trace: invalid duration%s"},
		{"file-size", &o.fileSize, &o.FileSizeMB, "trace: invalid file size%s"},
		{"seconds", &o.seconds, &o.RotateSeconds, "trace: invalid duration%s"},
		{"limit", &o.limit, &o.FileLimit, "trace: invalid file limit%s"},
		{"event-limit", &o.eventLimit, &o.EventLimit, "trace: invalid parameter 'number of events' %s"},
	}
	for _, c := range positive {
		if !set[c.name] {
			continue
		}
		n, err := atoi(*c.s)
		if err != nil || n <= 0 {
			return errorf(c.msg, *c.s)
		}
		*c.dst = n
	}
	if o.Snaplen == 0 {
		o.Snaplen = 80 // unless a chisel asked for more (sysdig.set_snaplen)
	}
	if set["snaplen"] {
		n, err := atoi(o.snaplen)
		if err != nil || n < 0 {
			return errorf("trace: invalid snaplen %s", o.snaplen)
		}
		o.Snaplen = n
	}
	switch o.TimeType {
	case "h", "a", "r", "d", "D":
	default:
		return errorf("trace: invalid modifier for flag -t")
	}
	return nil
}

// bufFormat maps -A, -b, -x, -X (the first given) and -j to the
// renderer's buffer format.
func (o *Options) bufFormat() fields.BufFormat {
	var f byte
	if len(o.fmtFlags) > 0 {
		f = o.fmtFlags[0][0]
	}
	return fields.BufFormatOf(f, o.JSON)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func atoi(s string) (int, error) {
	n, err := atoi64(s)
	return int(n), err
}

func atoi64(s string) (int64, error) {
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
