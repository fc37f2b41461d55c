#!/usr/bin/env bash
# bench.sh: the speed and memory figures of binnacle against a real Podman
# engine: `binnacle get` wall time, the delay from a container starting to it
# being on screen (target: under 2 s), and the dashboard's resident memory;
# then Amazon ECS against its lab beside the AWS CLI (ecs.sh), then
# Kubernetes at 50,000 pods beside kubectl (kube-bench.sh).
# Figures are printed, never asserted: tests do not time things.
BINNACLE=${1:-./binnacle}
BINNACLE=$(cd "$(dirname "$BINNACLE")" && pwd)/$(basename "$BINNACLE")
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir BINNACLE
if ! command -v podman >/dev/null 2>&1; then
	echo "== Podman: skipped (podman is not installed)"
	exec bash "$top_srcdir/tests/bench/kube-bench.sh" "$BINNACLE"
fi
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

echo "== log viewer on a container writing as fast as it can (10 s)"
lab_podman run -d --name flood localhost/busybox:lab sh -c 'i=0; while :; do echo "flood line $i with some padding to look like a real log line"; i=$((i+1)); done' >/dev/null
keys Escape '/' '^flood$' Enter
wait_until 15 screen_has "^flood " || { echo "   flood container not on screen"; exit 1; }
keys l
wait_until 10 screen_has FOLLOW || { echo "   the log viewer did not open"; exit 1; }
sleep 1
fcpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
# the container's own counter, as the following viewer shows it (asking podman
# for the last line of a log of millions of lines takes minutes)
counter() { screen | grep -o 'flood line [0-9]*' | tail -1 | awk '{print $3}'; }
fl0=$(counter)
sleep 10
fcpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
fl1=$(counter)
t0=$(ms)
keys t
wait_until 10 screen_has TIMESTAMPS
echo "   the container wrote $(( (fl1 - fl0) / 10 )) lines/s; binnacle used $(( (fcpu1 - fcpu0) * 10 / 100 ))% of one core"
echo "   a key during the flood took effect on screen after $(($(ms) - t0)) ms"
grep -E 'VmRSS' "/proc/$pid/status" | sed 's/^/   memory with the ring full (10000 lines): /'
lab_podman rm -f flood >/dev/null
keys Escape

# A leak shows as memory that grows while the same number of objects churns.
churn_secs=${BENCH_CHURN_SECONDS:-120}
echo "== dashboard memory over ${churn_secs} s of containers created and removed"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
keys '/' 'churn' Enter
echo "   start: $(rss)"
end=$((SECONDS + churn_secs))
n=0
while [ $SECONDS -lt $end ]; do
	n=$((n + 1))
	lab_podman run -d --name "churn-$n" localhost/busybox:lab sleep 600 >/dev/null
	[ $n -gt 3 ] && lab_podman rm -f -t 0 "churn-$((n - 3))" >/dev/null
done
sleep 5
echo "   end, after $n containers came and went: $(rss)"
keys Escape

# ---- Amazon ECS at the issue's size, beside the AWS CLI (tests/bench/ecs.sh) ----
bash "$top_srcdir/tests/bench/ecs.sh" "$BINNACLE" || echo "== ECS: skipped or failed (exit $?)"

# ---- Kubernetes at scale, beside kubectl (tests/bench/kube-bench.sh) ----
tmx kill-server 2>/dev/null
bash "$top_srcdir/tests/bench/kube-bench.sh" "$BINNACLE"
