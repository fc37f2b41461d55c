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
PYLAB_NAME=ecslab
PYLAB_HERE=$here
PYLAB_READY='^AWS_SHARED_CREDENTIALS_FILE='
PYLAB_PRINT='^AWS_'
PYLAB_TIMEOUT=${ECSLAB_START_TIMEOUT:-300}

# shellcheck source=../pylab.sh
. "$here/../pylab.sh"
pylab_main "$@"
