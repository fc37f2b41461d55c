#!/bin/sh
# kubelab.sh - start/stop the lab Kubernetes API server in the background.
#
#   kubelab.sh start DIR [kubelab.py options...]
#       Starts python3 kubelab.py --state-dir DIR ... in the background, waits
#       until it is ready (up to KUBELAB_START_TIMEOUT seconds, default 300)
#       and prints the line KUBECONFIG=DIR/kubeconfig.  Exit 1 (with the
#       server's stderr) if it failed to start.
#   kubelab.sh stop DIR
#       Stops it (TERM, then KILL after 5 s).  Safe when it never started.
#   kubelab.sh status DIR
#       Exit 0 if it is running.
#   kubelab.sh expire DIR
#       Forgets the watch history (as an etcd compaction does): every watch
#       ends with a 410 Expired and clients must list again.
#
# Server output goes to DIR/kubelab.out and DIR/kubelab.err.
set -u

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}

usage() {
    echo "usage: $0 start DIR [kubelab.py options] | stop DIR | status DIR | expire DIR" >&2
    exit 2
}

# pid of our server in DIR, if it is alive and really is kubelab.py
live_pid() {
    for f in "$1/launcher.pid" "$1/pid"; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null)
        case $p in ''|*[!0-9]*) continue ;; esac
        if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q kubelab.py; then
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
        echo "kubelab.sh: already running in $dir (pid $p)" >&2
        exit 1
    fi
    rm -f "$dir/kubelab.out" "$dir/pid"
    "$py" "$here/kubelab.py" --state-dir "$dir" "$@" > "$dir/kubelab.out" 2> "$dir/kubelab.err" < /dev/null &
    child=$!
    echo $child > "$dir/launcher.pid"
    limit=${KUBELAB_START_TIMEOUT:-300}
    waited=0
    while :; do
        if grep -q '^KUBECONFIG=' "$dir/kubelab.out" 2>/dev/null; then
            grep '^KUBECONFIG=' "$dir/kubelab.out"
            exit 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            echo "kubelab.sh: server failed to start:" >&2
            cat "$dir/kubelab.err" >&2
            rm -f "$dir/launcher.pid"
            exit 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "kubelab.sh: server not ready after ${limit}s" >&2
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
expire)
    p=$(live_pid "$dir") || { echo "$0: no lab is running in $dir" >&2; exit 1; }
    kill -USR1 "$p"
    ;;
*)
    usage
    ;;
esac
