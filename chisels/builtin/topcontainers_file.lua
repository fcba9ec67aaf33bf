-- topcontainers_file: a top-10 table (see top_table.lua and table_generator.lua).

description = "Shows the top containers in terms of total (in+out) bytes to disk."
short_description = "Top containers by R+W disk bytes"
category = "I/O"
args = {}

require("top_table").define{
	keys = {"container.name"},
	descs = {"container.name"},
	value = "evt.rawarg.res",
	value_desc = "Bytes",
	filter = "fd.type=file and evt.is_io=true and container.name!=host",
	top = 10,
	units = "bytes",
}
