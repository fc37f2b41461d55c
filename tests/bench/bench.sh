#!/usr/bin/env bash
# bench.sh: the speed and memory figures of binnacle against a real Podman
# engine: `binnacle get` wall time, the delay from a container starting to it
# being on screen (target: under 2 s), and the dashboard's resident memory.
# Figures are printed, never asserted: tests do not time things.
BINNACLE=${1:-./binnacle}
BINNACLE=$(cd "$(dirname "$BINNACLE")" && pwd)/$(basename "$BINNACLE")
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir BINNACLE
. "$top_srcdir/tests/lib.sh"
start_podman demo

ms() { date +%s%3N; }

echo "== binnacle get containers (10 runs)"
times=()
for _ in $(seq 10); do
	t0=$(ms)
	"$BINNACLE" get containers >/dev/null || exit 1
	times+=($(($(ms) - t0)))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "   min %d ms, median %d ms, max %d ms\n", a[1], a[int((NR+1)/2)], a[NR]}'

echo "== container started elsewhere -> on screen (5 runs; target < 2000 ms)"
tui_start 120 40 --log "$T/bench.log"
wait_until 15 screen_has "worker" || { echo "dashboard did not start"; exit 1; }
pid=$(pgrep -f -n "$BINNACLE --log $T/bench.log")
lat=()
for i in $(seq 5); do
	lab_podman create --name "bench-$i" localhost/busybox:lab sleep 600 >/dev/null
	t0=$(ms)
	lab_podman start "bench-$i" >/dev/null
	until screen | grep -q "bench-$i .*running"; do sleep 0.02; done
	lat+=($(($(ms) - t0)))
done
printf '%s\n' "${lat[@]}" | sort -n | awk '{a[NR]=$1} END {printf "   min %d ms, median %d ms, max %d ms (includes podman start itself)\n", a[1], a[int((NR+1)/2)], a[NR]}'

echo "== dashboard memory with $(lab_podman ps -a -q | wc -l) containers"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | sed 's/^/   /'
echo "== requests made by the dashboard in that run"
echo "   full container lists: $(grep -c 'http GET .*/containers/json?all=1 ->' "$T/bench.log")," \
	"single-container fetches: $(grep -c 'containers/json?all=1&filters=.* ->' "$T/bench.log")"
