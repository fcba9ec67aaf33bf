-- Shared body of fileslower and netlower: I/O calls slower than a
-- threshold, one colored line each (blue in containers, green on the
-- host).

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

local M = {}

local function header(with_container, dashes)
	if with_container then
		if dashes then
			return string.format("%-23.23s %-20.20s %-20.20s %-12.12s %-8s %-12s %s",
				"-----------------------", "------------------------------", "------------------------------",
				"------------", "--------", "------------", "-----------------------------------------")
		end
		return string.format("%-23.23s %-20.20s %-20.20s %-12.12s %-8s %-12s %s",
			"evt.datetime", "container.id", "container.name", "proc.name", "evt.type", "LATENCY(ms)", "fd.name")
	end
	if dashes then
		return string.format("%-23.23s %-12.12s %-8s %-12s %s",
			"-----------------------", "------------", "--------", "------------", "-----------------------------------------")
	end
	return string.format("%-23.23s %-12.12s %-8s %-12s %s",
		"evt.datetime", "proc.name", "evt.type", "LATENCY(ms)", "fd.name")
end

-- spec: filter, skip(fdname) telling which files not to show.
function M.define(spec)
	local min_ms
	local with_container = false
	local f = {}

	function on_set_arg(name, val)
		if name == "disable_color" and val == "disable_color" then
			terminal.enable_color(false)
		elseif name == "min_ms" then
			min_ms = parse_numeric_input(val, name)
		end
		return true
	end

	function on_init()
		f.type = chisel.request_field("evt.type")
		f.dir = chisel.request_field("evt.dir")
		f.datetime = chisel.request_field("evt.datetime")
		f.fdname = chisel.request_field("fd.name")
		f.pname = chisel.request_field("proc.name")
		f.latency = chisel.request_field("evt.latency")
		f.cname = chisel.request_field("container.name")
		f.cid = chisel.request_field("container.id")
		with_container = sysdig.is_print_container_data()
		chisel.set_filter(spec.filter)
		print(header(with_container, false))
		print(header(with_container, true))
		return true
	end

	function on_event()
		local ms = evt.field(f.latency) / 1000000
		local fdname = evt.field(f.fdname)
		if evt.field(f.dir) ~= "<" or not (ms > min_ms) or spec.skip(fdname) then
			return true
		end
		local color = terminal.green
		if evt.field(f.cname) ~= "host" then
			color = terminal.blue
		end
		if with_container then
			print(color .. string.format("%-23.23s %-20.20s %-20.20s %-12.12s %-8s %12d %s",
				evt.field(f.datetime), evt.field(f.cid), evt.field(f.cname), evt.field(f.pname),
				evt.field(f.type), ms, fdname))
		else
			print(color .. string.format("%-23.23s %-12.12s %-8s %12d %s",
				evt.field(f.datetime), evt.field(f.pname), evt.field(f.type), ms, fdname))
		end
		return true
	end
end

return M
