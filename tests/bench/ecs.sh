#!/usr/bin/env bash
# ecs.sh: the ECS figures of `make bench`, against the ECS lab at the size
# of the issue (50 clusters, 2,000 services, 20,000 tasks): the time
# binnacle takes to list every service and every task (described in AWS's
# batches), beside the AWS CLI listing the same (list, then describe in the
# same batches) in the same run, as ratios; binnacle's memory; and the
# request rate of a dashboard watching one cluster's services for a
# minute. Figures are printed, never asserted.
BINNACLE=${1:-./binnacle}
BINNACLE=$(cd "$(dirname "$BINNACLE")" && pwd)/$(basename "$BINNACLE")
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
export top_srcdir BINNACLE
. "$top_srcdir/tests/lib.sh"
require_cmd aws jq
CLUSTERS=${BENCH_ECS_CLUSTERS:-50} SERVICES=${BENCH_ECS_SERVICES:-2000} TASKS=${BENCH_ECS_TASKS:-20000}
echo "== ECS: the lab with $CLUSTERS clusters, $SERVICES services, $TASKS tasks"
t0=$(date +%s%3N)
start_ecslab --clusters "$CLUSTERS" --services "$SERVICES" --tasks "$TASKS" --no-short-pages
echo "   lab ready in $(($(date +%s%3N) - t0)) ms"
ms() { date +%s%3N; }
cli() { aws --endpoint-url "$AWS_ENDPOINT_URL" --output json "$@"; }

# the AWS CLI: list each cluster's services (it pages by itself), describe them 10 at a time
cli_services() {
	local n=0 c arns
	for c in $(cli ecs list-clusters --query 'clusterArns[]' --output text); do
		arns=($(cli ecs list-services --cluster "$c" --query 'serviceArns[]' --output text))
		for ((i = 0; i < ${#arns[@]}; i += 10)); do
			n=$((n + $(cli ecs describe-services --cluster "$c" --services "${arns[@]:i:10}" --query 'length(services)')))
		done
	done
	echo "$n"
}
# and each cluster's tasks, running and stopped, described 100 at a time
cli_tasks() {
	local n=0 c arns
	for c in $(cli ecs list-clusters --query 'clusterArns[]' --output text); do
		arns=($(cli ecs list-tasks --cluster "$c" --query 'taskArns[]' --output text)
			$(cli ecs list-tasks --cluster "$c" --desired-status STOPPED --query 'taskArns[]' --output text))
		for ((i = 0; i < ${#arns[@]}; i += 100)); do
			n=$((n + $(cli ecs describe-tasks --cluster "$c" --tasks "${arns[@]:i:100}" --query 'length(tasks)')))
		done
	done
	echo "$n"
}

cat >"$T/fast.yaml" <<EOF
endpoints:
  - name: lab
    type: ecs
    max_rate: "1000"
    eks: false
EOF
measure() { # measure LABEL KIND [binnacle options]: time, rows, peak memory of binnacle get
	local label=$1 kind=$2
	shift 2
	local t0 rows
	t0=$(ms)
	rows=$(/usr/bin/time -f '%M' -o "$T/mem" "$BINNACLE" "$@" get "$kind" -o json --timeout 900s | jq length)
	echo "$(($(ms) - t0)) $rows $(cat "$T/mem")"
}
for kind in services tasks; do
	echo "== every $kind of every cluster"
	read -r paced rows mem < <(measure paced "ecs-$kind")
	echo "   binnacle get ecs-$kind (paced to 10 requests/s): $paced ms, $rows rows, peak memory $((mem / 1024)) MiB"
	read -r fast frows fmem < <(measure fast "ecs-$kind" -c "$T/fast.yaml")
	echo "   binnacle get ecs-$kind (max_rate 1000): $fast ms, $frows rows, peak memory $((fmem / 1024)) MiB"
	t0=$(ms)
	n=$("cli_$kind")
	cli_ms=$(($(ms) - t0))
	echo "   AWS CLI, list then describe in batches: $cli_ms ms, $n $kind"
	awk -v c="$cli_ms" -v p="$paced" -v f="$fast" 'BEGIN {printf "   ratio: binnacle paced %.1fx, unpaced %.1fx faster than the CLI\n", c / p, c / f}'
done

echo "== a dashboard on one cluster's services for 60 s: the requests it makes"
tui_start 160 45 --log "$T/dash.log"
wait_until 30 screen_has "^lab-04 " || { echo "   dashboard did not start"; exit 1; }
tui_select lab-04
keys Enter
wait_until 30 screen_has "app-" || { echo "   services did not show"; exit 1; }
before=$(grep -c ' ecs ' "$ECS_DIR/requests.log")
sleep 60
after=$(grep -c ' ecs ' "$ECS_DIR/requests.log")
echo "   $((after - before)) ECS requests in 60 s ($(awk -v n=$((after - before)) 'BEGIN {printf "%.1f", n / 60}')/s; ECS refills 20/s)"
grep -E 'requests in the last' "$T/dash.log" | tail -2 | sed 's/^/   log: /'
pid=$(pgrep -f -n "$BINNACLE --log $T/dash.log")
grep -E 'VmRSS|VmHWM' "/proc/$pid/status" | sed 's/^/   /'
keys q
