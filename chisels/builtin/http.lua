-- HTTP transaction tracking for httplog and httptop: a request seen on a
-- (pid, fd) opens a transaction, the next response on it closes it.

partial_transactions = {}

function http_init()
	chisel.set_filter("evt.is_io = true and evt.buflen > 0 and (fd.sockfamily = ip or fd.sockfamily = unix)")
	buffer_field = chisel.request_field("evt.buffer")
	fd_field = chisel.request_field("fd.num")
	pid_field = chisel.request_field("proc.pid")
	rawtime_field = chisel.request_field("evt.rawtime")
	datetime_field = chisel.request_field("evt.datetime")
	dir_field = chisel.request_field("evt.io_dir")
	container_field = chisel.request_field("container.name")
	sysdig.set_snaplen(1024)
end

-- "GET /path HTTP/1.1\r\nHost: example.com\r\n" -> {method, url}, the
-- url prefixed with the Host header when there is one.
function parse_request(buf)
	local method, url = buf:match("^(%u+) (%g+)")
	if method == nil or url == nil then
		return nil
	end
	local host = buf:match("Host: (%g+)%.%.")
	if host ~= nil then
		url = host .. url
	end
	return {method = method, url = url}
end

-- "HTTP/1.1 200 OK..." -> {code, length} (Content-Length, 0 if absent).
function parse_response(buf)
	local code = buf:match("HTTP/[%g]+ (%d+)")
	if code == nil then
		return nil
	end
	local length = buf:match("Content%-Length: (%d+)%.%.") or 0
	return {code = tonumber(code), length = tonumber(length)}
end

local dirs = {read = "<", write = ">"}

-- Feeds the current event to the tracker; on_transaction(t) is called
-- with every completed transaction.
function run_http_parser(evt, on_transaction)
	local buf = evt.field(buffer_field)
	local key = string.format("%d\001\001%d", evt.field(pid_field), evt.field(fd_field))
	local ts = evt.field(rawtime_field)
	local t = partial_transactions[key]
	if t == nil then
		local req = parse_request(buf)
		if req ~= nil then
			req.ts = ts
			partial_transactions[key] = {
				request = req,
				dir = dirs[evt.field(dir_field)] or "<NA>",
				container = evt.field(container_field),
			}
		end
		return
	end
	local resp = parse_response(buf)
	if resp ~= nil then
		resp.ts = ts
		t.response = resp
		on_transaction(t)
		partial_transactions[key] = nil
	end
end
