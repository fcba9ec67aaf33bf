package rules

import (
	"container/heap"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/output"
	"github.com/traceproj/trace/scap"
)

// Ruleset is the result of a successful load: every rule that was
// compiled, in load order (disabled ones included).
type Ruleset struct {
	Rules []*Rule
	// NumLists and NumMacros count the lists and macros defined.
	NumLists, NumMacros int
}

// Rule is a compiled rule.
type Rule struct {
	Name     string
	Desc     string
	Source   string
	Priority Priority
	Tags     []string
	Enabled  bool
	// Condition is the condition as compiled: exceptions added, lists
	// substituted, macros still named.
	Condition string
	// Output is the output template, %container.info expanded.
	Output string
	// Pos is where the rule is defined.
	Pos Pos
	// Index is the rule's position in load order.
	Index int

	filter *filter.Filter
	out    *output.Format
	types  []bool // nil: any event type
	ntypes int
}

// Match evaluates the rule's condition on the event in ctx.
func (r *Rule) Match(ctx *fields.Ctx) bool { return r.filter.Match(ctx) }

// EventTypes returns the event types the rule applies to, or nil when
// it applies to every event type.
func (r *Rule) EventTypes() []uint16 {
	if r.types == nil {
		return nil
	}
	return scap.TypeList(r.types)
}

// EventTypeNames returns the sorted, distinct evt.type names the rule
// applies to (nil when it applies to all).
func (r *Rule) EventTypeNames() []string {
	if r.types == nil {
		return nil
	}
	return typeNames(r.types)
}

// noEvttypeThreshold is how many event codes make a rule count as
// unrestricted (LOAD_NO_EVTTYPE).
const noEvttypeThreshold = 100

// origin is where a parsed check comes from.
type origin struct {
	text     string
	itemType string
	name     string
	pos      Pos
}

type compiler struct {
	l       *Loader
	origins map[*filter.Check]*origin
	asts    map[string]filter.Node // parsed macro conditions
	bad     map[string]bool        // macros whose condition did not parse
	memo    map[string]filter.Node // macros resolved with every macro visible
	info    map[string]*macroInfo  // what macros expand to

	// expanded counts the nodes of the rule conditions, macros
	// expanded; substituted the list items written into conditions.
	expanded, substituted int

	// listAt is the position of each list in definition order; oddLists
	// are the positions of lists whose names hold a delimiter (which
	// substLists cannot find as a word).
	listAt   map[string]int
	oddLists []int
}

// condError is a condition problem found while compiling one item.
type condError struct {
	code Code
	msg  string
	pos  Pos
	cond string
	off  int
}

func (e *condError) Error() string { return e.msg }

// Compile flattens lists, resolves macros and compiles the rules of
// everything loaded so far. The ruleset is nil when there are errors.
func (l *Loader) Compile() (*Ruleset, *Result) {
	res := &l.res
	if l.failed {
		return nil, res
	}
	c := &compiler{l: l, origins: map[*filter.Check]*origin{}, asts: map[string]filter.Node{},
		bad: map[string]bool{}, memo: map[string]filter.Node{}, info: map[string]*macroInfo{}}
	rs, m := c.compile()
	if m != nil {
		res.add(m)
		return nil, res
	}
	return rs, res
}

