package views

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
	"github.com/traceproj/trace/state"
)

// colSpec is one extracted column of a table.
type colSpec struct {
	name      string
	field     *fields.Field
	t         fields.Type
	pf        fields.PrintFmt
	aggr      Aggregation
	mergeAggr Aggregation
	// timeAvg marks per-second columns (TIME_AVG in either pass).
	timeAvg bool
	// absent columns never have a value.
	absent bool
	// stable columns are a function of the thread and the engine's state
	// generation (fields.Field.ThreadStable).
	stable bool
	// sized columns are a function of the thread, the state generation and
	// the size generation (fields.Field.SizeStable): cached like stable
	// ones, extracted again when the engine's SizeGen moves.
	sized bool
	// sparse, when not nil, marks the event types the column's field may
	// have a value for: for other types the column adds nothing (its
	// default zero changes no aggregate), so it is not extracted.
	sparse []bool
}

// idle reports whether the column adds nothing for an event of type typ.
func (cs *colSpec) idle(typ uint16) bool {
	m := cs.sparse
	return m != nil && int(typ) < len(m) && !m[typ]
}

// viewStable are fields views use that, like fields.Field.ThreadStable
// ones, only change with an event that changes state.
var viewStable = map[string]bool{
	"proc.exeline": true, "proc.vpid": true, "thread.vtid": true, "thread.nametid": true,
}

// threadCache remembers, for a thread, its row and the values of the
// stable columns, valid while the state generation stays.
type threadCache struct {
	gen  uint64
	sgen uint64 // the SizeGen of the sized cells
	row  *Row
	// drop is set when a stable column without value dropped the event.
	drop  bool
	cells []cell
}

// Row is one row of a sample: its key and its values (the columns after
// the key, in view order, the group-by key left out).
type Row struct {
	key  cell
	vals []cell
}

// Sample is the rows of one sample period, sorted.
type Sample struct {
	Rows []*Row
	// Delta is the sample's duration in ns (per-second columns divide
	// by it).
	Delta uint64
}

// ListRefreshNs is the sample period of list views, shorter than the
// tables' to keep them live.
const ListRefreshNs = 200000000

// TableConfig configures a Table.
type TableConfig struct {
	View *View
	// Filter is the complete filter (command line, drill-downs, view);
	// "" for none.
	Filter string
	// Depth resolves %depth in fields.
	Depth int
	// RefreshNs is the sample period (csysdig's -d); lists use
	// ListRefreshNs.
	RefreshNs uint64
	// SortCol, if >= 1, overrides the view's sort column.
	SortCol int
	Ctx     *fields.Ctx
}

// Table aggregates events into a view's rows.
type Table struct {
	view        *View
	kind        Kind
	filter      *filter.Filter
	useDefaults bool
	pre         []colSpec // key first
	post        []colSpec // group-by key first; nil without group-by
	groupCols   []int     // the pre column of each post column
	refresh     uint64

	premerge map[string]*Row
	merged   map[string]*Row
	list     []*Row // list rows, kept across samples
	sample   []*Row

	sortCol    int // index into a row's values; -1 none
	ascending  bool
	justSorted bool
	paused     bool

	NextFlush, prevFlush uint64
	counter              uint64 // util.cnt of list rows

	ctx     *fields.Ctx
	scratch []cell
	keybuf  []byte
	val     fields.Value
	pr      printer
	fake    state.Event
	fakeScp scap.Event
	fakeRaw []byte
	// TextFilter keeps the rows with a string value containing it (F4).
	TextFilter string

	cacheable bool
	caches    map[*state.Thread]*threadCache
	lastTh    *state.Thread
	lastTc    *threadCache
	cache     *threadCache // the current event's
}

