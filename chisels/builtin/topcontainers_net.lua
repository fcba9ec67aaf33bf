-- topcontainers_net: a top-100 table (see top_table.lua and table_generator.lua).

description = "Sorted list of containers that use the most network bandwidth."
short_description = "Top containers by network I/O"
category = "Net"
args = {}

require("top_table").define{
	keys = {"container.name"},
	descs = {"container.name"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true and container.name!=host",
	top = 100,
	units = "bytes",
}
