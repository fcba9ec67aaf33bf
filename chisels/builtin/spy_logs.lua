-- spy_logs: the lines processes write to log files; optionally export
-- the events around each of them.

local LOG_FILES = "(fd.name contains .log or fd.name contains _log or fd.name contains /var/log) and not (fd.name contains .gz or fd.name contains .tgz)"

description = "This chisel intercepts all the writes to files containing '.log' or '_log' in their name, and pretty prints them. You can combine this chisel with filters like 'proc.name=foo' (to restrict the output to a specific process), or 'evt.buffer contains foo' (to show only messages including a specific string). You can also write the events generated around each log entry to file by using the dump_file_name and dump_range_ms arguments. If running from a terminal the line will be colored Green = OK; Yellow = Warn; and Red = Error. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. ( A Blue colored container.name represents a process running within a container)"
short_description = "Echo any write made by any process to a log file. Optionally, export the events around each log message to file."
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
	f.buf = chisel.request_field("evt.buffer")
	f.tid = chisel.request_field("thread.tid")
	f.pname = chisel.request_field("proc.name")
	f.fdname = chisel.request_field("fd.name")
	f.cname = chisel.request_field("container.name")
	with_container = sysdig.is_print_container_data()
	sysdig.set_snaplen(2000)
	sysdig.set_output_format("ascii")
	chisel.set_filter("(" .. LOG_FILES .. ") and evt.is_io_write=true and evt.dir=< and evt.failed=false")
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

-- On a terminal: green, yellow for warnings, red for errors; containers'
-- names in blue.
local function colored(prefix, cname, msg)
	local color = terminal.green
	local lower = string.lower(msg)
	if lower:find("warn") ~= nil then
		color = terminal.yellow
	elseif msg:find("err") then
		color = terminal.red
	end
	local line = string.format("%s %s%s", color, prefix, msg)
	if not with_container then
		return line
	end
	local ccolor = cname ~= "host" and terminal.blue or color
	return string.format("%s %s %s", color, string.format("%s %s", ccolor, cname), line)
end

function on_event()
	local buf = evt.field(f.buf)
	local cname = evt.field(f.cname)
	local prefix = evt.field(f.pname) .. " " .. evt.field(f.fdname) .. " "
	for _, msg in ipairs(split(buf, "\n")) do
		if #msg ~= 0 then
			if tty then
				print(colored(prefix, cname, msg))
			elseif with_container then
				print(string.format("%s %s%s", cname, prefix, msg))
			else
				print(prefix .. msg)
			end
		end
	end
	if exporting then
		local s, ns = evt.get_ts()
		dump.add(d, s, ns, evt.field(f.tid))
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
