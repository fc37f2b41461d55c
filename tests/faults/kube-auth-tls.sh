#!/usr/bin/env bash
# kube-auth-tls.sh: credentials that stop working mid-session (a token the
# server no longer accepts; an exec plugin's token that expired, renewed
# without the user noticing) and a server whose TLS certificate is not the
# one the kubeconfig trusts. One sentence on screen each time, the rows
# kept, no hammering, and live again once it is fixed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2 --churn 1
start_fault_kube
header_has() { tmx capture-pane -p | head -1 | grep -Eq -- "$1"; }
unauthorized='{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}'
body401=$(printf '%s' "$unauthorized" | sed 's/"/\\"/g')

# ---- a bearer token the server stops accepting ----
# wide enough for the header's countdown and the whole sentence
tui_start 200 30 -A --endpoint lab-token --log "$T/binnacle.log"
check "token: rows on screen" wait_until 20 screen_has "web-"
fault '{"reset": 1, "rules":[{"match":".","action":"status","status":401,"body":"'"$body401"'"}]}'
check "token: one sentence naming the credential" wait_until 20 header_has 'rejected user "lab-token" \(bearer token\) as unauthorized'
check "token: the rows stay" screen_has "web-"
before=$(fault_count '-> 401')
sleep 15
tries=$(($(fault_count '-> 401') - before))
echo "# requests refused with 401 in 15 s: $tries"
check "token: refused credentials are not retried in a loop (at most 8 in 15 s, made $tries)" [ "$tries" -le 8 ]
fault '{}'
keys C-r
check "token: accepted again: live" wait_until 20 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
keys q
tmx kill-server

# ---- an exec plugin's token expires: renewed, the same request sent again ----
tui_start 140 30 -A --endpoint lab-exec --log "$T/binnacle-exec.log"
check "exec plugin: rows on screen" wait_until 30 screen_has "web-"
fault '{"rules":[{"match":"GET /api/v1/pods[?]limit=500$","action":"status","status":401,"times":1,"body":"'"$body401"'"}]}'
sh "$LAB/kube/kubelab.sh" expire "$KUBE_DIR" >/dev/null
check "exec plugin: a 401 renews the token" wait_until 30 grep -q "401 on GET /api/v1/pods?limit=500, renewing credentials" "$T/binnacle-exec.log"
check "exec plugin: and the list went through with the new one" \
	wait_until 20 bash -c "[ \$(sh '$FAULT_LAB' count '$FAULT_DIR' 'pods[?]limit=500 -> 200') -ge 1 ]"
check "exec plugin: nothing for the user to see" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -2 | grep -q STALE"
keys q
tmx kill-server
fault '{}'

# ---- a certificate the kubeconfig does not trust ----
tui_start 200 30 -A --log "$T/binnacle-tls.log"
check "bad TLS: rows on screen" wait_until 20 screen_has "web-"
fault '{"reset": 1, "tls": "bad"}'
# the header may count down to the next attempt first: "STALE retry in 3s (ctrl-r: now): ..."
check "bad TLS: STALE, saying TLS failed" \
	wait_until 30 header_has "STALE( retry in [0-9]+s \\([^)]*\\))?: TLS with https://127.0.0.1:$FAULT_PORT failed"
check "bad TLS: the rows stay" screen_has "web-"
fault '{"reset": 2, "tls": "good"}'
keys C-r
check "bad TLS: the right certificate again: live" wait_until 30 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
keys q
finish
