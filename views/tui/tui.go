// Package tui is ctrace's interactive screen, csysdig's: a view's table
// refreshed every sample, drill-down and back, the view picker, text
// filter and search, sort column picker, echo and dig text views, the
// view's help and actions, on a terminal driven by tcell.
package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/gdamore/tcell/v2"
	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/pipeline"
	"github.com/traceproj/trace/views"
)

// Config configures a UI session.
type Config struct {
	Set       *views.Set
	View      int
	CmdFilter string
	RefreshNs uint64
	// Source names the input in the header ("Live System" or the file).
	Source string
	Live   bool
	// Run delivers the events to sink until ctx is done or the input
	// ends; the UI calls it again (a new read of the file) whenever the
	// view changes on a file.
	Run func(ctx context.Context, sink pipeline.Sink, fctx *fields.Ctx) error
	// NewCtx returns a field context for a run.
	NewCtx func() *fields.Ctx
	// Screen, for tests; nil opens the terminal.
	Screen tcell.Screen
}

type ui struct {
	cfg    Config
	scr    tcell.Screen
	sink   *sink
	view   int
	hier   views.Hierarchy
	depth  int
	snap   *snapshot
	sel    int
	top    int
	paused bool
	// text input: F4 filter or / search
	input     string
	inputKind byte // 0 none, 'f' filter, 's' search
	filterTxt string
	// side menus
	menu      byte // 0 none, 'v' views, 's' sort, 'a' actions
	menuItems []string
	menuIdx   []int
	menuSel   int
	help      bool
	textTop   int
	status    string
	sortCol   int
	cancel    context.CancelFunc
	runWG     sync.WaitGroup
	done      bool
	eof       bool
	mode      textMode
	fctx      *fields.Ctx
	// wantKey is the key of the row to select again after Backspace.
	wantKey string
	// gen counts the runs: the end of an earlier one is ignored.
	gen int
	// srcInfo is "(N evts, duration)" once a file was read to its end.
	srcInfo string
}

type infoEvent struct {
	tcell.EventTime
	info string
}

type sampleEvent struct {
	tcell.EventTime
	snap *snapshot
}

type textEvent struct{ tcell.EventTime }

type endEvent struct {
	tcell.EventTime
	err error
	gen int
}

// Run runs the UI until the user quits; the terminal is restored.
func Run(cfg Config) error {
	scr := cfg.Screen
	if scr == nil {
		var err error
		if scr, err = tcell.NewScreen(); err != nil {
			return err
		}
	}
	if err := scr.Init(); err != nil {
		return err
	}
	defer scr.Fini()
	scr.EnableMouse()
	u := &ui{cfg: cfg, scr: scr, view: cfg.View, sortCol: -1}
	u.start()
	defer u.stop()
	u.draw()
	for {
		ev := scr.PollEvent()
		switch ev := ev.(type) {
		case *tcell.EventResize:
			scr.Sync()
		case *tcell.EventKey:
			if u.key(ev) {
				return nil
			}
		case *tcell.EventMouse:
			u.mouse(ev)
		case *sampleEvent:
			if !u.paused && u.mode == modeTable {
				u.setSnap(ev.snap)
			}
		case *infoEvent:
			if u.srcInfo == "" {
				u.srcInfo = ev.info
			}
		case *textEvent:
		case *endEvent:
			if ev.gen != u.gen {
				continue
			}
			u.eof = true
			if ev.err != nil && ev.err != context.Canceled {
				u.status = ev.err.Error()
			}
		case nil:
			return nil
		}
		u.draw()
	}
}

