#!/bin/bash
# sshd-lab.sh: real OpenSSH servers on loopback for binnacle's SSH tests,
# each from a private configuration in DIR: several hosts (a bastion chain
# is two or more), their host keys in a private known_hosts, client keys
# made with ssh-keygen (one protected by a passphrase, one the servers do
# not know), an ssh_config naming every host, and on demand an ssh-agent.
# Nothing outside DIR is written but OpenSSH's privilege separation
# directory (/run/sshd), which sshd needs to exist.
#
#   sshd-lab.sh start DIR [--hosts N] [--set 'Keyword value']...
#                                start N hosts (default 2); --set adds an
#                                sshd_config line to every host
#   sshd-lab.sh stop DIR         stop every host, every connection and the agent
#   sshd-lab.sh status DIR       exit 0 when every host runs
#   sshd-lab.sh kill DIR N       kill host N and every connection it serves (a crash)
#   sshd-lab.sh restart DIR N    start host N again, on the same port
#   sshd-lab.sh freeze DIR N     stop host N and its connections (SIGSTOP):
#                                connected, silent, like a host that hung
#   sshd-lab.sh thaw DIR N       let them run again (SIGCONT)
#   sshd-lab.sh rekey DIR N      give host N a new host key and restart it
#                                (known_hosts keeps the old one: a changed key)
#   sshd-lab.sh trust DIR        write known_hosts again from the hosts' keys
#   sshd-lab.sh agent DIR        start an ssh-agent holding keys/id_ed25519
#
# start prints env lines: SSHD_LAB=DIR, SSHD_USER=..., SSHD_PORT1=...;
# agent prints SSH_AUTH_SOCK=DIR/agent.sock. Files in DIR: keys/id_ed25519
# (no passphrase), keys/id_pass (passphrase in keys/passphrase),
# keys/id_other (authorized nowhere), known_hosts (every host's ED25519
# key), ssh_config (Host lab1, lab2...: 127.0.0.1, the port, the user,
# keys/id_ed25519 only, this known_hosts, StrictHostKeyChecking yes),
# hostN/sshd.log (LogLevel DEBUG1: forwarded channels' targets are logged).
# Exit 77 (skip) when OpenSSH is missing, 1 instead when
# BINNACLE_REQUIRE_PEERS=1.
set -eu

me=sshd-lab
SSHD=${SSHD:-/usr/sbin/sshd}
die() { echo "$me: $*" >&2; exit 1; }

usage() {
	sed -n 's/^#   //p' "$0" >&2
	exit 2
}

missing() {
	echo "$me: $* (needs the packages openssh-server and openssh-client)" >&2
	if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then exit 1; fi
	exit 77
}

