-- topcontainers_cpu: containers by CPU share over the capture.

description = "Show the top containers defined by the highest CPU utilization."
short_description = "Top containers by CPU usage"
category = "CPU Usage"
args = {}

require("cpu_table").define{
	key_fld = {"container.name"},
	key_desc = {"container.name"},
}
