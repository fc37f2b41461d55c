#!/usr/bin/env bash
# get-empty.sh: `binnacle get` on an empty list says so as kubectl does
# ("No resources found" on stderr, nothing on stdout, exit 0; `-o json` an
# empty array), for every kind and output format, on a real Podman engine
# with no container, on a lab cluster with no statefulset and no event yet
# (kubectl is the witness), and across several endpoints.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl python3
start_podman start
# the smallest cluster: the control plane and kube-system, nothing else happens
start_kubelab --port 0 --nodes 1 --namespaces 0 --deployments 0 --statefulsets 0 --daemonsets 0

# empty_get DESCRIPTION FORMAT ARGS...: binnacle get ARGS -o FORMAT prints
# what an empty list prints, and exits 0.
empty_get() {
	local d=$1 fmt=$2 rc=0
	shift 2
	run_binnacle get "$@" -o "$fmt" >"$T/out" 2>"$T/err" || rc=$?
	local want_out="" want_err="No resources found"
	if [ "$fmt" = json ]; then
		want_out="[]" want_err=""
	fi
	if [ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$want_out" ] && [ "$(cat "$T/err")" = "$want_err" ]; then
		ok "$d (-o $fmt)"
	else
		not_ok "$d (-o $fmt)" "exit $rc, stdout: $(cat "$T/out"), stderr: $(cat "$T/err")"
	fi
}

# ---- Podman: an engine with no container, as a new user has ----
kube=$KUBECONFIG
export KUBECONFIG="$T/no-kubeconfig"
check "the engine has no container" [ -z "$(lab_podman ps -aq)" ]
for fmt in table wide json; do
	empty_get "containers of an engine with none" "$fmt" containers
	for kind in images nodes; do
		empty_get "$kind filtered to nothing" "$fmt" "$kind" --filter no-such-thing
	done
done

# ---- Kubernetes: what kubectl says of the same lists ----
export KUBECONFIG=$kube
saved=$DOCKER_HOST
unset DOCKER_HOST
kc get statefulsets -A >"$T/kout" 2>"$T/kerr"
check "kubectl: no statefulset (the witness)" \
	[ ! -s "$T/kout" ] && [ "$(cat "$T/kerr")" = "No resources found" ]
for fmt in table wide json; do
	empty_get "statefulsets of a cluster with none" "$fmt" statefulsets
	empty_get "events before any exists" "$fmt" events
	for kind in pods deployments daemonsets replicasets services namespaces nodes; do
		empty_get "$kind filtered to nothing" "$fmt" "$kind" --filter no-such-thing
	done
done
check "kubectl agrees that no event exists yet" [ -z "$(kc get events -A -o name)" ]
check "a list with rows still has its header" binnacle_prints '^NAME +STATUS +ROLES' get nodes

# ---- several endpoints: the Kubernetes context and the engine at once ----
export DOCKER_HOST=$saved
for fmt in table wide json; do
	empty_get "nodes of two endpoints filtered to nothing" "$fmt" nodes --filter no-such-thing
done
check "one endpoint empty, the other not: its rows under an ENDPOINT column" \
	binnacle_prints '^lab +lab-control-plane ' get nodes --filter lab-control-plane
finish
