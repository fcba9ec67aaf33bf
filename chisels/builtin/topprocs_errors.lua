-- topprocs_errors: a top-100 table (see top_table.lua and table_generator.lua).

description = "Shows the top processes in terms of system call errors. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "top processes by number of errors"
category = "Errors"
args = {}

require("top_table").define{
	keys = {"proc.name", "proc.pid"},
	descs = {"Process", "PID"},
	ckeys = {"proc.name", "proc.pid", "thread.vtid", "container.name"},
	cdescs = {"Process", "Host_pid", "Container_pid", "container.name"},
	value = "evt.count",
	value_desc = "#Errors",
	filter = "evt.failed=true",
	top = 100,
	units = "none",
}
