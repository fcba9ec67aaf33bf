-- spectrogram: on a terminal, a row per interval showing how many
-- syscalls returned within each latency range (log scale, 1ns to 100s).

description = "This console visualization shows the frequency of system call latencies. The Y axis unit is time. By default, a new line is created twice a second, but that can be changed by specifying a different refresh time argument. The X axis shows a range of latencies. Each latency value has a color that can be black (no calls), green (tens of calls/s), yellow (hundreds of calls/s) or red (Thousands of calls/s). In other words, red areas mean that there are many system calls taking the specified time to return. Use this chisel in conjunction with filters to visualize latencies for certain processes, types of I/O activity, file systems, etc."
short_description = "Visualize OS latency in real time."
category = "CPU Usage"
args = {
	{name = "refresh_time", description = "Chart refresh time in milliseconds", argtype = "int", optional = true},
}

require "common"
terminal = require "ansiterminal"
terminal.enable_color(true)
local heatmap = require "heatmap"

local refresh_ns = 500000000
local per_sec = 1000000000 / refresh_ns
local counts = {}
local width = 0
local tty = false
local flatency

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
	chisel.set_filter("evt.dir=<")
	flatency = chisel.request_field("evt.latency")
	terminal.hidecursor()
	return true
end

function on_capture_start()
	chisel.set_interval_ns(refresh_ns)
	return true
end

function on_event()
	local lat = evt.field(flatency)
	if lat == 0 then
		return true
	end
	local decades = math.log10(lat)
	if decades > 11 then
		decades = 11
	end
	local cell = math.floor(decades * width / 11) + 1
	counts[cell] = (counts[cell] or 0) + 1
	return true
end

function on_interval(ts_s, ts_ns, delta)
	heatmap.row(terminal, counts, width, per_sec, true)
	-- axis: a label at every power of ten
	local x = 0
	while x < width do
		local decade = math.floor(x * 11 / width)
		if decade ~= math.floor((x - 1) * 11 / width) then
			local label = format_time_interval(math.pow(10, decade))
			io.write("|" .. label)
			x = x + #label + 1
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
		on_interval(ts_s, ts_ns, 0)
		print(terminal.reset)
		terminal.showcursor()
	end
	return true
end
