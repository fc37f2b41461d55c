#!/usr/bin/env bash
# terminal.sh: the terminal goes away under binnacle. Started with SIGHUP
# ignored (as nohup and some shells leave it), a closed terminal must still
# end it, streams and all, not leave it spinning (the k9s orphan problem);
# a shell session cut off by the pane being killed leaves its audit record.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name sleeper localhost/busybox:lab sleep 600 >/dev/null
PIDF="$T/binnacle.pid"
gone() { ! kill -0 "$(cat "$PIDF")" 2>/dev/null; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$(cat "$PIDF")/stat" 2>/dev/null; }

# ---- SIGHUP ignored, terminal closed ----
TUI_IGNORE_HUP=1 TUI_PIDFILE=$PIDF tui_start 120 30 --log "$T/binnacle.log"
check "nohup: the dashboard runs, its event stream open" wait_until 15 screen_has sleeper
check "nohup: SIGHUP really is ignored" grep -q '^SigIgn:.*[13579bdf]$' "/proc/$(cat "$PIDF")/status"
tmx kill-server
check "nohup: a closed terminal ends binnacle all the same" wait_until 10 gone
check "nohup: and it says why in its log" grep -q "ending: the terminal hung up" "$T/binnacle.log"

# ---- a shell cut off by the pane being killed ----
TUI_PIDFILE=$PIDF tui_start 120 30 --log "$T/binnacle2.log"
check "shell: the dashboard runs" wait_until 15 screen_has sleeper
tui_select sleeper
keys s
check "shell: a shell opens in the container" wait_until 15 screen_has "^/ #"
check "shell: recorded when it started" wait_until 5 audit_has $'name=sleeper\t.*action=shell\tresult=started'
tmx kill-server
check "shell: the killed pane ends binnacle too" wait_until 10 gone
check "shell: and its outcome (the hang-up) is recorded too" \
	wait_until 5 audit_has $'name=sleeper\t.*action=shell\tresult=ended: '
finish
