-- topfiles_errors: a top-100 table (see top_table.lua and table_generator.lua).

description = "Shows the top files in terms of I/O errors. This chisel is compatible with containers using the sysdig -pc or -pcontainer argument, otherwise no container information will be shown."
short_description = "Top files by number of errors"
category = "Errors"
args = {}

require("top_table").define{
	keys = {"fd.name"},
	descs = {"Filename"},
	ckeys = {"fd.name", "container.name"},
	cdescs = {"Filename", "container.name"},
	value = "evt.count",
	value_desc = "#Errors",
	filter = "fd.type=file and evt.failed=true",
	top = 100,
	units = "none",
}
