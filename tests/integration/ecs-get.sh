#!/usr/bin/env bash
# ecs-get.sh: every ECS kind through `binnacle get` against the ECS lab,
# checked against the real AWS CLI: clusters, services (a cluster of more
# than 200, so lists page and describes batch), tasks, container
# instances as nodes, task definitions, containers; found with AWS
# credentials and no configuration; several profiles as endpoints;
# throttling survived; an expired session token, an expired SSO session
# and a region without ECS each one sentence; the request rate in the
# debug log, and no secret in it.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd aws jq
start_ecslab --clusters 4 --services 250 --tasks 700 --no-short-pages

# ---- with AWS credentials and a region, no configuration at all ----
out=$(run_binnacle get ecs-clusters --log "$T/get.log")
want=$(aws_lab ecs list-clusters --query 'clusterArns[]' --output text | tr '\t' '\n' | sed 's#.*/##' | sort)
got=$(sed 1d <<<"$out" | awk '{print $1}' | sort)
check "the account's clusters appear with no configuration" [ "$got" = "$want" ]
check "with their counts" grep -qE '^lab-ec2 +ACTIVE +[0-9]+ +[0-9]+ +4 +3 +EC2' <<<"$out"

svc_json=$(run_binnacle get ecs-services -o json --log "$T/get.log")
n_lab04=$(jq '[.[] | select(.cluster == "lab-04")] | length' <<<"$svc_json")
cli_lab04=$(aws_lab ecs list-services --cluster lab-04 --query 'length(serviceArns)')
check "a cluster of $cli_lab04 services is listed whole (pages of 100, describes of 10)" [ "$n_lab04" = "$cli_lab04" ]
check "the lab refused no batch" bash -c "! grep -q 'InvalidParameterException' '$ECS_DIR/requests.log'"
pages=$(grep -c ' ecs ListServices 200 ' "$ECS_DIR/requests.log")
check "ListServices was paged" [ "$pages" -ge 6 ]
web=$(aws_lab ecs describe-services --cluster lab-ec2 --services web --query 'services[0].[runningCount,desiredCount]' --output text | tr '\t' /)
check "web's running/desired are the CLI's" [ "$(jq -r '.[] | select(.name == "web") | .tasks' <<<"$svc_json")" = "$web" ]
check "and its task definition and exec" [ "$(jq -r '.[] | select(.name == "web") | .taskdef + " " + .exec' <<<"$svc_json")" = "web:1 yes" ]

tasks_json=$(run_binnacle get ecs-tasks -o json --filter lab-04)
cli_tasks=$(($(aws_lab ecs list-tasks --cluster lab-04 --query 'length(taskArns)') +
	$(aws_lab ecs list-tasks --cluster lab-04 --desired-status STOPPED --query 'length(taskArns)')))
check "every task of lab-04, running and stopped ($cli_tasks)" [ "$(jq length <<<"$tasks_json")" = "$cli_tasks" ]
# puller's image does not exist: its tasks fail to start, and say so
puller_stopped() {
	run_binnacle get tasks -o json | jq -r '[.[] | select(.service == "puller" and .last == "STOPPED")][0] |
		.stop_code + "|" + .reason' | grep -q '^TaskFailedToStart|CannotPullContainerError'
}
check "a stopped task says why it stopped" wait_until 30 puller_stopped
fargate=$(run_binnacle get tasks -o json | jq -r '[.[] | select(.service == "frontend" and .last == "RUNNING")][0] | .host + "|" + .ip')
check "a Fargate task names its platform and private IP" grep -qE '^Fargate 1\.4\.0\|10\.' <<<"$fargate"

nodes=$(run_binnacle get nodes -o json | jq -r '.[].name' | sort)
cli_nodes=$(aws_lab ecs describe-container-instances --cluster lab-ec2 --container-instances \
	$(aws_lab ecs list-container-instances --cluster lab-ec2 --query 'containerInstanceArns[]' --output text) \
	--query 'containerInstances[].ec2InstanceId' --output text | tr '\t' '\n' | sort)
check "container instances are the shared nodes, by EC2 instance id" [ "$nodes" = "$cli_nodes" ]
ec2host=$(run_binnacle get tasks -o json | jq -r '[.[] | select(.service == "web")][0].host')
check "an EC2 task names its instance" grep -qxF "$ec2host" <<<"$nodes"

tds=$(run_binnacle get taskdefs -o json | jq -r '.[].name' | sort)
cli_tds=$(aws_lab ecs list-task-definitions --status ACTIVE --query 'taskDefinitionArns[]' --output text | tr '\t' '\n' |
	sed 's#.*/##' | sort)
check "task definitions: every active revision" [ "$tds" = "$cli_tds" ]
ctr=$(run_binnacle get containers -o json --filter web)
check "a task's containers fill the shared containers kind, with the image digest" \
	bash -c "jq -e '[.[] | select(.name == \"web\" and (.image_id | startswith(\"sha256:\")))] | length > 0' <<<'$ctr' >/dev/null"

