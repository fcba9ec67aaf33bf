package rules

import (
	"strings"
	"time"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/output"
)

// compileOutput compiles a rule output. A leading '*' is dropped, then
// %container.info is replaced by containerInfo; it returns the output so
// expanded.
func compileOutput(s, containerInfo string) (*output.Format, string, error) {
	s = strings.TrimPrefix(s, "*")
	s = strings.ReplaceAll(s, "%container.info", containerInfo)
	f, err := output.ParseRuleOutput(s)
	return f, s, err
}

// AlertFormat says how alerts are printed.
type AlertFormat struct {
	// JSON prints one Falco JSON object per alert.
	JSON bool
	// ISO8601 prints times as 2006-01-02T15:04:05.000000000+0000.
	ISO8601 bool
	// Hostname is the "hostname" of JSON alerts.
	Hostname string
	// Location is the time zone of alert times (nil: time.Local).
	Location *time.Location
}

func (f *AlertFormat) loc() *time.Location {
	if f.Location != nil {
		return f.Location
	}
	return time.Local
}

// appendTime appends the event time as Falco's alert prefix shows it.
func (f *AlertFormat) appendTime(b []byte, ts uint64) []byte {
	t := time.Unix(0, int64(ts)).In(f.loc())
	if f.ISO8601 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000000000-0700")
	}
	return t.AppendFormat(b, "15:04:05.000000000")
}

// AppendAlert appends the alert for the event in c as one line (with its
// newline), text or JSON.
func (r *Rule) AppendAlert(b []byte, c *fields.Ctx, f *AlertFormat) []byte {
	if !f.JSON {
		b = r.appendLine(b, c, f)
		return append(b, '\n')
	}
	return append(r.AppendJSON(b, c, f), '\n')
}

// appendLine appends "<time>: <Priority> <output>".
func (r *Rule) appendLine(b []byte, c *fields.Ctx, f *AlertFormat) []byte {
	b = f.appendTime(b, c.Ev.Ts)
	b = append(b, ": "...)
	b = append(b, r.Priority.String()...)
	b = append(b, ' ')
	b, _ = r.out.AppendText(b, c)
	return b
}

// AppendJSON appends the alert as a Falco JSON object (no newline); keys
// are in Falco's (sorted) order.
func (r *Rule) AppendJSON(b []byte, c *fields.Ctx, f *AlertFormat) []byte {
	b = append(b, `{"hostname":`...)
	b = fields.AppendJSONString(b, []byte(f.Hostname))
	b = append(b, `,"output":`...)
	// The line is rendered after b, escaped after itself, and the escaped
	// copy moved into place: no buffer of its own.
	raw := len(b)
	b = r.appendLine(b, c, f)
	esc := len(b)
	b = fields.AppendJSONString(b, b[raw:esc])
	b = append(b[:raw], b[esc:]...)
	b = append(b, `,"output_fields":`...)
	timeKey := "evt.time"
	if f.ISO8601 {
		timeKey = "evt.time.iso8601"
	}
	b = r.out.AppendOutputFields(b, c, timeKey)
	b = append(b, `,"priority":`...)
	b = fields.AppendJSONString(b, []byte(r.Priority.String()))
	b = append(b, `,"rule":`...)
	b = fields.AppendJSONString(b, []byte(r.Name))
	b = append(b, `,"source":`...)
	b = fields.AppendJSONString(b, []byte(r.Source))
	b = append(b, `,"tags":[`...)
	for i, t := range r.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = fields.AppendJSONString(b, []byte(t))
	}
	b = append(b, `],"time":"`...)
	b = time.Unix(0, int64(c.Ev.Ts)).UTC().AppendFormat(b, "2006-01-02T15:04:05.000000000")
	return append(b, `Z"}`...)
}
