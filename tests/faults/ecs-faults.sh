#!/usr/bin/env bash
# ecs-faults.sh: the ECS dashboard (the services of every cluster of the ECS
# lab) behind the fault proxy: a 5xx on DescribeServices and on ListTasks,
# throttling (HTTP 400 ThrottlingException, as AWS sends it: the lab's own
# throttle, then a persistent one), an unparseable body, the endpoint gone
# and back, a list answered only after 60 s and a describe accepted and
# never answered (STALE once either has been on the wire 15 s, well before
# the AWS client's own 30 s deadline). Each time the view says STALE with
# the newest reason, keeps its rows (dimmed), asks again only as the AWS
# client's retries and the round's pace allow, and is live again once the
# fault is gone. Requests are counted in the proxy's log (AWS JSON
# calls are logged as "POST /#AmazonEC2ContainerServiceV20141113.OP").
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_ecslab
start_fault_ecs
OP='POST /#AmazonEC2ContainerServiceV20141113'
DESCRIBE="$OP.DescribeServices"
# the crumbs line: " ECS services   STALE: <reason>  18/19"
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
header_has() { tmx capture-pane -p | head -1 | grep -Eq -- "$1"; }
live() { ! header_has STALE && ! crumbs_have STALE && screen_has "^lab-ec2 +web "; }
# the rows are drawn in the dim style (bright black) while stale
rows_dim() { tmx capture-pane -p -e | grep -- "web " | grep -Eq $'\e\\[([0-9;]*;)?(90|38;5;8)m'; }
rows_normal() { ! tmx capture-pane -p -e | grep -- "web " | grep -Eq $'\e\\[([0-9;]*;)?(90|38;5;8)m'; }
ecs_error() { printf '{\\"__type\\":\\"%s\\",\\"message\\":\\"%s\\"}' "$1" "$2"; }
# per_second MARK REGEX: the matching requests after MARK, counted per second
per_second() {
	tail -n "+$(($1 + 1))" "$FAULT_DIR/requests.log" | grep -E -- "$2" |
		awk 'NR == 1 { t0 = $1 } { n[int($1 - t0)]++ } END { for (s in n) printf "+%ds:%d ", s, n[s] }'
}

tui_start 160 30 --log "$T/binnacle.log" ecs-services
check "rows on screen" wait_until 30 live

# ---- 5xx on DescribeServices ----
fault '{"rules":[{"match":"'"$DESCRIBE"'","action":"status","status":500,"body":"'"$(ecs_error ServerException 'Service Unavailable. Please try again later.')"'"}]}'
mark=$(fault_mark)
check "5xx: the view says STALE with the server's reason" wait_until 20 crumbs_have "STALE.*ServerException: Service Unavailable"
check "5xx: the rows stay" screen_has "^lab-ec2 +web "
check "5xx: and are dimmed" rows_dim
check "5xx: the header does not call the endpoint dead" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
sleep 6
n=$(fault_count_since "$mark" "$DESCRIBE.* -> 500")
rounds=$(fault_count_since "$mark" "$OP.ListServices")
echo "# DescribeServices under a persistent 500, about 8 s: $n ($rounds ListServices); per second: $(per_second "$mark" "$DESCRIBE")"
# a round describes the 3 clusters' services in 4 calls, each tried 3 times
# (the AWS client's transient retries), and comes again 3 s after it ends
check "5xx: at most 3 tries a call, rounds 3 s apart (at most 48 in ~8 s, made $n)" [ "$n" -le 48 ]
# a fault that lasts: the rounds back off (3 s doubling), not every 3 s
# (which would be 6 rounds, 72 calls, in these ~22 s)
sleep 14
n=$(fault_count_since "$mark" "$DESCRIBE.* -> 500")
echo "# DescribeServices under a persistent 500, about 22 s: $n; per second: $(per_second "$mark" "$DESCRIBE")"
check "5xx that lasts: the rounds back off (at most 48 calls in ~22 s, made $n)" [ "$n" -le 48 ]
fault '{}'
check "5xx: live again by itself" wait_until 40 live
check "5xx: the rows are drawn normally again" rows_normal

