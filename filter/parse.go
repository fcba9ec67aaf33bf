package filter

import (
	"errors"
	"fmt"
	"strings"

	"github.com/traceproj/trace/fields"
)

// Error is a filter syntax or compilation error. Pos follows sysdig's
// convention: the scanner position when the error was found, usually just
// past the offending token.
type Error struct {
	Pos  int
	Msg  string
	Expr string
}

func (e *Error) Error() string {
	return fmt.Sprintf("filter error at position %d: %s", e.Pos, e.Msg)
}

// Caret renders the expression with a caret under the error column (two
// lines, each ending in a newline).
func (e *Error) Caret() string {
	expr := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, e.Expr)
	col := e.Pos
	if col > len(expr) {
		col = len(expr)
	}
	if col < 0 {
		col = 0
	}
	return "  " + expr + "\n  " + strings.Repeat(" ", col) + "^\n"
}

// ErrUnknownField is returned by Options.Field for names that are no
// field at all; the parser reports it the way sysdig does.
var ErrUnknownField = errors.New("unknown field")

// Options tunes the parser.
type Options struct {
	// Field checks a field token as written (name plus argument). A nil
	// error accepts it; ErrUnknownField (possibly wrapped) gives sysdig's
	// "unrecognized field" message; any other error is reported as is.
	Field func(tok string) error
	// Macros accepts bare identifiers (no '.') as references to Falco
	// macros instead of failing them as unknown fields.
	Macros bool
	// FalcoStrings reads values as current Falco does in rule
	// conditions: a quoted string ends at its own kind of quote and
	// knows the escapes \b \f \n \r \t \\ \/, \" in "..." and \' in '...'
	// (and "\ " as a backslash, which falcosecurity's rules rely on);
	// a backslash in an unquoted value is a backslash.
	FalcoStrings bool
}

// operators, longest first so that a prefix never hides a longer name.
var operators = []string{
	"bstartswith", "startswith", "intersects", "bcontains", "icontains",
	"contains", "endswith", "exists", "pmatch", "regex", "iglob", "glob",
	"in", "==", "!=", "<=", ">=", "=", "<", ">",
}

// ListOp reports whether op takes a parenthesised list of values.
func ListOp(op string) bool { return op == "in" || op == "intersects" || op == "pmatch" }

type parser struct {
	s   string
	pos int // index of the next unread byte
	o   Options
	// valueAtEnd is set when the last token read was an unquoted value
	// that ran to the end of the input: sysdig's scanner then reports end
	// positions one past the length.
	valueAtEnd bool
	depth      int // open parentheses
}

// MaxDepth bounds the nesting of parentheses in an expression.
const MaxDepth = 1000

// Parse parses a filter expression. An empty or blank expression yields a
// nil Node and no error.
func Parse(expr string, o Options) (Node, error) {
	p := &parser{s: expr, o: o}
	var n Node
	err := p.catch(func() {
		p.skip()
		if p.pos >= len(p.s) {
			return
		}
		n = p.parseOr()
		p.skip()
		if p.pos < len(p.s) {
			if p.s[p.pos] == ')' {
				p.fail(p.pos, "unexpected ')' without a matching '('")
			}
			p.fail(p.pos, "syntax error in filter")
		}
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

type parseError struct{ e *Error }

// catch runs fn and returns the error a fail in it raised. The parser
// and the compiler unwind with fail and stop at catch.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(parseError)
			if !ok {
				panic(r)
			}
			err = pe.e
		}
	}()
	fn()
	return nil
}

// fail raises an error at pos of expr (see catch).
func fail(expr string, pos int, format string, a ...any) {
	panic(parseError{&Error{Pos: pos, Msg: fmt.Sprintf(format, a...), Expr: expr}})
}

func (p *parser) catch(fn func()) error { return catch(fn) }

