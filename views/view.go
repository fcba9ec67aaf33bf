package views

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Kind is a view's type.
type Kind uint8

// View kinds.
const (
	TableView Kind = iota
	ListView
	SpectroView
)

func (k Kind) String() string {
	switch k {
	case ListView:
		return "list"
	case SpectroView:
		return "spectrogram"
	}
	return "table"
}

// Aggregation says how a column combines the values of the events (and,
// for the group-by pass, of the rows) that share a key.
type Aggregation uint8

// Aggregations.
const (
	None Aggregation = iota
	Sum
	Avg
	TimeAvg // a sum shown per second of the sample
	Min
	Max
)

var aggrNames = map[string]Aggregation{"SUM": Sum, "AVG": Avg, "TIME_AVG": TimeAvg, "MIN": Min, "MAX": Max}

// ParseAggregation reads a view file's aggregation name.
func ParseAggregation(s string) (Aggregation, error) {
	if a, ok := aggrNames[s]; ok {
		return a, nil
	}
	return None, fmt.Errorf("unknown view column aggregation %s", s)
}

// Column is one column of a view. Columns named "NA" are not shown.
type Column struct {
	Name        string
	Field       string
	Description string
	// FilterField, on a key column, is the field a drill-down filters on
	// instead of Field.
	FilterField string
	// Size is the column width; 0 takes the rest of the line, -1 means
	// unset.
	Size        int32
	Key         bool // the row key
	GroupBy     bool // the key rows are merged by in a second pass
	Sorting     bool // the default sort column
	ChildOnly   bool // filter_in_child_only: the drill-down filter applies only to the next view
	Aggr        Aggregation
	GroupByAggr Aggregation
	// Tags restrict the column to the runs with one of them ("containers"
	// with -pc, "default" otherwise).
	Tags []string
}

// FieldAt is the column's field with %depth placeholders resolved.
func (c *Column) FieldAt(depth int) string {
	f := strings.NewReplacer(" ", "", "\t", "").Replace(c.Field)
	switch {
	case strings.Contains(f, "%depth-1"), strings.Contains(f, "%depth+1"):
		// csysdig resolves both to depth-1
		f = strings.NewReplacer("%depth-1", strconv.Itoa(depth-1), "%depth+1", strconv.Itoa(depth-1)).Replace(f)
	case strings.Contains(f, "%depth"):
		f = strings.ReplaceAll(f, "%depth", strconv.Itoa(depth))
	}
	return f
}

// FilterFieldAt is the field a drill-down on this key filters on.
func (c *Column) FilterFieldAt(depth int) string {
	if c.FilterField != "" {
		return c.FilterField
	}
	return c.FieldAt(depth)
}

// Action is a command a view offers on the selected row.
type Action struct {
	Hotkey          byte
	Command         string // %field words are replaced by the row's values
	Description     string
	AskConfirmation bool
	WaitFinish      bool
}

// View is one view definition.
type View struct {
	ID          string
	Name        string
	Description string
	Tags        []string
	Tips        []string
	Kind        Kind
	// AppliesTo lists the key fields after which the view is offered;
	// "" is the top level.
	AppliesTo []string
	Filter    string
	// UseDefaults gives rows missing a numeric value a zero instead of
	// dropping the event.
	UseDefaults            bool
	IsRoot                 bool
	DrilldownTarget        string
	DrilldownIncreaseDepth bool
	PropagateFilter        bool
	SpectroType            string
	Columns                []Column
	Actions                []Action
	// Path is the file the view came from ("builtin:" for ours).
	Path string

	// SortCol is the default sort column, an index into the table's
	// values (the columns after the key, or after the group-by key).
	SortCol   int
	GroupedBy bool // a column is a group-by key
}

// ErrView is wrapped by view definition errors.
var ErrView = errors.New("view format error")

// finish orders the key columns first and works out the sort column, as
// csysdig does when it loads a view.
func (v *View) finish() error {
	v.moveToFront(func(c *Column) bool { return c.GroupBy })
	v.moveToFront(func(c *Column) bool { return c.Key })
	return v.setSortCol()
}

func (v *View) moveToFront(is func(*Column) bool) {
	for j := range v.Columns {
		if is(&v.Columns[j]) {
			c := v.Columns[j]
			copy(v.Columns[1:j+1], v.Columns[:j])
			v.Columns[0] = c
			return
		}
	}
}

