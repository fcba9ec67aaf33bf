-- Generic top-N table: sums a value field per combination of key fields
-- over the events matching a filter, and prints the largest sums. The
-- top* chisels run it through chisel.exec. The summing happens in Go
-- (chisel.aggregate); Lua only prints.

description = "Given two filter fields, a key and a value, this chisel creates and renders a table to the screen."
short_description = "Filter on a key and value"
category = "Filter"
hidden = true

args = {
	{name = "keys", description = "comma-separated list of filter fields to use for grouping", argtype = "string"},
	{name = "keydescs", description = "comma separated list of human readable descriptions for the key", argtype = "string"},
	{name = "value", description = "the value to count for every key", argtype = "string"},
	{name = "valuedesc", description = "human readable description for the value", argtype = "string"},
	{name = "filter", description = "the filter to apply", argtype = "string"},
	{name = "top_number", description = "maximum number of elements to display", argtype = "string"},
	{name = "value_units", description = "how to render the values in the result. Can be 'bytes', 'time', 'timepct', or 'none'.", argtype = "string"},
}

require "common"
terminal = require "ansiterminal"

local view = {
	key_fld = {},
	key_desc = {},
	value_fld = "",
	value_desc = "",
	value_units = "none",
	top_number = 0,
	output_format = "normal",
}
local filter = ""
local live = false
local sums = nil

local setters = {
	keys = function(v) view.key_fld = split(v, ",") end,
	keydescs = function(v) view.key_desc = split(v, ",") end,
	value = function(v) view.value_fld = v end,
	valuedesc = function(v) view.value_desc = v end,
	filter = function(v) filter = v end,
	top_number = function(v) view.top_number = tonumber(v) end,
	value_units = function(v) view.value_units = v end,
}

function on_set_arg(name, val)
	local set = setters[name]
	if set == nil then
		return false
	end
	set(val)
	return true
end

function on_init()
	if #view.key_fld ~= #view.key_desc then
		print("error: number of entries in keys different from number entries in keydescs")
		return false
	end
	-- on_init runs again for every capture file; the sums go on.
	if sums == nil then
		sums = chisel.aggregate{keys = view.key_fld, value = view.value_fld, positive = true}
	end
	if filter ~= "" then
		chisel.set_filter(filter)
	end
	return true
end

function on_capture_start()
	live = sysdig.is_live()
	view.output_format = sysdig.get_output_format()
	if live then
		chisel.set_interval_s(1)
		if view.output_format ~= "json" then
			terminal.clearscreen()
			terminal.hidecursor()
		end
	end
	return true
end

local function current()
	if sums == nil then
		return {}
	end
	return sums:table()
end

function on_interval(ts_s, ts_ns, delta)
	if view.output_format ~= "json" then
		terminal.clearscreen()
		terminal.moveto(0, 0)
	end
	print_sorted_table(current(), ts_s, 0, delta, view)
	sums:clear()
	return true
end

function on_capture_end(ts_s, ts_ns, delta)
	if live and view.output_format ~= "json" then
		terminal.clearscreen()
		terminal.moveto(0, 0)
		terminal.showcursor()
		return true
	end
	print_sorted_table(current(), ts_s, 0, delta, view)
	return true
end
