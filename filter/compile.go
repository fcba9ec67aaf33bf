package filter

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"

	"github.com/traceproj/trace/fields"
	"github.com/traceproj/trace/internal/fnmatch"
	"github.com/traceproj/trace/scap"
)

// Filter is a compiled filter expression.
type Filter struct {
	// Expr is the source expression.
	Expr string
	root evalFn
	// types, when not nil, lists the event types that can match; other
	// events fail without evaluating anything.
	types []bool
	// threadOnly is set when every check reads thread-stable fields
	// (fields.Field.ThreadStable): the verdict is then the same for all
	// events of a thread between two state changes.
	threadOnly bool
}

// ThreadOnly reports whether the filter reads only thread-stable fields.
func (f *Filter) ThreadOnly() bool { return f != nil && f.threadOnly }

// MatchCached is Match for a filter that may keep its verdicts on threads:
// when it reads only thread-stable fields, the verdict for the event's
// thread is reused until the engine's state generation changes. epoch
// tells apart the filters that take turns caching on the same threads.
func (f *Filter) MatchCached(c *fields.Ctx, epoch uint64) bool {
	if f == nil {
		return true
	}
	t := c.Ev.Thread
	if t == nil || !f.threadOnly || c.Ev.Engine() == nil {
		return f.Match(c)
	}
	if !f.MayMatchType(c.Ev.Type) {
		return false
	}
	gen := c.Ev.Engine().StateGen() + epoch<<40
	if v, ok := t.CachedVerdict(gen); ok {
		return v
	}
	v := f.root(c)
	t.SetCachedVerdict(gen, v)
	return v
}

type evalFn func(c *fields.Ctx) bool

// Match evaluates the filter on the event in c.
func (f *Filter) Match(c *fields.Ctx) bool {
	if f == nil {
		return true
	}
	if f.types != nil {
		t := int(c.Ev.Type)
		if t < len(f.types) && !f.types[t] {
			return false
		}
	}
	return f.root(c)
}

// EventTypes returns the event types the filter can match, or nil when
// it may match any.
func (f *Filter) EventTypes() []uint16 {
	if f == nil || f.types == nil {
		return nil
	}
	return scap.TypeList(f.types)
}

// MayMatchType reports whether events of type t can pass the filter.
func (f *Filter) MayMatchType(t uint16) bool {
	if f == nil || f.types == nil {
		return true
	}
	return int(t) >= len(f.types) || f.types[t]
}

// FieldChecker is the parser hook that validates field tokens against the
// catalog.
func FieldChecker(tok string) error {
	_, err := fields.ParseExact(tok)
	if errors.Is(err, fields.ErrNotFound) {
		return ErrUnknownField
	}
	return err
}

// Compile parses and compiles a filter expression (sysdig's CLI syntax:
// no macros). An empty expression gives a nil filter, which matches
// everything.
func Compile(expr string) (*Filter, error) {
	n, err := Parse(expr, Options{Field: FieldChecker})
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, nil
	}
	return CompileNode(n, expr)
}

// CompileNode compiles a parsed expression; src is the text positions
// refer to (for error messages).
func CompileNode(n Node, src string) (*Filter, error) {
	c := &compiler{src: src, done: map[Node]evalFn{}}
	var root evalFn
	err := c.catch(func() { root = c.node(n) })
	if err != nil {
		return nil, err
	}
	f := &Filter{Expr: src, root: root, threadOnly: !c.unstable}
	if set, exact := typeSet(n); set != nil {
		f.types = set
		if exact {
			// The type set is the whole test, except for generic events,
			// whose evt.type is their syscall's name, and for types
			// past the table.
			full := root
			f.root = func(c *fields.Ctx) bool {
				if t := c.Ev.Type; t == scap.PPME_GENERIC_E || t == scap.PPME_GENERIC_X || int(t) >= len(set) {
					return full(c)
				}
				return true
			}
		}
	}
	return f, nil
}

type compiler struct {
	src      string
	unstable bool // a check reads something other than thread-stable fields
	// done holds the nodes compiled so far: an AST whose subtrees are
	// shared (Falco macros expanded once) compiles each subtree once.
	done map[Node]evalFn
}

func (c *compiler) catch(fn func()) error { return catch(fn) }

func (c *compiler) fail(pos int, format string, a ...any) { fail(c.src, pos, format, a...) }

func (c *compiler) node(n Node) evalFn {
	if f, ok := c.done[n]; ok {
		return f
	}
	f := c.compileNode(n)
	c.done[n] = f
	return f
}

