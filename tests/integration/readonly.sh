#!/usr/bin/env bash
# readonly.sh: --readonly (and readonly: true on an endpoint) removes every
# mutating action from the keys and the help, and binnacle sends no mutating
# request at all: a proxy in front of the engine counts what reaches it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd python3
start_podman demo
python3 "$LAB/count-proxy.py" "$T/proxy.sock" "${DOCKER_HOST#unix://}" "$T/counts.json" >"$T/proxy.out" 2>&1 &
cleanup "kill $!"
wait_until 10 grep -q ready "$T/proxy.out" || { echo "the counting proxy did not start"; exit 1; }
count() { python3 -c "import json; d=json.load(open('$T/counts.json')); print(sum(d.get(m, 0) for m in ('POST','PUT','PATCH','DELETE')))"; }

try_everything() {
	tui_select web
	for k in r x u C-k C-d s p; do
		keys "$k"
		sleep 0.3
		keys Escape
	done
	keys ':' 'pull busybox' Enter
	sleep 0.5
}

DOCKER_HOST="unix://$T/proxy.sock" tui_start 120 30 --readonly
check "the dashboard runs through the proxy" wait_until 15 screen_has "worker"
check "the header says read-only" screen_has "read-only"
check "the hints offer no mutating action" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | tail -1 | grep -Eq 'restart|remove|shell|pull'"
keys '?'
wait_until 5 screen_has "Keys in Containers"
check "the help lists no mutating action" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eiq 'restart|remove|kill|open a shell|pull an image'"
check "the help says why" screen_has "read-only"
keys Escape
try_everything
tui_select worker
keys l
check "logs still work read-only" wait_until 10 screen_has "processed job"
keys Escape
check "no mutating request reached the engine" [ "$(count)" -eq 0 ]
check "while the dashboard did read from it" python3 -c "import json,sys; sys.exit(0 if json.load(open('$T/counts.json'))['GET'] > 0 else 1)"
keys q
tmx kill-server

cat >"$XDG_CONFIG_HOME/ro.yaml" <<YAML
endpoints:
  - name: careful
    type: docker
    host: unix://$T/proxy.sock
    readonly: true
YAML
tui_start 120 30 --config "$XDG_CONFIG_HOME/ro.yaml"
check "readonly: true on an endpoint is shown" wait_until 15 screen_has "read-only"
try_everything
check "and sends no mutating request either" [ "$(count)" -eq 0 ]
finish
