-- topports_server: a top-100 table (see top_table.lua and table_generator.lua).

description = "Shows the top TCP/UDP server ports in terms of total (in+out) bandwidth. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top TCP/UDP server ports by R+W bytes"
category = "Net"
args = {}

require("top_table").define{
	keys = {"fd.sport"},
	descs = {"Srv Port"},
	ckeys = {"fd.sport", "container.name"},
	cdescs = {"Srv Port", "container.name"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true",
	top = 100,
	units = "bytes",
}
