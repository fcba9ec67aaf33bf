package main

import (
	"strings"
	"time"

	"github.com/traceproj/trace/internal/cli"
)

// Options is ctrace's parsed command line.
type Options struct {
	ReadFile     string
	View         string
	Delay        string
	NumEvents    int64
	Snaplen      int
	Print        string
	Containers   bool
	ResolvePorts bool
	Raw          bool
	JSON         bool
	List         bool
	ListViews    bool
	LogFile      string
	CRI          []string
	CRITimeout   time.Duration
	Help         bool
	Version      bool
	Man          bool
	Completion   string
	SortCol      string
	Filter       string

	RefreshNs uint64
	sortCol   int

	numEvents, snaplen, criTimeout string
	notes                          []string
}

func options(o *Options) cli.Table {
	return cli.Table{
		{Long: "delay", Short: 'd', Arg: cli.ReqArg, V: &o.Delay, Usage: "-d <period>, --delay=<period>", Help: "Time between updates, in milliseconds (default 2000), as\ntop's -d. On capture files, in event time."},
		{Long: "exclude-users", Short: 'E', Ignored: "-E has no effect: ctrace keeps the capture's user and group tables"},
		{Long: "help", Short: 'h', V: &o.Help, Usage: "-h, --help", Help: "Print this page."},
		{Long: "json", Short: 'j', V: &o.JSON, Usage: "-j, --json", Help: "Print the view's data as JSON instead of drawing it."},
		{Long: "list", Short: 'l', V: &o.List, Usage: "-l, --list", Help: "List the fields views can use."},
		{Long: "list-views", V: &o.ListViews, Usage: "--list-views", Help: "List the views as JSON."},
		{Long: "logfile", Complete: "file", Arg: cli.ReqArg, V: &o.LogFile, Usage: "--logfile=<file>", Help: "Write ctrace's log to file."},
		{Long: "numevents", Short: 'n', Arg: cli.ReqArg, V: &o.numEvents, Usage: "-n <num>, --numevents=<num>", Help: "Stop after num events."},
		{Long: "print", Short: 'p', Arg: cli.ReqArg, V: &o.Print, Usage: "-pc, -pcontainer", Help: "Show the container columns of the views."},
		{Long: "resolve-ports", Short: 'R', V: &o.ResolvePorts, Usage: "-R, --resolve-ports", Help: "Show port numbers as service names."},
		{Long: "readfile", Complete: "file", Short: 'r', Arg: cli.ReqArg, V: &o.ReadFile, Usage: "-r <readfile>, --read=<readfile>", Help: "Read the events from a capture file instead of the live\nsystem."},
		{Long: "raw", V: &o.Raw, Usage: "--raw", Help: "Print the view's data as text instead of drawing it."},
		{Long: "snaplen", Short: 's', Arg: cli.ReqArg, V: &o.snaplen, Usage: "-s <len>, --snaplen=<len>", Help: "Bytes of I/O buffers captured live (default 80)."},
		{Long: "sortingcol", Arg: cli.ReqArg, V: &o.SortCol, Usage: "--sortingcol=<n>", Help: "Sort by column n (1 is the first shown) instead of the\nview's default."},
		{Long: "view", Short: 'v', Arg: cli.ReqArg, V: &o.View, Usage: "-v <view_id>, --view=<view_id>", Help: "Start with this view (F2 lists them; --list-views too)."},
		{Long: "version", V: &o.Version, Usage: "--version", Help: "Print the version."},
		{Long: "cri", Complete: "file", Arg: cli.ReqArg, V: &o.CRI, Usage: "--cri <path>", Help: "Live, ask the CRI runtime on this unix socket about\ncontainers (repeatable)."},
		{Long: "cri-timeout", Arg: cli.ReqArg, V: &o.criTimeout, Usage: "--cri-timeout <timeout_ms>", Help: "Wait at most timeout_ms for one runtime answer (default\n1000)."},
		{Long: "completion", Complete: "bash zsh fish", Arg: cli.ReqArg, V: &o.Completion, Usage: "--completion <shell>", Help: "Print a completion script for bash, zsh or fish."},
		{Long: "man", V: &o.Man, Usage: "--man", Help: "Print the man page."},

		// Accepted for csysdig compatibility; no effect in ctrace.
		{Long: "print-ascii", Short: 'A', Ignored: "-A has no effect in ctrace"},
		{Long: "bpf", Short: 'B', Arg: cli.OptArg, NoOpt: "default", Ignored: "-B has no effect: the CO-RE eBPF probe is built in"},
		{Long: "force-term-compat", Ignored: "--force-term-compat has no effect: ctrace asks the terminal what it supports"},
		{Long: "k8s-api", Short: 'k', Arg: cli.ReqArg, Ignored: "-k has no effect: pod names come from the container runtime"},
		{Long: "node-name", Arg: cli.ReqArg, Ignored: "--node-name has no effect"},
		{Long: "k8s-api-cert", Short: 'K', Arg: cli.ReqArg, Ignored: "-K has no effect"},
		{Long: "large-environment", Ignored: "--large-environment has no effect"},
		{Long: "page-faults", Ignored: "--page-faults has no effect: the probe does not capture page faults"},
		{Long: "force-tracers-capture", Short: 'T', Ignored: "-T has no effect"},
		{Long: "print-hex-ascii", Short: 'X', Ignored: "-X has no effect in ctrace"},
	}
}

