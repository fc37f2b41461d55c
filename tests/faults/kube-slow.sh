#!/usr/bin/env bash
# kube-slow.sh: a server that is slow or stops talking without closing
# anything: a list answered after 5 s, a list that is accepted and never
# answered (60 s and more), a watch that carried bookmarks and then goes
# silent. The view says STALE when its data can no longer be trusted (a
# relist that has not answered in 15 s, a watch that missed its bookmarks),
# keeps its rows and its keys, and is live again by itself. The liveness
# times are shortened here (BINNACLE_TEST_LIVENESS: quiet 20 s, probe 10 s,
# a watch silent 12 s) so the test does not wait minutes; kube-outage.sh
# keeps the defaults.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2 --churn 1
start_fault_kube
export BINNACLE_TEST_LIVENESS=20000,10000,12000
expire() { sh "$LAB/kube/kubelab.sh" expire "$KUBE_DIR" >/dev/null; }
LIST='GET /api/v1/pods[?]limit=500$'
WATCH='GET /api/v1/pods[?]watch=1'
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
live() { ! crumbs_have STALE && screen_has "web-"; }

# -A: every namespace, one list (/api/v1/pods) as the rules expect
TUI_ENV="BINNACLE_TEST_LIVENESS=$BINNACLE_TEST_LIVENESS" tui_start 140 30 -A --log "$T/binnacle.log"
check "rows on screen" wait_until 20 screen_has "web-"

# ---- slow: 5 s ----
fault '{"rules":[{"match":"'"$LIST"'","action":"delay","seconds":5}]}'
mark=$(fault_mark)
expire
check "slow 5 s: the relist is asked for" wait_until 20 bash -c "[ \$(sh '$FAULT_LAB' count '$FAULT_DIR' 'pods[?]limit=500 -> 200 delay') -ge 1 ]"
check "slow 5 s: meanwhile the view stays as it was, not stale (under 15 s)" live
check "slow 5 s: and the watch carries on after it" wait_until 20 bash -c "tail -n +$((mark + 1)) '$FAULT_DIR/requests.log' | grep -q 'pods[?]watch=1.* -> 200'"
fault '{}'

# ---- accepted, never answered (and slow 60 s) ----
fault '{"rules":[{"match":"'"$LIST"'","action":"hang","times":1}]}'
expire
check "silent list: after 15 s the rows it would replace are STALE, with why" \
	wait_until 40 crumbs_have "STALE.*has not answered the list of pods"
check "silent list: the rows stay" screen_has "web-"
keys ':deploy' Enter
check "silent list: other views work meanwhile" wait_until 15 screen_has "cart .* [0-9]/[0-9]"
keys ':pods' Enter
check "silent list: the pods view still says so" wait_until 10 crumbs_have "STALE"
# binnacle gives the list 60 s, then asks again (the rule answered only once)
check "silent list: after its 60 s deadline the list is asked again and the view is live" wait_until 90 live

# ---- a watch that goes silent ----
# the watch carries 4 s of events and bookmarks, then nothing more, once
fault '{"rules":[{"match":"'"$WATCH"'","action":"silent","seconds":4,"times":1}]}'
mark=$(fault_mark)
fault '{"reset": 1, "rules":[{"match":"'"$WATCH"'","action":"silent","seconds":4,"times":1}]}'
sleep 6
kc scale deploy/cart -n shop --replicas=4 >/dev/null
check "silent watch: noticed once bookmarks stop coming (12 s here, 90 s by default)" \
	wait_until 40 grep -q "watch of pods has carried no event or bookmark" "$T/binnacle.log"
check "silent watch: watched again, and the change made meanwhile arrives" \
	wait_until 30 bash -c "[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -c '^shop  *cart-') -ge 4 ]"
check "silent watch: resumed from its resourceVersion, not relisted" \
	bash -c "tail -n +$((mark + 1)) '$FAULT_DIR/requests.log' | grep -q 'pods[?]watch=1&resourceVersion=[0-9]'"
check "silent watch: live again" wait_until 20 live
keys q
finish
