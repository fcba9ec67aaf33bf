-- httplog: one line per HTTP request/response pair.

description = "Show a log of all HTTP requests"
short_description = "HTTP requests log"
category = "Application"
args = {}

require "http"

local with_container = false

function on_init()
	http_init()
	with_container = sysdig.is_print_container_data()
	return true
end

local function log_transaction(t)
	local ctr = " "
	if with_container then
		ctr = " " .. t.container .. " "
	end
	print(string.format("%s%s%s method=%s url=%s response_code=%d latency=%dms size=%dB",
		evt.field(datetime_field), ctr, t.dir, t.request.method, t.request.url,
		t.response.code, (t.response.ts - t.request.ts) / 1000000, t.response.length))
end

function on_event()
	run_http_parser(evt, log_transaction)
end
