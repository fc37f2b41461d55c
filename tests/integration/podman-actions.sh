#!/usr/bin/env bash
# podman-actions.sh: operator actions from the dashboard against real
# Podman: every changing action asks first, naming the container and the
# endpoint (a production endpoint wants the name typed for a removal, and a
# wrong name says so); restart changes the start time, stop and start,
# remove and kill; every action is in the audit log with its result, and an
# engine's refusal is one sentence.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
for n in alpha beta gamma delta; do
	lab_podman run -d --name "$n" --stop-signal KILL localhost/busybox:lab sleep 100000 >/dev/null
done
started() { lab_podman inspect -f '{{.State.StartedAt}}' "$1"; }
state_on_screen() { screen_line "^$1 " | awk '{print $3}'; }

tui_start 120 30 --log "$T/binnacle.log"
check "the dashboard shows the containers" wait_until 15 screen_has "delta"

before=$(started alpha)
tui_select alpha
keys r
check "restart asks first, naming the container and the endpoint" wait_until 5 screen_has "Restart container alpha on docker\\?"
keys y
check "restart reports progress or completion" wait_until 5 screen_has "alpha"
check "restart completes" wait_until 30 screen_has "restart alpha: done"
check "restart changed the container's start time" [ "$(started alpha)" != "$before" ]
check "the audit log records the restart and its result" wait_until 10 audit_has $'action=restart\tresult=ok'
check "with the endpoint and the container's name" wait_until 10 audit_has $'endpoint=docker\tkind=containers\tname=alpha'

tui_select beta
keys x
wait_until 5 screen_has "Stop container beta on docker\\?" && keys y
check "stop: the container shows as exited" wait_until 30 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | grep '^beta ' | awk '{print \$3}')\" = exited ]"
keys u
wait_until 5 screen_has "Start container beta on docker\\?" && keys y
check "start: the container runs again" wait_until 30 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | grep '^beta ' | awk '{print \$3}')\" = running ]"

tui_select gamma
keys C-d
check "remove asks first" wait_until 5 screen_has "Remove container gamma on docker\\?"
keys n
check "answering no cancels" wait_until 5 screen_has "remove gamma: cancelled"
check "and the container is still there" lab_podman container exists gamma
keys C-d
wait_until 5 screen_has "Remove container gamma" && keys y
check "answering yes removes it" wait_until 20 bash -c "! bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' container exists gamma"
check "the removal is audited" wait_until 10 audit_has $'name=gamma\t.*action=remove\tresult=ok'

tui_select delta
keys C-k
check "kill asks first" wait_until 5 screen_has "Kill container delta on docker\\?"
keys y
check "kill stops the container" wait_until 20 bash -c "[ \"\$(bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' inspect -f '{{.State.Status}}' delta)\" = exited ]"
# the engine may answer the kill after the container is seen exited: a second
# kill sent before that answer fails first, and the late "kill delta: done"
# then replaces its error on the flash line
check "and binnacle has the engine's answer" wait_until 20 audit_has $'name=delta\t.*action=kill\tresult=ok'
keys C-k
wait_until 5 screen_has "Kill container delta" && keys y
check "the engine's refusal is shown as one sentence" wait_until 20 screen_has "kill delta failed:"
check "and audited with the reason" wait_until 10 audit_has $'action=kill\tresult=can only kill running containers'
keys q
wait_until 5 screen_has "BINNACLE-EXITED"
tmx kill-server

# production: the header warns, and destruction needs the name typed
cat >"$XDG_CONFIG_HOME/prod.yaml" <<YAML
endpoints:
  - name: prod-engine
    type: docker
    host: $DOCKER_HOST
    production: true
YAML
tui_start 120 30 --config "$XDG_CONFIG_HOME/prod.yaml"
check "a production endpoint is marked in the header" wait_until 15 screen_has "PRODUCTION"
tui_select beta
keys x
check "on production even stop asks" wait_until 5 screen_has "Stop container beta on prod-engine\\?"
keys n
keys C-d
check "remove on production asks for the name" wait_until 5 screen_has 'type the name "beta"'
keys 'bet' Enter
check "a wrong name says it was wrong" wait_until 5 screen_has '"bet" is not "beta": nothing was done'
check "and nothing was removed" lab_podman container exists beta
keys C-d
wait_until 5 screen_has 'type the name' && keys 'beta' Enter
check "the right name removes it" wait_until 20 bash -c "! bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' container exists beta"

finish
