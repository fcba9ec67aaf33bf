-- topprocs_net: a top-100 table (see top_table.lua and table_generator.lua).

description = "Sort the list of the processes that use the most network bandwidth. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top processes by network I/O"
category = "Net"
args = {}

require("top_table").define{
	keys = {"proc.name", "proc.pid"},
	descs = {"Process", "PID"},
	ckeys = {"proc.name", "proc.pid", "thread.vtid", "container.name"},
	cdescs = {"Process", "Host_pid", "Container_pid", "container.name"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true",
	top = 100,
	units = "bytes",
}
