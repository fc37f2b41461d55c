#!/usr/bin/env bash
# docker-faults.sh: the engine behind the fault proxy (a real Podman
# service): absent when binnacle starts, restarted under it, its /events
# stream cut, its /events stream silent while the engine still answers, a
# 5xx on a list (after an image event), a list too large, a list that hangs. The screen says so, keeps its rows and
# keys, asks again with backoff, and catches up by itself. Liveness times
# are shortened (BINNACLE_TEST_LIVENESS: quiet 4 s, probe 6 s, a list
# unanswered 5 s instead of 15).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name steady localhost/busybox:lab sleep 600 >/dev/null
start_fault_docker
export BINNACLE_TEST_LIVENESS=4000,6000,12000,5000
header_has() { tmx capture-pane -p | head -1 | grep -Eq -- "$1"; }
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
live() { ! header_has STALE && ! crumbs_have STALE && screen_has steady; }
state_of() { tmx capture-pane -p | grep -E "^$1 " | grep -Eq -- "$2"; }

# ---- absent at start ----
fault '{"down": true}'
TUI_ENV="BINNACLE_TEST_LIVENESS=$BINNACLE_TEST_LIVENESS" tui_start 200 30 --log "$T/binnacle.log"
check "absent at start: says it cannot connect" wait_until 15 screen_has "cannot connect to unix://$T/fault.sock"
sleep 8
tries=$(grep -c 'http GET http://docker/_ping$' "$T/binnacle.log")
check "absent at start: pinged with backoff (at most 6 in 8 s, made $tries)" [ "$tries" -le 6 ]
fault '{}'
keys C-r
check "absent at start: ctrl-r connects at once" wait_until 10 live

# ---- restarted ----
fault '{"down": true}'
check "restart: STALE with the reason" wait_until 15 header_has "STALE"
check "restart: rows kept" screen_has steady
lab_podman run -d --name during localhost/busybox:lab sleep 600 >/dev/null
fault '{}'
check "restart: back by itself" wait_until 40 live
check "restart: what happened meanwhile is listed" wait_until 15 screen_has during

# ---- the event stream cut ----
mark=$(fault_mark)
fault '{"reset": 1, "rules":[{"match":"GET /v[0-9.]*/events","action":"truncate","bytes":0,"times":1}]}'
check "events cut: noticed" wait_until 15 grep -q "closed its event stream\|closed the connection" "$T/binnacle.log"
check "events cut: live again" wait_until 30 live
lab_podman run -d --name after-cut localhost/busybox:lab sleep 600 >/dev/null
check "events cut: events flow again" wait_until 15 screen_has after-cut
echo "# requests around the cut: $(fault_count_since "$mark" '.')"

# ---- the event stream silent, the engine answering ----
fault '{"reset": 2, "rules":[{"match":"GET /v[0-9.]*/events[?]filters","action":"silent","bytes":0}]}'
check "events silent: the new stream is open" wait_until 20 bash -c "[ \$(sh '$FAULT_LAB' count '$FAULT_DIR' 'events[?]filters.* silent') -ge 1 ]"
check "events silent: rows on screen, live" wait_until 20 live
# what happens in the stream's first second is covered by the lists that follow it, not checked
sleep 2
lab_podman stop -t 0 during >/dev/null
check "events silent: the check finds the event the stream did not carry" \
	wait_until 30 grep -q "event stream stopped delivering events" "$T/binnacle.log"
check "events silent: and the stopped container shows as exited (listed again)" wait_until 30 state_of during "exited"
# the silent stream stays silent until it is cut: binnacle opens a new one
mark=$(fault_mark)
fault '{"reset": 3}'
check "events silent: a working stream again once the silent one is cut" \
	wait_until 30 bash -c "[ \$(tail -n +\$(($mark + 1)) '$FAULT_DIR/requests.log' | grep -c 'events[?]filters.* pass') -ge 1 ]"
check "events silent: live once the stream works" wait_until 40 live

# ---- a list that fails, a list too large ----
fault '{"rules":[{"match":"GET /v[0-9.]*/images/json","action":"status","status":500,"body":"{\"message\":\"layer store is locked\"}"}]}'
keys ':img' Enter
check "5xx: the images view shows the images first" wait_until 20 screen_has "busybox"
# the images are listed from the start (the header counts them): an image
# event makes binnacle list them again, into the fault
lab_podman tag localhost/busybox:lab localhost/busybox:retagged >/dev/null
check "5xx: the images view says why" wait_until 20 screen_has "layer store is locked"
check "5xx: its rows stay" screen_has "busybox"
check "5xx: the engine is not called dead for it" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q 'layer store'"
fault '{"rules":[{"match":"GET /v[0-9.]*/images/json","action":"huge","bytes":200000000,"times":1}]}'
keys C-r
check "too large: one sentence" wait_until 20 screen_has "sent a response larger than"
fault '{}'
keys C-r
check "too large: ctrl-r lists again" wait_until 20 screen_has "busybox"

# ---- a list that hangs, the engine answering everything else ----
fault '{"rules":[{"match":"GET /v[0-9.]*/images/json","action":"hang"}]}'
# an image event makes binnacle list the images again, into the hang
lab_podman tag localhost/busybox:lab localhost/busybox:hung >/dev/null
check "hang: the images view says the list has not answered" \
	wait_until 20 screen_has "the engine has not answered the list of images for 5 s"
check "hang: its rows stay" screen_has "busybox"
check "hang: and are shown stale" wait_until 5 screen_has "STALE"
check "hang: the engine is not called dead for it" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q 'STALE'"
fault '{}'
keys C-r
check "hang: ctrl-r lists again, live" wait_until 20 screen_lacks "has not answered the list"
check "hang: the hung list does not come back over the answer" bash -c "sleep 3; ! tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'has not answered\|timed out'"
keys q
finish
