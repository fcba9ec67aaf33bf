-- Shared body of spy_ip and spy_port: the payloads of the reads and
-- writes on IP sockets matching a filter, with a header line at every
-- change of direction.

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)

local M = {}

-- spec: arg (name of the required argument), filter(value) returning the
-- chisel filter, write_label (header word of writes).
function M.define(spec)
	local value
	local fdata, fisread, fres
	local last = nil -- "r" or "w": direction of the previous payload
	local header

	function on_set_arg(name, val)
		if name == spec.arg then
			value = val
		elseif name == "disable_color" then
			if val == "disable_colors" then
				terminal.enable_color(false)
			end
		else
			return false
		end
		return true
	end

	function on_init()
		fdata = chisel.request_field("evt.arg.data")
		fisread = chisel.request_field("evt.is_io_read")
		fres = chisel.request_field("evt.rawarg.res")
		sysdig.set_snaplen(1000)
		chisel.set_filter(spec.filter(value))
		return true
	end

	function on_event()
		local res = evt.field(fres)
		local data = evt.field(fdata)
		if res == nil or res <= 0 or data == nil then
			return true
		end
		-- the header is repeated as is while the direction holds
		if evt.field(fisread) then
			if last ~= "r" then
				header = string.format("%s------ Read %s", terminal.red, format_bytes(res))
				last = "r"
			end
		elseif last ~= "w" then
			header = string.format("%s------ %s %s", terminal.blue, spec.write_label, format_bytes(res))
			last = "w"
		end
		print(header)
		print(data)
		return true
	end

	function on_capture_end()
		print(terminal.reset)
	end
end

return M
