-- trace's statsd client for chisels: metrics sent as UDP datagrams
-- ("name:value|type") through sysdig.udp_send.
--
--   local statsd = require "statsd"
--   local s = statsd{host = "127.0.0.1", port = 8125, namespace = "app"}
--   s:timer("db.query", 12)     s:increment("hits")     s:gauge("x", 3)

local Client = {}
Client.__index = Client

local function send(self, name, value, kind, rate)
	rate = rate or 1
	if rate < 1 and math.random() > rate then
		return
	end
	if self.namespace then
		name = self.namespace .. "." .. name
	end
	local msg = name .. ":" .. value .. "|" .. kind
	if rate < 1 then
		msg = msg .. "|@" .. rate
	end
	sysdig.udp_send(msg)
end

function Client:gauge(name, value, rate) send(self, name, value, "g", rate) end
function Client:counter(name, value, rate) send(self, name, value or 1, "c", rate) end
function Client:increment(name, value, rate) send(self, name, value or 1, "c", rate) end
function Client:decrement(name, value, rate) send(self, name, -(value or 1), "c", rate) end
function Client:timer(name, ms) send(self, name, ms, "ms") end
function Client:histogram(name, value) send(self, name, value, "h") end
function Client:meter(name, value) send(self, name, value, "m") end
function Client:set(name, value) send(self, name, value, "s") end

return function(opts)
	opts = opts or {}
	sysdig.udp_setpeername(opts.host or "127.0.0.1", tostring(opts.port or 8125))
	return setmetatable({namespace = opts.namespace}, Client)
end