func (v *View) setSortCol() error {
	n := 0
	v.GroupedBy = false
	for j := range v.Columns {
		if v.Columns[j].Sorting {
			v.SortCol = j
			n++
		}
		if v.Columns[j].GroupBy {
			v.GroupedBy = true
		}
	}
	if v.GroupedBy {
		v.SortCol--
	}
	switch {
	case n == 0 && v.GroupedBy:
		v.SortCol = 2
	case n == 0:
		v.SortCol = 1
	case n > 1:
		return fmt.Errorf("%w: more than one sorting column", ErrView)
	}
	if v.SortCol < 0 {
		return fmt.Errorf("%w: view sorting column configuration error", ErrView)
	}
	return nil
}

// ApplyTag drops the columns whose tags do not include tag (columns
// without tags stay) and recomputes the sort column.
func (v *View) ApplyTag(tag string) error {
	out := v.Columns[:0]
	for _, c := range v.Columns {
		if len(c.Tags) == 0 || slices.Contains(c.Tags, tag) {
			out = append(out, c)
		}
	}
	v.Columns = out
	return v.setSortCol()
}

// Clone returns a deep copy of v (ApplyTag changes the columns).
func (v *View) Clone() *View {
	c := *v
	c.Columns = append([]Column(nil), v.Columns...)
	c.Actions = append([]Action(nil), v.Actions...)
	return &c
}

// Key returns the column a drill-down filters on: the group-by key, else
// the key; nil for lists.
func (v *View) Key() *Column {
	for j := range v.Columns {
		if v.Columns[j].GroupBy {
			return &v.Columns[j]
		}
	}
	for j := range v.Columns {
		if v.Columns[j].Key {
			return &v.Columns[j]
		}
	}
	return nil
}

// FilterAt is the view's filter with %depth placeholders resolved.
func (v *View) FilterAt(depth int) string {
	f := v.Filter
	switch {
	case strings.Contains(f, "%depth+1"):
		d := strconv.Itoa(depth + 1)
		return strings.NewReplacer("%depth+1", d, "%depth + 1", d).Replace(f)
	case strings.Contains(f, "%depth-1"):
		d := strconv.Itoa(depth - 1)
		return strings.NewReplacer("%depth-1", d, "%depth - 1", d).Replace(f)
	}
	return strings.ReplaceAll(f, "%depth", strconv.Itoa(depth))
}

// Shown returns the names and sizes of the columns a screen or the JSON
// legend shows: the group-by key first, the key of a grouped view left
// out, and a leading unnamed one for lists (their row number).
func (v *View) Shown() (names []string, sizes []int32) {
	if v.Kind == ListView {
		names, sizes = append(names, ""), append(sizes, -1)
	}
	for _, c := range v.Columns {
		if v.GroupedBy {
			if c.Key {
				continue
			}
			if c.GroupBy {
				names = append([]string{c.Name}, names...)
				sizes = append([]int32{c.Size}, sizes...)
				continue
			}
		}
		names, sizes = append(names, c.Name), append(sizes, c.Size)
	}
	return names, sizes
}

// Set is the views of a run, sorted by name as csysdig lists them.
type Set struct {
	Views []*View
}

// Sort orders the views by name (csysdig's order; equal names keep no
// particular order).
func (s *Set) Sort() {
	sort.SliceStable(s.Views, func(i, j int) bool { return s.Views[i].Name < s.Views[j].Name })
}

// ByID returns the view with that id, or nil.
func (s *Set) ByID(id string) *View {
	for _, v := range s.Views {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// Index returns the position of the view with that id, or -1.
func (s *Set) Index(id string) int {
	for i, v := range s.Views {
		if v.ID == id {
			return i
		}
	}
	return -1
}

// Root returns the first root view in name order (csysdig's start view
// without -v), or nil.
func (s *Set) Root() *View {
	for _, v := range s.Views {
		if v.IsRoot {
			return v
		}
	}
	return nil
}

// For returns the views offered after drilling down on field (the
// top-level ones for ""), in name order.
func (s *Set) For(field string) []*View {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	var out []*View
	for _, v := range s.Views {
		if slices.Contains(v.AppliesTo, field) {
			out = append(out, v)
		}
	}
	return out
}
