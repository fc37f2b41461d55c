#!/usr/bin/env bash
# kube-actions.sh: every Kubernetes action from the dashboard, checked with
# kubectl: scale, rollout restart, delete, cordon/uncordon (each asked
# first), drain with its options and a disruption budget, exec, logs
# follow/previous/merged (a sidecar's pods asking which container), describe
# as kubectl does it and YAML with events, a token refreshed from the exec
# plugin mid-run, and read-only mode.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --log-interval 1 --crash-after 2 -v

tui_start 140 40 -A --log "$T/binnacle.log"
wait_until 20 screen_has "web-" || { echo "dashboard did not start"; exit 1; }

keys ':deploy' Enter
tui_select web
keys s
check "scale asks for the replicas, showing the current count" wait_until 5 screen_has "replicas for web \\(now 2[;)]"
keys C-u abc Enter
check "a value that is not a count is said in the dialog, which stays" wait_until 5 screen_has "must be a whole number"
keys C-u 3 Enter
check "scale: kubectl sees 3 replicas" wait_until 20 bash -c "[ \"\$(kubectl get deploy web -o jsonpath='{.spec.replicas}')\" = 3 ]"
check "and the scale subresource was used" wait_until 5 grep -q 'http PATCH .*/deployments/web/scale ->' "$T/binnacle.log"
keys r
check "restart asks first, naming kind, namespace and endpoint" wait_until 5 screen_has "Restart deployment web in namespace default on lab\\?"
keys y
check "rollout restart sets kubectl's restartedAt annotation" wait_until 20 bash -c \
	"kubectl get deploy web -o jsonpath='{.spec.template.metadata.annotations}' | grep -q restartedAt"
check "actions are audited, the value in its own field" wait_until 10 audit_has $'endpoint=lab\tkind=deployments\tname=web\t.*value=3\taction=scale\tresult=ok'

keys ':pods' Enter
victim=$(kc get pods -n shop -l app=cart -o name | head -1 | cut -d/ -f2)
tui_select "$victim"
keys C-d
check "delete asks first, saying delete" wait_until 5 screen_has "Delete pod $victim in namespace shop on lab\\?"
keys y
check "delete: kubectl no longer sees the pod" wait_until 30 bash -c "! kubectl get pod -n shop '$victim' >/dev/null 2>&1"

# a pod whose name stays put (the rollout restart above replaced web's pods)
web=db-1
tui_select "$web"
keys s
check "exec opens a shell in the pod over WebSocket" wait_until 15 screen_has "shell in $web on lab"
keys 'echo KMARK-$((6*7)); stty size' Enter
check "the command's output comes back" wait_until 10 screen_has "^KMARK-42"
check "on a TTY sized like the terminal" wait_until 10 screen_has "^40 140"
keys 'exit 5' Enter
check "the exit status comes from the status channel" wait_until 15 screen_has "shell in $web: exit status 5"
keys s
wait_until 15 screen_has "shell in $web on lab" && wait_until 10 screen_has '[#$] *$'
# Esc typed as the shell ends is the dashboard's: it clears the filter
keys 'exit' Enter Escape
wait_until 15 screen_has "shell in $web: exit status 0"
check "a key typed right as the shell ends reaches the dashboard" wait_until 5 screen_lacks "/\\^$web\\$"
tui_select "$web"

keys l
check "logs open on the pod's last lines" wait_until 10 screen_has "FOLLOW"
last_line() { tmux -L "$TMUX_SOCK" capture-pane -p | grep -v 'FOLLOW\|^<' | grep . | tail -1; }
first=$(last_line)
check "logs follow: lines produced after the viewer opened arrive" wait_until 15 bash -c \
	"[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -v 'FOLLOW\\|^<' | grep . | tail -1)\" != '$first' ]"
keys Escape
crasher=$(kc get pods -n shop -l app=checkout -o name | head -1 | cut -d/ -f2)
tui_select "$crasher"
keys l
wait_until 10 screen_has "FOLLOW|stream ended"
keys P
check "P shows the previous instance's logs" wait_until 10 screen_has "\\(previous\\)"
keys Escape ':deploy' Enter
tui_select frontend
keys l
check "a deployment with a sidecar asks which container's logs" wait_until 10 screen_has "Which container of its pods\\?"
keys Enter
check "a deployment's logs merge its pods, each line named" wait_until 15 screen_has "\\[frontend-"
check "without the pods' complaint about a missing container name" screen_lacks "container name must be specified"
keys Escape

