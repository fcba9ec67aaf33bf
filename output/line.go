package output

import "github.com/traceproj/trace/fields"

// A Line renders events as lines of text or JSON: sysdig's default line,
// a -p format or -j. The pipeline prints what Append returns.
type Line interface {
	// Append appends the event's line (with its newline) to b; false
	// when the event prints nothing (a field of a -p format without
	// value, and no leading '*').
	Append(b []byte, c *fields.Ctx) ([]byte, bool)
	// Touch formats the event without printing it, so that deltas
	// (-t D, evt.deltatime) count it as sysdig does for events a display
	// filter (-d) rejects.
	Touch(c *fields.Ctx)
	// Missing names the field whose lack of value last kept an event
	// from printing ("" if none did).
	Missing() string
}

// DefaultLine returns p as a Line.
func DefaultLine(p *DefaultPrinter) Line { return defaultLine{p} }

type defaultLine struct{ p *DefaultPrinter }

func (d defaultLine) Append(b []byte, c *fields.Ctx) ([]byte, bool) {
	return d.p.Append(b, c.Ev), true
}

func (d defaultLine) Touch(c *fields.Ctx) { d.p.Touch(c.Ev) }

func (d defaultLine) Missing() string { return "" }

// FormatLine returns f as a Line printing text, or JSON objects when
// json is set.
func FormatLine(f *Format, json bool) Line { return formatLine{f, json} }

type formatLine struct {
	f    *Format
	json bool
}

func (l formatLine) Append(b []byte, c *fields.Ctx) ([]byte, bool) {
	if l.json {
		return l.f.AppendJSON(b, c)
	}
	return l.f.Append(b, c)
}

func (l formatLine) Touch(c *fields.Ctx) { l.f.Touch(c, l.json) }

func (l formatLine) Missing() string { return l.f.Missing() }

// Preset returns the -p format of sysdig's presets: c (container), k
// (kubernetes) and m (mesos), also by their long names.
func Preset(name string) (string, bool) {
	const tail = " %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info"
	switch name {
	case "c", "container":
		return "*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id)" + tail, true
	case "k", "kubernetes":
		return "*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id)" + tail, true
	case "m", "mesos":
		return "*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id)" + tail, true
	}
	return "", false
}
