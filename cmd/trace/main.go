// Command trace records system calls with eBPF into scap captures and
// analyses live events or captures the way sysdig does, with Falco-style
// rules built in.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"sync/atomic"
	"syscall"

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

// standaloneCommands run modes that read no events (--validate,
// --list-rules); a command that handled the command line returns done
// and the exit status.
var standaloneCommands []func(o *Options, out *bufio.Writer, stderr *os.File) (code int, done bool)

// stopFlag is raised by SIGINT/SIGTERM; the read loop checks it.
var stopFlag atomic.Bool

// liveStop, when set, is called on SIGINT/SIGTERM instead of raising
// stopFlag: a live capture stops its probes and drains what they queued.
var liveStop atomic.Pointer[func()]

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
	out := bufio.NewWriterSize(stdout, 256<<10)
	defer out.Flush()

	switch {
	case o.Help:
		printHelp(out)
		return 0
	case o.Version:
		fmt.Fprintf(out, "trace version %s\n", Version)
		return 0
	case o.Format == "p" && o.FormatSet:
		// -pp prints the default format.
		if isTTY(stdout) {
			out.WriteString(output.DefaultFormatTTY + "\n")
		} else {
			out.WriteString(output.DefaultFormat + "\n")
		}
		return 0
	case o.List || o.ListEvents || o.ListMarkdown:
		listings(o, out)
		return 0
	case o.LibsVersion:
		fmt.Fprintf(out, "trace %s (scap reader compatible with sysdig 0.29.3)", Version)
		return 0
	}
	for _, cmd := range standaloneCommands {
		if code, done := cmd(o, out, stderr); done {
			return code
		}
	}

	// A reader that goes away (trace ... | head) ends trace quietly, with
	// status 0, instead of killing it with SIGPIPE. SIGPIPE from other
	// writes (sockets) only turns into write errors.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	go func() {
		for range pipes {
			if brokenPipe(stdout) {
				os.Exit(0)
			}
		}
	}()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sigs
		if stop := liveStop.Load(); stop != nil {
			(*stop)()
		} else {
			stopFlag.Store(true)
		}
		<-sigs
		out.Flush()
		os.Exit(130)
	}()

	if len(o.ReadFiles) == 0 {
		return liveCapture(o, out, stdout, stderr)
	}
	rc := readFiles(o, out, stdout, stderr)
	if next := nextRun; next != nil {
		// A chisel asked for another run (sysdig.run_app).
		nextRun = nil
		out.Flush()
		return run(next, stdout, stderr)
	}
	return rc
}

var _ io.Writer = (*bufio.Writer)(nil)
