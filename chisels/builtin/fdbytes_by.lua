-- fdbytes_by: I/O bytes summed per value of any field (table_generator).

description = "Groups FD activity based on the given filter field, and returns the key that generated the most input+output bytes. For example, this script can be used to list the processes or TCP ports that generated most traffic."
short_description = "I/O bytes, aggregated by an arbitrary filter field"
category = "I/O"
args = {
	{name = "key", description = "The filter field used for grouping", argtype = "string"},
}

local key = ""

function on_set_arg(name, val)
	if name ~= "key" then
		return false
	end
	key = val
	return true
end

function on_init()
	chisel.exec("table_generator", key, key, "evt.rawarg.res", "Bytes",
		"evt.is_io=true and evt.failed=false", "30", "bytes")
	return true
end
