package chisels

import (
	"io"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// Tables with a recorded order traverse in it, skip keys set to nil,
// then list keys added since; other tables keep gopher-lua's order.
func TestOrderedPairs(t *testing.T) {
	L := newState(nil, func() io.Writer { return io.Discard }, func(int) {})
	defer L.Close()
	o := installOrdered(L)
	o.newGeneration()
	tb := L.NewTable()
	// LuaJIT lists keys stored in this order as 0 1 2 3 4 5 6 7 15 17
	// 28 30 35 33 36 37.
	stored := []int32{37, 0, 2, 15, 28, 3, 17, 1, 30, 5, 35, 6, 36, 7, 4, 33}
	for _, k := range stored {
		tb.RawSet(lua.LNumber(k), lua.LString("v"))
	}
	o.set(tb, stored)
	L.SetGlobal("t", tb)
	L.SetGlobal("plain", L.NewTable())
	err := L.DoString(`
		local function keys(t)
			local o = {}
			for k in pairs(t) do o[#o+1] = tostring(k) end
			return table.concat(o, " ")
		end
		r1 = keys(t)
		t[3] = nil
		t[9] = "x"
		t.name = "y"
		r2 = keys(t)
		local k, v = next(t)
		r3 = tostring(k) .. "=" .. v .. " " .. tostring(next(t, 35)) .. " " .. tostring(next(t, 37))
		for i = 4, 1, -1 do plain[i] = i end
		r4 = keys(plain)
		r5 = tostring(t[37]) .. tostring(t[0])
	`)
	if err != nil {
		t.Fatal(err)
	}
	for g, want := range map[string]string{
		"r1": "0 1 2 3 4 5 6 7 15 17 28 30 35 33 36 37",
		"r2": "0 1 2 4 5 6 7 15 17 28 30 35 33 36 37 9 name",
		"r3": "0=v 33 9",
		"r4": "1 2 3 4",
		"r5": "vv",
	} {
		if got := L.GetGlobal(g).String(); got != want {
			t.Errorf("%s = %q, want %q", g, got, want)
		}
	}
}

// Orders of old calls are forgotten.
func TestOrderedGenerations(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	o := installOrdered(L)
	var first *lua.LTable
	for i := 0; i < keepGenerations+1; i++ {
		o.newGeneration()
		tb := L.NewTable()
		o.set(tb, []int32{1})
		if i == 0 {
			first = tb
		}
	}
	if _, ok := o.orders[first]; ok || len(o.orders) != keepGenerations {
		t.Fatalf("kept %d orders, first kept %v", len(o.orders), ok)
	}
}