// start (re)starts the event delivery for the current view or text mode.
func (u *ui) start() {
	u.stop()
	u.eof = false
	ctx, cancel := context.WithCancel(context.Background())
	u.cancel = cancel
	u.fctx = u.cfg.NewCtx()
	w, _ := u.scr.Size()
	u.fctx.ScreenW = w
	s := &sink{mode: u.mode}
	post := func(sn *snapshot) { u.scr.PostEvent(&sampleEvent{snap: sn}) }
	s.post = post
	s.postText = func() { u.scr.PostEvent(&textEvent{}) }
	if !u.cfg.Live {
		s.postEnd = func(n int64, delta uint64) {
			u.scr.PostEvent(&infoEvent{info: fmt.Sprintf(" (%d evts, %s)", n, strings.TrimSpace(views.FormatTime(delta, 0)))})
		}
	}
	if u.mode == modeTable {
		r := &views.Runner{Set: u.cfg.Set, View: u.view, CmdFilter: u.cfg.CmdFilter, Hier: u.hier, Depth: u.depth,
			RefreshNs: u.cfg.RefreshNs, SortCol: u.sortCol, Mode: views.OutNone, Replay: !u.cfg.Live, Ctx: u.fctx}
		r.OnSample = s.onSample
		if err := r.Setup(); err != nil {
			u.status = err.Error()
			cancel()
			return
		}
		if u.filterTxt != "" {
			r.Table().TextFilter = u.filterTxt
		}
		s.runner = r
	} else {
		f := views.Combine(u.cfg.CmdFilter, u.hier.Filter(false))
		if f != "" {
			flt, err := filter.Compile(f)
			if err != nil {
				u.status = err.Error()
				cancel()
				return
			}
			s.flt = flt
		}
		s.line = output.DefaultLine(&output.DefaultPrinter{R: u.fctx.R, Time: output.OutputTime{Mode: output.TimeHuman}})
	}
	u.sink = s
	u.gen++
	gen := u.gen
	u.runWG.Add(1)
	go func() {
		defer u.runWG.Done()
		err := u.cfg.Run(ctx, s, u.fctx)
		u.scr.PostEvent(&endEvent{err: err, gen: gen})
	}()
}

func (u *ui) stop() {
	if u.cancel != nil {
		u.cancel()
		u.runWG.Wait()
		u.cancel = nil
	}
}

func (u *ui) setSnap(sn *snapshot) {
	u.snap = sn
	if u.wantKey != "" {
		for i, k := range sn.keys {
			if k == u.wantKey {
				u.sel = i
				u.wantKey = ""
				break
			}
		}
	}
	if u.sel >= len(sn.rows) {
		u.sel = len(sn.rows) - 1
	}
	if u.sel < 0 {
		u.sel = 0
	}
}

func (u *ui) curView() *views.View { return u.cfg.Set.Views[u.view] }

var (
	stDefault  = tcell.StyleDefault
	stBold     = tcell.StyleDefault.Foreground(tcell.ColorTeal).Bold(true)
	stHeader   = tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorGreen)
	stSel      = tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorTeal)
	stKey      = tcell.StyleDefault
	stKeyDesc  = tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorTeal)
	stPaused   = tcell.StyleDefault.Foreground(tcell.ColorRed).Bold(true)
	stMenu     = tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorTeal)
	stMenuSel  = tcell.StyleDefault.Foreground(tcell.ColorBlack).Background(tcell.ColorYellow)
	stPosition = tcell.StyleDefault.Foreground(tcell.ColorTeal)
)

func (u *ui) put(x, y int, s string, st tcell.Style) int {
	w, _ := u.scr.Size()
	for _, r := range s {
		if x >= w {
			break
		}
		u.scr.SetContent(x, y, r, nil, st)
		x++
	}
	return x
}

func (u *ui) fill(y int, st tcell.Style) {
	w, _ := u.scr.Size()
	for x := 0; x < w; x++ {
		u.scr.SetContent(x, y, ' ', nil, st)
	}
}

func (u *ui) draw() {
	u.scr.Clear()
	w, h := u.scr.Size()
	// header: what is viewed, for what, the source and the filter
	name := u.curView().Name
	switch u.mode {
	case modeEcho:
		name = "I/O activity"
	case modeDig:
		name = "sysdig output"
	}
	x := u.put(0, 0, "Viewing: ", stBold)
	x = u.put(x, 0, name, stDefault)
	x = u.put(x+1, 0, "For: ", stBold)
	u.put(x, 0, u.hier.Describe(), stDefault)
	if u.paused {
		u.put(w/2-3, 0, "PAUSED", stPaused)
	}
	x = u.put(0, 1, "Source: ", stBold)
	x = u.put(x, 1, u.cfg.Source+u.srcInfo, stDefault)
	x = u.put(x+1, 1, "Filter: ", stBold)
	flt := u.completeFilter()
	if flt == "" {
		flt = "none"
	}
	u.put(x, 1, flt, stDefault)
	if u.mode != modeTable {
		u.drawText(w, h)
	} else {
		u.drawTable(w, h)
	}
	u.drawBar(w, h)
	if u.menu != 0 {
		u.drawMenu(h)
	}
	if u.help {
		u.drawHelp(w, h)
	}
	u.scr.Show()
}

