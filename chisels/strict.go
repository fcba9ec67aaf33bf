package chisels

import (
	"github.com/traceproj/trace/filter"
)

// checkAmbiguous rejects what sysdig's filter compiler rejects and
// trace's parser (which gives "and" precedence, as Falco does) accepts:
// "and" and "or" mixed at one parenthesis level. The error carries
// sysdig's message and position: the end of the offending level (its
// closing parenthesis, or the end of the expression).
func checkAmbiguous(expr string) error {
	n, err := filter.Parse(expr, filter.Options{})
	if err != nil || n == nil {
		return nil // the compiler reports it
	}
	var found *filter.Error
	var walk func(n filter.Node)
	mixed := func(n filter.Node) bool {
		b, ok := n.(*filter.BoolOp)
		if !ok {
			return false
		}
		for _, it := range b.Items {
			if c, ok := it.(*filter.BoolOp); ok && c.Op != b.Op {
				return true
			}
		}
		return false
	}
	walk = func(n filter.Node) {
		if found != nil {
			return
		}
		switch x := n.(type) {
		case *filter.BoolOp:
			for _, it := range x.Items {
				walk(it)
			}
		case *filter.Not:
			walk(x.X)
		case *filter.Paren:
			close := closingParen(expr, x.P)
			walk(x.X)
			if found == nil && mixed(x.X) {
				found = &filter.Error{Pos: close, Msg: ambiguousMsg, Expr: expr}
			}
		}
	}
	walk(n)
	if found == nil && mixed(n) {
		found = &filter.Error{Pos: endPos(expr, n), Msg: ambiguousMsg, Expr: expr}
	}
	if found != nil {
		return found
	}
	return nil
}

const ambiguousMsg = "expression mixes 'and' and 'or' in an ambiguous way. Please use brackets."

// closingParen returns the index of the parenthesis closing the one at
// open, skipping quoted text.
func closingParen(s string, open int) int {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(s) - 1
}

// endPos is where sysdig reports errors found at the end of an
// expression: one past its length when it ends with an unquoted value.
func endPos(expr string, n filter.Node) int {
	last := n
	for {
		switch x := last.(type) {
		case *filter.BoolOp:
			last = x.Items[len(x.Items)-1]
			continue
		case *filter.Not:
			last = x.X
			continue
		case *filter.Check:
			if len(x.Values) > 0 && !x.List {
				v := x.Values[len(x.Values)-1]
				if !v.Quoted && v.End == len(expr) {
					return len(expr) + 1
				}
			}
		}
		return len(expr)
	}
}
