#!/usr/bin/env bash
# Live capture cost, as a user runs trace: a syscall loop (capture/loadgen)
# untraced, then under `trace -w`, `trace -w -z` and `trace` printing to
# /dev/null. Needs root and kernel BTF.
#
#   sudo bash bench/live.sh
#
# Environment: LIVE_CALLS (default 5000000), LIVE_MODE (getppid or read).
# With LIVE_CONTAINERS=N it measures instead the cost with N running
# containers in a private containerd against none, in alternating rounds
# (Go benchmark BenchmarkLiveContainers; LIVE_CONTAINERS_BUSY=1 makes the
# containers fork twice a second, LIVE_NO_CRI=1 leaves the runtime unasked).
# The hooks-only case (probes attached, nothing sent) needs the capture
# package directly: go test ./capture -run XXX -bench SyscallLoop -benchtime 1x
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench/out/live
CALLS=${LIVE_CALLS:-5000000}
MODE=${LIVE_MODE:-getppid}
mkdir -p "$OUT"
[[ $(id -u) == 0 ]] || { echo "live.sh: needs root" >&2; exit 1; }
if [[ -n ${LIVE_CONTAINERS:-} ]]; then
	cd "$ROOT" && exec go test ./cmd/trace -run XXX -bench LiveContainers -benchtime 1x -v
fi
(cd "$ROOT" && go build -o "$OUT/trace" ./cmd/trace && go build -o "$OUT/loadgen" ./capture/loadgen)

loop() { "$OUT/loadgen" -n "$CALLS" -mode "$MODE" | sed -n 's/.*ns_per_call=\([0-9.]*\).*/\1/p'; }

echo "| case | ns/syscall | events | dropped | events/s during the loop |"
echo "|---|---:|---:|---:|---:|"
ns=$(loop)
echo "| untraced | $ns | — | — | — |"
run() { # run NAME TRACE_ARGS...
	local name=$1
	shift
	rm -f "$OUT"/out.scap*
	(cd "$OUT" && exec "$OUT/trace" "$@" >/dev/null 2>"$OUT/stderr.txt") &
	local pid=$!
	sleep 3 # probes attached, /proc scanned
	local ns
	ns=$(loop)
	kill -INT "$pid"
	wait "$pid" || true
	local line evs drops
	line=$(grep -E '^[0-9]+ events, [0-9]+ dropped' "$OUT/stderr.txt" | tail -1)
	evs=${line%% events*}
	drops=$(sed -E 's/.* ([0-9]+) dropped.*/\1/' <<<"$line")
	local rate
	rate=$(awk -v e="$evs" -v n="$CALLS" -v ns="$ns" 'BEGIN { printf "%.2fM", e / (n * ns / 1e9) / 1e6 }')
	echo "| $name | $ns | $evs | $drops | ≤ $rate |"
}
run "trace -w out.scap" -w out.scap
run "trace -w out.scap.gz -z" -w out.scap.gz -z
run "trace > /dev/null" 
echo
echo "$CALLS $MODE calls, $(nproc) CPUs; events include everything else the machine did during the run."
