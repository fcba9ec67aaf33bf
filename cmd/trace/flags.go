package main

import (
	"errors"

	"fmt"
	"github.com/traceproj/trace/fields"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"
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
	Rules         []string
	RulesOpts     rulesOptions // --disable-rule, --min-priority, ... (rules.go)
	Filter        string
	chisels       []*chiselSpec // -c chisels with the argument words they took
	fmtFlags      []string      // order in which -A -b -x -X were given
	set           map[string]bool
}

// usageError is a command-line error: printed as is, exit status 1 (or
// Code when set).
type usageError struct {
	msg  string
	code int
}

func (e *usageError) Error() string { return e.msg }

func errorf(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...), code: 1}
}

type longOpt struct {
	name   string
	short  string
	hasArg int // 0 none, 1 required, 2 optional
}

// The long options sysdig 0.29.3 accepts, plus trace's own.
var longOpts = []longOpt{
	{"print-ascii", "A", 0}, {"print-base64", "b", 0}, {"bpf", "B", 2}, {"chisel", "c", 1},
	{"cri", "", 1}, {"cri-timeout", "", 1}, {"displayflt", "d", 0}, {"debug", "D", 0},
	{"exclude-users", "E", 0}, {"event-limit", "e", 1}, {"fatfile", "F", 0},
	{"filter-proclist", "", 0}, {"seconds", "G", 1}, {"help", "h", 0}, {"plugin", "H", 1},
	{"input", "I", 1}, {"chisel-info", "i", 1}, {"file-size", "C", 1}, {"json", "j", 0},
	{"k8s-api", "k", 1}, {"node-name", "", 1}, {"k8s-api-cert", "K", 1},
	{"large-environment", "", 0}, {"list", "l", 0}, {"list-events", "L", 0},
	{"list-chisels", "", 0}, {"list-markdown", "", 0}, {"libs-version", "", 0},
	{"mesos-api", "m", 1}, {"numevents", "n", 1}, {"page-faults", "", 0},
	{"plugin-config-file", "", 1}, {"progress", "P", 0}, {"print", "p", 1}, {"quiet", "q", 0},
	{"resolve-ports", "R", 0}, {"readfile", "r", 1}, {"snaplen", "s", 1}, {"summary", "S", 0},
	{"suppress-comm", "U", 1}, {"timetype", "t", 1}, {"force-tracers-capture", "T", 0},
	{"unbuffered", "", 0}, {"udig", "u", 0}, {"verbose", "v", 0}, {"version", "", 0},
	{"writefile", "w", 1}, {"limit", "W", 1}, {"print-hex", "x", 0}, {"print-hex-ascii", "X", 0},
	{"compress", "z", 2},
	// trace's own
	{"rules", "", 1}, {"disable-rule", "", 1}, {"disable-tag", "", 1}, {"enable-tag", "", 1},
	{"min-priority", "", 1}, {"all-events", "", 0}, {"validate", "", 1}, {"list-rules", "", 0},
	{"alerts-http", "", 1}, {"iso8601", "", 0}, {"rule-matching", "", 1},
}

