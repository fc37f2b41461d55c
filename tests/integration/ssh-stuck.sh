#!/usr/bin/env bash
# ssh-stuck.sh: one server behind a bastion that drops connections (its
# port's queue is full: SYNs go unanswered, as behind a firewall) holds
# nothing else up. sshd's connect for that channel takes minutes and
# libssh2 opens one channel at a time per connection, so after a few
# seconds the other endpoints' channels go through a second connection to
# the bastion; the stuck endpoint is stale with a timeout sentence while
# the others are live.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman demo
SOCK=${DOCKER_HOST#unix://}
start_sshd --hosts 1
ssh_home
python3 - "$T/hole.port" <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
port = s.getsockname()[1]
held = []  # fill the accept queue: later connections are never answered
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    held.append(c)
open(sys.argv[1], "w").write(str(port))
while True:
    time.sleep(60)
EOF
cleanup "kill $!"
wait_until 10 test -s "$T/hole.port"
HOLE=$(cat "$T/hole.port")
cat >"$XDG_CONFIG_HOME/stuck.yaml" <<YAML
endpoints:
  - name: stuck
    type: docker
    host: tcp://127.0.0.1:$HOLE
    via: lab1
  - name: good
    type: docker
    host: ssh://lab1$SOCK
YAML
tui_start 160 30 --config "$XDG_CONFIG_HOME/stuck.yaml" --log "$T/tui.log" containers
keys ':' 'ctx good' Enter
check "the endpoint sharing the bastion is live" wait_until 20 screen_has "^worker "
check "the stuck one is stale with a timeout sentence" wait_until 20 grep -q "flash: stuck: tcp://127.0.0.1:$HOLE did not answer in time" "$T/tui.log"
# its channel's open is still in flight at the bastion: a new channel now
tui_select worker
keys l
check "a new channel (logs) opens meanwhile" wait_until 15 screen_has "worker: processed job"
check "through a second connection to the bastion" grep -q "an open has waited [0-9]*s: the next goes through a second connection" "$T/tui.log"
keys Escape
lab_podman run -d --name meanwhile localhost/busybox:lab sleep 600 >/dev/null
keys Escape
check "and the live one keeps following events" wait_until 15 screen_has "^meanwhile "
finish