// NewTable builds the table of a view.
func NewTable(cfg TableConfig) (*Table, error) {
	v := cfg.View
	t := &Table{view: v, kind: v.Kind, useDefaults: v.UseDefaults, refresh: cfg.RefreshNs, ctx: cfg.Ctx}
	if t.ctx == nil {
		t.ctx = fields.NewCtx()
	}
	t.pr.ctx = t.ctx
	if t.refresh == 0 {
		t.refresh = 2000000000
	}
	if t.kind == ListView {
		t.refresh = ListRefreshNs
	}
	if cfg.Filter != "" {
		f, err := filter.Compile(cfg.Filter)
		if err != nil {
			return nil, err
		}
		t.filter = f
	}
	keyPresent := false
	for _, c := range v.Columns {
		name := c.FieldAt(cfg.Depth)
		var cs colSpec
		if strings.HasPrefix(name, "evt.infra.") {
			// sysdig's infrastructure events (docker events) are never
			// in a capture trace reads: the column has no values
			cs = colSpec{name: c.Name, absent: true, t: fields.TCharbuf, pf: fields.PFNA, aggr: c.Aggr, mergeAggr: c.GroupByAggr}
		} else {
			f, n, err := fields.Parse(name)
			if err != nil || n != len(name) {
				return nil, fmt.Errorf("invalid field name %s", name)
			}
			cs = colSpec{name: c.Name, field: f, t: f.Type, pf: f.PF, aggr: c.Aggr, mergeAggr: c.GroupByAggr}
		}
		if c.Key {
			if keyPresent {
				return nil, fmt.Errorf("invalid table configuration: multiple keys specified")
			}
			keyPresent = true
			t.pre = append([]colSpec{cs}, t.pre...)
		} else {
			t.pre = append(t.pre, cs)
		}
	}
	if t.kind != ListView {
		if !keyPresent {
			return nil, fmt.Errorf("table is missing the key")
		}
	} else {
		if keyPresent {
			return nil, fmt.Errorf("list table can't have a key")
		}
		t.pre = append([]colSpec{{name: "", t: fields.TUint64, pf: fields.PFDec}}, t.pre...)
	}
	if len(t.pre) < 2 {
		return nil, fmt.Errorf("table has no values")
	}
	ngby := 0
	for _, c := range v.Columns {
		if c.GroupBy {
			ngby++
		}
	}
	if ngby > 1 {
		return nil, fmt.Errorf("invalid table definition: multiple groupby keys")
	}
	if ngby == 1 {
		if t.kind == ListView {
			return nil, fmt.Errorf("group by not supported for list tables")
		}
		for j, c := range v.Columns {
			if c.Key {
				continue
			}
			if c.GroupBy {
				t.post = append([]colSpec{t.pre[j]}, t.post...)
				t.groupCols = append([]int{j}, t.groupCols...)
			} else {
				t.post = append(t.post, t.pre[j])
				t.groupCols = append(t.groupCols, j)
			}
		}
		if len(t.groupCols) < 2 {
			return nil, fmt.Errorf("groupby table has no values")
		}
	}
	for i := range t.pre {
		t.pre[i].timeAvg = t.pre[i].aggr == TimeAvg || t.pre[i].mergeAggr == TimeAvg
	}
	for i := range t.post {
		t.post[i].timeAvg = t.post[i].aggr == TimeAvg || t.post[i].mergeAggr == TimeAvg
	}
	t.scratch = make([]cell, len(t.pre))
	t.caches = map[*state.Thread]*threadCache{}
	t.cacheable = t.kind != ListView
	for i := range t.pre {
		cs := &t.pre[i]
		cs.stable = cs.field != nil && !cs.absent && (cs.field.ThreadStable() || (cs.field.Arg == "" && viewStable[cs.field.Name]))
		cs.sized = !cs.stable && cs.field != nil && !cs.absent && cs.field.SizeStable()
	}
	if !t.pre[0].stable {
		t.cacheable = false
	}
	for i := 1; i < len(t.pre); i++ {
		cs := &t.pre[i]
		if cs.field == nil || cs.absent || cs.stable || cs.field.Types() == nil || !t.useDefaults {
			continue
		}
		var zero cell
		if t.defaultCell(cs, &zero) && cs.aggr != None && noop(cs, &zero) {
			cs.sparse = cs.field.Types()
		}
	}
	t.premerge = map[string]*Row{}
	t.merged = map[string]*Row{}
	t.sortCol = -1
	sc := v.SortCol
	if cfg.SortCol >= 1 && cfg.SortCol < len(v.Columns) {
		sc = cfg.SortCol
	}
	if err := t.SetSortCol(sc); err != nil {
		return nil, err
	}
	return t, nil
}

