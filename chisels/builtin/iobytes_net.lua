-- iobytes_net: bytes read and written on IP sockets, per second.

description = "Counts the total bytes read from and written to the network, and prints the result every second"
short_description = "Show total network I/O bytes"
category = "Net"
args = {}

require("io_totals").define("evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)")
