#!/usr/bin/env bash
# health.sh: one screen for what is broken across a Podman engine and two
# Kubernetes lab clusters (one healthy, one with a crashing and an
# image-pull-failing deployment): `binnacle health` lists what was broken
# and exits 1, the healthy cluster has no problem, a lab killed shows its
# endpoint stale while the others stay live; and in the dashboard, a
# deployment broken in the healthy cluster appears on the health screen,
# Enter goes to it, scaling it to zero there clears the problem.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_podman start
lab_podman run -d --name broken localhost/busybox:lab sh -c 'exit 3' >/dev/null
lab_podman run -d --name fine localhost/busybox:lab sleep 600 >/dev/null

start_kubelab --port 0 --crashing 0 --imagepull 0 --crash-after 1 --crash-backoff 1
prod=$KUBECONFIG
stage_dir="$T/stage"
mkdir -p "$stage_dir"
cleanup "sh '$LAB/kube/kubelab.sh' stop '$stage_dir'"
stage=$(sh "$LAB/kube/kubelab.sh" start "$stage_dir" --port 0 --crash-after 1 --crash-backoff 1) || exit 1
stage=${stage#KUBECONFIG=}

cfg="$XDG_CONFIG_HOME/health.yaml"
cat >"$cfg" <<EOF
endpoints:
  - name: engine
    type: docker
    host: $DOCKER_HOST
  - name: prod
    type: kubernetes
    kubeconfig: $prod
    context: lab
  - name: stage
    type: kubernetes
    kubeconfig: $stage
    context: lab
EOF

out="$T/health.out"
health() { "$BINNACLE" -c "$cfg" health --timeout 30s "$@" >"$out" 2>&1; }
health_says() { health; grep -Eq -- "$1" "$out"; }
check "the crash loop in stage shows up" wait_until 60 health_says '^critical +stage +pods shop/checkout-.*(CrashLoopBackOff|BackOff)'
check "the failing image pulls" grep -Eq '^critical +stage +pods shop/payments-[a-z0-9-]+ +(ImagePullBackOff|ErrImagePull)' "$out"
check "the deployments short of their replicas" grep -Eq '^critical +stage +deployments shop/payments +0 of 2 ready' "$out"
check "the container that exited with an error" grep -Eq '^warning +engine +containers broken +exited with code 3' "$out"
check "not the one that runs" bash -c "! grep -q 'containers fine' '$out'"
check "nothing on the healthy cluster" bash -c "! grep -Eq '^(critical|warning) +prod ' '$out'"
check "its counts" grep -Eq '^prod +kubernetes +live +nodes ready 4/4 · workloads at desired [0-9]+/[0-9]+ +0$' "$out"
health
check "binnacle health exits 1 when something is wrong" [ $? -eq 1 ]
health -o json
check "-o json lists the endpoints and problems" python3 -c "
import json,sys
d=json.load(open('$out'))
assert len(d['endpoints'])==3, d['endpoints']
assert any(p['endpoint']=='stage' and p['level']=='critical' for p in d['problems'])
assert not any(p['endpoint']=='prod' for p in d['problems'])"

# only the healthy cluster: nothing wrong, exit 0
cat >"$XDG_CONFIG_HOME/prod.yaml" <<EOF
endpoints:
  - name: prod
    type: kubernetes
    kubeconfig: $prod
    context: lab
EOF
"$BINNACLE" -c "$XDG_CONFIG_HOME/prod.yaml" health --timeout 30s >"$T/prod.out" 2>&1
check "binnacle health exits 0 when nothing is wrong" [ $? -eq 0 ]
check "and says so" grep -q '^No problems.' "$T/prod.out"

# the dashboard opens on health with three endpoints
# every namespace (-A): the contexts say default, and @all below reaches shop
tui_start 160 45 -c "$cfg" -A
check "the dashboard opens on the health screen" wait_until 20 screen_has "Problems: [0-9]+, worst first"
check "with a line per endpoint" wait_until 20 bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^prod +kubernetes +live' && tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^stage +kubernetes +live'"

keys '/' 'engine' Enter
check "/ narrows the problems" wait_until 10 bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^warning +engine +containers broken' && ! tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^critical +stage'"
keys Escape
check "Esc shows them all again" wait_until 10 screen_has "^critical +stage"

# break web in the healthy cluster: a bad image, the old pods gone
KUBECONFIG=$prod kc set image deploy/web web=lab/doesnotexist:1 >/dev/null
KUBECONFIG=$prod kc delete pod -n default -l app=web --wait=false >/dev/null
check "a deployment broken in prod appears on the health screen" \
	wait_until 30 screen_has "critical +prod +deployments default/web +0 of 2 ready"
# worst first, then by endpoint: prod's critical problem is the first line
first_problem() { screen | grep -E '^(critical|warning|cleared) ' | head -1 | grep -Eq 'prod +deployments default/web'; }
check "worst first, by endpoint" first_problem
keys g
keys Enter
check "Enter goes to it on its endpoint" wait_until 10 screen_has "prod .*Kubernetes"
check "in its view, filtered to it" wait_until 10 screen_has "/\\^web\\$  1/1"
keys s
check "the scale dialog opens on it" wait_until 5 screen_has "replicas for web"
keys C-u 0 Enter
check "scaled to zero" wait_until 30 screen_has "^(default +)?web +0/0"
keys Escape Escape
check "Esc comes back to the health screen" wait_until 10 screen_has "Problems: [0-9]+"
check "where the problem has cleared" wait_until 30 screen_has "cleared +prod +deployments default/web"

# one kind from every endpoint that serves it, in one table
keys ':deploy @all' Enter
check ":deploy @all shows every endpoint's deployments" wait_until 15 screen_has "Deployments \\(all endpoints\\)"
check "with an ENDPOINT column" wait_until 10 screen_has "^ENDPOINT +NAMESPACE"
check "rows of both clusters" wait_until 10 bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^prod +default +web' && tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^stage +default +web'"
keys '/' '^stage$' Enter
check "the filter matches the endpoint too" wait_until 10 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^prod '"
keys Escape '/' '^payments$' Enter
wait_until 10 screen_has "/\\^payments\\$  1/"
keys G
keys d
check "describe acts on the row's own endpoint" wait_until 15 screen_has "^[Nn]amespace: +shop"
check "and the header follows the row" screen_has "binnacle stage "
keys Escape Escape Escape ':containers @all' Enter
check ":containers @all mixes the engine's containers with the clusters'" wait_until 15 bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^engine +' && tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^(prod|stage) +'"
keys ':health' Enter
wait_until 10 screen_has "Problems: [0-9]+"

# a lab killed: its endpoint stale, the others live
sh "$LAB/kube/kubelab.sh" stop "$stage_dir"
check "a lab killed shows its endpoint stale" wait_until 60 screen_has "^stage +kubernetes +stale since"
check "while the others stay live" screen_has "^prod +kubernetes +live"
check "and it is a problem of its own" wait_until 10 screen_has "critical +stage +endpoint stage"
keys q
finish
