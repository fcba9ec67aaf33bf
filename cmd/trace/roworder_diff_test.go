package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traceproj/trace/internal/difftest"
)

// orderChisel prints the keys of get_thread_table in pairs order, and
// each thread's fds the same way, at the first event (as lsof and
// netstat look) or at the end of the capture, after the clones, opens,
// closes and exits that shape sysdig's tables.
const orderChisel = `description = "thread table order"
short_description = "thread table order"
category = "misc"
args = {{name = "where", description = "first or end", argtype = "string"}, {name = "filter", description = "filter", argtype = "filter", optional = true}}
local where, flt = "end", nil
function on_set_arg(name, val)
	if name == "where" then where = val else flt = val end
	return true
end
local function dump()
	local tt = sysdig.get_thread_table(flt)
	local o = {}
	for tid in pairs(tt) do o[#o+1] = tostring(tid) end
	print("T " .. table.concat(o, " "))
	for tid, p in pairs(tt) do
		local f = {}
		for fd in pairs(p.fdtable) do f[#f+1] = tostring(fd) end
		print("F " .. tid .. ": " .. table.concat(f, " "))
	end
end
function on_event()
	if where == "first" then
		dump()
		sysdig.end_capture()
	end
	return false
end
function on_capture_end()
	if where == "end" then dump() end
end
`

// TestChiselsRowOrder checks that rows whose order comes from iterating
// the thread table (netstat) or an fd table (lsof, netstat) come in
// sysdig's order, on the real captures, with and without filters.
func TestChiselsRowOrder(t *testing.T) {
	captures := difftest.Captures(t)
	difftest.Sysdig(t)
	ch := filepath.Join(t.TempDir(), "tableorder.lua")
	if err := os.WriteFile(ch, []byte(orderChisel), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{"lsof"}, {"lsof", "fd.type=file"}, {"lsof", "fd.num>3"}, {"lsof", "proc.name=sshd"},
		{"netstat"}, {"netstat", "fd.l4proto=tcp"}, {"netstat", "proc.pid<1000"},
		{ch, "first"}, {ch, "end"}, {ch, "end fd.num>2"}, {ch, "first fd.type=ipv4"},
	}
	for _, f := range captures {
		for _, c := range cases {
			f, c := f, c
			name := strings.Join(append([]string{filepath.Base(c[0])}, c[1:]...), "_")
			t.Run(filepath.Base(f)+"/"+name, func(t *testing.T) {
				t.Parallel()
				runChisel(t, f, nil, c)
			})
		}
	}
}
