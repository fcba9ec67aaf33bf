#!/usr/bin/env bash
# Benchmark trace against sysdig 0.29.3 on two large captures.
#
#   bash bench/run.sh
#
# Inputs (every case runs on both, one table each):
#   libs      the events of libs_sample.scap repeated to BENCH_EVENTS
#   syscalls  the live-recorded syscall workload testdata/syscalls.scap.gz
#             (execve, openat, read/write, mmap, newfstatat, ...) repeated
#             to BENCH_EVENTS2
#
# Environment:
#   BENCH_EVENTS   events in the libs capture (default 3000000)
#   BENCH_EVENTS2  events in the syscalls capture (default 10000000)
#   BENCH_RUNS     paired runs per case, trace then reference (default 5)
#   BENCH_ONECORE  runs per tool pinned to one core with taskset -c 0
#                  (default 3; 0 disables the one-core columns)
#   BENCH_CASES    only run cases whose name matches this extended regex
#   BENCH_INPUTS   only run inputs whose name matches this regex (libs, syscalls)
#   BENCH_SOURCE   capture repeated for libs (default ../shared/scaps/libs_sample.scap)
#   BENCH_SOURCE2  capture repeated for syscalls (default testdata/syscalls.scap.gz)
#   BENCH_RULES    rules file of the falco case (default ../shared/rules/falco_rules.yaml)
#   BENCH_BASELINE another trace build (e.g. of an earlier commit): when set,
#                  every case's reference is that binary with trace's own
#                  arguments and input copy ("before/after" in one run);
#                  BENCH_BASELINE_CTRACE likewise for the ctrace case
#                  (skipped without it)
#   SYSDIG         sysdig binary (default /usr/bin/sysdig)
#   CSYSDIG        csysdig binary (default /usr/bin/csysdig)
# ../shared is relative to the repository root.
#
# Everything is built and written under bench/out/ (gitignored). The captures,
# and their .gz and .zst copies (written by trace itself), are reused when they
# already exist. The Markdown tables go to stdout, progress to stderr.
#
# Measures: wall time is taken around each command (EPOCHREALTIME, µs
# resolution); CPU time is user+sys and peak RSS is %M, both from
# /usr/bin/time -f '%e %U %S %M'. A case reports the MEDIAN wall and the
# MEDIAN CPU time of its runs, events/s computed from the median wall, the
# largest peak RSS, and ratios written trace÷sysdig (0.45: trace takes 45 %
# of the reference's time; below 1 is faster).
#
# Cases are declared in cases() with
#   bench_case NAME TRACE_ARGS... -- REF_ARGS...
# (bash does not allow a function named "case"). REF_ARGS run with sysdig;
# if the first of them is @trace, the reference is trace itself with the
# remaining arguments. A first argument @gz or @zst (on either side, after
# @trace) makes that command read the input's .gz or .zst copy instead of the
# plain capture. Every command gets "-r CAPTURE" first, runs in the scratch
# directory bench/out/work (so "-w out.scap" lands there), and has stdout sent
# to /dev/null and stderr to a log (sysdig's -w progress is discarded). Before
# timing, each case is tried on a small probe capture: if trace exits
# non-zero, or prints exactly what it prints without the case's arguments
# (the options are silently ignored), the case is reported as unsupported
# instead of being timed. The probe outputs of both sides are compared
# (written files are read back, by sysdig, or by trace when the reference is
# trace).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/out
WORK=$OUT/work
EVENTS=${BENCH_EVENTS:-3000000}
EVENTS2=${BENCH_EVENTS2:-10000000}
RUNS=${BENCH_RUNS:-5}
ONECORE=${BENCH_ONECORE:-3}
ONLY=${BENCH_CASES:-}
INPUTS=${BENCH_INPUTS:-}
SOURCE=${BENCH_SOURCE:-$ROOT/../shared/scaps/libs_sample.scap}
SOURCE2=${BENCH_SOURCE2:-$ROOT/testdata/syscalls.scap.gz}
RULES=${BENCH_RULES:-$ROOT/../shared/rules/falco_rules.yaml}
BASELINE=${BENCH_BASELINE:-}
BASELINE_CTRACE=${BENCH_BASELINE_CTRACE:-}
SYSDIG=${SYSDIG:-/usr/bin/sysdig}
CSYSDIG=${CSYSDIG:-/usr/bin/csysdig}
TIME=/usr/bin/time
PROBE_EVENTS=5000

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

