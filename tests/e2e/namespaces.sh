#!/usr/bin/env bash
# namespaces.sh: switching namespaces as a k9s user does (issue 13). The
# dashboard opens on the context's namespace (the lab's contexts say
# "default"), named on the second line even at 80 columns; `:ns all` then
# `:ns monitoring` never shows the old namespace's rows under the new name,
# and Ctrl-D acts on the new rows at once; `:ns nope` says there is no such
# namespace and changes nothing. At 120x35 and 80x24.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0

# shows_only HEADER PATTERN OTHERS: once the header says HEADER, for about
# two seconds every capture with that header has rows of PATTERN only, never
# one matching OTHERS (captures from before the command was read are not
# judged: the old namespace's rows are right under the old header)
shows_only() {
	local i s seen=0
	wait_until 10 screen_has "$1" || return 1
	for i in $(seq 1 20); do
		s=$(screen)
		if grep -Eq -- "$1" <<<"$s"; then
			s=$(sed -n '4,$p' <<<"$s")
			grep -Eq -- "$3" <<<"$s" && { echo "# old rows on screen: $(grep -E -- "$3" <<<"$s" | head -1)"; return 1; }
			grep -Eq -- "$2" <<<"$s" && seen=1
		fi
		sleep 0.1
	done
	[ $seen = 1 ] || wait_until 10 screen_has "$2"
}

for size in 120x35 80x24; do
	cols=${size%x*} rows=${size#*x}
	tui_start "$cols" "$rows" --endpoint lab
	check "$size: the dashboard opens on the context's namespace" wait_until 20 screen_has "Pods in namespace default"
	check "$size: with its pods only" wait_until 10 screen_has "^web-"
	check "$size: and no other namespace's" screen_lacks "node-exporter|coredns"
	keys ':ns all' Enter
	check "$size: :ns all shows every namespace" wait_until 10 screen_has "Pods in all namespaces"
	wait_until 10 screen_has "coredns"
	keys ':ns monitoring' Enter
	check "$size: :ns monitoring never shows the old rows" shows_only "Pods in namespace monitoring" "^node-exporter-" "web-|coredns|db-0|cart-"
	check "$size: and names the namespace" screen_has "Pods in namespace monitoring"
	keys C-d
	check "$size: Ctrl-D acts on the new namespace's rows at once" wait_until 5 screen_has "node-exporter-[a-z0-9]+ in namespace monitoring"
	keys n
	keys ':ns nope' Enter
	check "$size: :ns nope says there is no such namespace" wait_until 5 screen_has 'no namespace "nope"'
	check "$size: and keeps the namespace" screen_has "Pods in namespace monitoring"
	keys q
	wait_until 5 screen_has "BINNACLE-EXITED" || true
done
finish
