#!/usr/bin/env bash
# bench.sh: the speed and memory figures of binnacle against a real Podman
# engine: `binnacle get` wall time, the delay from a container starting to it
# being on screen (target: under 2 s), and the dashboard's resident memory;
# then Amazon ECS against its lab beside the AWS CLI (ecs.sh), then
# Kubernetes at 50,000 pods.
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

# ---- Kubernetes at scale: the lab API server with about 50,000 pods ----
if ! command -v kubectl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "== Kubernetes: skipped (needs python3)"
	exit 0
fi
echo "== Kubernetes: starting the lab with ~50,000 pods (200 nodes, 2500 deployments x 20)"
start_kubelab --port 0 --nodes 200 --namespaces 20 --deployments 2500 --replicas 20 --churn 200 >/dev/null
echo "   pods served: $(kc get pods -A --no-headers --chunk-size=5000 2>/dev/null | wc -l)"

t0=$(ms)
"$BINNACLE" get pods -o json --timeout 120s >"$T/pods.json" || exit 1
echo "   binnacle get pods -o json: $(($(ms) - t0)) ms, $(python3 -c "import json; print(len(json.load(open('$T/pods.json'))))") rows"

# the pods view of the lab, as an operator opens it (no health screen: it has its own figures below)
tui_start 160 50 --log "$T/kube-bench.log" -e lab pods
t0=$(ms)
until screen | grep -Eq ' [0-9]+/[0-9]+ *$' && screen | grep -q 'Running'; do sleep 0.02; done
first=$(($(ms) - t0))
pid=$(pgrep -f -n "$BINNACLE --log $T/kube-bench.log")
until grep -q 'pods?watch=1' "$T/kube-bench.log"; do sleep 0.05; done
full=$(($(ms) - t0))
pages=$(grep -c 'http GET .*/api/v1/pods?limit=500.* ->' "$T/kube-bench.log")
echo "   dashboard: first pod rows on screen after $first ms; all $pages pages listed after $full ms"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | sed 's/^/   /'
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 10
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
echo "   CPU used while following 200 pod changes/s for 10 s: $(( (cpu1 - cpu0) * 10 )) ms ($(( (cpu1 - cpu0) * 10 / 100 ))% of one core)"
grep -E 'VmRSS' "/proc/$pid/status" | sed 's/^/   after churn: /'

echo "== health on the same cluster: what watching it costs per endpoint"
"$BINNACLE" -e lab health --timeout 120s --log "$T/health-cli.log" >/dev/null 2>"$T/health-cli.time" &
hpid=$!
hpeak=0
while kill -0 "$hpid" 2>/dev/null; do
	r=$(awk '/VmHWM/ {print $2}' "/proc/$hpid/status" 2>/dev/null)
	[ -n "$r" ] && [ "$r" -gt "$hpeak" ] && hpeak=$r
	sleep 0.2
done
echo "   binnacle health: $(grep -c '^.* http GET .* -> ' "$T/health-cli.log") requests, peak $hpeak kB (kubectl is not asked: it has no such view)"
echo "   their paths: $(grep -o 'http GET [^ ]*' "$T/health-cli.log" | sed 's/?.*//; s/http GET https:[^/]*//' | sort | uniq -c | sort -rn | head -8 | awk '{printf "%s %s; ", $1, $2}')"
tui_start 160 50 --log "$T/kube-health.log" -e lab
hp=$(pgrep -f -n "$BINNACLE --log $T/kube-health.log")
keys ':health' Enter
wait_until 60 screen_has "Problems: [0-9]+" || echo "   the health screen did not open"
sleep 5
before=$(grep -c ' http GET .* -> ' "$T/kube-health.log")
cpu0=$(awk '{print $14 + $15}' "/proc/$hp/stat")
sleep 60
cpu1=$(awk '{print $14 + $15}' "/proc/$hp/stat")
after=$(grep -c ' http GET .* -> ' "$T/kube-health.log")
echo "   health screen open for 60 s while 200 pods change per second: $((after - before)) requests," \
	"$(( (cpu1 - cpu0) * 10 / 60 ))% of one core, $(awk '/VmRSS/ {print $2}' "/proc/$hp/status") kB resident"
keys q

long=${BENCH_SOAK_SECONDS:-300}
echo "== dashboard memory while following 200 pod changes/s for ${long} s (a leak shows as growth)"
start_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
for ((i = 1; i <= long / 60; i++)); do
	sleep 60
	echo "   after ${i} min: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB (start: $start_rss kB)"
done
grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | sed 's/^/   end: /'