func (p *parser) fail(pos int, format string, a ...any) { fail(p.s, pos, format, a...) }

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skip() {
	for p.pos < len(p.s) && isBlank(p.s[p.pos]) {
		p.pos++
	}
}

// endPos is where sysdig reports errors found at the end of the input.
func (p *parser) endPos() int {
	if p.valueAtEnd {
		return len(p.s) + 1
	}
	return len(p.s)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// keyword reports whether the word kw starts at the current position and
// ends at a word boundary.
func (p *parser) keyword(kw string) bool {
	if !strings.HasPrefix(p.s[p.pos:], kw) {
		return false
	}
	end := p.pos + len(kw)
	return end == len(p.s) || !isWordByte(p.s[end])
}

func (p *parser) parseOr() Node {
	return p.parseChain("or", p.parseAnd, func() bool { return p.keyword("or") })
}

// parseAnd parses a chain of "and"s; it ends before an "or", a ')' or
// the end, and anything else after an operand is a syntax error.
func (p *parser) parseAnd() Node {
	return p.parseChain("and", p.parseUnary, func() bool {
		if p.pos >= len(p.s) || p.s[p.pos] == ')' || p.keyword("or") {
			return false
		}
		if !p.keyword("and") {
			p.fail(p.pos, "syntax error in filter")
		}
		return true
	})
}

// parseChain parses operands joined by the keyword op into one BoolOp (or
// the operand alone); more, called after the blanks that follow an
// operand, reports whether op comes next.
func (p *parser) parseChain(op string, operand func() Node, more func() bool) Node {
	first := operand()
	var items []Node
	for {
		p.skip()
		if !more() {
			break
		}
		p.pos += len(op)
		p.valueAtEnd = false
		if items == nil {
			items = []Node{first}
		}
		items = append(items, operand())
	}
	if items == nil {
		return first
	}
	return &BoolOp{Op: op, Items: items, P: first.Pos()}
}

func (p *parser) parseUnary() Node {
	p.skip()
	if p.pos >= len(p.s) {
		p.fail(p.endPos(), "filter error: unexpected end of filter")
	}
	if p.keyword("not") {
		start := p.pos
		// sysdig sets a negation flag rather than toggling it: any run of
		// "not"s negates once.
		for p.keyword("not") {
			p.pos += 3
			p.valueAtEnd = false
			p.skip()
		}
		return &Not{X: p.parsePrimary(), P: start}
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() Node {
	p.skip()
	if p.pos >= len(p.s) {
		p.fail(p.endPos(), "filter error: unexpected end of filter")
	}
	switch p.s[p.pos] {
	case '(':
		start := p.pos
		p.pos++
		p.skip()
		if p.pos < len(p.s) && p.s[p.pos] == ')' {
			p.fail(p.pos, "empty parentheses")
		}
		if p.depth++; p.depth > MaxDepth {
			p.fail(start, "parentheses nested deeper than %d levels", MaxDepth)
		}
		x := p.parseOr()
		p.depth--
		p.skip()
		if p.pos >= len(p.s) {
			p.fail(p.endPos(), "filter error: unexpected end of filter")
		}
		if p.s[p.pos] != ')' {
			p.fail(p.pos, "syntax error in filter")
		}
		p.pos++
		p.valueAtEnd = false
		return &Paren{X: x, P: start}
	case ')':
		p.fail(p.pos, "unexpected ')' where a check was expected")
	}
	return p.parseCheck()
}

func isSpecial(c byte) bool {
	return c == '(' || c == ')' || c == '!' || c == '=' || c == '<' || c == '>'
}

// fieldToken reads the first operand: up to a blank or one of ( ) ! = < >,
// with a bracketed argument read whole.
func (p *parser) fieldToken() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '[' {
			if j := strings.IndexByte(p.s[p.pos:], ']'); j > 0 {
				p.pos += j + 1
				continue
			}
		}
		if isBlank(c) || isSpecial(c) {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

// balanced reads a parenthesised group starting at '(' (nested groups
// included) and returns the text up to and including its ')'.
func (p *parser) balanced(what string) string {
	start, depth := p.pos, 0
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				p.pos++
				return p.s[start:p.pos]
			}
		}
		p.pos++
	}
	p.fail(p.endPos(), "filter error: unclosed parenthesis in %s", what)
	return ""
}

// transformed extends a field token that names a transformer with its
// parenthesised argument (current Falco's tolower(proc.name)).
func (p *parser) transformed(tok string) string {
	if !p.o.FalcoStrings || !fields.IsTransformer(tok) {
		return tok
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '(' {
		return tok
	}
	return tok + p.balanced("field transformer "+tok)
}

func (p *parser) parseCheck() Node {
	start := p.pos
	tok := p.transformed(p.fieldToken())
	end := p.pos
	p.valueAtEnd = false
	if p.o.Macros && tok != "" && !strings.Contains(tok, ".") {
		return &Ident{Name: tok, P: start}
	}
	if p.o.Field != nil {
		if err := p.o.Field(tok); err != nil {
			if errors.Is(err, ErrUnknownField) {
				p.fail(end, "filter error: unrecognized field %s at pos %d", tok, start)
			}
			p.fail(end, "%s", err.Error())
		}
	}
	c := &Check{Field: tok, FieldPos: start, FieldEnd: end}
	p.skip()
	c.OpPos = p.pos
	for _, op := range operators {
		if strings.HasPrefix(p.s[p.pos:], op) {
			c.Op = op
			break
		}
	}
	if c.Op == "" {
		p.fail(p.pos, "filter error: unrecognized comparison operator after %s", p.s[:p.pos])
	}
	p.pos += len(c.Op)
	c.OpEnd = p.pos
	if c.Op == "==" {
		c.Op = "="
	}
	switch {
	case c.Op == "exists":
	case ListOp(c.Op):
		p.skip()
		if p.pos >= len(p.s) || p.s[p.pos] != '(' {
			p.fail(p.pos, "expected '(' after 'in/intersects/pmatch' operand")
		}
		p.pos++
		c.List = true
		for {
			c.Values = append(c.Values, p.value(true))
			if p.valueAtEnd {
				p.fail(p.endPos(), "expected either ')' or ',' after a value inside the 'in/pmatch' clause")
			}
			p.skip()
			if p.pos >= len(p.s) {
				p.fail(p.endPos(), "expected either ')' or ',' after a value inside the 'in/pmatch' clause")
			}
			if p.s[p.pos] == ')' {
				p.pos++
				break
			}
			if p.s[p.pos] != ',' {
				p.fail(p.pos, "expected either ')' or ',' after a value inside the 'in/pmatch' clause")
			}
			p.pos++
		}
	default:
		c.Values = []Value{p.value(false)}
	}
	c.EndPos = p.pos
	return c
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// value reads a second operand with sysdig's rules: optional quotes
// (either quote closes either), escapes \\ \" \xHH, unquoted values end at
// a blank, a parenthesis or (in lists) a comma.
func (p *parser) value(inList bool) Value {
	p.skip()
	if p.o.FalcoStrings {
		return p.falcoValue(inList)
	}
	v := Value{P: p.pos}
	p.valueAtEnd = false
	if p.pos < len(p.s) && (p.s[p.pos] == '"' || p.s[p.pos] == '\'') {
		v.Quoted = true
		p.pos++
	}
	start := p.pos
	var b []byte
	slash := false
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		var end bool
		if v.Quoted {
			end = !slash && (c == '"' || c == '\'')
		} else {
			end = isBlank(c) || c == '(' || c == ')' || inList && c == ','
		}
		if end {
			if slash {
				p.fail(p.pos, "filter error: unrecognized escape sequence at %s", p.s[start:p.pos])
			}
			v.End = p.pos
			v.Text = string(b)
			if v.Quoted {
				p.pos++ // past the closing quote
			}
			return v
		}
		if slash {
			slash = false
			switch c {
			case '\\', '"':
				b = append(b, c)
			case 'x':
				h1, h2 := -1, -1
				if p.pos+1 < len(p.s) {
					h1 = hexVal(p.s[p.pos+1])
				}
				if p.pos+2 < len(p.s) {
					h2 = hexVal(p.s[p.pos+2])
				}
				if h1 < 0 || h2 < 0 {
					bad := min(p.pos+3, len(p.s))
					p.fail(bad, "filter error: unrecognized escape sequence at %s", p.s[start:bad])
				}
				b = append(b, byte(h1<<4|h2))
				p.pos += 2
			default:
				b = append(b, '\\', c)
			}
			p.pos++
			continue
		}
		if c == '\\' {
			slash = true
			p.pos++
			continue
		}
		b = append(b, c)
		p.pos++
	}
	if v.Quoted {
		p.fail(len(p.s), "filter error: unclosed quotes")
	}
	v.End = p.pos
	v.Text = string(b)
	p.valueAtEnd = true
	return v
}

// falcoEscapes are the escapes of current Falco's quoted strings.
var falcoEscapes = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', ' ': '\\', '\\': '\\', '/': '/'}

// falcoValue is value with Options.FalcoStrings.
func (p *parser) falcoValue(inList bool) Value {
	v := Value{P: p.pos}
	p.valueAtEnd = false
	// Transformer names are words: look for '(' only right after the
	// word at p.pos (searching the whole rest of the text would make long
	// lists quadratic).
	w := wordLen(p.s[p.pos:])
	call := w > 0 && p.pos+w < len(p.s) && p.s[p.pos+w] == '('
	if inList {
		if i := w; call && (fields.IsTransformer(p.s[p.pos:p.pos+i]) || p.s[p.pos:p.pos+i] == "val") {
			// (Current Falco refuses them in lists too.)
			p.fail(p.pos+i, "filter error: expected a ')' token: %s() is not allowed in a list", p.s[p.pos:p.pos+i])
		}
	}
	if i := w; call && fields.IsTransformer(p.s[p.pos:p.pos+i]) {
		// A transformed field on the right: tolower(proc.name).
		start := p.pos
		p.pos += i
		p.balanced("field transformer " + p.s[start:start+i])
		v.Field = p.s[start:p.pos]
		v.Text, v.End = v.Field, p.pos
		return v
	}
	if strings.HasPrefix(p.s[p.pos:], "val(") {
		// val(field): the value of another field of the same event.
		start := p.pos
		p.pos += 3
		text := p.balanced("val()")
		v.Field = strings.TrimSpace(text[1 : len(text)-1])
		v.Text, v.End = p.s[start:p.pos], p.pos
		return v
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '"' && p.s[p.pos] != '\'' {
		start := p.pos
		for p.pos < len(p.s) {
			c := p.s[p.pos]
			if isBlank(c) || c == '(' || c == ')' || inList && c == ',' {
				break
			}
			p.pos++
		}
		v.Text, v.End = p.s[start:p.pos], p.pos
		p.valueAtEnd = p.pos == len(p.s)
		return v
	}
	quote := p.s[p.pos]
	v.Quoted = true
	p.pos++
	var b []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == quote:
			v.End = p.pos
			v.Text = string(b)
			p.pos++
			return v
		case c != '\\':
			b = append(b, c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.s) {
			break
		}
		e := p.s[p.pos+1]
		switch {
		case e == quote:
			b = append(b, e)
		case falcoEscapes[e] != 0:
			b = append(b, falcoEscapes[e])
		default:
			p.fail(p.pos, "filter error: unsupported string escape sequence: \\%c", e)
		}
		p.pos += 2
	}
	p.fail(len(p.s), "filter error: unclosed quotes")
	return v
}

// wordLen returns the length of the run of letters, digits and
// underscores at the start of s.
func wordLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return i
		}
	}
	return len(s)
}
