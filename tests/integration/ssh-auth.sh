#!/usr/bin/env bash
# ssh-auth.sh: logging in as ssh does, against real sshd: a key from the
# agent (SSH_AUTH_SOCK) with no identity file, IdentitiesOnly keeping the
# agent's other keys out, a passphrase-protected key (get says to add it
# to the agent; the dashboard asks for the passphrase without echoing it,
# again when it is wrong, and not again once declined), a key the server
# does not know refused in one sentence, and a password asked only when
# the configuration allows it. No passphrase or password ever reaches the
# debug log, the audit log or the screen.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman demo
SOCK=${DOCKER_HOST#unix://}
start_sshd --hosts 1 --set 'PasswordAuthentication yes'
ssh_home
unset SSH_AUTH_SOCK
cp "$SSHD_LAB/known_hosts" "$HOME/.ssh/known_hosts"
# no Host block names 127.0.0.1: the defaults (~/.ssh/id_*, the agent) apply
export DOCKER_HOST="ssh://$SSHD_USER@127.0.0.1:$SSHD_PORT1$SOCK"
PASS=$(cat "$SSHD_LAB/keys/passphrase")
WRONG="not-the-passphrase-$RANDOM"
PASSWORD="lab-password-$RANDOM"

err=$(run_binnacle get containers 2>&1)
check "no key at all: one sentence saying so" grep -q "refused authentication (tried no key; it accepts publickey,password); no ssh-agent key and no identity file to offer" <<<"$err"

agent=$(sshd_lab agent)
export "${agent?}"
out=$(run_binnacle get containers --log "$T/agent.log" 2>&1)
check "a key from ssh-agent logs in" grep -q '^worker ' <<<"$out"
check "signed by the agent" grep -q "authenticated with an ssh-agent key (lab key)" "$T/agent.log"
cp "$SSHD_LAB/keys/id_other" "$SSHD_LAB/keys/id_other.pub" "$HOME/.ssh/"
printf 'Host 127.0.0.1\n\tIdentitiesOnly yes\n\tIdentityFile ~/.ssh/id_other\n' >>"$HOME/.ssh/config"
err=$(run_binnacle get containers 2>&1)
check "IdentitiesOnly: the agent's key is not offered, the file's is refused" \
	grep -q "refused authentication (tried ~/.ssh/id_other; it accepts publickey,password)" <<<"$err"
ssh_home
unset SSH_AUTH_SOCK
rm -f "$HOME/.ssh/id_other" "$HOME/.ssh/id_other.pub"

# a passphrase-protected key
cp "$SSHD_LAB/keys/id_pass" "$HOME/.ssh/id_ed25519"
cp "$SSHD_LAB/keys/id_pass.pub" "$HOME/.ssh/id_ed25519.pub"
err=$(run_binnacle get containers 2>&1)
check "get cannot type a passphrase: it says to use the agent" \
	grep -qF "~/.ssh/id_ed25519 needs its passphrase: add it to ssh-agent (ssh-add ~/.ssh/id_ed25519) or type it in the dashboard" <<<"$err"
tui_start 200 30 --log "$T/tui.log"
check "the dashboard asks for the passphrase" wait_until 15 screen_has "Enter the passphrase for the key ~/.ssh/id_ed25519"
keys "$WRONG"
check "what is typed is not shown" screen_lacks "$WRONG"
keys Enter
check "a wrong passphrase is asked again" wait_until 15 screen_has "That passphrase is wrong"
keys "$PASS" Enter
check "the right one logs in" wait_until 15 screen_has "^worker "
keys s
check "and a shell opens through it" wait_until 15 screen_has "^/ #"
keys 'exit' Enter
wait_until 15 screen_has "shell in worker"
keys q
wait_until 10 screen_has "BINNACLE-EXITED"
tui_start 200 30 --log "$T/tui.log"
check "asked in a new run" wait_until 15 screen_has "Enter the passphrase"
keys Escape
check "declined: the server's next way in, a password, is asked" wait_until 15 screen_has "Password for"
keys Escape
check "declined too: the endpoint says authentication failed" wait_until 15 screen_has "refused authentication"
check "and that the key needs its passphrase" grep -qF "~/.ssh/id_ed25519 needs its passphrase: add it to ssh-agent" "$T/tui.log"
sleep 3 # the engine's own retries come and go meanwhile
check "and neither is asked again" screen_lacks "Enter the passphrase|Password for"
keys q

# a key the server does not know, then a password when allowed
cp "$SSHD_LAB/keys/id_other" "$HOME/.ssh/id_ed25519"
cp "$SSHD_LAB/keys/id_other.pub" "$HOME/.ssh/id_ed25519.pub"
err=$(run_binnacle get containers 2>&1)
check "a key the server does not know is refused in one sentence" bash -c \
	"[ \$(printf '%s\n' \"\$1\" | wc -l) -eq 1 ] && grep -q 'refused authentication (tried ~/.ssh/id_ed25519; it accepts publickey,password)' <<<\"\$1\"" _ "$err"
tui_start 200 30 --log "$T/tui.log"
check "the server offers a password and the configuration allows it: asked" wait_until 15 screen_has "Password for $SSHD_USER@127.0.0.1:$SSHD_PORT1"
keys "$PASSWORD" Enter
check "a refused password is asked again" wait_until 20 screen_has "Permission denied, please try again"
keys Escape
check "given up: the endpoint says so" wait_until 15 screen_has "refused authentication"
keys q
printf 'Host 127.0.0.1\n\tPasswordAuthentication no\n' >>"$HOME/.ssh/config"
tui_start 200 30 --log "$T/tui.log"
check "with PasswordAuthentication no it is not asked" wait_until 15 screen_has "refused authentication"
check "no question" screen_lacks "Password for"
keys q

check "the passphrase is in no log" bash -c "! grep -rqF -- '$PASS' '$T/tui.log' '$XDG_STATE_HOME'"
check "nor the wrong one" bash -c "! grep -rqF -- '$WRONG' '$T/tui.log' '$XDG_STATE_HOME'"
check "nor the password" bash -c "! grep -rqF -- '$PASSWORD' '$T/tui.log' '$XDG_STATE_HOME'"
check "the shell is audited without them" wait_until 10 audit_has $'action=shell'
finish
