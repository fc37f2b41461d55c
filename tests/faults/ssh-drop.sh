#!/usr/bin/env bash
# ssh-drop.sh: an engine watched through SSH (a real sshd) while the fault
# proxy, in raw mode between binnacle and the sshd, cuts the TCP connection
# (a NAT or load balancer forgetting it), partitions it (nothing passes,
# nothing is refused) and refuses it (the host gone). Each time the endpoint
# shows as stale with a reason, its rows stay, and it is live again by
# itself once the path is back, having reconnected only a few times.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name survivor localhost/busybox:lab sleep 600 >/dev/null
SOCK=${DOCKER_HOST#unix://}
start_sshd --hosts 1

FAULT_DIR="$T/fault"
cleanup "sh '$FAULT_LAB' stop '$FAULT_DIR'"
out=$(sh "$FAULT_LAB" start "$FAULT_DIR" --raw --listen tcp:127.0.0.1:0 --upstream "tcp:127.0.0.1:$SSHD_PORT1") || {
	echo "FAIL: the fault proxy did not start" >&2
	exit 1
}
FAULT_PORT=${out#FAULT_PORT=}
# the proxy's address knows lab1's host key (it is lab1 behind it)
printf '[127.0.0.1]:%s %s\n' "$FAULT_PORT" "$(cut -d' ' -f1,2 "$SSHD_LAB/host1/ssh_host_ed25519_key.pub")" \
	>"$T/known_hosts"
ssh_home "Host drop" "	HostName 127.0.0.1" "	Port $FAULT_PORT" "	User $SSHD_USER" \
	"	IdentityFile $SSHD_LAB/keys/id_ed25519" "	IdentitiesOnly yes" "	UserKnownHostsFile $T/known_hosts" \
	"	StrictHostKeyChecking yes" "	ServerAliveInterval 1" "	ServerAliveCountMax 2"
cat >"$XDG_CONFIG_HOME/drop.yaml" <<YAML
endpoints:
  - name: remote
    type: docker
    host: ssh://drop$SOCK
YAML
conns() { fault_count '^[0-9.]+ RAW connection'; }
live() { screen_lacks "STALE" && screen_has "^survivor "; }

tui_start 160 30 --config "$XDG_CONFIG_HOME/drop.yaml" --log "$T/tui.log" containers
check "through SSH: the engine is live" wait_until 30 live

# ---- the TCP connection cut ----
before=$(conns)
fault '{"reset": 1}'
check "cut: the endpoint goes stale" wait_until 20 screen_has "STALE"
check "cut: the rows stay" screen_has "^survivor "
check "cut: live again by itself" wait_until 45 live
n=$(($(conns) - before))
echo "# SSH connections made to come back after the cut: $n"
check "cut: a few reconnections, not a storm (at most 4, made $n)" [ "$n" -le 4 ]

# ---- partitioned: nothing passes, nothing is refused ----
fault '{"blackhole": true}'
check "partition: stale (the keepalives go unanswered)" wait_until 30 screen_has "STALE"
check "partition: the rows stay" screen_has "^survivor "
check "partition: binnacle still answers keys" bash -c "tmux -L '$TMUX_SOCK' send-keys '?' && sleep 1 && tmux -L '$TMUX_SOCK' capture-pane -p | grep -q 'Keys in'"
keys Escape
fault '{}'
check "partition healed: live again" wait_until 60 live

# ---- the host gone: connections refused ----
fault '{"down": true}'
check "down: stale" wait_until 20 screen_has "STALE"
lab_podman run -d --name meanwhile localhost/busybox:lab sleep 600 >/dev/null
fault '{}'
check "down, then back: live again by itself" wait_until 45 live
check "down, then back: what changed meanwhile is there" wait_until 20 screen_has "^meanwhile "
check "binnacle never exited" screen_lacks "BINNACLE-EXITED"
keys q
finish
