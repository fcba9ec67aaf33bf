package chisels

import (
	lua "github.com/yuin/gopher-lua"
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

type keyOrder struct {
	keys []lua.LValue
	pos  map[lua.LValue]int
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
	if len(o.gens) == keepGenerations {
		for _, t := range o.gens[0] {
			delete(o.orders, t)
		}
		o.gens = o.gens[1:]
	}
	o.gens = append(o.gens, nil)
}

// set records the traversal order of t's keys.
func (o *orderedTables) set(t *lua.LTable, keys []lua.LValue) {
	if len(o.gens) == 0 {
		o.newGeneration()
	}
	ko := &keyOrder{keys: keys, pos: make(map[lua.LValue]int, len(keys))}
	for i, k := range keys {
		ko.pos[k] = i
	}
	o.orders[t] = ko
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
