#!/usr/bin/env bash
# soak-kube.sh: the dashboard follows a churning lab cluster for minutes
# (pods added, changed and deleted; watches expired into a relist; namespace
# switches, filters and sorts while it runs) and must neither die nor, in the
# sanitiser build, report anything. Rows that leave the store while the screen
# still shows them are what this shakes out, so the filter keeps the churning
# rows on screen and the table is big enough for rebuilds to be throttled.
# BINNACLE_SOAK_SECONDS sets the length (default 150).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
soak=${BINNACLE_SOAK_SECONDS:-150}
start_kubelab --port 0 --nodes 20 --namespaces 5 --deployments 300 --replicas 20 --churn 150 \
	--start-delay 0.2 --delete-delay 0.3


tui_start 120 40 -A --log "$T/binnacle.log" pods
check "the dashboard opens on the churning pods" wait_until 30 screen_has "Running"

alive() { screen_lacks "BINNACLE-EXITED"; }
# step KEYS...: one user action, then a moment for the churn to act on it
step() {
	keys "$@"
	sleep 1
	alive
}

end=$((SECONDS + soak))
round=0
expired=0
while [ $SECONDS -lt $end ] && alive; do
	round=$((round + 1))
	# rows that churn, on screen: a filter matching many replicas of a few deployments
	step '/' 'web|cart' Enter
	step G
	step '>'
	step g
	step Escape
	step ':ns shop' Enter
	step '/' 'Term|Pend|Creat' Enter
	step Escape
	step ':ns all' Enter
	step '<'
	step PageDown
	if [ $((round % 3)) -eq 0 ]; then
		sh "$LAB/kube/kubelab.sh" expire "$KUBE_DIR" && expired=$((expired + 1))
		sleep 2
	fi
done

check "the dashboard is still running after ${soak}s of churn ($round rounds)" alive
check "watches expired by the server were listed again" \
	bash -c "[ $expired -eq 0 ] || grep -q 'watch error 410' '$T/binnacle.log'"
keys q
check "it quits cleanly" wait_until 10 screen_has "BINNACLE-EXITED-0"
# a sanitiser report (in the sanitiser build) fails the test through tests/lib.sh
finish
