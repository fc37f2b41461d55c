# tests/lib.sh: helpers shared by the integration and end-to-end tests:
# peers that may be missing (skip with 77, or fail under
# BINNACLE_REQUIRE_PEERS=1), a private temporary directory cleaned up on
# exit, bounded polling that never retries past a crash, sanitiser reports
# and crashes of any binnacle the test started (tmux's children included)
# failing the test, the Podman lab, and driving binnacle in tmux.
# shellcheck shell=bash

set -u
: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${BINNACLE:=$top_builddir/binnacle}"
export BINNACLE_THEMES_DIR="${BINNACLE_THEMES_DIR:-$top_srcdir/themes}"
LAB="$top_srcdir/tests/lab"

# skip_or_fail MESSAGE: a missing peer skips, unless CI requires peers.
skip_or_fail() {
	if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then
		echo "FAIL: $1 (BINNACLE_REQUIRE_PEERS=1)" >&2
		exit 1
	fi
	echo "SKIP: $1" >&2
	exit 77
}

require_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_or_fail "$c is not installed"
	done
}

T=$(mktemp -d "${TMPDIR:-/tmp}/binnacle-test.XXXXXX")
# A sanitiser build (./configure --enable-asan) writes its reports into the
# test's directory, whoever started the program (the test, tmux, a pipe that
# swallows stderr), and aborts on the first one; on_exit shows them and fails.
mkdir -p "$T/san"
SAN_OPTS="abort_on_error=1:halt_on_error=1:print_stacktrace=1:log_path=$T/san/report"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}$SAN_OPTS"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}$SAN_OPTS"
# valgrind's reports (make check-valgrind) go there too
export BINNACLE_REPORT_DIR="$T/san"
CLEANUPS=()
on_exit() {
	local rc=$?
	local i
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	# after the cleanups: programs they stopped have written their reports by now
	crashes_reported && rc=1
	rm -rf "$T" 2>/dev/null || true
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM
cleanup() { CLEANUPS+=("$1"); }
# every test has its own audit log and configuration directory
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
# no test reads the user's own clusters or engines unless it says so
export KUBECONFIG="$T/no-kubeconfig"
# nor the machine's AWS account: no keys, no profile files, no instance metadata
for v in $(env | sed -n 's/^\(AWS_[A-Z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export AWS_CONFIG_FILE="$T/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$T/no-aws-credentials"
export AWS_EC2_METADATA_DISABLED=true
# nor their registry logins (docker's, podman's) or CA files
export DOCKER_CONFIG="$T/docker-config" REGISTRY_AUTH_FILE="$T/no-auth.json" BINNACLE_CERTS_D="$T/no-certs.d"
# podman wants the files it is pointed at to exist
echo '{}' >"$REGISTRY_AUTH_FILE"
mkdir -p "$DOCKER_CONFIG" && echo '{}' >"$DOCKER_CONFIG/config.json"
mkdir -p "$XDG_STATE_HOME" "$XDG_CONFIG_HOME"

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'
	# what the dashboard showed then, for the log
	if [ "$TUI_COUNT" -gt 0 ] && tmx has-session 2>/dev/null; then
		echo "#   the screen:"
		# without the blank lines at the end
		tmx capture-pane -p | awk '/./ { for (; n > 0; n--) print ""; print; next } { n++ }' | sed 's/^/#   | /'
	fi
	return 0
}
check() { # check DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ ! -s "$T/crashes" ]
}

# ---- crashes: never a mere "not yet" ----

# crashed SENTENCE: records that a program under test died; the test fails
# at its end however it goes on. A file, so subshells and pipelines count too.
crashed() {
	echo "CRASH: $1" >&2
	echo "$1" >>"$T/crashes"
}
# crashes_reported: prints every crash and sanitiser report of this test; 0
# when there was one. Called by on_exit.
crashes_reported() {
	local f n found=1
	for f in "$T"/tui-*.rc; do
		[ -f "$f" ] || continue
		n=${f##*/tui-}
		tui_crashed "${n%.rc}" || true
	done
	[ -s "$T/crashes" ] && { echo "# crashes:" >&2; sed 's/^/#   /' "$T/crashes" >&2; found=0; }
	for f in "$T"/san/*; do
		[ -f "$f" ] || continue
		echo "# sanitiser report $f:" >&2
		cat "$f" >&2
		found=0
	done
	return $found
}
# tui_crashed N: 0 (and recorded once) when the Nth binnacle started in tmux
# died of a signal that the test did not send
tui_crashed() {
	local f="$T/tui-$1.rc" rc
	[ -f "$f" ] || return 1
	rc=$(cat "$f")
	# 129/130/137/143: hung up, interrupted or killed by the test itself
	case $rc in '' | 129 | 130 | 137 | 143) return 1 ;; esac
	[ "$rc" -gt 128 ] || return 1
	[ -f "$f.seen" ] || { crashed "binnacle started in tmux (number $1) died of signal $((rc - 128))"; : >"$f.seen"; }
	return 0
}
# run_binnacle ARGS...: the program under test, with its exit status; death
# by a signal (a crash, or a sanitiser's abort) is recorded as a crash.
run_binnacle() {
	local rc=0
	"$BINNACLE" "$@" || rc=$?
	[ $rc -gt 128 ] && crashed "binnacle $* died of signal $((rc - 128))"
	return $rc
}
# binnacle_prints PATTERN ARGS...: binnacle ARGS succeeds and prints a line
# matching the extended regular expression PATTERN; for polling with wait_until.
binnacle_prints() {
	local pattern=$1 out
	shift
	out=$(run_binnacle "$@") && grep -Eq -- "$pattern" <<<"$out"
}

# crash_mark: changes whenever a crash is recorded
crash_mark() { if [ -f "$T/crashes" ]; then wc -c <"$T/crashes"; else echo 0; fi; }

# wait_until SECONDS COMMAND...: polls every 0.2 s; 0 when it succeeded. A
# command that dies of a signal, a crash recorded while polling (inside a
# pipeline or a function) or a dashboard in tmux that crashed ends the
# polling at once: retrying must not hide a crash. The bound is multiplied
# by $BINNACLE_WAIT_SCALE (make check-valgrind sets it: binnacle runs
# 20-50 times slower under valgrind), so it stays a bound, never a timing.
wait_until() {
	local limit=$(($1 * ${BINNACLE_WAIT_SCALE:-1}))
	shift
	local end=$((SECONDS + limit)) rc mark
	mark=$(crash_mark)
	while [ $SECONDS -le $end ]; do
		rc=0
		"$@" || rc=$?
		[ $rc -eq 0 ] && return 0
		if [ $rc -gt 128 ]; then
			[ "$(crash_mark)" = "$mark" ] && crashed "$* died of signal $((rc - 128))"
			return 1
		fi
		[ "$(crash_mark)" = "$mark" ] || return 1
		[ "$TUI_COUNT" -gt 0 ] && tui_crashed "$TUI_COUNT" && return 1
		sleep 0.2
	done
	return 1
}

# start_podman [demo]: a private Podman service; sets DOCKER_HOST and PODMAN_DIR.
start_podman() {
	PODMAN_DIR="$T/podman"
	mkdir -p "$PODMAN_DIR"
	cleanup "bash '$LAB/podman-lab.sh' stop '$PODMAN_DIR'"
	local out rc=0
	out=$(bash "$LAB/podman-lab.sh" "${1:-start}" "$PODMAN_DIR") || rc=$?
	if [ $rc -eq 77 ]; then
		skip_or_fail "podman is not available"
	elif [ $rc -ne 0 ]; then
		echo "FAIL: the Podman lab did not start (exit $rc)" >&2
		tail -20 "$PODMAN_DIR/service.log" "$PODMAN_DIR/lab.log" 2>/dev/null >&2
		exit 1
	fi
	export "${out?}"
	export PODMAN_DIR
}

lab_podman() { bash "$LAB/podman-lab.sh" podman "$PODMAN_DIR" "$@"; }

# ---- tmux: the real terminal ----
TMUX_SOCK="binnacle-test-$$"
tmx() { tmux -L "$TMUX_SOCK" "$@"; }

# tui_start COLS ROWS ARGS...: runs binnacle in a detached tmux session,
# each on a tmux server of its own so a previous one shutting down cannot race.
# The terminal type is $TUI_TERM (default xterm-256color; tmux would set its
# own, so it is set on the command), the locale $TUI_LOCALE when set (as
# LC_ALL), and $TUI_ENV adds NAME=VALUE words (e.g. NO_COLOR=1);
# $TUI_PIDFILE and $TUI_IGNORE_HUP are below.
TUI_COUNT=0
tui_start() {
	require_cmd tmux
	local cols=$1 rows=$2
	shift 2
	local cmd envs=("TERM=${TUI_TERM:-xterm-256color}")
	[ -n "${TUI_LOCALE:-}" ] && envs+=("LC_ALL=$TUI_LOCALE")
	# shellcheck disable=SC2206 # NAME=VALUE words, split on purpose
	[ -n "${TUI_ENV:-}" ] && envs+=($TUI_ENV)
	cmd=$(printf '%q ' env "${envs[@]}" "$BINNACLE" "$@")
	# $TUI_PIDFILE: where binnacle's pid goes; $TUI_IGNORE_HUP=1: started
	# with SIGHUP ignored, as under nohup or some shells
	if [ -n "${TUI_PIDFILE:-}" ] || [ "${TUI_IGNORE_HUP:-0}" = 1 ]; then
		local pre=""
		[ "${TUI_IGNORE_HUP:-0}" = 1 ] && pre="trap '' HUP; "
		[ -n "${TUI_PIDFILE:-}" ] && pre="$pre echo \$\$ >'$TUI_PIDFILE'; "
		cmd="sh -c $(printf '%q' "${pre}exec $cmd")"
	fi
	TUI_COUNT=$((TUI_COUNT + 1))
	TMUX_SOCK="binnacle-test-$$-$TUI_COUNT"
	cleanup "tmux -L '$TMUX_SOCK' kill-server"
	# its exit status goes to a file: crashes_reported finds one that crashed
	tmx -f /dev/null new-session -d -x "$cols" -y "$rows" -e "DOCKER_HOST=${DOCKER_HOST:-}" \
		-e "BINNACLE_THEMES_DIR=$BINNACLE_THEMES_DIR" \
		-e "XDG_STATE_HOME=$XDG_STATE_HOME" -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
		-e "KUBECONFIG=$KUBECONFIG" -e "ASAN_OPTIONS=$ASAN_OPTIONS" -e "UBSAN_OPTIONS=$UBSAN_OPTIONS" \
		-e "BINNACLE_REPORT_DIR=$BINNACLE_REPORT_DIR" -e "VALGRIND_BINNACLE=${VALGRIND_BINNACLE:-}" \
		"$cmd; rc=\$?; echo \$rc >'$T/tui-$TUI_COUNT.rc'; echo BINNACLE-EXITED-\$rc; sleep 30"
}
screen() { tmx capture-pane -p; }
# screen_sgr: the screen with its colours and attributes as escape sequences
screen_sgr() { tmx capture-pane -p -e; }
screen_has() { screen | grep -Eq -- "$1"; }
screen_lacks() { ! screen | grep -Eq -- "$1"; }
keys() { tmx send-keys "$@"; }
# screen_line PATTERN: the first screen line matching PATTERN
screen_line() { screen | grep -E -m1 -- "$1"; }

# tui_select NAME: filters the table to exactly NAME so actions hit it.
tui_select() {
	keys Escape
	keys '/' "^$1\$" Enter
	wait_until 10 screen_has "/\\^$1\\$  1/1"
}
# audit_has PATTERN: the audit log of this test run has a matching line.
audit_has() { grep -q -- "$1" "$XDG_STATE_HOME/binnacle/audit.log" 2>/dev/null; }

# start_kubelab [kubelab.py options]: the lab API server; sets KUBECONFIG and KUBE_DIR.
start_kubelab() {
	require_cmd python3 openssl
	KUBE_DIR="$T/kube"
	mkdir -p "$KUBE_DIR"
	cleanup "sh '$LAB/kube/kubelab.sh' stop '$KUBE_DIR'"
	local out
	out=$(sh "$LAB/kube/kubelab.sh" start "$KUBE_DIR" "$@") || {
		echo "FAIL: the lab API server did not start" >&2
		tail -20 "$KUBE_DIR/kubelab.err" >&2 2>/dev/null
		exit 1
	}
	export "${out?}"
	export KUBE_DIR
}
# start_ecslab [ecslab.py options]: the lab AWS endpoint; exports its env
# lines (AWS_ENDPOINT_URL, keys, region, profile files) and sets ECS_DIR.
start_ecslab() {
	require_cmd python3 curl
	ECS_DIR="$T/ecs"
	mkdir -p "$ECS_DIR"
	cleanup "sh '$LAB/ecs/ecslab.sh' stop '$ECS_DIR'"
	sh "$LAB/ecs/ecslab.sh" start "$ECS_DIR" "$@" >/dev/null || {
		echo "FAIL: the ECS lab did not start" >&2
		tail -20 "$ECS_DIR/ecslab.err" >&2 2>/dev/null
		exit 1
	}
	set -a
	# shellcheck disable=SC1091
	. "$ECS_DIR/env"
	set +a
	export ECS_DIR
}
# lab_control PATH: a lab control request (/_lab/PATH) to the ECS lab.
lab_control() { curl -sf -X POST "${ECS_LAB_URL:-$AWS_ENDPOINT_URL}/_lab/$1" >/dev/null; }
# aws_lab ARGS: the real AWS CLI against the ECS lab (the checks' witness).
aws_lab() { aws --endpoint-url "${ECS_LAB_URL:-$AWS_ENDPOINT_URL}" --output json "$@"; }
# start_reglab NAME [reglab.sh start options]: a registry lab (tests/lab/registry,
# the real CNCF distribution) in $T/NAME, stopped at exit; its env lines land in
# RL[NAME.KEY] (REGISTRY, REGISTRY_URL, REGISTRY_CA, REGISTRY_USER, ...).
declare -A RL
start_reglab() {
	local name=$1 out rc=0 k v
	shift
	mkdir -p "$T/$name"
	cleanup "bash '$LAB/registry/reglab.sh' stop '$T/$name'"
	out=$(bash "$LAB/registry/reglab.sh" start "$T/$name" "$@" 2>&1) || rc=$?
	[ $rc -ne 77 ] || skip_or_fail "the registry lab cannot run: $out"
	if [ $rc -ne 0 ]; then
		echo "FAIL: the registry lab ($name: $*) did not start: $out" >&2
		exit 1
	fi
	while IFS='=' read -r k v; do RL[$name.$k]=$v; done <"$T/$name/env"
}
# seed_reglab NAME [seed options]: fills it (seed.txt: "REF DIGEST TYPE SIZE")
seed_reglab() {
	local name=$1 out
	shift
	out=$(bash "$LAB/registry/reglab.sh" seed "$T/$name" "$@" 2>&1) || {
		echo "FAIL: seeding the registry lab $name failed: $out" >&2
		exit 1
	}
}
# seeded NAME REF: the digest the seed built for REF (the sha256 of its bytes)
seeded() { awk -v r="$2" '$1 == r { print $2 }' "$T/$1/seed.txt"; }

# kc ARGS: the real kubectl against the lab (the checks' independent witness).
# Always straight to the lab, even when binnacle goes through the fault proxy
# (start_fault_kube sets KC_KUBECONFIG; otherwise KUBECONFIG as it is).
kc() { kubectl --request-timeout=20s ${KC_KUBECONFIG:+--kubeconfig "$KC_KUBECONFIG"} "$@"; }

# ---- the fault proxy (tests/lab/fault) ----
FAULT_LAB="$LAB/fault/faultlab.sh"
# start_fault_kube: the fault proxy in front of the lab API server (after
# start_kubelab), with the lab's own server certificate, so the lab's
# kubeconfig works through it once its port is changed: KUBECONFIG is now
# that copy. Requests reach the lab as lab-admin (or with their bearer token).
start_fault_kube() {
	FAULT_DIR="$T/fault"
	local kport pki out
	kport=$(cat "$KUBE_DIR/port")
	pki="$KUBE_DIR/pki"
	cleanup "sh '$FAULT_LAB' stop '$FAULT_DIR'"
	out=$(sh "$FAULT_LAB" start "$FAULT_DIR" --listen tcp:127.0.0.1:0 --tls-cert "$pki/server.pem" \
		--tls-key "$pki/server.key" --upstream "tcp:127.0.0.1:$kport" --upstream-tls --upstream-ca "$pki/ca.pem" \
		--upstream-cert "$pki/client-lab-admin.pem" --upstream-key "$pki/client-lab-admin.key") || {
		echo "FAIL: the fault proxy did not start" >&2
		exit 1
	}
	FAULT_PORT=${out#FAULT_PORT=}
	sed "s#https://127.0.0.1:$kport\$#https://127.0.0.1:$FAULT_PORT#" "$KUBE_DIR/kubeconfig" >"$T/kubeconfig-fault"
	KC_KUBECONFIG="$KUBE_DIR/kubeconfig"
	export KUBECONFIG="$T/kubeconfig-fault" FAULT_DIR FAULT_PORT KC_KUBECONFIG
}
# start_fault_docker: the fault proxy on a unix socket in front of the
# Podman lab's (after start_podman); DOCKER_HOST now goes through it.
start_fault_docker() {
	FAULT_DIR="$T/fault"
	cleanup "sh '$FAULT_LAB' stop '$FAULT_DIR'"
	sh "$FAULT_LAB" start "$FAULT_DIR" --listen "unix:$T/fault.sock" --upstream "unix:${DOCKER_HOST#unix://}" \
		>/dev/null || {
		echo "FAIL: the fault proxy did not start" >&2
		exit 1
	}
	export DOCKER_HOST="unix://$T/fault.sock" FAULT_DIR
}
# start_fault_ecs: the fault proxy in front of the ECS lab (after
# start_ecslab, plain HTTP); AWS_ENDPOINT_URL now goes through it and
# ECS_LAB_URL is the lab's own (lab_control and aws_lab keep using the lab
# directly). SigV4 still verifies: the proxy forwards the Host binnacle
# signed. AWS JSON calls are matched and logged as "POST /#TARGET".
start_fault_ecs() {
	FAULT_DIR="$T/fault"
	local out
	ECS_LAB_URL=$AWS_ENDPOINT_URL
	cleanup "sh '$FAULT_LAB' stop '$FAULT_DIR'"
	out=$(sh "$FAULT_LAB" start "$FAULT_DIR" --listen tcp:127.0.0.1:0 \
		--upstream "tcp:127.0.0.1:$(cat "$ECS_DIR/port")") || {
		echo "FAIL: the fault proxy did not start" >&2
		exit 1
	}
	FAULT_PORT=${out#FAULT_PORT=}
	export AWS_ENDPOINT_URL="http://127.0.0.1:$FAULT_PORT" ECS_LAB_URL FAULT_DIR FAULT_PORT
}
# start_fault_registry NAME: the fault proxy in front of the registry lab
# NAME (after start_reglab NAME, plain HTTP); FAULT_REGISTRY is its
# host:port, for the endpoint's url.
start_fault_registry() {
	FAULT_DIR="$T/fault"
	local out
	cleanup "sh '$FAULT_LAB' stop '$FAULT_DIR'"
	out=$(sh "$FAULT_LAB" start "$FAULT_DIR" --listen tcp:127.0.0.1:0 --upstream "tcp:${RL[$1.REGISTRY]}") || {
		echo "FAIL: the fault proxy did not start" >&2
		exit 1
	}
	FAULT_PORT=${out#FAULT_PORT=}
	FAULT_REGISTRY="127.0.0.1:$FAULT_PORT"
	export FAULT_DIR FAULT_PORT FAULT_REGISTRY
}
# fault JSON: what the proxy does from now on (see tests/lab/fault/README.md)
fault() { sh "$FAULT_LAB" set "$FAULT_DIR" "$1"; }
fault_clear() { sh "$FAULT_LAB" clear "$FAULT_DIR"; }
# fault_count REGEX: requests the proxy has seen matching REGEX
fault_count() { sh "$FAULT_LAB" count "$FAULT_DIR" "$1"; }
# fault_count_since MARK REGEX: the same, among the requests after line MARK
# of the proxy's log (fault_mark gives the current one)
fault_mark() { wc -l <"$FAULT_DIR/requests.log"; }
fault_count_since() { tail -n "+$(($1 + 1))" "$FAULT_DIR/requests.log" | grep -cE -- "$2" || true; }
# binnacle_peak_kb PIDFILE: the most memory the process has held (VmHWM), in KiB
binnacle_peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$(cat "$1")/status" 2>/dev/null; }
# start_sshd [sshd-lab.sh start options]: real OpenSSH servers on loopback
# (tests/lab/sshd); sets SSHD_DIR, SSHD_LAB, SSHD_USER, SSHD_PORT1, ...
start_sshd() {
	require_cmd ssh-keygen ssh-agent python3
	SSHD_DIR="$T/sshd"
	cleanup "bash '$LAB/sshd/sshd-lab.sh' stop '$SSHD_DIR'"
	local out rc=0
	out=$(bash "$LAB/sshd/sshd-lab.sh" start "$SSHD_DIR" "$@") || rc=$?
	if [ $rc -eq 77 ]; then
		skip_or_fail "OpenSSH's sshd is not installed"
	elif [ $rc -ne 0 ]; then
		echo "FAIL: the SSH lab did not start (exit $rc)" >&2
		exit 1
	fi
	local line
	while IFS= read -r line; do export "${line?}"; done <<<"$out"
	export SSHD_DIR
}
sshd_lab() { bash "$LAB/sshd/sshd-lab.sh" "$1" "$SSHD_DIR" "${@:2}"; }
# ssh_home [CONFIG LINES...]: a home of the test's own for binnacle (HOME is
# exported): ~/.ssh/config holds the lines given, then includes the lab's
# ssh_config (Host lab1, lab2...).
ssh_home() {
	export HOME="$T/home"
	mkdir -p "$HOME/.ssh"
	chmod 700 "$HOME/.ssh"
	{
		printf '%s\n' "$@"
		printf 'Host *\nInclude %s/ssh_config\n' "$SSHD_LAB"
	} >"$HOME/.ssh/config"
}
