-- echo_fds: a header line for every read or write that moved data, then
-- the data itself (printed by the event formatter).

description = "Print the data read and written for any FD. Combine this script with a filter to restrict what it shows. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents  [Write], and Red represents [Read] for all data except when the -pc or -pcontainer argument is used. If used the container.name and container.id will be represented as: Green [host], and Cyan [container]) Container information will contain '[]' around container.name and container.id."
short_description = "Print the data read and written by processes."
category = "I/O"
args = {
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

local fres, fdname, fisread, fpname, fcname, fcid
local with_container = false

function on_set_arg(name, val)
	if name == "disable_color" and val == "disable_color" then
		terminal.enable_color(false)
	end
	return true
end

function on_init()
	fisread = chisel.request_field("evt.is_io_read")
	fres = chisel.request_field("evt.rawarg.res")
	fdname = chisel.request_field("fd.name")
	fpname = chisel.request_field("proc.name")
	fcname = chisel.request_field("container.name")
	fcid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	sysdig.set_snaplen(2000)
	chisel.set_filter("evt.is_io=true and evt.dir=< and evt.rawres>0")
	chisel.set_event_formatter("%evt.arg.data")
	return true
end

-- locals: this runs for every read and write
local field, format, bytes, out = evt.field, string.format, format_bytes, print

function on_event()
	local res = field(fres)
	local name = field(fdname) or "<NA>"
	if res <= 0 then
		return true
	end
	local t = terminal
	local ctr = ""
	if with_container then
		local cname = field(fcname)
		local color = cname == "host" and t.green or t.cyan
		ctr = format("%s [%s] [%s]", color, cname, field(fcid))
	end
	if field(fisread) then
		local red = t.red
		out(format("%s------ Read %s from %s %s %s (%s)", red, bytes(res), ctr, red, name, field(fpname)))
	else
		local blue = t.blue
		out(format("%s------ Write %s to %s %s %s (%s)", blue, bytes(res), ctr, blue, name, field(fpname)))
	end
	return true
end

function on_capture_end()
	print(terminal.reset)
end
