// Command trace records system calls with eBPF into scap captures and
// analyses live events or captures the way sysdig does, with Falco-style
// rules built in. It parses the command line and wires a source to the
// sinks of package pipeline.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/term"
	"github.com/traceproj/trace/output"
)

// Version is trace's version, printed by --version.
const Version = "0.1.0"

func main() {
	if path := os.Getenv("TRACE_CPUPROFILE"); path != "" {
		// Developer aid: profile a whole run.
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			code := run(os.Args[1:], os.Stdout, os.Stderr)
			pprof.StopCPUProfile()
			f.Close()
			if mp := os.Getenv("TRACE_MEMPROFILE"); mp != "" {
				if m, err := os.Create(mp); err == nil {
					pprof.Lookup("allocs").WriteTo(m, 0)
					m.Close()
				}
			}
			os.Exit(code)
		}
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

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
		fmt.Fprintf(out, "trace version %s\n%s\n", Version, buildInfo())
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

// buildInfo says which Go built trace and from which commit.
func buildInfo() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return runtime.Version()
	}
	s := bi.GoVersion
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			s += ", commit " + kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				s += " (modified)"
			}
		}
	}
	return s
}

func run(args []string, stdout, stderr *os.File) int {
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, err)
		var ue *usageError
		if errors.As(err, &ue) {
			return ue.code
		}
		return 1
	}
	for _, n := range o.notes {
		fmt.Fprintln(stderr, n)
	}
	out := bufio.NewWriterSize(stdout, 256<<10)
	defer out.Flush()
	if code, done := standalone(o, out, stdout, stderr); done {
		return code
	}

	// A reader that goes away (trace ... | head) ends trace quietly, with
	// status 0, instead of killing it with SIGPIPE. SIGPIPE from other
	// writes (sockets) only turns into write errors.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	defer signal.Stop(pipes)
	go func() {
		for range pipes {
			if term.BrokenPipe(stdout) {
				os.Exit(0)
			}
		}
	}()
	// The first SIGINT/SIGTERM/SIGHUP ends the run cleanly (a live
	// capture drains its rings, files are closed, exit status 0). Signals
	// that come together with it (coreutils timeout signals the child,
	// then its process group) are the same request; one that comes a
	// second or more later abandons the drain.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		<-sigs
		first := time.Now()
		cancel()
		for sig := range sigs {
			if time.Since(first) >= time.Second {
				out.Flush()
				os.Exit(128 + int(sig.(syscall.Signal)))
			}
		}
	}()

	rc, next := runEvents(ctx, o, out, stdout, stderr)
	if next != nil {
		// A chisel asked for another run (sysdig.run_app).
		out.Flush()
		return run(next, stdout, stderr)
	}
	return rc
}
