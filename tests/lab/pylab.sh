# pylab.sh: what every lab server's launcher shares (tests/lab/kube/kubelab.sh,
# tests/lab/ecs/ecslab.sh): starting a Python lab in the background with its
# state in DIR, waiting for its ready line, finding it again by its pid files,
# and stopping it. A launcher sets these, sources this file and calls
# pylab_main "$@":
#   PYLAB_NAME    the program, e.g. kubelab (runs $PYLAB_HERE/$PYLAB_NAME.py)
#   PYLAB_HERE    the launcher's folder
#   PYLAB_READY   a grep pattern of the line that says it is ready
#   PYLAB_PRINT   a grep pattern of the lines start prints (env lines)
#   PYLAB_TIMEOUT seconds to wait for it (default 300)
# and may define pylab_extra CMD DIR for commands of its own (return 2 when
# CMD is not one). Output goes to DIR/NAME.out and DIR/NAME.err.
# shellcheck shell=sh

py=${PYTHON:-python3}

pylab_usage() {
    echo "usage: $0 start DIR [$PYLAB_NAME.py options] | stop DIR | status DIR${PYLAB_MORE_USAGE:-}" >&2
    exit 2
}

# pid of our server in DIR, if it is alive and really is ours
live_pid() {
    for f in "$1/launcher.pid" "$1/pid"; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null)
        case $p in ''|*[!0-9]*) continue ;; esac
        if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -q "$PYLAB_NAME.py"; then
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

do_start() {
    dir=$1
    shift
    mkdir -p "$dir" || exit 1
    dir=$(cd "$dir" && pwd)
    if p=$(live_pid "$dir"); then
        echo "$PYLAB_NAME.sh: already running in $dir (pid $p)" >&2
        exit 1
    fi
    out="$dir/$PYLAB_NAME.out" err="$dir/$PYLAB_NAME.err"
    rm -f "$out" "$dir/pid"
    "$py" "$PYLAB_HERE/$PYLAB_NAME.py" --state-dir "$dir" "$@" > "$out" 2> "$err" < /dev/null &
    child=$!
    echo $child > "$dir/launcher.pid"
    limit=${PYLAB_TIMEOUT:-300}
    waited=0
    while :; do
        if grep -q "$PYLAB_READY" "$out" 2>/dev/null; then
            grep "$PYLAB_PRINT" "$out"
            exit 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            echo "$PYLAB_NAME.sh: server failed to start:" >&2
            cat "$err" >&2
            rm -f "$dir/launcher.pid"
            exit 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "$PYLAB_NAME.sh: server not ready after ${limit}s" >&2
            do_stop "$dir"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

pylab_main() {
    [ $# -ge 2 ] || pylab_usage
    cmd=$1
    dir=$2
    shift 2
    case $cmd in
    start) do_start "$dir" "$@" ;;
    stop) do_stop "$dir" ;;
    status) live_pid "$dir" > /dev/null ;;
    *)
        rc=2
        command -v pylab_extra >/dev/null 2>&1 && { pylab_extra "$cmd" "$dir"; rc=$?; }
        [ "$rc" -eq 2 ] && pylab_usage
        return "$rc"
        ;;
    esac
}