// outCols are the columns of the printed rows (key first).
func (t *Table) outCols() []colSpec {
	if t.post != nil {
		return t.post
	}
	return t.pre
}

// SetSortCol sorts by column col (1 is the first value column); choosing
// the current column again flips the direction. Numeric columns start
// descending, others ascending.
func (t *Table) SetSortCol(col int) error {
	cols := t.outCols()
	if col == 0 {
		if t.kind == TableView || t.kind == SpectroView {
			return fmt.Errorf("cannot sort by key")
		}
		t.sortCol = -1
		return nil
	}
	if col >= len(cols) {
		return fmt.Errorf("invalid table sorting column")
	}
	if col == t.sortCol+1 {
		t.ascending = !t.ascending
	} else {
		switch cols[col].t {
		case fields.TCharbuf, fields.TBytebuf, fields.TIPAddr, fields.TIPNet, fields.TPort:
			t.ascending = true
		default:
			t.ascending = false
		}
	}
	t.justSorted = true
	t.sortCol = col - 1
	return nil
}

// SortCol returns the sort column (1 is the first value column) and its
// direction.
func (t *Table) SortCol() (int, bool) { return t.sortCol + 1, t.ascending }

// SetPaused stops the table from taking list rows and making samples.
func (t *Table) SetPaused(p bool) { t.paused = p }

// Event adds an event. Events the table's filter rejects are ignored.
func (t *Table) Event(c *fields.Ctx) {
	if t.filter != nil && !t.filter.Match(c) {
		return
	}
	if t.cacheable {
		if th := c.Ev.Thread; th != nil && c.Ev.Engine() != nil {
			tc := t.lastTc
			if th != t.lastTh {
				tc = t.caches[th]
			}
			if tc == nil {
				tc = &threadCache{cells: make([]cell, len(t.pre))}
				t.caches[th] = tc
			} else if tc.gen == c.Ev.Engine().StateGen() {
				t.lastTh, t.lastTc = th, tc
				t.cache = tc
				t.cachedEvent(c)
				return
			}
			t.lastTh, t.lastTc = th, tc
			t.cache = tc
			t.fullEvent(c, tc)
			return
		}
	}
	t.fullEvent(c, nil)
}

// cachedEvent adds an event of the cached thread: only the columns that
// are not stable are extracted; the stable ones add their cached value.
func (t *Table) cachedEvent(c *fields.Ctx) {
	if t.cache.drop {
		return
	}
	typ := c.Ev.Type
	sgen := c.Ev.Engine().SizeGen()
	fresh := t.cache.sgen == sgen
	for j := 1; j < len(t.pre); j++ {
		cs := &t.pre[j]
		if cs.stable || cs.idle(typ) || (cs.sized && fresh) {
			continue
		}
		if !t.extract(c, cs, &t.scratch[j]) {
			return
		}
	}
	if !fresh {
		for j := 1; j < len(t.pre); j++ {
			if t.pre[j].sized {
				t.cache.cells[j].copyFrom(&t.scratch[j])
			}
		}
		t.cache.sgen = sgen
	}
	r := t.cache.row
	for j := 1; j < len(t.pre); j++ {
		cs := &t.pre[j]
		src := &t.scratch[j]
		if cs.idle(typ) {
			continue
		}
		if cs.stable || (cs.sized && fresh) {
			switch cs.aggr {
			case None, Max, Min:
				continue // the same value again changes nothing
			}
			src = &t.cache.cells[j]
		}
		if cs.aggr != None && !noop(cs, src) {
			r.vals[j-1].add(cs.t, src, cs.aggr)
		}
	}
}

// noop reports whether adding src (a default zero) leaves any cell of the
// column as it is.
func noop(cs *colSpec, src *cell) bool {
	if src.cnt != 0 || cs.t == fields.TCharbuf || cs.t == fields.TBytebuf {
		return false
	}
	switch cs.aggr {
	case Sum, TimeAvg, Avg, Min:
		return true
	case Max:
		return !cs.t.Signed() && cs.t != fields.TDouble
	}
	return false
}

