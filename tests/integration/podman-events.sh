#!/usr/bin/env bash
# podman-events.sh: containers started, stopped and removed by someone else
# show up on the live screen through the /events stream, without binnacle
# listing all containers again (its request log proves it).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start

tui_start 120 30 --log "$T/binnacle.log"
check "the dashboard opens on containers" wait_until 15 screen_has "Containers"

lab_podman run -d --name evt-one localhost/busybox:lab sleep 600 >/dev/null
check "a container started elsewhere appears" wait_until 10 screen_has "evt-one"
check "as running" wait_until 10 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep 'evt-one' | grep -q running"

lab_podman stop -t 0 evt-one >/dev/null
check "a container stopped elsewhere shows as exited" \
	wait_until 10 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep 'evt-one' | grep -q exited"

lab_podman rm evt-one >/dev/null
check "a container removed elsewhere disappears" wait_until 10 screen_lacks "evt-one"

full_lists=$(grep -c 'http GET .*/containers/json?all=1 ->' "$T/binnacle.log")
check "the full container list was fetched once, not polled" [ "$full_lists" -eq 1 ]
check "changes were fetched one container at a time" grep -q 'containers/json?all=1&filters=' "$T/binnacle.log"

finish
