package chisels

import (
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"github.com/traceproj/trace/fields"
)

// aggregator sums a value per key in Go, for every event that passes the
// chisel's filter. It is trace's own API (chisel.aggregate), used by the
// built-in table chisels so that Lua runs only to print the table: it
// computes what table_generator's on_event computes.
type aggregator struct {
	keys  []*fields.Field
	value *fields.Field
	scale float64
	// positive adds only values > 0 (table_generator); otherwise every
	// value is added (topprocs_cpu).
	positive bool
	sums     map[string]*float64
	order    []string
	kb       []byte
	v        fields.Value // reused: values passed to Get escape
}

// chiselAggregate implements chisel.aggregate{keys = {...}, value =
// "field", scale = n, positive = bool}: it returns an aggregator with
// methods table() (the sums keyed by the key values joined with
// "\001\001") and clear().
func (c *Chisel) chiselAggregate(L *lua.LState) int {
	opts := L.CheckTable(1)
	a := &aggregator{scale: 1, sums: map[string]*float64{}}
	parse := func(name string) *fields.Field {
		f, _, err := fields.Parse(name)
		if err != nil {
			c.fail(L, "chisel requesting nonexistent field "+name)
		}
		return f
	}
	if keys, ok := opts.RawGetString("keys").(*lua.LTable); ok {
		forEach(keys, func(_, v lua.LValue) {
			s, _ := luaString(v)
			a.keys = append(a.keys, parse(s))
		})
	}
	vs, _ := luaString(opts.RawGetString("value"))
	a.value = parse(vs)
	if n, ok := opts.RawGetString("scale").(lua.LNumber); ok {
		a.scale = float64(n)
	}
	a.positive = lua.LVAsBool(opts.RawGetString("positive"))
	c.aggs = append(c.aggs, a)
	ud := L.NewUserData()
	ud.Value = a
	mt := L.NewTable()
	methods := L.NewTable()
	L.SetField(methods, "table", L.NewFunction(func(L *lua.LState) int {
		t := L.NewTable()
		for _, k := range a.order {
			t.RawSetString(k, lua.LNumber(*a.sums[k]))
		}
		L.Push(t)
		return 1
	}))
	L.SetField(methods, "clear", L.NewFunction(func(L *lua.LState) int {
		a.sums = map[string]*float64{}
		a.order = a.order[:0]
		return 0
	}))
	L.SetField(mt, "__index", methods)
	ud.Metatable = mt
	L.Push(ud)
	return 1
}

// add accounts the event in ctx.
func (a *aggregator) add(ctx *fields.Ctx) {
	v := &a.v
	b := a.kb[:0]
	for i, k := range a.keys {
		if !k.Get(ctx, v) {
			return
		}
		if i > 0 {
			b = append(b, 1, 1)
		}
		b = appendLuaString(b, v)
	}
	a.kb = b
	if !a.value.Get(ctx, v) {
		return
	}
	n, ok := luaNumber(v)
	if !ok {
		return
	}
	if a.positive && !(n > 0) {
		return
	}
	n *= a.scale
	if p := a.sums[string(b)]; p != nil {
		*p += n
		return
	}
	k := string(b)
	p := new(float64)
	*p = n
	a.sums[k] = p
	a.order = append(a.order, k)
}

// appendLuaString renders a value as Lua's tostring would render what
// evt.field returns for it.
func appendLuaString(b []byte, v *fields.Value) []byte {
	switch v.T {
	case fields.TCharbuf, fields.TBytebuf:
		return append(b, v.S...)
	case fields.TBool:
		return strconv.AppendBool(b, v.N != 0)
	case fields.TIPAddr, fields.TIPNet:
		return fields.AppendIP(b, v.S)
	}
	n, _ := luaNumber(v)
	return appendNumber(b, n)
}

// luaNumber is the number evt.field returns for numeric values.
func luaNumber(v *fields.Value) (float64, bool) {
	switch v.T {
	case fields.TUint64, fields.TUint32, fields.TAbsTime, fields.TRelTime, fields.TPort:
		return float64(v.N), true
	case fields.TInt64:
		return float64(int64(v.N)), true
	case fields.TInt32:
		return float64(int32(v.N)), true
	case fields.TInt16:
		return float64(int16(v.N)), true
	case fields.TDouble:
		return v.F, true
	}
	return 0, false
}
