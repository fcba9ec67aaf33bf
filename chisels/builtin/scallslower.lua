-- scallslower: system calls slower than min_ms.

description = "Trace syscalls slower than a threshold milliseconds. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents a process running within a container, and Green represents a host process)"
short_description = "Trace slow syscalls"
category = "Performance"
args = {
	{name = "min_ms", description = "Minimum milliseconds before which a syscall should complete", argtype = "int", optional = false},
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

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
	f.datetime = chisel.request_field("evt.datetime")
	f.pname = chisel.request_field("proc.name")
	f.latency = chisel.request_field("evt.latency")
	f.cname = chisel.request_field("container.name")
	f.cid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	if with_container then
		-- (sic) two spaces after the id column in the title line
		print(string.format("%-23.23s %-20.20s  %-20.20s %-23.23s %-20s %s",
			"evt.datetime", "container.id", "container.name", "proc.name", "LATENCY(ms)", "evt.type"))
		print(string.format("%-23.23s %-20.20s %-20.20s %-23.23s %-20s %s",
			"-----------------------", "--------------------", "--------------------",
			"-----------------------", "--------------------", "--------------------"))
	else
		print(string.format("%-23.23s %-23.23s %-20s %s", "evt.datetime", "proc.name", "LATENCY(ms)", "evt.type"))
		print(string.format("%-23.23s %-23.23s %-20s %s",
			"-----------------------", "-----------------------", "--------------------", "--------------------"))
	end
	return true
end

function on_event()
	local lat = evt.field(f.latency)
	if lat == nil then
		return
	end
	local ms = lat / 1000000
	if not (ms > min_ms) then
		return
	end
	local color = terminal.green
	if evt.field(f.cname) ~= "host" then
		color = terminal.blue
	end
	if with_container then
		print(color .. string.format("%-23.23s %-20.20s %-20.20s %-23.23s %-20s %s",
			evt.field(f.datetime), evt.field(f.cid), evt.field(f.cname), evt.field(f.pname), ms, evt.field(f.type)))
	else
		print(color .. string.format("%-23.23s %-23.23s %-20s %s",
			evt.field(f.datetime), evt.field(f.pname), ms, evt.field(f.type)))
	end
end
