package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// session holds what lives across the files of one run.
type session struct {
	o        *Options
	out      *bufio.Writer
	stderr   io.Writer
	printer  *output.DefaultPrinter
	summary  *summary
	dump     *output.Dumper
	progress *progress
}

// newSession builds the printer, summary, writer and progress of a run
// from the options; file and live inputs share it.
func newSession(o *Options, out *bufio.Writer, stdout, stderr *os.File) *session {
	r := fields.NewRenderer()
	if o.Verbose {
		r.MaxBufLen = 0
	}
	r.Format = o.bufFormat()
	s := &session{o: o, out: out, stderr: stderr}
	s.printer = &output.DefaultPrinter{R: r, Time: output.OutputTime{Mode: output.TimeMode(o.TimeType[0])}, TTY: isTTY(stdout) && !o.FormatSet}
	if o.Summary {
		s.summary = newSummary()
	}
	if o.WriteFile != "" {
		comp := scap.CompressNone
		switch o.Compress {
		case "gzip":
			comp = scap.CompressGzip
		case "zstd":
			comp = scap.CompressZstd
		}
		s.dump = &output.Dumper{Path: o.WriteFile, Compression: comp,
			FileSize: int64(o.FileSizeMB) * 1000 * 1000, Seconds: uint64(o.RotateSeconds),
			Limit: o.FileLimit, Events: int64(o.EventLimit)}
		o.Quiet = true
		o.Progress = true
	}
	if o.Progress {
		s.progress = &progress{w: stderr}
	}
	return s
}

func readFiles(o *Options, out *bufio.Writer, stdout, stderr *os.File) int {
	if o.Filter != "" {
		fmt.Fprintln(stderr, "trace: filters are not supported yet")
		return 1
	}
	s := newSession(o, out, stdout, stderr)
	rc := 0
	for _, f := range o.ReadFiles {
		if code := s.readFile(f); code != 0 {
			rc = code
			break
		}
		if stopFlag.Load() {
			break
		}
	}
	if s.dump != nil {
		if err := s.dump.Close(); err != nil && rc == 0 {
			fmt.Fprintf(stderr, "trace: %s: %v\n", o.WriteFile, err)
			rc = 1
		}
	}
	if s.summary != nil {
		s.summary.print(out)
	}
	if s.printer.TTY {
		out.WriteString("\x1b[00m")
	}
	return rc
}

// source is where events come from: a capture file or the live probe.
type source interface {
	// NextInto reads the next event; io.EOF ends the input.
	NextInto(ev *scap.Event) error
}

func (s *session) readFile(path string) int {
	rd, err := scap.Open(path)
	if err != nil {
		fmt.Fprintf(s.stderr, "trace: %s\n", describeOpenError(path, err))
		return 1
	}
	defer rd.Close()
	eng := state.NewEngine()
	eng.LoadMetadata(rd.Metadata())
	rd.OnSection = eng.LoadMetadata
	if s.progress != nil {
		s.progress.start(rd)
	}
	return s.run(path, rd, rd.Metadata(), eng)
}

// run processes the events of one input: state, counting, summary,
// writing and printing. name is used in error messages.
func (s *session) run(name string, src source, md *scap.Metadata, eng *state.Engine) int {
	o := s.o
	if s.dump != nil {
		if err := s.dump.Start(md, eng); err != nil {
			fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
			return 1
		}
	}
	var raw scap.Event
	var ev state.Event
	var nevts int64
	var durStart uint64
	durNs := uint64(o.Duration) * 1e9
	buf := make([]byte, 0, 4096)
	for {
		if stopFlag.Load() {
			break
		}
		if o.NumEvents > 0 && nevts >= o.NumEvents {
			break
		}
		err := src.NextInto(&raw)
		if err != nil {
			if err == io.EOF {
				break
			}
			s.out.Flush()
			if s.progress != nil {
				s.progress.abort()
			}
			fmt.Fprintf(s.stderr, "trace: %s: %s\n", name, describeReadError(err))
			return 1
		}
		if !eng.Process(&raw, &ev) {
			// sysdig 0.29.3 does not know this event type: skipped and not
			// numbered, but kept in written captures.
			if s.dump != nil {
				if err := s.dump.WriteRaw(&raw, eng); err != nil {
					fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
					return 1
				}
			}
			continue
		}
		if !ev.Setup {
			if durStart == 0 {
				durStart = ev.Ts
			} else if durNs > 0 && ev.Ts-durStart >= durNs {
				break
			}
			nevts++
		}
		if s.progress != nil && nevts&0xfff == 0 {
			s.progress.update()
		}
		if s.summary != nil && !ev.Setup {
			s.summary.add(&ev)
		}
		if s.dump != nil {
			if err := s.dump.Write(&ev, eng); err != nil {
				fmt.Fprintf(s.stderr, "trace: %s: %v\n", o.WriteFile, err)
				return 1
			}
		}
		if ev.Hidden || (ev.Internal && !o.Debug) || o.Quiet {
			continue
		}
		buf = s.printer.Append(buf[:0], &ev)
		s.out.Write(buf)
		if o.Unbuffered {
			s.out.Flush()
		}
	}
	if s.progress != nil {
		s.progress.finish()
	}
	return 0
}

func describeOpenError(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf("can't open file %s: no such file or directory", path)
	case errors.Is(err, os.ErrPermission):
		return fmt.Sprintf("can't open file %s: permission denied", path)
	case errors.Is(err, scap.ErrNotCapture):
		return fmt.Sprintf("%s: %v", path, err)
	}
	var be *scap.BlockError
	if errors.As(err, &be) {
		return fmt.Sprintf("%s: %v", path, be)
	}
	return fmt.Sprintf("%s: %v", path, err)
}

func describeReadError(err error) string {
	if errors.Is(err, scap.ErrNoEvents) {
		return "no events in file"
	}
	return err.Error()
}
