-- iobytes: bytes read and written on any fd, per second.

description = "Counts the total bytes read from and written to any type of FD (disk, socket, pipe...) and prints the result every second."
short_description = "Sum of I/O bytes on any type of FD"
category = "I/O"
args = {}

require("io_totals").define("evt.is_io=true")