func (c *compiler) compileNode(n Node) evalFn {
	switch x := n.(type) {
	case *BoolOp:
		fns := make([]evalFn, len(x.Items))
		for i, it := range x.Items {
			fns[i] = c.node(it)
		}
		if x.Op == "and" {
			if len(fns) == 2 {
				a, b := fns[0], fns[1]
				return func(ctx *fields.Ctx) bool { return a(ctx) && b(ctx) }
			}
			return func(ctx *fields.Ctx) bool {
				for _, f := range fns {
					if !f(ctx) {
						return false
					}
				}
				return true
			}
		}
		if len(fns) == 2 {
			a, b := fns[0], fns[1]
			return func(ctx *fields.Ctx) bool { return a(ctx) || b(ctx) }
		}
		return func(ctx *fields.Ctx) bool {
			for _, f := range fns {
				if f(ctx) {
					return true
				}
			}
			return false
		}
	case *Not:
		f := c.node(x.X)
		return func(ctx *fields.Ctx) bool { return !f(ctx) }
	case *Paren:
		return c.node(x.X)
	case *Ident:
		c.fail(x.P+len(x.Name), "filter error: unrecognized field %s at pos %d", x.Name, x.P)
	case *Check:
		return c.check(x)
	}
	c.fail(n.Pos(), "unsupported expression")
	return nil
}

// valuePos is where sysdig reports errors about a check's value: just
// past it, or on its last byte when a parenthesis or comma ended it.
func (c *compiler) valuePos(ck *Check, i int) int {
	if i >= len(ck.Values) {
		return ck.EndPos
	}
	v := ck.Values[i]
	if !v.Quoted && v.End < len(c.src) && v.End > v.P && strings.IndexByte("(),", c.src[v.End]) >= 0 {
		return v.End - 1
	}
	return v.End
}

func (c *compiler) check(ck *Check) evalFn {
	f, err := fields.ParseExpr(ck.Field)
	if err != nil {
		if errors.Is(err, fields.ErrNotFound) {
			c.fail(ck.FieldEnd, "filter error: unrecognized field %s at pos %d", ck.Field, ck.FieldPos)
		}
		c.fail(ck.FieldEnd, "%s", err.Error())
	}
	if !f.ThreadStable() {
		c.unstable = true
	}
	if ts, ok := f.Around(); ok {
		if ck.Op == "exists" || ck.Op == "in" {
			// sysdig extracts no value for it: never true.
			return func(*fields.Ctx) bool { return false }
		}
		if ck.Op != "=" {
			c.fail(c.valuePos(ck, 0), "evt.around supports only '=' comparison operator")
		}
		d, err := f.ParseOperand(ck.Values[0].Text)
		if err != nil {
			c.fail(c.valuePos(ck, 0), "%s", err.Error())
		}
		delta := d.N * 1000000
		return func(ctx *fields.Ctx) bool {
			t := ctx.Ev.Ts
			return ts >= t-delta && ts <= t+delta
		}
	}
	if ck.Op == "exists" {
		switch f.Def.Name {
		case "fd.ip", "fd.net":
			c.fail(ck.OpEnd, "IP filter only supports '=' and '!=' operators")
		case "fd.port", "fd.proto":
			c.fail(ck.OpEnd, "unsupported port comparison operator")
		}
		return func(ctx *fields.Ctx) bool {
			return f.Each(ctx, func(*fields.Value) bool { return true })
		}
	}
	if ck.Op == "pmatch" && f.Type != fields.TCharbuf {
		pos := ck.OpEnd + 1
		if len(ck.Values) > 0 {
			pos = ck.Values[0].P
		}
		c.fail(pos, "pmatch requires all charbuf arguments")
	}
	for _, v := range ck.Values {
		if v.Field != "" {
			return c.fieldCompare(ck, f)
		}
	}
	var ops []*fields.Operand
	for i, v := range ck.Values {
		text := v.Text
		if ck.Op == "bcontains" || ck.Op == "bstartswith" {
			b, err := hex.DecodeString(strings.ReplaceAll(text, " ", ""))
			if err != nil {
				c.fail(c.valuePos(ck, i), "filter error: bcontains and bstartswith operator support hex strings only")
			}
			ops = append(ops, &fields.Operand{Value: fields.Value{T: fields.TBytebuf, S: b}, Str: text})
			continue
		}
		op, err := f.ParseOperand(text)
		if err != nil {
			c.fail(c.valuePos(ck, i), "%s", err.Error())
		}
		ops = append(ops, op)
	}
	cmp := c.comparator(ck, f, ops)
	if f.MultiValued() {
		if ck.Op == "!=" && f.NoneEqualForNE() {
			eq := c.comparator(&Check{Op: "=", OpPos: ck.OpPos, OpEnd: ck.OpEnd}, f, ops)
			// True when the field has values and none equals: an fd
			// without addresses (a pipe) is neither = nor != an address.
			var seen bool
			probe := func(v *fields.Value) bool {
				seen = true
				return eq(v)
			}
			return func(ctx *fields.Ctx) bool {
				seen = false
				return !f.Each(ctx, probe) && seen
			}
		}
		return func(ctx *fields.Ctx) bool { return f.Each(ctx, cmp) }
	}
	// One value per check, reused: a Filter, like a Ctx, serves one
	// goroutine at a time.
	v := new(fields.Value)
	return func(ctx *fields.Ctx) bool {
		if !f.Get(ctx, v) {
			return false
		}
		return cmp(v)
	}
}