// extract gets one column's value into dst; false drops the event.
func (t *Table) extract(c *fields.Ctx, cs *colSpec, dst *cell) bool {
	if cs.absent {
		return t.useDefaults && t.defaultCell(cs, dst)
	}
	t.val.N, t.val.F = 0, 0
	if !cs.field.Get(c, &t.val) {
		return t.useDefaults && t.defaultCell(cs, dst)
	}
	typ := cs.t
	if typ == fields.TDynamic {
		typ = t.val.T
	}
	dst.setValue(typ, &t.val)
	return true
}

func (t *Table) fullEvent(c *fields.Ctx, tc *threadCache) {
	cacheIt := tc != nil
	if cacheIt {
		tc.gen, tc.sgen, tc.row, tc.drop = c.Ev.Engine().StateGen(), c.Ev.Engine().SizeGen(), nil, false
	}
	for j := range t.pre {
		cs := &t.pre[j]
		dst := &t.scratch[j]
		if cs.field == nil && !cs.absent {
			// the list's row counter (util.cnt)
			t.counter++
			dst.n, dst.cnt, dst.s = t.counter, 1, dst.s[:0]
			continue
		}
		if !t.extract(c, cs, dst) {
			if cacheIt {
				if cs.stable {
					tc.drop = true
				} else {
					tc.gen = 0 // a value that comes and goes: extract again
				}
			}
			return
		}
	}
	r := t.addRow(t.pre, t.premerge, t.scratch, false)
	if cacheIt {
		tc.row = r
		for j := range t.pre {
			if t.pre[j].stable || t.pre[j].sized {
				tc.cells[j].copyFrom(&t.scratch[j])
			}
		}
	}
}

// defaultCell gives a missing value its zero: numbers printed in
// decimal, doubles and strings; other values drop the event.
func (t *Table) defaultCell(cs *colSpec, dst *cell) bool {
	switch cs.t {
	case fields.TUint64, fields.TUint32, fields.TInt64, fields.TInt32, fields.TInt16,
		fields.TBool, fields.TRelTime, fields.TAbsTime:
		if cs.pf != fields.PFDec {
			return false
		}
	case fields.TDouble, fields.TCharbuf:
	default:
		return false
	}
	dst.n, dst.f, dst.s, dst.cnt = 0, 0, dst.s[:0], 0
	return true
}

func newRow(src []cell) *Row {
	r := &Row{vals: make([]cell, len(src)-1)}
	r.key.copyFrom(&src[0])
	r.key.cnt = 1
	for j := 1; j < len(src); j++ {
		r.vals[j-1].copyFrom(&src[j])
	}
	return r
}

func (t *Table) addRow(cols []colSpec, m map[string]*Row, src []cell, merging bool) *Row {
	if t.kind == ListView {
		if t.paused {
			return nil
		}
		r := newRow(src)
		for j := range r.vals {
			r.vals[j].cnt = 1
		}
		t.list = append(t.list, r)
		return r
	}
	t.keybuf = src[0].keyBytes(t.keybuf[:0], cols[0].t)
	r, ok := m[string(t.keybuf)]
	if !ok {
		r = newRow(src)
		m[string(t.keybuf)] = r
		return r
	}
	for j := 1; j < len(src); j++ {
		a := cols[j].aggr
		if merging {
			a = cols[j].mergeAggr
		}
		if a == None {
			continue
		}
		r.vals[j-1].add(cols[j].t, &src[j], a)
	}
	return r
}

// Flush ends a sample at event ts: the threads of the engine are added as
// csysdig's end-of-sample pass does (one synthetic event per thread,
// stamped just before the second ts falls in), the group-by pass runs and
// the sample is ready for Sample. The first call only starts the period.
func (t *Table) Flush(eng *state.Engine, ts uint64) {
	t.caches = map[*state.Thread]*threadCache{}
	t.lastTh, t.lastTc = nil, nil
	if !t.paused && t.NextFlush != 0 {
		t.threadPass(eng, ts)
		t.createSample()
		t.premerge = map[string]*Row{}
		t.merged = map[string]*Row{}
	}
	t.prevFlush = t.NextFlush
	t.NextFlush = ts - ts%t.refresh + t.refresh
}

