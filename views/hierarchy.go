package views

import "strings"

// FilterTemplateMagic stands for the drill-down value in the filter
// templates of csysdig's JSON output.
const FilterTemplateMagic = "@#$f1CA^&;"

// Step is one drill-down: the key field and value selected in a view.
type Step struct {
	Field string
	Value string
	// Column is the key column drilled on (nil for a view switch).
	Column *Column
	// ViewFilter is the filter of the view left, when it propagates.
	ViewFilter string
	// PrevView is the index of the view left in the Set.
	PrevView int
	// PrevSortCol and PrevAscending restore the sort on the way back;
	// PrevTextFilter the F4 text.
	PrevSortCol    int
	PrevAscending  bool
	PrevTextFilter string
	// PrevKey is the selected row's key text, to select it again.
	PrevKey string
	// Drilldown is false for steps recorded by a view switch (F2).
	Drilldown bool
	// Depth is the view depth before the step.
	Depth int
}

// Hierarchy is the stack of drill-downs.
type Hierarchy []Step

// Filter joins the steps into one filter as csysdig does; templated puts
// FilterTemplateMagic in place of the last value.
func (h Hierarchy) Filter(templated bool) string {
	var res strings.Builder
	hs := len(h)
	for j, s := range h {
		last := res.Len()
		hasFilter := s.ViewFilter != ""
		if hs > 1 {
			res.WriteString("(")
		}
		if hasFilter {
			res.WriteString("(" + s.ViewFilter + ")")
		}
		if s.Field != "" {
			skip := s.Column != nil && s.Column.ChildOnly && j < hs-1
			if !skip {
				if hasFilter {
					res.WriteString(" and ")
				}
				res.WriteString(s.Field + "=")
				if templated && j == hs-1 {
					res.WriteString("\"" + FilterTemplateMagic + "\"")
				} else {
					res.WriteString(s.Value)
				}
			}
		}
		if res.Len() != last {
			if hs > 1 {
				res.WriteString(")")
			}
			res.WriteString(" and ")
			if str := res.String(); strings.HasSuffix(str, "() and ") {
				res.Reset()
				res.WriteString(str[:len(str)-7])
			}
		}
	}
	return strings.TrimSuffix(res.String(), " and ")
}

// Describe is the "For:" text of the header: the drilled fields and
// values, "whole machine" at the top.
func (h Hierarchy) Describe() string {
	var parts []string
	for _, s := range h {
		if s.Field == "" {
			continue
		}
		parts = append(parts, s.Field+"="+s.Value)
	}
	if len(parts) == 0 {
		return "whole machine"
	}
	return strings.Join(parts, " and ")
}

// Combine joins two filters with "and", as csysdig does.
func Combine(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return "(" + a + ") and (" + b + ")"
}

// QuoteValue quotes a drill-down value when csysdig does: it tests the
// key's sysdig type against the string type's bits, so most integer types
// are quoted too and 16-bit, 64-bit signed, port and time ones are not.
func QuoteValue(sysdigType int, v string) string {
	if sysdigType&9 != 0 {
		return "\"" + v + "\""
	}
	return v
}