func (u *ui) completeFilter() string {
	f := views.Combine(u.cfg.CmdFilter, u.hier.Filter(false))
	if u.mode == modeTable {
		f = views.Combine(f, u.curView().FilterAt(u.depth))
	}
	return f
}

// drawTable draws the column header and the visible rows.
func (u *ui) drawTable(w, h int) {
	u.fill(2, stHeader)
	x0 := 0
	if u.menu != 0 {
		x0 = 21
	}
	if u.snap == nil {
		u.put(x0, 2, "", stHeader)
		if !u.eof {
			u.put(w/2-8, h/2, "Processing Data", stDefault)
		}
		return
	}
	sn := u.snap
	sortCol := -1
	if u.sink != nil && u.sink.runner != nil && u.sink.runner.Table() != nil {
		sortCol, _ = u.sink.runner.Table().SortCol()
		sortCol--
	}
	x := x0
	for j, n := range sn.names {
		if n == "NA" {
			continue
		}
		size := int(sn.sizes[j])
		if size <= 0 {
			size = w - x
		}
		st := stHeader
		if j == sortCol {
			st = st.Background(tcell.ColorTeal)
		}
		for k := 0; k < size && x+k < w; k++ {
			u.scr.SetContent(x+k, 2, ' ', nil, st)
		}
		if j < len(sn.numeric) && sn.numeric[j] && size > len(n) {
			// numbers are right aligned, and so are their names
			u.put(x+size-1-len(n), 2, n, st)
		} else {
			u.put(x, 2, n, st)
		}
		x += size
	}
	rowsH := h - 4
	if u.sel < u.top {
		u.top = u.sel
	}
	if u.sel >= u.top+rowsH {
		u.top = u.sel - rowsH + 1
	}
	for i := 0; i < rowsH && u.top+i < len(sn.rows); i++ {
		ri := u.top + i
		y := 3 + i
		st := stDefault
		if ri == u.sel {
			st = stSel
			for k := x0; k < w; k++ {
				u.scr.SetContent(k, y, ' ', nil, st)
			}
		}
		x := x0
		for j, c := range sn.rows[ri] {
			if sn.names[j] == "NA" {
				continue
			}
			size := int(sn.sizes[j])
			if size <= 0 {
				size = w - x
			}
			if len(c) > size-1 && size > 1 {
				c = c[:size-1]
			}
			u.put(x, y, c, st)
			x += size
		}
	}
	if len(sn.rows) == 0 && u.eof {
		u.put(w/2-8, h/2, "No data to show", stDefault)
	}
}

func (u *ui) drawText(w, h int) {
	u.sink.mu.Lock()
	text := u.sink.text.String()
	u.sink.mu.Unlock()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if text == "" {
		lines = nil
	}
	rowsH := h - 3
	if u.textTop > len(lines)-rowsH {
		u.textTop = len(lines) - rowsH
	}
	if u.textTop < 0 {
		u.textTop = 0
	}
	for i := 0; i < rowsH && u.textTop+i < len(lines); i++ {
		u.put(0, 2+i, lines[u.textTop+i], stDefault)
	}
	if len(lines) == 0 && u.eof {
		u.put(w/2-8, h/2, "No data to show", stDefault)
	}
}

type fkey struct{ key, desc string }

