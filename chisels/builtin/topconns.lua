-- topconns: a top-30 table (see top_table.lua and table_generator.lua).

description = "Shows the top network connections in terms of total (in+out) bandwidth. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top network connections by total bytes"
category = "Net"
args = {}

require("top_table").define{
	keys = {"fd.l4proto", "fd.name"},
	descs = {"Proto", "Conn"},
	ckeys = {"container.name", "fd.l4proto", "fd.name"},
	cdescs = {"container.name", "Proto", "Conn"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true",
	top = 30,
	units = "bytes",
}