type cmpFn = func(v *fields.Value) bool

// comparator builds the test of one extracted value against the operands.
func (c *compiler) comparator(ck *Check, f *fields.Field, ops []*fields.Operand) cmpFn {
	t := f.Type
	if f.RawParam() != nil && len(ops) > 0 {
		t = ops[0].T
	}
	if ck.Op == "in" || ck.Op == "intersects" {
		return c.inSet(ck, f, t, ops)
	}
	op := ops[0]
	var fn cmpFn
	kind := "numeric"
	switch t {
	case fields.TInt16, fields.TInt32, fields.TInt64:
		fn = ordered(ck.Op, int64(op.N))
	case fields.TUint32, fields.TUint64, fields.TAbsTime, fields.TRelTime, fields.TPort, fields.TBool:
		fn = ordered(ck.Op, op.N)
	case fields.TDouble:
		fn = ordered(ck.Op, op.F)
	case fields.TIPAddr:
		x := op.S
		fn, kind = equality(ck.Op, func(v *fields.Value) bool { return bytes.Equal(v.S, x) }), "IP address"
		if fn == nil && !f.MultiValued() {
			fn = orderedIPv4(ck.Op, x)
		}
	case fields.TIPNet:
		n := op.Net
		fn, kind = equality(ck.Op, func(v *fields.Value) bool { return n.Contains(v.S) }), "IP network"
	case fields.TBytebuf:
		x := op.S
		fn, kind = equality(ck.Op, func(v *fields.Value) bool { return bytes.Equal(v.S, x) }), "buffer"
		if fn == nil {
			fn = substring(ck.Op, x)
		}
	default:
		fn, kind = c.stringOp(ck, ops), "string"
	}
	if fn == nil {
		if kind == "IP address" || kind == "IP network" {
			c.fail(ck.OpEnd, "IP filter only supports '=' and '!=' operators")
		}
		c.fail(ck.OpEnd, "'%s' not supported for %s filters", ck.Op, kind)
	}
	return fn
}

// orderedIPv4 builds <, <=, > and >= on IP addresses as sysdig 0.29.3
// does: the first four bytes of each read as a little-endian number (so
// 127.0.0.1 < 126.0.0.2, and an IPv6 operand counts by its first four
// bytes).
func orderedIPv4(op string, x []byte) cmpFn {
	if len(x) < 4 {
		return nil
	}
	f := ordered(op, uint64(binary.LittleEndian.Uint32(x)))
	if f == nil {
		return nil
	}
	return func(v *fields.Value) bool {
		if len(v.S) < 4 {
			return false
		}
		w := fields.Value{N: uint64(binary.LittleEndian.Uint32(v.S))}
		return f(&w)
	}
}

// inSet builds "in" and "intersects": equality with any of the operands.
func (c *compiler) inSet(ck *Check, f *fields.Field, t fields.Type, ops []*fields.Operand) cmpFn {
	if t == fields.TCharbuf || t == fields.TBytebuf {
		if len(ops) <= 4 {
			vals := make([][]byte, len(ops))
			for i, o := range ops {
				vals[i] = o.S
			}
			return func(v *fields.Value) bool {
				for _, o := range vals {
					if bytes.Equal(v.S, o) {
						return true
					}
				}
				return false
			}
		}
		set := make(map[string]struct{}, len(ops))
		for _, o := range ops {
			set[string(o.S)] = struct{}{}
		}
		return func(v *fields.Value) bool {
			_, ok := set[string(v.S)]
			return ok
		}
	}
	eqs := make([]cmpFn, len(ops))
	for i, o := range ops {
		eqs[i] = c.comparator(&Check{Op: "=", OpPos: ck.OpPos, OpEnd: ck.OpEnd}, f, []*fields.Operand{o})
	}
	return func(v *fields.Value) bool {
		for _, eq := range eqs {
			if eq(v) {
				return true
			}
		}
		return false
	}
}

