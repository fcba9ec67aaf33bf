-- Event export shared by around, spy_logs and spy_syslog: remember the
-- time and thread of interesting events, and at the end of the capture
-- ask for a second run writing the events around them (same thread,
-- within dump_range_ms) to a file.

local M = {}

function M.new()
	return {entries = {}, range_ms = "1000", file = nil}
end

function M.add(d, s, ns, tid)
	d.entries[#d.entries + 1] = {s, ns, tid}
end

-- command line of the export run.
function M.cmdline(d)
	local parts = {}
	for _, e in ipairs(d.entries) do
		parts[#parts + 1] = "(evt.around[" .. ts_to_str(e[1], e[2]) .. "]=" .. d.range_ms .. " and thread.tid=" .. e[3] .. ")"
	end
	return "-F -r" .. sysdig.get_evtsource_name() .. " -w" .. d.file .. " " .. table.concat(parts, " or ")
end

return M