// sysdigeventX is the event type of the synthetic thread events.
const sysdigeventX = 197

func (t *Table) threadPass(eng *state.Engine, ts uint64) {
	if eng == nil {
		return
	}
	fts := ts - ts%1000000000 - 1
	if len(t.fakeRaw) == 0 {
		t.fakeRaw = make([]byte, 26)
	}
	eng.EachThread(func(th *state.Thread) bool {
		raw := t.fakeRaw
		binary.LittleEndian.PutUint64(raw[0:], fts)
		binary.LittleEndian.PutUint64(raw[8:], uint64(th.Tid))
		binary.LittleEndian.PutUint32(raw[16:], 26)
		binary.LittleEndian.PutUint16(raw[20:], sysdigeventX)
		binary.LittleEndian.PutUint32(raw[22:], 0)
		if err := t.fakeScp.Decode(raw, 26, 0); err != nil {
			return false
		}
		t.fake = state.Event{Event: &t.fakeScp, Info: scap.Info(sysdigeventX), Thread: th, FDNum: -1}
		eng.Bind(&t.fake)
		saved := t.ctx.Ev
		t.ctx.Ev = &t.fake
		if t.filter == nil || t.filter.Match(t.ctx) {
			t.fullEvent(t.ctx, nil)
		}
		t.ctx.Ev = saved
		return true
	})
}

func (t *Table) createSample() {
	if t.kind == ListView {
		return
	}
	m := t.premerge
	if t.post != nil {
		src := make([]cell, len(t.post))
		for _, r := range t.premerge {
			for j, col := range t.groupCols {
				if col == 0 {
					src[j] = r.key
				} else {
					src[j] = r.vals[col-1]
				}
			}
			t.addRow(t.post, t.merged, src, true)
		}
		m = t.merged
	}
	t.sample = t.sample[:0]
	for _, r := range m {
		t.sample = append(t.sample, r)
	}
}

// Sample returns the current sample, filtered by TextFilter and sorted.
func (t *Table) Sample() []*Row {
	rows := t.sample
	if t.kind == ListView {
		rows = t.list
	}
	if t.TextFilter != "" {
		var out []*Row
		for _, r := range rows {
			if t.rowHasText(r, t.TextFilter) {
				out = append(out, r)
			}
		}
		rows = out
	}
	t.sortRows(rows)
	return rows
}

func textual(t fields.Type) bool {
	switch t {
	case fields.TCharbuf, fields.TBytebuf, fields.TPort, fields.TIPAddr, fields.TIPNet:
		return true
	}
	return false
}

func (t *Table) rowHasText(r *Row, text string) bool {
	cols := t.outCols()
	for j := range r.vals {
		if textual(cols[j+1].t) && strings.Contains(t.pr.nice(cols[j+1].t, cols[j+1].pf, &r.vals[j], 0), text) {
			return true
		}
	}
	return false
}

// Search returns the index of the first row with a string value
// containing text, or -1.
func (t *Table) Search(rows []*Row, text string) int {
	for i, r := range rows {
		if t.rowHasText(r, text) {
			return i
		}
	}
	return -1
}

func (t *Table) sortRows(rows []*Row) {
	if t.kind == ListView {
		if t.sortCol == -1 || !t.justSorted {
			return
		}
		t.justSorted = false
	}
	if len(rows) == 0 || t.sortCol < 0 {
		return
	}
	col := t.sortCol
	// csysdig takes the type from the first pass's columns
	ty := t.pre[col+1].t
	if t.post != nil {
		ty = t.pre[col+2].t
	}
	asc := t.ascending
	sort.Slice(rows, func(i, j int) bool {
		a, b := &rows[i].vals[col], &rows[j].vals[col]
		if a.cnt > 1 || b.cnt > 1 {
			if asc {
				return avgLess(ty, a, b)
			}
			return avgLess(ty, b, a)
		}
		if asc {
			return less(ty, a, b)
		}
		return less(ty, b, a)
	})
}

