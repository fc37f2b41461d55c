#!/bin/bash
# demo.sh: binnacle's first-run demo launcher (the README's first command).
#
#   tests/lab/demo.sh PATH_TO_BINNACLE [ARGS...]
#
# When binnacle finds a container runtime by itself (DOCKER_HOST, a docker
# context, /var/run/docker.sock, podman sockets), it is used as it is.
# Otherwise a private Podman lab with a few demo containers is started
# (tests/lab/podman-lab.sh demo). Likewise, unless AWS credentials already
# reach an ECS account, the ECS lab (tests/lab/ecs: three clusters on EC2 and
# Fargate, with exec and logs) is started and its credentials exported, so
# binnacle finds it the way it finds a real account. binnacle runs with ARGS
# beside them, and whatever was started is stopped when it exits. Exits with
# binnacle's exit status.
set -eu

me="binnacle demo"

if [ $# -lt 1 ]; then
    echo "usage: $0 PATH_TO_BINNACLE [ARGS...]" >&2
    exit 2
fi
bin=$1
shift

here=$(cd "$(dirname "$0")" && pwd)
uid=$(id -u)
base=${XDG_RUNTIME_DIR:-/tmp}
lab=$base/binnacle-demo-$uid

# In a shared /tmp the directory must be ours and private.
[ -e "$lab" ] || mkdir -m 700 "$lab" 2>/dev/null || true
private=1
if [ -L "$lab" ] || [ ! -d "$lab" ] || [ "$(stat -c %u "$lab")" != "$uid" ]; then
    echo "$me: $lab is not a private directory of yours; not using it" >&2
    private=0
else
    chmod 700 "$lab"
fi

podman_owner=0
ecs_owner=0
stop_labs() {
    if [ "$podman_owner" = 1 ]; then
        echo "$me: stopping the demo engine" >&2
        "$here/podman-lab.sh" stop "$lab" >/dev/null 2>&1 || true
    fi
    if [ "$ecs_owner" = 1 ]; then
        echo "$me: stopping the ECS lab" >&2
        sh "$here/ecs/ecslab.sh" stop "$lab/ecs" >/dev/null 2>&1 || true
    fi
}
trap stop_labs EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- a container engine ----
if [ "$private" = 1 ] && ! "$bin" get nodes -o json </dev/null >/dev/null 2>&1; then
    # Another demo may be running from the same directory: share its lab and
    # leave it running.
    if [ "$(curl -s --max-time 2 --unix-socket "$lab/api.sock" http://d/_ping 2>/dev/null)" = OK ]; then
        export DOCKER_HOST="unix://$lab/api.sock"
    else
        echo "$me: no container runtime found; starting a private Podman engine in $lab" >&2
        rc=0
        out=$("$here/podman-lab.sh" demo "$lab") || rc=$?
        if [ "$rc" = 0 ]; then
            podman_owner=1
            case $out in
            DOCKER_HOST=unix://*) export DOCKER_HOST="${out#DOCKER_HOST=}" ;;
            *) echo "$me: unexpected output from podman-lab.sh: $out" >&2 ;;
            esac
        elif [ "$rc" = 77 ]; then
            echo "$me: install podman, runc and busybox-static for the demo engine" >&2
        else
            echo "$me: the demo engine failed to start (logs in $lab)" >&2
        fi
    fi
fi

# ---- an Amazon ECS account ----
if [ "$private" = 1 ] && ! "$bin" get ecs-clusters --timeout 5s </dev/null >/dev/null 2>&1; then
    if command -v python3 >/dev/null 2>&1; then
        mkdir -p "$lab/ecs"
        if ! sh "$here/ecs/ecslab.sh" status "$lab/ecs" >/dev/null 2>&1; then
            echo "$me: no AWS account answers; starting the ECS lab in $lab/ecs" >&2
            if sh "$here/ecs/ecslab.sh" start "$lab/ecs" >/dev/null 2>"$lab/ecs.err"; then
                ecs_owner=1
            else
                echo "$me: the ECS lab failed to start (see $lab/ecs.err)" >&2
            fi
        fi
        if [ -f "$lab/ecs/env" ] && sh "$here/ecs/ecslab.sh" status "$lab/ecs" >/dev/null 2>&1; then
            # the lab's credentials, as real ones would be found
            for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
            set -a
            # shellcheck disable=SC1091
            . "$lab/ecs/env"
            set +a
        fi
    else
        echo "$me: install python3 for the ECS lab" >&2
    fi
fi

rc=0
"$bin" "$@" || rc=$?
exit "$rc"
