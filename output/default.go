package output

import (
	"strconv"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// TimeMode and OutputTime live in package fields; these names keep the
// output package's API.
type (
	TimeMode   = fields.TimeMode
	OutputTime = fields.OutputTime
)

// Time modes.
const (
	TimeHuman    = fields.TimeHuman
	TimeAbsolute = fields.TimeAbsolute
	TimeRelative = fields.TimeRelative
	TimeLatency  = fields.TimeLatency
	TimeDelta    = fields.TimeDelta
)

// DefaultFormat is sysdig's default -p format when stdout is not a TTY.
const DefaultFormat = "*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info"

// DefaultFormatTTY is the coloured variant used on terminals.
const DefaultFormatTTY = "*%evt.num %evt.outputtime %evt.cpu \x1b[01;32m%proc.name\x1b[00m (\x1b[01;36m%proc.pid\x1b[00m.%thread.tid) %evt.dir \x1b[01;34m%evt.type\x1b[00m %evt.info"

// DefaultPrinter renders sysdig's default line without going through the
// general format engine.
type DefaultPrinter struct {
	R       *fields.Renderer
	Time    OutputTime
	TTY     bool
	scratch []byte
}

// Touch updates the delta clock (-t D) for an event that is formatted but
// not printed (one a -d display filter rejects), as sysdig does.
func (p *DefaultPrinter) Touch(ev *state.Event) {
	if p.Time.Mode == TimeDelta && ev.Type != scap.PPME_PLUGINEVENT_E {
		p.scratch = p.Time.Append(p.scratch[:0], ev)
	}
}

// Append appends the line for ev, with its newline.
func (p *DefaultPrinter) Append(b []byte, ev *state.Event) []byte {
	if ev.Type == scap.PPME_PLUGINEVENT_E {
		// Events of source plugins have their own line:
		// *%evt.num %evt.datetime.s [%evt.pluginname] %evt.plugininfo
		b = strconv.AppendUint(b, ev.Num, 10)
		b = append(b, ' ')
		b = p.Time.Clk.AppendDateTime(b, ev.Ts, false)
		return append(b, " [<NA>] <NA>\n"...)
	}
	b = strconv.AppendUint(b, ev.Num, 10)
	b = append(b, ' ')
	b = p.Time.Append(b, ev)
	b = append(b, ' ')
	b = strconv.AppendUint(b, uint64(ev.CPU), 10)
	b = append(b, ' ')
	if p.TTY {
		b = append(b, "\x1b[01;32m"...)
	}
	if ev.Thread != nil {
		b = append(b, ev.Thread.Comm...)
	} else {
		b = append(b, "<NA>"...)
	}
	if p.TTY {
		b = append(b, "\x1b[00m (\x1b[01;36m"...)
		if ev.Thread != nil {
			b = strconv.AppendInt(b, ev.Thread.Pid, 10)
		} else {
			b = append(b, "<NA>"...)
		}
		b = append(b, "\x1b[00m."...)
	} else {
		b = append(b, " ("...)
	}
	b = strconv.AppendInt(b, int64(ev.Tid), 10)
	b = append(b, ") "...)
	if ev.Type&1 == 0 {
		b = append(b, '>')
	} else {
		b = append(b, '<')
	}
	b = append(b, ' ')
	if p.TTY {
		b = append(b, "\x1b[01;34m"...)
	}
	b = append(b, fields.EventTypeName(ev)...)
	if p.TTY {
		b = append(b, "\x1b[00m"...)
	}
	b = append(b, ' ')
	b = p.R.AppendInfo(b, ev)
	return append(b, '\n')
}
