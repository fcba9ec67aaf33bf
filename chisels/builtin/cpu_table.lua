-- Shared body of topprocs_cpu and topcontainers_cpu: the CPU share of
-- each key, summed in Go over the procinfo events.

require "common"
terminal = require "ansiterminal"

local M = {}

-- view: key_fld, key_desc (arrays), optionally ckey_fld/ckey_desc used
-- with -pc/-pk/-pm.
function M.define(view)
	view.value_fld = "thread.exectime"
	view.value_desc = "CPU%"
	view.value_units = "timepct"
	view.top_number = 10
	view.output_format = "normal"
	local sums
	local live = false

	function on_init()
		if view.ckey_fld ~= nil and sysdig.is_print_container_data() then
			view.key_fld, view.key_desc = view.ckey_fld, view.ckey_desc
		end
		if sums == nil then
			-- thread.cpu is a fraction of one CPU; the table shows it
			-- against the capture duration in ns, hence the scale.
			sums = chisel.aggregate{keys = view.key_fld, value = "thread.cpu", scale = 10000000}
		end
		chisel.set_filter("evt.type=procinfo")
		return true
	end

	function on_capture_start()
		live = sysdig.is_live()
		view.output_format = sysdig.get_output_format()
		if live then
			chisel.set_interval_s(1)
			if view.output_format ~= "json" then
				terminal.clearscreen()
				terminal.hidecursor()
			end
		end
		return true
	end

	function on_interval(ts_s, ts_ns, delta)
		if view.output_format ~= "json" then
			terminal.clearscreen()
			terminal.moveto(0, 0)
		end
		print_sorted_table(sums:table(), ts_s, 0, delta, view)
		sums:clear()
		return true
	end

	function on_capture_end(ts_s, ts_ns, delta)
		if live and view.output_format ~= "json" then
			terminal.clearscreen()
			terminal.moveto(0, 0)
			terminal.showcursor()
			return true
		end
		print_sorted_table(sums:table(), ts_s, 0, delta, view)
		return true
	end
end

return M
