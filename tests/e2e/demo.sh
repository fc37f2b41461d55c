#!/usr/bin/env bash
# demo.sh: the README's first command (make demo, tests/lab/demo.sh) on a
# machine with no engine and no AWS account: it starts the demo engine and
# the ECS lab, binnacle shows them side by side, and both stop when it quits.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd python3 podman
export XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_RUNTIME_DIR"
unset DOCKER_HOST
lab="$XDG_RUNTIME_DIR/binnacle-demo-$(id -u)"
cleanup "bash '$LAB/podman-lab.sh' stop '$lab'; sh '$LAB/ecs/ecslab.sh' stop '$lab/ecs'"
real=$BINNACLE
BINNACLE="$LAB/demo.sh" tui_start 140 40 "$real"
check "the demo shows the ECS lab" wait_until 120 screen_has "ecs/us-east-1"
check "beside the demo engine" wait_until 60 screen_has "docker|podman"
keys ':ctx ecs/us-east-1' Enter ':clusters' Enter
check "with its clusters" wait_until 20 screen_has "^lab-ec2 +ACTIVE"
keys q
check "quitting stops the ECS lab" wait_until 30 bash -c "! sh '$LAB/ecs/ecslab.sh' status '$lab/ecs' >/dev/null 2>&1"
finish
