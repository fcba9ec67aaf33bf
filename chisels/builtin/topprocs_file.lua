-- topprocs_file: a top-10 table (see top_table.lua and table_generator.lua).

description = "Shows the top processes in terms of total (in+out) bytes to disk. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top processes by R+W disk bytes"
category = "I/O"
args = {}

require("top_table").define{
	keys = {"proc.name", "proc.pid"},
	descs = {"Process", "PID"},
	ckeys = {"proc.name", "proc.pid", "thread.vtid", "container.name"},
	cdescs = {"Process", "Host_pid", "Container_pid", "container.name"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "fd.type=file and evt.is_io=true",
	top = 10,
	units = "bytes",
}
