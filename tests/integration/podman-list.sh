#!/usr/bin/env bash
# podman-list.sh: binnacle lists a real Podman engine's containers, images
# and host through the Docker-compatible API, as `binnacle get` prints them.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman demo

json=$(run_binnacle get containers -o json)
field() { python3 -c "import json,sys; rows=json.load(sys.stdin); print(' '.join(sorted(r['$1'] for r in rows if r['name']=='$2')))"; }
check "web is listed as running" [ "$(field state web <<<"$json")" = running ]
check "migrate is listed as exited" [ "$(field state migrate <<<"$json")" = exited ]
check "standby is listed as created" [ "$(field state standby <<<"$json")" = created ]
check "web's published port is shown" grep -q -- '->8080/tcp' <<<"$(field ports web <<<"$json")"
check "six demo containers" [ "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$json")" -eq 6 ]

table=$(run_binnacle get containers)
check "the table has the screen's columns" grep -Eq '^NAME +IMAGE +STATE +STATUS' <<<"$table"
check "the table agrees with the engine" \
	[ "$(tail -n +2 <<<"$table" | awk '{print $1}' | sort | tr '\n' ' ')" = "$(lab_podman ps -a --format '{{.Names}}' | sort | tr '\n' ' ')" ]
wide=$(run_binnacle get containers -o wide)
check "wide output adds the ID and COMMAND columns" grep -Eq 'ID +.*COMMAND' <<<"$(head -1 <<<"$wide")"

images=$(run_binnacle get images)
check "the lab image is listed as in use" grep -Eq 'localhost/busybox:lab .*yes \(6\)' <<<"$images"
nodes=$(run_binnacle get nodes)
check "the engine host is a node running Podman" grep -q 'Podman' <<<"$nodes"
check "the node counts running/total containers" grep -Eq ' 4/6( |$)' <<<"$nodes"

filtered=$(run_binnacle get containers --filter '!^(web|worker)$')
check "get --filter with an inverted regex" [ "$(tail -n +2 <<<"$filtered" | awk '{print $1}' | sort | tr '\n' ' ')" = "cache cron migrate standby " ]

finish
