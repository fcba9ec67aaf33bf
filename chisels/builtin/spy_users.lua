-- spy_users: the commands run from interactive shells and the
-- directories shells change to, indented by depth below the shell.

description = "Lists every command that users launch interactively (e.g. from bash) and every directory users visit. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents a process running within a container, and Green represents a host process)"
short_description = "Display interactive user activity"
category = "Security"
args = {
	{name = "max_depth", description = "the maximum depth to show in the hierarchy of processes", argtype = "int", optional = true},
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

local ANCESTORS = 16
local max_depth = -1
local with_container = false
local f = {}
local anames, apids = {}, {}
-- sysdig's chisel shifts its ancestor field list by one at every chdir
-- event (a table.insert at index 0), so that later events read
-- proc.aname[j - shift]; trace reproduces the effect.
local shift = 0
-- pid -> {depth below the shell, shell pid}; depth -1: no shell above.
local tree = {}

function on_set_arg(name, val)
	if name == "max_depth" then
		max_depth = parse_numeric_input(val, name)
	elseif name == "disable_color" and val == "disable_color" then
		terminal.enable_color(false)
	end
	return true
end

function on_init()
	f.type = chisel.request_field("evt.type")
	f.exe = chisel.request_field("proc.exe")
	f.args = chisel.request_field("proc.args")
	f.path = chisel.request_field("evt.arg.path")
	f.user = chisel.request_field("user.name")
	f.time = chisel.request_field("evt.time.s")
	f.pid = chisel.request_field("proc.pid")
	f.ppid = chisel.request_field("proc.ppid")
	f.cname = chisel.request_field("container.name")
	f.cid = chisel.request_field("container.id")
	with_container = sysdig.is_print_container_data()
	chisel.set_filter("((evt.type=execve and evt.dir=<) or (evt.type=chdir and evt.dir=< and proc.name contains sh and not proc.name contains sshd)) and evt.failed=false")
	for j = 0, ANCESTORS do
		anames[j] = chisel.request_field("proc.aname[" .. j .. "]")
		apids[j] = chisel.request_field("proc.apid[" .. j .. "]")
	end
	return true
end

local function ancestor(list, j)
	if j - shift < 0 then
		return nil
	end
	return evt.field(list[j - shift])
end

function on_event()
	local color = ""
	if with_container then
		color = terminal.green
	end
	local user = evt.field(f.user) or "<NA>"
	local time = evt.field(f.time)
	local pid, ppid = evt.field(f.pid), evt.field(f.ppid)
	local cname = evt.field(f.cname)
	local chdir = evt.field(f.type) == "chdir"
	local corr = 1
	if chdir then
		ppid = pid
		shift = shift + 1
		corr = 0
	end
	if not tree[ppid] then
		-- the outermost shell among the ancestors, if any
		tree[ppid] = {-1}
		for j = 1, ANCESTORS do
			local name = ancestor(anames, j)
			if name == nil then
				if ancestor(apids, j) == nil then
					break
				end
			elseif #name >= 2 and name:sub(-2) == "sh" then
				local apid = ancestor(apids, j)
				if tree[apid] then
					tree[ppid] = {j - 1, apid}
				else
					tree[ppid] = {0, apid}
				end
			end
		end
	end
	if tree[ppid][1] == -1 then
		return true
	end
	if not tree[pid] then
		tree[pid] = {1 + tree[ppid][1], tree[ppid][2]}
	end
	local depth, shell = tree[pid][1], tree[pid][2]
	if chdir then
		if max_depth ~= -1 and depth - corr > max_depth then
			return true
		end
		local who = user
		if with_container then
			if cname ~= "host" then
				color = terminal.blue
			end
			who = user .. "@" .. cname
		end
		print(color .. extend_string("", 4 * (depth - corr)) .. shell .. " " .. time .. " " .. who .. ") cd " .. evt.field(f.path))
		return true
	end
	if max_depth ~= -1 and depth - 1 > max_depth then
		return true
	end
	local indent = 3 * (depth - 1)
	local who = user
	if with_container then
		if cname ~= "host" then
			color = terminal.blue
		end
		indent = 4 * (depth - 1)
		who = user .. "@" .. cname
	end
	print(color .. extend_string("", indent) .. shell .. " " .. time .. " " .. who .. ") " .. evt.field(f.exe) .. " " .. evt.field(f.args))
	return true
end

function on_capture_end()
	print(terminal.reset)
end