// normalizeLong expands unambiguous prefixes of long options (getopt_long
// accepts them) and joins "--compress zstd" into one word.
func normalizeLong(args []string) ([]string, error) {
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
		var matches []string
		exact := false
		for _, o := range longOpts {
			if o.name == name {
				matches = []string{o.name}
				exact = true
				break
			}
			if strings.HasPrefix(o.name, name) {
				matches = append(matches, o.name)
			}
		}
		_ = exact
		switch len(matches) {
		case 0:
			return nil, errorf("trace: unrecognized option '--%s'", name)
		case 1:
		default:
			var poss []string
			for _, m := range matches {
				poss = append(poss, "'--"+m+"'")
			}
			return nil, errorf("trace: option '--%s' is ambiguous; possibilities: %s", name, strings.Join(poss, " "))
		}
		full := matches[0]
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

func newFlagSet(o *Options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("trace", pflag.ContinueOnError)
	fs.SetInterspersed(true)
	fs.SortFlags = false
	fs.Usage = func() {}
	fs.SetOutput(discard{})
	fs.BoolVarP(&o.PrintASCII, "print-ascii", "A", false, "")
	fs.BoolVarP(&o.PrintBase64, "print-base64", "b", false, "")
	var bpf string
	fs.StringVarP(&bpf, "bpf", "B", "", "")
	fs.Lookup("bpf").NoOptDefVal = "default"
	fs.StringArrayVarP(&o.Chisels, "chisel", "c", nil, "")
	var s string
	fs.StringVar(&s, "cri", "", "")
	fs.StringVar(&s, "cri-timeout", "", "")
	fs.BoolVarP(&o.DisplayFilter, "displayflt", "d", false, "")
	fs.BoolVarP(&o.Debug, "debug", "D", false, "")
	var b bool
	fs.BoolVarP(&b, "exclude-users", "E", false, "")
	fs.StringP("event-limit", "e", "", "")
	fs.BoolVarP(&o.FatFile, "fatfile", "F", false, "")
	fs.BoolVar(&o.FilterProcs, "filter-proclist", false, "")
	fs.StringP("seconds", "G", "", "")
	fs.BoolVarP(&o.Help, "help", "h", false, "")
	fs.StringArrayP("plugin", "H", nil, "")
	fs.StringP("input", "I", "", "")
	fs.StringVarP(&o.ChiselInfo, "chisel-info", "i", "", "")
	fs.StringP("file-size", "C", "", "")
	fs.BoolVarP(&o.JSON, "json", "j", false, "")
	fs.StringP("k8s-api", "k", "", "")
	fs.String("node-name", "", "")
	fs.StringP("k8s-api-cert", "K", "", "")
	fs.BoolVar(&b, "large-environment", false, "")
	fs.BoolVarP(&o.List, "list", "l", false, "")
	fs.BoolVarP(&o.ListEvents, "list-events", "L", false, "")
	fs.BoolVar(&o.ListChisels, "list-chisels", false, "")
	fs.BoolVar(&o.ListMarkdown, "list-markdown", false, "")
	fs.BoolVar(&o.LibsVersion, "libs-version", false, "")
	fs.StringP("mesos-api", "m", "", "")
	fs.StringP("numevents", "n", "", "")
	fs.StringP("duration", "M", "", "")
	fs.BoolVar(&b, "page-faults", false, "")
	fs.String("plugin-config-file", "", "")
	fs.BoolVarP(&o.Progress, "progress", "P", false, "")
	fs.StringVarP(&o.Format, "print", "p", "", "")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "")
	fs.BoolVarP(&o.ResolvePorts, "resolve-ports", "R", false, "")
	fs.StringArrayVarP(&o.ReadFiles, "readfile", "r", nil, "")
	fs.StringP("snaplen", "s", "", "")
	fs.BoolVarP(&o.Summary, "summary", "S", false, "")
	fs.StringArrayVarP(&o.SuppressComm, "suppress-comm", "U", nil, "")
	fs.StringVarP(&o.TimeType, "timetype", "t", "h", "")
	fs.BoolVarP(&b, "force-tracers-capture", "T", false, "")
	fs.BoolVar(&o.Unbuffered, "unbuffered", false, "")
	fs.BoolVarP(&b, "udig", "u", false, "")
	fs.BoolVarP(&o.Verbose, "verbose", "v", false, "")
	fs.BoolVar(&o.Version, "version", false, "")
	fs.StringVarP(&o.WriteFile, "writefile", "w", "", "")
	fs.StringP("limit", "W", "", "")
	fs.BoolVarP(&o.PrintHex, "print-hex", "x", false, "")
	fs.BoolVarP(&o.PrintHexASCII, "print-hex-ascii", "X", false, "")
	fs.StringVarP(&o.Compress, "compress", "z", "", "")
	fs.Lookup("compress").NoOptDefVal = "gzip"
	fs.StringArrayVar(&o.Rules, "rules", nil, "")
	o.RulesOpts.addFlags(fs)
	return fs
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// shortNoArg and shortArg list the short options, for error messages and
// for splitting glued option groups.
const shortArgOpts = "BcCeGHIikKmMnprstUwW"

// parseArgs parses the command line into Options.
func parseArgs(args []string) (*Options, error) {
	o := &Options{set: map[string]bool{}}
	args, err := normalizeLong(args)
	if err != nil {
		return nil, err
	}
	// getopt reports an unknown short option by its character.
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			continue
		}
		for i := 1; i < len(a); i++ {
			c := a[i]
			if strings.IndexByte("AbBcCdDEeFGhHIijkKlLmMnPpqRrsStTuUvwWxXz", c) < 0 {
				return nil, errorf("trace: invalid option -- '%c'", c)
			}
			if strings.IndexByte(shortArgOpts, c) >= 0 {
				break
			}
		}
	}
	fs := newFlagSet(o)
	// Record the order of the buffer-format flags.
	if err := fs.Parse(args); err != nil {
		msg := err.Error()
		if strings.Contains(msg, "needs an argument") {
			name := strings.TrimPrefix(msg, "flag needs an argument: ")
			return nil, errorf("trace: option requires an argument -- %s", strings.Trim(name, "'-"))
		}
		return nil, errorf("trace: %s", msg)
	}
	fs.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
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
				if strings.IndexByte(shortArgOpts, c) >= 0 {
					break
				}
			}
		}
		switch a {
		case "--print-ascii":
			o.fmtFlags = append(o.fmtFlags, "A")
		case "--print-base64":
			o.fmtFlags = append(o.fmtFlags, "b")
		case "--print-hex":
			o.fmtFlags = append(o.fmtFlags, "x")
		case "--print-hex-ascii":
			o.fmtFlags = append(o.fmtFlags, "X")
		}
	}
	o.FormatSet = o.set["print"]
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
		if words, err = chiselCommandLine(o, args, words); err != nil {
			return nil, err
		}
	}
	o.Filter = strings.Join(words, " ")
	if o.Compress == "none" {
		o.Compress = ""
	}
	if o.Compress != "" && o.Compress != "gzip" && o.Compress != "zstd" {
		return nil, errorf("trace: unknown compression %q (use gzip or zstd)", o.Compress)
	}
	intFlag := func(name string, dst *int, check func(int) error) error {
		if !o.set[name] {
			return nil
		}
		v := fs.Lookup(name).Value.String()
		n, err := atoi(v)
		if err != nil {
			return check(-1 << 31)
		}
		*dst = n
		return check(n)
	}
	if o.set["numevents"] {
		v := fs.Lookup("numevents").Value.String()
		n, err := atoi64(v)
		if err != nil {
			return nil, errorf("trace: can't parse the -n argument, make sure it's a number")
		}
		if n <= 0 {
			return nil, errorf("trace: invalid event count %s", v)
		}
		o.NumEvents = n
	}
	checks := []struct {
		name string
		dst  *int
		msg  string
	}{
		{"duration", &o.Duration, "invalid duration"},
		{"file-size", &o.FileSizeMB, "invalid file size"},
		{"seconds", &o.RotateSeconds, "invalid duration"},
		{"limit", &o.FileLimit, "invalid file limit"},
	}
	for _, c := range checks {
		c := c
		if err := intFlag(c.name, c.dst, func(n int) error {
			if n <= 0 {
				return errorf("trace: %s%s", c.msg, fs.Lookup(c.name).Value.String())
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	if err := intFlag("event-limit", &o.EventLimit, func(n int) error {
		if n <= 0 {
			return errorf("trace: invalid parameter 'number of events' %s", fs.Lookup("event-limit").Value.String())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if o.Snaplen == 0 {
		o.Snaplen = 80 // unless a chisel asked for more (sysdig.set_snaplen)
	}
	if err := intFlag("snaplen", &o.Snaplen, func(n int) error {
		if n < 0 {
			return errorf("trace: invalid snaplen %s", fs.Lookup("snaplen").Value.String())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	switch o.TimeType {
	case "h", "a", "r", "d", "D":
	default:
		return nil, errorf("trace: invalid modifier for flag -t")
	}
	return o, nil
}

// bufFormat maps -A, -b, -x, -X (and -j) to the renderer's buffer format.
func (o *Options) bufFormat() fields.BufFormat {
	f := ""
	if len(o.fmtFlags) > 0 {
		f = o.fmtFlags[0]
	}
	if o.JSON {
		switch f {
		case "A":
			return fields.PFJSONEOLs
		case "b":
			return fields.PFJSONBase64
		case "x":
			return fields.PFJSONHex
		case "X":
			return fields.PFJSONHexASCII
		}
		return fields.PFJSON
	}
	switch f {
	case "A":
		return fields.PFEOLs
	case "b":
		return fields.PFBase64
	case "x":
		return fields.PFHex
	case "X":
		return fields.PFHexASCII
	}
	return fields.PFNormal
}

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

func sortedKeys(m map[string]bool) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

var _ = os.Args
