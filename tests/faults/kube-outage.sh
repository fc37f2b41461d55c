#!/usr/bin/env bash
# kube-outage.sh: the API server absent when binnacle starts, killed and
# restarted under it, and partitioned away (nothing answers, nothing is
# refused). Each time the screen says so within the README's bound, keeps
# the rows it had, dimmed, keeps working (keys, other views), asks again
# only with backoff, and is live again by itself (or at once with ctrl-r) when
# the server is back.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2
start_fault_kube

# ---- absent at start ----
fault '{"down": true}'
mark=$(fault_mark)
# -A: every namespace (the cart pods are in shop)
tui_start 120 30 -A --log "$T/binnacle.log"
check "absent at start: the dashboard starts and says why" wait_until 15 screen_has "cannot connect to https://127.0.0.1:$FAULT_PORT"
check "absent at start: nothing crashed, q still answers later" screen_lacks "BINNACLE-EXITED"
sleep 12
# a refused connection costs nothing, but it is still asked with backoff:
# about 1, 2, 4, 8 s apart, not every turn of the loop
tries=$(grep -c 'http GET https://127.0.0.1:[0-9]*/version$' "$T/binnacle.log")
check "absent at start: at most 6 connection attempts in 12 s (made $tries)" [ "$tries" -le 6 ]
fault '{}'
keys C-r
check "absent at start: ctrl-r connects at once when the server is back" wait_until 10 screen_has "web-"
check "absent at start: and the header is live" screen_lacks "STALE|OFFLINE"

# ---- killed and restarted ----
check "killed: rows on screen first" wait_until 10 screen_has "cart-"
fault '{"down": true}'
check "killed: shown as stale within seconds" wait_until 15 screen_has "STALE"
check "killed: the rows stay" screen_has "cart-"
keys j
check "killed: keys still work (the help opens)" bash -c "tmux -L '$TMUX_SOCK' send-keys '?' && sleep 1 && tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'Keys in'"
keys Escape
kc scale deploy/cart -n shop --replicas=3 >/dev/null
# requests sent (the log's lines with " -> " are their outcomes)
sent() { grep 'http GET https://127.0.0.1:[0-9]*/' "$T/binnacle.log" | grep -vc -- ' -> '; }
before=$(sent)
sleep 10
tries=$(($(sent) - before))
echo "# requests tried in 10 s while the server was down: $tries"
check "killed: a dead server is asked again with backoff (at most 12 requests in 10 s, made $tries)" [ "$tries" -le 12 ]
fault '{}'
check "restarted: live again by itself (refused connections are retried within 5 s)" wait_until 15 screen_lacks "STALE"
keys ':deploy' Enter
check "restarted: the change made meanwhile is there" wait_until 20 screen_has "cart .* 3/3"
keys ':pods' Enter

# ---- partitioned: every packet dropped, nothing refused ----
# real liveness times: the README says stale within 30 s
check "partition: live before" wait_until 20 screen_lacks "STALE"
fault '{"blackhole": true}'
start=$SECONDS
check "partition: stale within the stated bound (30 s; waited up to 40)" wait_until 40 screen_has "STALE"
took=$((SECONDS - start))
echo "# partition detected after about ${took}s"
check "partition: the reason names the silent server" screen_has "did not answer in time"
check "partition: the rows stay" screen_has "web-"
fault '{}'
check "partition healed: live again" wait_until 60 screen_lacks "STALE"
keys q
finish
