#!/usr/bin/env bash
# kube-scale.sh: end to end in a real terminal against the lab API server:
# open :deploy, scale one deployment to 5, see 5 pods running on screen,
# roll it back to 2.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0

tui_start 120 40 -A
check "the dashboard opens" wait_until 20 screen_has "Pods"
keys ':deploy' Enter
check ":deploy shows the deployments" wait_until 10 screen_has "UP-TO-DATE"
tui_select web
keys s
wait_until 5 screen_has "replicas for web"
keys C-u 5 Enter
check "the deployment reaches 5/5" wait_until 30 screen_has "^default +web +5/5"
keys Enter
check "Enter lists its pods" wait_until 10 screen_has "Pods \\(deployment web\\)"
running() { tmux -L "$TMUX_SOCK" capture-pane -p | grep -c '^default .*web-.* Running '; }
check "5 pods running on screen" wait_until 30 bash -c "[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -c ' 1/1 .*Running ') -eq 5 ]"
keys Escape Escape
wait_until 5 screen_has "UP-TO-DATE"
tui_select web
keys s
wait_until 5 screen_has "replicas for web \\(now 5\\)"
keys C-u 2 Enter
check "rolled back to 2/2" wait_until 30 screen_has "^default +web +2/2"
check "kubectl agrees" bash -c "[ \"\$(kubectl get deploy web -o jsonpath='{.status.readyReplicas}')\" = 2 ]"
finish
