-- bottlenecks: the 10 slowest system calls, each with the enter event
-- that started it.

local COUNT = 10

description = "Lists the " .. COUNT .. " system calls that took the longest to return during the capture interval."
short_description = "Slowest system calls"
category = "Performance"
args = {}

local f = {}
local slowest = {} -- {latency, enter line, exit line}, slowest first
local enters = {} -- tid -> line of its last enter event

function on_init()
	f.num = chisel.request_field("evt.num")
	f.type = chisel.request_field("evt.type")
	f.args = chisel.request_field("evt.args")
	f.latency = chisel.request_field("evt.latency")
	f.pname = chisel.request_field("proc.name")
	f.tid = chisel.request_field("thread.tid")
	return true
end

function on_event()
	local lat = evt.field(f.latency)
	local tid = evt.field(f.tid)
	local typ = evt.field(f.type)
	if typ == "switch" then
		return true
	end
	if lat == 0 then
		enters[tid] = string.format("%d) 0.%.9d %s (%d) > %s %s", evt.field(f.num), 0,
			evt.field(f.pname) or "", evt.field(f.tid), typ, evt.field(f.args))
		return true
	end
	if lat == nil then
		return true
	end
	for i = 1, COUNT do
		if slowest[i] == nil or lat > slowest[i][1] then
			local line = string.format("%d) %d.%.9d %s (%d) < %s %s", evt.field(f.num),
				lat / 1000000000, lat % 1000000000,
				evt.field(f.pname) or "", evt.field(f.tid), typ, evt.field(f.args))
			table.insert(slowest, i, {lat, enters[tid], line})
			break
		end
	end
	if #slowest > COUNT then
		table.remove(slowest)
	end
	return true
end

function on_capture_end()
	for _, s in ipairs(slowest) do
		print(s[2])
		print(s[3])
	end
	return true
end
