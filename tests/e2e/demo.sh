#!/usr/bin/env bash
# demo.sh: the README's first command (make demo, tests/lab/demo.sh) on a
# machine with nothing configured: it starts the labs of every backend (the
# demo engine, the Kubernetes lab, the ECS lab), binnacle opens on the health
# screen across them with their problems listed, every backend's views work,
# and everything the demo started stops when binnacle quits.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd python3 podman openssl
export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
unset DOCKER_HOST
lab="$XDG_RUNTIME_DIR/binnacle-demo-$(id -u)"
cleanup "bash '$LAB/podman-lab.sh' stop '$lab'; sh '$LAB/ecs/ecslab.sh' stop '$lab/ecs'; sh '$LAB/kube/kubelab.sh' stop '$lab/kube'"
real=$BINNACLE
BINNACLE="$LAB/demo.sh" tui_start 160 45 "$real"
check "the demo opens on the health screen" wait_until 180 screen_has "Problems: [0-9]+"
check "with the demo engine" wait_until 60 screen_has "^engine +docker +live"
check "the Kubernetes lab" wait_until 60 screen_has "^cluster +kubernetes +live"
check "and the ECS lab" wait_until 60 screen_has "^aws +ecs +live"
check "and real problems among them" wait_until 90 bash -c \
	"tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^critical +cluster ' && tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^warning +engine +containers backup'"
keys ':ctx aws' Enter ':clusters' Enter
check "the ECS lab's clusters" wait_until 20 screen_has "^lab-ec2 +ACTIVE"
keys q
check "quitting stops the ECS lab" wait_until 30 bash -c "! sh '$LAB/ecs/ecslab.sh' status '$lab/ecs' >/dev/null 2>&1"
check "and the Kubernetes lab" wait_until 30 bash -c "! sh '$LAB/kube/kubelab.sh' status '$lab/kube' >/dev/null 2>&1"
engine_gone() { ! curl -s --max-time 2 --unix-socket "$lab/api.sock" http://d/_ping 2>/dev/null | grep -q OK; }
check "and the demo engine" wait_until 30 engine_gone
finish
