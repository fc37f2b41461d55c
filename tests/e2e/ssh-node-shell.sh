#!/usr/bin/env bash
# ssh-node-shell.sh: `s` on a Kubernetes node opens an SSH shell on it in
# binnacle's terminal, through the endpoint's bastion. The lab's nodes have
# InternalIPs that are not real hosts, so the test's ssh config sends those
# addresses to a lab sshd (Host 172.18.* / HostName 127.0.0.1), as an
# operator's config maps node networks to what is reachable; then the
# node_ssh option does it with the node's name (%n). The shell has a real
# TTY of the terminal's type and size, follows a resize, reports its exit
# status, is audited, and Enter ~ . cuts it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --nodes 3 --deployments 1 --crashing 0 --imagepull 0
start_sshd --hosts 2
ip=$(kubectl get node lab-worker2 -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
net=${ip%.*.*}
ssh_home "Host $net.*" "	HostName 127.0.0.1" "	Port $SSHD_PORT2" "	User $SSHD_USER" \
	"	IdentityFile $SSHD_LAB/keys/id_ed25519" "	UserKnownHostsFile $SSHD_LAB/known_hosts" \
	"Host *.nodes" "	HostName 127.0.0.1" "	Port $SSHD_PORT2" "	IdentityFile $SSHD_LAB/keys/id_ed25519" \
	"	UserKnownHostsFile $SSHD_LAB/known_hosts"
LOG1="$SSHD_DIR/host1/sshd.log"
LOG2="$SSHD_DIR/host2/sshd.log"
CFG="$XDG_CONFIG_HOME/nodes.yaml"
cat >"$CFG" <<YAML
endpoints:
  - name: lab
    type: kubernetes
    kubeconfig: $KUBECONFIG
    context: lab
    via: lab1
YAML

tui_start 160 30 --config "$CFG" --log "$T/tui.log" nodes
check "the nodes, through the bastion" wait_until 20 screen_has "^lab-worker2 "
tui_select lab-worker2
check "s is offered on a node" screen_has "<s> shell"
keys s
check "a shell opens on the node" wait_until 20 screen_has "shell in lab-worker2 on lab"
check "with the login shell's prompt" wait_until 10 screen_has '[$#] ?$'
keys 'echo NODE-$((6*7)) $SSH_CONNECTION' Enter
check "it runs on the machine the node's address leads to" wait_until 10 screen_has "^NODE-42 127.0.0.1 [0-9]+ 127.0.0.1 $SSHD_PORT2"
check "reached through the bastion" grep -q "server_request_direct_tcpip: .*target 127.0.0.1 port $SSHD_PORT2" "$LOG1"
keys 'tty; echo $TERM; stty size' Enter
check "on a real TTY" wait_until 10 screen_has "^/dev/pts/"
check "of the terminal's type" screen_has "^xterm-256color$"
check "sized like it" wait_until 5 screen_has "^30 160$"
tmx resize-window -x 150 -y 25
keys 'clear; stty size' Enter
check "a resize reaches the node's terminal" wait_until 10 screen_has "^25 150$"
keys 'exit 7' Enter
check "the dashboard comes back" wait_until 15 screen_has "^NAME"
check "with the exit status" wait_until 5 screen_has "shell in lab-worker2: exit status 7"
check "the shell is audited" wait_until 10 audit_has $'action=shell\tresult=exit status 7'
keys q
wait_until 10 screen_has "BINNACLE-EXITED"

# node_ssh: the node's name, not its address
cat >>"$CFG" <<YAML
    node_ssh: "$SSHD_USER@%n.nodes"
YAML
before=$(grep -c 'Accepted publickey' "$LOG2")
tui_start 160 30 --config "$CFG" --log "$T/tui.log" nodes
wait_until 20 screen_has "^lab-worker "
tui_select lab-worker
keys s
check "node_ssh with %n opens the shell by the node's name" wait_until 20 screen_has "shell in lab-worker on lab"
wait_until 10 screen_has '[$#] ?$'
check "logged in as that user on that host" wait_until 5 bash -c "[ \$(grep -c 'Accepted publickey' '$LOG2') -gt $before ]"
check "the destination is in the debug log" grep -q "node shell on lab-worker: ssh $SSHD_USER@lab-worker.nodes through lab1" "$T/tui.log"
keys Enter '~' '.'
check "Enter ~ . cuts the session" wait_until 10 screen_has "you disconnected"
check "and the dashboard is back" screen_has "^NAME"
finish
