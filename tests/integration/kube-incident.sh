#!/usr/bin/env bash
# kube-incident.sh: the kinds operators reach for in incidents, from the
# dashboard, with kubectl as the witness: a job's logs, a cronjob triggered
# (asked first), suspended and resumed, a secret's values decoded on the key
# and never logged, scaling a deployment an autoscaler controls, set image
# and roll back, edit in $EDITOR (applied; refused on a conflict, the
# object untouched; reopened with the server's error on top; cancelled when
# nothing changed), and the volume, ingress and autoscaler tables.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --job-duration 1 --log-interval 1

kc create configmap edme -n default --from-literal=k=v1 >/dev/null
# one editor for the whole run: what it does is in $T/edit-mode
cat >"$T/editor.sh" <<EOF
#!/bin/sh
n=\$(cat "$T/edit-count" 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >"$T/edit-count"
cp "\$1" "$T/edit-\$n.yaml"
case \$(cat "$T/edit-mode") in
change) sed -i 's/k: v1/k: v2/' "\$1" ;;
conflict)
	kubectl --request-timeout=20s annotate cm edme -n default --overwrite meanwhile=yes >/dev/null
	sed -i 's/k: v2/k: v3/' "\$1" ;;
reopen)
	if grep -q 'refused this edit' "\$1"; then
		sed -i 's/schedule: .*/schedule: "*\/10 * * * *"/' "\$1"
	else
		sed -i 's/schedule: .*/schedule: "not a schedule"/' "\$1"
	fi ;;
esac
EOF
chmod +x "$T/editor.sh"
TUI_ENV="EDITOR=$T/editor.sh" tui_start 160 40 -A --log "$T/binnacle.log"
wait_until 20 screen_has "web-" || { echo "dashboard did not start"; exit 1; }

# ---- jobs and cronjobs ----
keys ':jobs' Enter
check "jobs: the server's columns" wait_until 20 screen_has "NAME +STATUS +COMPLETIONS +DURATION +AGE"
job=$(kc get jobs -n data -o jsonpath='{.items[0].metadata.name}')
tui_select "$job"
keys l
check "a job's logs are its pods' logs" wait_until 15 screen_has "^\\[$job-[a-z0-9]+\\] "
keys Escape

keys ':cj' Enter
tui_select report
keys J
check "trigger asks first" wait_until 5 screen_has "Trigger cronjob report in namespace data on lab\\?"
keys y
check "trigger: kubectl sees a job of the cronjob" \
	wait_until 20 bash -c "kubectl --request-timeout=20s get jobs -n data -o name | grep -q 'job.batch/report-manual-'"
manual=$(kc get jobs -n data -o name | grep report-manual- | head -1)
check "the job it started runs to Complete" \
	bash -c "kubectl --request-timeout=20s wait --for=condition=complete '$manual' -n data --timeout=30s >/dev/null"
check "and it is audited" audit_has $'kind=cronjobs\tname=report\t.*action=trigger\tresult=ok'
keys s
wait_until 5 screen_has "Suspend cronjob report in namespace data on lab\\?" && keys y
check "suspend: kubectl sees the cronjob suspended" \
	wait_until 20 bash -c "[ \"\$(kubectl --request-timeout=20s get cj report -n data -o jsonpath='{.spec.suspend}')\" = true ]"
check "and the SUSPEND column says so" wait_until 20 screen_has "report .* True "
keys s
wait_until 5 screen_has "Suspend cronjob report in namespace data on lab\\?" && keys y
check "again: resumed" \
	wait_until 20 bash -c "[ \"\$(kubectl --request-timeout=20s get cj report -n data -o jsonpath='{.spec.suspend}')\" = false ]"

# ---- secrets ----
keys ':secrets' Enter
tui_select api-keys
check "secrets are listed with their key count, not their values" screen_has "api-keys +Opaque +3 "
check "nothing decoded before the key" screen_lacks "s3cr3t"
keys x
check "x shows the values decoded" wait_until 10 screen_has "^token: s3cr3t-token-42"
check "a multi-line value as a block" screen_has "^config.yaml: \\|"
check "binary data is described, not printed" screen_has "^blob: \\(4 bytes of binary data\\)"
check "no value reaches the log" bash -c "! grep -q 's3cr3t\\|czNjcjN0' '$T/binnacle.log'"
keys Escape

