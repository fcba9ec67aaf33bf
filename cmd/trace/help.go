package main

import (
	"fmt"
	"io"
)

func printHelp(w io.Writer) {
	fmt.Fprintf(w, `trace version %s
Usage: trace [options] [-p <output_format>] [filter]

Options:
 -A, --print-ascii  Only print the text portion of data buffers, and echo
                    end-of-lines. This is useful to only display human-readable
                    data.
 -b, --print-base64 Print data buffers in base64.
 -c <chiselname> <chiselargs>, --chisel  <chiselname> <chiselargs>
                    Run the specified chisel. If the chisel requires arguments,
                    they follow its name (one word; quote it).
 -cl, --list-chisels
                    List the available chisels. Chisels are looked for in
                    $SYSDIG_CHISEL_DIR, ., ./chisels, ~/.chisels and among
                    trace's built-in chisels.
 -C <file_size>, --file-size=<file_size>
                    With -w, start a new file when the current one is larger
                    than file_size million bytes.
 -d, --displayflt   Make the given filter a display one: every event goes
                    through the state engine, the filter only decides what is
                    printed.
 -D, --debug        Also show internal events (procinfo, container, ...).
 -e <num_events>, --event-limit=<num_events>
                    With -w, start a new file after num_events events.
 -F, --fatfile      With -w and a filter, keep the events the filter rejects
                    in the file, flagged so readers only use them for state.
 -G <num_seconds>, --seconds=<num_seconds>
                    With -w, rotate the file every num_seconds of event time.
 -h, --help         Print this page.
 -i <chiselname>, --chisel-info <chiselname>
                    Describe a chisel.
 -j, --json         Print events as JSON lines.
 -l, --list         List the fields filters and formats can use (-lv: with
                    their types).
 -L, --list-events  List the events trace knows.
 -M <num_seconds>   Stop after num_seconds of event time.
 -n <num>, --numevents=<num>
                    Stop after num events (internal ones included).
 -P, --progress     Print progress on stderr.
 -p <output_format>, --print=<output_format>
                    Output format. -pc/-pk/-pm select the container,
                    Kubernetes and Mesos presets; -pp prints the default.
 -q, --quiet        Do not print events.
 -R, --resolve-ports
                    Show port numbers as service names.
 -r <readfile>, --readfile=<readfile>
                    Read events from a capture file (plain, gzip or zstd);
                    repeat to read several files.
 --rules <path>     Load Falco-style rules (file or directory; repeatable)
                    and print alerts instead of events, from captures (-r)
                    or live. With -j, alerts are Falco JSON objects.
 --alerts-http <url>
                    Also post every alert as JSON to url (falcosidekick).
 --all-events       Live, also offer rules the high-rate events Falco skips
                    without -A (read, write, poll, ...).
 --disable-rule <name>
                    Disable the rules named name (a glob; repeatable).
 --disable-tag <tag>
                    Disable the rules having tag (repeatable).
 --enable-tag <tag> Run only the rules having tag (repeatable).
 --iso8601          Print alert times as 2006-01-02T15:04:05.000000000+0000.
 --list-rules       List the rules loaded by --rules (-j: as JSON).
 --min-priority <level>
                    Load only rules at least this severe (emergency, alert,
                    critical, error, warning, notice, info, debug).
 --rule-matching first|all
                    Fire the first matching rule per event (default) or all.
 --validate <path>  Check a rules file or directory and exit (status 1 on
                    errors; -j prints Falco's JSON result).
 -S, --summary      Print a summary of event counts at the end.
 -s <len>, --snaplen=<len>
                    Bytes of I/O buffers captured live (default 80).
 -t <timetype>, --timetype=<timetype>
                    Time shown by the default line: h (human, default),
                    a (absolute epoch), r (relative to the first event),
                    d (enter-to-exit latency), D (since the previous event).
 -U <comm>, --suppress-comm=<comm>
                    Ignore events of processes named comm.
 --unbuffered       Flush output after every event.
 -v, --verbose      Do not cut data buffers at 80 bytes.
 --version          Print the version.
 -w <writefile>, --writefile=<writefile>
                    Write events to a capture file instead of printing them.
                    Files are created with mode 0600.
 -W <num>, --limit=<num>
                    With -C, keep a ring of num files; with -G, stop after
                    num files.
 -x, --print-hex    Print data buffers in hex.
 -X, --print-hex-ascii
                    Print data buffers in hex and ASCII.
 -z, --compress     With -w, compress the file with gzip (sysdig reads it).
 --compress zstd    With -w, compress with zstd instead: smaller and much
                    faster, read back by trace; sysdig cannot read it.
`, Version)
}
