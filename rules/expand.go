package rules

import "github.com/traceproj/trace/filter"

// Limits on what lists and macros expand to. A list naming a list, or a
// macro naming a macro twice, doubles at each level, so a few hundred
// bytes of rules could otherwise expand to billions of items or nodes.
// The sizes are computed bottom-up, each list and macro once, before
// anything is expanded. The limits are far above what rules files use
// (in Falco's rules files the largest expanded condition has 1230
// nodes, all rules together 3889, the longest list 102 items, all lists
// 586 items and the list substitutions 870 items).
const (
	// MaxListItems bounds the items of one list, lists in it expanded.
	MaxListItems = 1 << 16
	// MaxListTotal bounds the items of all the lists of a load, and,
	// separately, the list items substituted into all the conditions.
	MaxListTotal = 1 << 18
	// MaxConditionNodes bounds one condition with its macros and lists
	// expanded: each operator, check and check value counts as a node.
	MaxConditionNodes = 1 << 18
	// MaxRuleNodes bounds the nodes of all rule conditions of a load,
	// expanded.
	MaxRuleNodes = 1 << 19
	// MaxMacroDepth bounds chains of macros naming macros.
	MaxMacroDepth = 1000
)

// macroInfo is what a macro expands to, computed once.
type macroInfo struct {
	done     bool // false while the macro is being visited (a loop)
	nodes    int  // nodes of the expanded condition, at most MaxConditionNodes+1
	depth    int  // longest chain of macro references from this one
	maxIndex int  // largest definition index of the macros it reaches
	bad      bool // it reaches an undefined macro or a loop
}

func addCapped(a, b, limit int) int {
	if a+b > limit {
		return limit + 1
	}
	return a + b
}

// nodes returns the node count of n with macros expanded, at most
// MaxConditionNodes+1.
func (c *compiler) nodes(n filter.Node) int {
	total := 0
	filter.Walk(n, func(x filter.Node) bool {
		w := 1
		switch x := x.(type) {
		case *filter.Check:
			w += len(x.Values)
		case *filter.Ident:
			w += c.macro(x.Name, 0).nodes
		}
		total = addCapped(total, w, MaxConditionNodes)
		return true
	})
	return total
}

// macro returns the expansion facts of the named macro, and marks the
// macros it reaches used. A loop or an undefined macro makes it bad; the
// exact error comes from resolve. level is the number of macros above
// this one: a chain too deep is cut short (and reported by the caller)
// before the recursion grows the stack further.
func (c *compiler) macro(name string, level int) *macroInfo {
	if level > MaxMacroDepth {
		return &macroInfo{bad: true, depth: MaxMacroDepth + 1}
	}
	if mi := c.info[name]; mi != nil {
		if !mi.done {
			return &macroInfo{bad: true}
		}
		return mi
	}
	d := c.l.macBy[name]
	if d == nil || c.asts[name] == nil {
		return &macroInfo{bad: true}
	}
	mi := &macroInfo{maxIndex: d.index}
	c.info[name] = mi
	total := 0
	filter.Walk(c.asts[name], func(x filter.Node) bool {
		w := 1
		switch x := x.(type) {
		case *filter.Check:
			w += len(x.Values)
		case *filter.Ident:
			r := c.macro(x.Name, level+1)
			if m := c.l.macBy[x.Name]; m != nil {
				m.used = true
			}
			w += r.nodes
			mi.depth = max(mi.depth, r.depth+1)
			mi.maxIndex = max(mi.maxIndex, r.maxIndex)
			mi.bad = mi.bad || r.bad
		}
		total = addCapped(total, w, MaxConditionNodes)
		return true
	})
	mi.nodes, mi.done = total, true
	return mi
}

// checkMacro validates macro m's references quickly; it returns false
// when resolve must run to find the exact error.
func (c *compiler) checkMacro(m *macroDef) bool {
	ok := true
	filter.Walk(c.asts[m.name], func(x filter.Node) bool {
		id, isID := x.(*filter.Ident)
		if !isID || !ok {
			return ok
		}
		r := c.macro(id.Name, 0)
		if r.bad || r.maxIndex >= m.visibility {
			ok = false
		}
		return ok
	})
	return ok
}

// checkSize fails when a condition expands to more nodes than the
// limits allow.
func (c *compiler) checkSize(itemType, name string, pos Pos, n filter.Node) {
	w := c.nodes(n)
	if w > MaxConditionNodes {
		fail(ErrValidate, itemType, name, pos, "condition expands to more than %d nodes (macros and lists expanded)", MaxConditionNodes)
	}
	if itemType != "rule" {
		return
	}
	c.expanded += w
	if c.expanded > MaxRuleNodes {
		fail(ErrValidate, itemType, name, pos, "rule conditions expand to more than %d nodes in total (macros and lists expanded)", MaxRuleNodes)
	}
}

// flattenLists replaces, in each list, items naming an earlier list by
// that list's items, within the limits.
func (c *compiler) flattenLists() {
	l := c.l
	total := 0
	for _, d := range l.lists {
		n := 0
		for _, it := range d.items {
			if o := l.listBy[it]; o != nil && o.index < d.index {
				n += len(o.flat)
			} else {
				n++
			}
			if n > MaxListItems {
				fail(ErrValidate, "list", d.name, d.pos, "list expands to more than %d items (lists in it expanded)", MaxListItems)
			}
		}
		total += n
		if total > MaxListTotal {
			fail(ErrValidate, "list", d.name, d.pos, "lists expand to more than %d items in total", MaxListTotal)
		}
		d.flat = d.flat[:0]
		for _, it := range d.items {
			if o := l.listBy[it]; o != nil && o.index < d.index {
				o.used = true
				d.flat = append(d.flat, o.flat...)
				continue
			}
			d.flat = append(d.flat, it)
		}
	}
}

// countSubst counts list items about to be substituted into a
// condition and fails past the total limit.
func (c *compiler) countSubst(n int, itemType, name string, pos Pos) {
	c.substituted += n
	if c.substituted > MaxListTotal {
		fail(ErrValidate, itemType, name, pos, "conditions have more than %d list items substituted in total", MaxListTotal)
	}
}
