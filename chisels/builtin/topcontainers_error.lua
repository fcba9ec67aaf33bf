-- topcontainers_error: a top-100 table (see top_table.lua and table_generator.lua).

description = "Shows the top container in terms of system call errors."
short_description = "Top containers by number of errors"
category = "Errors"
args = {}

require("top_table").define{
	keys = {"container.name"},
	descs = {"container.name"},
	value = "evt.count",
	value_desc = "#Errors",
	filter = "evt.failed=true and container.name!=host",
	top = 100,
	units = "none",
}
