package chisels

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// sysdig embeds LuaJIT. gopher-lua implements the same Lua 5.1 language,
// but a few library functions print differently or lack LuaJIT 2.1
// extensions that chisels rely on. This file replaces them:
//
//   - tostring and print render numbers as "%.14g" (gopher-lua uses Go's
//     shortest representation);
//   - string.format follows C/LuaJIT conversions (%u, %q escapes, %5.2s,
//     numbers for %s, halves rounded away from zero as LuaJIT does);
//   - the pattern functions accept LuaJIT's %g class;
//   - print, io.write and io.stdout write to the run's output buffer, and
//     os.exit flushes it first.
//
// Concatenation (..) of non-integral numbers still uses gopher-lua's
// conversion; integers below 1e14 render the same either way.

// installCompat replaces the library functions above in L. out receives
// what the chisel prints; exit is called by os.exit.
func installCompat(L *lua.LState, out func() io.Writer, exit func(code int)) {
	L.SetGlobal("tostring", L.NewFunction(luaToString))
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		w := out()
		n := L.GetTop()
		var b []byte
		for i := 1; i <= n; i++ {
			if i > 1 {
				b = append(b, '\t')
			}
			b = append(b, toStringMeta(L, L.Get(i))...)
		}
		b = append(b, '\n')
		w.Write(b)
		return 0
	}))
	str := L.GetGlobal("string").(*lua.LTable)
	L.SetField(str, "format", L.NewFunction(strFormat))
	for _, name := range []string{"find", "match", "gmatch", "gsub"} {
		orig := L.GetField(str, name).(*lua.LFunction)
		L.SetField(str, name, L.NewFunction(patternWrapper(orig)))
	}
	write := func(L *lua.LState, first int) int {
		w := out()
		for i := first; i <= L.GetTop(); i++ {
			switch v := L.Get(i).(type) {
			case lua.LString:
				io.WriteString(w, string(v))
			case lua.LNumber:
				io.WriteString(w, numberToString(float64(v)))
			default:
				L.ArgError(i-first+1, "string expected, got "+v.Type().String())
			}
		}
		return 0
	}
	tab := L.GetGlobal("table").(*lua.LTable)
	tinsert := L.GetField(tab, "insert").(*lua.LFunction)
	L.SetField(tab, "insert", L.NewFunction(func(L *lua.LState) int {
		// LuaJIT moves elements up from any position, 0 and below
		// included; gopher-lua only sets t[pos] for pos < 1.
		if L.GetTop() == 3 {
			if pos, ok := L.Get(2).(lua.LNumber); ok && pos < 1 {
				t := L.CheckTable(1)
				p := int(pos)
				for i := t.Len() + 1; i > p; i-- {
					t.RawSet(lua.LNumber(i), t.RawGet(lua.LNumber(i-1)))
				}
				t.RawSet(lua.LNumber(p), L.Get(3))
				return 0
			}
		}
		top := L.GetTop()
		L.Insert(tinsert, 1)
		L.Call(top, 0)
		return 0
	}))
	iot := L.GetGlobal("io").(*lua.LTable)
	stdout := L.NewUserData()
	mt := L.NewTable()
	methods := L.NewTable()
	L.SetField(methods, "write", L.NewFunction(func(L *lua.LState) int {
		write(L, 2)
		L.Push(L.Get(1))
		return 1
	}))
	noop := L.NewFunction(func(L *lua.LState) int { return 0 })
	L.SetField(methods, "flush", noop)
	L.SetField(methods, "close", noop)
	L.SetField(methods, "setvbuf", noop)
	L.SetField(mt, "__index", methods)
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("file (stdout)"))
		return 1
	}))
	stdout.Metatable = mt
	L.SetField(iot, "stdout", stdout)
	L.SetField(iot, "write", L.NewFunction(func(L *lua.LState) int { return write(L, 1) }))
	L.SetField(iot, "flush", noop)
	ost := L.GetGlobal("os").(*lua.LTable)
	L.SetField(ost, "exit", L.NewFunction(func(L *lua.LState) int {
		code := 0
		switch v := L.Get(1).(type) {
		case lua.LNumber:
			code = int(v)
		case lua.LBool:
			if !v {
				code = 1
			}
		}
		exit(code)
		return 0
	}))
}

// toStringMeta is tostring: __tostring metamethods, numbers as LuaJIT
// prints them.
func toStringMeta(L *lua.LState, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return numberToString(float64(x))
	case lua.LBool:
		if x {
			return "true"
		}
		return "false"
	}
	if v == lua.LNil {
		return "nil"
	}
	return L.ToStringMeta(v).String()
}

func luaToString(L *lua.LState) int {
	v := L.CheckAny(1)
	L.Push(lua.LString(toStringMeta(L, v)))
	return 1
}

