-- topscalls_time: a top-30 table (see top_table.lua and table_generator.lua).

description = "Show the top 30 system calls in terms of time spent in each call. You can use filters to restrict this to a specific process, thread or file. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top system calls by time"
category = "Performance"
args = {}

require("top_table").define{
	keys = {"evt.type"},
	descs = {"Syscall"},
	ckeys = {"evt.type", "container.name"},
	cdescs = {"Syscall", "container.name"},
	value = "evt.latency",
	value_desc = "Time",
	filter = "",
	top = 30,
	units = "time",
}
