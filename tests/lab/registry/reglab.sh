#!/bin/bash
# reglab.sh: start/stop the registry lab (a real CNCF distribution registry,
# plus the lab token server in token mode) in the background, and seed it.
# Everything lives in DIR; nothing system-wide is touched.
#
#   reglab.sh start DIR [reglab.py options]
#       --auth none|htpasswd|token|ecr, --tls, --delete, --ecr-password PW,
#       --token-ttl S, --jwt-header x5c|kid, ... (see README.md)
#       Waits until the registry answers (up to REGLAB_START_TIMEOUT s,
#       default 60) and prints its env lines (REGISTRY=127.0.0.1:PORT, ...),
#       also kept in DIR/env.  Exit 1 with the lab's stderr if it failed.
#   reglab.sh seed DIR [seed.py options]      fill it (see README.md)
#   reglab.sh env DIR                          print the env lines again
#   reglab.sh push DIR PODMAN_DIR NAME:TAG     copy the Podman lab's
#       localhost/busybox:lab to NAME:TAG (OCI, or Docker schema 2 when
#       LAB_MANIFEST_FORMAT=v2s2)
#   reglab.sh stop DIR                         safe when it never started
#   reglab.sh status DIR                       exit 0 when it is running
#
# Exit code 77 (skip) when a program a command needs is missing, 1 instead
# when BINNACLE_REQUIRE_PEERS=1.
set -u

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
me=reglab

usage() {
    echo "usage: $0 start|seed|env|push|stop|status DIR [options]" >&2
    exit 2
}

missing() {
    echo "$me: $*" >&2
    if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then exit 1; fi
    exit 77
}

need() {
    command -v "$1" >/dev/null 2>&1 || missing "$1 not installed (package: $2)"
}

# pid from DIR/FILE if that process is alive and its command line has WORD
live_pid() {
    local f=$1/$2 p arg
    [ -s "$f" ] || return 1
    p=$(cat "$f" 2>/dev/null)
    case $p in '' | *[!0-9]*) return 1 ;; esac
    while IFS= read -r -d '' arg; do
        if [ "$arg" = "$3" ]; then
            echo "$p"
            return 0
        fi
    done 2>/dev/null <"/proc/$p/cmdline"
    return 1
}

lab_pid() { live_pid "$1" lab.pid "$1"; }
registry_pid() { live_pid "$1" registry.pid "$1/config.yml"; }

# kill_wait PID: TERM, then KILL after 5 s
kill_wait() {
    local i=0
    kill -TERM "$1" 2>/dev/null || return 0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -KILL "$1" 2>/dev/null || true
}

do_stop() {
    local dir=$1 p
    [ -d "$dir" ] || return 0
    dir=$(cd "$dir" && pwd -P)
    if p=$(lab_pid "$dir"); then kill_wait "$p"; fi
    # the registry goes with the lab; this is for a lab killed with -9
    if p=$(registry_pid "$dir"); then kill_wait "$p"; fi
    if p=$(live_pid "$dir" launcher.pid "$here/reglab.py"); then kill_wait "$p"; fi
    rm -f "$dir/lab.pid" "$dir/registry.pid" "$dir/launcher.pid"
    return 0
}

do_start() {
    local dir=$1 child limit waited=0
    shift
    need docker-registry docker-registry
    need "$py" python3
    need openssl openssl
    for a in "$@"; do
        case $a in
        --auth=htpasswd | --auth=ecr | htpasswd | ecr | --ecr-password*) need htpasswd apache2-utils ;;
        esac
    done
    mkdir -p "$dir" || exit 1
    dir=$(cd "$dir" && pwd -P)
    if lab_pid "$dir" >/dev/null; then
        echo "$me: already running in $dir" >&2
        exit 1
    fi
    rm -f "$dir/env"
    "$py" "$here/reglab.py" --state-dir "$dir" "$@" \
        >"$dir/reglab.out" 2>"$dir/reglab.err" </dev/null &
    child=$!
    echo "$child" >"$dir/launcher.pid"
    limit=${REGLAB_START_TIMEOUT:-60}
    while :; do
        if [ -s "$dir/env" ] && grep -q '^REGISTRY=' "$dir/reglab.out" 2>/dev/null; then
            cat "$dir/env"
            return 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            echo "$me: the lab failed to start:" >&2
            cat "$dir/reglab.err" >&2
            tail -n 5 "$dir/registry.log" >&2 2>/dev/null
            rm -f "$dir/launcher.pid"
            exit 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "$me: the lab was not ready after ${limit}s" >&2
            do_stop "$dir"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

do_push() {
    local dir=$1 pdir=$2 ref=$3 driver=overlay
    need skopeo skopeo
    [ -s "$dir/state.json" ] || { echo "$me: no registry lab in $dir" >&2; exit 1; }
    [ -d "$pdir" ] || { echo "$me: no podman lab in $pdir" >&2; exit 1; }
    pdir=$(cd "$pdir" && pwd -P)
    case $ref in *:*) ;; *) echo "$me: NAME:TAG expected, got $ref" >&2; exit 1 ;; esac
    # the storage driver podman picked (overlay, or vfs where overlay fails)
    if [ -d "$pdir/root/vfs" ] && [ ! -d "$pdir/root/overlay" ]; then driver=vfs; fi
    local -a opts
    mapfile -t opts < <("$py" - "$dir/state.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print("--dest-cert-dir=" + s["tls"]["cert_dir"] if s["tls"] else "--dest-tls-verify=false")
print("--dest-creds=%s:%s" % tuple(s["seed_user"]) if s["seed_user"] else "--dest-no-creds")
print("docker://%s/" % s["registry"])
EOF
    ) || exit 1
    local dest=${opts[2]}$ref
    if [ -n "${LAB_MANIFEST_FORMAT:-}" ]; then opts[2]=--format=$LAB_MANIFEST_FORMAT; else unset 'opts[2]'; fi
    skopeo copy --quiet "${opts[@]}" \
        "containers-storage:[$driver@$pdir/root+$pdir/run]localhost/busybox:lab" "$dest" >&2 || {
        echo "$me: skopeo copy to $dest failed" >&2
        exit 1
    }
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2
case $cmd in
start) do_start "$dir" "$@" ;;
stop) do_stop "$dir" ;;
status) [ -d "$dir" ] && lab_pid "$(cd "$dir" && pwd -P)" >/dev/null ;;
env)
    if [ -d "$dir" ] && lab_pid "$(cd "$dir" && pwd -P)" >/dev/null; then
        cat "$dir/env"
    else
        echo "$me: not running in $dir" >&2
        exit 1
    fi
    ;;
seed)
    need skopeo skopeo
    [ -s "$dir/state.json" ] || { echo "$me: no registry lab in $dir" >&2; exit 1; }
    exec "$py" "$here/seed.py" "$dir" "$@"
    ;;
push)
    [ $# -eq 2 ] || usage
    do_push "$dir" "$1" "$2"
    ;;
*) usage ;;
esac
