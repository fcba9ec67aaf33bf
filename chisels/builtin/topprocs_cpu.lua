-- topprocs_cpu: processes by CPU share over the capture.

description = "Show the top process defined by the highest CPU utilization. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top processes by CPU usage"
category = "CPU Usage"
args = {}

require("cpu_table").define{
	key_fld = {"proc.name", "proc.pid"},
	key_desc = {"Process", "PID"},
	ckey_fld = {"proc.name", "proc.pid", "proc.vpid", "container.name"},
	ckey_desc = {"Process", "Host_pid", "Container_pid", "container.name"},
}