// numberToString renders n as LuaJIT does ("%.14g").
func numberToString(n float64) string {
	if n == math.Trunc(n) && math.Abs(n) < 1e14 {
		if n == 0 && math.Signbit(n) {
			return "-0"
		}
		return strconv.FormatInt(int64(n), 10)
	}
	return formatFloat(n, 'g', 14, "")
}

// appendNumber appends numberToString(n).
func appendNumber(b []byte, n float64) []byte {
	if n == math.Trunc(n) && math.Abs(n) < 1e14 && !(n == 0 && math.Signbit(n)) {
		return strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, numberToString(n)...)
}

// formatFloat formats n with a C conversion (e, E, f, F, g, G), a
// precision and C flags ("-+ #0" and a width are passed in spec, e.g.
// "-10"), rounding exact halves away from zero as LuaJIT does.
func formatFloat(n float64, verb byte, prec int, spec string) string {
	if math.IsInf(n, 0) || math.IsNaN(n) {
		s := "inf"
		if math.IsNaN(n) {
			s = "nan"
		} else if n < 0 {
			s = "-inf"
		} else if strings.ContainsRune(spec, '+') {
			s = "+inf"
		}
		if verb >= 'A' && verb <= 'Z' {
			s = strings.ToUpper(s)
		}
		return padString(s, strings.ReplaceAll(spec, "0", ""))
	}
	if verb == 'F' {
		verb = 'f'
	}
	if verb == 'f' && spec == "" && prec <= 30 {
		// A tie at the last digit needs n·2^(prec+1) to be an integer;
		// otherwise Go's correctly rounded result is LuaJIT's.
		if t := n * math.Exp2(float64(prec+1)); t != math.Trunc(t) {
			return strconv.FormatFloat(n, 'f', prec, 64)
		}
	}
	f := "%" + spec + "." + strconv.Itoa(prec) + string(verb)
	s1 := fmt.Sprintf(f, n)
	away := math.Inf(1)
	if n < 0 || (n == 0 && math.Signbit(n)) {
		away = math.Inf(-1)
	}
	s2 := fmt.Sprintf(f, math.Nextafter(n, away))
	if s1 == s2 {
		return s1
	}
	// n is next to a rounding boundary: it is a tie when it lies exactly
	// half way between the two renderings.
	r1, ok1 := new(big.Rat).SetString(strings.TrimSpace(s1))
	r2, ok2 := new(big.Rat).SetString(strings.TrimSpace(s2))
	if !ok1 || !ok2 {
		return s1
	}
	mid := new(big.Rat).Add(r1, r2)
	mid.Quo(mid, big.NewRat(2, 1))
	exact := new(big.Rat).SetFloat64(n)
	if exact != nil && exact.Cmp(mid) == 0 {
		return s2
	}
	return s1
}

// padString pads s to the width in spec ("-" flag: on the right).
func padString(s, spec string) string {
	left := strings.ContainsRune(spec, '-')
	w := 0
	for _, c := range spec {
		if c >= '0' && c <= '9' {
			w = w*10 + int(c-'0')
		}
	}
	if len(s) >= w {
		return s
	}
	pad := strings.Repeat(" ", w-len(s))
	if left {
		return s + pad
	}
	return pad + s
}

