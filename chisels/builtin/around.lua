-- around: for every event matching the command-line filter, export the
-- events of the same thread around it to a capture file.

description = "Given a filter on the command line, this chisel saves the events that are in a time range around filter matches, and that are on the SAME process/thread. The time range can be adjusted with the dump_range_ms argument. For example, 'sysdig -c around evt.type=open and evt.failed=true' will save two seconds of activity around every failed open."
short_description = "Export to file the events around the time range where the given filter matches."
category = "Misc"
args = {
	{name = "dump_file_name", description = "The name of the file where the chisel will write the events related to each syslog entry.", argtype = "string", optional = false},
	{name = "dump_range_ms", description = "The time interval to capture *before* and *after* each event, in milliseconds. For example, 500 means that 1 second around each displayed event (.5s before and .5s after) will be saved to <dump_file_name>. The default value for dump_range_ms is 1000.", argtype = "int", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)
local dump = require "around_dump"

local d = dump.new()
local running = false
local tty = false
local fpname, ftid, ftime

function on_set_arg(name, val)
	if name == "dump_file_name" then
		d.file = val
	elseif name == "dump_range_ms" then
		d.range_ms = val
	else
		return false
	end
	return true
end

function on_init()
	fpname = chisel.request_field("proc.name")
	ftid = chisel.request_field("thread.tid")
	ftime = chisel.request_field("evt.time")
	tty = sysdig.is_tty()
	if sysdig.get_filter() == "" then
		print("no filter specified")
		return false
	end
	return true
end

function on_capture_start()
	if sysdig.is_live() then
		print("live capture not supported")
		return false
	end
	running = true
	return true
end

function on_event()
	local tid = evt.field(ftid)
	print(evt.field(ftime) .. " " .. (evt.field(fpname) or "<NA>") .. "(" .. tid .. ")")
	local s, ns = evt.get_ts()
	dump.add(d, s, ns, tid)
	return true
end

function on_capture_end()
	if tty then
		print(terminal.reset)
	end
	if running then
		print("\nSaving events around " .. #d.entries .. " syslog entries to " .. d.file)
		sysdig.run_app(dump.cmdline(d))
	end
end
