#!/usr/bin/env bash
# kube-errors.sh: one kind failing while its rows are on screen: a 5xx, a
# 429 with Retry-After, a persistent 410, a body that is not JSON, a body cut
# short, one item nested 100,000 levels deep. Each time the view says STALE
# with the newest reason, keeps its rows, dimmed, asks again only with
# backoff (Retry-After honoured), and is live again once the fault is gone.
# The lists fail when the watch ends and the kind is listed again, which
# `kubelab.sh expire` forces (every watch gets a 410 at the next change:
# the lab churns, so one comes within a second).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2 --churn 1
start_fault_kube
expire() { sh "$LAB/kube/kubelab.sh" expire "$KUBE_DIR" >/dev/null; }
# rules match "METHOD TARGET"; the proxy's log adds " -> STATUS ACTION"
LIST='GET /api/v1/pods[?]limit=500$'
WATCH='GET /api/v1/pods[?]watch=1'
LISTED='GET /api/v1/pods[?]limit=500 ->'
# the crumbs line: " Pods  STALE 3s: <reason>  1/12"
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
live() { ! crumbs_have STALE && screen_has "web-"; }
# the rows are drawn in the dim style (bright black) while stale: every one
# of them, as a pod the churn has just deleted is drawn dim while it goes
DIM=$'\e\\[([0-9;]*;)?(90|38;5;8)m'
web_rows() { tmx capture-pane -p -e | grep -- "web-"; }
rows_dim() { web_rows | grep -q . && ! web_rows | grep -vEq -- "$DIM"; }
rows_normal() { web_rows | grep -vEq -- "$DIM"; }
status_body() { printf '{\\"kind\\":\\"Status\\",\\"status\\":\\"Failure\\",\\"message\\":\\"%s\\",\\"code\\":%s}' "$1" "$2"; }

# -A: every namespace, one list (/api/v1/pods) as the rules expect
tui_start 140 30 -A --log "$T/binnacle.log"
check "rows on screen" wait_until 20 screen_has "web-"

# first, while every backoff is fresh
# ---- a persistent 410 ----
# every watch is refused as too old; the open one is cut, so it starts now
fault '{"reset": 1, "rules":[{"match":"'"$WATCH"'","action":"status","status":410,"body":"'"$(status_body 'too old resource version: 1 (2)' 410)"'"}]}'
mark=$(fault_mark)
sleep 20
n=$(fault_count_since "$mark" 'GET /api/v1/pods[?](limit|watch)')
echo "# pods lists and watches in 20 s under a persistent 410: $n"
tail -n "+$((mark + 1))" "$FAULT_DIR/requests.log" | grep -E 'GET /api/v1/pods[?]' | awk 'NR == 1 { t0 = $1 } { printf "#   +%4.1fs %s %s %s\n", $1 - t0, $3, $5, $6 }' | cut -c1-110
check "410: relists and watches go through the backoff (at most 16 in 20 s, made $n; ~800 in 10 s before)" [ "$n" -le 16 ]
check "410: the rows stay on screen" screen_has "web-"
fault '{}'
keys C-r
check "410: live again" wait_until 20 live

# ---- 5xx ----
fault '{"rules":[{"match":"'"$LIST"'","action":"status","status":500,"body":"'"$(status_body 'etcdserver: request timed out' 500)"'"}]}'
mark=$(fault_mark)
expire
check "5xx: the view says STALE with the server's reason" wait_until 20 crumbs_have "STALE.*etcdserver: request timed out"
check "5xx: the rows stay" screen_has "web-"
check "5xx: and are dimmed" rows_dim
check "5xx: the header does not call the endpoint dead" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
sleep 10
lists=$(fault_count_since "$mark" "$LISTED")
echo "# pods lists under a persistent 500, about 12 s: $lists"
check "5xx: asked again with backoff (at most 7 lists in ~12 s, made $lists)" [ "$lists" -le 7 ]
fault '{}'
keys C-r
check "5xx: ctrl-r lists again at once, and the view is live" wait_until 15 live
check "5xx: the rows are drawn normally again" rows_normal

# ---- 429 with Retry-After ----
fault '{"rules":[{"match":"'"$LIST"'","action":"status","status":429,"times":2,"headers":{"Retry-After":"7"},"body":"'"$(status_body 'too many requests, please try again later' 429)"'"}]}'
mark=$(fault_mark)
expire
check "429: the view says why" wait_until 20 crumbs_have "STALE.*too many requests"
check "429: live again after two refusals" wait_until 40 live
times=$(tail -n "+$((mark + 1))" "$FAULT_DIR/requests.log" | grep -E "$LISTED" | head -3 | awk '{print $1}')
gaps=$(awk 'NR > 1 { printf "%.1f ", $1 - prev } { prev = $1 }' <<<"$times")
echo "# seconds between the pods lists after a 429 with Retry-After: 7: $gaps"
check "429: each retry waited at least the 7 s the server asked ($gaps)" \
	awk -v g="$gaps" 'BEGIN { n = split(g, a, " "); if (n < 2) exit 1; for (i = 1; i <= n; i++) if (a[i] < 6.9) exit 1 }'

# ---- a body that is not JSON ----
fault '{"rules":[{"match":"'"$LIST"'","action":"garbage","body":"<html>502 Bad Gateway</html>"}]}'
expire
check "not JSON: STALE with a sentence" wait_until 20 crumbs_have "STALE.*not a Kubernetes list"
check "not JSON: the rows stay" screen_has "web-"
fault '{}'
keys C-r
check "not JSON: live again" wait_until 20 live

# ---- a body cut short ----
fault '{"rules":[{"match":"'"$LIST"'","action":"truncate","bytes":300}]}'
expire
check "truncated: STALE with what happened" wait_until 20 crumbs_have "STALE.*(closed the connection|not a Kubernetes list|transfer closed)"
check "truncated: the rows stay" screen_has "web-"
fault '{}'
keys C-r
check "truncated: live again" wait_until 20 live

# ---- one item nested 100,000 levels deep ----
fault '{"rules":[{"match":"'"$LIST"'","action":"deep","depth":100000,"times":1}]}'
expire
check "deep item: the rest of the page is shown" wait_until 20 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'skipped 1 of the pods'"
check "deep item: with its rows, live" live
keys q
finish