check_peers() {
	[ -x "$SSHD" ] || missing "$SSHD is not installed"
	for c in ssh-keygen ssh-agent ssh-add python3; do
		command -v "$c" >/dev/null 2>&1 || missing "$c is not installed"
	done
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() {
	python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
s.settimeout(2)
sys.exit(0 if s.recv(4) == b"SSH-" else 1)
EOF
}

# pids of p and everything it started (sessions detach with setsid but
# stay its descendants)
descendants() {
	python3 - "$1" <<'EOF'
import os, sys
kids = {}
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open("/proc/%s/stat" % d) as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        continue
    kids.setdefault(ppid, []).append(int(d))
todo, out = [int(sys.argv[1])], []
while todo:
    p = todo.pop()
    out.append(p)
    todo.extend(kids.get(p, []))
print(" ".join(str(p) for p in out))
EOF
}

set_dir() {
	[ -n "$1" ] || usage
	if [ "${2:-}" = create ]; then mkdir -p "$1"; fi
	[ -d "$1" ] || return 1
	DIR=$(cd "$1" && pwd -P)
}

host_pid() { # a live listener of host N, or nothing
	local f="$DIR/host$1/pid" p
	[ -f "$f" ] || return 1
	p=$(cat "$f")
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

kill_host() {
	local p pids
	p=$(host_pid "$1") || { rm -f "$DIR/host$1/pid"; return 0; }
	pids=$(descendants "$p")
	# shellcheck disable=SC2086 # a list of pids
	kill -KILL $pids 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	rm -f "$DIR/host$1/pid"
}

start_host() {
	local n=$1 h="$DIR/host$1" port
	port=$(cat "$h/port")
	mkdir -p /run/sshd 2>/dev/null || true
	setsid "$SSHD" -D -f "$h/sshd_config" -E "$h/sshd.log" </dev/null >/dev/null 2>&1 &
	echo $! >"$h/pid"
	for _ in $(seq 100); do
		port_open "$port" && return 0
		kill -0 "$(cat "$h/pid")" 2>/dev/null || { tail -5 "$h/sshd.log" >&2; die "sshd of host $n exited"; }
		sleep 0.1
	done
	die "sshd of host $n does not answer on port $port"
}

host_keys() {
	local h=$1
	rm -f "$h"/ssh_host_*
	ssh-keygen -q -t ed25519 -N '' -C "lab host" -f "$h/ssh_host_ed25519_key"
	ssh-keygen -q -t ecdsa -N '' -C "lab host" -f "$h/ssh_host_ecdsa_key"
}

write_known_hosts() {
	: >"$DIR/known_hosts.new"
	for h in "$DIR"/host*/; do
		h=${h%/}
		printf '[127.0.0.1]:%s %s\n' "$(cat "$h/port")" "$(cut -d' ' -f1,2 "$h/ssh_host_ed25519_key.pub")" \
			>>"$DIR/known_hosts.new"
	done
	mv -f "$DIR/known_hosts.new" "$DIR/known_hosts"
}

cmd_start() {
	check_peers
	local hosts=2 extra=()
	while [ $# -gt 0 ]; do
		case $1 in
		--hosts) hosts=$2; shift 2 ;;
		--set) extra+=("$2"); shift 2 ;;
		*) usage ;;
		esac
	done
	local user
	user=$(id -un)
	mkdir -p "$DIR/keys" "$DIR/xdg"
	chmod 700 "$DIR" "$DIR/keys"
	if [ ! -f "$DIR/keys/id_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -C "lab key" -f "$DIR/keys/id_ed25519"
		echo "lab passphrase $RANDOM$RANDOM" >"$DIR/keys/passphrase"
		ssh-keygen -q -t ed25519 -N "$(cat "$DIR/keys/passphrase")" -C "lab key with a passphrase" -f "$DIR/keys/id_pass"
		ssh-keygen -q -t ed25519 -N '' -C "a key no lab host knows" -f "$DIR/keys/id_other"
	fi
	cat "$DIR/keys/id_ed25519.pub" "$DIR/keys/id_pass.pub" >"$DIR/authorized_keys"
	: >"$DIR/ssh_config"
	for n in $(seq "$hosts"); do
		local h="$DIR/host$n"
		mkdir -p "$h"
		[ -f "$h/port" ] || free_port >"$h/port"
		[ -f "$h/ssh_host_ed25519_key" ] || host_keys "$h"
		{
			echo "# generated by sshd-lab.sh"
			echo "ListenAddress 127.0.0.1"
			echo "Port $(cat "$h/port")"
			echo "HostKey $h/ssh_host_ed25519_key"
			echo "HostKey $h/ssh_host_ecdsa_key"
			echo "PidFile $h/sshd.pid"
			echo "AuthorizedKeysFile $DIR/authorized_keys"
			echo "StrictModes no"
			echo "UsePAM no"
			echo "PermitRootLogin prohibit-password"
			echo "AllowTcpForwarding yes"
			echo "AllowStreamLocalForwarding yes"
			echo "LogLevel DEBUG1"
			echo "SetEnv XDG_RUNTIME_DIR=$DIR/xdg"
			for line in ${extra[@]+"${extra[@]}"}; do echo "$line"; done
			# defaults after the extras: the first value of a keyword wins
			echo "PasswordAuthentication no"
			echo "KbdInteractiveAuthentication no"
		} >"$h/sshd_config"
		mkdir -p /run/sshd 2>/dev/null || true
		"$SSHD" -t -f "$h/sshd_config" || die "sshd refuses $h/sshd_config"
		host_pid "$n" >/dev/null || start_host "$n"
		cat >>"$DIR/ssh_config" <<EOF
Host lab$n
	HostName 127.0.0.1
	Port $(cat "$h/port")
	User $user
	IdentityFile $DIR/keys/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $DIR/known_hosts
	StrictHostKeyChecking yes
EOF
	done
	write_known_hosts
	echo "SSHD_LAB=$DIR"
	echo "SSHD_USER=$user"
	for n in $(seq "$hosts"); do echo "SSHD_PORT$n=$(cat "$DIR/host$n/port")"; done
}

cmd_stop() {
	set_dir "$1" || return 0
	for h in "$DIR"/host*/; do
		[ -d "$h" ] || continue
		h=${h%/}
		kill_host "${h##*/host}"
	done
	if [ -f "$DIR/agent.pid" ]; then
		kill "$(cat "$DIR/agent.pid")" 2>/dev/null || true
		rm -f "$DIR/agent.pid" "$DIR/agent.sock"
	fi
}

cmd_agent() {
	check_peers
	if [ -f "$DIR/agent.pid" ] && kill -0 "$(cat "$DIR/agent.pid")" 2>/dev/null; then
		echo "SSH_AUTH_SOCK=$DIR/agent.sock"
		return 0
	fi
	rm -f "$DIR/agent.sock"
	ssh-agent -D -a "$DIR/agent.sock" </dev/null >/dev/null 2>&1 &
	echo $! >"$DIR/agent.pid"
	for _ in $(seq 50); do
		[ -S "$DIR/agent.sock" ] && break
		sleep 0.1
	done
	SSH_AUTH_SOCK="$DIR/agent.sock" ssh-add -q "$DIR/keys/id_ed25519" 2>/dev/null || die "ssh-add failed"
	echo "SSH_AUTH_SOCK=$DIR/agent.sock"
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in kill | restart | rekey | freeze | thaw) [ $# -eq 2 ] || usage ;; esac
case $cmd in
start)
	set_dir "$1" create
	shift
	cmd_start "$@"
	;;
stop) cmd_stop "$1" ;;
status)
	set_dir "$1" || exit 1
	for h in "$DIR"/host*/; do
		h=${h%/}
		host_pid "${h##*/host}" >/dev/null || exit 1
	done
	;;
kill)
	set_dir "$1" || die "no lab in $1"
	kill_host "$2"
	;;
restart)
	set_dir "$1" || die "no lab in $1"
	kill_host "$2"
	start_host "$2"
	;;
rekey)
	set_dir "$1" || die "no lab in $1"
	kill_host "$2"
	host_keys "$DIR/host$2"
	start_host "$2"
	;;
agent)
	set_dir "$1" || die "no lab in $1"
	cmd_agent
	;;
trust)
	set_dir "$1" || die "no lab in $1"
	write_known_hosts
	;;
freeze | thaw)
	set_dir "$1" || die "no lab in $1"
	p=$(host_pid "$2") || die "host $2 is not running"
	# shellcheck disable=SC2046 # a list of pids
	kill "-$([ "$cmd" = freeze ] && echo STOP || echo CONT)" $(descendants "$p")
	;;
*) usage ;;
esac
