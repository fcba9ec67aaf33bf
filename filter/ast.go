package filter

import (
	"strings"
)

// Node is an expression of the AST.
type Node interface {
	// Pos is the byte offset in the source where the node starts.
	Pos() int
	// String renders the node back to filter syntax.
	String() string
}

// BoolOp is a chain of operands joined by the same "and" or "or".
type BoolOp struct {
	Op    string // "and" or "or"
	Items []Node
	P     int
}

// Not negates X.
type Not struct {
	X Node
	P int
}

// Paren is a parenthesised expression (kept to render conditions as they
// were written).
type Paren struct {
	X Node
	P int
}

// Value is an operand on the right of a comparison.
type Value struct {
	Text   string // unquoted, escapes resolved
	Quoted bool
	P      int // offset of the value (of its opening quote if quoted)
	End    int // offset just past the value's text (at the closing quote)
	// Field is set for val(field) (current Falco): the value is that
	// field's (or transformed field's) value for the same event.
	Field string
}

// Check compares a field with values (or tests it with exists).
type Check struct {
	Field    string // as written, with its argument: "proc.aname[2]"
	FieldPos int
	FieldEnd int
	Op       string // "=", "!=", "contains", "in", "exists", ...
	OpPos    int
	OpEnd    int
	Values   []Value // one value, a list for in/pmatch/intersects, none for exists
	List     bool    // the values were written as a parenthesised list
	EndPos   int     // offset just past the check
}

// Ident is a bare identifier where a check was expected: a Falco macro
// reference.
type Ident struct {
	Name string
	P    int
}

func (n *BoolOp) Pos() int { return n.P }
func (n *Not) Pos() int    { return n.P }
func (n *Paren) Pos() int  { return n.P }
func (n *Check) Pos() int  { return n.FieldPos }
func (n *Ident) Pos() int  { return n.P }

func (n *BoolOp) String() string {
	parts := make([]string, len(n.Items))
	for i, it := range n.Items {
		parts[i] = it.String()
	}
	return strings.Join(parts, " "+n.Op+" ")
}

func (n *Not) String() string   { return "not " + n.X.String() }
func (n *Paren) String() string { return "(" + n.X.String() + ")" }
func (n *Ident) String() string { return n.Name }

func quoteValue(v Value) string {
	if !v.Quoted && v.Text != "" && !strings.ContainsAny(v.Text, " \t\r\n(),\"'\\") {
		return v.Text
	}
	// A quoted value ends at either quote; escape both, backslashes and
	// non-printable bytes with the escapes the scanner understands.
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v.Text); i++ {
		c := v.Text[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '"' || c == '\'' || c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (n *Check) String() string {
	var b strings.Builder
	b.WriteString(n.Field)
	b.WriteByte(' ')
	b.WriteString(n.Op)
	if n.Op == "exists" {
		return b.String()
	}
	b.WriteByte(' ')
	if n.List {
		b.WriteByte('(')
		for i, v := range n.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteValue(v))
		}
		b.WriteByte(')')
		return b.String()
	}
	if len(n.Values) > 0 {
		b.WriteString(quoteValue(n.Values[0]))
	}
	return b.String()
}

// Walk calls fn for n and every node below it, depth first; fn returning
// false stops the descent into that node's children.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	switch x := n.(type) {
	case *BoolOp:
		for _, it := range x.Items {
			Walk(it, fn)
		}
	case *Not:
		Walk(x.X, fn)
	case *Paren:
		Walk(x.X, fn)
	}
}

// Rewrite rebuilds n bottom-up, replacing each node by fn's result.
func Rewrite(n Node, fn func(Node) (Node, error)) (Node, error) {
	switch x := n.(type) {
	case *BoolOp:
		items := make([]Node, len(x.Items))
		for i, it := range x.Items {
			r, err := Rewrite(it, fn)
			if err != nil {
				return nil, err
			}
			items[i] = r
		}
		return fn(&BoolOp{Op: x.Op, Items: items, P: x.P})
	case *Not:
		r, err := Rewrite(x.X, fn)
		if err != nil {
			return nil, err
		}
		return fn(&Not{X: r, P: x.P})
	case *Paren:
		r, err := Rewrite(x.X, fn)
		if err != nil {
			return nil, err
		}
		return fn(&Paren{X: r, P: x.P})
	}
	return fn(n)
}