func (c *compiler) compile() (rs *Ruleset, m *Message) {
	defer func() {
		if r := recover(); r != nil {
			le, ok := r.(loadError)
			if !ok {
				panic(r)
			}
			rs, m = nil, le.m
		}
	}()
	l := c.l
	// Lists: an item naming an earlier list is replaced by its items.
	c.flattenLists()
	// Macros: parse all, then check each one's references with its
	// visibility.
	for _, m := range l.macros {
		text := c.substLists(m.cond, "macro", m.name, m.condPos)
		n, err := c.parse(text, "macro", m.name, m.condPos)
		if err != nil {
			fail(err.code, "macro", m.name, err.pos, "%s", err.msg)
		}
		c.asts[m.name] = n
	}
	for _, m := range l.macros {
		mi := c.macro(m.name, 0)
		if mi.depth > MaxMacroDepth {
			fail(ErrValidate, "macro", m.name, m.condPos, "macros naming macros nested deeper than %d levels", MaxMacroDepth)
		}
		c.checkSize("macro", m.name, m.condPos, c.asts[m.name])
		if c.checkMacro(m) {
			continue
		}
		// The exact error, in the order Falco finds it. The size check
		// above bounds this expansion.
		if _, err := c.resolve(c.asts[m.name], m.visibility, nil, false); err != nil {
			fail(err.code, "macro", m.name, m.condPos, "%s", err.msg)
		}
	}
	rs = &Ruleset{NumLists: len(l.lists), NumMacros: len(l.macros)}
	for _, r := range l.rules {
		if r.priority > l.opts.MinPriority {
			continue
		}
		cr, err := c.rule(r)
		if err != nil {
			if r.skipUnknown && unknownFilter(err.msg) {
				l.warn(WarnUnknownFilter, "rule", r.name, err.pos, "%s", err.msg)
				continue
			}
			panic(loadError{&Message{Code: err.code, Text: err.msg, ItemType: "rule", ItemName: r.name, Pos: err.pos, Cond: err.cond, CondPos: err.off}})
		}
		rs.Rules = append(rs.Rules, cr)
	}
	for _, m := range l.macros {
		if !m.used {
			l.warn(WarnUnusedMacro, "macro", m.name, m.pos, "Macro not referred to by any other rule/macro")
		}
	}
	for _, d := range l.lists {
		if !d.used {
			l.warn(WarnUnusedList, "list", d.name, d.pos, "List not referred to by any other rule/macro")
		}
	}
	return rs, nil
}