check "the debug log says the request rate" grep -qE 'aws ecs/us-east-1 ecs: [0-9]+ requests in [0-9]+ s \([0-9.]+/s\), 0 throttled' "$T/get.log"
secret=$AWS_SECRET_ACCESS_KEY
check "and holds no secret" bash -c "! grep -qF '$secret' '$T/get.log'"

# ---- health: what is wrong, from the rows polling keeps ----
ci=$(aws_lab ecs list-container-instances --cluster lab-ec2 --query 'containerInstanceArns[0]' --output text)
lab_control "agent?cluster=lab-ec2&instance=${ci##*/}&connected=false"
health=$(run_binnacle health -o json)
# (the profile's ECR registry is an endpoint too, listed first when it is stale)
check "health counts services at their desired count and tasks running" \
	bash -c "jq -e '[.endpoints[] | select(.backend == \"ecs\")][0].counts | test(\"services at desired count [0-9]+/[0-9]+ · tasks running\")' <<<'$health' >/dev/null"
check "a service below its desired count is a problem" \
	bash -c "jq -e '[.problems[] | select(.where == \"ecs-services lab-fargate/puller\" and (.what | test(\"0 of 1 tasks running\")))] | length == 1' <<<'$health' >/dev/null"
check "its stopped tasks are one problem, with the last reason" \
	bash -c "jq -e '[.problems[] | select(.where == \"ecs-services lab-fargate/puller\" and (.what | test(\"stopped.*TaskFailedToStart: CannotPullContainerError\")))] | length == 1' <<<'$health' >/dev/null"
check "a container instance whose agent is disconnected is a problem" \
	bash -c "jq -e '[.problems[] | select(.what | test(\"ECS agent is disconnected\"))] | length == 1' <<<'$health' >/dev/null"
lab_control "agent?cluster=lab-ec2&instance=${ci##*/}&connected=true"

# ---- throttling: retried with backoff until it passes ----
lab_control "throttle?rate=0.3"
check "half the requests refused: get still answers" binnacle_prints '^lab-04 ' get ecs-services --log "$T/throttled.log"
lab_control "throttle?rate=0"
check "the lab refused some" grep -q 'ThrottlingException' "$ECS_DIR/requests.log"
check "binnacle retried them" grep -qE 'ThrottlingException in [0-9]+ms \(try [2-6]\)' "$T/throttled.log"

# ---- several profiles and regions as endpoints ----
cat >"$XDG_CONFIG_HOME/two.yaml" <<EOF
endpoints:
  - name: admin
    type: ecs
    profile: default
  - name: deployer
    type: ecs
    profile: lab-assume
    cluster: lab-fargate
EOF
two=$(run_binnacle -c "$XDG_CONFIG_HOME/two.yaml" get ecs-services)
check "several profiles are endpoints side by side" bash -c "grep -q '^admin .*lab-ec2 .*web' <<<'$two' && grep -q '^deployer .*lab-fargate .*frontend' <<<'$two'"
check "each with its scope" bash -c "! grep -q '^deployer .*lab-ec2' <<<'$two'"

# ---- one sentence for each way it goes wrong ----
cat >"$XDG_CONFIG_HOME/expired.yaml" <<EOF
endpoints:
  - name: old
    type: ecs
    profile: lab-expired
EOF
err=$(run_binnacle -c "$XDG_CONFIG_HOME/expired.yaml" get ecs-clusters 2>&1 >/dev/null)
check "an expired session token" [ "$err" = "binnacle: old: the credentials of profile lab-expired (credentials file) have expired (The security token included in the request is expired)" ]
cat >"$XDG_CONFIG_HOME/sso.yaml" <<EOF
endpoints:
  - name: sso
    type: ecs
    profile: lab-sso
EOF
check "an SSO profile works while its session lasts" env HOME="$ECS_DIR" "$BINNACLE" -c "$XDG_CONFIG_HOME/sso.yaml" get ecs-clusters
lab_control expire-sso
err=$(HOME="$ECS_DIR" run_binnacle -c "$XDG_CONFIG_HOME/sso.yaml" get ecs-clusters 2>&1 >/dev/null)
check "an expired SSO session says to log in again" [ "$err" = "binnacle: sso: the IAM Identity Center session of profile lab-sso has expired: run \`aws sso login --profile lab-sso\`" ]
err=$(env -u AWS_ENDPOINT_URL AWS_REGION=xx-nowhere-1 "$BINNACLE" get ecs-clusters 2>&1 >/dev/null)
check "a region without ECS" [ "$err" = "binnacle: ecs/xx-nowhere-1: there is no ECS endpoint for region xx-nowhere-1 (https://ecs.xx-nowhere-1.amazonaws.com does not resolve): is the region right?" ]
err=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE \
	HOME="$T" "$BINNACLE" get ecs-clusters 2>&1 >/dev/null)
check "no AWS credentials: no ECS endpoint" [ "$err" = "binnacle: no configured endpoint serves ecs-clusters" ]
finish
