# tap.sh: the TAP-style checks the labs' fidelity tests share
# (tests/lab/kube/test-kubectl.sh, tests/lab/ecs/test-aws.sh), which judge a
# lab server with a real client and need nothing of binnacle's harness.
# TAP_POLL sets wait_until's interval in seconds (default 0.3).
# shellcheck shell=bash

N=0
PASSED=0
FAILED=0
ok() { N=$((N + 1)); PASSED=$((PASSED + 1)); echo "ok $N - $1"; }
skip() { N=$((N + 1)); PASSED=$((PASSED + 1)); echo "ok $N - $1 # SKIP $2"; }
not_ok() {
    N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"
    if [ $# -gt 1 ] && [ -n "$2" ]; then printf '%s\n' "$2" | head -25 | sed 's/^/#   /'; fi
}
# check DESCRIPTION COMMAND...: the command's output is shown when it fails
check() {
    local d=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$out"; fi
}
# wait_until SECONDS COMMAND...: polls until the command succeeds
wait_until() {
    local end=$((SECONDS + $1))
    shift
    while [ $SECONDS -le $end ]; do
        "$@" > /dev/null 2>&1 && return 0
        sleep "${TAP_POLL:-0.3}"
    done
    return 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
