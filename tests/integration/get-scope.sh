#!/usr/bin/env bash
# get-scope.sh: `binnacle get` as a kubectl user types it (issue 13): the
# context's namespace by default, -n NAMESPACE, -A and --context; labels as
# a JSON object; RUNNING filled for Kubernetes nodes; and a dead endpoint
# named on stderr while the rows of the others still print (exit status 3).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl python3
start_kubelab --port 0

count_json() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
check "get pods: the context's namespace, as kubectl" \
	[ "$(run_binnacle get pods -o json | count_json)" -eq "$(kc get pods -o name | wc -l)" ]
check "-n shop: that namespace" \
	[ "$(run_binnacle get pods -n shop -o json | count_json)" -eq "$(kc get pods -n shop -o name | wc -l)" ]
check "--namespace=data too" \
	[ "$(run_binnacle get pods --namespace=data -o json | count_json)" -eq "$(kc get pods -n data -o name | wc -l)" ]
check "-A: every namespace" \
	[ "$(run_binnacle get pods -A -o json | count_json)" -eq "$(kc get pods -A -o name | wc -l)" ]
check "one namespace: no NAMESPACE column, as kubectl" bash -c "! '$BINNACLE' get pods -n shop | head -1 | grep -q NAMESPACE"
check "-A: the NAMESPACE column" bash -c "'$BINNACLE' get pods -A | head -1 | grep -q '^NAMESPACE'"
check "--context names the kubeconfig context" binnacle_prints '^web-' get pods --context lab-token
labels=$(run_binnacle get pods -n default -o json | python3 -c 'import json,sys; l=json.load(sys.stdin)[0]["labels"]; print(type(l).__name__, l.get("app"))')
check "labels are a JSON object" [ "$labels" = "dict web" ]
running=$(run_binnacle get nodes -o json | python3 -c 'import json,sys; print(" ".join(n.get("running","") for n in json.load(sys.stdin)))')
check "get nodes fills RUNNING for every node" bash -c "! grep -Eq '(^| )( |$)' <<<'$running' && [ -n '$running' ]"
check "RUNNING counts the pods kubectl sees on the node" bash -c \
	"[ \"\$('$BINNACLE' get nodes -o json | python3 -c 'import json,sys; print([n[\"running\"] for n in json.load(sys.stdin) if n[\"name\"]==\"lab-worker\"][0].split(\"/\")[1])')\" = \"\$(kubectl get pods -A --field-selector spec.nodeName=lab-worker --no-headers | wc -l)\" ]"

# a second endpoint whose API server is gone
dead_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s#server: https://127.0.0.1:[0-9]*#server: https://127.0.0.1:$dead_port#" "$KUBECONFIG" >"$T/dead.kubeconfig"
cat >"$T/config.yaml" <<CFG
endpoints:
  - name: live
    type: kubernetes
    context: lab
  - name: gone
    type: kubernetes
    context: lab
    kubeconfig: $T/dead.kubeconfig
CFG
rc=0
out=$(run_binnacle get pods -A --timeout 5s -c "$T/config.yaml" 2>"$T/err") || rc=$?
check "a dead endpoint: the others' rows still print" grep -Eq '^live +default +web-' <<<"$out"
check "the dead one is named on stderr" grep -q '^binnacle: gone: ' "$T/err"
check "and the exit status says some endpoints failed" [ "$rc" -eq 3 ]
rc=0
run_binnacle get pods --timeout 5s -c "$T/config.yaml" -e gone >/dev/null 2>&1 || rc=$?
check "nothing listed at all: exit status 1" [ "$rc" -eq 1 ]
finish
