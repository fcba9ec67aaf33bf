-- netstat: the IP sockets of every process at the first event
-- (optionally only those matching a filter).

description = "Print the system network connections, with an output that is similar to the one of netstat. Output is at a point in time; adjust this in the filter. It defaults to time of evt.num=0"
short_description = "List (and optionally filter) network connections."
category = "System State"
args = {
	{name = "filter", description = "A sysdig-like filter expression that allows restricting the FD list. E.g. 'proc.name=foo and fd.port=80'.", argtype = "filter", optional = true},
}

require "common"

local fd_filter = "(fd.type=ipv4 or fd.type=ipv6)"

function on_set_arg(name, val)
	if name ~= "filter" then
		return false
	end
	-- (sic) no space before "and", as in sysdig's chisel
	fd_filter = fd_filter .. "and (" .. val .. ")"
	return true
end

require("snapshot").define(function()
	local threads = sysdig.get_thread_table(fd_filter)
	print(extend_string("Proto", 6) .. extend_string("Server Address", 25) .. extend_string("Client Address", 25) ..
		extend_string("State", 15) .. "TID/PID/Program Name")
	-- threads and fds in table order (which follows sysdig's, see
	-- get_thread_table)
	for tid, t in pairs(threads) do
		for fd, s in pairs(t.fdtable) do
			local client, state = (s.cip or "") .. ":" .. (s.cport or ""), "ESTABLISHED"
			if s.cip == nil then
				client, state = "0.0.0.0:*", "LISTEN"
			end
			print(extend_string(s.l4proto, 6) .. extend_string(s.sip .. ":" .. s.sport, 25) ..
				extend_string(client, 25) .. extend_string(state, 15) .. tid .. "/" .. t.pid .. "/" .. t.comm)
		end
	end
end, {no_match_msg = "empty capture or no event matching the filter", event_result = false})
