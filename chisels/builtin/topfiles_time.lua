-- topfiles_time: a top-10 table (see top_table.lua and table_generator.lua).

description = "Shows the top files in terms of disk usage. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top files by time"
category = "I/O"
args = {}

require("top_table").define{
	keys = {"fd.name"},
	descs = {"Filename"},
	ckeys = {"fd.name", "container.name"},
	cdescs = {"Filename", "container.name"},
	value = "evt.latency",
	value_desc = "Time",
	filter = "fd.type=file and evt.is_io=true",
	top = 10,
	units = "time",
}