func (u *ui) drawBar(w, h int) {
	y := h - 1
	u.fill(y, stDefault)
	if u.inputKind != 0 {
		x := u.put(0, y, "Enter", stKey)
		x = u.put(x, y, "Done  ", stKeyDesc)
		x = u.put(x, y, "Esc", stKey)
		x = u.put(x, y, "Clear ", stKeyDesc)
		label := " Filter: "
		if u.inputKind == 's' {
			label = " Text to match: "
		}
		x = u.put(x, y, label, stKeyDesc)
		u.put(x, y, u.input, stDefault)
		u.scr.ShowCursor(x+len(u.input), y)
		return
	}
	u.scr.HideCursor()
	var keys []fkey
	if u.mode != modeTable {
		keys = []fkey{{"F1", "Help"}, {"p", "Pause"}, {"Bak", "Back"}, {"c", "Clear"}}
	} else {
		keys = []fkey{{"F1", "Help"}, {"F2", "Views"}, {"F4", "Filter"}}
		if u.curView().Kind == views.TableView {
			keys = append(keys, fkey{"F5", "Echo"}, fkey{"F6", "Dig"})
		}
		keys = append(keys, fkey{"F7", "Legend"}, fkey{"F8", "Actions"}, fkey{"F9", "Sort"}, fkey{"F12", "Spectro"}, fkey{"CTRL+F", "Search"}, fkey{"p", "Pause"})
		if u.curView().Kind == views.ListView {
			keys = append(keys, fkey{"c", "Clear"})
		}
	}
	x := 0
	for _, k := range keys {
		x = u.put(x, y, fmt.Sprintf("%-2s", k.key), stKey)
		x = u.put(x, y, fmt.Sprintf("%-6s", k.desc), stKeyDesc)
	}
	// position counter at the right
	pos := ""
	if u.mode == modeTable && u.snap != nil {
		n := len(u.snap.rows)
		cur := u.sel + 1
		if n == 0 {
			cur = 0
		}
		pct := 0.0
		if n > 0 {
			pct = float64(cur) * 100 / float64(n)
		}
		pos = fmt.Sprintf("%d/%d(%.1f%%)", cur, n, pct)
	}
	if u.status != "" {
		pos = u.status
	}
	if pos != "" && w-len(pos) > x {
		u.put(w-len(pos), y, pos, stPosition)
	}
}

func (u *ui) drawMenu(h int) {
	titles := map[byte]string{'v': "Select View", 's': "Select sort column", 'a': "Select Action"}
	u.put(0, 2, fmt.Sprintf("%-20s", titles[u.menu]), stHeader)
	for i, it := range u.menuItems {
		if 3+i >= h-1 {
			break
		}
		st := stMenu
		if i == u.menuSel {
			st = stMenuSel
		}
		if len(it) > 20 {
			it = it[:20]
		}
		u.put(0, 3+i, fmt.Sprintf("%-20s", it), st)
	}
	if u.menu == 'v' && u.menuSel < len(u.menuIdx) {
		v := u.cfg.Set.Views[u.menuIdx[u.menuSel]]
		u.drawViewInfo(v, 21, 3, h)
	}
}

// drawViewInfo shows a view's description, tips and columns.
func (u *ui) drawViewInfo(v *views.View, x, y, h int) {
	w, _ := u.scr.Size()
	for yy := y; yy < h-1; yy++ {
		for xx := x; xx < w; xx++ {
			u.scr.SetContent(xx, yy, ' ', nil, stDefault)
		}
	}
	lines := []string{v.Name, ""}
	lines = append(lines, wrap(v.Description, w-x-1)...)
	for _, t := range v.Tips {
		lines = append(lines, "")
		lines = append(lines, wrap("Tip: "+t, w-x-1)...)
	}
	lines = append(lines, "", "Columns:")
	for _, c := range v.Columns {
		if c.Name == "NA" {
			continue
		}
		d := c.Description
		if d == "" {
			if f, _, err := fields.Parse(c.Field); err == nil && f.Def != nil {
				d = f.Def.Desc
			}
		}
		lines = append(lines, wrap(c.Name+": "+d, w-x-1)...)
	}
	for i, l := range lines {
		if y+i >= h-1 {
			break
		}
		st := stDefault
		if i == 0 || l == "Columns:" {
			st = stBold
		}
		u.put(x, y+i, l, st)
	}
}

func (u *ui) drawHelp(w, h int) {
	u.drawViewInfo(u.curView(), 0, 2, h)
	_ = w
}

func wrap(s string, w int) []string {
	if w < 10 {
		w = 10
	}
	var out []string
	for len(s) > w {
		i := strings.LastIndexByte(s[:w], ' ')
		if i <= 0 {
			i = w
		}
		out = append(out, s[:i])
		s = strings.TrimLeft(s[i:], " ")
	}
	return append(out, s)
}

