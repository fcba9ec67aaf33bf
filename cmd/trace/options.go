package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// argKind says whether an option takes an argument.
type argKind uint8

const (
	noArg  argKind = iota
	reqArg         // --name VALUE, --name=VALUE, -xVALUE, -x VALUE
	optArg         // --name=VALUE or -xVALUE only
)

// option is one command-line option. The table of options is the one
// source of the flag set, the scan of chisel arguments, error messages
// and --help.
type option struct {
	long  string
	short byte
	arg   argKind
	// v is where the value goes: *bool, *string or *[]string; nil for
	// options accepted for compatibility and ignored.
	v any
	// def is the default value; noOpt the value of an optArg given
	// without one.
	def, noOpt string
	// noLong: the long name is internal, not accepted on the command
	// line (sysdig's -M has none).
	noLong bool
	// usage is the left column of --help ("" leaves the option out),
	// help its text (lines separated by newlines).
	usage, help string
	// ignored, for options without effect in trace, says why; it is
	// printed when the option is given.
	ignored string
}

// options returns the option table bound to o, in --help order.
func options(o *Options) []option {
	r := &o.RulesOpts
	return []option{
		{long: "print-ascii", short: 'A', v: &o.PrintASCII, usage: "-A, --print-ascii", help: "Only print the text portion of data buffers, and echo\nend-of-lines. This is useful to only display human-readable\ndata."},
		{long: "print-base64", short: 'b', v: &o.PrintBase64, usage: "-b, --print-base64", help: "Print data buffers in base64."},
		{long: "chisel", short: 'c', arg: reqArg, v: &o.Chisels, usage: "-c <chiselname> <chiselargs>, --chisel  <chiselname> <chiselargs>", help: "Run the specified chisel. If the chisel requires arguments,\nthey follow its name (one word; quote it)."},
		{long: "list-chisels", v: &o.ListChisels, usage: "-cl, --list-chisels", help: "List the available chisels. Chisels are looked for in\n$SYSDIG_CHISEL_DIR, ., ./chisels, ~/.chisels and among\ntrace's built-in chisels."},
		{long: "file-size", short: 'C', arg: reqArg, v: &o.fileSize, usage: "-C <file_size>, --file-size=<file_size>", help: "With -w, start a new file when the current one is larger\nthan file_size million bytes."},
		{long: "displayflt", short: 'd', v: &o.DisplayFilter, usage: "-d, --displayflt", help: "Make the given filter a display one: every event goes\nthrough the state engine, the filter only decides what is\nprinted."},
		{long: "debug", short: 'D', v: &o.Debug, usage: "-D, --debug", help: "Also show internal events (procinfo, container, ...)."},
		{long: "event-limit", short: 'e', arg: reqArg, v: &o.eventLimit, usage: "-e <num_events>, --event-limit=<num_events>", help: "With -w, start a new file after num_events events."},
		{long: "fatfile", short: 'F', v: &o.FatFile, usage: "-F, --fatfile", help: "With -w and a filter, keep the events the filter rejects\nin the file, flagged so readers only use them for state."},
		{long: "seconds", short: 'G', arg: reqArg, v: &o.seconds, usage: "-G <num_seconds>, --seconds=<num_seconds>", help: "With -w, rotate the file every num_seconds of event time."},
		{long: "help", short: 'h', v: &o.Help, usage: "-h, --help", help: "Print this page."},
		{long: "chisel-info", short: 'i', arg: reqArg, v: &o.ChiselInfo, usage: "-i <chiselname>, --chisel-info <chiselname>", help: "Describe a chisel."},
		{long: "json", short: 'j', v: &o.JSON, usage: "-j, --json", help: "Print events as JSON lines."},
		{long: "list", short: 'l', v: &o.List, usage: "-l, --list", help: "List the fields filters and formats can use (-lv: with\ntheir types)."},
		{long: "list-events", short: 'L', v: &o.ListEvents, usage: "-L, --list-events", help: "List the events trace knows."},
		{long: "duration", short: 'M', arg: reqArg, v: &o.duration, noLong: true, usage: "-M <num_seconds>", help: "Stop after num_seconds of event time."},
		{long: "numevents", short: 'n', arg: reqArg, v: &o.numEvents, usage: "-n <num>, --numevents=<num>", help: "Stop after num events (internal ones included)."},
		{long: "progress", short: 'P', v: &o.Progress, usage: "-P, --progress", help: "Print progress on stderr."},
		{long: "print", short: 'p', arg: reqArg, v: &o.Format, usage: "-p <output_format>, --print=<output_format>", help: "Output format. -pc/-pk/-pm select the container,\nKubernetes and Mesos presets; -pp prints the default."},
		{long: "quiet", short: 'q', v: &o.Quiet, usage: "-q, --quiet", help: "Do not print events."},
		{long: "resolve-ports", short: 'R', v: &o.ResolvePorts, usage: "-R, --resolve-ports", help: "Show port numbers as service names."},
		{long: "readfile", short: 'r', arg: reqArg, v: &o.ReadFiles, usage: "-r <readfile>, --readfile=<readfile>", help: "Read events from a capture file (plain, gzip or zstd);\nrepeat to read several files."},
		{long: "rules", arg: reqArg, v: &o.Rules, usage: "--rules <path>", help: "Load Falco-style rules (file or directory; repeatable)\nand print alerts instead of events, from captures (-r)\nor live. With -j, alerts are Falco JSON objects."},
		{long: "alerts-http", arg: reqArg, v: &r.AlertsHTTP, usage: "--alerts-http <url>", help: "Also post every alert as JSON to url (falcosidekick)."},
		{long: "all-events", v: &r.AllEvents, usage: "--all-events", help: "Live, also offer rules the high-rate events Falco skips\nwithout -A (read, write, poll, ...)."},
		{long: "disable-rule", arg: reqArg, v: &r.Disable, usage: "--disable-rule <name>", help: "Disable the rules named name (a glob; repeatable)."},
		{long: "disable-tag", arg: reqArg, v: &r.DisableTags, usage: "--disable-tag <tag>", help: "Disable the rules having tag (repeatable)."},
		{long: "enable-tag", arg: reqArg, v: &r.EnableTags, usage: "--enable-tag <tag>", help: "Run only the rules having tag (repeatable)."},
		{long: "iso8601", v: &r.ISO8601, usage: "--iso8601", help: "Print alert times as 2006-01-02T15:04:05.000000000+0000."},
		{long: "list-rules", v: &r.ListRules, usage: "--list-rules", help: "List the rules loaded by --rules (-j: as JSON)."},
		{long: "min-priority", arg: reqArg, v: &r.MinPriority, def: "debug", usage: "--min-priority <level>", help: "Load only rules at least this severe (emergency, alert,\ncritical, error, warning, notice, info, debug)."},
		{long: "rule-matching", arg: reqArg, v: &r.Matching, def: "first", usage: "--rule-matching first|all", help: "Fire the first matching rule per event (default) or all."},
		{long: "validate", arg: reqArg, v: &r.Validate, usage: "--validate <path>", help: "Check a rules file or directory and exit (status 1 on\nerrors; -j prints Falco's JSON result)."},
		{long: "summary", short: 'S', v: &o.Summary, usage: "-S, --summary", help: "Print a summary of event counts at the end."},
		{long: "snaplen", short: 's', arg: reqArg, v: &o.snaplen, usage: "-s <len>, --snaplen=<len>", help: "Bytes of I/O buffers captured live (default 80)."},
		{long: "timetype", short: 't', arg: reqArg, v: &o.TimeType, def: "h", usage: "-t <timetype>, --timetype=<timetype>", help: "Time shown by the default line: h (human, default),\na (absolute epoch), r (relative to the first event),\nd (enter-to-exit latency), D (since the previous event)."},
		{long: "suppress-comm", short: 'U', arg: reqArg, v: &o.SuppressComm, usage: "-U <comm>, --suppress-comm=<comm>", help: "Ignore events of processes named comm."},
		{long: "unbuffered", v: &o.Unbuffered, usage: "--unbuffered", help: "Flush output after every event."},
		{long: "verbose", short: 'v', v: &o.Verbose, usage: "-v, --verbose", help: "Do not cut data buffers at 80 bytes."},
		{long: "version", v: &o.Version, usage: "--version", help: "Print the version."},
		{long: "writefile", short: 'w', arg: reqArg, v: &o.WriteFile, usage: "-w <writefile>, --writefile=<writefile>", help: "Write events to a capture file instead of printing them.\nFiles are created with mode 0600."},
		{long: "limit", short: 'W', arg: reqArg, v: &o.limit, usage: "-W <num>, --limit=<num>", help: "With -C, keep a ring of num files; with -G, stop after\nnum files."},
		{long: "print-hex", short: 'x', v: &o.PrintHex, usage: "-x, --print-hex", help: "Print data buffers in hex."},
		{long: "print-hex-ascii", short: 'X', v: &o.PrintHexASCII, usage: "-X, --print-hex-ascii", help: "Print data buffers in hex and ASCII."},
		{long: "compress", short: 'z', arg: optArg, v: &o.Compress, noOpt: "gzip", usage: "-z, --compress", help: "With -w, compress the file with gzip (sysdig reads it)."},
		{usage: "--compress zstd", help: "With -w, compress with zstd instead: smaller and much\nfaster, read back by trace; sysdig cannot read it."},

		// Accepted for sysdig compatibility; no effect in trace.
		{long: "bpf", short: 'B', arg: optArg, noOpt: "default", ignored: "-B has no effect: trace's CO-RE eBPF probe is built in, no kernel module or probe file is needed"},
		{long: "cri", arg: reqArg, ignored: "--cri has no effect yet: container metadata comes from the Docker socket only"},
		{long: "cri-timeout", arg: reqArg, ignored: "--cri-timeout has no effect yet: container metadata comes from the Docker socket only"},
		{long: "exclude-users", short: 'E', ignored: "-E has no effect: trace keeps the capture's user and group tables"},
		{long: "filter-proclist", v: &o.FilterProcs},
		{long: "plugin", short: 'H', arg: reqArg, ignored: "-H has no effect: trace does not load plugins"},
		{long: "input", short: 'I', arg: reqArg, ignored: "-I has no effect: trace does not load plugins (it reads scap files with -r and captures live)"},
		{long: "k8s-api", short: 'k', arg: reqArg, ignored: "-k has no effect: trace does not query the Kubernetes API server; pod names and labels come from the container runtime's labels"},
		{long: "node-name", arg: reqArg, ignored: "--node-name has no effect: trace does not query the Kubernetes API server"},
		{long: "k8s-api-cert", short: 'K', arg: reqArg, ignored: "-K has no effect: trace does not query the Kubernetes API server"},
		{long: "large-environment", ignored: "--large-environment has no effect: trace keeps the environment the probe reads"},
		{long: "list-markdown", v: &o.ListMarkdown},
		{long: "libs-version", v: &o.LibsVersion},
		{long: "mesos-api", short: 'm', arg: reqArg, ignored: "-m has no effect: trace does not query Mesos"},
		{long: "page-faults", ignored: "--page-faults has no effect: trace's probe does not capture page faults"},
		{long: "plugin-config-file", arg: reqArg, ignored: "--plugin-config-file has no effect: trace does not load plugins"},
		{long: "force-tracers-capture", short: 'T', ignored: "-T has no effect: trace does not capture tracer events"},
		{long: "udig", short: 'u', ignored: "-u has no effect: trace captures with eBPF only"},
	}
}

