#!/usr/bin/env bash
# podman-reconnect.sh: when the engine goes away binnacle keeps running,
# shows the data as stale with a readable error, and reconnects by itself
# (with its event stream) when the engine is back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name survivor localhost/busybox:lab sleep 600 >/dev/null

tui_start 120 30 --log "$T/binnacle.log"
check "the container is on screen" wait_until 15 screen_has "survivor"

kill "$(cat "$PODMAN_DIR/service.pid")"
check "a dead engine is shown as stale" wait_until 15 screen_has "STALE"
check "the last known rows stay on screen" screen_has "survivor"
check "binnacle is still running" screen_lacks "BINNACLE-EXITED"

bash "$LAB/podman-lab.sh" restart-service "$PODMAN_DIR" >/dev/null
check "it reconnects by itself" wait_until 40 screen_lacks "STALE"
check "the header shows the engine again" wait_until 10 screen_has "Podman"

lab_podman run -d --name after-restart localhost/busybox:lab sleep 600 >/dev/null
check "events flow again after the reconnect" wait_until 15 screen_has "after-restart"

finish
