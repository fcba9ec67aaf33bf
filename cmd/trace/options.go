package main

import (
	"fmt"
	"io"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/cli"
)

// options returns the option table bound to o, in --help order.
func options(o *Options) cli.Table {
	r := &o.RulesOpts
	return cli.Table{
		{Long: "print-ascii", Short: 'A', V: &o.PrintASCII, Usage: "-A, --print-ascii", Help: "Only print the text portion of data buffers, and echo\nend-of-lines. This is useful to only display human-readable\ndata."},
		{Long: "print-base64", Short: 'b', V: &o.PrintBase64, Usage: "-b, --print-base64", Help: "Print data buffers in base64."},
		{Long: "chisel", Complete: "chisel", Short: 'c', Arg: cli.ReqArg, V: &o.Chisels, Usage: "-c <chiselname> <chiselargs>, --chisel  <chiselname> <chiselargs>", Help: "Run the specified chisel. If the chisel requires arguments,\nthey follow its name (one word; quote it)."},
		{Long: "list-chisels", V: &o.ListChisels, Usage: "-cl, --list-chisels", Help: "List the available chisels. Chisels are looked for in\n$SYSDIG_CHISEL_DIR, ., ./chisels, ~/.chisels and among\ntrace's built-in chisels."},
		{Long: "file-size", Short: 'C', Arg: cli.ReqArg, V: &o.fileSize, Usage: "-C <file_size>, --file-size=<file_size>", Help: "With -w, start a new file when the current one is larger\nthan file_size million bytes."},
		{Long: "displayflt", Short: 'd', V: &o.DisplayFilter, Usage: "-d, --displayflt", Help: "Make the given filter a display one: every event goes\nthrough the state engine, the filter only decides what is\nprinted."},
		{Long: "debug", Short: 'D', V: &o.Debug, Usage: "-D, --debug", Help: "Also show internal events (procinfo, container, ...)."},
		{Long: "event-limit", Short: 'e', Arg: cli.ReqArg, V: &o.eventLimit, Usage: "-e <num_events>, --event-limit=<num_events>", Help: "With -w, start a new file after num_events events."},
		{Long: "fatfile", Short: 'F', V: &o.FatFile, Usage: "-F, --fatfile", Help: "With -w and a filter, keep the events the filter rejects\nin the file, flagged so readers only use them for state."},
		{Long: "seconds", Short: 'G', Arg: cli.ReqArg, V: &o.seconds, Usage: "-G <num_seconds>, --seconds=<num_seconds>", Help: "With -w, rotate the file every num_seconds of event time."},
		{Long: "help", Short: 'h', V: &o.Help, Usage: "-h, --help", Help: "Print this page."},
		{Long: "chisel-info", Complete: "chisel", Short: 'i', Arg: cli.ReqArg, V: &o.ChiselInfo, Usage: "-i <chiselname>, --chisel-info <chiselname>", Help: "Describe a chisel."},
		{Long: "json", Short: 'j', V: &o.JSON, Usage: "-j, --json", Help: "Print events as JSON lines."},
		{Long: "list", Short: 'l', V: &o.List, Usage: "-l, --list", Help: "List the fields filters and formats can use (-lv: with\ntheir types): sysdig's, then the Falco fields it lacks."},
		{Long: "list-events", Short: 'L', V: &o.ListEvents, Usage: "-L, --list-events", Help: "List the events trace knows."},
		{Long: "duration", Short: 'M', Arg: cli.ReqArg, V: &o.duration, NoLong: true, Usage: "-M <num_seconds>", Help: "Stop after num_seconds of event time."},
		{Long: "numevents", Short: 'n', Arg: cli.ReqArg, V: &o.numEvents, Usage: "-n <num>, --numevents=<num>", Help: "Stop after num events (internal ones included)."},
		{Long: "progress", Short: 'P', V: &o.Progress, Usage: "-P, --progress", Help: "Print progress on stderr."},
		{Long: "print", Complete: "format", Short: 'p', Arg: cli.ReqArg, V: &o.Format, Usage: "-p <output_format>, --print=<output_format>", Help: "Output format. -pc/-pk/-pm select the container,\nKubernetes and Mesos presets; -pp prints the default."},
		{Long: "quiet", Short: 'q', V: &o.Quiet, Usage: "-q, --quiet", Help: "Do not print events."},
		{Long: "resolve-ports", Short: 'R', V: &o.ResolvePorts, Usage: "-R, --resolve-ports", Help: "Show port numbers as service names."},
		{Long: "readfile", Complete: "file", Short: 'r', Arg: cli.ReqArg, V: &o.ReadFiles, Usage: "-r <readfile>, --readfile=<readfile>", Help: "Read events from a capture file (plain, gzip or zstd);\nrepeat to read several files."},
		{Group: "rules", Long: "rules", Complete: "file", Arg: cli.ReqArg, V: &o.Rules, Usage: "--rules <path>", Help: "Load Falco-style rules (file or directory; repeatable)\nand print alerts instead of events, from captures (-r)\nor live. With -j, alerts are Falco JSON objects."},
		{Group: "rules", Long: "alerts-http", Arg: cli.ReqArg, V: &r.AlertsHTTP, Usage: "--alerts-http <url>", Help: "Also post every alert as JSON to url (falcosidekick)."},
		{Group: "rules", Long: "alerts-http-queue", Arg: cli.ReqArg, V: &r.alertsQueue, Usage: "--alerts-http-queue <n>", Help: "Alerts waiting for the endpoint (default 1024): live,\nfurther ones are dropped and counted; reading files\nwaits instead."},
		{Group: "rules", Long: "all-events", V: &r.AllEvents, Usage: "--all-events", Help: "Live, also offer rules the high-rate events Falco skips\nwithout -A (read, write, poll, ...)."},
		{Group: "rules", Long: "disable-rule", Arg: cli.ReqArg, V: &r.Disable, Usage: "--disable-rule <name>", Help: "Disable the rules named name (a glob; repeatable)."},
		{Group: "rules", Long: "append-output", Arg: cli.ReqArg, V: &r.AppendOutput, Usage: "--append-output <text|json>", Help: "Append text to every rule's output, or take a Falco\nappend_output entry as JSON ({\"match\": {\"rule\", \"source\",\n\"tags\"}, \"extra_output\", \"extra_fields\": [fields]});\nrepeatable."},
		{Group: "rules", Long: "disable-tag", Arg: cli.ReqArg, V: &r.DisableTags, Usage: "--disable-tag <tag>", Help: "Disable the rules having tag (repeatable)."},
		{Group: "rules", Long: "enable-tag", Arg: cli.ReqArg, V: &r.EnableTags, Usage: "--enable-tag <tag>", Help: "Run only the rules having tag (repeatable)."},
		{Group: "rules", Long: "iso8601", V: &r.ISO8601, Usage: "--iso8601", Help: "Print alert times as 2006-01-02T15:04:05.000000000+0000."},
		{Group: "rules", Long: "list-rules", V: &r.ListRules, Usage: "--list-rules", Help: "List the rules loaded by --rules (-j: as JSON)."},
		{Group: "rules", Long: "min-priority", Complete: "emergency alert critical error warning notice info debug", Arg: cli.ReqArg, V: &r.MinPriority, Def: "debug", Usage: "--min-priority <level>", Help: "Load only rules at least this severe (emergency, alert,\ncritical, error, warning, notice, info, debug)."},
		{Group: "rules", Long: "rule-matching", Complete: "first all", Arg: cli.ReqArg, V: &r.Matching, Def: "first", Usage: "--rule-matching first|all", Help: "Fire the first matching rule per event (default) or all."},
		{Group: "rules", Long: "validate", Complete: "file", Arg: cli.ReqArg, V: &r.Validate, Usage: "--validate <path>", Help: "Check a rules file or directory and exit (status 1 on\nerrors; -j prints Falco's JSON result)."},
		{Long: "summary", Short: 'S', V: &o.Summary, Usage: "-S, --summary", Help: "Print a summary of event counts at the end."},
		{Long: "snaplen", Short: 's', Arg: cli.ReqArg, V: &o.snaplen, Usage: "-s <len>, --snaplen=<len>", Help: "Bytes of I/O buffers captured live (default 80)."},
		{Long: "timetype", Complete: "h a r d D", Short: 't', Arg: cli.ReqArg, V: &o.TimeType, Def: "h", Usage: "-t <timetype>, --timetype=<timetype>", Help: "Time shown by the default line: h (human, default),\na (absolute epoch), r (relative to the first event),\nd (enter-to-exit latency), D (since the previous event)."},
		{Long: "suppress-comm", Short: 'U', Arg: cli.ReqArg, V: &o.SuppressComm, Usage: "-U <comm>, --suppress-comm=<comm>", Help: "Ignore events of processes named comm."},
		{Long: "unbuffered", V: &o.Unbuffered, Usage: "--unbuffered", Help: "Flush output after every event."},
		{Long: "verbose", Short: 'v', V: &o.Verbose, Usage: "-v, --verbose", Help: "Do not cut data buffers at 80 bytes."},
		{Long: "version", V: &o.Version, Usage: "--version", Help: "Print the version."},
		{Long: "writefile", Complete: "file", Short: 'w', Arg: cli.ReqArg, V: &o.WriteFile, Usage: "-w <writefile>, --writefile=<writefile>", Help: "Write events to a capture file instead of printing them.\nFiles are created with mode 0600."},
		{Long: "limit", Short: 'W', Arg: cli.ReqArg, V: &o.limit, Usage: "-W <num>, --limit=<num>", Help: "With -C, keep a ring of num files; with -G, stop after\nnum files."},
		{Long: "print-hex", Short: 'x', V: &o.PrintHex, Usage: "-x, --print-hex", Help: "Print data buffers in hex."},
		{Long: "print-hex-ascii", Short: 'X', V: &o.PrintHexASCII, Usage: "-X, --print-hex-ascii", Help: "Print data buffers in hex and ASCII."},
		{Long: "compress", Short: 'z', Arg: cli.OptArg, V: &o.Compress, NoOpt: "gzip", Usage: "-z, --compress", Help: "With -w, compress the file with gzip (sysdig reads it)."},
		{Long: "layout", Complete: "0.29 current", Arg: cli.ReqArg, V: &o.Layout, Def: "0.29", Usage: "--layout <layout>", Help: "With -w, the file's layout: 0.29 (default: enter and exit\nevents, as sysdig 0.29.3 records; current Falco and sysdig\nconvert it) or current (exit events only, every parameter\nin the exit, as current Falco and sysdig record; sysdig\n0.29.3 cannot read it)."},
		{Usage: "--compress zstd", Help: "With -w, compress with zstd instead: smaller and much\nfaster, read back by trace; sysdig cannot read it."},

		{Long: "exclude-users", Short: 'E', V: &o.ExcludeUsers, Usage: "-E, --exclude-users", Help: "Leave out the user and group tables (of the capture, or of\nthe system live): user.name and group.name have no value."},
		{Long: "cri", Complete: "file", Arg: cli.ReqArg, V: &o.CRI, Usage: "--cri <path>", Help: "Live, ask the CRI runtime (containerd, CRI-O) on this unix\nsocket about containers (repeatable; default: the usual\nsockets of containerd, k3s, microk8s and CRI-O, then Docker\nand podman)."},
		{Long: "cri-timeout", Arg: cli.ReqArg, V: &o.criTimeout, Usage: "--cri-timeout <ms>", Help: "Wait at most ms for one runtime answer (default 1000); the first event of a new container waits for its metadata at most 250 ms, or ms if shorter."},
		{Long: "completion", Complete: "bash zsh fish", Arg: cli.ReqArg, V: &o.Completion, Usage: "--completion <shell>", Help: "Print a completion script for bash, zsh or fish, e.g.\ntrace --completion bash > /etc/bash_completion.d/trace"},
		{Long: "man", V: &o.Man, Usage: "--man", Help: "Print the man page, e.g.\ntrace --man > /usr/local/share/man/man1/trace.1"},
		{Long: "complete", Arg: cli.ReqArg, V: &o.CompleteKind}, // for the completion scripts

		// Accepted for sysdig compatibility; no effect in trace.
		{Long: "bpf", Short: 'B', Arg: cli.OptArg, NoOpt: "default", Ignored: "-B has no effect: trace's CO-RE eBPF probe is built in, no kernel module or probe file is needed"},
		{Long: "filter-proclist", V: &o.FilterProcs},
		{Long: "plugin", Short: 'H', Arg: cli.ReqArg, Ignored: "-H has no effect: trace does not load plugins"},
		{Long: "input", Short: 'I', Arg: cli.ReqArg, Ignored: "-I has no effect: trace does not load plugins (it reads scap files with -r and captures live)"},
		{Long: "k8s-api", Short: 'k', Arg: cli.ReqArg, Ignored: "-k has no effect: trace does not query the Kubernetes API server; pod names and labels come from the container runtime's labels"},
		{Long: "node-name", Arg: cli.ReqArg, Ignored: "--node-name has no effect: trace does not query the Kubernetes API server"},
		{Long: "k8s-api-cert", Short: 'K', Arg: cli.ReqArg, Ignored: "-K has no effect: trace does not query the Kubernetes API server"},
		{Long: "large-environment", Ignored: "--large-environment has no effect: trace keeps the environment the probe reads"},
		{Long: "list-markdown", V: &o.ListMarkdown},
		{Long: "libs-version", V: &o.LibsVersion},
		{Long: "mesos-api", Short: 'm', Arg: cli.ReqArg, Ignored: "-m has no effect: trace does not query Mesos"},
		{Long: "page-faults", Ignored: "--page-faults has no effect: trace's probe does not capture page faults"},
		{Long: "plugin-config-file", Arg: cli.ReqArg, Ignored: "--plugin-config-file has no effect: trace does not load plugins"},
		{Long: "force-tracers-capture", Short: 'T', Ignored: "-T has no effect: trace does not capture tracer events"},
		{Long: "udig", Short: 'u', Ignored: "-u has no effect: trace captures with eBPF only"},
	}
}

