-- Shared body of the System State chisels (lsof, netstat, ps,
-- lscontainers): they read the state tables at the first event that
-- passes the filters, end the capture there and print from
-- on_capture_end.

local M = {}

-- define(print_fn, opts): opts.filter_arg names the optional filter
-- argument; opts.no_match_msg is printed when no event matched;
-- opts.event_result is on_event's return value.
function M.define(print_fn, opts)
	local running = false
	local matched = false

	function on_init()
		return true
	end

	function on_capture_start()
		running = true
		return true
	end

	function on_event()
		sysdig.end_capture()
		matched = true
		return opts.event_result
	end

	function on_capture_end(ts_s, ts_ns, delta)
		if not running then
			return
		end
		if opts.no_match_msg and not matched then
			print(opts.no_match_msg)
			return
		end
		print_fn()
	end
end

return M