# ---- throttling: the lab refuses every second call of each operation (HTTP 400 ThrottlingException) ----
lab_control 'throttle?rate=0.5'
mark=$(fault_mark)
m2=$(wc -l <"$T/binnacle.log")
sleep 6
lab_control 'throttle?rate=0'
thr=$(fault_count_since "$mark" "$OP.* -> 400")
all=$(fault_count_since "$mark" "$OP")
# the lab's count is per operation, so one of several concurrent calls of an
# operation may be the refused one every time and give up after 6 tries
gaveup=$(tail -n "+$((m2 + 1))" "$T/binnacle.log" | grep -c 'try 6)' || true)
echo "# with every second call throttled, about 6 s: $all calls, $thr refused, $gaveup calls at their 6th try"
check "throttled half the time: the refused calls were tried again ($thr of $all)" [ "$thr" -ge 1 ] && [ "$all" -gt "$thr" ]
check "throttled half the time: live once it stops" wait_until 30 live

# ---- throttling that does not stop ----
fault '{"rules":[{"match":"'"$DESCRIBE"'","action":"status","status":400,"body":"'"$(ecs_error ThrottlingException 'Rate exceeded')"'"}]}'
mark=$(fault_mark)
check "throttled: STALE, saying so" wait_until 40 crumbs_have "STALE.*kept throttling the requests \\(Rate exceeded\\)"
check "throttled: the rows stay" screen_has "^lab-ec2 +web "
n=$(fault_count_since "$mark" "$DESCRIBE")
echo "# DescribeServices until the view said it was throttled: $n; per second: $(per_second "$mark" "$DESCRIBE")"
# 4 calls, each tried 6 times with a growing backoff (0.3 s doubling, jittered)
check "throttled: each call gave up after 6 tries, not more (at most 48, made $n)" [ "$n" -le 48 ]
fault '{}'
keys C-r
check "throttled: ctrl-r asks again at once: live" wait_until 10 live

# ---- a body that is not JSON ----
fault '{"rules":[{"match":"'"$DESCRIBE"'","action":"garbage","body":"<html>502 Bad Gateway</html>"}]}'
check "not JSON: STALE with a sentence" wait_until 20 crumbs_have "STALE.*not JSON"
check "not JSON: the rows stay" screen_has "^lab-ec2 +web "
fault '{}'
check "not JSON: live again" wait_until 20 live

# ---- the endpoint gone, then back ----
fault '{"down": true}'
mark=$(fault_mark)
m2=$(wc -l <"$T/binnacle.log")
check "down: the header says STALE, cannot connect" wait_until 20 header_has "STALE: cannot connect"
check "down: the rows stay" screen_has "^lab-ec2 +web "
sleep 6
calls=$(tail -n "+$((m2 + 1))" "$T/binnacle.log" | grep -c 'aws .* ecs\.[A-Za-z]* -> 0 ')
attempts=$(tail -n "+$((m2 + 1))" "$T/binnacle.log" | grep -E '^[0-9:.]+ ecs .*cannot connect.*; again in [0-9]+ ms' |
	sed 's/.*again in \([0-9]*\) ms.*/\1/' | tr '\n' ' ')
n=$(wc -w <<<"$attempts")
echo "# while the endpoint was gone, about 8 s: $n attempts (each then waiting, ms: $attempts), $calls calls"
# an attempt is a round's calls (ListClusters, ListServices per cluster), each
# tried 3 times by the AWS client; the attempts go through the backoff (1 s doubling)
check "down: attempts go through the backoff (at most 5 in ~8 s, made $n)" [ "$n" -le 5 ]
check "down: each attempt's calls tried at most 3 times ($calls calls for $n attempts)" [ "$calls" -le $(((n + 1) * 12)) ]
fault '{}'
check "down: live again by itself" wait_until 45 live

