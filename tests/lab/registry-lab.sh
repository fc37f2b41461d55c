#!/bin/bash
# registry-lab.sh: the original entry to the registry lab, kept for its
# callers (tests/integration/podman-pull.sh). It is now a thin front for
# tests/lab/registry/reglab.sh, which has every mode (token auth, ECR,
# private CA, seed, ...): see tests/lab/registry/README.md.
#
#   registry-lab.sh start DIR [--auth] [--tls]
#       prints one line on stdout: REGISTRY=127.0.0.1:PORT (deletes enabled)
#       --auth: htpasswd, user "lab", password "labpass"
#       --tls:  HTTPS, certificate signed by a private CA in DIR/ca.crt
#   registry-lab.sh push DIR PODMAN_DIR NAME:TAG
#       copies localhost/busybox:lab from the podman lab (podman-lab.sh) in
#       PODMAN_DIR to the registry as NAME:TAG. The manifest is OCI unless
#       LAB_MANIFEST_FORMAT=v2s2 (Docker schema 2) is set. Prints nothing.
#   registry-lab.sh stop DIR
#
# Exit code 77 (skip) when docker-registry (or skopeo, htpasswd, openssl for
# the options that need them) is missing, 1 instead when
# BINNACLE_REQUIRE_PEERS=1.
set -eu

reglab="$(cd "$(dirname "$0")" && pwd)/registry/reglab.sh"

usage() {
    cat >&2 <<EOF
usage: $0 start DIR [--auth] [--tls]
       $0 push DIR PODMAN_DIR NAME:TAG
       $0 stop DIR
EOF
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in
start)
    dir=$1
    shift
    set -- --delete "$@"
    opts=()
    for opt in "$@"; do
        case $opt in
        --auth) opts+=(--auth htpasswd) ;;
        --tls | --delete) opts+=("$opt") ;;
        *) usage ;;
        esac
    done
    out=$(bash "$reglab" start "$dir" "${opts[@]}")
    printf '%s\n' "$out" | grep '^REGISTRY='
    ;;
push)
    [ $# -eq 3 ] || usage
    exec bash "$reglab" push "$@"
    ;;
stop)
    [ $# -eq 1 ] || usage
    exec bash "$reglab" stop "$1"
    ;;
*) usage ;;
esac
