-- spy_syslog: the messages processes send to syslog (/dev/log);
-- optionally export the events around each of them.

description = "Print every message written to syslog by any process. You can combine this chisel with filters like 'proc.name=foo' (to restrict the output to a specific process), or 'syslog.message contains foo' (to show only messages including a specific string). You can also write the events generated around each log entry to file by using the dump_file_name and dump_range_ms arguments."
short_description = "Print every message written to syslog. Optionally, export the events around each syslog message to file."
category = "Logs"
args = {
	{name = "dump_file_name", description = "The name of the file where the chisel will write the events related to each syslog entry.", argtype = "string", optional = true},
	{name = "dump_range_ms", description = "The time interval to capture *before* and *after* each event, in milliseconds. For example, 500 means that 1 second around each displayed event (.5s before and .5s after) will be saved to <dump_file_name>. The default value for dump_range_ms is 1000.", argtype = "int", optional = true},
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)
local dump = require "around_dump"

local d = dump.new()
local exporting = false
local running = false
local tty = false
local with_container = false
local f = {}

function on_set_arg(name, val)
	if name == "dump_file_name" then
		exporting = true
		d.file = val
	elseif name == "dump_range_ms" then
		d.range_ms = val
	elseif name == "disable_color" and val == "disable_color" then
		terminal.enable_color(false)
	else
		return false
	end
	return true
end

function on_init()
	f.fac = chisel.request_field("syslog.facility.str")
	f.sev = chisel.request_field("syslog.severity.str")
	f.sevcode = chisel.request_field("syslog.severity")
	f.msg = chisel.request_field("syslog.message")
	f.tid = chisel.request_field("thread.tid")
	f.pname = chisel.request_field("proc.name")
	f.cname = chisel.request_field("container.name")
	f.cid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	sysdig.set_snaplen(1000)
	chisel.set_filter("fd.name contains /dev/log and evt.is_io_write=true and evt.dir=< and evt.failed=false")
	tty = sysdig.is_tty()
	return true
end

function on_capture_start()
	if exporting and sysdig.is_live() then
		print("events export not supported on live captures")
		return false
	end
	running = true
	return true
end

function on_event()
	local fac, sev = evt.field(f.fac), evt.field(f.sev)
	local msg, code = evt.field(f.msg), evt.field(f.sevcode)
	local tid, pname = evt.field(f.tid), evt.field(f.pname)
	local cname, cid = evt.field(f.cname), evt.field(f.cid)
	local line
	if tty then
		-- warnings yellow, worse red; otherwise blue for containers,
		-- green for the host
		local color
		if code == 4 then
			color = terminal.yellow
		elseif code < 4 then
			color = terminal.red
		elseif cname ~= "host" then
			color = terminal.blue
		else
			color = terminal.green
		end
		if with_container then
			line = string.format("%s%-20s %-20s %s.%s %s[%u] %s", color, cid, cname, fac, sev, pname, tid, msg)
		else
			line = string.format("%s%s.%s %s[%u] %s", color, fac, sev, pname, tid, msg)
		end
	elseif with_container then
		-- (sic) facility first, then container id and name, as sysdig
		-- prints it
		line = string.format("%-20s %-20s %s.%s %s[%u] %s", fac, cid, cname, sev, pname, tid, msg)
	else
		line = string.format("%s.%s %s[%u] %s", fac, sev, pname, tid, msg)
	end
	print(line)
	if exporting then
		local s, ns = evt.get_ts()
		dump.add(d, s, ns, tid)
	end
	return true
end

function on_capture_end()
	if tty then
		print(terminal.reset)
	end
	if exporting and running then
		print("Writing events for " .. #d.entries .. " log entries")
		sysdig.run_app(dump.cmdline(d))
	end
end
