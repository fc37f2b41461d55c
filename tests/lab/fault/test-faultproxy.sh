#!/usr/bin/env bash
# test-faultproxy.sh: the fault proxy's fidelity, with real clients as the
# witnesses: kubectl through it to the lab API server (lists, a watch) and
# the Docker CLI through it to a real Podman service when nothing is
# injected, then each fault as curl and kubectl see it: a status with
# Retry-After, a hang, a truncated body, a silent stream, a refused
# connection, a bad certificate, a gzip bomb, a page that ignores limit=, a
# deep item. Exit 0 pass, 1 fail, 77 skip (peer missing).
. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"
require_cmd kubectl curl python3 openssl
start_kubelab --port 0 --bookmark-interval 1
start_fault_kube
URL="https://127.0.0.1:$FAULT_PORT"
PKI="$KUBE_DIR/pki"
kcp() { kubectl --request-timeout=20s --kubeconfig "$KUBECONFIG" "$@"; }
c() { curl -s --cacert "$PKI/ca.pem" --cert "$PKI/client-lab-admin.pem" --key "$PKI/client-lab-admin.key" "$@"; }

check "pass: kubectl lists pods through the proxy as directly" \
	[ "$(kcp get pods -A -o name | wc -l)" -eq "$(kc get pods -A -o name | wc -l)" ]
check "pass: every request is logged" bash -c "grep -q 'GET /api/v1/pods?limit=500&timeout=20s -> 200 pass' '$FAULT_DIR/requests.log'"
# AWS JSON calls name their operation in X-Amz-Target: rules and the log see it
c -o /dev/null -H 'X-Amz-Target: LabService.DoThing' "$URL/version"
check "pass: X-Amz-Target is logged as the target's fragment" bash -c "grep -q 'GET /version#LabService.DoThing -> 200 pass' '$FAULT_DIR/requests.log'"
kcp get pods -n shop --watch -o name >"$T/watch.out" 2>&1 &
cleanup "kill $! 2>/dev/null"
sleep 2
kc scale deploy/cart -n shop --replicas=3 >/dev/null
check "pass: a watch streams through it" wait_until 20 bash -c "[ \$(grep -c cart '$T/watch.out') -ge 3 ]"

fault '{"rules":[{"match":"^GET /api/v1/namespaces/shop/pods","action":"status","status":429,
  "headers":{"Retry-After":"7"},"body":"{\"kind\":\"Status\",\"message\":\"slow down\",\"code\":429}"}]}'
check "status: curl gets the 429 and its Retry-After" \
	bash -c "curl -s -i --cacert '$PKI/ca.pem' --cert '$PKI/client-lab-admin.pem' --key '$PKI/client-lab-admin.key' '$URL/api/v1/namespaces/shop/pods' | grep -q '^Retry-After: 7'"
check "status: rules match what they say only" [ "$(c -o /dev/null -w '%{http_code}' "$URL/api/v1/namespaces/data/pods")" = 200 ]

fault '{"rules":[{"match":"^GET /version","action":"hang"}]}'
check "hang: the request is never answered" [ "$(c -o /dev/null -w '%{http_code}' --max-time 3 "$URL/version")" = 000 ]

fault '{"rules":[{"match":"^GET /api/v1/pods","action":"truncate","bytes":100}]}'
rc=0; c -o /dev/null "$URL/api/v1/pods" || rc=$?
check "truncate: curl reports a transfer cut short (exit 18, got $rc)" [ "$rc" -eq 18 ]

fault '{"rules":[{"match":"watch=1","action":"silent","bytes":0}]}'
rc=0; c -o /dev/null -w '%{http_code}' --max-time 4 "$URL/api/v1/pods?watch=1" >"$T/silent.code" || rc=$?
check "silent: the headers come, then nothing until the client gives up (exit 28, got $rc)" \
	bash -c "[ $rc -eq 28 ] && [ \"\$(cat '$T/silent.code')\" = 200 ]"

