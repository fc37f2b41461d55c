#!/usr/bin/env bash
# podman-logs.sh: the log viewer on a real container: the last lines first,
# a line written after the viewer opened shows up (follow), stderr is told
# apart, timestamps toggle, search finds a line, and save writes a file.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name talker localhost/busybox:lab sh -c \
	'i=0; while [ $i -lt 300 ]; do echo "early line $i"; i=$((i+1)); done; echo "oops on stderr" >&2; sleep 100000' >/dev/null
lab_podman run -d --name tty-talker -t localhost/busybox:lab sh -c 'echo "from a tty"; sleep 100000' >/dev/null
wait_until 10 bash -c "bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' logs talker 2>&1 | grep -q oops"

cat >"$XDG_CONFIG_HOME/logs.yaml" <<YAML
log_tail: 50
endpoints:
  - name: lab
    type: docker
    host: $DOCKER_HOST
YAML
tui_start 120 30 --config "$XDG_CONFIG_HOME/logs.yaml"
wait_until 15 screen_has "talker"
tui_select talker
keys l
check "the viewer opens with the last lines" wait_until 10 screen_has "early line 299"
check "log_tail bounds the history fetched" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'early line 2[0-4][0-9]'"
check "stderr lines are shown" screen_has "oops on stderr"
check "the viewer follows" screen_has "FOLLOW"
lab_podman exec talker sh -c 'echo "LATE-MARK written after the viewer opened" > /proc/1/fd/1'
check "a line written after the viewer opened shows up" wait_until 10 screen_has "LATE-MARK written"

keys t
check "t shows timestamps" wait_until 5 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8} LATE-MARK'"
keys t
check "and hides them again" wait_until 5 screen_has "^LATE-MARK"

keys '/' 'early line 260' Enter
check "search finds a line and stops following" wait_until 5 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'early line 260' && ! tmux -L '$TMUX_SOCK' capture-pane -p | grep -q FOLLOW"
keys G
check "G follows again" wait_until 5 screen_has "FOLLOW"

keys S
check "S offers a file name" wait_until 5 screen_has "Save the kept lines"
keys C-u "$T/saved.log" Enter
check "save writes the lines to the file" wait_until 5 bash -c "grep -q 'LATE-MARK' '$T/saved.log' && grep -q 'oops on stderr' '$T/saved.log'"
check "the screen says where" wait_until 5 screen_has "saved .* lines to $T/saved.log"

keys Escape
check "Esc goes back to the table" wait_until 5 screen_has "^NAME"
tui_select tty-talker
keys l
check "a TTY container's raw stream is read as text" wait_until 10 screen_has "^from a tty"
finish
