package fields

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Transformers are current Falco's field transformers, applied as
// name(field) in rule conditions and outputs: tolower(proc.name),
// basename(proc.exepath), len(proc.args).
var Transformers = []string{"tolower", "toupper", "b64", "basename", "len"}

// IsTransformer reports whether name is a field transformer.
func IsTransformer(name string) bool {
	for _, t := range Transformers {
		if t == name {
			return true
		}
	}
	return false
}

// SplitTransformer splits "name(inner)" into its transformer and inner
// expression; ok is false when expr is not a transformer application.
func SplitTransformer(expr string) (name, inner string, ok bool) {
	i := strings.IndexByte(expr, '(')
	if i <= 0 || !strings.HasSuffix(expr, ")") || !IsTransformer(expr[:i]) {
		return "", "", false
	}
	return expr[:i], strings.TrimSpace(expr[i+1 : len(expr)-1]), true
}

// ParseExpr resolves a field expression: a field reference, or a
// transformer applied to an expression (nested as in
// toupper(basename(proc.exe))).
func ParseExpr(expr string) (*Field, error) {
	name, inner, ok := SplitTransformer(expr)
	if !ok {
		return ParseExact(expr)
	}
	in, err := ParseExpr(inner)
	if err != nil {
		return nil, err
	}
	return transform(name, in, expr)
}

// Base returns the field a transformed field is computed from (the
// innermost of nested transformers), or f itself.
func (f *Field) Base() *Field {
	if f.base != nil {
		return f.base
	}
	return f
}

func isStringType(t Type) bool { return t == TCharbuf || t == TBytebuf }

// transform builds the field that applies transformer name to in.
func transform(name string, in *Field, expr string) (*Field, error) {
	if name != "len" && !isStringType(in.Type) {
		return nil, fmt.Errorf("filter error: field transformer '%s' requires a string field, %s is not", name, in.Name)
	}
	out := &Field{Def: in.Def, Name: expr, Type: TCharbuf, PF: PFNA, base: in.Base()}
	var str func(b, s []byte) ([]byte, bool)
	switch name {
	case "tolower", "toupper":
		up := name == "toupper"
		str = func(b, s []byte) ([]byte, bool) {
			for _, c := range s {
				switch {
				case up && c >= 'a' && c <= 'z':
					c -= 'a' - 'A'
				case !up && c >= 'A' && c <= 'Z':
					c += 'a' - 'A'
				}
				b = append(b, c)
			}
			return b, true
		}
	case "b64":
		str = func(b, s []byte) ([]byte, bool) {
			n := base64.StdEncoding.DecodedLen(len(s))
			start := len(b)
			b = append(b, make([]byte, n)...)
			m, err := base64.StdEncoding.Decode(b[start:], s)
			if err != nil {
				return b[:start], false
			}
			return b[:start+m], true
		}
	case "basename":
		str = func(b, s []byte) ([]byte, bool) {
			if i := strings.LastIndexByte(string(s), '/'); i >= 0 {
				s = s[i+1:]
			}
			return append(b, s...), true
		}
	case "len":
		out.Type, out.PF = TUint64, PFDec
		if in.MultiValued() {
			out.get = func(c *Ctx, v *Value) bool {
				var n uint64
				in.Each(c, func(*Value) bool { n++; return false })
				v.N = n
				return true
			}
			return out, nil
		}
		iv := new(Value)
		out.get = func(c *Ctx, v *Value) bool {
			if !in.Get(c, iv) {
				return false
			}
			if isStringType(iv.T) {
				v.N = uint64(len(iv.S))
			} else {
				v.N = 0
			}
			return true
		}
		return out, nil
	}
	var buf []byte
	apply := func(v *Value, iv *Value) bool {
		var ok bool
		buf, ok = str(buf[:0], iv.S)
		v.S = buf
		return ok
	}
	if in.MultiValued() {
		out.each = func(c *Ctx, fn func(v *Value) bool) bool {
			var tv Value
			return in.Each(c, func(iv *Value) bool {
				tv.T, tv.PF = TCharbuf, PFNA
				if !apply(&tv, iv) {
					return false
				}
				return fn(&tv)
			})
		}
	}
	iv := new(Value)
	out.get = func(c *Ctx, v *Value) bool {
		if !in.Get(c, iv) {
			return false
		}
		return apply(v, iv)
	}
	return out, nil
}
