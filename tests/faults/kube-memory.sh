#!/usr/bin/env bash
# kube-memory.sh: a server that sends too much: a 1.5 GiB body, a gzip body
# that inflates to 2 GiB, a watch line that never ends, a page of 100,000
# pods from a server that ignores limit=, and one of a million. Each is one
# sentence on screen and a failed request, the rows already there stay, the
# keys keep working, and binnacle's peak memory stays far below what the
# server sent (its VmHWM is printed for the record).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2 --churn 1
start_fault_kube
expire() { sh "$LAB/kube/kubelab.sh" expire "$KUBE_DIR" >/dev/null; }
LIST='GET /api/v1/pods[?]limit=500$'
WATCH='GET /api/v1/pods[?]watch=1'
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
live() { ! crumbs_have STALE && screen_has "web-"; }
PIDF="$T/binnacle.pid"
peak() { binnacle_peak_kb "$PIDF"; }
# MiB of peak memory, and whether it stayed under LIMIT MiB
# The sanitiser build's own memory is not binnacle's: its shadow memory and
# the quarantine that keeps freed blocks (256 MiB by default; 32 here) count
# in VmHWM, so there the bound is doubled.
factor=1
if ldd "$BINNACLE" 2>/dev/null | grep -q libasan; then
	factor=2
	export ASAN_OPTIONS="$ASAN_OPTIONS:quarantine_size_mb=32"
fi
under() { local kb; kb=$(peak); echo "# peak memory so far: $((kb / 1024)) MiB"; [ "$kb" -lt $(($1 * factor * 1024)) ]; }
keys_work() { keys ':deploy' Enter; wait_until 15 screen_has "cart .* [0-9]/[0-9]" && keys ':pods' Enter; }

# -A: every namespace, one list (/api/v1/pods) as the rules expect (cart is in shop)
TUI_PIDFILE=$PIDF tui_start 140 30 -A --log "$T/binnacle.log"
check "rows on screen" wait_until 20 screen_has "web-"
echo "# peak memory at the start: $(($(peak) / 1024)) MiB"

fault '{"rules":[{"match":"'"$LIST"'","action":"huge","bytes":1610612736,"times":1}]}'
expire
check "1.5 GiB body: one sentence" wait_until 30 crumbs_have "STALE.*larger than 64 MiB"
check "1.5 GiB body: the rows stay" screen_has "web-"
check "1.5 GiB body: the keys work" keys_work
check "1.5 GiB body: memory stays under 300 MiB" under 300
check "1.5 GiB body: live again (the next list passes)" wait_until 40 live

fault '{"rules":[{"match":"'"$LIST"'","action":"gzip","bytes":2147483648,"times":1}]}'
expire
check "gzip bomb: one sentence (the inflated size counts)" wait_until 60 crumbs_have "STALE.*larger than 64 MiB"
check "gzip bomb: memory stays under 300 MiB" under 300
check "gzip bomb: live again" wait_until 40 live

fault '{"reset": 1, "rules":[{"match":"'"$WATCH"'","action":"endless","times":1}]}'
check "endless watch line: one sentence" wait_until 60 crumbs_have "STALE.*sent a line longer than 16 MiB"
check "endless watch line: memory stays under 300 MiB" under 300
check "endless watch line: live again" wait_until 40 live

fault '{"rules":[{"match":"'"$LIST"'","action":"items","count":100000,"times":1}]}'
expire
check "100,000 pods in one page: refused with a sentence" \
	wait_until 60 crumbs_have "STALE.*sent 100000 pods in one page"
check "100,000 pods: none of them reached the table" screen_lacks "flood-"
check "100,000 pods: the keys work" keys_work
check "100,000 pods: memory stays under 300 MiB" under 300
check "100,000 pods: live again" wait_until 40 live

fault '{"rules":[{"match":"'"$LIST"'","action":"items","count":1000000,"times":1}]}'
expire
check "a million pods in one page: stopped at the body cap" wait_until 60 crumbs_have "STALE.*larger than 64 MiB"
check "a million pods: memory stays under 300 MiB" under 300
check "a million pods: live again" wait_until 40 live
keys q
finish
