-- lsof: the open fds of every process at the first event (optionally
-- only those matching a filter).

description = "This chisel prints the open file descriptors for every process in the system, with an output that is similar to the one of lsof. Output is at a point in time; adjust this in the filter.  It defaults to time of evt.num=0"
short_description = "List (and optionally filter) the open file descriptors."
category = "System State"
args = {
	{name = "filter", description = "A sysdig-like filter expression that allows restricting the FD list. E.g. 'proc.name=foo and fd.name contains /etc'.", argtype = "filter", optional = true},
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
	print(extend_string("COMMAND", 20) .. extend_string("PID", 8) .. extend_string("TID", 8) ..
		extend_string("USER", 8) .. extend_string("FD", 8) .. extend_string("TYPE", 12) .. "NAME")
	-- threads by tid; each thread's fds in table order (which follows
	-- sysdig's, see get_thread_table)
	for tid, t in pairs_top_by_val(threads, 0, function(_, a, b) return a < b end) do
		for fd, info in pairs(t.fdtable) do
			print(extend_string(t.comm, 20) .. extend_string(tostring(t.pid), 8) .. extend_string(tostring(tid), 8) ..
				extend_string(t.username, 8) .. extend_string(tostring(fd), 8) ..
				extend_string(tostring(info.type), 12) .. tostring(info.name))
		end
	end
end, {no_match_msg = "empty capture or no event matching the filter", event_result = false})