// helpPage is what --help and --man say besides the options.
func helpPage() *cli.Page {
	return &cli.Page{
		Prog: "trace", Version: Version,
		Summary: "record, print, filter and analyse system calls (sysdig and Falco compatible)",
		Usage:   "[options] [-p <output_format>] [filter]",
		Groups:  []cli.Group{{Name: ""}, {Name: "rules", Title: "Falco rules"}},
		Sections: []cli.Section{
			{Title: "Output format", Text: `By default trace prints one line per event, as sysdig does:
  %evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info
-p takes a format of fields (trace -l lists them) and text. A line whose
fields have no value is not printed, unless the format starts with '*':
  trace -p '*%evt.time %user.name %proc.name' ...
-j prints JSON objects instead; -pc and -pk add container and pod names.`},
			{Title: "Environment", Text: `SYSDIG_CHISEL_DIR   more directories of chisels (':'-separated)
FALCO_HOSTNAME      the hostname in alerts (default: the machine's)
HOST_ROOT           where the host's container runtime sockets are, when
                    trace runs in a container (as Falco: /host)
DOCKER_HOST         the Docker socket (unix://PATH)`},
			{Title: "Examples", Text: `sudo trace                              print live events
sudo trace -w out.scap -z               record, gzip-compressed
trace -r out.scap proc.name=nano        read a capture, filtered
sudo trace -M 25 -p "%evt.time,%user.uid,%proc.name" container.id!=host
trace -r out.scap -c topprocs_cpu       run a chisel (trace -cl lists them)
sudo trace --rules falco_rules.yaml     Falco-style alerts, live`},
		},
	}
}

// completeWords prints the words the completion scripts ask for.
func completeWords(w io.Writer, kind string) {
	switch kind {
	case "chisel":
		for _, d := range chisels.List(chisels.Dirs()) {
			fmt.Fprintln(w, d.Name)
		}
	case "field":
		for _, name := range fields.Names() {
			fmt.Fprintln(w, name)
		}
	}
}