// number is a numeric type comparisons read values as.
type number interface{ int64 | uint64 | float64 }

// numberOf reads v as a T: doubles from F, integers from N (signed ones in
// two's complement). The test is a constant in each instantiation, so the
// read is a single load.
func numberOf[T number](v *fields.Value) T {
	if T(1)/2 != 0 { // T is float64
		return T(v.F)
	}
	return T(v.N)
}

// ordered builds op, one of the six comparison operators, as a test of
// the number a value holds against x; nil for other operators.
func ordered[T number](op string, x T) cmpFn {
	switch op {
	case "=":
		return func(v *fields.Value) bool { return numberOf[T](v) == x }
	case "!=":
		return func(v *fields.Value) bool { return numberOf[T](v) != x }
	case "<":
		return func(v *fields.Value) bool { return numberOf[T](v) < x }
	case "<=":
		return func(v *fields.Value) bool { return numberOf[T](v) <= x }
	case ">":
		return func(v *fields.Value) bool { return numberOf[T](v) > x }
	case ">=":
		return func(v *fields.Value) bool { return numberOf[T](v) >= x }
	}
	return nil
}

// equality builds "=" and "!=" from eq; nil for other operators.
func equality(op string, eq cmpFn) cmpFn {
	switch op {
	case "=":
		return eq
	case "!=":
		return func(v *fields.Value) bool { return !eq(v) }
	}
	return nil
}

// substring builds the operators that look for x inside the value; nil
// for other operators.
func substring(op string, x []byte) cmpFn {
	switch op {
	case "contains", "bcontains":
		return func(v *fields.Value) bool { return bytes.Contains(v.S, x) }
	case "startswith", "bstartswith":
		return func(v *fields.Value) bool { return bytes.HasPrefix(v.S, x) }
	case "endswith":
		return func(v *fields.Value) bool { return bytes.HasSuffix(v.S, x) }
	}
	return nil
}

// stringOp builds the operators of string fields; nil for unsupported ones.
func (c *compiler) stringOp(ck *Check, ops []*fields.Operand) cmpFn {
	x, xs := ops[0].S, ops[0].Str
	if fn := substring(ck.Op, x); fn != nil {
		return fn
	}
	switch ck.Op {
	case "=":
		return func(v *fields.Value) bool { return string(v.S) == xs }
	case "!=":
		return func(v *fields.Value) bool { return string(v.S) != xs }
	case "<":
		return func(v *fields.Value) bool { return string(v.S) < xs }
	case "<=":
		return func(v *fields.Value) bool { return string(v.S) <= xs }
	case ">":
		return func(v *fields.Value) bool { return string(v.S) > xs }
	case ">=":
		return func(v *fields.Value) bool { return string(v.S) >= xs }
	case "icontains":
		lx := bytes.ToLower(x)
		return func(v *fields.Value) bool { return containsFold(v.S, lx) }
	case "glob":
		return func(v *fields.Value) bool { return fnmatch.Match(xs, v.S, false) }
	case "iglob":
		return func(v *fields.Value) bool { return fnmatch.Match(xs, v.S, true) }
	case "regex":
		re, err := regexp.Compile("^(?:" + xs + ")$")
		if err != nil {
			c.fail(c.valuePos(ck, 0), "invalid regular expression %s: %v", xs, err)
		}
		return func(v *fields.Value) bool { return re.Match(v.S) }
	case "pmatch":
		var paths [][]string
		for _, o := range ops {
			paths = append(paths, splitPath(o.Str))
		}
		return func(v *fields.Value) bool { return pathMatch(paths, string(v.S)) }
	}
	return nil
}