// strFormat is string.format with C semantics.
func strFormat(L *lua.LState) int {
	fmtStr := L.CheckString(1)
	arg := 1
	var b strings.Builder
	next := func() lua.LValue {
		arg++
		if arg > L.GetTop() {
			L.ArgError(arg, "no value")
		}
		return L.Get(arg)
	}
	checkNumber := func() float64 {
		v := next()
		switch x := v.(type) {
		case lua.LNumber:
			return float64(x)
		case lua.LString:
			if f, err := parseLuaNumber(string(x)); err == nil {
				return f
			}
		}
		L.ArgError(arg, "number expected, got "+typeName(v))
		return 0
	}
	b.Grow(len(fmtStr) + 64)
	for i := 0; i < len(fmtStr); i++ {
		if fmtStr[i] != '%' {
			j := strings.IndexByte(fmtStr[i:], '%')
			if j < 0 {
				b.WriteString(fmtStr[i:])
				break
			}
			b.WriteString(fmtStr[i : i+j])
			i += j
		}
		i++
		if i >= len(fmtStr) {
			L.RaiseError("invalid option '%%' to 'format'")
		}
		if fmtStr[i] == '%' {
			b.WriteByte('%')
			continue
		}
		start := i
		for i < len(fmtStr) && strings.IndexByte("-+ #0", fmtStr[i]) >= 0 {
			i++
		}
		for n := 0; i < len(fmtStr) && fmtStr[i] >= '0' && fmtStr[i] <= '9' && n < 2; n++ {
			i++
		}
		flags := fmtStr[start:i]
		prec := -1
		if i < len(fmtStr) && fmtStr[i] == '.' {
			i++
			prec = 0
			for n := 0; i < len(fmtStr) && fmtStr[i] >= '0' && fmtStr[i] <= '9' && n < 2; n++ {
				prec = prec*10 + int(fmtStr[i]-'0')
				i++
			}
		}
		if i >= len(fmtStr) {
			L.RaiseError("invalid option '%%%s' to 'format'", fmtStr[start:])
		}
		verb := fmtStr[i]
		precStr := ""
		if prec >= 0 {
			precStr = "." + strconv.Itoa(prec)
		}
		switch verb {
		case 'c':
			b.WriteString(padString(string([]byte{byte(int64(checkNumber()))}), flags))
		case 'd', 'i':
			n := checkNumber()
			if flags == "" && prec < 0 {
				var tmp [24]byte
				b.Write(strconv.AppendInt(tmp[:0], toInt64(n), 10))
			} else {
				b.WriteString(fmt.Sprintf("%"+flags+precStr+"d", toInt64(n)))
			}
		case 'o', 'u', 'x', 'X':
			n := checkNumber()
			v := uint64(toInt64(n))
			if n >= 9223372036854775808.0 && n < 18446744073709551616.0 {
				v = uint64(n)
			}
			g := verb
			if g == 'u' {
				g = 'd'
			}
			b.WriteString(fmt.Sprintf("%"+flags+precStr+string(g), v))
		case 'e', 'E', 'f', 'F', 'g', 'G':
			n := checkNumber()
			p := prec
			if p < 0 {
				p = 6
			}
			b.WriteString(formatFloat(n, verb, p, flags))
		case 'a', 'A':
			n := checkNumber()
			b.WriteString(fmt.Sprintf("%"+flags+precStr+string(verb-'a'+'x'), n))
		case 'q':
			b.WriteString(quoteString(L.CheckString(arg + 1)))
			arg++
		case 's':
			s := toStringMeta(L, next())
			if prec >= 0 && len(s) > prec {
				s = s[:prec]
			}
			b.WriteString(padString(s, flags))
		default:
			L.RaiseError("invalid option '%%%s' to 'format'", fmtStr[start:i+1])
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "nil"
	}
	return v.Type().String()
}

// toInt64 converts as LuaJIT does for %d: truncation toward zero.
func toInt64(n float64) int64 {
	if math.IsNaN(n) {
		return math.MinInt64
	}
	if n >= 9223372036854775807.0 || n < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(n)
}

// quoteString is %q as LuaJIT 2.1 renders it.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\\n")
		case c < 0x20 || c == 0x7f:
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				fmt.Fprintf(&b, "\\%03d", c)
			} else {
				fmt.Fprintf(&b, "\\%d", c)
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// parseLuaNumber converts a string the way Lua's tonumber does (decimal,
// hexadecimal with 0x, surrounding blanks allowed).
func parseLuaNumber(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, strconv.ErrSyntax
	}
	neg := false
	u := t
	if u[0] == '-' {
		neg, u = true, u[1:]
	}
	if strings.HasPrefix(u, "0x") || strings.HasPrefix(u, "0X") {
		n, err := strconv.ParseUint(u[2:], 16, 64)
		if err != nil {
			return 0, err
		}
		if neg {
			return -float64(n), nil
		}
		return float64(n), nil
	}
	if strings.ContainsAny(t, "_xXpP") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(t, "+-")), "inf") || strings.HasPrefix(strings.ToLower(strings.TrimLeft(t, "+-")), "nan") {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseFloat(t, 64)
}

var patternCache sync.Map // string → string

// translatePattern rewrites LuaJIT's %g/%G classes (printable characters
// except space), which gopher-lua does not know, into sets.
func translatePattern(p string) string {
	if !strings.Contains(p, "%g") && !strings.Contains(p, "%G") {
		return p
	}
	if v, ok := patternCache.Load(p); ok {
		return v.(string)
	}
	var b strings.Builder
	inSet := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%' && i+1 < len(p):
			n := p[i+1]
			i++
			switch {
			case n == 'g' && inSet:
				b.WriteString("!-~")
			case n == 'g':
				b.WriteString("[!-~]")
			case n == 'G' && !inSet:
				b.WriteString("[^!-~]")
			default:
				b.WriteByte('%')
				b.WriteByte(n)
			}
		case c == '[' && !inSet:
			inSet = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == ']' && inSet:
			inSet = false
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	patternCache.Store(p, s)
	return s
}

// patternWrapper calls a pattern function of the string library with its
// pattern argument translated.
func patternWrapper(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if p, ok := L.Get(2).(lua.LString); ok {
			if t := translatePattern(string(p)); t != string(p) {
				L.Replace(2, lua.LString(t))
			}
		}
		top := L.GetTop()
		L.Insert(orig, 1)
		L.Call(top, lua.MultRet)
		return L.GetTop()
	}
}