func helpPage() *cli.Page {
	return &cli.Page{
		Prog: "ctrace", Version: Version,
		Summary: "interactive, top-like views of system activity (csysdig compatible)",
		Usage:   "[options] [filter]",
		Groups:  []cli.Group{{Name: ""}},
		Sections: []cli.Section{
			{Title: "Keys", Text: `Arrows, PgUp, PgDn, Home, End  move      Enter       drill down
Backspace  back       F2  views      F4  filter     / or CTRL+F  search
F5 or e    echo I/O   F6 or d  events (dig)      F7  help of the view
F8  actions           F9 or >  sort column       p   pause   q or F10  quit`},
			{Title: "Examples", Text: `sudo ctrace                          processes of the live system
ctrace -r capture.scap               a capture file
ctrace -r capture.scap --raw -v files    a view's table as text
ctrace -pc container.name=web        container columns, one container`},
		},
	}
}

func parseArgs(args []string) (*Options, error) {
	o := &Options{}
	table := options(o)
	words, _, set, err := table.Parse("ctrace", args, nil)
	if err != nil {
		return nil, &cli.ExitError{Msg: err.Error(), Code: 1}
	}
	o.notes = table.Notes("ctrace", set)
	o.Containers = o.Print == "c" || o.Print == "container"
	o.RefreshNs = 2000000000
	if set["delay"] {
		n, err := cli.Atoi(o.Delay)
		if err != nil || n < 0 {
			return nil, cli.Exitf("can't parse the -d argument, make sure it's a number")
		}
		o.RefreshNs = uint64(n) * 1000000
		if o.RefreshNs < 100000000 {
			return nil, cli.Exitf("Period must be bigger then 100ms")
		}
	}
	if set["numevents"] {
		if o.NumEvents, err = cli.NumEvents("", o.numEvents); err != nil {
			return nil, err
		}
	}
	o.Snaplen = 80
	if set["snaplen"] {
		if o.Snaplen, err = cli.Snaplen("ctrace", o.snaplen); err != nil {
			return nil, err
		}
	}
	if set["cri-timeout"] {
		if o.CRITimeout, err = cli.CRITimeout("ctrace", o.criTimeout); err != nil {
			return nil, err
		}
	}
	o.sortCol = -1
	if set["sortingcol"] {
		n, err := cli.Atoi(o.SortCol)
		if err != nil {
			return nil, cli.Exitf("ctrace: invalid --sortingcol %s", o.SortCol)
		}
		o.sortCol = int(n)
	}
	if len(words) > 0 {
		// csysdig joins the words with a space after each
		o.Filter = strings.Join(words, " ") + " "
	}
	return o, nil
}