// unknownFilter tells errors that skip-if-unknown-filter turns into
// warnings.
func unknownFilter(msg string) bool {
	for _, s := range []string{"nonexistent field", "invalid formatting token", "unknown event type", "unknown filter:", "is not implemented"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// quoteItem double-quotes a list item or exception value that holds a
// space and is not quoted already.
func quoteItem(s string) string {
	if strings.Contains(s, " ") && !strings.HasPrefix(s, `"`) && !strings.HasPrefix(s, "'") {
		return `"` + s + `"`
	}
	return s
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isListDelim(c byte) bool { return isBlank(c) || c == '(' || c == ')' || c == ',' || c == '=' }

// substLists replaces, textually as Falco does, every occurrence of a
// list name delimited by blanks, parentheses, commas or '=' with the
// list's items. The lists are substituted one after the other in
// definition order (so a list's items may name a later list), but only
// those whose names are words of the condition, or of the items
// substituted into it, are looked at: the cost follows the condition's
// length, not the number of lists.
func (c *compiler) substLists(cond, itemType, name string, pos Pos) string {
	if c.listAt == nil {
		c.listAt = make(map[string]int, len(c.l.lists))
		for i, d := range c.l.lists {
			c.listAt[d.name] = i
			if d.name == "" || strings.IndexFunc(d.name, func(r rune) bool { return r < 0x80 && isListDelim(byte(r)) }) >= 0 {
				c.oddLists = append(c.oddLists, i)
			}
		}
	}
	todo := &intHeap{}
	queued := map[int]bool{}
	queue := func(i int) {
		if !queued[i] {
			queued[i] = true
			heap.Push(todo, i)
		}
	}
	queueWords := func(text string, after int) {
		forEachWord(text, func(w string) {
			if i, ok := c.listAt[w]; ok && i > after {
				queue(i)
			}
		})
	}
	queueWords(cond, -1)
	for _, i := range c.oddLists {
		queue(i)
	}
	for todo.Len() > 0 {
		i := heap.Pop(todo).(int)
		d := c.l.lists[i]
		substituted := false
		cond = substList(cond, d, func() {
			c.countSubst(len(d.flat), itemType, name, pos)
			substituted = true
		})
		if substituted {
			for _, it := range d.flat {
				queueWords(quoteItem(it), i)
			}
		}
	}
	return cond
}

// forEachWord calls fn with each maximal run of cond's bytes that are
// not list delimiters.
func forEachWord(cond string, fn func(w string)) {
	start := -1
	for i := 0; i <= len(cond); i++ {
		if i == len(cond) || isListDelim(cond[i]) {
			if start >= 0 {
				fn(cond[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
}

// intHeap is a min-heap of list positions.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// substList substitutes list d in cond; count is called before each
// substitution.
func substList(cond string, d *listDef, count func()) string {
	name := d.name
	from := 0
	for {
		i := strings.Index(cond[from:], name)
		if i < 0 {
			return cond
		}
		start := from + i
		end := start + len(name)
		if (start > 0 && !isListDelim(cond[start-1])) || (end < len(cond) && !isListDelim(cond[end])) {
			from = start + 1
			continue
		}
		for start > 0 && isBlank(cond[start-1]) {
			start--
		}
		for end < len(cond) && isBlank(cond[end]) {
			end++
		}
		count()
		quoted := make([]string, len(d.flat))
		for j, it := range d.flat {
			quoted[j] = quoteItem(it)
		}
		sub := strings.Join(quoted, ", ")
		if sub == "" {
			// Drop one neighbouring comma so that "(empty, x)" stays a
			// valid list.
			if start > 0 && cond[start-1] == ',' {
				start--
			} else if end < len(cond) && cond[end] == ',' {
				end++
			}
		}
		var b strings.Builder
		if start > 0 {
			b.WriteString(cond[:start])
			b.WriteByte(' ')
		}
		b.WriteString(sub)
		b.WriteByte(' ')
		next := b.Len()
		b.WriteString(cond[end:])
		cond = b.String()
		d.used = true
		from = next
		if from > len(cond) {
			return cond
		}
	}
}

// parse parses a condition fragment (macros allowed, fields checked
// later) and records where its checks come from.
func (c *compiler) parse(text, itemType, name string, pos Pos) (filter.Node, *condError) {
	n, err := filter.Parse(text, filter.Options{Macros: true, FalcoStrings: true})
	if err != nil {
		var fe *filter.Error
		off := 0
		msg := err.Error()
		if errors.As(err, &fe) {
			off, msg = fe.Pos, strings.TrimPrefix(fe.Msg, "filter error: ")
		}
		return nil, &condError{code: ErrCompileCondition, msg: msg, pos: pos, cond: text, off: off}
	}
	if n == nil {
		return nil, &condError{code: ErrCompileCondition, msg: "empty condition", pos: pos, cond: text}
	}
	o := &origin{text: text, itemType: itemType, name: name, pos: pos}
	filter.Walk(n, func(x filter.Node) bool {
		if ck, ok := x.(*filter.Check); ok {
			c.origins[ck] = o
			if ck.List {
				// "x in ( )" (an empty list substituted) is an empty set.
				vals := ck.Values[:0]
				for _, v := range ck.Values {
					if v.Text != "" || v.Quoted {
						vals = append(vals, v)
					}
				}
				ck.Values = vals
			}
		}
		return true
	})
	return n, nil
}

// resolve replaces macro references in n by the macros' conditions
// (parenthesised). Only macros defined before visibility are visible;
// visibility < 0 makes all visible (rules), and memoizes.
func (c *compiler) resolve(n filter.Node, visibility int, stack []string, memo bool) (filter.Node, *condError) {
	var cerr *condError
	out, _ := filter.Rewrite(n, func(x filter.Node) (filter.Node, error) {
		id, ok := x.(*filter.Ident)
		if !ok || cerr != nil {
			return x, nil
		}
		m := c.l.macBy[id.Name]
		if m == nil || (visibility >= 0 && m.index >= visibility) {
			cerr = &condError{code: ErrValidate, msg: fmt.Sprintf("Undefined macro '%s' used in filter.", id.Name)}
			return x, nil
		}
		m.used = true
		for _, s := range stack {
			if s == id.Name {
				cerr = &condError{code: ErrValidate, msg: fmt.Sprintf("reference loop in macro '%s'", id.Name)}
				return x, nil
			}
		}
		if memo {
			if r, ok := c.memo[id.Name]; ok {
				return &filter.Paren{X: r, P: id.P}, nil
			}
		}
		r, err := c.resolve(c.asts[id.Name], visibility, append(stack, id.Name), memo)
		if err != nil {
			cerr = err
			return x, nil
		}
		if memo {
			c.memo[id.Name] = r
		}
		return &filter.Paren{X: r, P: id.P}, nil
	})
	if cerr != nil {
		return nil, cerr
	}
	return out, nil
}

var exceptionOps = map[string]bool{
	"=": true, "==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"in": true, "intersects": true, "pmatch": true, "contains": true, "icontains": true,
	"bcontains": true, "startswith": true, "bstartswith": true, "endswith": true,
	"glob": true, "iglob": true, "regex": true,
}

func parenItem(s string) string {
	if strings.HasPrefix(s, "(") {
		return s
	}
	return "(" + s + ")"
}

// exceptionText builds the "and not (...)" term of one exception, ""
// when it has no values.
func exceptionText(e *exceptionDef) string {
	bad := func(format string, a ...any) { fail(ErrValidate, "exception", e.name, e.pos, format, a...) }
	checkField := func(f string) {
		if _, err := fields.ParseExact(f); err != nil {
			bad("'%s' is not a supported filter field", f)
		}
	}
	if !e.fieldsList {
		comp := "in"
		if e.hasComps {
			if e.compsList {
				bad("Rule exception comps must be a single operator when fields is a single field")
			}
			comp = e.comps[0]
		}
		if !filter.ListOp(comp) {
			bad("'%s' is not a supported comparison operator", comp)
		}
		if len(e.fields) == 0 {
			bad("Rule exception must have fields property with a list of fields")
		}
		checkField(e.fields[0])
		if len(e.values) == 0 {
			return ""
		}
		var vals []string
		for _, v := range e.values {
			if v.kind != kindScalar {
				bad("Rule exception values of a single field must be scalars")
			}
			vals = append(vals, quoteItem(v.text))
		}
		return "(" + e.fields[0] + " " + comp + " (" + strings.Join(vals, ", ") + "))"
	}
	comps := e.comps
	if !e.hasComps {
		comps = make([]string, len(e.fields))
		for i := range comps {
			comps[i] = "="
		}
	} else if !e.compsList {
		bad("Fields and comps lists must have equal length")
	}
	if len(comps) != len(e.fields) {
		bad("Fields and comps lists must have equal length")
	}
	for _, cmp := range comps {
		if !exceptionOps[cmp] {
			bad("'%s' is not a supported comparison operator", cmp)
		}
	}
	for _, f := range e.fields {
		checkField(f)
	}
	var tuples []string
	for _, t := range e.values {
		if t.kind != kindSeq || len(t.items) != len(e.fields) {
			bad("Fields and values lists must have equal length")
		}
		parts := make([]string, len(e.fields))
		for i, v := range t.items {
			var val string
			switch {
			case v.kind == kindSeq:
				items := make([]string, len(v.items))
				for j, it := range v.items {
					items[j] = quoteItem(it.text)
				}
				val = "(" + strings.Join(items, ", ") + ")"
			case filter.ListOp(comps[i]):
				val = parenItem(v.text)
			default:
				val = quoteItem(v.text)
			}
			parts[i] = e.fields[i] + " " + comps[i] + " " + val
		}
		tuples = append(tuples, "( "+strings.Join(parts, " and ")+")")
	}
	if len(tuples) == 0 {
		return ""
	}
	return "(" + strings.Join(tuples, " or ") + ")"
}

// rule compiles one rule.
func (c *compiler) rule(r *ruleDef) (*Rule, *condError) {
	cond := r.cond
	if len(r.exceptions) > 0 {
		var terms []string
		for _, e := range r.exceptions {
			if t := exceptionText(e); t != "" {
				terms = append(terms, t)
			}
		}
		if len(terms) > 0 {
			cond = "(" + cond + ")"
			for _, t := range terms {
				cond += " and not " + t
			}
		}
	}
	subst := c.substLists(cond, "rule", r.name, r.condPos)
	text := subst
	n, err := c.parse(text, "rule", r.name, r.condPos)
	if err != nil {
		return nil, err
	}
	c.checkSize("rule", r.name, r.condPos, n)
	n, err = c.resolve(n, -1, nil, true)
	if err != nil {
		err.pos = r.condPos
		return nil, err
	}
	// Compile each check alone first, so errors point into the text
	// (rule or macro) the check comes from.
	var cerr *condError
	seen := map[filter.Node]bool{}
	filter.Walk(n, func(x filter.Node) bool {
		if seen[x] || cerr != nil {
			// A macro's expansion, shared, was checked already.
			return false
		}
		seen[x] = true
		ck, ok := x.(*filter.Check)
		if !ok {
			return true
		}
		o := c.origins[ck]
		if _, e := filter.CompileNode(ck, o.text); e != nil {
			cerr = checkError(e, o, r)
		}
		return true
	})
	if cerr != nil {
		return nil, cerr
	}
	f, e := filter.CompileNode(n, text)
	if e != nil {
		return nil, checkError(e, &origin{text: text, itemType: "rule", name: r.name, pos: r.condPos}, r)
	}
	out := &Rule{Name: r.name, Desc: r.desc, Source: r.source, Priority: r.priority, Tags: r.tags,
		Enabled: r.enabled, Condition: subst, Pos: r.pos, Index: r.index, filter: f}
	set := evtTypes(n, false)
	cnt := 0
	for _, ok := range set {
		if ok {
			cnt++
		}
	}
	out.ntypes = cnt
	if cnt < len(set) {
		out.types = set
	}
	if cnt > noEvttypeThreshold && r.warnEvttypes {
		c.l.warn(WarnNoEvttype, "rule", r.name, r.condPos, "Rule matches too many evt.type values. This has a significant performance penalty.")
	}
	if unsafeNA(n) {
		c.l.warn(WarnUnsafeNACheck, "rule", r.name, r.condPos, "Unsafe <NA> comparison in condition")
	}
	if strings.Contains(r.output, "%container.info") {
		c.l.warn(WarnDeprecatedItem, "rule", r.name, r.pos, "%%container.info is deprecated and no more useful, and will be dropped by Falco 1.0.0. The container plugin will automatically add required fields to the output message.")
	}
	if off, ok := usesField(n, "evt.dir"); ok {
		// As current Falco: rules see no enter event any more.
		c.l.res.add(&Message{Code: WarnDeprecatedItem, ItemType: "rule", ItemName: r.name, Pos: r.condPos, Cond: text, CondPos: off,
			Text: "due to the drop of enter events, 'evt.dir = <' always evaluates to true, and 'evt.dir = >' always evaluates to false. The rule expression can be simplified by removing the condition on 'evt.dir'"})
	}
	ci := c.l.opts.ContainerInfo
	if ci == "" {
		ci = DefaultContainerInfo
	}
	outText := r.output
	var extra []string
	for i := range c.l.opts.AppendOutput {
		a := &c.l.opts.AppendOutput[i]
		if !a.matches(r.name, r.source, r.tags) {
			continue
		}
		if a.Output != "" {
			outText += " " + a.Output
		}
		extra = append(extra, a.Fields...)
	}
	tmpl, src, terr := compileOutput(outText, ci)
	if terr == nil && len(extra) > 0 {
		terr = tmpl.AddJSONFields(extra)
	}
	if terr != nil {
		return nil, &condError{code: ErrCompileOutput, msg: terr.Error(), pos: r.pos}
	}
	out.Output = src
	out.out = tmpl
	return out, nil
}

// checkError turns a filter compile error into a condition error with
// Falco's wording for unknown fields.
func checkError(err error, o *origin, r *ruleDef) *condError {
	msg := err.Error()
	off := 0
	var fe *filter.Error
	if errors.As(err, &fe) {
		msg, off = strings.TrimPrefix(fe.Msg, "filter error: "), fe.Pos
	}
	if strings.HasPrefix(msg, "unrecognized field ") {
		f := strings.TrimPrefix(msg, "unrecognized field ")
		if i := strings.Index(f, " at pos "); i >= 0 {
			f = f[:i]
		}
		msg = "filter_check called with nonexistent field " + f
	}
	if o.itemType == "macro" {
		msg += fmt.Sprintf(" (in macro '%s')", o.name)
	}
	return &condError{code: ErrCompileCondition, msg: msg, pos: o.pos, cond: o.text, off: off}
}

// usesField reports whether the condition checks field name, and the
// offset of the first such check.
func usesField(n filter.Node, name string) (int, bool) {
	off, found := 0, false
	filter.Walk(n, func(x filter.Node) bool {
		if ck, ok := x.(*filter.Check); ok && ck.Field == name {
			off, found = ck.FieldPos, true
		}
		return !found
	})
	return off, found
}

// unsafeNA reports comparisons with the literal <NA>.
func unsafeNA(n filter.Node) bool {
	found := false
	filter.Walk(n, func(x filter.Node) bool {
		if ck, ok := x.(*filter.Check); ok && (ck.Op == "=" || ck.Op == "!=") {
			for _, v := range ck.Values {
				if v.Text == "<NA>" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// RuleNames returns the names of the rules, sorted.
func (rs *Ruleset) RuleNames() []string {
	var out []string
	for _, r := range rs.Rules {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

// Rule returns the rule with the given name, or nil.
func (rs *Ruleset) Rule(name string) *Rule {
	for _, r := range rs.Rules {
		if r.Name == name {
			return r
		}
	}
	return nil
}
