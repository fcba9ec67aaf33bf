// Command trace records system calls with eBPF into scap captures and
// analyses live events or captures the way sysdig does, with Falco-style
// rules built in. It parses the command line and wires a source to the
// sinks of package pipeline.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/cli"
	"github.com/traceproj/trace/internal/term"
	"github.com/traceproj/trace/output"
)

// Version is trace's version, printed by --version.
const Version = "0.1.0"

func main() { cli.Main(run) }

// standalone runs the modes that read no events; done reports whether
// one ran.
func standalone(o *Options, out *bufio.Writer, stdout, stderr *os.File) (code int, done bool) {
	switch {
	case o.Help:
		options(&Options{}).WriteHelp(out, helpPage())
	case o.Man:
		options(&Options{}).WriteMan(out, helpPage())
	case o.Completion != "":
		if err := options(&Options{}).WriteCompletion(out, "trace", o.Completion); err != nil {
			fmt.Fprintln(stderr, err)
			return 1, true
		}
	case o.CompleteKind != "":
		completeWords(out, o.CompleteKind)
	case o.Version:
		fmt.Fprintf(out, "trace version %s\n%s\n", Version, cli.BuildInfo())
	case o.Format == "p" && o.FormatSet:
		// -pp prints the default format.
		if term.IsTTY(stdout) {
			out.WriteString(output.DefaultFormatTTY + "\n")
		} else {
			out.WriteString(output.DefaultFormat + "\n")
		}
	case o.ListMarkdown:
		fields.WriteMarkdown(out)
	case o.List:
		fields.WriteList(out, o.Verbose)
	case o.ListEvents:
		fields.WriteEventList(out)
	case o.LibsVersion:
		fmt.Fprintf(out, "trace %s (scap reader compatible with sysdig 0.29.3)\n", Version)
	case o.ListChisels:
		chisels.WriteList(out, chisels.List(chisels.Dirs()))
	case o.ChiselInfo != "":
		d, err := chisels.Info(chisels.Dirs(), o.ChiselInfo)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1, true
		}
		chisels.WriteInfo(out, d)
	default:
		return rulesCommand(o, out, stderr)
	}
	return 0, true
}

func run(args []string, stdout, stderr *os.File) int {
	o, err := parseArgs(args)
	if err != nil {
		return cli.Status(err, stderr)
	}
	for _, n := range o.notes {
		fmt.Fprintln(stderr, n)
	}
	out := bufio.NewWriterSize(stdout, 256<<10)
	defer out.Flush()
	if code, done := standalone(o, out, stdout, stderr); done {
		return code
	}
	ctx, stop := cli.HandleSignals(stdout, func() { out.Flush() })
	defer stop()
	rc, next := runEvents(ctx, o, out, stdout, stderr)
	if next != nil {
		// A chisel asked for another run (sysdig.run_app).
		out.Flush()
		return run(next, stdout, stderr)
	}
	return rc
}
