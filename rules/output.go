package rules

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/traceproj/trace/fields"
)

// template is a compiled rule output: literal text and %field tokens.
type template struct {
	src   string
	parts []tmplPart
	// keys are the distinct fields, sorted by name (output_fields).
	keys []*fields.Field
}

type tmplPart struct {
	lit   string
	f     *fields.Field
	width int
}

// compileTemplate compiles a rule output. %container.info is replaced by
// containerInfo first; a leading '*' is dropped.
func compileTemplate(s, containerInfo string) (*template, error) {
	s = strings.TrimPrefix(s, "*")
	s = strings.ReplaceAll(s, "%container.info", containerInfo)
	t := &template{src: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, tmplPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			i++
			continue
		}
		i++
		if i >= len(s) {
			return nil, errors.New("invalid formatting syntax: formatting cannot end with a %")
		}
		width := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			width = min(width*10+int(s[i]-'0'), 1<<16)
			i++
		}
		f, n, err := fields.Parse(s[i:])
		if err != nil {
			if errors.Is(err, fields.ErrNotFound) {
				return nil, fmt.Errorf("invalid formatting token %s", s[i:])
			}
			return nil, err
		}
		if f.FilterOnly() {
			return nil, fmt.Errorf("%s is filter only and cannot be used as a display field", f.Name)
		}
		flush()
		t.parts = append(t.parts, tmplPart{f: f, width: width})
		i += n
	}
	flush()
	seen := map[string]bool{}
	for _, p := range t.parts {
		if p.f != nil && !seen[p.f.Name] {
			seen[p.f.Name] = true
			t.keys = append(t.keys, p.f)
		}
	}
	sort.Slice(t.keys, func(a, b int) bool { return t.keys[a].Name < t.keys[b].Name })
	return t, nil
}

// appendText renders the template; absent values print <NA>.
func (t *template) appendText(b []byte, c *fields.Ctx) []byte {
	for _, p := range t.parts {
		if p.f == nil {
			b = append(b, p.lit...)
			continue
		}
		start := len(b)
		var ok bool
		b, ok = p.f.AppendText(c, b)
		if !ok {
			b = append(b[:start], "<NA>"...)
		}
		if p.width > 0 {
			if n := len(b) - start; n > p.width {
				b = b[:start+p.width]
			} else {
				for ; n < p.width; n++ {
					b = append(b, ' ')
				}
			}
		}
	}
	return b
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
		b = t.AppendFormat(b, "2006-01-02T15:04:05")
	} else {
		b = t.AppendFormat(b, "15:04:05")
	}
	b = append(b, '.')
	b = appendNanos(b, ts%1e9)
	if f.ISO8601 {
		b = t.AppendFormat(b, "-0700")
	}
	return b
}

func appendNanos(b []byte, ns uint64) []byte {
	var d [9]byte
	for i := 8; i >= 0; i-- {
		d[i] = byte('0' + ns%10)
		ns /= 10
	}
	return append(b, d[:]...)
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
	return r.out.appendText(b, c)
}

// AppendJSON appends the alert as a Falco JSON object (no newline); keys
// are in Falco's (sorted) order.
func (r *Rule) AppendJSON(b []byte, c *fields.Ctx, f *AlertFormat) []byte {
	ts := c.Ev.Ts
	b = append(b, `{"hostname":`...)
	b = fields.AppendJSONString(b, []byte(f.Hostname))
	b = append(b, `,"output":`...)
	line := r.appendLine(nil, c, f)
	b = fields.AppendJSONString(b, line)
	b = append(b, `,"output_fields":{`...)
	timeKey := "evt.time"
	if f.ISO8601 {
		timeKey = "evt.time.iso8601"
	}
	first := true
	wroteTime := false
	writeTime := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = fields.AppendJSONString(b, []byte(timeKey))
		b = append(b, ':')
		b = strconv.AppendUint(b, ts, 10)
		wroteTime = true
	}
	for _, k := range r.out.keys {
		if !wroteTime && k.Name >= timeKey {
			writeTime()
			if k.Name == timeKey {
				continue
			}
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = fields.AppendJSONString(b, []byte(k.Name))
		b = append(b, ':')
		var ok bool
		if b, ok = k.AppendJSON(c, b); !ok {
			b = append(b, "null"...)
		}
	}
	if !wroteTime {
		writeTime()
	}
	b = append(b, `},"priority":`...)
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
	ut := time.Unix(0, int64(ts)).UTC()
	b = ut.AppendFormat(b, "2006-01-02T15:04:05")
	b = append(b, '.')
	b = appendNanos(b, ts%1e9)
	return append(b, `Z"}`...)
}
