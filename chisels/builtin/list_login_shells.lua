-- list_login_shells: the login shell ids of the processes executed
-- (optionally only those running a command or arguments containing a
-- string).

description = "List the IDs of the login sessions. Optionally, the list can be filtered to include only the sessions that contain a specific command. The session IDs listed by this chisel can be used as filters for the spy_users chisel. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "List the login shell IDs"
category = "Security"
args = {
	{name = "command", description = "If this parameter is specified, only the login shells that contain commands including the given string in their name will be listed. * will match any command name.", argtype = "string", optional = true},
	{name = "arguments", description = "If this parameter is specified, only the login shells that contain commands including the given string in their arguments will be listed", argtype = "string", optional = true},
}

require "common"

local want_comm, want_args
local f = {}
-- the last matching session: its id and container. sysdig prints the id
-- once per field that is set, which this reproduces.
local last = {}

function on_set_arg(name, val)
	if name == "command" then
		if val ~= "*" then
			want_comm = val
		end
	elseif name == "arguments" then
		want_args = val
	end
	return true
end

function on_init()
	f.sid = chisel.request_field("proc.loginshellid")
	f.exe = chisel.request_field("evt.arg.exe")
	f.args = chisel.request_field("evt.arg.args")
	f.cname = chisel.request_field("container.name")
	f.cid = chisel.request_field("container.id")
	chisel.set_filter("evt.type=execve")
	return true
end

function on_event()
	local sid, exe, a = evt.field(f.sid), evt.field(f.exe), evt.field(f.args)
	if not (sid and exe) then
		return true
	end
	if want_comm and string.find(exe, want_comm) == nil then
		return true
	end
	if want_args and a and string.find(a, want_args) == nil then
		return true
	end
	last = {fsid = sid, containername = evt.field(f.cname), containerid = evt.field(f.cid)}
	return true
end

function on_capture_end()
	if want_comm then
		print("Shells containing " .. want_comm .. ":")
	else
		print("All shells:")
	end
	local with_container = sysdig.is_print_container_data()
	for _ in pairs(last) do
		if with_container then
			print(last.fsid .. " " .. last.containername .. " " .. last.containerid)
		else
			print(last.fsid)
		end
	end
end
