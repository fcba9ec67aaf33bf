package views

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// Output is how a Runner shows its samples.
type Output uint8

// Outputs.
const (
	// OutNone hands the samples to OnSample only (the interactive UI).
	OutNone Output = iota
	// OutRaw prints them as csysdig --raw does.
	OutRaw
	// OutJSON prints them as csysdig -j does.
	OutJSON
)

// sysdigTypes maps field types to the numbers of sysdig's parameter
// types.
var sysdigTypes = map[fields.Type]int{
	fields.TInt16: 2, fields.TInt32: 3, fields.TInt64: 4, fields.TUint32: 7, fields.TUint64: 8,
	fields.TCharbuf: 9, fields.TBytebuf: 10, fields.TRelTime: 20, fields.TAbsTime: 21,
	fields.TPort: 22, fields.TBool: 25, fields.TDynamic: 27, fields.TDouble: 33,
	fields.TIPAddr: 40, fields.TIPNet: 41,
}

var printFmtNames = map[fields.PrintFmt]string{
	fields.PFNA: "NA", fields.PFDec: "DEC", fields.PFHexNum: "HEX", fields.PFOct: "OCT",
	fields.PFID: "ID", fields.PFPadDec: "10_PADDED_DEC",
}

// legendFormats are the print formats csysdig's JSON legend shows where
// they differ from the ones the field catalog renders with.
var legendFormats = map[string]fields.PrintFmt{
	"thread.cpu": fields.PFNA, "thread.cpu.user": fields.PFNA, "thread.cpu.system": fields.PFNA,
	"evt.type.is": fields.PFNA, "evt.time": fields.PFNA, "evt.time.s": fields.PFNA, "evt.type": fields.PFNA,
	"evt.arg": fields.PFNA, "fd.type": fields.PFDec, "proc.fdusage": fields.PFDec,
}

func legendFormat(c *colSpec) fields.PrintFmt {
	if c.field != nil && c.field.Def != nil {
		name := c.field.Def.Name
		if pf, ok := legendFormats[name]; ok {
			return pf
		}
		if name == "span.id" {
			return fields.PFID
		}
		if c.t == fields.TCharbuf {
			for _, p := range []string{"k8s.", "mesos.", "marathon.", "span."} {
				if strings.HasPrefix(name, p) {
					return fields.PFNA
				}
			}
		}
	}
	return c.pf
}

// Runner runs one view over a pipeline's events as csysdig does: a
// pipeline.Sink that feeds the view's table and ends its samples every
// period (live) or once at the end of a file.
type Runner struct {
	Set  *Set
	View int // index of the view in Set
	// CmdFilter is the filter of the command line.
	CmdFilter string
	Hier      Hierarchy
	Depth     int
	RefreshNs uint64
	SortCol   int
	// NumEvents stops the run after that many events (nothing is
	// printed then, as with csysdig).
	NumEvents int64
	Mode      Output
	// Replay ends samples every RefreshNs of event time on files too (the
	// interactive UI steps through a capture this way).
	Replay bool
	Out    *bufio.Writer
	Ctx    *fields.Ctx
	// OnSample receives every sample (after it is printed).
	OnSample func(t *Table, rows []*Row, delta uint64)

	table      *Table
	fileSize   int64
	eng        *state.Engine
	live       bool
	first      uint64
	last       uint64
	n          int64
	stopped    bool
	lastProg   uint64
	jsonOpened bool
}

// CompleteFilter is the filter the view's table runs: the command line's,
// the drill-downs' and the view's.
func (r *Runner) CompleteFilter() string {
	f := Combine(r.CmdFilter, r.Hier.Filter(false))
	return Combine(f, r.Set.Views[r.View].FilterAt(r.Depth))
}

// Table is the current table (nil before Start).
func (r *Runner) Table() *Table { return r.table }

// Setup builds the table; Start calls it when it was not done.
func (r *Runner) Setup() error {
	t, err := NewTable(TableConfig{View: r.Set.Views[r.View], Filter: r.CompleteFilter(),
		Depth: r.Depth, RefreshNs: r.RefreshNs, SortCol: r.SortCol, Ctx: r.Ctx})
	if err != nil {
		return err
	}
	r.table = t
	return nil
}

// Start implements pipeline.Sink.
func (r *Runner) Start(in *pipeline.Input) error {
	r.eng = in.Engine
	r.live = in.Live
	if in.Path != "" {
		if st, err := os.Stat(in.Path); err == nil {
			r.fileSize = st.Size()
		}
	}
	if r.table == nil {
		return r.Setup()
	}
	return nil
}

// Event implements pipeline.Sink.
func (r *Runner) Event(c *fields.Ctx) error {
	ts := c.Ev.Ts
	if r.Replay && !r.live && ts > r.table.NextFlush {
		r.endOfSample(ts, true)
	}
	if !r.live {
		if r.first == 0 {
			r.first = ts
		}
		r.last = ts
		if r.Mode == OutJSON && c.Ev.Num-r.lastProg > 300000 {
			fmt.Fprintf(r.Out, "{\"progress\": %.2f},\n", r.progress(c.Ev))
			r.Out.Flush()
			r.lastProg = c.Ev.Num
		}
	} else if ts > r.table.NextFlush {
		r.endOfSample(ts, true)
	}
	r.table.Event(c)
	r.n++
	if r.NumEvents > 0 && r.n >= r.NumEvents {
		r.stopped = true
		return pipeline.ErrStop
	}
	return nil
}

