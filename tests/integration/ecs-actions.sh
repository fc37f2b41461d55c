#!/usr/bin/env bash
# ecs-actions.sh: every ECS view and action from the dashboard against the
# ECS lab, checked with the real AWS CLI: a cluster as scope, scale,
# restart (a new deployment), rollback to the previous revision, service
# events, describe, stop a task with a reason (read back on screen), exec
# over the SSM data channel with no plugin (output, terminal size, the end,
# on a lossy channel), exec refused where it is off, logs merged and
# followed, drain and activate a container instance and the tasks on it,
# the audit log; then read-only mode, which sends nothing that changes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd aws jq
start_ecslab --ssm-loss 0.2 --log-interval 1
export -f aws_lab # the checks below run the CLI in bash -c

# narrow NAME: the filter of the current view, without leaving it (tui_select's
# Esc would go back from a drilled-down view)
narrow() {
	keys '/' C-u "^$1\$" Enter
	wait_until 10 screen_has "/\\^$1\\$  1/1"
}

tui_start 160 45 --log "$T/binnacle.log"
check "the dashboard opens on the account's clusters" wait_until 20 screen_has "^lab-ec2 +ACTIVE"
tui_select lab-ec2
keys Enter
check "Enter on a cluster makes it the scope and lists its services" wait_until 15 screen_has "cluster lab-ec2"
check "with running/desired and the rollout" wait_until 15 screen_has "web +2/2 .*COMPLETED"

desired() { aws_lab ecs describe-services --cluster lab-ec2 --services web --query 'services[0].desiredCount'; }
tui_select web
keys s
check "scale asks for the count, showing the current one" wait_until 5 screen_has "desired count for web \\(now 2\\)"
keys C-u 3 Enter
export -f desired
check "scale: the CLI sees 3 desired" wait_until 20 bash -c "[ \"\$(desired)\" = 3 ]"
check "and the screen 3 running" wait_until 30 screen_has "web +3/3"
primary() { aws_lab ecs describe-services --cluster lab-ec2 --services web --query 'services[0].deployments[?status==`PRIMARY`].id' --output text; }
export -f primary
before=$(primary)
keys r
check "restart asks first, naming the service and the endpoint" wait_until 5 screen_has "Restart ecs-service web .*on ecs/us-east-1\\?"
keys y
check "restart: a new deployment" wait_until 20 bash -c "[ \"\$(primary)\" != '$before' ]"
check "its rollout on screen" wait_until 20 screen_has "web +[0-9]/3 .*(IN_PROGRESS|COMPLETED)"

# a second revision, deployed with the CLI; then rolled back from the dashboard
aws_lab ecs describe-task-definition --task-definition web:1 --query taskDefinition |
	jq '{family, containerDefinitions, networkMode, requiresCompatibilities, taskRoleArn, executionRoleArn}' \
	>"$T/td.json"
aws_lab ecs register-task-definition --cli-input-json "file://$T/td.json" >/dev/null
aws_lab ecs update-service --cluster lab-ec2 --service web --task-definition web:2 >/dev/null
check "the new revision shows" wait_until 30 screen_has "web .* web:2 "
keys R
check "rollback asks first" wait_until 5 screen_has "Rollback ecs-service web .*on ecs/us-east-1\\?"
keys y
taskdef() { aws_lab ecs describe-services --cluster lab-ec2 --services web --query 'services[0].taskDefinition' --output text; }
export -f taskdef
check "rollback: the CLI sees web:1 again" wait_until 20 bash -c "taskdef | grep -q 'task-definition/web:1\$'"

keys E
check "E: the service's events, newest first" wait_until 15 screen_has "\\(service web\\) (has started|has stopped|has reached|.*deployment)"
keys Escape
tui_select web
keys d
check "describe: the service with its deployments" wait_until 10 screen_has "^deployments:"
keys Escape

