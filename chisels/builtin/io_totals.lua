-- Shared body of iobytes, iobytes_file and iobytes_net: bytes read and
-- written, printed every second of event time.

local M = {}

function M.define(flt)
	local tot, totin, totout = 0, 0, 0
	local fbytes, ftime, fisread

	function on_init()
		fbytes = chisel.request_field("evt.rawarg.res")
		ftime = chisel.request_field("evt.time.s")
		fisread = chisel.request_field("evt.is_io_read")
		chisel.set_filter(flt)
		chisel.set_interval_s(1)
		return true
	end

	function on_event()
		local n = evt.field(fbytes)
		if n ~= nil and n > 0 then
			tot = tot + n
			if evt.field(fisread) then
				totin = totin + n
			else
				totout = totout + n
			end
		end
		return true
	end

	-- The line shows the time of the event that closed the second.
	function on_interval()
		print(evt.field(ftime) .. " in:" .. totin .. " out:" .. totout .. " tot:" .. tot)
		tot, totin, totout = 0, 0, 0
		return true
	end
end

return M