// progress is the share of the file read once the event's block is (for
// compressed files, of the uncompressed stream against the file's size).
// csysdig's reader is a little ahead of the event (it reads ahead):
// this can be 0.01 lower than what it prints.
func (r *Runner) progress(ev *state.Event) float64 {
	if r.fileSize <= 0 {
		return 0
	}
	// block header (type, length), the cpu, the flags of EVF blocks,
	// the event padded to 4 bytes, the trailing length
	n := int64(8 + 2 + len(ev.Raw()))
	switch ev.Block {
	case scap.BlockEVFv1, scap.BlockEVFv2, scap.BlockEVFv2Large:
		n += 4
	}
	n = (n+3)&^3 + 4
	return float64(ev.Offset+n) * 100 / float64(r.fileSize)
}

// End implements pipeline.Sink: at the end of a file csysdig ends the
// sample twice (the first call only starts the period, and prints an
// empty table in raw mode).
func (r *Runner) End() error {
	if r.stopped || r.live || r.table == nil {
		return nil
	}
	if r.Replay {
		r.endOfSample(r.last, true)
		return nil
	}
	r.endOfSample(r.last, false)
	r.endOfSample(r.last, true)
	return nil
}

// Delta is the duration of the samples (per-second columns divide by it).
func (r *Runner) Delta() uint64 { return r.delta() }

func (r *Runner) delta() uint64 {
	if r.live || r.Replay {
		return r.RefreshNs
	}
	return r.last - r.first
}

func (r *Runner) endOfSample(ts uint64, second bool) {
	t := r.table
	t.Flush(r.eng, ts)
	delta := r.delta()
	switch r.Mode {
	case OutRaw:
		rows := t.Sample()
		b := t.AppendRaw(nil, rows, delta)
		r.Out.Write(b)
		r.Out.Flush()
	case OutJSON:
		if !r.live && !second {
			return
		}
		b := []byte(`{"progress": 100, `)
		rows := t.Sample()
		b, n := t.AppendJSONRows(b, rows, delta)
		b = fmt.Appendf(b, "\"count\": %d, ", n)
		b = append(b, `"info": `...)
		b = r.appendInfo(b, rows)
		b = append(b, "}\n"...)
		r.Out.Write(b)
		r.Out.Flush()
	}
	if r.OnSample != nil {
		r.OnSample(t, t.Sample(), delta)
	}
}

// appendInfo writes the "info" object of a JSON sample: the view's
// legend and the drill-down filter templates.
func (r *Runner) appendInfo(b []byte, rows []*Row) []byte {
	v := r.Set.Views[r.View]
	b = append(b, '{')
	if len(v.AppliesTo) > 0 {
		b = append(b, `"appliesTo":[`...)
		for i, a := range v.AppliesTo {
			if i > 0 {
				b = append(b, ',')
			}
			b = fields.AppendJSONString(b, []byte(a))
		}
		b = append(b, "],"...)
	}
	key := v.Key()
	if key != nil {
		b = append(b, `"canDrillDown":true,"drillDownKeyField":`...)
		b = fields.AppendJSONString(b, []byte(key.Field))
		b = append(b, ',')
	} else {
		b = append(b, `"canDrillDown":false,`...)
	}
	if v.Kind == TableView {
		tf, tfv := r.templates(rows)
		b = append(b, `"filterTemplate":`...)
		b = fields.AppendJSONString(b, []byte(tfv))
		b = append(b, `,"filterTemplateF":`...)
		b = fields.AppendJSONString(b, []byte(tf))
		b = append(b, ',')
	}
	b = append(b, `"legend":`...)
	names, sizes := v.Shown()
	cols := r.table.outCols()
	if len(names) <= 1 {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for j := 1; j < len(names); j++ {
			if j > 1 {
				b = append(b, ',')
			}
			c := &cols[j]
			b = append(b, `{"format":`...)
			b = fields.AppendJSONString(b, []byte(printFmtNames[legendFormat(c)]))
			b = append(b, `,"name":`...)
			b = fields.AppendJSONString(b, []byte(names[j]))
			b = fmt.Appendf(b, `,"size":%d,"type":`, sizes[j])
			b = fields.AppendJSONString(b, []byte(c.t.String()))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = fmt.Appendf(b, `,"sortingCol":%d}`, v.SortCol)
	return b
}

// templates computes csysdig's filterTemplateF and filterTemplate: the
// filters a drill-down from the first row would give, with the value
// replaced by FilterTemplateMagic.
func (r *Runner) templates(rows []*Row) (withView, noView string) {
	v := r.Set.Views[r.View]
	key := v.Key()
	target := -1
	field := ""
	if key != nil {
		field = key.FilterFieldAt(r.Depth)
		target = r.Set.Index(v.DrilldownTarget)
		if v.DrilldownTarget == "" {
			target = -1
		}
		if target < 0 {
			for i, w := range r.Set.Views {
				if slices.Contains(w.AppliesTo, field) {
					target = i
					break
				}
			}
		}
	}
	hier := r.Hier
	view := r.View
	depth := r.Depth
	if target >= 0 {
		val := ""
		if len(rows) > 0 {
			val = r.table.KeyText(rows[0])
		}
		_, kt := r.table.KeyField()
		val = QuoteValue(sysdigTypes[kt], val)
		if v.DrilldownIncreaseDepth && r.Set.Views[target].ID != "spectro_tracers" {
			depth++
		}
		vf := ""
		if v.PropagateFilter {
			vf = v.FilterAt(depth)
		}
		hier = append(append(Hierarchy(nil), r.Hier...), Step{Field: field, Value: val, Column: key, ViewFilter: vf, PrevView: r.View, Drilldown: true})
		view = target
	}
	noView = Combine(r.CmdFilter, hier.Filter(true))
	withView = Combine(noView, r.Set.Views[view].FilterAt(depth))
	return withView, noView
}
