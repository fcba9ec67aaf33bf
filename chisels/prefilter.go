package chisels

import (
	"github.com/traceproj/trace/filter"
	"github.com/traceproj/trace/scap"
)

// typeMask returns, for a filter expression, which event types can pass
// it, from the checks that depend on the type only: evt.is_io,
// evt.is_io_read, evt.is_io_write and evt.dir (evt.type is already
// prefiltered by the filter package). nil means any type. Chisels use it
// to skip the filter of events that cannot match: most chisel filters
// select reads and writes, a small part of the events.
func typeMask(expr string) []bool {
	n, err := filter.Parse(expr, filter.Options{})
	if err != nil || n == nil {
		return nil
	}
	return maskOf(n)
}

func maskOf(n filter.Node) []bool {
	switch x := n.(type) {
	case *filter.Paren:
		return maskOf(x.X)
	case *filter.BoolOp:
		var out []bool
		for i, it := range x.Items {
			m := maskOf(it)
			if x.Op == "and" {
				out = intersect(out, m, i == 0)
			} else {
				if m == nil {
					return nil
				}
				out = union(out, m)
			}
		}
		return out
	case *filter.Check:
		return checkMask(x)
	}
	return nil
}

func intersect(a, b []bool, first bool) []bool {
	if first {
		return b
	}
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := make([]bool, len(a))
	for i := range a {
		out[i] = a[i] && b[i]
	}
	return out
}

func union(a, b []bool) []bool {
	if a == nil {
		return append([]bool(nil), b...)
	}
	for i := range a {
		a[i] = a[i] || b[i]
	}
	return a
}

func checkMask(c *filter.Check) []bool {
	if len(c.Values) != 1 || c.List {
		return nil
	}
	var neg bool
	switch c.Op {
	case "=", "==":
	case "!=":
		neg = true
	default:
		return nil
	}
	v := c.Values[0].Text
	var pred func(t uint16, info *scap.EventInfo) bool
	switch c.Field {
	case "evt.is_io", "evt.is_io_read", "evt.is_io_write":
		fl := scap.EF_READS_FROM_FD | scap.EF_WRITES_TO_FD
		if c.Field == "evt.is_io_read" {
			fl = scap.EF_READS_FROM_FD
		} else if c.Field == "evt.is_io_write" {
			fl = scap.EF_WRITES_TO_FD
		}
		var want bool
		switch v {
		case "true":
			want = true
		case "false":
		default:
			return nil
		}
		pred = func(t uint16, info *scap.EventInfo) bool { return (info.Flags&fl != 0) == want }
	case "evt.dir":
		switch v {
		case "<":
			pred = func(t uint16, _ *scap.EventInfo) bool { return t&1 == 1 }
		case ">":
			pred = func(t uint16, _ *scap.EventInfo) bool { return t&1 == 0 }
		default:
			return nil
		}
	default:
		return nil
	}
	m := make([]bool, scap.NumEventsAll)
	for t := range m {
		info := scap.InfoAny(uint16(t))
		if info == nil {
			m[t] = true
			continue
		}
		m[t] = pred(uint16(t), info) != neg
	}
	return m
}
