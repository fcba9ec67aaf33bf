#!/usr/bin/env bash
# Benchmark trace against sysdig 0.29.3 on one large capture.
#
#   bash bench/run.sh
#
# Environment:
#   BENCH_EVENTS  events in the generated capture (default 3000000)
#   BENCH_RUNS    runs per command; the best (minimum) wall time is kept (default 3)
#   BENCH_CASES   only run cases whose name matches this extended regex
#   BENCH_SOURCE  capture whose events are repeated (default libs_sample.scap)
#   SYSDIG        sysdig binary (default /usr/bin/sysdig)
#
# Everything is built and written under bench/out/ (gitignored). The capture
# is reused when it already exists. The Markdown table goes to stdout,
# progress to stderr.
#
# Cases are declared at the bottom with
#   bench_case NAME TRACE_ARGS... -- REF_ARGS...
# (bash does not allow a function named "case"). REF_ARGS run with sysdig;
# if the first of them is @trace, the reference is trace itself with the
# remaining arguments. Every command gets "-r CAPTURE" first, runs in the
# scratch directory bench/out/work (so "-w out.scap" lands there), and has
# stdout sent to /dev/null and stderr to a log (sysdig's -w progress is
# discarded). Before timing, each case is tried on a small probe capture: if
# trace exits non-zero, or prints exactly what it prints without the case's
# arguments (the options are silently ignored), the case is reported as
# unsupported instead of being timed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/out
WORK=$OUT/work
EVENTS=${BENCH_EVENTS:-3000000}
RUNS=${BENCH_RUNS:-3}
ONLY=${BENCH_CASES:-}
SOURCE=${BENCH_SOURCE:-/work/shared/scaps/libs_sample.scap}
SYSDIG=${SYSDIG:-/usr/bin/sysdig}
TIME=/usr/bin/time
PROBE_EVENTS=5000

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

[[ -x $SYSDIG ]] || die "$SYSDIG not found"
[[ -x $TIME ]] || die "$TIME not found (apt-get install time)"
[[ $EVENTS =~ ^[0-9]+$ && $EVENTS -gt 0 ]] || die "bad BENCH_EVENTS=$EVENTS"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -gt 0 ]] || die "bad BENCH_RUNS=$RUNS"

mkdir -p "$OUT" "$WORK"
TRACE=$OUT/trace
log "building trace and mkcapture into $OUT"
CTRACE=$OUT/ctrace
CSYSDIG=${CSYSDIG:-/usr/bin/csysdig}
(cd "$ROOT" && go build -o "$TRACE" ./cmd/trace && CGO_ENABLED=0 go build -o "$CTRACE" ./cmd/ctrace && go build -o "$OUT/mkcapture" ./bench/mkcapture)

capture() { # capture FILE N: generate FILE with N events unless it exists
	if [[ -s $1 && -s $1.count && $(<"$1.count") == "$2" ]]; then
		log "reusing $1 ($2 events)"
	else
		log "generating $1 ($2 events from $SOURCE)"
		"$OUT/mkcapture" -in "$SOURCE" -out "$1" -events "$2"
	fi
}
F=$OUT/capture-$EVENTS.scap
PROBE=$OUT/probe-$PROBE_EVENTS.scap
capture "$F" "$EVENTS"
capture "$PROBE" "$PROBE_EVENTS"
NEV=$(<"$F.count")

# Sanity check: trace -D prints one line per event, internal ones included.
lines=$(cd "$WORK" && "$TRACE" -r "$F" -D | wc -l) || true
if [[ $lines != "$NEV" ]]; then
	log "WARNING: trace -r F -D printed $lines lines, the capture has $NEV events"
fi

# Baseline outputs on the probe capture, for spotting ignored options.
"$TRACE" -r "$PROBE" >"$OUT/probe-plain.trace" 2>/dev/null || true
"$SYSDIG" -r "$PROBE" >"$OUT/probe-plain.sysdig" 2>/dev/null || true

