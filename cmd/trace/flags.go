package main

import (
	"strings"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/cli"
	"github.com/traceproj/trace/scap"
)

// Options is the parsed command line.
type Options struct {
	ReadFiles     []string
	WriteFile     string
	Compress      string // "", "gzip", "zstd"
	Layout        string // -w layout: "0.29" or "current"
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
	ExcludeUsers  bool // -E
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
	CRI           []string      // --cri sockets
	CRITimeout    time.Duration // --cri-timeout
	Completion    string        // --completion SHELL
	Man           bool
	CompleteKind  string // --complete KIND
	Snaplen       int
	SnaplenSet    bool
	Rules         []string
	RulesOpts     rulesOptions
	Filter        string

	// numeric options as given, checked by parseArgs
	fileSize, eventLimit, seconds, duration, numEvents, snaplen, limit, criTimeout string

	notes    []string   // one line for each option given that has no effect
	chisels  *chiselSet // -c chisels with the argument words they took
	fmtFlags []string   // order in which -A -b -x -X were given
}

// recordFormatFlags notes the order of -A, -b, -x and -X.
func (o *Options) recordFormatFlags(table cli.Table, args []string) {
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
				if op := table.ShortOpt(c); op != nil && op.Arg == cli.ReqArg {
					break
				}
			}
			continue
		}
		if op := table.LongOpt(strings.TrimPrefix(a, "--")); op != nil && strings.HasPrefix(op.Long, "print-") {
			o.fmtFlags = append(o.fmtFlags, string(op.Short))
		}
	}
}

// parseArgs parses the command line into Options.
func parseArgs(args []string) (*Options, error) {
	o := &Options{}
	table := options(o)
	words, args, set, err := table.Parse("trace", args, map[string][]string{"compress": {"gzip", "zstd", "none"}, "layout": {"0.29", "current"}})
	if err != nil {
		return nil, &cli.ExitError{Msg: err.Error(), Code: 1}
	}
	o.notes = table.Notes("trace", set)
	o.recordFormatFlags(table, args)
	o.FormatSet = set["print"]
	o.SnaplenSet = set["snaplen"]
	if len(o.fmtFlags) > 1 {
		// sysdig exits 0 when the second one is -A or -b, 1 otherwise.
		code := 1
		if o.fmtFlags[1] == "A" || o.fmtFlags[1] == "b" {
			code = 0
		}
		return nil, &cli.ExitError{Msg: "you cannot specify more than one output format", Code: code}
	}
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
	if _, ok := scap.ParseCompression(o.Compress); !ok {
		return cli.Exitf("trace: unknown compression %q (use gzip or zstd)", o.Compress)
	}
	var err error
	if set["numevents"] {
		if o.NumEvents, err = cli.NumEvents("trace: ", o.numEvents); err != nil {
			return err
		}
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
			return cli.Exitf(c.msg, *c.s)
		}
		*c.dst = n
	}
	if set["cri-timeout"] {
		if o.CRITimeout, err = cli.CRITimeout("trace", o.criTimeout); err != nil {
			return err
		}
	}
	if o.Snaplen == 0 {
		o.Snaplen = 80 // unless a chisel asked for more (sysdig.set_snaplen)
	}
	if set["snaplen"] {
		if o.Snaplen, err = cli.Snaplen("trace", o.snaplen); err != nil {
			return err
		}
	}
	switch o.TimeType {
	case "h", "a", "r", "d", "D":
	default:
		return cli.Exitf("trace: invalid modifier for flag -t")
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

func atoi(s string) (int, error) {
	n, err := cli.Atoi(s)
	return int(n), err
}
