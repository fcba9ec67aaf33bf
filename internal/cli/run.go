package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/traceproj/trace/internal/term"
)

// ExitError is a command-line error: printed as is, exit status Code.
type ExitError struct {
	Msg  string
	Code int
}

func (e *ExitError) Error() string { return e.Msg }

// Exitf returns an ExitError with status 1.
func Exitf(format string, a ...any) error {
	return &ExitError{Msg: fmt.Sprintf(format, a...), Code: 1}
}

// Status prints err on stderr and returns the exit status it asks for:
// an ExitError's code, else 1.
func Status(err error, stderr io.Writer) int {
	fmt.Fprintln(stderr, err)
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// Main runs run on the command line and exits with its status. As a
// developer aid, TRACE_CPUPROFILE names a file for a CPU profile of the
// whole run, and with it TRACE_MEMPROFILE one for the allocations.
func Main(run func(args []string, stdout, stderr *os.File) int) {
	if path := os.Getenv("TRACE_CPUPROFILE"); path != "" {
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

// BuildInfo says which Go built the program and from which commit.
func BuildInfo() string {
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

// Notes returns a line "prog: ..." for each option in set that has no
// effect (Option.Ignored).
func (t Table) Notes(prog string, set map[string]bool) []string {
	var notes []string
	for _, op := range t {
		if op.Ignored != "" && set[op.Long] {
			notes = append(notes, prog+": "+op.Ignored)
		}
	}
	return notes
}

// HandleSignals sets up the signals of a run that writes events to
// stdout. A reader that goes away (trace ... | head) ends the program
// quietly, with status 0, instead of killing it with SIGPIPE; SIGPIPE
// from other writes (sockets) only turns into write errors. The first
// SIGINT, SIGTERM or SIGHUP cancels the returned context, so that the
// run ends cleanly (a live capture drains its rings, files are closed,
// exit status 0). Signals that come together with it (coreutils timeout
// signals the child, then its process group) are the same request; one
// that comes a second or more later calls flush and exits at once. stop
// undoes it all, except that after such a signal the three stay ignored
// (the program is on its way out).
func HandleSignals(stdout *os.File, flush func()) (ctx context.Context, stop func()) {
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	go func() {
		for range pipes {
			if term.BrokenPipe(stdout) {
				os.Exit(0)
			}
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var stopping atomic.Bool
	go func() {
		<-sigs
		first := time.Now()
		stopping.Store(true)
		cancel()
		for sig := range sigs {
			if time.Since(first) >= time.Second {
				flush()
				os.Exit(128 + int(sig.(syscall.Signal)))
			}
		}
	}()
	return ctx, func() {
		if stopping.Load() {
			// Interrupted and now exiting: a second Ctrl-C arriving
			// late must not kill the process with the default action.
			signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
		} else {
			signal.Stop(sigs)
		}
		cancel()
		signal.Stop(pipes)
	}
}
