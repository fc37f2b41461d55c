#!/usr/bin/env bash
# shell.sh: end to end in a real terminal: open a shell in a container with
# `s`, run echo with a marker and read it on screen, check the TTY and its
# size, exit, and find the dashboard back exactly where it was.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman demo

tui_start 100 30
check "the dashboard starts" wait_until 15 screen_has "worker"
tui_select worker
keys s
check "the shell opens inside binnacle's terminal" wait_until 15 screen_has "shell in worker on docker"
check "with a prompt from the container" wait_until 10 screen_has "^/ #"
keys 'echo MARK-$((6*7))' Enter
check "the command's output comes back" wait_until 10 screen_has "^MARK-42"
keys 'tty; stty size' Enter
check "it runs on a real TTY" wait_until 10 screen_has "^/dev/pts/"
check "sized like the terminal" wait_until 10 screen_has "^30 100"
# lines typed ahead in one burst: the keys after the first line wait for
# the shell's answer, then are its own (none reaches the dashboard)
keys 'echo AHEAD-$((1+1))' Enter 'echo AHEAD-$((2+2))' Enter 'echo AHEAD-$((3+3))' Enter
check "lines typed ahead all reach the shell" wait_until 10 screen_has "^AHEAD-6"
check "in order, after the first" screen_has "^AHEAD-4"
keys 'sleep 30' Enter
# Ctrl-C only once sleep runs: before that the shell's line editor has the
# terminal raw and would take ^C as a character queued behind the command
sleeping() { lab_podman top worker 2>/dev/null | grep -q 'sleep 30'; }
check "the command runs in the container" wait_until 15 sleeping
keys C-c
check "Ctrl-C reaches the container's process" wait_until 10 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | grep . | tail -1)\" = '/ #' ]"
keys 'exit 3' Enter
check "the dashboard comes back" wait_until 15 screen_has "NAME"
check "on the same view and filter" screen_has "/\\^worker\\$  1/1"
check "and reports the exit status" wait_until 5 screen_has "shell in worker: exit status 3"
check "the shell is in the audit log" wait_until 10 audit_has $'action=shell\tresult=exit status 3'
check "recorded when it started, too" audit_has $'action=shell\tresult=started'
finish
