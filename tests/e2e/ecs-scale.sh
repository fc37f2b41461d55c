#!/usr/bin/env bash
# ecs-scale.sh: end to end in a real terminal against the ECS lab, with
# nothing configured but the AWS credentials: open a cluster's services,
# scale one to 5, see 5 tasks running on screen, stop one and read why it
# stopped, on screen.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd aws
start_ecslab

tui_start 120 40
check "the account's clusters appear" wait_until 20 screen_has "^lab-ec2 +ACTIVE"
tui_select lab-ec2
keys Enter
# narrowed to the cluster, its column says nothing and is left out
check "Enter opens the cluster's services" wait_until 15 screen_has "^web +2/2"
tui_select web
keys s
wait_until 5 screen_has "desired count for web \\(now 2\\)"
keys C-u 5 Enter
check "the service reaches 5/5" wait_until 40 screen_has "^web +5/5"
keys Enter
check "Enter lists its tasks" wait_until 10 screen_has "ECS tasks \\(service web\\)"
check "5 tasks running on screen" wait_until 40 bash -c "[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -cE '^web +[0-9a-f]+…? +RUNNING +RUNNING') -eq 5 ]"
# the ids are cut at this width: the CLI names one
victim=$(aws --endpoint-url "$AWS_ENDPOINT_URL" ecs list-tasks --cluster lab-ec2 --service-name web \
	--desired-status RUNNING --query 'taskArns[0]' --output text)
victim=${victim##*/}
keys '/' "^$victim\$" Enter
wait_until 10 screen_has "1/1"
keys x
wait_until 5 screen_has "reason \\(recorded by ECS\\)"
keys C-u "no longer needed" Enter
wait_until 5 screen_has "[Ss]top ecs-task $victim"
keys y
keys Escape
check "it stops, and says why on screen" wait_until 30 screen_has "${victim:0:6}.* STOPPED .*UserInitiated +no longer needed"
check "the AWS CLI agrees" bash -c "aws --endpoint-url '$AWS_ENDPOINT_URL' ecs describe-tasks --cluster lab-ec2 --tasks '$victim' --query 'tasks[0].stoppedReason' --output text | grep -qx 'no longer needed'"
finish