# ---- an autoscaler's bounds ----
keys ':hpa' Enter
check "the autoscalers' table" wait_until 20 screen_has "web +Deployment/web +cpu: [0-9]+%/80% +2 +6 +2"
keys ':deploy' Enter
tui_select web
keys s
check "scaling a workload an HPA controls says so, with its bounds" \
	wait_until 5 screen_has "the autoscaler web keeps it between 2 and"
keys Escape

# ---- set image, roll back ----
keys ':deploy' Enter
tui_select web
keys I
check "set image shows the containers' images" wait_until 5 screen_has "now web=nginx:1.27"
keys C-u 'web=nginx:1.28' Enter
check "set image: kubectl sees the new image" wait_until 20 bash -c \
	"[ \"\$(kubectl --request-timeout=20s get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = nginx:1.28 ]"
kc rollout status deploy/web --timeout=60s >/dev/null
keys u
check "roll back asks for the revision" wait_until 5 screen_has "revision for web \\(now 2"
keys C-u 0 Enter
check "roll back: the image before it again" wait_until 20 bash -c \
	"[ \"\$(kubectl --request-timeout=20s get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')\" = nginx:1.27 ]"

# ---- edit ----
keys ':cm' Enter
tui_select edme
echo change >"$T/edit-mode"
keys e
check "edit: kubectl sees the change" wait_until 20 bash -c \
	"[ \"\$(kubectl --request-timeout=20s get cm edme -o jsonpath='{.data.k}')\" = v2 ]"
check "the editor got YAML with the object's resourceVersion" grep -q '^  resourceVersion: ' "$T/edit-1.yaml"
check "edits are audited" audit_has $'kind=configmaps\tname=edme\t.*action=edit\tresult=ok'
echo conflict >"$T/edit-mode"
keys e
check "a change by someone else meanwhile: refused with a sentence" \
	wait_until 20 screen_has "edme was changed by someone else"
check "and the object keeps the other change, not ours" bash -c \
	"[ \"\$(kubectl --request-timeout=20s get cm edme -o jsonpath='{.data.k}{.metadata.annotations.meanwhile}')\" = v2yes ]"
echo none >"$T/edit-mode"
keys e
check "an edit that changes nothing is cancelled" wait_until 20 screen_has "edit edme cancelled: nothing was changed"
keys ':cj' Enter
tui_select report
echo reopen >"$T/edit-mode"
before=$(cat "$T/edit-count")
keys e
check "a rejected edit reopens the editor with the server's error on top" \
	wait_until 20 bash -c "grep -q '^# The API server refused this edit' '$T/edit-$((before + 2)).yaml' 2>/dev/null"
check "and the corrected edit applies" wait_until 20 bash -c \
	"[ \"\$(kubectl --request-timeout=20s get cj report -n data -o jsonpath='{.spec.schedule}')\" = '*/10 * * * *' ]"

# ---- volumes, ingresses ----
keys ':pvc' Enter
check "claims: bound and pending" wait_until 20 screen_has "data-db-0 +Bound +pvc-"
check "a pending claim" screen_has "scratch +Pending"
keys ':pv' Enter
check "volumes with their claims" wait_until 20 screen_has "Bound +data/data-db-0"
keys ':ing' Enter
check "ingresses with their hosts" wait_until 20 screen_has "shop +nginx +shop.lab.example"
keys ':endpoints' Enter
check "endpoints (:ep is the command that switches endpoints)" wait_until 20 screen_has "web +10\\.[0-9.]+:80"
keys q

# read-only: none of the changing verbs is offered
tui_start 160 40 -A --readonly cronjobs
wait_until 20 screen_has "report" || true
keys J
check "read-only: trigger is not offered" wait_until 5 screen_lacks "trigger cronjob"
keys '?'
check "nor listed in the help" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'run a job of the cronjob now'"
keys q
finish
