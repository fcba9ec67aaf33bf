-- spy_file: every read and write on files (optionally of one file, or
-- only reads or writes), with its data as text.

description = "This chisel intercepts all reads and writes to all files. Instead of all files, you can limit interception to one file."
short_description = "Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file."
category = "I/O"
args = {
	{name = "read_or_write", description = "Specify 'R' to capture only read events; 'W' to capture only write events; 'RW' to capture read and write events. By default both read and write events are captured.", argtype = "string", optional = true},
	{name = "spy_on_file_name", description = "The name of the file which the chisel should spy on for all read and write activity.", argtype = "string", optional = true},
}

require "common"

local only_file = nil
local direction = nil
local f = {}

function on_set_arg(name, val)
	if name == "read_or_write" then
		direction = val
	elseif name == "spy_on_file_name" then
		only_file = val
	else
		return false
	end
	return true
end

function on_init()
	f.data = chisel.request_field("evt.arg.data")
	f.fdname = chisel.request_field("fd.name")
	f.iswrite = chisel.request_field("evt.is_io_write")
	f.pid = chisel.request_field("proc.pid")
	f.pname = chisel.request_field("proc.name")
	f.res = chisel.request_field("evt.rawarg.res")
	f.time = chisel.request_field("evt.time")
	sysdig.set_snaplen(2000)
	-- the data is shown as text with its line breaks
	sysdig.set_output_format("ascii")

	local flt
	if only_file ~= nil and only_file ~= "" then
		flt = "(fd.name=" .. only_file .. ") and "
	else
		-- leaving terminals out avoids echoing our own output live
		flt = "(not fd.name contains /dev/pt and not fd.name contains /dev/tty) and "
	end
	if direction == "R" or direction == "r" then
		flt = flt .. "evt.is_io_read=true and "
	elseif direction == "W" or direction == "w" then
		flt = flt .. "evt.is_io_write=true and "
	else
		flt = flt .. "evt.is_io=true and "
	end
	chisel.set_filter(flt .. "fd.type=file and evt.dir=< and evt.failed=false")
	return true
end

function on_event()
	local rw = evt.field(f.iswrite) == true and "W" or "R"
	print(string.format("%s %s(%s) %s %s %s %s",
		evt.field(f.time), evt.field(f.pname), evt.field(f.pid), rw,
		format_bytes(evt.field(f.res)), evt.field(f.fdname), evt.field(f.data)))
	return true
end
