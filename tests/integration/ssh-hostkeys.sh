#!/usr/bin/env bash
# ssh-hostkeys.sh: host keys checked as OpenSSH checks them, against real
# sshd: an unknown host is refused by `binnacle get` with the key's type
# and SHA256 fingerprint and what to do; on the dashboard it is asked
# about, refused (nothing remembered, nothing sent) or accepted
# (remembered hashed, and the real ssh then trusts the entry); a changed
# key is refused with OpenSSH's warning before any authentication is
# attempted; StrictHostKeyChecking yes refuses an unknown host without
# asking, accept-new remembers it without asking.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd ssh ssh-keygen
start_podman demo
SOCK=${DOCKER_HOST#unix://}
start_sshd --hosts 2
# lab1 is unknown to this user; their own known_hosts, hashed as Debian's ssh does
ssh_home "Host lab1" "	UserKnownHostsFile ~/.ssh/known_hosts" "	StrictHostKeyChecking ask" "	HashKnownHosts yes" \
	"Host lab2" "	UserKnownHostsFile ~/.ssh/other_known_hosts"
KH="$HOME/.ssh/known_hosts"
LOG1="$SSHD_DIR/host1/sshd.log"
fp=$(ssh-keygen -l -E sha256 -f "$SSHD_DIR/host1/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
export DOCKER_HOST="ssh://lab1$SOCK"
# fixed text on screen (a fingerprint has regex characters)
screen_has_text() { screen | grep -qF -- "$1"; }
auths() { grep -c 'userauth-request' "$LOG1"; }

err=$(run_binnacle get containers 2>&1)
rc=$?
check "get refuses an unknown host" [ $rc -eq 1 ]
check "naming the key's type and fingerprint" grep -qF "the ED25519 host key of [127.0.0.1]:$SSHD_PORT1 ($fp) is not in ~/.ssh/known_hosts" <<<"$err"
check "and saying what to do" grep -qF "open the dashboard once to accept it, or add it with ssh-keyscan -p $SSHD_PORT1 127.0.0.1 >> ~/.ssh/known_hosts" <<<"$err"
check "nothing is remembered" [ ! -e "$KH" ]

a0=$(auths)
tui_start 200 30 --log "$T/tui.log"
check "the dashboard asks about the unknown host" wait_until 15 screen_has "Unknown SSH host"
check "showing the key's type" screen_has "ED25519 key"
check "and its SHA256 fingerprint, as ssh-keygen prints it" screen_has_text "$fp"
keys n
check "refused: the endpoint says so" wait_until 10 screen_has_text "you refused the host key of"
check "nothing is remembered" [ ! -e "$KH" ]
check "and nothing was sent: no authentication attempted" [ "$(auths)" -eq "$a0" ]
keys q
tui_start 200 30 --log "$T/tui.log"
check "asked again in a new run" wait_until 15 screen_has "Unknown SSH host"
keys y
check "accepted: the remote containers show" wait_until 15 screen_has "^worker "
check "the key is remembered, hashed" grep -q '^|1|.* ssh-ed25519 ' "$KH"
check "ssh-keygen -F finds it" bash -c "ssh-keygen -F '[127.0.0.1]:$SSHD_PORT1' -f '$KH' | grep -q 'ssh-ed25519'"
check "the real ssh trusts it" ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KH" \
	-o IdentitiesOnly=yes -i "$SSHD_LAB/keys/id_ed25519" -p "$SSHD_PORT1" "$SSHD_USER@127.0.0.1" true
keys q
out=$(run_binnacle get containers 2>&1)
check "and so does binnacle get from now on" grep -q '^worker ' <<<"$out"

# the host gets a new key: a changed key, refused before anything is sent
sshd_lab rekey 1
newfp=$(ssh-keygen -l -E sha256 -f "$SSHD_DIR/host1/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
a0=$(auths)
err=$(run_binnacle get containers 2>&1)
check "a changed host key is refused with OpenSSH's warning" grep -qF "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:$SSHD_PORT1: its ED25519 key $newfp is not the one in ~/.ssh/known_hosts:1" <<<"$err"
check "in one sentence, with the way out" bash -c "[ \$(printf '%s\n' \"\$1\" | wc -l) -eq 1 ] && grep -qF \"ssh-keygen -R '[127.0.0.1]:$SSHD_PORT1'\" <<<\"\$1\"" _ "$err"
check "nothing was sent: no authentication attempted" [ "$(auths)" -eq "$a0" ]
tui_start 200 30 --log "$T/tui.log"
check "the dashboard shows it refused, without asking" wait_until 15 screen_has_text "through its tunnel: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED"
check "the whole warning is in the flash line's log" grep -qF "flash: docker: cannot reach ssh://lab1$SOCK through its tunnel: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for [127.0.0.1]:$SSHD_PORT1: its ED25519 key $newfp" "$T/tui.log"
check "no question" screen_lacks "Unknown SSH host"
keys q

# StrictHostKeyChecking yes (the lab's own config for lab2): unknown = refused outright
export DOCKER_HOST="ssh://lab2$SOCK"
err=$(run_binnacle get containers 2>&1)
check "StrictHostKeyChecking yes refuses an unknown host" grep -qF "no ED25519 host key is known for [127.0.0.1]:$SSHD_PORT2 and StrictHostKeyChecking is yes" <<<"$err"
tui_start 200 30 --log "$T/tui.log"
check "the dashboard does not ask either" wait_until 15 screen_has_text "StrictHostKeyChecking is yes"
check "no question" screen_lacks "Unknown SSH host"
keys q
ssh_home "Host lab2" "	UserKnownHostsFile ~/.ssh/other_known_hosts" "	StrictHostKeyChecking accept-new"
out=$(run_binnacle get containers 2>&1)
check "accept-new remembers a new host without asking" grep -q '^worker ' <<<"$out"
check "in the configured file" bash -c "ssh-keygen -F '[127.0.0.1]:$SSHD_PORT2' -f '$HOME/.ssh/other_known_hosts' | grep -q ssh-ed25519"
finish
