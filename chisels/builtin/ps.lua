-- ps: the threads of the system at the first event (optionally only
-- those having an fd matching a filter).

description = "List the running processes, with an output that is similar to the one of ps. Output is at a point in time; adjust this in the filter. It defaults to time of evt.num=0"
short_description = "List (and optionally filter) the machine processes."
category = "System State"
args = {
	{name = "filter", description = "A sysdig-like filter expression that allows restricting the FD list. For example 'fd.name contains /etc' shows all the processes that have files open under /etc.", argtype = "filter", optional = true},
}

require "common"

local fd_filter = nil

function on_set_arg(name, val)
	if name ~= "filter" then
		return false
	end
	fd_filter = val
	return true
end

require("snapshot").define(function()
	local threads = sysdig.get_thread_table(fd_filter)
	print(extend_string("TID", 8) .. extend_string("PID", 8) .. extend_string("USER", 12) .. extend_string("VIRT", 11) ..
		extend_string("RES", 11) .. extend_string("FDLIMIT", 10) .. extend_string("CMD", 20))
	for tid, t in pairs_top_by_val(threads, 0, function(_, a, b) return a < b end) do
		print(extend_string(tostring(tid), 8) .. extend_string(tostring(t.pid), 8) .. extend_string(t.username, 12) ..
			extend_string(format_bytes(t.vmsize_kb * 1024), 11) .. extend_string(format_bytes(t.vmrss_kb * 1024), 11) ..
			extend_string(tostring(t.fdlimit), 10) .. t.comm)
	end
end, {no_match_msg = "empty capture or no event matching the filter", event_result = false})
