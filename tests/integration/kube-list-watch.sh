#!/usr/bin/env bash
# kube-list-watch.sh: the Kubernetes backend against the lab API server,
# with kubectl as the witness: lists match kubectl's, pod statuses are
# computed as kubectl shows them, changes arrive through the watch without
# any relist, the connection survives an API server restart, and 401/403
# become one readable sentence while the rest keeps working.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2

count_json() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
check "pods: as many as kubectl lists" \
	[ "$(run_binnacle get pods -A -o json | count_json)" -eq "$(kc get pods -A -o name | wc -l)" ]
check "nodes: as many as kubectl lists" \
	[ "$(run_binnacle get nodes -o json | count_json)" -eq "$(kc get nodes -o name | wc -l)" ]
pods=$(run_binnacle get pods -A)
status_of() { kc get pods -A --no-headers | awk -v p="$1" '$2 ~ "^"p {print $4; exit}'; }
check "CrashLoopBackOff or Error as kubectl computes it" \
	grep -Eq "checkout-[a-z0-9-]+ +[0-9]/[0-9] +($(status_of checkout))" <<<"$pods"
check "ImagePullBackOff or ErrImagePull (the lab alternates them) as kubectl computes it" \
	grep -Eq "payments-[a-z0-9-]+ +0/1 +(ImagePullBackOff|ErrImagePull)" <<<"$pods"
check "the control plane node has its role" grep -Eq "lab-control-plane +Ready +control-plane" <<<"$(run_binnacle get nodes)"
check "deployments show ready/desired" grep -Eq "default +web +2/2 " <<<"$(run_binnacle get deploy -A)"
check "warning events are listed" wait_until 30 binnacle_prints Warning get events -A

tui_start 140 40 -A --log "$T/binnacle.log"
check "the dashboard opens on pods" wait_until 20 screen_has "web-"
keys ':deploy' Enter
wait_until 5 screen_has "UP-TO-DATE"
kc scale deploy/cart -n shop --replicas=4 >/dev/null
check "a change made with kubectl arrives through the watch" wait_until 20 screen_has "cart .* 4/4"
keys ':pods' Enter
victim=$(kc get pods -n shop -l app=cart -o name | head -1 | cut -d/ -f2)
kc delete pod -n shop "$victim" --wait=false >/dev/null
check "a pod deleted with kubectl shows Terminating or goes" \
	wait_until 20 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep '$victim' | grep -q Running"
lists=$(grep -c 'http GET .*/api/v1/pods?limit=500 ->' "$T/binnacle.log")
check "pods were listed once and then only watched" [ "$lists" -eq 1 ]
check "the watch resumes from a resourceVersion with bookmarks" \
	grep -q 'api/v1/pods?watch=1&resourceVersion=[0-9]*&allowWatchBookmarks=true' "$T/binnacle.log"

# a dropped connection re-watches by itself: restart the API server on its port
port=$(cat "$KUBE_DIR/port")
sh "$LAB/kube/kubelab.sh" stop "$KUBE_DIR" >/dev/null
check "a dead API server shows as stale" wait_until 20 screen_has "STALE"
sh "$LAB/kube/kubelab.sh" start "$KUBE_DIR" --port "$port" --bookmark-interval 2 >/dev/null
check "binnacle reconnects by itself" wait_until 45 screen_lacks "STALE"
kc scale deploy/catalog -n shop --replicas=3 >/dev/null
keys ':deploy' Enter
check "and is live again" wait_until 30 screen_has "catalog .* 3/3"
keys q
tmx kill-server

# who may not: a readable sentence for that view, the rest keeps working
err=$(run_binnacle get nodes --endpoint lab-viewer 2>&1)
check "403: says who cannot do what" grep -q 'nodes is forbidden: User "lab-viewer" cannot list resource "nodes"' <<<"$err"
check "while pods still list for that user" binnacle_prints web- get pods --endpoint lab-viewer
err=$(run_binnacle get pods --endpoint lab-expired 2>&1)
check "401: one sentence naming the credential" grep -q 'rejected user "lab-expired" (bearer token) as unauthorized' <<<"$err"
tui_start 140 40 --endpoint lab-viewer
keys ':nodes' Enter
check "in the dashboard the forbidden view says so" wait_until 20 screen_has "cannot list nodes: nodes is forbidden"
keys ':pods' Enter
check "and the other views keep working" wait_until 20 screen_has "web-"
finish
