#!/usr/bin/env bash
# daily-podman.sh: a lazydocker and k9s user's first hour with a Podman
# engine (issue 13), at 120x35 and 80x24. Bugs: a stopped container keeps
# no CPU or memory; w then r restarts nothing without a yes; a long error
# wraps instead of being cut; a dead engine says why in words, counts down
# to the next attempt and reconnects now with Ctrl-R, its rows dimmed and
# actions refused with the reason; the terminal is clean after a shell and
# q. Features: marks with one question, the stats panel, volumes,
# networks, compose projects, prune showing what goes, forcing the removal
# of an image in use, OSC 52 copy, the user's own commands, log search with
# its count, since windows, logs following a restart, ? in every viewer.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd python3
start_podman start

# run OPTIONS... -- COMMAND...: a container of the lab's image
run() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	lab_podman run -d "${opts[@]}" localhost/busybox:lab "$@" >/dev/null
}
row() { screen | grep -E -m1 -- "^$1 "; }
started() { lab_podman inspect -f '{{.State.StartedAt}}' "$1"; }

for size in 120x35 80x24; do
	cols=${size%x*} rows=${size#*x}
	z=${cols} # names per size, so the rounds do not meet
	run --name "busy$z" -- sh -c 'while :; do :; done'
	run --name "m1-$z" -- sleep 100000
	run --name "m2-$z" -- sleep 100000
	tui_start "$cols" "$rows" --log "$T/tui-$z.log"
	check "$size: the containers" wait_until 20 screen_has "^busy$z "

	# a stopped container keeps no CPU or memory
	tui_select "busy$z"
	check "$size: a busy container shows its CPU" wait_until 30 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep '^busy$z ' | grep -q '%'"
	lab_podman stop -t 1 "busy$z" >/dev/null
	check "$size: stopped, it keeps no CPU or memory" wait_until 30 bash -c \
		"tmux -L '$TMUX_SOCK' capture-pane -p | grep '^busy$z ' | grep -q exited && ! tmux -L '$TMUX_SOCK' capture-pane -p | grep '^busy$z ' | grep -Eq '%|iB'"

	# w then r by accident: a question, not a restart
	tui_select "m1-$z"
	before=$(started "m1-$z")
	keys w r
	check "$size: w then r asks before restarting" wait_until 5 screen_has "Restart container m1-$z on docker\\?"
	keys n
	check "$size: and n restarts nothing" wait_until 5 screen_has "restart m1-$z: cancelled"
	check "$size: the container was not restarted" [ "$(started "m1-$z")" = "$before" ]
	keys w

	# a long error wraps: its end is on screen, not cut at the edge
	keys ':pull registry.invalid/nothing/here:never' Enter
	# the outcome, not the "started" line written when it was sent
	pulled() { grep 'action=pull' "$XDG_STATE_HOME/binnacle/audit.log" 2>/dev/null | grep -v $'result=started$'; }
	wait_until 60 pulled >/dev/null
	keys Escape
	tail=$(pulled | tail -1 | sed 's/.*result=//' | awk '{print $NF}')
	check "$size: a long error wraps so its end is read ($tail)" wait_until 10 screen_has "$(printf '%s' "$tail" | sed 's/[][\.*^$()|?+{}]/\\&/g')"

	# the engine goes away: why in words, a countdown, rows dimmed, actions refused
	keys Escape g
	wait_until 5 screen_has "^m1-$z "
	screen_sgr >"$T/live-$z.sgr"
	kill "$(cat "$PODMAN_DIR/service.pid")"
	check "$size: a dead engine is stale" wait_until 20 screen_has "STALE"
	check "$size: with curl's words made plain" wait_until 10 screen_has "not there|nothing is listening"
	check "$size: and when it tries again" wait_until 10 screen_has "retry in [0-9]+s"
	sgr_row=$(screen_sgr | grep -m1 "m1-$z" || true)
	keys r
	check "$size: an action on it says why instead of failing later" wait_until 5 screen_has "cannot be reached, so nothing was sent"
	live_row=$(grep -m1 "m1-$z" "$T/live-$z.sgr" || true)
	check "$size: its rows are dimmed" bash -c "[ -n \"\$1\" ] && [ \"\$1\" != \"\$2\" ] && grep -q \$'\\e\\[[0-9;]*\\(2\\|90\\|38;5;8\\)m' <<<\"\$1\"" _ "$sgr_row" "$live_row"
	bash "$LAB/podman-lab.sh" restart-service "$PODMAN_DIR" >/dev/null
	keys C-r
	check "$size: Ctrl-R reconnects" wait_until 20 screen_lacks "STALE"
	keys q
	wait_until 5 screen_has "BINNACLE-EXITED" || true

	# the terminal is clean after a shell and q
	tui_start "$cols" "$rows"
	wait_until 20 screen_has "^m2-$z "
	tui_select "m2-$z"
	keys s
	wait_until 15 screen_has "shell in m2-$z" && wait_until 10 screen_has '/ #'
	keys 'echo SHELL-$((6*7))-OUTPUT' Enter
	wait_until 10 screen_has "SHELL-42-OUTPUT"
	keys 'exit' Enter
	check "$size: the dashboard is back" wait_until 15 screen_has "shell in m2-$z: exit status 0"
	keys q
	check "$size: quits" wait_until 5 screen_has "BINNACLE-EXITED"
	check "$size: and the shell's output is not left in the terminal" screen_lacks "SHELL-42-OUTPUT"
done

# ---- features, at 120x35 ----
run --name web2 -- sh -c 'i=0; while :; do i=$((i+1)); echo "line $i"; [ $((i%4)) -ne 0 ] || echo "WARN at $i"; sleep 0.3; done'
lab_podman volume create data1 >/dev/null
run --name vol-user -v data1:/data -- sleep 100000
run --name shop-api --label com.docker.compose.project=shop --label com.docker.compose.service=api -- sleep 100000
run --name shop-db --label com.docker.compose.project=shop --label com.docker.compose.service=db -- sleep 100000
# an image only one (stopped) container uses: removing it needs forcing
lab_podman commit m1-120 localhost/solo:1 >/dev/null
lab_podman create --name solo-user localhost/solo:1 sleep 1 >/dev/null
mkdir -p "$XDG_CONFIG_HOME/binnacle"
cat >"$XDG_CONFIG_HOME/binnacle/config.yaml" <<CFG
commands:
  - name: facts
    key: ctrl-t
    kinds: [containers]
    command: echo "FACTS \$NAME \$IMAGE \$STATE \$ENDPOINT"
    background: true
  - name: here
    key: ctrl-o
    kinds: all
    command: echo "TERMINAL-\$NAME-\$NAMESPACE-END"
  - name: wipe
    key: ctrl-w
    kinds: [ctr]
    command: echo should-not-run
    mutates: true
    confirm: true
CFG
tui_start 120 35
tmx set -g set-clipboard on
wait_until 20 screen_has "^web2 "

# marks: two rows, one question listing them
keys / '^m[12]-120$' Enter
wait_until 5 screen_has " 1/2"
keys g Space Space
check "Space marks rows" wait_until 5 screen_has "2 marked"
keys C-d
check "marks: one question lists every marked row" wait_until 5 screen_has "Remove 2 containers on docker: (m1-120, m2-120|m2-120, m1-120)\\?"
keys y
check "marks: both are removed" wait_until 30 bash -c "! bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' container exists m1-120 && ! bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' container exists m2-120"

# the stats panel
tui_select web2
keys t
check "t opens the stats panel of the selected container" wait_until 10 screen_has "Stats web2: CPU"
check "with its history filling in" wait_until 30 screen_has "Stats web2: CPU [0-9.]+% .* [2-9][0-9]* samples"
keys t
check "t closes it" wait_until 5 screen_lacks "Stats web2"

# copy with OSC 52
keys c
check "c offers what to copy" wait_until 5 screen_has "Copy to the clipboard"
keys Enter
check "the name reaches the terminal's clipboard" wait_until 5 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' show-buffer 2>/dev/null)\" = web2 ]"

# the user's own commands
keys C-t
check "a background command's output opens in the viewer" wait_until 10 screen_has "FACTS web2 localhost/busybox:lab running docker"
keys Escape
keys C-w
check "a command that asks first names its target" wait_until 5 screen_has "Wipe container web2 on docker\\?"
keys n

# log search, since windows, following a restart, ? in the viewer
keys l
wait_until 15 screen_has "line [0-9]+"
keys / WARN Enter
check "log search shows the term and the match count" wait_until 5 screen_has "/WARN [0-9]+/[0-9]+"
keys '?'
check "? in the log viewer shows its keys" wait_until 5 screen_has "keys of the log viewer"
keys Escape
keys 1
check "1: the logs of the last minute" wait_until 5 screen_has "FOLLOW SINCE 1m"
keys G
lab_podman restart -t 1 web2 >/dev/null
check "logs keep following across a restart" wait_until 30 screen_has "following again"
check "with the new instance's lines" wait_until 20 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -A3 'following again' | grep -q '^line '"
keys Escape

# volumes, networks, compose projects
keys ':vol' Enter
check ":vol lists the volumes with who uses them" wait_until 15 screen_has "^data1 +.*yes \\(1\\) +vol-user"
tui_select data1
keys Enter
check "Enter lists the containers using it" wait_until 10 screen_has "^vol-user "
keys ':net' Enter
check ":net lists the networks" wait_until 15 screen_has "NAME.*DRIVER"
keys ':compose' Enter
check ":compose groups containers by their project label" wait_until 15 screen_has "^shop +running 2/2 +api,db|^shop +running 2/2 +db,api"
keys Enter
check "Enter lists the project's containers" wait_until 10 screen_has "^shop-api " && screen_has "^shop-db "
keys Escape
keys r
check "a project restarts as one, asked first" wait_until 5 screen_has "Restart compose-project shop on docker\\?"
keys n

# prune shows what would go
keys ':ctr' Enter
keys P
check "prune shows the stopped containers that would go" wait_until 5 screen_has "This would go:"
check "naming them" screen_has "busy120|solo-user"
keys n

# an image a container uses: removing it offers forcing
keys ':img' Enter
tui_select "localhost/solo:1"
keys C-d
wait_until 5 screen_has "Remove image" && keys y
check "removing an image in use offers forcing it" wait_until 20 screen_has "Remove it anyway \\(force remove\\)\\?"
keys y
check "force removal removes it" wait_until 30 bash -c "! bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' image exists localhost/solo:1"

# an unknown key says so; ? in the text viewer
keys ':ctr' Enter
keys Z
check "an unknown key says so briefly" wait_until 5 screen_has "Z: no such key here"
tui_select web2
keys d
check "d describes the container" wait_until 10 screen_has "^State:"
keys '?'
check "? in the text viewer shows its keys" wait_until 5 screen_has "keys of the viewer"
keys Escape Escape
keys q
wait_until 5 screen_has "BINNACLE-EXITED" || true

# read-only: keys that would change something answer with a sentence
tui_start 80 24 --readonly
wait_until 20 screen_has "^web2 "
tui_select web2
keys s
check "read-only: the shell key says why it does nothing" wait_until 5 screen_has "read-only: shell is not offered"
keys p
check "read-only: p says why it does nothing" wait_until 5 screen_has "read-only: pull is not offered"
keys C-w
check "read-only: a command that changes things is not offered" wait_until 5 screen_has "wipe changes things, so it is not offered"
check "the mouse is the terminal's by default (text selection works)" [ "$(tmx display -p '#{mouse_any_flag}')" = 0 ]
keys q
wait_until 5 screen_has "BINNACLE-EXITED" || true

# a command in the terminal; the mouse when asked for
printf 'mouse: true\n' >>"$XDG_CONFIG_HOME/binnacle/config.yaml"
tui_start 120 35
wait_until 20 screen_has "^web2 "
tui_select web2
keys C-o
check "a terminal command has the terminal, the row in its environment" wait_until 10 screen_has "^TERMINAL-web2--END"
check "and waits for a key before the dashboard comes back" screen_has "Press a key to go back"
keys x
check "the dashboard is back" wait_until 10 screen_has "here web2: exit status 0"
check "mouse: true takes the mouse" [ "$(tmx display -p '#{mouse_any_flag}')" = 1 ]
keys Escape
wait_until 5 screen_has "^cache "
keys -l $'\e[<0;3;6M' $'\e[<0;3;6m'
check "a click selects the row under it" wait_until 5 screen_has " 3/[0-9]+ *$"
keys -l $'\e[<65;3;6M'
check "the wheel scrolls" wait_until 5 screen_has " 6/[0-9]+ *$"
status_x=$(screen | sed -n 3p | grep -bo STATUS | cut -d: -f1)
keys -l $'\e[<0;'"$((status_x + 2))"$';3M' $'\e[<0;'"$((status_x + 2))"$';3m'
check "a click on a header sorts by it" wait_until 5 screen_has "STATUS[↑↓]"
keys q
wait_until 5 screen_has "BINNACLE-EXITED" || true

# Enter ~ . cuts a shell that no longer answers, without waiting for it
tui_start 120 35 --log "$T/cut.log"
wait_until 20 screen_has "^web2 "
tui_select web2
keys s
wait_until 15 screen_has "shell in web2" && wait_until 10 screen_has '/ #'
kill -STOP "$(cat "$PODMAN_DIR/service.pid")"
keys 'echo hung' Enter
keys Enter '~.'
check "Enter ~ . cuts a hung shell" wait_until 10 screen_has "shell in web2: you disconnected"
check "without waiting for an exit status that will not come" grep -q "cut by the user: its exit status is not waited for" "$T/cut.log"
kill -CONT "$(cat "$PODMAN_DIR/service.pid")"
finish
