-- subsecoffset: on a terminal, a row per interval showing when, within
-- the interval, syscalls were entered.

description = "This visualizes the subsecond offset time of system call execution. This allows repetitive patterns to be identified, which are lost when averaging at a one second granularity. The Y axis (vertical) shows the passage of time. The X axis (horizontal) shows the passage of time within whole or fractions of a second. By default, the X axis range is 1000 milliseconds; this can be specified as an argument (try 100). Each bucket of the heat map, or spectrogram, is shown as a colored rectangle. The color shows how many syscalls fell into that time and subsecond offset range. It can be black (no calls), green (tens of calls/s), yellow (hundreds of calls/s) or red (Thousands of calls/s). Use this chisel in conjunction with filters to visualize latencies for certain processes, types of I/O activity, file systems, etc."
short_description = "Visualize subsecond offset execution time."
category = "CPU Usage"
args = {
	{name = "refresh_time", description = "chart refresh time in milliseconds", argtype = "int", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)
local heatmap = require "heatmap"

local refresh_ns = 1000000000
local per_sec = 1000000000 / refresh_ns
local label_len = 0
local counts = {}
local width = 0
local tty = false
local frawtime

function on_set_arg(name, val)
	if name ~= "refresh_time" then
		return false
	end
	refresh_ns = parse_numeric_input(val, name) * 1000000
	per_sec = 1000000000 / refresh_ns
	return true
end

function on_init()
	tty = sysdig.is_tty()
	if not tty then
		print("This chisel only works on ANSI terminals. Aborting.")
		return false
	end
	width = sysdig.get_terminal_info().width
	-- the widest label: 90% of the range
	label_len = string.len("|" .. (0.9 * refresh_ns / 10000000) .. "ms")
	chisel.set_filter("evt.dir=>")
	frawtime = chisel.request_field("evt.rawtime")
	terminal.hidecursor()
	print("Tracing syscalls... red (hot) == high frequency <-> green == low frequency.\n")
	return true
end

function on_capture_start()
	chisel.set_interval_ns(refresh_ns)
	return true
end

function on_event()
	local t = evt.field(frawtime)
	local cell = math.floor((((t * 1000 / refresh_ns) % 1000) / 1000) * width)
	counts[cell] = (counts[cell] or 0) + 1
	return true
end

function on_interval(ts_s, ts_ns, delta)
	heatmap.row(terminal, counts, width, per_sec, false)
	-- axis: ten labels across the range, while they fit
	local x = 0
	while x < width do
		local tenth = math.floor(x * 10 / width)
		if tenth ~= math.floor((x - 1) * 10 / width) and x <= width - label_len then
			local label = "|" .. (math.floor(10 * x / width) * refresh_ns / 10000000) .. "ms"
			io.write(label)
			x = x + string.len(label)
		else
			io.write(" ")
			x = x + 1
		end
	end
	io.write("\n")
	counts = {}
	return true
end

function on_capture_end(ts_s, ts_ns, delta)
	if tty then
		print(terminal.reset)
		terminal.showcursor()
	end
	return true
end
