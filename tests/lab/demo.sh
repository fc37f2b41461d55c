#!/bin/bash
# demo.sh: binnacle's first-run demo launcher (the README's first command).
#
#   tests/lab/demo.sh PATH_TO_BINNACLE [ARGS...]
#
# When binnacle finds a container runtime by itself (DOCKER_HOST, a docker
# context, /var/run/docker.sock, podman sockets), binnacle simply runs with
# ARGS. Otherwise a private Podman lab with a few demo containers is started
# (tests/lab/podman-lab.sh demo), binnacle runs against it, and the lab is
# stopped when binnacle exits. Exits with binnacle's exit status.
set -eu

me="binnacle demo"

if [ $# -lt 1 ]; then
    echo "usage: $0 PATH_TO_BINNACLE [ARGS...]" >&2
    exit 2
fi
bin=$1
shift

if "$bin" get nodes -o json </dev/null >/dev/null 2>&1; then
    exec "$bin" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
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

# Another demo may be running from the same directory: share its lab and
# leave it running.
owner=1
if [ "$(curl -s --max-time 2 --unix-socket "$lab/api.sock" http://d/_ping 2>/dev/null)" = OK ]; then
    owner=0
fi

stop_lab() {
    if [ "$owner" = 1 ]; then
        echo "$me: stopping the demo engine" >&2
        "$here/podman-lab.sh" stop "$lab" >/dev/null 2>&1 || true
    fi
}

echo "$me: no container runtime found; starting a private Podman engine in $lab" >&2
trap stop_lab EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
rc=0
out=$("$here/podman-lab.sh" demo "$lab") || rc=$?
if [ "$rc" != 0 ]; then
    stop_lab
    trap - EXIT
    if [ "$rc" = 77 ]; then
        echo "$me: install podman, runc and busybox-static for the demo engine" >&2
    else
        echo "$me: the demo engine failed to start (logs in $lab)" >&2
    fi
    exec "$bin" "$@"
fi
case $out in
DOCKER_HOST=unix://*) export DOCKER_HOST="${out#DOCKER_HOST=}" ;;
*)
    echo "$me: unexpected output from podman-lab.sh: $out" >&2
    exit 1
    ;;
esac

rc=0
"$bin" "$@" || rc=$?
exit "$rc"
