#!/usr/bin/env bash
# ssh-kube-jump.sh: the lab Kubernetes API server reached through two SSH
# jump hosts, with TLS and its client certificate checked end to end: via:
# naming a host whose ProxyJump is the other one, and via: naming both;
# each hop's sshd logs the next hop as its channel's target. On the
# dashboard the pods stay live through the chain (a scale seen as it
# happens), and both hops are one connection each however many watches run.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd kubectl
start_kubelab --nodes 3 --deployments 2 --replicas 2 --crashing 0 --imagepull 0
start_sshd --hosts 2
ssh_home "Host lab2" "	ProxyJump lab1"
LOG1="$SSHD_DIR/host1/sshd.log"
LOG2="$SSHD_DIR/host2/sshd.log"
server=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
kport=${server##*:}
CFG="$XDG_CONFIG_HOME/jump.yaml"
cat >"$CFG" <<YAML
endpoints:
  - name: lab
    type: kubernetes
    kubeconfig: $KUBECONFIG
    context: lab
    via: lab2
YAML

out=$(run_binnacle --config "$CFG" get nodes 2>&1)
check "the API server's nodes through lab1 then lab2" grep -q '^lab-worker2 ' <<<"$out"
check "lab1 carried the connection to lab2" grep -q "server_request_direct_tcpip: .*target 127.0.0.1 port $SSHD_PORT2" "$LOG1"
check "lab2 carried it to the API server" grep -q "server_request_direct_tcpip: .*target 127.0.0.1 port $kport" "$LOG2"
out=$(run_binnacle --config "$CFG" get pods -o wide 2>&1)
check "pods too" grep -Eq '^(default +)?web-' <<<"$out"

sed -i 's/via: lab2/via: lab1,lab2/' "$CFG"
ssh_home
out=$(run_binnacle --config "$CFG" get deployments 2>&1)
check "via: naming both hops, with no ProxyJump in the ssh config" grep -Eq '^(default +)?web ' <<<"$out"

cat >"$XDG_CONFIG_HOME/badvia.yaml" <<YAML
endpoints:
  - name: other
    type: kubernetes
    kubeconfig: $KUBECONFIG
    via: ":22"
YAML
out=$(run_binnacle --config "$XDG_CONFIG_HOME/badvia.yaml" get pods 2>&1)
check "a via that names no host is a configuration error at its line" grep -Eq 'badvia.yaml:[0-9]+: via of other: ":22" is not an SSH destination' <<<"$out"

ssh_home "Host lab2" "	ProxyJump lab1"
sed -i 's/via: lab1,lab2/via: lab2/' "$CFG"
before1=$(grep -c 'Accepted publickey' "$LOG1")
before2=$(grep -c 'Accepted publickey' "$LOG2")
tui_start 120 30 --config "$CFG"
check "the dashboard shows the pods through the chain" wait_until 20 screen_has "^(default +)?web-"
kc scale deployment web --replicas 4 >/dev/null
check "a scale is seen as it happens (the watch runs through the chain)" wait_until 20 bash -c "[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -Ec '^(default +)?web-') -ge 4 ]"
keys ':' nodes Enter
check "other kinds list through it too" wait_until 10 screen_has "^lab-worker2 "
check "one connection to each hop" bash -c "[ \$(grep -c 'Accepted publickey' '$LOG1') -eq $((before1 + 1)) ] && [ \$(grep -c 'Accepted publickey' '$LOG2') -eq $((before2 + 1)) ]"
finish
