#!/bin/bash
# demo.sh: binnacle's first-run demo launcher (the README's first command).
#
#   tests/lab/demo.sh PATH_TO_BINNACLE [ARGS...]
#
# On a machine where binnacle finds something of its own to show (a
# configuration file, a kubeconfig, a Docker or Podman engine), binnacle
# simply runs with ARGS. Otherwise the labs of every backend start in a
# private directory — a private container registry (the real CNCF
# distribution) with multi-platform images, a Podman engine with demo
# containers (one runs an image pulled from that registry), the Kubernetes
# lab API server (a pod runs it too), the ECS lab (clusters on EC2 and
# Fargate, with exec and logs) — each with a few real problems among them (a
# container that exited with an error, a crash-looping and an
# image-pull-failing deployment, an ECS service whose tasks keep stopping),
# binnacle opens on its health screen across all of them, and
# everything the demo started is stopped when binnacle exits. Another lab
# joins by adding its name to LABS and a start_NAME / stop_NAME pair that
# appends its endpoint to the demo's configuration. Exits with binnacle's
# exit status.
set -eu

me="binnacle demo"

if [ $# -lt 1 ]; then
	echo "usage: $0 PATH_TO_BINNACLE [ARGS...]" >&2
	exit 2
fi
bin=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

# Something to show already: the user's own setup wins.
config=${XDG_CONFIG_HOME:-$HOME/.config}/binnacle/config.yaml
kubeconfig=${KUBECONFIG:-$HOME/.kube/config}
if [ -f "$config" ] || [ -f "${kubeconfig%%:*}" ] || "$bin" get nodes -o json </dev/null >/dev/null 2>&1; then
	exec "$bin" "$@"
fi

uid=$(id -u)
base=${XDG_RUNTIME_DIR:-/tmp}
lab=$base/binnacle-demo-$uid

# In a shared /tmp the directory must be ours and private.
[ -e "$lab" ] || mkdir -m 700 "$lab" 2>/dev/null || true
if [ -L "$lab" ] || [ ! -d "$lab" ] || [ "$(stat -c %u "$lab")" != "$uid" ]; then
	echo "$me: $lab is not a private directory of yours; not using it" >&2
	exec "$bin" "$@"
fi
chmod 700 "$lab"
demo_config=$lab/demo.yaml
echo "endpoints:" >"$demo_config"

# ---- the labs: start_NAME appends its endpoint to $demo_config ----

LABS="registry podman kube ecs"
started=""
registry=""  # host:port once the registry lab runs
app_digest=""

start_registry() {
	command -v docker-registry >/dev/null 2>&1 && command -v skopeo >/dev/null 2>&1 || {
		echo "$me: install docker-registry and skopeo for the demo registry" >&2
		return 1
	}
	mkdir -p "$lab/registry"
	"$here/registry/reglab.sh" start "$lab/registry" --auth htpasswd >/dev/null || return 1
	"$here/registry/reglab.sh" seed "$lab/registry" --tags 40 >/dev/null 2>&1 || return 1
	registry=$(sed -n 's/^REGISTRY=//p' "$lab/registry/env")
	app_digest=$(awk '$1 == "lab/app:1.1.0" { print $2 }' "$lab/registry/seed.txt")
	cat >>"$demo_config" <<EOF
  - name: registry
    type: registry
    url: $registry
    username: lab
    password: labpass
EOF
}
stop_registry() { "$here/registry/reglab.sh" stop "$lab/registry" >/dev/null 2>&1 || true; }

start_podman() {
	local out rc=0
	# the engine's state sits in $lab itself: podman refuses a runroot path
	# longer than 50 characters
	out=$("$here/podman-lab.sh" demo "$lab") || rc=$?
	if [ "$rc" != 0 ]; then
		[ "$rc" = 77 ] && echo "$me: install podman, runc and busybox-static for the demo engine" >&2
		return 1
	fi
	# a job that failed: something for the health screen
	"$here/podman-lab.sh" podman "$lab" run -d --name backup --label binnacle.demo=1 \
		localhost/busybox:lab sh -c 'echo "backup: /var/backups is full" >&2; exit 2' >/dev/null 2>&1 || true
	# an image from the registry runs here: U on its tag finds it
	if [ -n "$registry" ]; then
		"$here/podman-lab.sh" podman "$lab" pull -q --creds lab:labpass "$registry/lab/app:1.1.0" >/dev/null 2>&1 &&
			"$here/podman-lab.sh" podman "$lab" run -d --name app --label binnacle.demo=1 \
				"$registry/lab/app:1.1.0" sleep 100000 >/dev/null 2>&1 || true
	fi
	cat >>"$demo_config" <<EOF
  - name: engine
    type: docker
    host: ${out#DOCKER_HOST=}
EOF
}
stop_podman() { "$here/podman-lab.sh" stop "$lab" >/dev/null 2>&1 || true; }

start_kube() {
	command -v python3 >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 || return 1
	local out
	mkdir -p "$lab/kube"
	# the lab's defaults: a crash-looping and an image-pull-failing deployment
	out=$(sh "$here/kube/kubelab.sh" start "$lab/kube" --port 0) || return 1
	# a pod of the registry's image, pinned by digest as deployments often are
	if [ -n "$app_digest" ] && command -v kubectl >/dev/null 2>&1; then
		KUBECONFIG=${out#KUBECONFIG=} kubectl --context lab run app --image="$registry/lab/app@$app_digest" \
			--restart=Never >/dev/null 2>&1 || true
	fi
	cat >>"$demo_config" <<EOF
  - name: cluster
    type: kubernetes
    kubeconfig: ${out#KUBECONFIG=}
    context: lab
EOF
}
stop_kube() { sh "$here/kube/kubelab.sh" stop "$lab/kube" >/dev/null 2>&1 || true; }

start_ecs() {
	command -v python3 >/dev/null 2>&1 || return 1
	mkdir -p "$lab/ecs"
	sh "$here/ecs/ecslab.sh" start "$lab/ecs" >/dev/null 2>"$lab/ecs.err" || return 1
	# the lab's credentials, as real ones would be found
	for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
	set -a
	# shellcheck disable=SC1091
	. "$lab/ecs/env"
	set +a
	cat >>"$demo_config" <<EOF
  - name: aws
    type: ecs
    region: ${AWS_DEFAULT_REGION:-us-east-1}
EOF
}
stop_ecs() { sh "$here/ecs/ecslab.sh" stop "$lab/ecs" >/dev/null 2>&1 || true; }

stop_all() {
	[ -n "$started" ] && echo "$me: stopping the demo labs" >&2
	for name in $started; do
		"stop_$name"
	done
}
trap stop_all EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

echo "$me: nothing configured here; starting the demo labs in $lab" >&2
for name in $LABS; do
	if "start_$name"; then
		started="$started $name"
	else
		echo "$me: the $name lab did not start (logs in $lab)" >&2
		"stop_$name"
	fi
done
if [ -z "$started" ]; then
	echo "$me: no lab could start; running binnacle as it is" >&2
	trap - EXIT
	exec "$bin" "$@"
fi

rc=0
"$bin" --config "$demo_config" "$@" || rc=$?
exit "$rc"
