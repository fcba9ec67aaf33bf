-- spy_ip: the data exchanged with one IP address.

description = "Shows the network payloads exchanged with an IP end-point. You can combine this chisel with the -x, -X or -A sysdig command line switches to customize the screen output"
short_description = "Show the data exchanged with the given IP address"
category = "Net"
args = {
	{name = "host_ip", description = "The remote host IP address", argtype = "ipv4"},
	{name = "disable_color", description = "Set to 'disable_colors' if you want to disable color output", argtype = "string", optional = true},
}

require("payload").define{
	arg = "host_ip",
	filter = function(ip) return "evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6) and fd.ip=" .. ip end,
	-- (sic) sysdig labels writes "Read" too
	write_label = "Read",
}
