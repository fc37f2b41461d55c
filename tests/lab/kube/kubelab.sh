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
PYLAB_NAME=kubelab
PYLAB_HERE=$here
PYLAB_READY='^KUBECONFIG='
PYLAB_PRINT='^KUBECONFIG='
PYLAB_TIMEOUT=${KUBELAB_START_TIMEOUT:-300}
PYLAB_MORE_USAGE=' | expire DIR'

pylab_extra() {
    case $1 in
    expire)
        p=$(live_pid "$2") || { echo "$0: no lab is running in $2" >&2; return 1; }
        kill -USR1 "$p"
        ;;
    *) return 2 ;;
    esac
}

# shellcheck source=../pylab.sh
. "$here/../pylab.sh"
pylab_main "$@"