// containsFold reports whether s contains lower (already lower-cased),
// ignoring ASCII case.
func containsFold(s, lower []byte) bool {
	if len(lower) == 0 {
		return true
	}
	for i := 0; i+len(lower) <= len(s); i++ {
		j := 0
		for ; j < len(lower); j++ {
			ch := s[i+j]
			if ch >= 'A' && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			if ch != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return true
		}
	}
	return false
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// pathMatch reports whether path equals one of the prefixes or lies below
// it, component by component.
func pathMatch(prefixes [][]string, path string) bool {
	comps := splitPath(path)
	for _, p := range prefixes {
		if len(p) > len(comps) {
			continue
		}
		ok := true
		for i := range p {
			if p[i] != comps[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// typeSet returns the event types a node can match (nil: any) and
// whether the set is exact (the node tests nothing but evt.type).
func typeSet(n Node) ([]bool, bool) {
	switch x := n.(type) {
	case *Paren:
		return typeSet(x.X)
	case *Check:
		if x.Field != "evt.type" || (x.Op != "=" && x.Op != "!=" && x.Op != "in" && x.Op != "intersects") {
			return nil, false
		}
		set := make([]bool, scap.NumEventsAll)
		for _, v := range x.Values {
			if v.Field != "" {
				return nil, false // val(field): known per event only
			}
			for _, t := range fields.EventTypesNamed(v.Text) {
				set[t] = true
			}
		}
		if x.Op == "!=" {
			for i := range set {
				set[i] = !set[i]
			}
			set[scap.PPME_GENERIC_E], set[scap.PPME_GENERIC_X] = true, true
		}
		return set, true
	case *Not:
		set, exact := typeSet(x.X)
		if set == nil || !exact {
			return nil, false
		}
		out := make([]bool, len(set))
		for i, ok := range set {
			out[i] = !ok
		}
		// A generic event's evt.type depends on its syscall code, so a
		// complement never rules generic events out.
		out[scap.PPME_GENERIC_E], out[scap.PPME_GENERIC_X] = true, true
		return out, true
	case *BoolOp:
		var acc []bool
		exact := true
		for i, it := range x.Items {
			set, ex := typeSet(it)
			exact = exact && ex
			if x.Op == "and" {
				if set == nil {
					continue
				}
				if acc == nil {
					acc = append([]bool(nil), set...)
					continue
				}
				for t := range acc {
					acc[t] = acc[t] && set[t]
				}
				continue
			}
			if set == nil {
				return nil, false
			}
			if i == 0 {
				acc = append([]bool(nil), set...)
				continue
			}
			for t := range acc {
				acc[t] = acc[t] || set[t]
			}
		}
		if x.Op == "and" && acc == nil {
			return nil, false
		}
		return acc, exact
	}
	return nil, false
}

// fieldCompare compiles a check whose values are val(field) (or mix
// them with constants): the operands are built per event from the other
// field's value, rendered and read as the checked field's operand.
func (c *compiler) fieldCompare(ck *Check, f *fields.Field) evalFn {
	type operand struct {
		field *fields.Field
		fixed *fields.Operand
	}
	var ops []operand
	for i, v := range ck.Values {
		if v.Field == "" {
			op, err := f.ParseOperand(v.Text)
			if err != nil {
				c.fail(c.valuePos(ck, i), "%s", err.Error())
			}
			ops = append(ops, operand{fixed: op})
			continue
		}
		rf, err := fields.ParseExpr(v.Field)
		if err != nil {
			c.fail(c.valuePos(ck, i), "filter error: %s in val()", err.Error())
		}
		if !rf.ThreadStable() {
			c.unstable = true
		}
		ops = append(ops, operand{field: rf})
	}
	if !f.ThreadStable() {
		c.unstable = true
	}
	var text []byte
	built := make([]*fields.Operand, len(ops))
	v := new(fields.Value)
	return func(ctx *fields.Ctx) (match bool) {
		defer func() {
			// An operand the comparison refuses (read from the other
			// field's value) makes the check false, not a crash.
			if r := recover(); r != nil {
				if _, ok := r.(parseError); !ok {
					panic(r)
				}
				match = false
			}
		}()
		for i, o := range ops {
			if o.fixed != nil {
				built[i] = o.fixed
				continue
			}
			var ok bool
			text, ok = o.field.AppendText(ctx, text[:0])
			if !ok {
				return false // the other field has no value
			}
			op, err := f.ParseOperand(string(text))
			if err != nil {
				return false
			}
			built[i] = op
		}
		cmp := c.comparator(ck, f, built)
		if f.MultiValued() {
			return f.Each(ctx, cmp)
		}
		if !f.Get(ctx, v) {
			return false
		}
		return cmp(v)
	}
}
