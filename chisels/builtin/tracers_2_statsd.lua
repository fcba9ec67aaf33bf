-- tracers_2_statsd: the duration of every tracer span sent to statsd as
-- a timer named after the span's tags.

description = "Converts sysdig span duration data into statsd metrics and pipes them to the given statsd server. See https://github.com/draios/sysdig/wiki/Tracers for more information."
short_description = "Export spans duration as statds metrics."
category = "Tracers"
args = {
	{name = "server_addr", description = "The address of the statsd server to send data to", argtype = "string", optional = true},
	{name = "server_port", description = "The UDP port to use", argtype = "string", optional = true},
}

local new_client = require "statsd"
local host, port = "127.0.0.1", 8125
local client, ftags, flatency

function on_set_arg(name, val)
	if name == "server_addr" then
		host = val
	elseif name == "server_port" then
		port = tonumber(val)
	else
		return false
	end
	return true
end

function on_init()
	client = new_client{host = host, port = port}
	ftags = chisel.request_field("span.tags")
	flatency = chisel.request_field("span.duration")
	chisel.set_filter("evt.type=tracer and evt.dir=<")
	return true
end

function on_event()
	local lat = evt.field(flatency)
	if lat then
		client:timer(evt.field(ftags), tonumber(lat) / 1000000)
	end
	return true
end
