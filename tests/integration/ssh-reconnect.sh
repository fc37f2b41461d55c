#!/usr/bin/env bash
# ssh-reconnect.sh: keeping the connection, against real sshd. The SSH
# server is killed (with every connection it serves) while the dashboard
# watches an engine through it: the endpoint goes stale with the reason and
# its rows stay; the server comes back and binnacle reconnects by itself,
# events flowing again. A bastion killed the same way takes the endpoints
# behind it stale too. A host that hangs with the connection open is found
# out by keepalives. A host that accepts TCP and never speaks SSH shows as
# stale with a timeout sentence while the other endpoint keeps working.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman start
lab_podman run -d --name survivor localhost/busybox:lab sleep 600 >/dev/null
SOCK=${DOCKER_HOST#unix://}
LOCAL=$DOCKER_HOST
start_sshd --hosts 2
ssh_home "Host lab2" "	ProxyJump lab1" "	ServerAliveInterval 1" "	ServerAliveCountMax 2"

# a port that accepts connections and never says a word
python3 - "$T/silent.port" <<'EOF' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])
EOF
cleanup "kill $!"
wait_until 10 test -s "$T/silent.port"
SILENT=$(cat "$T/silent.port")

cat >"$XDG_CONFIG_HOME/remote.yaml" <<YAML
endpoints:
  - name: remote
    type: docker
    host: ssh://lab1$SOCK
  - name: behind
    type: docker
    host: ssh://lab2$SOCK
  - name: local
    type: docker
    host: $LOCAL
  - name: silent
    type: docker
    host: ssh://$SSHD_USER@127.0.0.1:$SILENT$SOCK
YAML
# the screen shows endpoint $1 with a row named $2, and nothing stale (the
# header names the endpoint: rows of the one shown before do not count)
shows_live() {
	local s
	s=$(tmx capture-pane -p)
	grep -q "^ binnacle $1 " <<<"$s" && grep -q "^$2 " <<<"$s" && ! grep -q STALE <<<"$s"
}
tui_start 200 30 --config "$XDG_CONFIG_HOME/remote.yaml" --log "$T/tui.log" containers
keys ':' 'ctx remote' Enter
check "the engine over SSH is live" wait_until 20 shows_live remote survivor
check "the silent host shows as stale with a timeout sentence" \
	wait_until 30 grep -q "flash: silent: cannot reach .*: $SSHD_USER@127.0.0.1:$SILENT did not answer within 8 s: it accepted the connection but did not finish the SSH handshake" "$T/tui.log"
check "meanwhile the screen went on" screen_has "^survivor "

sshd_lab kill 1
check "lab1 killed: the endpoint goes stale" wait_until 20 screen_has "STALE"
check "with the reason" wait_until 5 grep -q "flash: remote: .*the SSH connection to $SSHD_USER@lab1:$SSHD_PORT1 was closed" "$T/tui.log"
check "the last rows stay" screen_has "^survivor "
check "the endpoint behind lab1 too" wait_until 20 grep -q "flash: behind: " "$T/tui.log"
check "binnacle is still running" screen_lacks "BINNACLE-EXITED"
sshd_lab restart 1 >/dev/null
check "lab1 back: it reconnects by itself" wait_until 45 screen_lacks "STALE"
check "the engine's header is back" wait_until 10 screen_has "Podman"
lab_podman run -d --name after-restart localhost/busybox:lab sleep 600 >/dev/null
check "events flow again" wait_until 20 screen_has "^after-restart "
keys ':' 'ctx behind' Enter
check "and the endpoint behind lab1 is live again" wait_until 45 shows_live behind after-restart
# lab2 hangs, its connection open: keepalives find it out
sshd_lab freeze 2
check "a hung host is found out by keepalives" \
	wait_until 20 grep -q "flash: behind: .*$SSHD_USER@lab2:$SSHD_PORT2 stopped answering: no reply to 2 keepalives" "$T/tui.log"
check "its endpoint goes stale" wait_until 10 screen_has "STALE"
sshd_lab thaw 2
check "and comes back when the host does" wait_until 45 screen_lacks "STALE"
keys ':' 'ctx local' Enter
check "the local engine never stopped" wait_until 10 shows_live local after-restart
finish
