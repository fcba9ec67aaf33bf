-- fileslower: file I/O slower than min_ms (files under /dev/ left out).

description = "Trace file I/O slower than a threshold, or all file I/O. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown. (Blue represents a process running within a container, and Green represents a host process)"
short_description = "Trace slow file I/O"
category = "Performance"
args = {
	{name = "min_ms", description = "Minimum millisecond threshold for showing file I/O", argtype = "int", optional = false},
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require("slow_io").define{
	filter = "evt.is_io=true and fd.type=file",
	skip = function(name) return string.sub(name, 0, 5) == "/dev/" end,
}
