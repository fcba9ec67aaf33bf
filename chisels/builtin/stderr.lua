-- stderr: what processes write to fd 2; with -pc, prefixed by the
-- container (blue for containers, green for the host).

description = "Print the standard error of any process on screen. Combine this script with a filter to limit the output to a specific process or pid. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents a process running within a container, and Green represents a host process)"
short_description = "Print stderr of processes"
category = "I/O"
args = {
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

terminal = require "ansiterminal"
terminal.enable_color(true)

local fbuf, fcname, fcid
local with_container = false

function on_set_arg(name, val)
	if name == "disable_color" and val == "disable_color" then
		terminal.enable_color(false)
		return true
	end
	return false
end

function on_init()
	fbuf = chisel.request_field("evt.rawarg.data")
	fcname = chisel.request_field("container.name")
	fcid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	sysdig.set_snaplen(2000)
	chisel.set_filter("fd.num=2 and evt.is_io=true")
	return true
end

function on_event()
	local buf = evt.field(fbuf)
	if buf == nil then
		return true
	end
	if not with_container then
		print(buf)
		return true
	end
	local cname = evt.field(fcname)
	local color = cname ~= "host" and terminal.blue or terminal.green
	print(color .. string.format("%-20.20s %-20.20s %s", evt.field(fcid), cname, buf))
	return true
end
