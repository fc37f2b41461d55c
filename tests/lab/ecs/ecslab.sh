#!/bin/sh
# ecslab.sh - start/stop the lab AWS server in the background.
#
#   ecslab.sh start DIR [ecslab.py options...]
#       Starts python3 ecslab.py --state-dir DIR ... in the background, waits
#       until it is ready (up to ECSLAB_START_TIMEOUT seconds, default 300)
#       and prints the env lines (AWS_ENDPOINT_URL=..., AWS_ACCESS_KEY_ID=...,
#       AWS_SECRET_ACCESS_KEY=..., AWS_DEFAULT_REGION=..., AWS_CONFIG_FILE=...,
#       AWS_SHARED_CREDENTIALS_FILE=..., and AWS_CA_BUNDLE=... with --tls).
#       Exit 1 (with the server's stderr) if it failed to start.
#   ecslab.sh stop DIR
#       Stops it (TERM, then KILL after 5 s).  Safe when it never started.
#   ecslab.sh status DIR
#       Exit 0 if it is running.
#
# Server output goes to DIR/ecslab.out and DIR/ecslab.err.
set -u

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}

usage() {
    echo "usage: $0 start DIR [ecslab.py options] | stop DIR | status DIR" >&2
    exit 2
}

# pid of our server in DIR, if it is alive and really is ecslab.py
live_pid() {
    for f in "$1/launcher.pid" "$1/pid"; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null)
        case $p in ''|*[!0-9]*) continue ;; esac
        if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q ecslab.py; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

do_stop() {
    dir=$1
    [ -d "$dir" ] || return 0
    p=$(live_pid "$dir") || { rm -f "$dir/launcher.pid"; return 0; }
    kill -TERM "$p" 2>/dev/null
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    rm -f "$dir/launcher.pid" "$dir/pid"
    return 0
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

case $cmd in
start)
    mkdir -p "$dir" || exit 1
    dir=$(cd "$dir" && pwd)
    if p=$(live_pid "$dir"); then
        echo "ecslab.sh: already running in $dir (pid $p)" >&2
        exit 1
    fi
    rm -f "$dir/ecslab.out" "$dir/pid"
    "$py" "$here/ecslab.py" --state-dir "$dir" "$@" > "$dir/ecslab.out" 2> "$dir/ecslab.err" < /dev/null &
    child=$!
    echo $child > "$dir/launcher.pid"
    limit=${ECSLAB_START_TIMEOUT:-300}
    waited=0
    while :; do
        if grep -q '^AWS_SHARED_CREDENTIALS_FILE=' "$dir/ecslab.out" 2>/dev/null; then
            grep '^AWS_' "$dir/ecslab.out"
            exit 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            echo "ecslab.sh: server failed to start:" >&2
            cat "$dir/ecslab.err" >&2
            rm -f "$dir/launcher.pid"
            exit 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "ecslab.sh: server not ready after ${limit}s" >&2
            do_stop "$dir"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    ;;
stop)
    do_stop "$dir"
    ;;
status)
    live_pid "$dir" > /dev/null
    ;;
*)
    usage
    ;;
esac
