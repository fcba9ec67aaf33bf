-- proc_exec_time: processes that exited, with how long they ran (yellow
-- past 3s, red past 10s; otherwise blue in containers, green on the
-- host).

description = "List the processes that have finished running, along with their execution time, and color every line based on the total process run time (Green|Blue below thresholds, Yellow at 3 sec, and Red at 10 sec). This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents a process running within a container, and Green represents a host process)"
short_description = "Show process execution time"
category = "Performance"
args = {
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

local YELLOW_NS = 3000000000
local RED_NS = 10000000000
local with_container = false
local f = {}

function on_set_arg(name, val)
	if val == "disable_colors" then
		terminal.enable_color(false)
	end
	return true
end

function on_init()
	f.pname = chisel.request_field("proc.name")
	f.args = chisel.request_field("proc.args")
	f.duration = chisel.request_field("proc.duration")
	f.cname = chisel.request_field("container.name")
	f.cid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	chisel.set_filter("evt.type=procexit")
	if with_container then
		print(string.format("%-13.13s %-20.20s %-20.20s %-12.12s %s",
			"proc.duration", "container.id", "container.name", "proc.name", "proc.args"))
		print(string.format("%-13.13s %-20.20s %-20.20s %-12.12s %s",
			"-------------", "--------------------", "--------------------", "------------", "--------------------"))
	else
		print(string.format("%-13.13s %-12.12s %s", "proc.duration", "proc.name", "proc.args"))
		print(string.format("%-13.13s %-12.12s %s", "-------------", "------------", "--------------------"))
	end
	return true
end

function on_event()
	local d = evt.field(f.duration)
	if d == nil then
		return true
	end
	local color = terminal.green
	if d > RED_NS then
		color = terminal.red
	elseif d > YELLOW_NS then
		color = terminal.yellow
	elseif evt.field(f.cname) ~= "host" then
		color = terminal.blue
	end
	if with_container then
		print(color .. string.format("%-13.13s %-20.20s %-20.20s %-12.12s %s", format_time_interval(d),
			evt.field(f.cid), evt.field(f.cname), evt.field(f.pname), evt.field(f.args)))
	else
		print(color .. string.format("%-13.13s %-12.12s %s", format_time_interval(d),
			evt.field(f.pname), evt.field(f.args)))
	end
	return true
end

function on_capture_end()
	print(terminal.reset)
end