[[ -x $SYSDIG ]] || die "$SYSDIG not found"
[[ -x $TIME ]] || die "$TIME not found (apt-get install time)"
[[ $EVENTS =~ ^[0-9]+$ && $EVENTS -gt 0 ]] || die "bad BENCH_EVENTS=$EVENTS"
[[ $EVENTS2 =~ ^[0-9]+$ && $EVENTS2 -gt 0 ]] || die "bad BENCH_EVENTS2=$EVENTS2"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "bad BENCH_RUNS=$RUNS"
[[ $ONECORE =~ ^[0-9]+$ ]] || die "bad BENCH_ONECORE=$ONECORE"
if ((ONECORE > 0)) && ! command -v taskset >/dev/null; then
	die "taskset not found (apt-get install util-linux), or set BENCH_ONECORE=0"
fi
[[ -z $BASELINE || -x $BASELINE ]] || die "BENCH_BASELINE=$BASELINE is not an executable"
[[ -f $SOURCE ]] || die "$SOURCE not found (set BENCH_SOURCE)"
[[ -f $SOURCE2 ]] || die "$SOURCE2 not found (set BENCH_SOURCE2)"

mkdir -p "$OUT" "$WORK"
TRACE=$OUT/trace
CTRACE=$OUT/ctrace
log "building trace, ctrace and mkcapture into $OUT"
(cd "$ROOT" && go build -o "$TRACE" ./cmd/trace && CGO_ENABLED=0 go build -o "$CTRACE" ./cmd/ctrace && go build -o "$OUT/mkcapture" ./bench/mkcapture)

# capture FILE N SRC: generate FILE with N events of SRC unless it exists,
# and its .gz and .zst copies, written by trace.
capture() {
	local f=$1 n=$2 src=$3
	if [[ -s $f && -s $f.count && $(<"$f.count") == "$n" ]]; then
		log "reusing $f ($n events)"
	else
		log "generating $f ($n events from $src)"
		rm -f "$f.gz" "$f.zst"
		"$OUT/mkcapture" -in "$src" -out "$f" -events "$n"
	fi
	if [[ ! -s $f.gz ]]; then
		log "compressing $f.gz (trace -z)"
		"$TRACE" -r "$f" -w "$f.gz.tmp" -z 2>/dev/null || die "trace -w $f.gz -z failed"
		mv "$f.gz.tmp" "$f.gz"
	fi
	if [[ ! -s $f.zst ]]; then
		log "compressing $f.zst (trace --compress zstd)"
		"$TRACE" -r "$f" -w "$f.zst.tmp" --compress zstd 2>/dev/null || die "trace -w $f.zst --compress zstd failed"
		mv "$f.zst.tmp" "$f.zst"
	fi
}

# The current input, set by use_input: name, capture, probe capture, events.
IN='' F='' PROBE='' NEV=0

# use_input NAME EVENTS SOURCE: builds (or reuses) the input's captures and
# the baseline probe outputs, and makes it current.
use_input() {
	IN=$1
	F=$OUT/capture-$1-$2.scap
	PROBE=$OUT/probe-$1-$PROBE_EVENTS.scap
	capture "$F" "$2" "$3"
	capture "$PROBE" "$PROBE_EVENTS" "$3"
	NEV=$(<"$F.count")
	# Sanity check: trace -D prints one line per event, internal ones included.
	local lines
	lines=$(cd "$WORK" && "$TRACE" -r "$F" -D | wc -l) || true
	if [[ $lines != "$NEV" ]]; then
		log "WARNING: trace -r $F -D printed $lines lines, the capture has $NEV events"
	fi
	# Baseline outputs on the probe capture, for spotting ignored options.
	"$TRACE" -r "$PROBE" >"$OUT/probe-plain.trace" 2>/dev/null || true
}

