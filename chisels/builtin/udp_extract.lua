-- udp_extract: writes the payload of every UDP socket of a capture file
-- to its own file, named after the connection tuple.

local DIR = "./udp_dump_files"

description = "This chisel parses a trace file, identifies file descriptors carrying UDP network traffic (DNS excluded) and dumps the content of each FD into a different file in the " .. DIR .. " directory. Files are named after the UDP tuple they contain."
short_description = "extract data from UDP streams to files."
category = "I/O"
args = {}

local fbuf, ffdname
local files = {}

function on_init()
	fbuf = chisel.request_field("evt.rawarg.data")
	ffdname = chisel.request_field("fd.name")
	os.execute("mkdir " .. DIR .. " 2> /dev/null")
	sysdig.set_snaplen(16384)
	chisel.set_filter("evt.dir=< and evt.rawres>=0 and fd.l4proto=udp and evt.is_io=true")
	return true
end

function on_capture_start()
	if sysdig.is_live() then
		print("live capture not supported")
		return false
	end
	return true
end

function on_event()
	local buf = evt.field(fbuf)
	local name = evt.field(ffdname)
	local out = files[name]
	if out == nil then
		local path = (DIR .. "/" .. name):gsub(":", "_"):gsub(">", "-")
		out = io.open(path, "w")
		files[name] = out
	end
	out:write(buf)
	return true
end
