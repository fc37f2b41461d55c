#!/usr/bin/env bash
# soak-ecs.sh: the dashboard follows the ECS lab while its tasks churn for
# minutes (the lab's random replacements and crashing services; services
# scaled up and down and tasks stopped with the real AWS CLI; services made
# to fail and healed by the lab's control; stopped tasks expiring), with
# the churning rows on screen (filtered, sorted, paged, the cluster
# switched, tasks and services in turn), and must neither die nor, in the
# sanitiser build, report anything; the last scale and the last stop must
# reach the screen. BINNACLE_SOAK_SECONDS sets the length (default 60).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd aws
soak=${BINNACLE_SOAK_SECONDS:-60}
# lab-04 and lab-05 hold the extra services app-0001... (odd ones in lab-04,
# even ones in lab-05), none running at first; stopped tasks stay a minute so
# rows also leave while the soak runs
start_ecslab --clusters 5 --services 40 --churn 2 --start-delay 1 --crash-after 3 \
	--stopped-ttl 60 --log-interval 5
export -f aws_lab

# scale CLUSTER SERVICE COUNT / stop_one CLUSTER REASON: the CLI's churn. A
# task may stop on its own between the list and the stop: the CLI's error
# (or the lab control's) is then no failure of the dashboard, so it is only
# counted.
cli_errors=0
scale() {
	aws_lab ecs update-service --cluster "$1" --service "$2" --desired-count "$3" >/dev/null ||
		cli_errors=$((cli_errors + 1))
}
stopped=0
stop_one() {
	local arn
	arn=$(aws_lab ecs list-tasks --cluster "$1" --desired-status RUNNING --query 'taskArns[-1]' --output text) ||
		{ cli_errors=$((cli_errors + 1)); return 0; }
	case $arn in arn:*) ;; *) return 0 ;; esac
	if aws_lab ecs stop-task --cluster "$1" --task "$arn" --reason "$2" >/dev/null; then
		stopped=$((stopped + 1))
	else
		cli_errors=$((cli_errors + 1))
	fi
}

tui_start 160 45 --log "$T/binnacle.log" --refresh 500ms tasks
check "the dashboard opens on the churning tasks" wait_until 30 screen_has "RUNNING"

alive() { screen_lacks "BINNACLE-EXITED"; }
# step KEYS...: one user action, then a moment for the churn to act on it
step() {
	keys "$@"
	sleep 1
	alive
}

end=$((SECONDS + soak))
round=0
while [ $SECONDS -lt $end ] && alive; do
	round=$((round + 1))
	# one of app-0001..app-0009 (lab-04) up to 1-4 tasks, the one before it down to none
	svc=$(printf 'app-%04d' $((1 + 2 * (round % 5))))
	prev=$(printf 'app-%04d' $((1 + 2 * ((round + 4) % 5))))
	scale lab-04 "$svc" $((1 + round % 4))
	# the lab's failure switches, on one round and off the next: worker's
	# tasks exit, frontend's fail their health checks and are replaced
	if [ $((round % 2)) -eq 1 ]; then mode=exit health=unhealthy; else mode=none health=none; fi
	lab_control "fail?cluster=lab-ec2&service=worker&mode=$mode" || cli_errors=$((cli_errors + 1))
	lab_control "fail?cluster=lab-fargate&service=frontend&mode=$health" || cli_errors=$((cli_errors + 1))
	step '/' 'lab-04|lab-ec2' Enter
	stop_one lab-ec2 "soak round $round"
	step '>'
	step G
	scale lab-04 "$prev" 0
	step g
	step PageDown
	step ':cluster lab-04' Enter
	step ':ecs-services' Enter
	step '/' 'app' Enter
	step '<'
	stop_one lab-04 "soak round $round"
	step ':cluster lab-ec2' Enter
	step ':tasks' Enter
	step '/' 'STOPP|PEND|PROV' Enter
	step G
	step ':cluster all' Enter
	step Escape
done

check "the dashboard is still running after ${soak}s of task churn ($round rounds, $stopped tasks stopped, $cli_errors CLI errors)" alive

# the last changes: a service scaled to 5 and a task stopped with a reason,
# both read back on screen while the churn goes on
scale lab-05 app-0002 5
keys Escape ':cluster lab-05' Enter ':ecs-services' Enter
keys '/' C-u '^app-0002$' Enter
check "the last scale reached the screen" wait_until 60 screen_has "app-0002 +[0-9]+/5 "
# a running web task; the lab's churn may stop it first between the list and
# the stop, so the stop code to look for is the one ECS then records
running_web() {
	last=$(aws_lab ecs list-tasks --cluster lab-ec2 --service-name web --desired-status RUNNING \
		--query 'taskArns[0]' --output text) && [[ $last == arn:* ]]
}
wait_until 60 running_web
last=${last##*/}
aws_lab ecs stop-task --cluster lab-ec2 --task "$last" --reason "soak final" >/dev/null
code=$(aws_lab ecs describe-tasks --cluster lab-ec2 --tasks "$last" --query 'tasks[0].stopCode' --output text)
keys Escape ':cluster lab-ec2' Enter ':tasks' Enter
keys '/' C-u "^$last\$" Enter
check "the last stopped task reached the screen (stop code $code)" \
	wait_until 60 screen_has "${last:0:6}.* STOPPED .*${code:0:10}"
keys q
check "it quits cleanly" wait_until 20 screen_has "BINNACLE-EXITED-0"
# a sanitiser report (in the sanitiser build) fails the test through tests/lib.sh
finish
