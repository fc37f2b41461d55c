#!/usr/bin/env bash
# daily-kube.sh: a k9s user's first hour with the Kubernetes lab (issue 13),
# at 120x35 and 80x24. Bugs: a deployment with a sidecar gives merged logs
# (its main container, or the one picked), not "a container name must be
# specified"; the help and the hints agree on w for wrap, and the help
# lists :ns NAME and :ctx; "abc" in the scale dialog is refused there and
# can be corrected; the audit log keeps the name and the value apart.
# k9s habits: a question naming kind, namespace and endpoint; / empty each
# time with Up recalling; Ctrl-A; :ctx alone; Shift sorts; 0-9 namespace
# favourites; - back; E events; ? in the viewers; unknown keys said.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0

for size in 120x35 80x24; do
	cols=${size%x*} rows=${size#*x}
	tui_start "$cols" "$rows" -A pods
	check "$size: the dashboard opens" wait_until 20 screen_has "Pods in all namespaces"

	# merged logs of a deployment whose pods have a sidecar
	keys ':deploy' Enter
	tui_select frontend
	keys l
	check "$size: a sidecar's deployment asks whose logs" wait_until 10 screen_has "Which container of its pods\\?"
	keys Enter
	check "$size: merged logs, each line named by its pod" wait_until 15 screen_has "\\[frontend-"
	check "$size: no complaint about a container name" screen_lacks "container name must be specified|no log lines"
	keys Escape

	# the question names kind, namespace and endpoint; a typed value is checked
	tui_select web
	keys r
	check "$size: restart asks, naming kind, namespace and endpoint" wait_until 5 screen_has "Restart deployment web in namespace default on lab\\?"
	keys n
	keys s
	wait_until 5 screen_has "replicas for web"
	keys C-u abc Enter
	check "$size: abc is refused in the dialog, which stays to be corrected" wait_until 5 screen_has "must be a whole number"
	keys C-u 3 Enter
	check "$size: then the corrected value scales" wait_until 30 screen_has "^(default +)?web +3/3"
	check "$size: the audit log keeps the name and the value apart" audit_has $'name=web\t.*value=3\taction=scale\tresult=ok'
	kc scale deploy/web --replicas=2 >/dev/null

	# / opens empty each time, Up recalls the last filter
	keys ':pods' Enter
	keys / web Enter
	wait_until 5 screen_has "/web  1/"
	keys /
	check "$size: / opens empty" wait_until 5 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | tail -1)\" = / ]"
	keys Up
	check "$size: Up recalls the last filter" wait_until 5 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | tail -1 | grep -q '^/web'"
	keys Escape Escape

	# Shift sorts
	keys N
	check "$size: N sorts by name" wait_until 5 screen_has "NAME[↑↓]"
	keys A
	check "$size: A sorts by age" wait_until 5 screen_has "AGE[↑↓]"
	keys S
	check "$size: S sorts by status" wait_until 5 screen_has "STATUS[↑↓]"

	# - goes back to the previous view
	keys ':svc' Enter
	wait_until 5 screen_has "CLUSTER-IP"
	keys -
	check "$size: - goes back to the previous view" wait_until 5 screen_has "Pods in all namespaces"

	# favourites: the namespaces used last, on 1-9; 0 for all
	keys ':ns shop' Enter
	wait_until 10 screen_has "Pods in namespace shop"
	keys ':ns monitoring' Enter
	wait_until 10 screen_has "Pods in namespace monitoring"
	keys 2
	check "$size: 2 goes back to the namespace used before" wait_until 10 screen_has "Pods in namespace shop"
	keys 0
	check "$size: 0 shows every namespace" wait_until 10 screen_has "Pods in all namespaces"

	# :ctx alone and Ctrl-A are tables to pick from
	keys ':ctx' Enter
	check "$size: :ctx alone lists the contexts" wait_until 5 screen_has "^lab-token "
	keys / token Enter Enter
	check "$size: Enter switches to the picked one" wait_until 15 screen_has "binnacle lab-token "
	keys C-a
	check "$size: Ctrl-A lists the views and their aliases" wait_until 5 screen_has "^Deployments +:deployments"
	keys / '^Stateful' Enter Enter
	check "$size: Enter opens the picked view" wait_until 10 screen_has "StatefulSets"

	# E: events of the object; d and ? in the viewer
	keys ':pods' Enter
	keys / '^web-' Enter
	wait_until 10 screen_has "^(default +)?web-"
	wait_until 10 screen_has "/\\^web-  [0-9]+/2"
	keys g
	keys E
	check "$size: E shows the events of the selected object" wait_until 20 screen_has "Events \\(events of Pod"
	keys Escape
	keys d
	check "$size: d describes the pod" wait_until 10 screen_has "^Name: "
	keys '?'
	check "$size: ? works in the viewer" wait_until 5 screen_has "keys of the viewer"
	check "$size: the viewer's help says w wraps" screen_has "[x|] w +wrap long lines"
	keys Escape
	check "$size: the viewer's hints say w wraps too" wait_until 5 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | tail -1 | grep -q '<w> wrap'"
	keys Escape
	keys '?'
	wait_until 5 screen_has "Keys in Pods"
	help=""
	for _ in $(seq 1 12); do help+=$(screen)$'\n'; keys PageDown; done
	check "$size: the help lists :ns NAME" grep -q ":ns, :namespace \\[NAME|all\\]" <<<"$help"
	check "$size: and :ctx" grep -q ":ctx \\[NAME\\]" <<<"$help"
	check "$size: and says w wraps in the viewers, never W" bash -c "grep -Eq '^ *w +wrap long lines' <<<\"\$1\" && ! grep -Eq '^ *W +wrap' <<<\"\$1\"" _ "$help"
	keys Escape

	# a key that does nothing here says so
	keys Z
	check "$size: an unknown key says so briefly" wait_until 5 screen_has "Z: no such key here"
	keys q
	wait_until 5 screen_has "BINNACLE-EXITED" || true
done
finish
