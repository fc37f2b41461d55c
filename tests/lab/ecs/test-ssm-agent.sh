#!/bin/bash
# test-ssm-agent.sh: fidelity test of the lab SSM agent (labecs/ssm.py, the
# server side of ECS Exec) against the real AWS session-manager-plugin,
# driven in tmux as `aws ecs execute-command` drives it.  Runs the codec and
# protocol unit tests (test_ssm.py), then checks an interactive shell, the
# environment and working directory, the terminal size after a resize,
# Ctrl-C reaching the process, `exit 3` ending the session (the plugin
# exits), two sessions at once, a reused token being refused, the agent
# without the handshake, and the fault mode (loss 0.3: output still
# complete and in order, resends seen in the agent's log).
#
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when tmux, python3
# or the plugin is missing -- unless BINNACLE_REQUIRE_PEERS=1, then that is a
# failure.  The plugin is $SSM_PLUGIN, else
# $top_srcdir/../shared/peers/session-manager-plugin/session-manager-plugin,
# else session-manager-plugin on PATH.

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../lib.sh
. "$here/../../lib.sh"

require_cmd python3 tmux
# (BINNACLE_SHARED_DIR: where ../shared is when the sources are a copy, as in make check-asan)
plugin=${SSM_PLUGIN:-${BINNACLE_SHARED_DIR:-$top_srcdir/../shared}/peers/session-manager-plugin/session-manager-plugin}
if [ ! -x "$plugin" ]; then
	plugin=$(command -v session-manager-plugin) ||
		skip_or_fail "session-manager-plugin is not available (../shared/peers/session-manager-plugin)"
fi
TARGET=ecs:lab_3f1c9e2b7a8d4e6f9a0b1c2d3e4f5a6b_3f1c9e2b7a8d4e6f9a0b1c2d3e4f5a6b-1234567890
PROMPT='ssm-lab$ '
SID='ecs-execute-command-[a-z0-9]{26}'
mkdir -p "$T/home" "$T/task"

# ---- the unit tests of the codec and of the agent's protocol rules
if out=$(python3 "$here/test_ssm.py" 2>&1); then
	ok "ClientMessage codec and agent protocol rules (test_ssm.py)"
else
	not_ok "ClientMessage codec and agent protocol rules (test_ssm.py)" "$(echo "$out" | tail -30)"
fi

# start_agent NAME ARGS...: ssmagent.py in $T/NAME; sets PORT_<NAME>
start_agent() {
	local name=$1 dir=$T/$1
	shift
	mkdir -p "$dir"
	python3 "$here/ssmagent.py" --state-dir "$dir" --workdir "$T/task" --target "$TARGET" \
		--env HOSTNAME=lab-task --env "PS1=$PROMPT" "$@" > "$dir.out" 2> "$dir.err" &
	cleanup "kill $!"
	if ! wait_until 15 test -s "$dir.out"; then
		echo "FAIL: the lab SSM agent did not start" >&2
		cat "$dir.err" >&2
		exit 1
	fi
	printf -v "PORT_$name" '%s' "$(cat "$dir/port")"
}

# plugin_start WIN SESSION_FILE PORT: the plugin in a tmux server of its own,
# its output also piped to $T/WIN.pane (set up before the plugin starts).
tm() {
	local w=$1
	shift
	tmux -L "ssm-test-$$-$w" "$@"
}
plugin_start() {
	local w=$1 cmd
	cmd=$(printf '%q ' "$plugin" "$(cat "$2")" us-east-1 StartSession '' \
		"{\"Target\":\"$TARGET\"}" "http://127.0.0.1:$3")
	cleanup "tmux -L 'ssm-test-$$-$w' kill-server"
	tm "$w" -f /dev/null new-session -d -x 100 -y 30 -e "HOME=$T/home" \
		"read go; $cmd; echo PLUGIN-EXITED-\$?; sleep 60"
	tm "$w" pipe-pane -o "cat >> '$T/$w.pane'"
	tm "$w" send-keys Enter
}
pane() { tm "$1" capture-pane -p -J -S -300; }
pane_has() { pane "$1" | grep -Eq -- "$2"; }
type_line() {
	tm "$1" send-keys -l "$2"
	tm "$1" send-keys Enter
}
# expect WIN DESCRIPTION PATTERN [SECONDS]: the pane shows PATTERN in time
expect() {
	if wait_until "${4:-15}" pane_has "$1" "$3"; then
		ok "$2"
	else
		not_ok "$2" "$(pane "$1" | grep -v '^$' | tail -15)"
	fi
}
log_has() { grep -Eq -- "$2" "$T/$1/ssm.log"; }

# ---- agent a: an interactive shell through the real plugin (handshake on)
start_agent a --sessions 2
plugin_start one "$T/a/session-1.json" "$PORT_a"
expect one "the plugin starts the session" "^Starting session with SessionId: $SID"
expect one "interactive shell prompt" "^ssm-lab\\$ "
type_line one 'echo hello-$((6*7))'
expect one "typed command runs: echo hello-\$((6*7)) prints hello-42" "^hello-42\$"
type_line one 'echo "host=$HOSTNAME dir=$(pwd) term=$TERM"'
expect one "environment: HOSTNAME from the session, workdir, TERM=xterm-256color" \
	"^host=lab-task dir=$T/task term=xterm-256color\$"

