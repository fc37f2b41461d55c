#!/bin/sh
# faultlab.sh - start/stop the fault-injecting proxy, and drive it.
#
#   faultlab.sh start DIR [faultproxy.py options...]
#       Starts python3 faultproxy.py --state-dir DIR ... in the background,
#       waits until it listens and prints its env line (FAULT_PORT=N or
#       FAULT_SOCK=PATH). Exit 1 (with its stderr) if it failed to start.
#   faultlab.sh stop DIR         Stops it. Safe when it never started.
#   faultlab.sh status DIR       Exit 0 if it is running.
#   faultlab.sh set DIR JSON     Replaces the control file (see README.md); returns once
#                                the proxy acts on it.
#   faultlab.sh clear DIR        No fault: everything is forwarded.
#   faultlab.sh count DIR REGEX  How many logged requests match REGEX
#                                (extended, against "METHOD TARGET -> STATUS ACTION").
#
# Output goes to DIR/faultproxy.out and DIR/faultproxy.err; requests to
# DIR/requests.log.
set -u

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}

usage() {
    echo "usage: $0 start DIR [options] | stop DIR | status DIR | set DIR JSON | clear DIR | count DIR REGEX" >&2
    exit 2
}

live_pid() {
    [ -f "$1/pid" ] || return 1
    p=$(cat "$1/pid" 2>/dev/null)
    case $p in ''|*[!0-9]*) return 1 ;; esac
    if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q faultproxy.py; then
        echo "$p"
        return 0
    fi
    return 1
}

# writes the control file whole, so the proxy never reads half of it
put() {
    printf '%s\n' "$2" > "$1/control.json.tmp" && mv "$1/control.json.tmp" "$1/control.json"
}

# waits (10 s at most) until the proxy's loop acts on the control file just
# written: a test that sets "down" and then starts binnacle must not have its
# first requests answered by a proxy that has not looked yet
wait_applied() {
    live_pid "$1" > /dev/null || return 0
    ino=$(stat -c %i "$1/control.json") || return 1
    i=0
    while [ $i -lt 100 ]; do
        [ "$(cat "$1/applied" 2>/dev/null)" = "$ino" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    echo "faultlab.sh: the proxy did not take the new control file within 10 s" >&2
    return 1
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
        echo "faultlab.sh: already running in $dir (pid $p)" >&2
        exit 1
    fi
    rm -f "$dir/faultproxy.out" "$dir/pid"
    [ -f "$dir/control.json" ] || put "$dir" '{}'
    : > "$dir/requests.log"
    "$py" "$here/faultproxy.py" --state-dir "$dir" "$@" > "$dir/faultproxy.out" 2> "$dir/faultproxy.err" < /dev/null &
    i=0
    while [ $i -lt 150 ]; do
        if grep -qE '^FAULT_(PORT|SOCK)=' "$dir/faultproxy.out" 2>/dev/null; then
            grep -E '^FAULT_(PORT|SOCK)=' "$dir/faultproxy.out"
            exit 0
        fi
        kill -0 $! 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    echo "faultlab.sh: the proxy did not start" >&2
    cat "$dir/faultproxy.err" >&2
    exit 1
    ;;
stop)
    [ -d "$dir" ] || exit 0
    p=$(live_pid "$dir") || exit 0
    kill -TERM "$p" 2>/dev/null
    i=0
    while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
    rm -f "$dir/pid"
    exit 0
    ;;
status)
    live_pid "$dir" > /dev/null
    ;;
set)
    [ $# -eq 1 ] || usage
    put "$dir" "$1" && wait_applied "$dir"
    ;;
clear)
    put "$dir" '{}' && wait_applied "$dir"
    ;;
count)
    [ $# -eq 1 ] || usage
    grep -cE -- "$1" "$dir/requests.log" 2>/dev/null || true
    ;;
*)
    usage
    ;;
esac
