-- iobytes_file: bytes read and written on files, per second.

description = "Counts the total bytes read from and written to files."
short_description = "Sum of file I/O bytes"
category = "I/O"
args = {}

require("io_totals").define("evt.is_io=true and fd.type=file")
