#!/usr/bin/env bash
# ssh-docker.sh: a Podman engine reached over SSH, as on a remote host, with
# no docker or ssh binary involved: DOCKER_HOST=ssh://HOST/socket with HOST
# from ~/.ssh/config, the socket found on the host when none is named (the
# user's rootless Podman socket), a Docker context with an ssh:// endpoint
# and host: ssh://user@host:port in the configuration; an engine on TCP
# with TLS reached through the bastion (via). On the dashboard:
# the live list and an event, CPU figures, logs, a shell with a real TTY,
# a pull with its progress, and a shell on the engine's host — every byte
# through one SSH connection whose channels sshd logs.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo openssl
start_podman demo
REG_DIR="$T/registry"
mkdir -p "$REG_DIR"
cleanup "bash '$LAB/registry-lab.sh' stop '$REG_DIR'"
reg=$(bash "$LAB/registry-lab.sh" start "$REG_DIR") || skip_or_fail "the registry lab did not start"
export "${reg?}"
bash "$LAB/registry-lab.sh" push "$REG_DIR" "$PODMAN_DIR" team/tool:1.0 >/dev/null || { echo "push failed"; exit 1; }
SOCK=${DOCKER_HOST#unix://}
start_sshd --hosts 1
ssh_home
LOG1="$SSHD_DIR/host1/sshd.log"

export DOCKER_HOST="ssh://lab1$SOCK"
out=$(run_binnacle get containers 2>&1)
check "ssh://HOST/socket lists the remote containers" grep -q '^worker ' <<<"$out"
check "through direct-streamlocal to that socket" grep -q "server_request_direct_streamlocal: .*target $SOCK" "$LOG1"
out=$(run_binnacle get nodes 2>&1)
check "the engine host over SSH" grep -q 'Podman' <<<"$out"

# no socket named: the host's own, here the user's rootless Podman socket
mkdir -p "$SSHD_LAB/xdg/podman"
ln -s "$SOCK" "$SSHD_LAB/xdg/podman/podman.sock"
export DOCKER_HOST="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT1"
cp "$SSHD_LAB/keys/id_ed25519" "$SSHD_LAB/keys/id_ed25519.pub" "$HOME/.ssh/"
cp "$SSHD_LAB/known_hosts" "$HOME/.ssh/known_hosts"
out=$(run_binnacle get containers --log "$T/probe.log" 2>&1)
check "without a socket path the host's engine socket is found" grep -q '^worker ' <<<"$out"
check "it is the rootless Podman socket of \$XDG_RUNTIME_DIR" grep -q "the engine socket is $SSHD_LAB/xdg/podman/podman.sock" "$T/probe.log"

# a Docker context whose endpoint is ssh://
unset DOCKER_HOST
ctx=remote-lab
hash=$(printf '%s' "$ctx" | sha256sum | cut -d' ' -f1)
mkdir -p "$HOME/.docker/contexts/meta/$hash"
printf '{"currentContext":"%s"}\n' "$ctx" >"$HOME/.docker/config.json"
printf '{"Name":"%s","Metadata":{},"Endpoints":{"docker":{"Host":"ssh://lab1%s","SkipTLSVerify":false}}}\n' "$ctx" "$SOCK" \
	>"$HOME/.docker/contexts/meta/$hash/meta.json"
out=$(unset DOCKER_CONFIG; run_binnacle get containers 2>&1)
check "a Docker context with an ssh:// endpoint" grep -q '^worker ' <<<"$out"
rm -rf "$HOME/.docker"

cat >"$XDG_CONFIG_HOME/ssh.yaml" <<YAML
endpoints:
  - name: remote
    type: docker
    host: ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT1$SOCK
YAML
out=$(run_binnacle --config "$XDG_CONFIG_HOME/ssh.yaml" get containers 2>&1)
check "host: ssh://user@host:port/socket in the configuration" grep -q '^worker ' <<<"$out"
cat >"$XDG_CONFIG_HOME/typo.yaml" <<YAML
endpoints:
  - name: remote
    type: docker
    host: ssh://lab1
    vai: lab1
YAML
out=$(run_binnacle --config "$XDG_CONFIG_HOME/typo.yaml" get containers 2>&1)
check "a misspelt common option is caught" grep -q 'unknown key "vai" for a docker endpoint (did you mean "via"?)' <<<"$out"

# any endpoint through a bastion: an engine on TCP with TLS and client
# certificates, reached through lab1 (direct-tcpip), verified end to end
C="$T/certs"
mkdir -p "$C"
(
	cd "$C"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lab-ca -keyout ca-key.pem -out ca.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr
	printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext.cnf -out server-cert.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=operator -keyout key.pem -out client.csr
	printf 'extendedKeyUsage=clientAuth\n' >client.cnf
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile client.cnf -out cert.pem
) >/dev/null 2>&1 || { echo "FAIL: openssl could not make the certificates"; exit 1; }
python3 "$LAB/tls-proxy.py" "$T/tls.port" "$C" "$SOCK" >"$T/tls.out" 2>&1 &
cleanup "kill $!"
wait_until 10 grep -qs ready "$T/tls.out" || { echo "FAIL: the TLS front did not start"; exit 1; }
tport=$(cat "$T/tls.port")
cat >"$XDG_CONFIG_HOME/via.yaml" <<YAML
endpoints:
  - name: behind
    type: docker
    host: tcp://127.0.0.1:$tport
    tls_verify: true
    cert_path: $C
    via: lab1
YAML
out=$(run_binnacle --config "$XDG_CONFIG_HOME/via.yaml" get containers 2>&1)
check "via: an engine on TCP+TLS through the bastion" grep -q '^worker ' <<<"$out"
check "the bastion carried it" grep -q "server_request_direct_tcpip: .*target 127.0.0.1 port $tport" "$LOG1"

# the dashboard, live, over one SSH connection
export DOCKER_HOST="ssh://lab1$SOCK"
accepted=$(grep -c 'Accepted publickey' "$LOG1")
tui_start 120 30 --log "$T/tui.log"
check "the dashboard lists the remote containers" wait_until 20 screen_has "^worker "
check "the header names the ssh:// engine" screen_has "ssh://lab1"
lab_podman run -d --name arrived localhost/busybox:lab sleep 600 >/dev/null
check "a container started remotely appears (the events stream)" wait_until 15 screen_has "^arrived "
check "CPU figures come over SSH too" wait_until 15 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -E '^worker ' | grep -Eq '[0-9]+\.[0-9]%'"
tui_select worker
keys l
check "logs: the worker's lines" wait_until 10 screen_has "worker: processed job"
keys Escape
wait_until 5 screen_has "^NAME"
keys s
check "a shell in the container" wait_until 15 screen_has "^/ #"
keys 'echo SSH-$((6*7)); tty; stty size' Enter
check "runs commands" wait_until 10 screen_has "^SSH-42"
check "on a real TTY" wait_until 5 screen_has "^/dev/pts/"
check "sized like the terminal" wait_until 5 screen_has "^30 120"
keys 'exit 5' Enter
check "and reports its exit status" wait_until 15 screen_has "shell in worker: exit status 5"
keys Escape
keys ':' "pull $REGISTRY/team/tool:1.0" Enter
check "a pull shows its layers" wait_until 20 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^ [0-9a-f]{12} '"
check "and finishes" wait_until 30 screen_has "Done"
keys Escape
keys ':' nodes Enter
check "the engine's host in the nodes view" wait_until 10 screen_has "engine"
keys s
check "s on the engine host opens an SSH shell there" wait_until 15 screen_has "shell in .* on docker"
keys 'echo HOST-$((6*7)) $SSH_CONNECTION' Enter
check "a login shell on the host, over SSH" wait_until 10 screen_has "^HOST-42 127.0.0.1 [0-9]+ 127.0.0.1 $SSHD_PORT1"
keys 'exit 6' Enter
check "its exit status" wait_until 15 screen_has "exit status 6"
check "one SSH connection carried all of it" [ "$(grep -c 'Accepted publickey' "$LOG1")" -eq $((accepted + 1)) ]
check "as many channels" [ "$(grep -c 'server_request_direct_streamlocal' "$LOG1")" -gt 10 ]
finish