tui_select web
keys Enter
check "Enter on a service lists its tasks" wait_until 15 screen_has "ECS tasks \\(service web\\)"
check "running, on their EC2 instances" wait_until 20 screen_has "web +[0-9a-f]+…? +RUNNING .* i-[0-9a-f]+"
# the victim is a task the scheduler keeps: picked once the roll back's
# deployment is the only one (before, the scheduler may stop it first)
steady() {
	aws_lab ecs describe-services --cluster lab-ec2 --services web \
		--query 'services[0].[length(deployments), deployments[0].rolloutState, runningCount == desiredCount]' \
		--output text | grep -qE '^1\s+COMPLETED\s+True$'
}
export -f steady
wait_until 60 steady
victim=$(aws_lab ecs list-tasks --cluster lab-ec2 --service-name web --desired-status RUNNING --query 'taskArns[0]' --output text)
victim=${victim##*/}
narrow "$victim"
keys x
check "stop asks for a reason, ECS records it" wait_until 5 screen_has "reason \\(recorded by ECS\\) for $victim"
keys C-u "binnacle test: $victim" Enter
check "and asks first" wait_until 5 screen_has "Stop ecs-task $victim"
keys y
reason() { aws_lab ecs describe-tasks --cluster lab-ec2 --tasks "$victim" --query 'tasks[0].[stopCode,stoppedReason]' --output text; }
export victim
export -f reason
check "stop: the CLI sees it stopped by the user, with the reason" wait_until 20 bash -c \
	"reason | grep -q \"^UserInitiated	binnacle test: $victim\$\""
keys Escape
check "the reason on screen" wait_until 20 screen_has "${victim:0:6}.* STOPPED .*UserInitiated +binnacle test: ${victim:0:6}"

# exec: no plugin, the SSM data channel spoken over a lossy link, in a task
# the scheduler keeps: once the stopped task's replacement runs
wait_until 60 steady
runner=$(aws_lab ecs list-tasks --cluster lab-ec2 --service-name web --desired-status RUNNING --query 'taskArns[-1]' --output text)
runner=${runner##*/}
wait_until 20 screen_has "$runner"
narrow "$runner"
keys s
check "exec opens a shell in the task" wait_until 20 screen_has "shell in $runner on ecs/us-east-1"
wait_until 15 screen_has '[#$] *$'
keys 'echo EMARK-$((6*7)); stty size' Enter
check "the command's output comes back" wait_until 15 screen_has "^EMARK-42"
check "on a terminal sized like binnacle's" wait_until 10 screen_has "^45 160"
keys 'exit' Enter
check "the shell's end brings the dashboard back" wait_until 20 screen_has "shell in $runner: ended"
check "the agent resent and acknowledged on the lossy channel" wait_until 10 grep -qE 'exec session .* closed by the agent' "$T/binnacle.log"

keys ':cluster lab-fargate' Enter ':tasks' Enter
wait_until 20 screen_has "jobs +[0-9a-f]"
tui_select "$(aws_lab ecs list-tasks --cluster lab-fargate --service-name jobs --desired-status RUNNING --query 'taskArns[0]' --output text | sed 's#.*/##')"
keys s
check "exec where it is off: one sentence, nothing asked of AWS" wait_until 10 screen_has "started without ECS Exec"
check "(no ExecuteCommand for it)" bash -c "[ \$(grep -c ' ecs ExecuteCommand ' '$ECS_DIR/requests.log') = 1 ]"

keys ':cluster lab-ec2' Enter ':ecs-services' Enter
tui_select web
keys l
check "a service's logs merge its tasks, each line named by its task" wait_until 20 screen_has "\\[[0-9a-f]{8}\\] .*GET /"
last_line() { tmx capture-pane -p | grep -v 'FOLLOW\|^<' | grep . | tail -1; }
first=$(last_line)
check "and follow: new lines arrive" wait_until 20 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -v 'FOLLOW\\|^<' | grep . | tail -1)\" != '$first' ]"
keys Escape

keys ':nodes' Enter
check "container instances are the nodes view" wait_until 20 screen_has "^i-[0-9a-f]+ +ACTIVE +lab-ec2 t3.large"
ci_arn=$(aws_lab ecs list-container-instances --cluster lab-ec2 --query 'containerInstanceArns[0]' --output text)
ec2=$(aws_lab ecs describe-container-instances --cluster lab-ec2 --container-instances "$ci_arn" --query 'containerInstances[0].ec2InstanceId' --output text)
status() { aws_lab ecs describe-container-instances --cluster lab-ec2 --container-instances "$ci_arn" --query 'containerInstances[0].status' --output text; }
export ci_arn
export -f status
tui_select "$ec2"
keys x
check "drain asks first" wait_until 5 screen_has "[Dd]rain node $ec2 .*on ecs/us-east-1\\?"
keys y
check "drain: the CLI sees it DRAINING" wait_until 20 bash -c "[ \"\$(status)\" = DRAINING ]"
check "and the screen" wait_until 20 screen_has "^$ec2 +DRAINING"
keys u
check "activate asks first too" wait_until 5 screen_has "Activate node $ec2 .*on ecs/us-east-1\\?"
keys y
check "activate: ACTIVE again" wait_until 20 bash -c "[ \"\$(status)\" = ACTIVE ]"
keys Enter
check "Enter on an instance lists the tasks placed on it" wait_until 15 screen_has "ECS tasks \\(instance $ec2\\)"
keys q

check "changes are audited" wait_until 10 audit_has $'kind=ecs-services\tname=web\t.*value=3\taction=scale\tresult=ok'
check "stops with their reason" wait_until 10 audit_has "action=stop"$'\t'"result=ok"
check "the audit log holds no secret" bash -c "! grep -qF '$AWS_SECRET_ACCESS_KEY' '$XDG_STATE_HOME/binnacle/audit.log'"
check "nor does the debug log" bash -c "! grep -qF '$AWS_SECRET_ACCESS_KEY' '$T/binnacle.log'"
tmx kill-server

# read-only: nothing that changes anything reaches ECS
writes() { grep -cE ' ecs (UpdateService|StopTask|UpdateContainerInstancesState|ExecuteCommand) ' "$ECS_DIR/requests.log"; }
before=$(writes)
tui_start 140 40 --readonly
wait_until 20 screen_has "^lab-ec2"
keys ':cluster lab-ec2' Enter ':ecs-services' Enter
tui_select web
for k in s r R; do keys "$k"; sleep 0.3; keys C-u 9 Enter y Escape; done
check "read-only says so" wait_until 5 screen_has "read-only"
keys Enter
wait_until 15 screen_has "RUNNING"
for k in x s; do keys "$k"; sleep 0.3; keys y Escape; done
keys ':nodes' Enter
wait_until 15 screen_has "ACTIVE"
for k in x u; do keys "$k"; sleep 0.3; keys y Escape; done
sleep 1
check "read-only sends no UpdateService, StopTask, UpdateContainerInstancesState or ExecuteCommand" \
	[ "$(writes)" = "$before" ]
finish