# input_file BASE SUFFIX: the capture a command reads.
input_file() { printf '%s%s' "$1" "$2"; }

# run_tool PIN TOOL SUFFIX ARGS...: run once on $F$SUFFIX in $WORK, pinned to
# CPU 0 if PIN is 1; sets RC, SECS (wall), CPU (user+sys) and KB (peak RSS).
run_tool() {
	local pin=$1 tool=$2 suffix=$3
	shift 3
	local pre=()
	((pin)) && pre=(taskset -c 0)
	rm -rf "${WORK:?}"/*
	local t0 t1
	t0=$EPOCHREALTIME
	set +e
	(cd "$WORK" && "${pre[@]}" "$TIME" -f '%e %U %S %M' -o "$OUT/time.txt" "$tool" -r "$(input_file "$F" "$suffix")" "$@" >/dev/null 2>"$OUT/stderr.txt")
	RC=$?
	set -e
	t1=$EPOCHREALTIME
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	CPU=$(awk 'END { printf "%.2f", $2 + $3 }' "$OUT/time.txt" 2>/dev/null)
	KB=$(awk 'END { print $4 }' "$OUT/time.txt" 2>/dev/null)
	KB=${KB:-0}
}

# probe TOOL NAME SUFFIX ARGS...: run on the probe capture; the output goes to
# $OUT/probe-NAME; sets RC.
probe() {
	local tool=$1 name=$2 suffix=$3
	shift 3
	rm -rf "${WORK:?}"/*
	set +e
	(cd "$WORK" && "$tool" -r "$(input_file "$PROBE" "$suffix")" "$@" >"$OUT/probe-$name" 2>"$OUT/probe-$name.err")
	RC=$?
	set -e
}

# writes_file ARGS...: prints the -w argument, if any.
writes_file() {
	while (($#)); do
		case $1 in
		-w | --writefile) printf '%s' "${2:-}"; return ;;
		--writefile=*) printf '%s' "${1#*=}"; return ;;
		esac
		shift
	done
}

# median V...: the median of the numbers (mean of the middle two if even).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.6f", v[(NR + 1) / 2]; else printf "%.6f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rate() { awk -v n="$NEV" -v s="$1" 'BEGIN { r = n / s; if (r >= 1e6) printf "%.2fM", r / 1e6; else printf "%.0fk", r / 1e3 }'; }
ratio() { awk -v t="$1" -v r="$2" 'BEGIN { if (r > 0) printf "%.2f", t / r; else printf "—" }'; }
secs() { printf '%.2f' "$1"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
md() {
	local s="$*"
	# shellcheck disable=SC2016 # literal backquotes
	if [[ -z $s ]]; then printf '(none)'; else printf '`%s`' "${s//|/\\|}"; fi
}

ROWS=()
NOTES=()
note() { # note TEXT: add a footnote once
	local n
	for n in "${NOTES[@]}"; do [[ $n == "$1" ]] && return 0; done
	NOTES+=("$1")
}

# timed_run STAT WALLS CPUS KB LABEL PIN TOOL SUFFIX ARGS...: one timed run
# while the variable named STAT is ok. A failure sets STAT; a success appends
# the wall and CPU times to the arrays named WALLS and CPUS and keeps the peak
# memory in KB.
timed_run() {
	local -n tr_stat=$1 tr_walls=$2 tr_cpus=$3 tr_kb=$4
	local tr_label=$5
	shift 5
	[[ $tr_stat == ok ]] || return 0
	run_tool "$@"
	if ((RC != 0)); then
		tr_stat="FAILED (exit $RC)"
		log "   $tr_label failed (exit $RC): $(tail -c 300 "$OUT/stderr.txt")"
		return 0
	fi
	log "   $tr_label: ${SECS}s wall ${CPU}s cpu ${KB}KB"
	tr_walls+=("$SECS")
	tr_cpus+=("$CPU")
	((KB > tr_kb)) && tr_kb=$KB
	return 0
}

# bench_case NAME TRACE_ARGS... -- REF_ARGS...
bench_case() {
	local name=$1
	shift
	local targs=() rargs=() ref=$SYSDIG refname=sysdig seen=0 tool=$TRACE tin='' rin=''
	while (($#)); do
		if ((!seen)) && [[ $1 == -- ]]; then
			seen=1
		elif ((seen)); then
			rargs+=("$1")
		else
			targs+=("$1")
		fi
		shift
	done
	if [[ -n $ONLY && ! $name =~ $ONLY ]]; then
		return 0
	fi
	if ((${#targs[@]})) && [[ ${targs[0]} == @ctrace ]]; then
		# ctrace against csysdig: the same arguments, tied rows compared as sets
		tool=$CTRACE
		targs=("${targs[@]:1}")
	fi
	if ((${#rargs[@]})) && [[ ${rargs[0]} == @csysdig ]]; then
		ref=$CSYSDIG
		refname=csysdig
		rargs=("${rargs[@]:1}")
		note "\`$name\`: ctrace against csysdig 0.29.3 (the columns say trace and sysdig)."
	fi
	if ((${#rargs[@]})) && [[ ${rargs[0]} == @trace ]]; then
		ref=$TRACE
		refname=trace
		rargs=("${rargs[@]:1}")
	fi
	if ((${#targs[@]})) && [[ ${targs[0]} == @gz || ${targs[0]} == @zst ]]; then
		tin=.${targs[0]#@}
		targs=("${targs[@]:1}")
	fi
	if ((${#rargs[@]})) && [[ ${rargs[0]} == @gz || ${rargs[0]} == @zst ]]; then
		rin=.${rargs[0]#@}
		rargs=("${rargs[@]:1}")
	fi
	if [[ -n $BASELINE ]]; then
		# Before/after: the baseline build with trace's own arguments.
		ref=$BASELINE
		if [[ $tool == "$CTRACE" ]]; then
			[[ -n $BASELINE_CTRACE ]] || return 0
			ref=$BASELINE_CTRACE
		fi
		refname=baseline
		rargs=("${targs[@]}")
		rin=$tin
	fi
	if [[ $refname == trace ]]; then
		note "\`$name\`: the reference column is trace itself with $(md "${rargs[*]}")${rin:+ reading the $rin copy}, not sysdig."
	fi
	[[ -n $tin ]] && note "\`$name\`: trace reads the $tin copy of the input (written by trace)."
	log "== [$IN] $name: trace ${tin:+($tin) }${targs[*]}  |  $refname ${rin:+($rin) }${rargs[*]}"

	# Support probe.
	local tstat=ok rstat=ok same=n/a tf rf rb=$SYSDIG
	[[ $refname == trace || $refname == baseline ]] && rb=$TRACE
	rm -f "$OUT"/probe-case.*
	probe "$tool" case.trace "$tin" "${targs[@]}"
	if ((RC != 0)); then
		tstat="unsupported (exit $RC)"
		log "   trace: exit $RC: $(head -c 200 "$OUT/probe-case.trace.err")"
	elif [[ $tool == "$TRACE" ]] && ((${#targs[@]})) && cmp -s "$OUT/probe-case.trace" "$OUT/probe-plain.trace"; then
		tstat="unsupported (ignored)"
		log "   trace: exit 0 but output identical to plain 'trace -r F': options ignored"
	fi
	tf=$(writes_file "${targs[@]}")
	if [[ -n $tf && -f $WORK/$tf ]]; then "$rb" -r "$WORK/$tf" >"$OUT/probe-case.trace.readback" 2>/dev/null || true; fi
	probe "$ref" case.ref "$rin" "${rargs[@]}"
	if ((RC != 0)); then
		rstat="unsupported (exit $RC)"
	elif [[ $refname == trace || $refname == baseline ]] && ((${#rargs[@]})) && [[ $ref != "$CTRACE" && $ref != "$BASELINE_CTRACE" ]] && cmp -s "$OUT/probe-case.ref" "$OUT/probe-plain.trace"; then
		rstat="unsupported (ignored)"
	fi
	rf=$(writes_file "${rargs[@]}")
	if [[ -n $rf && -f $WORK/$rf ]]; then "$rb" -r "$WORK/$rf" >"$OUT/probe-case.ref.readback" 2>/dev/null || true; fi
	if [[ $tstat == ok && $rstat == ok ]]; then
		if [[ $refname == csysdig ]]; then
			if cmp -s <(sort "$OUT/probe-case.trace") <(grep -v 'offline capture\|Mesos object' "$OUT/probe-case.ref" | sort); then same="same (as sets)"; else same=DIFFERS; fi
		elif [[ -n $tf && -n $rf ]]; then
			# Compare what sysdig (or trace, against trace) reads back from both written files.
			if [[ ! -s $OUT/probe-case.trace.readback ]]; then
				same="no readback"
			elif cmp -s "$OUT/probe-case.trace.readback" "$OUT/probe-case.ref.readback"; then
				same="same (read back)"
			else
				same=DIFFERS
			fi
		elif [[ $refname == sysdig || "${targs[*]}" == "${rargs[*]}" ]]; then
			# Against trace, only when both sides ask for the same output.
			if [[ -s $OUT/probe-case.trace || -s $OUT/probe-case.ref ]]; then
				if cmp -s "$OUT/probe-case.trace" "$OUT/probe-case.ref"; then
					same=same
				elif cmp -s <(sort "$OUT/probe-case.trace") <(sort "$OUT/probe-case.ref"); then
					same="same lines, other order" # e.g. tied rows of a top-N chisel
				else
					same=DIFFERS
				fi
			else
				same="same (both empty)"
			fi
		fi
	fi

	# Timed runs, trace and reference alternating; then pinned to one core.
	# shellcheck disable=SC2034 # t1c and r1c are filled through namerefs
	local tw=() tc=() tkb=0 rw=() rc=() rkb=0 t1w=() t1c=() r1w=() r1c=() i
	for ((i = 1; i <= RUNS; i++)); do
		timed_run tstat tw tc tkb "trace  run $i" 0 "$tool" "$tin" "${targs[@]}"
		timed_run rstat rw rc rkb "$refname run $i" 0 "$ref" "$rin" "${rargs[@]}"
	done
	for ((i = 1; i <= ONECORE; i++)); do
		timed_run tstat t1w t1c tkb "trace  1-core run $i" 1 "$tool" "$tin" "${targs[@]}"
		timed_run rstat r1w r1c rkb "$refname 1-core run $i" 1 "$ref" "$rin" "${rargs[@]}"
	done
	rm -rf "${WORK:?}"/*

	local tcol=$tstat rcol=$rstat wr='—' cpu='—' cr='—' rss='—' one='—' oner='—' label=$name
	local twm='' rwm='' tcm='' rcm='' t1m='' r1m=''
	if [[ $tstat == ok ]]; then
		twm=$(median "${tw[@]}") tcm=$(median "${tc[@]}")
		tcol="$(rate "$twm") ($(secs "$twm")s)"
		((ONECORE)) && t1m=$(median "${t1w[@]}")
	fi
	if [[ $rstat == ok ]]; then
		rwm=$(median "${rw[@]}") rcm=$(median "${rc[@]}")
		rcol="$(rate "$rwm") ($(secs "$rwm")s)"
		((ONECORE)) && r1m=$(median "${r1w[@]}")
	fi
	if [[ $tstat == ok && $rstat == ok ]]; then
		wr=$(ratio "$twm" "$rwm")
		cpu="$(secs "$tcm") / $(secs "$rcm")"
		cr=$(ratio "$tcm" "$rcm")
		rss="$(mb "$tkb") / $(mb "$rkb")"
		if ((ONECORE)); then
			one="$(secs "$t1m") / $(secs "$r1m")"
			oner=$(ratio "$t1m" "$r1m")
		fi
	fi
	[[ $refname == trace ]] && label="$name ¹"
	local targ=${tin:+$tin: }${targs[*]}
	[[ -z ${targs[*]} && -n $tin ]] && targ="$tin"
	targ=${targ//"$ROOT"\//} # ../shared, not this machine's path
	ROWS+=("| $label | $(md "$targ") | $tcol | $rcol | $wr | $cpu | $cr | $rss | $one | $oner | $same |")
}

# ---- cases ---------------------------------------------------------------
# bench_case NAME TRACE_ARGS... -- REF_ARGS...   (REF: sysdig, or @trace ARGS;
# @gz/@zst first: read the input's compressed copy)
cases() {
	bench_case "text → /dev/null" --
	bench_case "write scap" -w out.scap -- -w out.scap
	bench_case "write scap.gz" -w out.scap.gz -z -- -w out.scap.gz -z
	bench_case "write scap.zst vs trace .gz" -w out.scap.zst --compress zstd -- @trace -w out.scap.gz -z
	bench_case "read .zst vs trace .gz" @zst proc.name=nano -- @trace @gz proc.name=nano
	bench_case "filter, no match" proc.name=nano -- proc.name=nano
	bench_case "event-type prefilter" evt.type=chroot -- evt.type=chroot
	bench_case "-p format" -p "%evt.time,%user.uid,%proc.name" -- -p "%evt.time,%user.uid,%proc.name"
	bench_case "json" -j -- -j
	bench_case "chisel topprocs_cpu" -c topprocs_cpu -- -c topprocs_cpu
	bench_case "chisel topfiles_bytes" -c topfiles_bytes -- -c topfiles_bytes
	bench_case "chisel topscalls" -c topscalls -- -c topscalls
	bench_case "chisel echo_fds" -c echo_fds -- -c echo_fds
	bench_case "falco rules" --rules "$RULES" -- @trace proc.name=nano
	bench_case "ctrace --raw -v procs" @ctrace --raw -v procs -- @csysdig --raw -v procs
}
# ---------------------------------------------------------------------------

# table NAME EVENTS SOURCE: run every case on one input and print its table.
table() {
	if [[ -n $INPUTS && ! $1 =~ $INPUTS ]]; then
		return 0
	fi
	use_input "$1" "$2" "$3"
	ROWS=()
	cases
	local one=''
	((ONECORE)) && one="; one core: median of $ONECORE runs each under \`taskset -c 0\`"
	echo
	echo "### Input \`$1\`: $NEV events ($(du -m "$F" | cut -f1) MB; .gz $(du -m "$F.gz" | cut -f1) MB, .zst $(du -m "$F.zst" | cut -f1) MB), events of $(basename "$3") repeated"
	echo
	local r=sysdig
	[[ -n $BASELINE ]] && r=baseline
	echo "Median of $RUNS paired runs (trace, then the reference)$one. Ratios are trace÷$r: 0.45 means trace takes 45 % of $r's time (below 1: trace is faster)."
	echo
	echo "| case | trace args | trace events/s (median wall) | $r events/s (median wall) | wall trace÷$r | CPU s trace / $r | CPU trace÷$r | peak RSS MB trace / $r | 1-core wall s trace / $r | 1-core trace÷$r | probe output vs reference |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	printf '%s\n' "${ROWS[@]}"
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[[ -n $BASELINE ]] && echo "Baseline: $BASELINE ($("$BASELINE" --version 2>/dev/null | tail -1))."
echo "trace $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?') vs sysdig $("$SYSDIG" --version 2>/dev/null | awk '{ print $NF }'), $(nproc) CPU${cpu:+ ($cpu)}, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
table libs "$EVENTS" "$SOURCE"
table syscalls "$EVENTS2" "$SOURCE2"
if ((${#NOTES[@]})); then
	echo
	for n in "${NOTES[@]}"; do echo "¹ $n"; done
fi
