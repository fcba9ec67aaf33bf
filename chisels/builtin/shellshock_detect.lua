-- shellshock_detect: bash started with an environment variable holding a
-- function definition followed by code (CVE-2014-6271).

description = "Reports every attempt to execute bash in a way that exploits the shellshock vulnerability (http://web.nvd.nist.gov/view/vuln/detail?vulnId=CVE-2014-6271). For every attempt, the chisel reports the time, the name of the process trying to run bash, and its PID."
short_description = "print shellshock attacks"
category = "Security"
args = {}

require "common"

local f = {}

function on_init()
	f.pname = chisel.request_field("proc.pname")
	f.ppid = chisel.request_field("proc.ppid")
	f.pid = chisel.request_field("proc.pid")
	f.env = chisel.request_field("evt.arg.environment")
	f.time = chisel.request_field("evt.time")
	-- The filter sysdig 0.29.3 uses: its filter compiler rejects it
	-- (and/or without brackets), so this chisel stops here, as sysdig's
	-- does.
	chisel.set_filter("proc.name=bash or proc.name=sh and evt.type=execve")
	print(extend_string("TIME", 22) .. extend_string("PROCNAME", 22) .. extend_string("PID", 8) .. "FUNCTION")
	return true
end

local ATTACK = "%(%) ?{.+"

function on_event()
	local env = evt.field(f.env)
	if env == nil or not string.find(env, ATTACK) then
		return true
	end
	local proc = sysdig.get_thread_table()[evt.field(f.pid)]
	for _, v in ipairs(proc.env) do
		if string.find(v, ATTACK) then
			print(extend_string(evt.field(f.time), 22) .. extend_string(evt.field(f.pname), 22) ..
				extend_string(tostring(evt.field(f.ppid)), 8) .. string.match(v, "%(%).+"))
			break
		end
	end
	return true
end
