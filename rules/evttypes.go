package rules

import (
	"sort"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
)

// evtTypes computes the event codes a condition can match, as Falco
// does: evt.type = / in give their codes, != their complement; "and"
// intersects, "or" unites; negations are pushed down to the checks (De
// Morgan), and any other check allows every code whether negated or not.
// Complements always keep the generic syscall events, whose evt.type
// depends on the syscall they carry.
func evtTypes(n filter.Node, neg bool) []bool {
	switch x := n.(type) {
	case *filter.Paren:
		return evtTypes(x.X, neg)
	case *filter.Not:
		return evtTypes(x.X, !neg)
	case *filter.BoolOp:
		and := (x.Op == "and") != neg
		var acc []bool
		for _, it := range x.Items {
			s := evtTypes(it, neg)
			if acc == nil {
				acc = s
				continue
			}
			for t := range acc {
				if and {
					acc[t] = acc[t] && s[t]
				} else {
					acc[t] = acc[t] || s[t]
				}
			}
		}
		return acc
	case *filter.Check:
		if x.Field == "evt.type" {
			switch x.Op {
			case "=", "in", "intersects":
				return typeCodes(x, neg)
			case "!=":
				return typeCodes(x, !neg)
			}
		}
	}
	return allTypes()
}

func allTypes() []bool {
	s := make([]bool, scap.NumEventsAll)
	for i := range s {
		s[i] = true
	}
	return s
}

// typeCodes returns the codes named by the check's values, or their
// complement.
func typeCodes(ck *filter.Check, complement bool) []bool {
	s := make([]bool, scap.NumEventsAll)
	for _, v := range ck.Values {
		for _, t := range namedTypes(v.Text) {
			s[t] = true
		}
	}
	if complement {
		for i := range s {
			s[i] = !s[i]
		}
		s[scap.PPME_GENERIC_E], s[scap.PPME_GENERIC_X] = true, true
		// Current Falco (checked with falco-ref) does not evaluate
		// "evt.type != X" on procinfo events, though a condition without
		// evt.type runs on them.
		s[scap.PPME_PROCINFO_E] = false
	}
	return s
}

// typeNames returns the distinct names of a set of event codes.
func typeNames(set []bool) []string {
	seen := map[string]bool{}
	for t, ok := range set {
		if !ok {
			continue
		}
		name := scap.InfoAny(uint16(t)).Name
		if t == scap.PPME_GENERIC_E || t == scap.PPME_GENERIC_X {
			name = "syscall"
		}
		seen[name] = true
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// namedTypes returns the codes of the events named name; a syscall
// without events of its own arrives as a generic event.
func namedTypes(name string) []uint16 {
	var out []uint16
	for _, t := range fields.EventTypesNamed(name) {
		if t != scap.PPME_GENERIC_E && t != scap.PPME_GENERIC_X {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return fields.EventTypesNamed(name)
	}
	return out
}