// ColumnNames returns the names of the printed value columns.
func (t *Table) ColumnNames() []string {
	cols := t.outCols()
	out := make([]string, 0, len(cols)-1)
	for _, c := range cols[1:] {
		out = append(out, c.name)
	}
	return out
}

// Text renders value j of a row as csysdig's table does (delta is the
// sample duration for per-second columns).
func (t *Table) Text(r *Row, j int, delta uint64) string {
	c := &t.outCols()[j+1]
	cnt := float64(r.vals[j].cnt)
	if c.timeAvg && delta != 0 {
		cnt = float64(delta) / 1e9
	}
	return t.pr.nice(c.t, c.pf, &r.vals[j], cnt)
}

// TextWidth is Text for a column of the given width (the screen).
func (t *Table) TextWidth(r *Row, j int, delta uint64, width int) string {
	c := &t.outCols()[j+1]
	cnt := float64(r.vals[j].cnt)
	if c.timeAvg && delta != 0 {
		cnt = float64(delta) / 1e9
	}
	return t.pr.niceWidth(c.t, c.pf, &r.vals[j], cnt, width)
}

// Numeric reports whether value column j holds numbers (the screen
// aligns their names right).
func (t *Table) Numeric(j int) bool {
	c := &t.outCols()[j+1]
	return isInt(c.t) || c.t == fields.TDouble || c.t == fields.TRelTime || c.t == fields.TAbsTime || c.t == fields.TBool
}

// KeyType is the sysdig type number of the key (drill-down values of
// some types are quoted).
func (t *Table) KeyType() int { return sysdigTypes[t.outCols()[0].t] }

// KeyText is the row key as a drill-down filter compares it.
func (t *Table) KeyText(r *Row) string {
	c := &t.outCols()[0]
	return t.pr.plain(c.t, c.pf, &r.key)
}

// KeyField is the key column's field and type.
func (t *Table) KeyField() (*fields.Field, fields.Type) {
	c := &t.outCols()[0]
	return c.field, c.t
}

// ValueText is value j of a row unscaled (for action commands).
func (t *Table) ValueText(r *Row, j int) string {
	c := &t.outCols()[j+1]
	return t.pr.plain(c.t, c.pf, &r.vals[j])
}

// FieldIndex returns the value column showing field name, or -1.
func (t *Table) FieldIndex(name string) int {
	for j, c := range t.outCols()[1:] {
		if c.field != nil && c.field.Name == name {
			return j
		}
	}
	return -1
}

// AppendRaw appends the sample as csysdig --raw prints it.
func (t *Table) AppendRaw(b []byte, rows []*Row, delta uint64) []byte {
	for _, r := range rows {
		for j := range r.vals {
			b = append(b, t.Text(r, j, delta)...)
			b = append(b, ' ')
		}
		b = append(b, '\n')
	}
	return append(b, "----------------------\n"...)
}

// AppendJSONRows appends the "data" part of a JSON sample (nothing for
// an empty one) and returns the number of rows written.
func (t *Table) AppendJSONRows(b []byte, rows []*Row, delta uint64) ([]byte, int) {
	if len(rows) == 0 {
		return b, 0
	}
	cols := t.outCols()
	b = append(b, "\"data\": [\n"...)
	for k, r := range rows {
		b = append(b, `{"d":[`...)
		for j := range r.vals {
			if j > 0 {
				b = append(b, ',')
			}
			c := &cols[j+1]
			cnt := float64(r.vals[j].cnt)
			if c.timeAvg && delta != 0 {
				cnt = float64(delta) / 1e9
			}
			b = t.pr.json(b, c.t, c.pf, &r.vals[j], cnt)
		}
		b = append(b, `],"k":`...)
		b = fields.AppendJSONString(b, []byte(t.KeyText(r)))
		b = append(b, '}')
		if k < len(rows)-1 {
			b = append(b, ",\n"...)
		}
	}
	b = append(b, "],\n"...)
	return b, len(rows)
}
