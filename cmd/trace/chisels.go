package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/traceproj/trace/chisels"
	"github.com/traceproj/trace/internal/cli"
)

// chiselSet holds the -c chisels of the command line, loaded while it is
// parsed (as sysdig does: their top-level code and on_set_arg run then),
// and the host their output goes through.
type chiselSet struct {
	list      []*chisels.Chisel
	host      *chisels.Host
	out       *chisels.HeldWriter
	stopGuard func()
}

func (cs *chiselSet) close() {
	for _, ch := range cs.list {
		ch.Close()
	}
}

// chiselCommandLine implements sysdig's handling of -c (called by
// parseArgs): -c l lists the chisels; otherwise each chisel is loaded to
// learn its arguments, and takes the word after its name as argument
// string when chisels.Desc.TakesArgs says so. Consumed words are dropped
// from the start of the filter words, as sysdig drops them. words are the
// non-option words pflag left.
func chiselCommandLine(o *Options, table cli.Table, args, words []string) ([]string, error) {
	occ := table.Find(args, "chisel", 'c')
	for _, oc := range occ {
		if oc.Value == "l" {
			o.ListChisels = true
			return words, nil
		}
	}
	if len(occ) == 0 {
		return words, nil
	}
	out := &chisels.HeldWriter{}
	cs := &chiselSet{out: out, host: &chisels.Host{
		Out:            out,
		Stderr:         os.Stderr,
		Dirs:           chisels.Dirs(),
		PrintContainer: o.FormatSet && strings.Contains(" c container k kubernetes m mesos ", " "+o.Format+" "),
		JSON:           o.JSON,
		Exit: func(code int) {
			os.Stdout.Write(out.Held())
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
		os.Stdout.Write(out.Held())
		cs.close()
		return nil, &cli.ExitError{Msg: err.Error(), Code: 1}
	}
	consumed := 0
	for _, oc := range occ {
		ch, err := chisels.Load(cs.host, oc.Value)
		if errors.Is(err, chisels.ErrNotFound) {
			// sysdig's line, then what to do about it
			err = fmt.Errorf("%w\ntrace: chisel %s not found; trace -cl lists the chisels", err, oc.Value)
		}
		if err != nil {
			return fail(err)
		}
		cs.list = append(cs.list, ch)
		d := ch.Desc
		if oc.Next >= len(args) {
			if d.Required() > 0 {
				return fail(fmt.Errorf("missing arguments for chisel %s", oc.Value))
			}
			continue
		}
		if d.TakesArgs(args[oc.Next:]) {
			if err := ch.SetArgs(args[oc.Next]); err != nil {
				return fail(err)
			}
			consumed++
		}
	}
	o.chisels = cs
	return words[min(consumed, len(words)):], nil
}
