#!/usr/bin/env bash
# cli.sh: the command line as a script would use it: --help, --version,
# usage errors, configuration errors naming file:line:column, and a dead
# endpoint giving one readable sentence and exit status 1.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

out=$(run_binnacle --help)
check "--help shows the usage" grep -q "Usage: binnacle" <<<"$out"
check "--help documents get" grep -q "binnacle get KIND" <<<"$out"
check "--version prints the version" binnacle_prints '^binnacle [0-9]+\.[0-9]+' --version

err=$(run_binnacle get bogus 2>&1); rc=$?
check "get of an unknown kind fails" [ $rc -eq 1 ]
known_all() { for k in containers images nodes pods deployments services; do grep -q "unknown kind \"bogus\" (known: .*\\b$k\\b" <<<"$err" || return 1; done; }
check "and says which kinds exist" known_all

run_binnacle --no-such-option >/dev/null 2>&1; rc=$?
check "an unknown option exits 2" [ $rc -eq 2 ]

printf 'refresh: 2s\nendpoints:\n  - type: docker\n    hots: unix:///x.sock\n' >"$T/typo.yaml"
err=$(run_binnacle --config "$T/typo.yaml" get containers 2>&1); rc=$?
check "a typo in the config fails get" [ $rc -eq 1 ]
check "and names file, line, column and the fix" \
	grep -q "typo.yaml:4:5: unknown key \"hots\" for a docker endpoint (did you mean \"host\"?)" <<<"$err"

printf 'endpoints:\n  - type: docker\n    host: "unix:///x\n' >"$T/syntax.yaml"
err=$(run_binnacle --config "$T/syntax.yaml" get containers 2>&1)
check "a YAML syntax error names the line" grep -q "syntax.yaml:3:11:" <<<"$err"

err=$(run_binnacle --config "$T/missing.yaml" get containers 2>&1); rc=$?
check "a missing --config file is an error" grep -q "cannot read configuration $T/missing.yaml" <<<"$err"

err=$(DOCKER_HOST="unix://$T/nothing.sock" run_binnacle get containers 2>&1); rc=$?
check "a dead endpoint fails with status 1" [ $rc -eq 1 ]
check "and one readable sentence" grep -q "cannot connect to unix://$T/nothing.sock" <<<"$err"
check "on exactly one line" [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]

err=$(DOCKER_HOST="npipe:////./pipe/docker_engine" run_binnacle get containers 2>&1)
check "an unsupported transport is explained" grep -q "uses a transport binnacle does not speak; use unix://, tcp:// or ssh://" <<<"$err"

finish
