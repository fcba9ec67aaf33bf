package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/traceproj/trace/chisels"
)

// chiselSet holds the -c chisels of the command line, loaded while it is
// parsed (as sysdig does: their top-level code and on_set_arg run then),
// and the host their output goes through.
type chiselSet struct {
	list []*chisels.Chisel
	host *chisels.Host
	out  *lazyWriter
}

func (cs *chiselSet) close() {
	for _, ch := range cs.list {
		ch.Close()
	}
}

// lazyWriter holds what chisels print until the run's output exists.
type lazyWriter struct {
	buf bytes.Buffer
	w   io.Writer
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if l.w != nil {
		return l.w.Write(p)
	}
	return l.buf.Write(p)
}

// attach sends what was held, and what follows, to w.
func (l *lazyWriter) attach(w io.Writer) {
	l.w = w
	w.Write(l.buf.Bytes())
	l.buf.Reset()
}

// chiselOccurrence is one -c on the command line.
type chiselOccurrence struct {
	name string
	next int // index in args of the word after the option
}

// findChisels returns the -c options of args (long options normalized),
// using the option table to skip the arguments of other options.
func findChisels(table optionTable, args []string) []chiselOccurrence {
	var occ []chiselOccurrence
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			if op := table.long(name); op != nil && op.arg == reqArg && !hasVal && i+1 < len(args) {
				i++
				val = args[i]
			}
			if name == "chisel" {
				occ = append(occ, chiselOccurrence{val, i + 1})
			}
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		for j := 1; j < len(a); j++ {
			op := table.short(a[j])
			if op == nil || op.arg != reqArg {
				continue // optional arguments are never separate words
			}
			val := a[j+1:]
			if val == "" && i+1 < len(args) {
				i++
				val = args[i]
			}
			if a[j] == 'c' {
				occ = append(occ, chiselOccurrence{val, i + 1})
			}
			break
		}
	}
	return occ
}

// chiselCommandLine implements sysdig's handling of -c (called by
// parseArgs): -c l lists the chisels; otherwise each chisel is loaded to
// learn its arguments, and takes the word after its name as argument
// string when chisels.Desc.TakesArgs says so. Consumed words are dropped
// from the start of the filter words, as sysdig drops them. words are the
// non-option words pflag left.
func chiselCommandLine(o *Options, table optionTable, args, words []string) ([]string, error) {
	occ := findChisels(table, args)
	for _, oc := range occ {
		if oc.name == "l" {
			o.ListChisels = true
			return words, nil
		}
	}
	if len(occ) == 0 {
		return words, nil
	}
	out := &lazyWriter{}
	cs := &chiselSet{out: out, host: &chisels.Host{
		Out:            out,
		Stderr:         os.Stderr,
		Dirs:           chisels.Dirs(),
		PrintContainer: o.FormatSet && strings.Contains(" c container k kubernetes m mesos ", " "+o.Format+" "),
		JSON:           o.JSON,
		Exit: func(code int) {
			os.Stdout.Write(out.buf.Bytes())
			os.Exit(code)
		},
		// Chisels ask for longer buffers in on_init, before the capture
		// opens; an explicit -s wins, as in sysdig.
		SetSnaplen: func(n int) {
			if !o.SnaplenSet && n > 0 {
				o.Snaplen = n
			}
		},
	}}
	fail := func(err error) ([]string, error) {
		// what the chisels printed before the error is output
		os.Stdout.Write(out.buf.Bytes())
		cs.close()
		return nil, &usageError{msg: err.Error(), code: 1}
	}
	consumed := 0
	for _, oc := range occ {
		ch, err := chisels.Load(cs.host, oc.name)
		if errors.Is(err, chisels.ErrNotFound) {
			// sysdig's line, then what to do about it
			err = fmt.Errorf("%w\ntrace: chisel %s not found; trace -cl lists the chisels", err, oc.name)
		}
		if err != nil {
			return fail(err)
		}
		cs.list = append(cs.list, ch)
		d := ch.Desc
		if oc.next >= len(args) {
			if d.Required() > 0 {
				return fail(fmt.Errorf("missing arguments for chisel %s", oc.name))
			}
			continue
		}
		if d.TakesArgs(args[oc.next:]) {
			if err := ch.SetArgs(args[oc.next]); err != nil {
				return fail(err)
			}
			consumed++
		}
	}
	o.chisels = cs
	return words[min(consumed, len(words)):], nil
}