// key handles a key; true quits.
func (u *ui) key(ev *tcell.EventKey) bool {
	u.status = ""
	if u.inputKind != 0 {
		u.inputKey(ev)
		return false
	}
	if u.help {
		u.help = false
		return false
	}
	if u.menu != 0 {
		u.menuKey(ev)
		return false
	}
	switch ev.Key() {
	case tcell.KeyF10:
		return true
	case tcell.KeyUp:
		u.move(-1)
	case tcell.KeyDown:
		u.move(1)
	case tcell.KeyPgUp:
		u.move(-u.page())
	case tcell.KeyPgDn:
		u.move(u.page())
	case tcell.KeyHome:
		u.move(-1 << 30)
	case tcell.KeyEnd:
		u.move(1 << 30)
	case tcell.KeyEnter:
		u.drillDown()
	case tcell.KeyBackspace, tcell.KeyBackspace2:
		u.drillUp()
	case tcell.KeyF2:
		u.openViewMenu()
	case tcell.KeyF4:
		if u.mode == modeTable {
			u.inputKind, u.input = 'f', u.filterTxt
		}
	case tcell.KeyCtrlF:
		u.inputKind, u.input = 's', ""
	case tcell.KeyF5:
		u.spy(modeEcho)
	case tcell.KeyF6:
		u.spy(modeDig)
	case tcell.KeyF1, tcell.KeyF7:
		u.help = true
	case tcell.KeyF8:
		u.openActions()
	case tcell.KeyF9:
		u.openSortMenu()
	case tcell.KeyRune:
		switch ev.Rune() {
		case 'q':
			return true
		case 'p':
			u.paused = !u.paused
			if u.sink != nil {
				u.sink.mu.Lock()
				u.sink.paused = u.paused
				u.sink.mu.Unlock()
			}
		case '/':
			u.inputKind, u.input = 's', ""
		case '\\':
			if u.mode == modeTable {
				u.inputKind, u.input = 'f', u.filterTxt
			}
		case 'e':
			u.spy(modeEcho)
		case 'd':
			u.spy(modeDig)
		case '>':
			u.openSortMenu()
		case 'c':
			if u.mode != modeTable {
				u.sink.mu.Lock()
				u.sink.text.Reset()
				u.sink.mu.Unlock()
				u.textTop = 0
			}
		case '?', 'h':
			u.help = true
		default:
			u.actionHotkey(byte(ev.Rune()))
		}
	}
	return false
}

func (u *ui) page() int {
	_, h := u.scr.Size()
	if h > 5 {
		return h - 5
	}
	return 1
}

func (u *ui) move(d int) {
	if u.mode != modeTable {
		u.textTop += d
		if u.textTop < 0 {
			u.textTop = 0
		}
		return
	}
	if u.snap == nil {
		return
	}
	u.sel += d
	if u.sel >= len(u.snap.rows) {
		u.sel = len(u.snap.rows) - 1
	}
	if u.sel < 0 {
		u.sel = 0
	}
}

func (u *ui) inputKey(ev *tcell.EventKey) {
	switch ev.Key() {
	case tcell.KeyEnter, tcell.KeyF4, tcell.KeyCtrlF:
		u.inputKind = 0
		return
	case tcell.KeyEscape:
		if u.inputKind == 'f' {
			u.setTextFilter("")
		}
		u.input, u.inputKind = "", 0
		return
	case tcell.KeyBackspace, tcell.KeyBackspace2:
		if len(u.input) > 0 {
			u.input = u.input[:len(u.input)-1]
		}
	case tcell.KeyRune:
		u.input += string(ev.Rune())
	default:
		return
	}
	if u.inputKind == 'f' {
		u.setTextFilter(u.input)
	} else if u.snap != nil {
		for i, row := range u.snap.rows {
			if rowContains(row, u.input) {
				u.sel = i
				return
			}
		}
		u.status = "NOT FOUND"
	}
}