// register adds the options to a flag set.
func register(fs *pflag.FlagSet, opts []option) {
	for _, op := range opts {
		if op.long == "" {
			continue // --help text only
		}
		short := ""
		if op.short != 0 {
			short = string(op.short)
		}
		switch v := op.v.(type) {
		case *bool:
			fs.BoolVarP(v, op.long, short, false, "")
		case *string:
			fs.StringVarP(v, op.long, short, op.def, "")
		case *[]string:
			fs.StringArrayVarP(v, op.long, short, nil, "")
		case nil:
			if op.arg == noArg {
				fs.BoolP(op.long, short, false, "")
			} else {
				fs.StringP(op.long, short, op.def, "")
			}
		}
		if op.noOpt != "" {
			fs.Lookup(op.long).NoOptDefVal = op.noOpt
		}
	}
}

// optionTable is the option table without values: for scanning.
type optionTable []option

func (t optionTable) short(c byte) *option {
	for i := range t {
		if t[i].short == c {
			return &t[i]
		}
	}
	return nil
}

func (t optionTable) long(name string) *option {
	for i := range t {
		if t[i].long == name && !t[i].noLong {
			return &t[i]
		}
	}
	return nil
}

// writeHelp prints --help from the table.
func writeHelp(w io.Writer, opts []option) {
	fmt.Fprintf(w, "trace version %s\nUsage: trace [options] [-p <output_format>] [filter]\n\nOptions:\n", Version)
	const col = 19 // help text starts in column col+1
	indent := strings.Repeat(" ", col+1)
	for _, op := range opts {
		if op.usage == "" {
			continue
		}
		lines := strings.Split(op.help, "\n")
		if len(op.usage) <= col-1 {
			fmt.Fprintf(w, " %-*s %s\n", col-1, op.usage, lines[0])
		} else {
			fmt.Fprintf(w, " %s\n%s%s\n", op.usage, indent, lines[0])
		}
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "%s%s\n", indent, l)
		}
	}
}
