#!/bin/bash
# test-kubectl.sh: fidelity test of the lab Kubernetes API server against the
# real kubectl.  Starts kubelab in a temporary directory (stopped on any exit)
# and checks lists, tables, watch, scale, rollout restart, delete, cordon,
# drain (eviction and a PDB that refuses), logs -f / --previous, exec (pipes
# and a tty) with the client-certificate and the bearer-token contexts,
# expired tokens, RBAC, the exec credential plugin and more.
#
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when kubectl or
# python3 is missing -- unless BINNACLE_REQUIRE_PEERS=1, then that is a failure.
# Prints "ok N - ..." / "not ok N - ..." per check and "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)

for c in kubectl python3 script timeout; do
    if ! command -v "$c" > /dev/null 2>&1; then
        if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then
            echo "FAIL: $c is not installed (BINNACLE_REQUIRE_PEERS=1)" >&2
            exit 1
        fi
        echo "SKIP: $c is not installed" >&2
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/kubelab-test.XXXXXX")
LAB="$T/lab"
cleanup() {
    local rc=$?
    "$here/kubelab.sh" stop "$LAB" > /dev/null 2>&1
    rm -rf "$T"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TAP_POLL=0.3
# shellcheck source=../tap.sh
. "$here/../tap.sh"

if ! out=$("$here/kubelab.sh" start "$LAB" --bookmark-interval 2 --start-delay 1 \
        --crash-after 2 --crash-backoff 2 --crash-backoff-max 10 --delete-delay 1 2>&1); then
    echo "FAIL: the lab API server did not start" >&2
    echo "$out" >&2
    exit 1
fi
export "${out?}"
export KUBECACHEDIR="$T/cache"
k() { kubectl --request-timeout=20s "$@"; }

# ------------------------------------------------------------------ reads
t_nodes_json() {
    k get nodes -o json | json '
assert d["kind"] == "List", d["kind"]
assert len(d["items"]) == 4, len(d["items"])
for n in d["items"]:
    assert "kind" in n and n["metadata"]["uid"] and n["metadata"]["resourceVersion"]
    assert n["status"]["nodeInfo"]["kubeletVersion"].startswith("v1.")
    assert any(c["type"] == "Ready" and c["status"] == "True" for c in n["status"]["conditions"])
    assert "pods" in n["status"]["allocatable"]'
}
check "kubectl get nodes -o json: 4 Ready nodes with nodeInfo/allocatable" t_nodes_json

t_pods_json() {
    local raw
    raw=$(k get --raw /api/v1/pods | json 'print(len(d["items"]))') || return 1
    k get pods -A -o json | json "
items = d['items']
assert len(items) == 28 == $raw, (len(items), $raw)
for p in items:
    md = p['metadata']
    assert md['uid'] and md['resourceVersion'] and md['creationTimestamp']
    assert p['status']['phase'] in ('Running', 'Pending'), p['status']['phase']
reasons = {cs['state'].get('waiting', {}).get('reason') for p in items for cs in p['status'].get('containerStatuses', [])}
assert 'ImagePullBackOff' in reasons or 'ErrImagePull' in reasons, reasons
assert any(p['metadata'].get('ownerReferences', [{}])[0].get('kind') == 'ReplicaSet' for p in items)"
}
check "kubectl get pods -A -o json: 28 pods, real metadata/status" t_pods_json

t_pods_table() {
    local out
    out=$(k get pods -A) || return 1
    echo "$out" | head -1 | grep -Eq '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE *$' || { echo "$out" | head -3; return 1; }
    [ "$(echo "$out" | wc -l)" -eq 29 ] || { echo "lines: $(echo "$out" | wc -l)"; return 1; }
    echo "$out" | grep -Eq ' (ImagePullBackOff|ErrImagePull) ' || return 1
    echo "$out" | grep -Eq 'kube-system +etcd-lab-control-plane +1/1 +Running'
}
check "plain kubectl get pods -A prints the server-side table" t_pods_table

t_other_tables() {
    k get deploy -n default | grep -Eq '^web +2/2 +2 +2 ' &&
        k get nodes | grep -Eq '^lab-control-plane +Ready +control-plane ' &&
        k get sts,ds,svc,pdb -A > /dev/null && k get events -A > /dev/null &&
        k get all -n shop | grep -q 'deployment.apps/frontend'
}
check "deploy/nodes/sts/ds/svc/pdb/events/all tables" t_other_tables

t_paging() {
    local n
    n=$(k get pods -A -o name --chunk-size=3 | wc -l)
    [ "$n" -eq 28 ] || { echo "got $n"; return 1; }
    local c
    c=$(k get --raw '/api/v1/pods?limit=4' | json 'm = d["metadata"]; assert m["remainingItemCount"] == 24; print(m["continue"])') || return 1
    c=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$c")
    k get --raw "/api/v1/pods?limit=4&continue=$c" | json 'assert len(d["items"]) == 4'
}
check "paging: --chunk-size=3, limit/continue, remainingItemCount" t_paging

t_watch_410() {
    local out
    out=$(timeout 5 kubectl get --raw '/api/v1/pods?watch=true&resourceVersion=1')
    echo "$out" | grep -q '"type":"ERROR".*"reason":"Expired","code":410' || { echo "$out"; return 1; }
}
check "watch from a too old resourceVersion: in-stream ERROR 410 Expired" t_watch_410

# ------------------------------------------------------------------ watch
t_watch() {
    local out="$T/watch.out" victim
    victim=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    timeout 15 kubectl get pods -n default --watch > "$out" 2>&1 &
    local wpid=$!
    wait_until 10 grep -q "$victim" "$out"
    k delete pod -n default "$victim" --wait=false > /dev/null
    wait_until 12 grep -Eq 'ContainerCreating|Terminating' "$out"
    local rc=$?
    kill $wpid 2> /dev/null
    wait $wpid 2> /dev/null
    [ $rc -eq 0 ] || cat "$out"
    return $rc
}
check "kubectl get pods --watch sees a change" t_watch

running_web() {
    [ "$(k get pods -n default -l app=web --field-selector=status.phase=Running -o json |
        json 'print(sum(1 for p in d["items"] if not p["metadata"].get("deletionTimestamp") and all(c["ready"] for c in p["status"]["containerStatuses"])))')" -eq "$1" ]
}

# ------------------------------------------------------------------ scale/rollout/delete
t_scale() {
    k scale deploy/web -n default --replicas=5 | grep -q 'deployment.apps/web scaled' || return 1
    wait_until 30 running_web 5 || { k get pods -n default; return 1; }
    wait_until 10 sh -c "kubectl get deploy web -n default -o jsonpath='{.status.readyReplicas}' | grep -qx 5"
}
check "kubectl scale deploy/web --replicas=5 -> 5 running pods" t_scale

t_rollout() {
    local before after
    before=$(k get pods -n default -l app=web -o name | sort)
    k rollout restart deploy/web -n default > /dev/null || return 1
    k get deploy web -n default -o jsonpath='{.spec.template.metadata.annotations}' |
        grep -q 'kubectl.kubernetes.io/restartedAt' || return 1
    k rollout status deploy/web -n default --timeout=60s > /dev/null || return 1
    wait_until 20 running_web 5 || return 1
    old_gone() { [ -z "$(comm -12 <(echo "$before") <(k get pods -n default -l app=web -o name | sort))" ]; }
    wait_until 15 old_gone || { echo "old pods left: $(k get pods -n default -l app=web -o name)"; return 1; }
}
check "kubectl rollout restart: restartedAt annotation, rollout status, pods replaced" t_rollout

t_delete() {
    local victim
    victim=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    k delete pod -n default "$victim" --timeout=30s > /dev/null || return 1
    k get pod -n default "$victim" > /dev/null 2>&1 && return 1
    wait_until 20 running_web 5
}
check "kubectl delete pod: it goes away, a replacement runs" t_delete

# ------------------------------------------------------------------ nodes
t_cordon() {
    k cordon lab-worker > /dev/null || return 1
    [ "$(k get node lab-worker -o jsonpath='{.spec.unschedulable}')" = true ] || return 1
    k get nodes | grep -Eq '^lab-worker +Ready,SchedulingDisabled ' || return 1
    k uncordon lab-worker > /dev/null || return 1
    [ -z "$(k get node lab-worker -o jsonpath='{.spec.unschedulable}')" ] || return 1
    k get nodes | grep -Eq '^lab-worker +Ready +<none> '
}
check "kubectl cordon/uncordon: unschedulable, SchedulingDisabled" t_cordon

db_nodes() { k get pods -n data -l app=db -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}'; }
t_drain_ok() {
    local node="" n
    for n in lab-worker lab-worker2 lab-worker3; do
        db_nodes | grep -qx "$n" || { node=$n; break; }
    done
    [ -n "$node" ] || { echo "no node without db pods"; return 1; }
    local out
    out=$(k drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=20s 2>&1) || { echo "$out"; return 1; }
    echo "$out" | grep -q "evicted" || { echo "$out"; return 1; }
    local left
    left=$(k get pods -A --field-selector "spec.nodeName=$node" -o json |
        json 'print(sum(1 for p in d["items"] if p["metadata"]["ownerReferences"][0]["kind"] != "DaemonSet"))')
    k uncordon "$node" > /dev/null
    [ "$left" -eq 0 ] || { echo "$left pods left on $node"; return 1; }
}
check "kubectl drain (evictions) empties a node" t_drain_ok

t_drain_pdb() {
    local node out rc=0
    node=$(k get pod -n data db-0 -o jsonpath='{.spec.nodeName}')
    out=$(k drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout=8s 2>&1) || rc=$?
    k uncordon "$node" > /dev/null
    [ $rc -ne 0 ] || { echo "drain succeeded"; return 1; }
    echo "$out" | grep -q "Cannot evict pod as it would violate the pod's disruption budget." || { echo "$out"; return 1; }
    k get pod -n data db-0 > /dev/null
}
check "kubectl drain refused by a PodDisruptionBudget (429)" t_drain_pdb

# ------------------------------------------------------------------ logs
t_logs_follow() {
    local pod out
    pod=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    out=$(timeout 4 kubectl logs -f -n default "$pod" --tail=1)
    [ "$(echo "$out" | wc -l)" -ge 3 ] || { echo "$out"; return 1; }
    echo "$out" | python3 -c '
import re, sys
seqs = [int(m.group(1)) for m in (re.search(r"seq=(\d+)", l) for l in sys.stdin) if m]
assert len(seqs) >= 3 and seqs == sorted(seqs) and seqs[-1] > seqs[0], seqs'
}
check "kubectl logs -f shows lines produced after it started" t_logs_follow

t_logs_previous() {
    local pod out
    pod=$(k get pods -n shop -l app=checkout -o jsonpath='{.items[0].metadata.name}')
    wait_until 20 sh -c "kubectl get pod -n shop $pod -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason}' | grep -q Error" || return 1
    out=$(k logs -n shop "$pod" --previous) || return 1
    echo "$out" | grep -q '^panic: ' || { echo "$out" | tail -5; return 1; }
    out=$(k logs -n default "$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')" --previous 2>&1) && return 1
    echo "$out" | grep -q 'previous terminated container "web" in pod'
}
check "kubectl logs --previous of a crash-looping pod (and of one that never crashed)" t_logs_previous

# ------------------------------------------------------------------ exec
exec_checks() {
    local ctx=$1 pod out rc
    pod=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    out=$(k --context "$ctx" exec -n default "$pod" -- echo marker 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && [ "$out" = marker ]; then ok "[$ctx] kubectl exec POD -- echo marker"; else not_ok "[$ctx] kubectl exec POD -- echo marker" "rc=$rc $out"; fi
    rc=0
    k --context "$ctx" exec -n default "$pod" -- sh -c 'exit 3' > /dev/null 2>&1 || rc=$?
    if [ $rc -eq 3 ]; then ok "[$ctx] kubectl exec POD -- sh -c 'exit 3' exits 3"; else not_ok "[$ctx] kubectl exec POD -- sh -c 'exit 3' exits 3" "rc=$rc"; fi
    # script(1) gives kubectl a real terminal of 97x31.  At EOF on its stdin
    # script writes a NUL into the terminal, which the remote tty echoes as ^@.
    out=$(script -qec "stty cols 97 rows 31; kubectl --context $ctx exec -it -n default $pod -- sh -c 'tty; stty size; echo \$HOSTNAME'" /dev/null < /dev/null 2>&1 | tr -d '\r' | sed 's/^^@//')
    if echo "$out" | grep -q '^/dev/pts/' && echo "$out" | grep -qx '31 97' && echo "$out" | grep -qx "$pod"; then
        ok "[$ctx] kubectl exec -it (tty): tty, stty size 31 97, HOSTNAME"
    else
        not_ok "[$ctx] kubectl exec -it (tty): tty, stty size 31 97, HOSTNAME" "$out"
    fi
    # stdout and stderr are separate channels, which kubectl copies to its own
    # stdout and stderr concurrently: their order on one descriptor is not
    # defined (under load err came first), so each is checked on its own.
    out=$(printf 'hello stdin\n' | k --context "$ctx" exec -i -n default "$pod" -- sh -c 'cat; echo err >&2' 2>"$T/exec-err")
    if [ "$out" = "hello stdin" ] && [ "$(cat "$T/exec-err")" = err ]; then
        ok "[$ctx] kubectl exec -i: stdin, stdout, stderr"
    else
        not_ok "[$ctx] kubectl exec -i: stdin, stdout, stderr" "stdout: $out
stderr: $(cat "$T/exec-err")"
    fi
}
exec_checks lab
exec_checks lab-token

# ------------------------------------------------------------------ auth
t_expired() {
    local out
    out=$(k --context lab-expired get pods 2>&1) && return 1
    echo "$out" | grep -q 'error: You must be logged in to the server (Unauthorized)' || { echo "$out"; return 1; }
}
check "an expired token gives kubectl's Unauthorized error" t_expired

t_forbidden() {
    local out
    out=$(k --context lab-viewer get nodes 2>&1) && return 1
    echo "$out" | grep -qF 'Error from server (Forbidden): nodes is forbidden: User "lab-viewer" cannot list resource "nodes" in API group "" at the cluster scope' || { echo "$out"; return 1; }
    out=$(k --context lab-viewer get pods -n kube-system 2>&1) && return 1
    echo "$out" | grep -qF 'pods is forbidden: User "lab-viewer" cannot list resource "pods" in API group "" in the namespace "kube-system"' || { echo "$out"; return 1; }
    k --context lab-viewer get pods -n default > /dev/null
}
check "RBAC knob: the exact 403 messages for lab-viewer" t_forbidden

t_exec_plugin() {
    k --context lab-exec get ns default > /dev/null &&
        grep -q '^lab-exec-' "$LAB/tokens.csv"
}
check "exec credential plugin: fresh token added at runtime works" t_exec_plugin

t_token_file() {
    echo "runtime-token-1,ci-bot,ci-bot,\"ci\"," >> "$LAB/tokens.csv"
    local port
    port=$(cat "$LAB/port")
    kubectl --server "https://127.0.0.1:$port" --certificate-authority "$LAB/ca.pem" \
        --token runtime-token-1 get ns default > /dev/null
}
check "a token appended to tokens.csv is accepted at once" t_token_file

# ------------------------------------------------------------------ misc
t_describe() {
    local pod
    pod=$(k get pods -n shop -l app=checkout -o jsonpath='{.items[0].metadata.name}')
    k describe pod -n shop "$pod" | grep -Eq 'Warning +BackOff .* kubelet +Back-off restarting failed container'
}
check "kubectl describe pod shows core/v1 events (BackOff)" t_describe

t_top() {
    k top nodes | grep -Eq '^lab-worker +[0-9]+m ' && k top pods -n default | grep -q '^web-'
}
check "kubectl top nodes/pods (metrics.k8s.io)" t_top

t_apply() {
    cat > "$T/cm.json" <<'EOF'
{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"lab-test","namespace":"default"},"data":{"a":"1"}}
EOF
    k apply -f "$T/cm.json" | grep -q 'configmap/lab-test created' || return 1
    sed -i 's/"a":"1"/"a":"2"/' "$T/cm.json"
    k apply -f "$T/cm.json" | grep -q 'configmap/lab-test configured' || return 1
    [ "$(k get cm lab-test -o jsonpath='{.data.a}')" = 2 ]
}
check "kubectl apply (create, then strategic-merge patch)" t_apply

t_wsprobe() {
    local pod
    pod=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    python3 "$here/wsprobe.py" "$LAB" default "$pod"
}
check "raw WebSocket exec: v5/v4/base64/v1 channels, ping, resize, half-close, Status" t_wsprobe

t_spdy() {
    local pod out
    pod=$(k get pods -n default -l app=web -o jsonpath='{.items[0].metadata.name}')
    out=$(python3 - "$LAB" "$pod" <<'PY'
import os, ssl, sys, http.client
d, pod = sys.argv[1:3]
ctx = ssl.create_default_context(cafile=d + "/ca.pem")
ctx.load_cert_chain(d + "/pki/client-lab-admin.pem", d + "/pki/client-lab-admin.key")
c = http.client.HTTPSConnection("127.0.0.1", int(open(d + "/port").read()), context=ctx)
c.request("POST", "/api/v1/namespaces/default/pods/%s/exec?command=true&stdout=true" % pod,
          headers={"Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                   "X-Stream-Protocol-Version": "v4.channel.k8s.io"})
r = c.getresponse()
print(r.status, r.read().decode())
PY
)
    echo "$out" | grep -q '^400 .*SPDY/3.1 is not supported' || { echo "$out"; return 1; }
}
check "a SPDY upgrade for exec gets a clear 400 Status" t_spdy

t_create() {
    k create namespace lab-created > /dev/null || return 1
    k create deployment hello -n lab-created --image=nginx:1.27 --replicas=3 --port=8080 > /dev/null || return 1
    wait_until 30 sh -c "kubectl get deploy hello -n lab-created -o jsonpath='{.status.readyReplicas}' | grep -qx 3" || return 1
    k create service clusterip hello -n lab-created --tcp=80:8080 > /dev/null &&
        k create configmap cfg -n lab-created --from-literal=a=b > /dev/null &&
        [ "$(k get svc hello -n lab-created -o jsonpath='{.spec.ports[0].targetPort}')" = 8080 ]
}
check "kubectl create namespace/deployment/service/configmap (protobuf bodies)" t_create

# what a kubelet reports: the repository (a registry's port kept) and the digest it pulled
t_image_id() {
    local d=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    k run pinned -n lab-created --image="127.0.0.1:5000/lab/app@$d" --restart=Never > /dev/null || return 1
    k run tagged -n lab-created --image=127.0.0.1:5000/lab/app:1.1.0 --restart=Never > /dev/null || return 1
    wait_until 30 sh -c "kubectl get pod pinned -n lab-created -o jsonpath='{.status.containerStatuses[0].imageID}' | grep -qx '127.0.0.1:5000/lab/app@$d'" || return 1
    wait_until 30 sh -c "kubectl get pod tagged -n lab-created -o jsonpath='{.status.containerStatuses[0].imageID}' | grep -Eqx '127.0.0.1:5000/lab/app@sha256:[0-9a-f]{64}'"
}
check "a container's imageID names the registry and the digest (port kept, pinned digest as given)" t_image_id

t_auth_cmds() {
    k auth can-i list pods | grep -qx yes &&
        { k --context lab-viewer auth can-i list nodes 2> /dev/null | grep -qx no; } &&
        k --context lab-token auth whoami | grep -Eq 'Username +lab-token-user'
}
check "kubectl auth can-i / auth whoami (SelfSubject*Review)" t_auth_cmds

t_sts() {
    k scale sts/db -n data --replicas=3 > /dev/null || return 1
    k rollout status sts/db -n data --timeout=40s > /dev/null || return 1
    [ "$(k get pods -n data -l app=db -o jsonpath='{range .items[*]}{.metadata.name} {end}')" = "db-0 db-1 db-2 " ]
}
check "statefulset scale: ordered pods db-0..db-2, rollout status" t_sts

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