func rowContains(row []string, s string) bool {
	for _, c := range row {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

// setTextFilter narrows the table to the rows with a value containing s
// (csysdig's F4 text filter); the current sample is filtered at once.
func (u *ui) setTextFilter(s string) {
	u.filterTxt = s
	if u.sink == nil || u.sink.runner == nil || u.sink.runner.Table() == nil {
		return
	}
	u.sink.mu.Lock()
	u.sink.runner.Table().TextFilter = s
	u.sink.mu.Unlock()
	u.sink.resample()
}

// drillDown opens the drill-down view of the selected row, filtered on
// its key.
func (u *ui) drillDown() {
	if u.mode != modeTable || u.snap == nil || u.sel >= len(u.snap.keys) {
		return
	}
	v := u.curView()
	key := v.Key()
	if key == nil {
		return
	}
	field := key.FilterFieldAt(u.depth)
	target := -1
	if v.DrilldownTarget != "" {
		target = u.cfg.Set.Index(v.DrilldownTarget)
	}
	if target < 0 {
		for i, w := range u.cfg.Set.Views {
			for _, a := range w.AppliesTo {
				if a == field {
					target = i
					break
				}
			}
			if target >= 0 {
				break
			}
		}
	}
	if target < 0 {
		return
	}
	val := views.QuoteValue(u.snap.keyType, u.snap.keys[u.sel])
	depth := u.depth
	if v.DrilldownIncreaseDepth {
		depth++
	}
	vf := ""
	if v.PropagateFilter {
		vf = v.FilterAt(depth)
	}
	sc, asc := 0, false
	if t := u.sink.runner.Table(); t != nil {
		sc, asc = t.SortCol()
	}
	u.hier = append(u.hier, views.Step{Field: field, Value: val, Column: key, ViewFilter: vf, PrevView: u.view,
		PrevSortCol: sc, PrevAscending: asc, PrevTextFilter: u.filterTxt, PrevKey: u.snap.keys[u.sel], Drilldown: true, Depth: u.depth})
	u.depth = depth
	u.view = target
	u.resetView()
}

func (u *ui) resetView() {
	u.snap, u.sel, u.top, u.filterTxt, u.sortCol = nil, 0, 0, "", -1
	u.paused = false
	u.start()
}

// drillUp goes back to the previous view (or leaves echo and dig).
func (u *ui) drillUp() {
	if len(u.hier) == 0 {
		return
	}
	s := u.hier[len(u.hier)-1]
	u.hier = u.hier[:len(u.hier)-1]
	u.mode = modeTable
	u.view, u.depth = s.PrevView, s.Depth
	u.snap, u.sel, u.top = nil, 0, 0
	u.filterTxt = s.PrevTextFilter
	u.sortCol = s.PrevSortCol
	u.wantKey = s.PrevKey
	u.paused = false
	u.textTop = 0
	u.start()
}

// spy shows the I/O (echo) or the events (dig) of the selected row.
func (u *ui) spy(m textMode) {
	if u.mode != modeTable || u.curView().Kind != views.TableView || u.snap == nil || len(u.snap.rows) == 0 {
		return
	}
	v := u.curView()
	key := v.Key()
	vf := ""
	if v.PropagateFilter {
		vf = v.FilterAt(u.depth)
	}
	sc, asc := 0, false
	if t := u.sink.runner.Table(); t != nil {
		sc, asc = t.SortCol()
	}
	u.hier = append(u.hier, views.Step{Field: key.FilterFieldAt(u.depth), Value: views.QuoteValue(u.snap.keyType, u.snap.keys[u.sel]),
		Column: key, ViewFilter: vf, PrevView: u.view, PrevSortCol: sc, PrevAscending: asc, PrevKey: u.snap.keys[u.sel], Drilldown: true, Depth: u.depth})
	u.mode = m
	u.textTop = 0
	u.start()
}

func (u *ui) openViewMenu() {
	field := ""
	if n := len(u.hier); n > 0 {
		field = u.hier[n-1].Field
	}
	u.menu, u.menuItems, u.menuIdx, u.menuSel = 'v', nil, nil, 0
	for _, v := range u.cfg.Set.For(field) {
		i := u.cfg.Set.Index(v.ID)
		if i == u.view {
			u.menuSel = len(u.menuItems)
		}
		u.menuItems = append(u.menuItems, v.Name)
		u.menuIdx = append(u.menuIdx, i)
	}
	if len(u.menuItems) == 0 {
		u.menu = 0
	}
}

func (u *ui) openSortMenu() {
	if u.mode != modeTable || u.snap == nil {
		return
	}
	u.menu, u.menuItems, u.menuIdx, u.menuSel = 's', nil, nil, 0
	cur := -1
	if t := u.sink.runner.Table(); t != nil {
		cur, _ = t.SortCol()
		cur--
	}
	for j, n := range u.snap.names {
		if n == "NA" {
			continue
		}
		if j == cur {
			u.menuSel = len(u.menuItems)
		}
		u.menuItems = append(u.menuItems, n)
		u.menuIdx = append(u.menuIdx, j+1)
	}
}

func (u *ui) openActions() {
	v := u.curView()
	u.menu, u.menuItems, u.menuIdx, u.menuSel = 'a', nil, nil, 0
	for i, a := range v.Actions {
		u.menuItems = append(u.menuItems, fmt.Sprintf("(%c) %s", a.Hotkey, a.Description))
		u.menuIdx = append(u.menuIdx, i)
	}
	if len(u.menuItems) == 0 {
		u.menuItems = []string{"<NO ACTIONS>"}
		u.menuIdx = []int{-1}
	}
}

func (u *ui) menuKey(ev *tcell.EventKey) {
	switch ev.Key() {
	case tcell.KeyUp:
		if u.menuSel > 0 {
			u.menuSel--
		}
	case tcell.KeyDown:
		if u.menuSel < len(u.menuItems)-1 {
			u.menuSel++
		}
	case tcell.KeyEscape, tcell.KeyF2, tcell.KeyF9, tcell.KeyF8:
		u.menu = 0
	case tcell.KeyEnter:
		m, i := u.menu, u.menuIdx[u.menuSel]
		u.menu = 0
		switch m {
		case 'v':
			if i != u.view {
				// a step without a filter: Backspace comes back here
				u.hier = append(u.hier, views.Step{PrevView: u.view, Depth: u.depth, PrevTextFilter: u.filterTxt})
				u.view = i
				u.resetView()
			}
		case 's':
			u.sortCol = i
			if t := u.sink.runner.Table(); t != nil {
				u.sink.mu.Lock()
				t.SetSortCol(i)
				u.sink.mu.Unlock()
			}
			u.sink.resample()
		case 'a':
			if i >= 0 {
				u.runAction(&u.curView().Actions[i])
			}
		}
	case tcell.KeyRune:
		if ev.Rune() == 'q' {
			u.menu = 0
		}
	}
}

func (u *ui) actionHotkey(k byte) {
	if u.mode != modeTable {
		return
	}
	for i := range u.curView().Actions {
		if u.curView().Actions[i].Hotkey == k {
			u.runAction(&u.curView().Actions[i])
			return
		}
	}
}

// runAction runs a view action on the selected row, after a
// confirmation when the view asks for one: %field words are replaced by
// the row's values.
func (u *ui) runAction(a *views.Action) {
	if u.snap == nil || u.sel >= len(u.snap.rows) {
		return
	}
	cmd := u.resolveCommand(a.Command)
	if a.AskConfirmation && !u.confirm(fmt.Sprintf("Confirm command '%s'? [y/N] ", cmd)) {
		return
	}
	u.scr.Suspend()
	c := exec.Command("/bin/sh", "-c", cmd)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	_ = c.Run()
	if a.WaitFinish {
		fmt.Print("Command finished. Press ENTER to return to ctrace.")
		var b [1]byte
		_, _ = readStdin(b[:])
	}
	u.scr.Resume()
}

func (u *ui) confirm(q string) bool {
	_, h := u.scr.Size()
	u.fill(h-1, stDefault)
	u.put(0, h-1, q, stDefault)
	u.scr.Show()
	for {
		ev := u.scr.PollEvent()
		if k, ok := ev.(*tcell.EventKey); ok {
			return k.Key() == tcell.KeyRune && (k.Rune() == 'y' || k.Rune() == 'Y')
		}
	}
}

// resolveCommand replaces %field words with the selected row's values.
func (u *ui) resolveCommand(cmd string) string {
	t := u.sink.runner.Table()
	var b strings.Builder
	for i := 0; i < len(cmd); i++ {
		if cmd[i] != '%' {
			b.WriteByte(cmd[i])
			continue
		}
		j := i + 1
		for j < len(cmd) && cmd[j] != ' ' && cmd[j] != '\t' && cmd[j] != '0' {
			j++
		}
		name := cmd[i+1 : j]
		val := ""
		if k := t.FieldIndex(name); k >= 0 && u.sel < len(u.snap.rows) {
			val = strings.TrimSpace(u.snap.rows[u.sel][k])
		} else if u.sel < len(u.snap.keys) {
			val = u.snap.keys[u.sel]
		}
		b.WriteString(val)
		i = j - 1
	}
	return b.String()
}

func (u *ui) mouse(ev *tcell.EventMouse) {
	_, y := ev.Position()
	switch {
	case ev.Buttons()&tcell.WheelUp != 0:
		u.move(-1)
	case ev.Buttons()&tcell.WheelDown != 0:
		u.move(1)
	case ev.Buttons()&tcell.Button1 != 0:
		if u.mode == modeTable && y >= 3 {
			u.sel = u.top + y - 3
			u.move(0)
		}
	}
}

func readStdin(b []byte) (int, error) { return os.Stdin.Read(b) }
