#!/usr/bin/env bash
# soak-docker.sh: the dashboard follows a Podman engine while containers are
# created, started and removed in a loop for minutes, with the churning rows on
# screen (filtered, sorted, paged), and must neither die nor, in the sanitiser
# build, report anything. BINNACLE_SOAK_SECONDS sets the length (default 90).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
soak=${BINNACLE_SOAK_SECONDS:-90}
start_podman start


tui_start 120 30 --log "$T/binnacle.log" --refresh 500ms containers
check "the dashboard opens on containers" wait_until 15 screen_has "Containers"
keys '/' 'soak' Enter

alive() { screen_lacks "BINNACLE-EXITED"; }
end=$((SECONDS + soak))
round=0
while [ $SECONDS -lt $end ] && alive; do
	round=$((round + 1))
	for i in 1 2 3 4; do
		lab_podman run -d --name "soak-$round-$i" localhost/busybox:lab sleep 600 >/dev/null
	done
	keys '>' G
	lab_podman rm -f -t 0 "soak-$round-1" "soak-$round-2" >/dev/null
	keys '<' g PageDown
	lab_podman rm -f -t 0 "soak-$round-3" "soak-$round-4" >/dev/null
	keys Escape '/' 'soak' Enter
done

check "the dashboard is still running after ${soak}s of container churn ($round rounds)" alive
check "the last removals reached the screen" wait_until 15 screen_lacks "soak-$round-"
keys q
check "it quits cleanly" wait_until 10 screen_has "BINNACLE-EXITED-0"
# a sanitiser report (in the sanitiser build) fails the test through tests/lib.sh
finish