# run_tool TOOL ARGS...: run once in $WORK; sets RC, SECS, KB.
run_tool() {
	local tool=$1
	shift
	rm -rf "${WORK:?}"/*
	local t0 t1
	t0=$EPOCHREALTIME
	set +e
	(cd "$WORK" && "$TIME" -f '%e %M' -o "$OUT/time.txt" "$tool" -r "$F" "$@" >/dev/null 2>"$OUT/stderr.txt")
	RC=$?
	set -e
	t1=$EPOCHREALTIME
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
	KB=$(awk 'END { print $2 }' "$OUT/time.txt" 2>/dev/null)
	KB=${KB:-0}
}

# probe TOOL ARGS...: run on the probe capture; prints the stdout file, sets RC.
probe() {
	local tool=$1 name=$2
	shift 2
	rm -rf "${WORK:?}"/*
	set +e
	(cd "$WORK" && "$tool" -r "$PROBE" "$@" >"$OUT/probe-$name" 2>"$OUT/probe-$name.err")
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

rate() { awk -v n="$NEV" -v s="$1" 'BEGIN { r = n / s; if (r >= 1e6) printf "%.2fM", r / 1e6; else printf "%.0fk", r / 1e3 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
md() {
	local s="$*"
	if [[ -z $s ]]; then printf '(none)'; else printf '`%s`' "${s//|/\\|}"; fi
}

ROWS=()
NOTES=()

# bench_case NAME TRACE_ARGS... -- REF_ARGS...
# timed_run STAT BEST KB NAME RUNLABEL TOOL ARGS...: one timed run of TOOL
# while the variable named STAT is ok. A failure sets STAT; a success keeps
# the best time in BEST and the peak memory in KB (variable names).
timed_run() {
	local -n tr_stat=$1 tr_best=$2 tr_kb=$3
	local tr_name=$4 tr_label=$5
	shift 5
	[[ $tr_stat == ok ]] || return 0
	run_tool "$@"
	if ((RC != 0)); then
		tr_stat="FAILED (exit $RC)"
		log "   $tr_name failed (exit $RC): $(tail -c 300 "$OUT/stderr.txt")"
		return 0
	fi
	log "   $tr_label: ${SECS}s ${KB}KB"
	if [[ -z $tr_best ]] || awk -v a="$SECS" -v b="$tr_best" 'BEGIN { exit !(a < b) }'; then tr_best=$SECS; fi
	((KB > tr_kb)) && tr_kb=$KB
	return 0
}

# tool_cols STAT BEST KB COL RSS: sets the variables named COL (rate and
# time, or STAT when not ok) and RSS (MB, left as is when not ok).
tool_cols() {
	local -n tc_col=$4 tc_rss=$5
	if [[ $1 == ok ]]; then
		tc_col="$(rate "$2") ($(printf '%.2f' "$2")s)"
		tc_rss=$(mb "$3")
	else
		tc_col=$1
	fi
}

bench_case() {
	local name=$1
	shift
	local targs=() rargs=() ref=$SYSDIG refname=sysdig seen=0 tool=$TRACE
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
		NOTES+=("\`$name\`: ctrace against csysdig 0.29.3 (the columns say trace and sysdig).")
	fi
	if ((${#rargs[@]})) && [[ ${rargs[0]} == @trace ]]; then
		ref=$TRACE
		refname=trace
		rargs=("${rargs[@]:1}")
		NOTES+=("\`$name\`: the reference column is trace itself with $(md "${rargs[*]}"), not sysdig.")
	fi
	log "== $name: trace ${targs[*]}  |  $refname ${rargs[*]}"

	# Support probe.
	local tstat=ok rstat=ok same=n/a tf rf
	probe "$tool" case.trace "${targs[@]}"
	if ((RC != 0)); then
		tstat="unsupported (exit $RC)"
		log "   trace: exit $RC: $(head -c 200 "$OUT/probe-case.trace.err")"
	elif [[ $tool == "$TRACE" ]] && ((${#targs[@]})) && cmp -s "$OUT/probe-case.trace" "$OUT/probe-plain.trace"; then
		tstat="unsupported (ignored)"
		log "   trace: exit 0 but output identical to plain 'trace -r F': options ignored"
	fi
	tf=$(writes_file "${targs[@]}")
	[[ -n $tf && -f $WORK/$tf ]] && "$SYSDIG" -r "$WORK/$tf" >"$OUT/probe-case.trace.readback" 2>/dev/null || true
	probe "$ref" case.ref "${rargs[@]}"
	if ((RC != 0)); then
		rstat="unsupported (exit $RC)"
	elif [[ $refname == trace ]] && ((${#rargs[@]})) && cmp -s "$OUT/probe-case.ref" "$OUT/probe-plain.trace"; then
		rstat="unsupported (ignored)"
	fi
	rf=$(writes_file "${rargs[@]}")
	[[ -n $rf && -f $WORK/$rf ]] && "$SYSDIG" -r "$WORK/$rf" >"$OUT/probe-case.ref.readback" 2>/dev/null || true
	if [[ $tstat == ok && $rstat == ok && $refname == csysdig ]]; then
		if cmp -s <(sort "$OUT/probe-case.trace") <(grep -v 'offline capture\|Mesos object' "$OUT/probe-case.ref" | sort); then same="same (as sets)"; else same=DIFFERS; fi
	fi
	if [[ $tstat == ok && $rstat == ok && $refname == sysdig ]]; then
		if [[ -n $tf && -n $rf ]]; then
			# Compare what sysdig reads back from both written files.
			if cmp -s "$OUT/probe-case.trace.readback" "$OUT/probe-case.ref.readback"; then same="same (read back)"; else same=DIFFERS; fi
		elif [[ -s $OUT/probe-case.trace || -s $OUT/probe-case.ref ]]; then
			if cmp -s "$OUT/probe-case.trace" "$OUT/probe-case.ref"; then same=same; else same=DIFFERS; fi
		fi
	fi

	# Timed runs, trace and reference alternating.
	local tbest='' tkb=0 rbest='' rkb=0 i
	for ((i = 1; i <= RUNS; i++)); do
		timed_run tstat tbest tkb trace "trace  run $i" "$tool" "${targs[@]}"
		timed_run rstat rbest rkb "$refname" "$refname run $i" "$ref" "${rargs[@]}"
	done
	rm -rf "${WORK:?}"/*

	local tcol rcol ratio='—' trss='—' rrss='—' label=$name
	tool_cols "$tstat" "$tbest" "$tkb" tcol trss
	tool_cols "$rstat" "$rbest" "$rkb" rcol rrss
	if [[ $tstat == ok && $rstat == ok ]]; then
		ratio=$(awk -v t="$tbest" -v r="$rbest" 'BEGIN { printf "%.2f×", r / t }')
	fi
	[[ $refname == trace ]] && label="$name ¹"
	ROWS+=("| $label | $(md "${targs[*]}") | $tcol | $rcol | $ratio | $trss | $rrss | $same |")
}

# ---- cases ---------------------------------------------------------------
# bench_case NAME TRACE_ARGS... -- REF_ARGS...   (REF: sysdig, or @trace ARGS)
bench_case "text → /dev/null" --
bench_case "write scap" -w out.scap -- -w out.scap
bench_case "write scap.gz" -w out.scap.gz -z -- -w out.scap.gz -z
bench_case "filter, no match" proc.name=nano -- proc.name=nano
bench_case "-p format" -p "%evt.time,%user.uid,%proc.name" -- -p "%evt.time,%user.uid,%proc.name"
bench_case "json" -j -- -j
bench_case "chisel topprocs_cpu" -c topprocs_cpu -- -c topprocs_cpu
bench_case "chisel topfiles_bytes" -c topfiles_bytes -- -c topfiles_bytes
bench_case "chisel topscalls" -c topscalls -- -c topscalls
bench_case "chisel echo_fds" -c echo_fds -- -c echo_fds
bench_case "falco rules" --rules /work/shared/rules/falco_rules.yaml -- @trace proc.name=nano
bench_case "ctrace --raw -v procs" @ctrace --raw -v procs -- @csysdig --raw -v procs
# ---------------------------------------------------------------------------

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "$NEV events ($(du -m "$F" | cut -f1) MB, events of $(basename "$SOURCE") repeated), best of $RUNS runs;"
echo "trace $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo '?') vs sysdig $("$SYSDIG" --version 2>/dev/null | awk '{ print $NF }'), $(nproc) CPU ${cpu:+($cpu)}."
echo
echo "| case | trace args | trace events/s | sysdig events/s | trace/sysdig | trace RSS MB | sysdig RSS MB | probe output vs sysdig |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
if ((${#NOTES[@]})); then
	echo
	for n in "${NOTES[@]}"; do echo "¹ $n"; done
fi