keys ':pods' Enter
sidecar=$(kc get pods -n shop -l app=frontend -o name | head -1 | cut -d/ -f2)
tui_select "$sidecar"
keys l
check "a pod with several containers asks which one" wait_until 10 screen_has "Which container\\?"
check "offering every container at once" screen_has "every container"
keys j Enter
check "and opens the chosen container's logs" wait_until 10 screen_has "logs $sidecar/"
keys Escape
keys l
wait_until 10 screen_has "Which container\\?"
keys G Enter
check "every container merged, each line named by its container" wait_until 15 screen_has "^\\[[a-z-]+\\] "
keys Escape
tui_select "$web"
keys d
check "d describes as kubectl does" wait_until 10 screen_has "^Name: +$web"
check "with its containers' state" wait_until 5 screen_has "State: +Running since"
check "and its events" screen_has "^Events:"
keys Escape y
check "y shows the object as YAML" wait_until 10 screen_has "^kind: Pod"
keys G
check "with its recent events at the end" wait_until 5 screen_has "recentEvents:"
keys y
check "y again shows it as JSON" wait_until 10 screen_has '"kind": "Pod"'
keys Escape

keys ':nodes' Enter
tui_select lab-worker2
keys c
wait_until 5 screen_has "Cordon node lab-worker2 on lab\\?" && keys y
check "cordon: kubectl sees the node unschedulable" wait_until 20 bash -c \
	"[ \"\$(kubectl get node lab-worker2 -o jsonpath='{.spec.unschedulable}')\" = true ]"
check "and the screen says SchedulingDisabled" wait_until 10 screen_has "SchedulingDisabled"
keys u
wait_until 5 screen_has "Uncordon node lab-worker2 on lab\\?" && keys y
check "uncordon" wait_until 20 bash -c "[ -z \"\$(kubectl get node lab-worker2 -o jsonpath='{.spec.unschedulable}')\" ]"
dbnode=$(kc get pod -n data db-0 -o jsonpath='{.spec.nodeName}')
tui_select "$dbnode"
keys x
check "drain asks its options first" wait_until 5 screen_has "grace seconds or -1, timeout seconds"
keys C-u 'grace=5 timeout=12 delete-emptydir-data=yes force=no' Enter
check "then asks, with the options" wait_until 5 screen_has "Drain node $dbnode on lab with grace=5"
keys y
check "drain asks again for the pod a disruption budget protects, then reports it" wait_until 60 screen_has "protected by a disruption budget after the timeout: data/db-0"
check "it was asked more than once" bash -c "[ \$(grep -c 'http POST .*/pods/db-0/eviction ->' '$T/binnacle.log') -ge 2 ]"
check "and evicted the others through the eviction API" grep -q 'http POST .*/pods/.*/eviction ->' "$T/binnacle.log"
keys q
tmx kill-server

# a token that expires mid-run is refreshed from the exec plugin
python3 - "$KUBE_DIR/kubeconfig" "$LAB/kube/execcred.py" "$KUBE_DIR" <<'PY'
import sys, re
path, plugin, state = sys.argv[1:4]
text = open(path).read()
# the lab-exec user: short-lived tokens (8 s), so one expires during the test
text = re.sub(r'(--ttl\s*\n\s*-\s*)"?\d+"?', r'\g<1>"8"', text)
if '--ttl' not in text:
    text = text.replace('- --state-dir', '- --ttl\n      - "8"\n      - --state-dir', 1)
open(path, 'w').write(text)
PY
mints() { wc -l <"$KUBE_DIR/tokens.csv"; }
before=$(mints)
tui_start 140 40 --endpoint lab-exec --log "$T/exec.log"
check "the exec plugin's token opens the dashboard" wait_until 20 screen_has "web-"
sleep 10
keys ':svc' Enter
check "after the token expired, a new request still works" wait_until 20 screen_has "ClusterIP"
check "because the plugin was run again for a fresh token" bash -c "[ \$(wc -l <'$KUBE_DIR/tokens.csv') -ge $((before + 2)) ]"
check "after the API server said 401" grep -q '401 on GET' "$T/exec.log"
keys q
tmx kill-server

# read-only: nothing that changes anything reaches the API server
: >"$KUBE_DIR/kubelab.err"
tui_start 140 40 -A --readonly
wait_until 20 screen_has "web-"
keys ':deploy' Enter
tui_select web
for k in s r C-d; do keys "$k"; sleep 0.3; keys C-u 9 Enter Escape; done
keys ':pods' Enter
tui_select "$web"
for k in s C-d; do keys "$k"; sleep 0.3; keys y Escape; done
keys ':nodes' Enter
tui_select lab-worker
for k in c x; do keys "$k"; sleep 0.3; keys y Escape; done
sleep 1
check "read-only sends no POST, PUT, PATCH or DELETE" \
	bash -c "! grep -Eq ' (POST|PUT|PATCH|DELETE) \"' '$KUBE_DIR/kubelab.err'"
check "while it did read" grep -q ' GET "' "$KUBE_DIR/kubelab.err"
finish
