#!/usr/bin/env bash
# table-fit.sh: every name is read in full (issue 13). At 120x35 and 80x24,
# against the Kubernetes lab and a Podman engine: pod and node names are
# never cut while another column can give way, columns are dropped before
# any is cut ("Runni…", "10.24…"), headers keep their last letters and the
# sort mark, `w` adds wide columns without cutting the others, an event's
# MESSAGE is the last column with COUNT before it, and the last row on
# screen keeps its last character.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl python3
start_kubelab --port 0
start_podman demo

pods=$(kc get pods -A -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
nodes=$(kc get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
# every_name_whole NAMES: each name on screen is followed by a space or the
# line's end, never by the cut mark; at least one is on screen
every_name_whole() {
	local s n seen=0
	s=$(screen)
	while read -r n; do
		[ -n "$n" ] || continue
		# a name cut short shows as its beginning and the cut mark
		grep -Eq -- "(^| )${n:0:6}[^ ]*…" <<<"$s" && { echo "# $n is cut"; return 1; }
		grep -q -- "$n" <<<"$s" || continue
		seen=1
		grep -Eq -- "(^| )$n( |$)" <<<"$s" || { echo "# $n is not whole"; return 1; }
	done <<<"$1"
	[ $seen = 1 ] || echo "# none of the names is on screen"
	[ $seen = 1 ]
}
no_cut_cells() { ! screen | sed -n '3,$p' | grep -q '…'; }
statuses=$(kc get pods -A --no-headers | awk '{print $4}' | sort -u)
# last_row_whole ROWS: the last row on screen (the table fills it at 80x24) ends in
# a whole value of its last column (an age with its unit, a status kubectl
# shows)
last_row_whole() {
	local last head field
	last=$(screen | sed -n "4,$(($1 - 2))p" | grep -v '^ *$' | tail -1)
	head=$(screen | sed -n 3p)
	field=$(awk '{print $NF}' <<<"$last")
	[ -n "$field" ] || return 1
	case $(awk '{print $NF}' <<<"$head") in
	AGE*) grep -Eq '^[0-9]+[smhdy]$' <<<"$field" ;;
	STATUS*) grep -qx -- "$field" <<<"$statuses" ;;
	*) echo "# the last column is $(awk '{print $NF}' <<<"$head")"; return 1 ;;
	esac
}
widest() { screen | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))'; }

for size in 120x35 80x24; do
	cols=${size%x*} rows=${size#*x}
	tui_start "$cols" "$rows" -A
	wait_until 20 screen_has "Health|Pods"
	keys ':pods' Enter
	check "$size: the pods are listed" wait_until 20 screen_has "web-"
	wait_until 15 screen_has "[0-9]+m +[0-9.]+[MG]iB" || true # metrics, when they come
	check "$size: every pod name on screen is whole" every_name_whole "$pods"
	check "$size: no cell of the pods is cut" no_cut_cells
	check "$size: the sorted header keeps its last letter" screen_has "NAMESPACE↑"
	check "$size: nothing is wider than the terminal" [ "$(widest)" -le "$cols" ]
	check "$size: the last row keeps its last character" last_row_whole "$rows"
	keys w
	check "$size: w keeps the names whole" every_name_whole "$pods"
	check "$size: w cuts no other column" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | sed -n '3,\$p' | grep -Eq 'Runni…|10\\.24…|NAMESPAC…'"
	keys w
	keys ':nodes' Enter
	check "$size: the nodes are listed" wait_until 20 screen_has "lab-worker"
	wait_until 15 screen_has "CPU USE" || true
	check "$size: every node name is whole with metrics" every_name_whole "$nodes"
	kc cordon lab-worker >/dev/null
	check "$size: a cordoned node shows it" wait_until 20 screen_has "SchedulingDisabled"
	check "$size: every node name is whole after a cordon" every_name_whole "$nodes"
	kc uncordon lab-worker >/dev/null
	keys ':events' Enter
	check "$size: the events are listed" wait_until 20 screen_has "LAST SEE"
	check "$size: MESSAGE is the last column" screen_has "MESSAGE *$"
	check "$size: COUNT is not right of MESSAGE" screen_lacks "MESSAGE +COUNT"
	check "$size: the LAST SEEN header is whole" screen_has "LAST SEEN↑"
	keys ':ctx docker' Enter
	keys ':ctr' Enter
	check "$size: the engine's containers" wait_until 20 screen_has "worker"
	check "$size: every container name is whole" wait_until 10 every_name_whole "$(printf 'web\nworker\ncache\ncron\nstandby\nmigrate\n')"
	keys q
	wait_until 5 screen_has "BINNACLE-EXITED" || true
done
finish
