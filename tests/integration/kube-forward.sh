#!/usr/bin/env bash
# kube-forward.sh: port-forward from the dashboard over the WebSocket
# port-forward protocol, carrying real bytes (an HTTP answer from the pod,
# 64 KiB echoed back, connections side by side) for a pod and for a
# service, listed in :pf with its counters, described and stopped; a label
# selector in the filter sent to the server as labelSelector (and taken
# back); and the RESTARTS text "N (Xs ago)" kept true as time passes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
# a crash loop that restarts once, then waits: the restart count stays while its age grows
start_kubelab --port 0 --crash-after 1 --crash-backoff 300 --crash-backoff-max 300

# probe PORT EXPECT: an HTTP request through the forward, then 64 KiB echoed
# on three connections at once
probe() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
port, expect = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
assert got.startswith(b"HTTP/1.1 200 OK") and expect.encode() in got, got
blob = bytes(range(256)) * 256
conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(3)]
for i, c in enumerate(conns):
    c.sendall(blob[i:] + blob[:i])
for i, c in enumerate(conns):
    got = b""
    while len(got) < len(blob):
        b = c.recv(65536)
        assert b, "closed after %d bytes" % len(got)
        got += b
    assert got == blob[i:] + blob[:i], "connection %d: the echo differs" % i
    c.close()
PY
}
refused() { python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)' "$1" 2>/dev/null && return 1 || return 0; }
forward_port() { screen | sed -n "s|^127\\.0\\.0\\.1:\\([0-9]*\\) .*$1.*|\\1|p" | head -1; }

tui_start 160 40 -A --log "$T/binnacle.log"
wait_until 20 screen_has "web-" || { echo "dashboard did not start"; exit 1; }

# ---- a pod's port ----
pod=$(kc get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
tui_select "$pod"
keys F
check "port-forward asks for the port, offering the pod's" wait_until 5 screen_has "port \\(\\[LOCAL:\\]PORT\\) for $pod \\(now 80"
keys C-u ':80' Enter
check "it is started" wait_until 10 screen_has "port forward $pod to :80: done"
keys ':pf' Enter
check ":pf lists the forward" wait_until 10 screen_has "^127\\.0\\.0\\.1:[0-9]+ +default +pod/$pod +80 "
port=$(forward_port "pod/$pod")
check "an HTTP request through it reaches the pod; 64 KiB echo on 3 connections at once" probe "$port" "hello from $pod port 80"
check "over the WebSocket port-forward protocol" \
	grep -q "port-forward .*: GET /api/v1/namespaces/default/pods/$pod/portforward?ports=80 (WebSocket v4.channel.k8s.io)" "$T/binnacle.log"
check "the forward counts its connections and bytes" wait_until 10 screen_has "pod/$pod +80 +0 +4 +[0-9.]+[KM]i?B +[0-9.]+[KM]i?B +listening"
tui_select "127.0.0.1:$port"
keys d
check "described" wait_until 10 screen_has '^bytesToPod: [0-9]+'
keys Escape
keys x
check "x stops it: the list empties" wait_until 10 screen_has "no port-?forwards"
check "and the port is closed" refused "$port"

# ---- a service's port, a local port chosen ----
keys ':svc' Enter
tui_select web
keys F
wait_until 5 screen_has "port \\(\\[LOCAL:\\]PORT\\) for web"
lport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
keys C-u "$lport:80" Enter
keys ':pf' Enter
check "a service forwards to one of its ready pods, on the local port asked" \
	wait_until 10 screen_has "^127\\.0\\.0\\.1:$lport +default +svc/web -> pod/web-"
check "carrying real bytes" probe "$lport" "hello from web-"

# a port the pod does not serve: the kubelet's refusal, in the status
keys ':pods' Enter
tui_select "$pod"
keys F C-u ':81' Enter
keys ':pf' Enter
wait_until 10 screen_has "pod/$pod +81 "
p81=$(forward_port "pod/$pod  *81 ")
python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5); s.sendall(b"x"); s.recv(10)' "$p81" 2>/dev/null
check "a port the pod does not serve: the connection closes and the status says why" \
	wait_until 10 screen_has "pod/$pod +81 .*(refused|unable|error|failed)"

# ---- a label selector in the filter ----
keys ':pods' Enter Escape
wait_until 10 screen_has "db-0"
keys '/' '-l app=web' Enter
check "-l: only the pods the selector picks" wait_until 15 screen_lacks "db-0"
check "web pods still listed" screen_has "default +web-"
check "sent to the server as labelSelector" grep -q 'pods?.*labelSelector=app%3Dweb' "$T/binnacle.log"
check "the breadcrumbs show it" screen_has "-l app=web"
kc scale deploy/web --replicas=3 >/dev/null
check "the selected list stays live (a third web pod arrives)" wait_until 30 bash -c \
	"[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -c '^default  *web-') -ge 3 ]"
keys Escape
check "Esc takes the selector back: every pod again" wait_until 15 screen_has "db-0"
out=$(run_binnacle get pods -A --filter '-l app in (web,db)' -o json)
check "get --filter '-l app in (web,db)' lists what kubectl -l lists" \
	[ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$out")" -eq "$(kc get pods -A -l 'app in (web,db)' -o name | wc -l)" ]

# ---- RESTARTS "N (Xs ago)" stays true ----
crasher=$(kc get pods -n shop -l app=checkout -o jsonpath='{.items[0].metadata.name}')
# restarts RESTARTS-TEXT: the crasher's "N (AGE ago)" on screen
restarts() { screen | grep -Eo "$crasher .* [0-9]+ \([0-9a-z]+ ago\)" | grep -Eo '[0-9]+ \([0-9a-z]+ ago\)'; }
tui_select "$crasher"
has_restarts() { [ -n "$(restarts)" ]; }
check "RESTARTS reads as kubectl's: the count, and when" wait_until 30 has_restarts
first=$(restarts)
# the lab's back-off (300 s) keeps the count still: only the age may move
same_count_older() { local now; now=$(restarts); [ -n "$now" ] && [ "${now%% *}" = "${first%% *}" ] && [ "$now" != "$first" ]; }
check "and the age moves on with no change from the server" wait_until 10 same_count_older
check "as in binnacle get" binnacle_prints "$crasher +0/1 +[A-Za-z]+ +[0-9]+ \([0-9a-z]+ ago\)" get pods -A
keys q
finish