tm one resize-window -x 123 -y 37
want=$(tm one display -p '#{pane_height} #{pane_width}')
# the plugin polls its terminal size every 500 ms; the remote shell waits for it (bounded)
type_line one "for i in \$(seq 50); do [ \"\$(stty size)\" = \"$want\" ] && break; sleep 0.2; done;"\
" echo size=\$(stty size)"
expect one "terminal size after a tmux resize reaches the pty (stty size = $want)" "^size=$want\$"

type_line one "sh -c 'trap \"echo got-SIGINT; exit 7\" INT; echo waiting-for-int;"\
" while :; do sleep 0.1; done'"
if wait_until 15 pane_has one "^waiting-for-int"; then
	tm one send-keys C-c
fi
expect one "Ctrl-C reaches the process as SIGINT" "(^|\\^C)got-SIGINT\$"
type_line one 'echo rc=$?'
expect one "... which exits through its trap (rc=7)" "^rc=7\$"

# a second session on the same agent while the first is open
plugin_start two "$T/a/session-2.json" "$PORT_a"
expect two "a second session at the same time gets its own shell" "^ssm-lab\\$ "
type_line two 'echo second-$((1+1))'
expect two "... and runs its commands" "^second-2\$"
type_line one 'echo first-still-$((2+2))'
expect one "... while the first one still works" "^first-still-4\$"
type_line two 'exit'
expect two "exit in the second session ends its plugin" "^PLUGIN-EXITED-0"

type_line one 'exit 3'
expect one "exit 3 ends the session: the plugin prints its end" "^Exiting session with sessionId: $SID\\.\$"
expect one "... plugin exit status" "^PLUGIN-EXITED-0"
if wait_until 10 log_has a "exited exit_code=3"; then
	ok "the agent logs the command's exit code 3"
else
	not_ok "the agent logs the command's exit code 3" "$(cat "$T/a/ssm.log")"
fi
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tokenValue"])' "$T/a/session-1.json")
if grep -qF "$token" "$T/a/ssm.log"; then
	not_ok "the token never reaches the log" "$(cat "$T/a/ssm.log")"
else
	ok "the token never reaches the log"
fi

# the same session JSON again: the token was single use
plugin_start again "$T/a/session-1.json" "$PORT_a"
if wait_until 15 log_has a "refused: token already used"; then
	ok "a reused token is refused (the WebSocket is closed before any data)"
else
	not_ok "a reused token is refused (the WebSocket is closed before any data)" "$(cat "$T/a/ssm.log")"
fi
if pane_has again "ssm-lab"; then
	not_ok "... and no shell is reached with it" "$(pane again)"
else
	ok "... and no shell is reached with it"
fi
tm again kill-server

# ---- agent b: no handshake (what the agent does for InteractiveCommands without KMS)
start_agent b --no-handshake
plugin_start nohs "$T/b/session-1.json" "$PORT_b"
expect nohs "without the handshake the plugin takes the first output as the shell's" "^ssm-lab\\$ "
type_line nohs 'echo nohs-$((40+2))'
expect nohs "... and the session works" "^nohs-42\$"
type_line nohs 'exit'
expect nohs "... and ends" "^PLUGIN-EXITED-0"

# ---- agent c: fault mode, 30% of outgoing messages dropped, some duplicated or reordered
start_agent c --loss 0.3
plugin_start lossy "$T/c/session-1.json" "$PORT_c"
expect lossy "fault mode: the handshake and the prompt get through" "^ssm-lab\\$ " 30
type_line lossy 'seq 1 3000; echo after-seq-$((6*7))'
expect lossy "fault mode: output arrives" "^after-seq-42\$" 60
in_order() {
	python3 - "$T/lossy.pane" << 'EOF'
import sys
lines = open(sys.argv[1], "rb").read().replace(b"\r", b"").split(b"\n")
nums = [int(x) for x in lines if x.isdigit()]
if nums != list(range(1, 3001)):
    bad = next((i for i, (a, b) in enumerate(zip(nums, range(1, 3001))) if a != b), len(nums))
    sys.exit("%d numbers, first difference at index %d: %r" % (len(nums), bad, nums[bad:bad + 5]))
EOF
}
if out=$(in_order 2>&1); then
	ok "fault mode: seq 1 3000 arrives complete and in order"
else
	not_ok "fault mode: seq 1 3000 arrives complete and in order" "$out"
fi
type_line lossy 'exit 4'
expect lossy "fault mode: exit ends the session" "^PLUGIN-EXITED-0" 60
if wait_until 10 log_has c "exited exit_code=4 .*resent=[1-9][0-9]* dropped=[1-9]"; then
	counts=$(grep -o 'resent=[0-9]* dropped=[0-9]* duplicated=[0-9]* reordered=[0-9]*' "$T/c/ssm.log")
	ok "fault mode: the agent dropped messages and resent them ($counts)"
else
	not_ok "fault mode: the agent dropped messages and resent them" "$(cat "$T/c/ssm.log")"
fi

finish
