-- memcachelog: memcached get/set commands seen on port 11211 or in the
-- memcached process, with their key and object size.

description = "Show a log of memcached commands (get/set)"
short_description = "memcached requests log"
category = "Application"
args = {
	{name = "method", description = "get/set", optional = true},
	{name = "size", description = "object size", optional = true},
}

local only_method = nil
local min_size = nil
local fdata, fdatetime

function on_set_arg(name, val)
	if name == "method" then
		only_method = val
	elseif name == "size" then
		min_size = tonumber(val)
	else
		return false
	end
	return true
end

function on_init()
	-- this chisel replaces the command-line filter
	sysdig.set_filter("(fd.sport=11211 or proc.name=memcached) and evt.is_io=true")
	sysdig.set_snaplen(4096)
	fdata = chisel.request_field("evt.arg[1]")
	fdatetime = chisel.request_field("evt.datetime")
	return true
end

-- "set key 0 0 5" -> {"set", "key", "0", "0", "5"}
local function words(s)
	local out = {}
	for w in (s .. " "):gmatch("(.-) ") do
		out[#out + 1] = w
	end
	return out
end

function on_event()
	local w = words(evt.field(fdata))
	if w[1]:match("^[gs]et") == nil then
		return true
	end
	local method, key = w[1], w[2]
	local size = tonumber(w[5]) or 0
	if key == nil then
		return true
	end
	if only_method ~= nil and only_method ~= method then
		return true
	end
	if only_method == "set" and size < min_size then
		return true
	end
	print(string.format("%s method=%s size=%dB key=%s", evt.field(fdatetime), method, size, key))
	return true
end
