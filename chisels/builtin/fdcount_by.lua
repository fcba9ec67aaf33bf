-- fdcount_by: number of distinct fds seen per value of a field.

description = "Groups all the active FDs based on the given filter field, and returns the fd count for each key. For example, it can be used to list the number of connections per process or per IP endpoint."
short_description = "FD count, aggregated by an arbitrary filter field"
category = "I/O"
args = {
	{name = "key", description = "The filter field used for grouping", argtype = "string"},
}

require "common"

local key_field = ""
local fkey, ffdnum, ffdname
-- per key: the set of "<fd number><fd name>" seen, and its size in "c".
local groups = {}

function on_set_arg(name, val)
	if name ~= "key" then
		return false
	end
	key_field = val
	return true
end

function on_init()
	fkey = chisel.request_field(key_field)
	ffdnum = chisel.request_field("fd.num")
	ffdname = chisel.request_field("fd.name")
	return true
end

function on_event()
	local key = evt.field(fkey)
	local num = evt.field(ffdnum)
	local name = evt.field(ffdname)
	if key == nil or num == nil or num <= 0 or name == nil or name == "" then
		return true
	end
	local id = tostring(num) .. name
	local g = groups[key]
	if g == nil then
		groups[key] = {[id] = 1, c = 1}
	elseif g[id] == nil then
		g[id] = 1
		g.c = g.c + 1
	end
	return true
end

function on_capture_end()
	for k, g in pairs_top_by_val(groups, 0, function(t, a, b) return t[b].c < t[a].c end) do
		print(k, g.c)
	end
	return true
end
