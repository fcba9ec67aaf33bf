package chisels

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/traceproj/trace/internal/luatab"
)

// orderedTables gives some tables a traversal order of their own: the
// tables get_thread_table builds, which in sysdig are LuaJIT tables whose
// pairs order comes from LuaJIT's hashing (see package luatab), while
// gopher-lua would list their integer keys in ascending order. pairs and
// next are replaced by versions that follow the recorded order for those
// tables, then list any key added since in gopher-lua's order.
type orderedTables struct {
	orders map[*lua.LTable]*keyOrder
	// gens holds the tables of the latest calls, oldest first: older
	// ones are forgotten (and traverse in gopher-lua's order).
	gens [][]*lua.LTable
	next *lua.LFunction
}

// keepGenerations is how many get_thread_table results keep their order.
const keepGenerations = 4

// keyOrder is a table's traversal order, computed at its first
// traversal from the order the keys were stored in.
type keyOrder struct {
	stored []int32
	keys   []lua.LValue
	pos    map[lua.LValue]int
}

func (ko *keyOrder) compute() {
	if ko.pos != nil {
		return
	}
	order := luatab.Order(ko.stored)
	ko.keys = make([]lua.LValue, len(order))
	ko.pos = make(map[lua.LValue]int, len(order))
	for i, k := range order {
		ko.keys[i] = lua.LNumber(k)
		ko.pos[ko.keys[i]] = i
	}
	ko.stored = nil
}

// installOrdered replaces pairs and next in L.
func installOrdered(L *lua.LState) *orderedTables {
	o := &orderedTables{orders: map[*lua.LTable]*keyOrder{}}
	o.next = L.NewFunction(o.luaNext)
	L.SetGlobal("next", o.next)
	L.SetGlobal("pairs", L.NewFunction(func(L *lua.LState) int {
		tb := L.CheckTable(1)
		L.Push(o.next)
		L.Push(tb)
		L.Push(lua.LNil)
		return 3
	}))
	return o
}

// newGeneration starts the tables of one call.
func (o *orderedTables) newGeneration() {
	if o == nil {
		return
	}
	if len(o.gens) == keepGenerations {
		for _, t := range o.gens[0] {
			delete(o.orders, t)
		}
		o.gens = o.gens[1:]
	}
	o.gens = append(o.gens, nil)
}

// set records that t, a fresh LuaJIT table in sysdig, got its integer
// keys stored (lua_rawseti) in the order given.
func (o *orderedTables) set(t *lua.LTable, stored []int32) {
	if o == nil || len(stored) == 0 {
		return
	}
	if len(o.gens) == 0 {
		o.newGeneration()
	}
	o.orders[t] = &keyOrder{stored: stored}
	g := len(o.gens) - 1
	o.gens[g] = append(o.gens[g], t)
}

func (o *orderedTables) luaNext(L *lua.LState) int {
	tb := L.CheckTable(1)
	k, v := o.nextOf(tb, L.Get(2))
	L.Push(k)
	L.Push(v)
	if k == lua.LNil {
		return 1
	}
	return 2
}

func (o *orderedTables) nextOf(tb *lua.LTable, key lua.LValue) (lua.LValue, lua.LValue) {
	ko := o.orders[tb]
	if ko == nil {
		return tb.Next(key)
	}
	ko.compute()
	i := 0
	if key != lua.LNil {
		p, ok := ko.pos[key]
		if !ok {
			// A key added since: continue in gopher-lua's order.
			return ko.rest(tb, key)
		}
		i = p + 1
	}
	for ; i < len(ko.keys); i++ {
		if v := tb.RawGet(ko.keys[i]); v != lua.LNil {
			return ko.keys[i], v
		}
	}
	return ko.rest(tb, lua.LNil)
}

// rest continues a native traversal after key, skipping the keys of the
// recorded order.
func (ko *keyOrder) rest(tb *lua.LTable, key lua.LValue) (lua.LValue, lua.LValue) {
	k, v := tb.Next(key)
	for k != lua.LNil {
		if _, ok := ko.pos[k]; !ok {
			return k, v
		}
		k, v = tb.Next(k)
	}
	return lua.LNil, lua.LNil
}