fault '{"rules":[{"match":"^GET /api/v1/pods","action":"gzip","bytes":50000000}]}'
wire=$(c -o /dev/null -w '%{size_download}' "$URL/api/v1/pods")
inflated=$(c --compressed "$URL/api/v1/pods" | wc -c)
echo "# gzip: $wire bytes on the wire, $inflated inflated"
check "gzip: a small body on the wire that inflates past 50 MB" bash -c "[ $wire -lt 1000000 ] && [ $inflated -gt 50000000 ]"

fault '{"rules":[{"match":"^GET /api/v1/pods","action":"items","count":20000}]}'
n=$(c "$URL/api/v1/pods?limit=500" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
check "items: limit=500 ignored, 20000 pods in one page (got $n)" [ "$n" -eq 20000 ]

fault '{"rules":[{"match":"^GET /api/v1/namespaces/shop/pods","action":"deep","depth":5000}]}'
n=$(c "$URL/api/v1/namespaces/shop/pods" | python3 -c 'import json,sys; sys.setrecursionlimit(100000); d=json.load(sys.stdin); print(len(d["items"]), "a" in d["items"][0])')
want="$(($(kc get pods -n shop -o name | wc -l) + 1)) True"
check "deep: the real list with one deep item first ($n)" [ "$n" = "$want" ]

fault '{"tls": "bad"}'
rc=0; c -o /dev/null "$URL/version" || rc=$?
check "bad TLS: curl refuses the certificate (exit 60, got $rc)" [ "$rc" -eq 60 ]
fault '{}'
check "good TLS again" [ "$(c -o /dev/null -w '%{http_code}' "$URL/version")" = 200 ]

fault '{"down": true}'
sleep 0.5
rc=0; c -o /dev/null --max-time 5 "$URL/version" || rc=$?
check "down: the connection is refused (exit 7, got $rc)" [ "$rc" -eq 7 ]
fault '{"blackhole": true}'
sleep 0.5
rc=0; c -o /dev/null --max-time 3 "$URL/version" || rc=$?
check "blackhole: connected, then nothing, not even TLS (exit 28, got $rc)" [ "$rc" -eq 28 ]
fault '{}'
check "up again: kubectl works" bash -c "kubectl --request-timeout=20s --kubeconfig '$KUBECONFIG' get ns -o name | grep -q shop"

# raw mode (for SSH): bytes through untouched, here TLS straight to the lab
RAW="$T/raw"
cleanup "sh '$FAULT_LAB' stop '$RAW'"
rport=$(sh "$FAULT_LAB" start "$RAW" --raw --listen tcp:127.0.0.1:0 --upstream "tcp:127.0.0.1:$(cat "$KUBE_DIR/port")")
rport=${rport#FAULT_PORT=}
check "raw: TLS end to end through it" [ "$(c -o /dev/null -w '%{http_code}' "https://127.0.0.1:$rport/version")" = 200 ]
sh "$FAULT_LAB" set "$RAW" '{"blackhole": true}'
rc=0; c -o /dev/null --max-time 3 "https://127.0.0.1:$rport/version" || rc=$?
check "raw: blackhole holds it (exit 28, got $rc)" [ "$rc" -eq 28 ]
sh "$FAULT_LAB" stop "$RAW"

# the Docker CLI through it to a real Podman, when the peers are here
# (podman-lab.sh skips or fails by itself when they are not)
if command -v podman >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
	sh "$FAULT_LAB" stop "$FAULT_DIR"
	start_podman start
	start_fault_docker
	lab_podman run -d --name through localhost/busybox:lab sleep 600 >/dev/null
	check "docker: ps through the proxy" bash -c "docker ps --format '{{.Names}}' | grep -q through"
	docker events --filter type=container --format '{{.Action}} {{.Actor.Attributes.name}}' >"$T/events.out" 2>&1 &
	cleanup "kill $! 2>/dev/null"
	sleep 1
	lab_podman stop -t 0 through >/dev/null
	check "docker: events stream through it" wait_until 15 grep -q "died through\|die through" "$T/events.out"
	fault '{"rules":[{"match":"/containers/json","action":"status","status":500,"body":"{\"message\":\"injected\"}"}]}'
	check "docker: an injected error reaches the CLI" bash -c "docker ps 2>&1 | grep -q injected"
fi
finish
