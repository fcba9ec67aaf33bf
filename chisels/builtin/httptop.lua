-- httptop: HTTP requests (method and url) ranked by number of calls,
-- bytes returned or average latency.

description = "Show top HTTP requests by: ncalls, time or bytes"
short_description = "Top HTTP requests"
category = "Application"
args = {
	{name = "by", description = "Show top HTTP transactions by: ncalls, time or bytes, default is ncalls", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
require "http"

local view = {
	key_fld = {"method", "url"},
	key_desc = {"method", "url"},
	value_fld = "ncalls",
	value_desc = "ncalls",
	value_units = "none",
	top_number = 30,
	output_format = "normal",
}
local units = {ncalls = "none", time = "time", bytes = "bytes"}
local by = "ncalls"
local live = false
local with_container = false
local calls = {}

function on_set_arg(name, val)
	if name ~= "by" then
		return nil
	end
	if units[val] == nil then
		print("Invalid argument! Valid options: ncalls, bytes, time")
		return false
	end
	by = val
	view.value_fld, view.value_desc, view.value_units = val, val, units[val]
	return true
end

function on_init()
	http_init()
	with_container = sysdig.is_print_container_data()
	if with_container then
		table.insert(view.key_fld, 1, "container")
		table.insert(view.key_desc, 1, "container")
	end
	return true
end

local function record(t)
	local key = t.request.method .. "\001\001" .. t.request.url
	if with_container then
		key = t.container .. "\001\001" .. key
	end
	local list = calls[key]
	if list == nil then
		list = {}
		calls[key] = list
	end
	list[#list + 1] = t
end

function on_event()
	run_http_parser(evt, record)
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

local function totals()
	local out = {}
	for key, list in pairs(calls) do
		if by == "ncalls" then
			out[key] = #list
		elseif by == "bytes" then
			local n = 0
			for _, t in ipairs(list) do
				n = n + t.response.length
			end
			out[key] = n
		else
			local n = 0
			for _, t in ipairs(list) do
				n = n + t.response.ts - t.request.ts
			end
			out[key] = n / #list
		end
	end
	return out
end

function on_interval(ts_s, ts_ns, delta)
	if view.output_format ~= "json" then
		terminal.clearscreen()
		terminal.moveto(0, 0)
	end
	print_sorted_table(totals(), ts_s, 0, delta, view)
	calls = {}
	return true
end

function on_capture_end(ts_s, ts_ns, delta)
	if live and view.output_format ~= "json" then
		terminal.clearscreen()
		terminal.moveto(0, 0)
		terminal.showcursor()
		return true
	end
	print_sorted_table(totals(), ts_s, 0, delta, view)
	return true
end
