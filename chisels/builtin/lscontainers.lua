-- lscontainers: the containers known at the first event.

description = "List the running containers and the metadata"
short_description = "List the running containers"
category = "System State"
args = {
	{name = "desc", description = "Prints the result set as a data structure", argtype = "string", optional = true},
}

require "common"

local as_data = false

function on_set_arg(name, val)
	if name == "desc" and val == "desc" then
		as_data = true
		return true
	end
	return false
end

require("snapshot").define(function()
	local list = sysdig.get_container_table()
	if as_data then
		print(st(list))
		return
	end
	print(extend_string("container.type", 15) .. extend_string("container.image", 16) ..
		extend_string("container.name", 20) .. extend_string("container.id", 13))
	print(extend_string("---------------", 15) .. extend_string("----------------", 16) ..
		extend_string("--------------------", 20) .. extend_string("-------------", 13))
	for _, c in pairs_top_by_val(list, 0, function(_, a, b) return a < b end) do
		print(extend_string(tostring(c.type), 15) .. extend_string(tostring(c.image), 16) ..
			extend_string(tostring(c.name), 20) .. extend_string(tostring(c.id), 13))
	end
end, {event_result = true})
