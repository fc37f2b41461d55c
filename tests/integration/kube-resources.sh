#!/usr/bin/env bash
# kube-resources.sh: every resource a cluster serves, found by discovery and
# shown as the server's tables, with kubectl as the witness: each listable
# `kubectl api-resources` name lists as many objects in `binnacle get` as
# kubectl does, with kubectl's columns (a CRD's printer columns included);
# short names, plural.group and a category only one resource is in name a
# view; the dashboard starts on a discovered kind, finds a CRD created while
# it runs, deletes (confirmed) and edits a custom object; two clusters with
# different CRDs each show their own.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --port 0 --bookmark-interval 2
ONE=$KUBECONFIG

# crd NAME KIND PLURAL SHORT CATEGORY SCOPE COLUMNS-JSON: a CRD, established
crd() {
	cat >"$T/crd-$1.json" <<EOF
{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
 "metadata": {"name": "$3.lab.example"},
 "spec": {"group": "lab.example", "scope": "$6",
  "names": {"kind": "$2", "plural": "$3", "singular": "$1", "shortNames": ["$4"], "categories": ["$5"]},
  "versions": [{"name": "v1", "served": true, "storage": true,
   "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
   "additionalPrinterColumns": $7}]}}
EOF
	kc apply -f "$T/crd-$1.json" >/dev/null &&
		kc wait --for=condition=Established "crd/$3.lab.example" --timeout=20s >/dev/null
}
widget_columns='[{"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
 {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
 {"name": "Phase", "type": "string", "jsonPath": ".status.phase"},
 {"name": "Zones", "type": "string", "priority": 1, "jsonPath": ".spec.zones[*]"},
 {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]'
gadget_columns='[{"name": "Owner", "type": "string", "jsonPath": ".spec.owner"},
 {"name": "Ready", "type": "boolean", "jsonPath": ".status.ready"},
 {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]'
crd widget Widget widgets wg widgetry Namespaced "$widget_columns" || { echo "the lab refused the CRD"; exit 1; }
kc apply -f - >/dev/null <<'EOF'
{"apiVersion": "lab.example/v1", "kind": "Widget", "metadata": {"name": "sprocket", "namespace": "shop"},
 "spec": {"size": 3, "color": "blue", "zones": ["a", "b"]}, "status": {"phase": "Ready"}}
EOF

# ---- binnacle get, beside kubectl ----
# -A: every namespace, as the kubectl witness is asked (the lab's context names "default")
count_json() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
same_count() { [ "$(run_binnacle get "$1" -A -o json | count_json)" -eq "$(kc get "$1" -A -o name | wc -l)" ]; }
names=$(kc api-resources --verbs=list -o name)
listed=0 differ=""
for r in $names; do
	# events come and go while both list; polled, never retried past a crash
	if wait_until 10 same_count "$r"; then listed=$((listed + 1)); else differ="$differ $r"; fi
done
check "every listable api-resources name lists as kubectl does ($listed)" [ -z "$differ" ]
[ -z "$differ" ] || echo "# differ:$differ"

# header KIND: the table's first line, spaces collapsed
header() { head -1 | tr -s ' ' | sed 's/ $//'; }
for r in jobs cronjobs hpa pvc pv ingresses storageclasses secrets configmaps endpoints endpointslices \
	poddisruptionbudgets serviceaccounts ingressclasses widgets; do
	check "get $r: kubectl's columns" [ "$(run_binnacle get "$r" -A | header)" = "$(kc get "$r" -A | header)" ]
done
out=$(run_binnacle get widgets -A)
check "a CRD's printer columns fill the row" grep -Eq '^shop +sprocket +3 +blue +Ready +[0-9]+[smh]' <<<"$out"
out=$(run_binnacle get wg -A -o wide)
check "its short name, and -o wide adds the priority column" grep -Eq 'SIZE +COLOR +PHASE +ZONES' <<<"$out"
check "a JSONPath of several values prints the first, as the server does" grep -Eq 'Ready +a +' <<<"$out"
check "a category only it is in names it too" binnacle_prints sprocket get widgetry -A
check "and plural.group" binnacle_prints sprocket get widgets.lab.example -A
check "the typed kinds answer to plural.group too" binnacle_prints 'default +web ' get deployments.apps -A
check "the server's Name cell as kubectl prints it" binnacle_prints '^standard \(default\) ' get sc -A
err=$(run_binnacle get nosuchthings 2>&1)
check "a kind nobody serves is refused, naming the known ones" grep -q 'unknown kind "nosuchthings" (known: .*widgets' <<<"$err"
err=$(run_binnacle get selfsubjectreviews 2>&1)
check "a resource the server cannot list says so" grep -q 'offers no list of it' <<<"$err"

# ---- the dashboard ----
cat >"$T/editor.sh" <<'EOF'
#!/bin/sh
sed -i 's/size: 3/size: 5/' "$1"
EOF
chmod +x "$T/editor.sh"
TUI_ENV="EDITOR=$T/editor.sh" tui_start 140 40 -A widgets --log "$T/binnacle.log"
check "binnacle starts on a discovered kind" wait_until 20 screen_has "^ Widgets"
check "with the printer columns" wait_until 10 screen_has "sprocket +3 +blue +Ready"
check "listed and watched as the server's Table" \
	grep -q 'http GET .*/widgets?watch=1&resourceVersion=' "$T/binnacle.log"
kc patch widget sprocket -n shop --type merge -p '{"spec":{"color":"green"}}' >/dev/null
check "a change arrives through the watch" wait_until 20 screen_has "sprocket +3 +green"

crd gadget Gadget gadgets gd doohickeys Cluster "$gadget_columns"
kc apply -f - >/dev/null <<'EOF'
{"apiVersion": "lab.example/v1", "kind": "Gadget", "metadata": {"name": "g1"},
 "spec": {"owner": "ops"}, "status": {"ready": true}}
EOF
keys ':gd' Enter
check "a CRD created while running is found when asked for" wait_until 20 screen_has "^ Gadgets"
check "cluster-scoped: no NAMESPACE column" wait_until 10 screen_has "^NAM[^ ]* +OWNER +READY +AGE"
check "a boolean printer column" wait_until 10 screen_has "g1 +ops +true"
keys ':nosuchview' Enter
check "a name nothing serves is said" wait_until 25 screen_has 'lab serves nothing called "nosuchview"'

keys ':widgets' Enter
tui_select sprocket
keys d
check "describe works on a discovered kind, its spec included" wait_until 10 screen_has "^  size: [0-9]+"
keys Escape
keys y
check "and its YAML" wait_until 10 screen_has "^kind: Widget"
keys Escape
keys e
check "edit in \$EDITOR: kubectl sees the change" \
	wait_until 20 bash -c "[ \"\$(kubectl --request-timeout=20s get widget sprocket -n shop -o jsonpath='{.spec.size}')\" = 5 ]"
check "and the screen too" wait_until 20 screen_has "sprocket +5 +green"
keys C-d
check "delete asks first" wait_until 5 screen_has "Delete widget sprocket in namespace shop on lab\\?"
keys y
check "delete: kubectl no longer sees it" \
	wait_until 20 bash -c "! kubectl --request-timeout=20s get widget sprocket -n shop >/dev/null 2>&1"
keys q
tmx kill-server

# ---- two clusters, different CRDs ----
KUBE_ONE=$KUBE_DIR
start_two() {
	KUBE_DIR="$T/kube2"
	mkdir -p "$KUBE_DIR"
	cleanup "sh '$LAB/kube/kubelab.sh' stop '$KUBE_DIR'"
	local out
	out=$(sh "$LAB/kube/kubelab.sh" start "$KUBE_DIR" --port 0) || { echo "FAIL: the second lab did not start"; exit 1; }
	export "${out?}"
}
start_two
TWO=$KUBECONFIG
crd gizmo Gizmo gizmos gz tools Namespaced '[{"name": "Spin", "type": "integer", "jsonPath": ".spec.spin"}]'
kc apply -f - >/dev/null <<'EOF'
{"apiVersion": "lab.example/v1", "kind": "Gizmo", "metadata": {"name": "whirl", "namespace": "default"}, "spec": {"spin": 7}}
EOF
export KUBECONFIG=$ONE
cat >"$T/two.yaml" <<EOF
endpoints:
  - name: one
    type: kubernetes
    context: lab
    kubeconfig: $ONE
  - name: two
    type: kubernetes
    context: lab
    kubeconfig: $TWO
EOF
out=$(run_binnacle -c "$T/two.yaml" get gadgets -A)
check "cluster one's CRD lists from one" grep -Eq '^g1 +ops +true' <<<"$out"
out=$(run_binnacle -c "$T/two.yaml" get gizmos -A)
check "cluster two's CRD from two, with its own columns" grep -Eq '^default +whirl +7$' <<<"$out"
tui_start 140 40 -A -c "$T/two.yaml" --endpoint two
keys ':gizmos' Enter
check "the dashboard on two shows its CRD" wait_until 20 screen_has "whirl +7"
keys ':gadgets' Enter
check "and not the other cluster's" wait_until 25 screen_has 'two serves nothing called "gadgets"'
keys q
finish