# ---- slow: a list answered only after 60 s ----
# one cluster's ListServices waits 60 s at the proxy; the AWS client gives
# up on it after 30 s and asks again (answered). Meanwhile the round cannot
# end: after 15 s on the wire its rows are shown stale, saying which call.
fault '{"rules":[{"match":"'"$OP.ListServices"'","action":"delay","seconds":60,"times":1}]}'
check "slow 60 s: after 15 s the view says STALE: the ECS API has not answered" \
	wait_until 40 crumbs_have "STALE.*the ECS API has not answered ListServices of cluster [a-z0-9-]+ for 15 s"
check "slow 60 s: the rows stay" screen_has "^lab-ec2 +web "
check "slow 60 s: and are dimmed" rows_dim
check "slow 60 s: the header does not call the endpoint dead" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
check "slow 60 s: live again once the call asked again is answered" wait_until 45 live
check "slow 60 s: the rows are drawn normally again" rows_normal
fault '{}'

# ---- accepted, never answered; meanwhile a 5xx on ListTasks in the tasks view ----
fault '{"rules":[{"match":"'"$DESCRIBE"'","action":"hang","times":4}]}'
hmark=$(fault_mark)
check "silent: the describe calls are accepted and not answered" \
	wait_until 20 bash -c "[ \$(tail -n +$((hmark + 1)) '$FAULT_DIR/requests.log' | grep -cE '$DESCRIBE.* hang') -ge 4 ]"
check "silent: the rows stay" screen_has "^lab-ec2 +web "
check "silent: after 15 s the view says STALE: the ECS API has not answered" \
	wait_until 25 crumbs_have "STALE.*the ECS API has not answered DescribeServices of cluster [a-z0-9-]+ for 15 s"
check "silent: the rows are still there" screen_has "^lab-ec2 +web "
check "silent: and are dimmed" rows_dim
# while those wait for their deadline (the services round is held by them),
# the tasks view has rounds of its own
keys ':tasks' Enter
# (at 160 columns the full task ids leave no room for CLUSTER)
check "tasks: listed" wait_until 20 screen_has "^(lab-ec2 +)?api .* RUNNING"
fault '{"rules":[{"match":"'"$OP.ListTasks"'","action":"status","status":503,"body":"'"$(ecs_error ServerException 'Service Unavailable. Please try again later.')"'"}]}'
mark=$(fault_mark)
check "ListTasks 5xx: STALE with the reason" wait_until 20 crumbs_have "STALE.*ServerException"
check "ListTasks 5xx: the rows stay" screen_has "^(lab-ec2 +)?api .* RUNNING"
fault '{}'
n=$(fault_count_since "$mark" "$OP.ListTasks")
echo "# ListTasks under the 503: $n"
check "ListTasks 5xx: live again" wait_until 20 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -2 | grep -q STALE"
# the AWS client gives a call 30 s, then tries it again
check "silent: after the call's deadline it is asked again and answered" \
	wait_until 60 bash -c "[ \$(tail -n +$((hmark + 1)) '$FAULT_DIR/requests.log' | grep -cE '$DESCRIBE.* -> 200') -ge 1 ]"
first=$(tail -n "+$((hmark + 1))" "$FAULT_DIR/requests.log" | grep -E "$DESCRIBE.* hang" | head -1 | awk '{print $1}')
again=$(tail -n "+$((hmark + 1))" "$FAULT_DIR/requests.log" | grep -E "$DESCRIBE.* -> 200" | head -1 | awk '{print $1}')
n=$(tail -n "+$((hmark + 1))" "$FAULT_DIR/requests.log" | awk -v a="$again" '$1 <= a' | grep -cE "$DESCRIBE")
echo "# DescribeServices from the hang to the first answer: $n, $(awk -v a="$first" -v b="$again" 'BEGIN { printf "%.1f", b - a }') s apart"
check "silent: nothing asked again before the deadline (the 4 hung, then their retries: $n)" [ "$n" -le 8 ]
keys ':ecs-services' Enter
check "silent: the services view is live again" wait_until 20 live
keys q
finish
