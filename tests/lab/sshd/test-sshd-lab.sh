#!/usr/bin/env bash
# test-sshd-lab.sh: the SSH lab's fidelity, proved with the real OpenSSH
# client: its ssh_config, keys and known_hosts work as generated; a
# ProxyJump chain; the agent; the passphrase-protected key (through
# SSH_ASKPASS) and the key no host knows; a unix socket forwarded
# (streamlocal, what binnacle uses for engines); a killed host drops its
# connections and comes back on the same port; a new host key is refused
# by strict checking until known_hosts is written again; stop leaves no
# sshd behind.
. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"
require_cmd ssh ssh-keygen ssh-agent python3
LABSH="$LAB/sshd/sshd-lab.sh"
S="$T/sshd"
cleanup "bash '$LABSH' stop '$S'"
out=$(bash "$LABSH" start "$S" --hosts 2) || { [ $? -eq 77 ] && skip_or_fail "sshd is not installed"; echo "FAIL: the lab did not start"; exit 1; }
eval "$(grep '^SSHD_' <<<"$out" | sed 's/^/export /')"
check "start prints the lab's environment" [ -n "${SSHD_PORT1:-}" ] && [ -n "${SSHD_PORT2:-}" ] && [ "$SSHD_LAB" = "$(cd "$S" && pwd -P)" ]
check "status says it runs" bash "$LABSH" status "$S"
SSH=(ssh -F "$S/ssh_config" -o BatchMode=yes -o ConnectTimeout=10)
check "the generated ssh_config, key and known_hosts let ssh in" "${SSH[@]}" lab1 true
check "a ProxyJump chain: lab2 through lab1" bash -c "$(printf '%q ' "${SSH[@]}") -J lab1 lab2 'echo chained' | grep -qx chained"
check "lab1's log names the jump's target (LogLevel DEBUG1)" \
	grep -q "server_request_direct_tcpip: .*target 127.0.0.1 port $SSHD_PORT2" "$S/host1/sshd.log"

agent=$(bash "$LABSH" agent "$S")
export "${agent?}"
check "the agent holds the lab key" bash -c "ssh-add -l | grep -q 'lab key'"
NOKEY=(ssh -F /dev/null -o BatchMode=yes -o UserKnownHostsFile="$S/known_hosts" -o StrictHostKeyChecking=yes -p "$SSHD_PORT1")
check "the agent's key logs in with no identity file" "${NOKEY[@]}" "$SSHD_USER@127.0.0.1" true
unset SSH_AUTH_SOCK

printf '#!/bin/sh\ncat %q\n' "$S/keys/passphrase" >"$T/askpass"
chmod +x "$T/askpass"
check "the passphrase-protected key logs in with its passphrase" \
	env SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
	ssh -F /dev/null -o IdentitiesOnly=yes -i "$S/keys/id_pass" -o UserKnownHostsFile="$S/known_hosts" \
	-o StrictHostKeyChecking=yes -p "$SSHD_PORT1" "$SSHD_USER@127.0.0.1" true </dev/null
check "not without it" bash -c "! $(printf '%q ' "${NOKEY[@]}") -o IdentitiesOnly=yes -i '$S/keys/id_pass' '$SSHD_USER@127.0.0.1' true 2>/dev/null"
check "the key no host knows is refused" bash -c "$(printf '%q ' "${NOKEY[@]}") -o IdentitiesOnly=yes -i '$S/keys/id_other' '$SSHD_USER@127.0.0.1' true 2>&1 | grep -q 'Permission denied'"

# a unix socket on the far side, forwarded as binnacle forwards an engine's
python3 - "$T/target.sock" >"$T/echo.out" 2>&1 <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(4); print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b"echo:" + c.recv(100)); c.close()
EOF
cleanup "kill $!"
wait_until 10 grep -qs ready "$T/echo.out"
"${SSH[@]}" -N -o ExitOnForwardFailure=yes -L "$T/local.sock:$T/target.sock" lab1 2>/dev/null &
cleanup "kill $!"
wait_until 10 test -S "$T/local.sock"
got=$(python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"ping"); print(s.recv(100).decode())' "$T/local.sock")
check "a unix socket is forwarded (direct-streamlocal)" [ "$got" = "echo:ping" ]
check "and the server logs its target" grep -q "server_request_direct_streamlocal: .*target $T/target.sock" "$S/host1/sshd.log"

"${SSH[@]}" lab1 'sleep 60' 2>/dev/null &
held=$!
wait_until 10 bash -c "grep -q 'Accepted publickey' '$S/host1/sshd.log'"
sleep 0.5
bash "$LABSH" kill "$S" 1
check "kill drops the connections it serves" wait_until 10 bash -c "! kill -0 $held 2>/dev/null"
check "and refuses new ones" bash -c "! $(printf '%q ' "${SSH[@]}") lab1 true 2>/dev/null"
bash "$LABSH" restart "$S" 1 >/dev/null
check "restart brings it back on the same port" "${SSH[@]}" lab1 true

bash "$LABSH" rekey "$S" 2 >/dev/null
check "a new host key is refused by strict checking" \
	bash -c "$(printf '%q ' "${SSH[@]}") lab2 true 2>&1 | grep -q 'REMOTE HOST IDENTIFICATION HAS CHANGED'"
bash "$LABSH" trust "$S"
check "trust writes known_hosts again" "${SSH[@]}" lab2 true

listener=$(cat "$S/host1/pid")
bash "$LABSH" stop "$S"
gone() { ! kill -0 "$listener" 2>/dev/null && ! pgrep -a -x sshd | grep -qF "$S/"; }
check "stop leaves no sshd of the lab" gone
finish
