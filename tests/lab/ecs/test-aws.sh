#!/bin/bash
# test-aws.sh: fidelity test of the lab AWS server against the real AWS CLI
# (and kubectl for EKS).  Starts ecslab (and a kube lab for EKS) in a
# temporary directory, stopped on any exit, and checks ECS lists with paging,
# describes with batch limits and failures, update-service (scale, forced
# deployment), stopped tasks' stopCode/stoppedReason, stop-task, container
# instances and draining, task definitions, CloudWatch Logs, STS with every
# credential source (static, assume-role, credential_process, web identity,
# SSO cache, IMDSv2, container endpoint), EKS and kubectl through
# `aws eks get-token`, ECR, ExecuteCommand's checks, SigV4 failures, expired
# tokens and throttling retried by the CLI; the SigV4 vectors (test_sigv4.py)
# and the answers' shapes against botocore's models (test_shapes.py).
#
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when aws or python3
# is missing -- unless BINNACLE_REQUIRE_PEERS=1, then that is a failure.
# Prints "ok N - ..." / "not ok N - ..." per check and "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)

need() {
    if ! command -v "$1" > /dev/null 2>&1; then
        if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then
            echo "FAIL: $1 is not installed (BINNACLE_REQUIRE_PEERS=1)" >&2
            exit 1
        fi
        echo "SKIP: $1 is not installed" >&2
        exit 77
    fi
}
for c in aws python3 curl timeout; do need "$c"; done

T=$(mktemp -d "${TMPDIR:-/tmp}/ecslab-test.XXXXXX")
LAB="$T/lab"
KUBE="$T/kube"
cleanup() {
    local rc=$?
    "$here/ecslab.sh" stop "$T/lab2" > /dev/null 2>&1
    "$here/../registry/reglab.sh" stop "$T/registry" > /dev/null 2>&1
    "$here/../kube/kubelab.sh" stop "$KUBE" > /dev/null 2>&1
    "$here/ecslab.sh" stop "$LAB" > /dev/null 2>&1
    rm -rf "$T"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TAP_POLL=0.5
# shellcheck source=../tap.sh
. "$here/../tap.sh"

# ------------------------------------------------------------------ SigV4 vectors
REF="${BINNACLE_REFERENCE_DIR:-$top/../shared/reference}/ecs"
if [ -d "$REF/sigv4_testsuite" ]; then
    check "SigV4 verifier: AWS test suite and botocore ECS vectors" python3 "$here/test_sigv4.py" "$REF"
else
    skip "SigV4 verifier vectors" "no $REF"
fi

check "unit checks: paging, throttling, Logs tokens, SigV4 errors and presigning, EKS token refusals" python3 "$here/test_units.py"

if ! out=$("$here/ecslab.sh" start "$LAB" --start-delay 1 --crash-after 2 --crash-backoff 1 \
        --crash-backoff-max 4 --kube-dir "$KUBE" --proxy 2>&1); then
    echo "FAIL: the lab AWS server did not start" >&2
    echo "$out" >&2
    exit 1
fi
while read -r line; do eval "export $line"; done <<< "$out"
EP=$AWS_ENDPOINT_URL
PORT=$(cat "$LAB/port")
export AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=5 AWS_PAGER="" HOME="$LAB"
# every command names the endpoint, so CLIs older than AWS_ENDPOINT_URL work too
a() { timeout 60 aws --endpoint-url "$EP" "$@"; }
# cli_at_least BOTOCORE_VERSION CLI_V2_VERSION: what this aws CLI supports
cli_at_least() {
    python3 - "$(aws --version 2>&1)" "$1" "$2" <<'PY'
import re, sys
v, bc, v2 = sys.argv[1:4]
ver = lambda s: tuple(int(x) for x in s.split("."))
m = re.search(r"botocore/(\d+\.\d+)", v)
if m:
    sys.exit(0 if ver(m.group(1)) >= ver(bc) else 1)
m = re.search(r"aws-cli/(\d+\.\d+)", v)
sys.exit(0 if m and ver(m.group(1)) >= ver(v2) else 1)
PY
}
# CLIs that honour AWS_ENDPOINT_URL (botocore >= 1.31, aws-cli v2 >= 2.13) send
# the credential providers' own STS/SSO calls to the lab as well
endpoint_env=no
cli_at_least 1.31 2.13 && endpoint_env=yes
# AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE came with EKS Pod Identity
token_file=no
cli_at_least 1.33 2.14 && token_file=yes
unset_keys() { env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$@"; }

# ------------------------------------------------------------------ libcurl's SigV4
# binnacle talks through libcurl: its own signer (CURLOPT_AWS_SIGV4) must pass
t_curl_sigv4() {
    curl --help all 2> /dev/null | grep -q -- '--aws-sigv4' || { echo "curl without --aws-sigv4"; return 0; }
    local u="$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" body
    curl -sf --aws-sigv4 "aws:amz:us-east-1:ecs" --user "$u" -H 'Content-Type: application/x-amz-json-1.1' \
        -H 'X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters' -d '{}' "$EP/" |
        json 'assert len(d["clusterArns"]) == 3, d' || return 1
    body=$(python3 -c 'import json; print(json.dumps({"cluster": "lab-ec2", "tasks": ["%032x" % i for i in range(100)]}))')
    curl -sf --aws-sigv4 "aws:amz:us-east-1:ecs" --user "$u" -H 'Content-Type: application/x-amz-json-1.1' \
        -H 'X-Amz-Target: AmazonEC2ContainerServiceV20141113.DescribeTasks' -d "$body" "$EP/" |
        json 'assert len(d["failures"]) == 100' || return 1
    curl -sf --aws-sigv4 "aws:amz:us-east-1:sts" --user "$u" "$EP/?Action=GetCallerIdentity&Version=2011-06-15" |
        grep -q '<Arn>arn:aws:iam::123456789012:user/lab-admin</Arn>' || return 1
    curl -sf --aws-sigv4 "aws:amz:us-east-1:logs" --user "$u" -H 'Content-Type: application/x-amz-json-1.1' \
        -H 'X-Amz-Target: Logs_20140328.DescribeLogGroups' -d '{}' "$EP/" | json 'assert d["logGroups"]' || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:ecs" --user "$AWS_ACCESS_KEY_ID:wrong" \
        -H 'X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters' -d '{}' "$EP/")" = 400 ]
}
check "curl --aws-sigv4 (libcurl's signer): ECS, large DescribeTasks body, STS GET, Logs; wrong secret 400" t_curl_sigv4

# ------------------------------------------------------------------ ECS reads
t_clusters() {
    a ecs list-clusters | json 'assert len(d["clusterArns"]) == 3, d' || return 1
    local tok
    tok=$(a ecs list-clusters --page-size 1 --max-items 2 | json '
assert len(d["clusterArns"]) == 2, d
print(d["NextToken"])') || return 1
    a ecs list-clusters --page-size 1 --starting-token "$tok" | json '
assert d["clusterArns"] == ["arn:aws:ecs:us-east-1:123456789012:cluster/lab-mixed"], d'
}
check "ecs list-clusters, paging with --page-size/--max-items/--starting-token" t_clusters

t_describe_clusters() {
    a ecs describe-clusters --clusters lab-ec2 nope --include STATISTICS SETTINGS | json '
c = d["clusters"][0]
assert c["clusterName"] == "lab-ec2" and c["registeredContainerInstancesCount"] == 3, c
assert c["activeServicesCount"] == 4 and c["runningTasksCount"] >= 6, c
st = {s["name"]: s["value"] for s in c["statistics"]}
assert "runningEC2TasksCount" in st and c["settings"][0]["name"] == "containerInsights"
assert d["failures"] == [{"arn": "arn:aws:ecs:us-east-1:123456789012:cluster/nope", "reason": "MISSING"}], d' &&
    a ecs describe-clusters --clusters lab-mixed | json '
c = d["clusters"][0]
assert c["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"], c'
}
check "ecs describe-clusters: counts, statistics, settings, capacity providers, MISSING" t_describe_clusters

t_services() {
    local arns
    arns=$(a ecs list-services --cluster lab-mixed --query 'serviceArns' --output text) || return 1
    [ "$(echo "$arns" | wc -w)" -eq 12 ] || { echo "got: $arns"; return 1; }
    a ecs list-services --cluster lab-mixed --page-size 5 --max-items 5 | json 'assert len(d["serviceArns"]) == 5 and d["NextToken"]' || return 1
    local out
    out=$(a ecs describe-services --cluster lab-mixed --services $arns 2>&1) && { echo "11+ accepted"; return 1; }
    echo "$out" | grep -q 'InvalidParameterException.*service names can have at most 10 items' || { echo "$out"; return 1; }
    a ecs describe-services --cluster lab-mixed --services $(echo "$arns" | tr '\t' '\n' | head -9) nope | json '
assert len(d["services"]) == 9, len(d["services"])
s = d["services"][0]
assert s["capacityProviderStrategy"] and s["deployments"][0]["status"] == "PRIMARY"
assert s["events"] and s["events"][0]["message"].startswith("(service ")
assert d["failures"][0]["reason"] == "MISSING" and d["failures"][0]["arn"].endswith("service/lab-mixed/nope")'
}
check "ecs list-services (12 in lab-mixed, pages of 10), describe-services limit 10, MISSING" t_services

t_describe_web() {
    a ecs describe-services --cluster lab-ec2 --services web | json '
s = d["services"][0]
assert s["launchType"] == "EC2" and s["enableExecuteCommand"] is True, s
assert s["taskDefinition"].endswith("task-definition/web:1")
dep = s["deployments"][0]
for k in ("rolloutState", "rolloutStateReason", "runningCount", "pendingCount", "failedTasks"):
    assert k in dep, k
# JSON numbers on the wire; aws-cli v2 prints them as ISO 8601 strings
assert isinstance(s["createdAt"], (float, str))'
}
check "ecs describe-services web: deployment fields, exec, launchType, epoch timestamps" t_describe_web

stopped_task() { # CLUSTER SERVICE -> ARN of a STOPPED task
    a ecs list-tasks --cluster "$1" --service-name "$2" --desired-status STOPPED --query 'taskArns[0]' --output text
}
has_stopped_task() { local t; t=$(stopped_task "$1" "$2") && [ -n "$t" ] && [ "$t" != None ] &&
    [ "$(a ecs describe-tasks --cluster "$1" --tasks "$t" --query 'tasks[0].lastStatus' --output text)" = STOPPED ]; }

t_crashy() {
    wait_until 40 has_stopped_task lab-ec2 crashy || { echo "no stopped crashy task"; return 1; }
    a ecs describe-tasks --cluster lab-ec2 --tasks "$(stopped_task lab-ec2 crashy)" | json '
t = d["tasks"][0]
assert t["stopCode"] == "EssentialContainerExited", t.get("stopCode")
assert t["stoppedReason"] == "Essential container in task exited", t
assert t["containers"][0]["exitCode"] == 1 and t["group"] == "service:crashy"
for k in ("startedAt", "stoppingAt", "stoppedAt", "containerInstanceArn", "availabilityZone"):
    assert k in t, k
assert t["launchType"] == "EC2" and t["containers"][0]["runtimeId"]'
}
check "list-tasks --desired-status STOPPED / describe-tasks: EssentialContainerExited, exitCode 1" t_crashy

t_puller() {
    wait_until 40 has_stopped_task lab-fargate puller || { echo "no stopped puller task"; return 1; }
    a ecs describe-tasks --cluster lab-fargate --tasks "$(stopped_task lab-fargate puller)" | json '
t = d["tasks"][0]
assert t["stopCode"] == "TaskFailedToStart", t.get("stopCode")
assert t["stoppedReason"].startswith("CannotPullContainerError:"), t["stoppedReason"]
assert t["launchType"] == "FARGATE" and t["platformVersion"]
assert any(x["name"] == "privateIPv4Address" for x in t["attachments"][0]["details"])'
}
check "describe-tasks: Fargate TaskFailedToStart (CannotPullContainerError), ENI attachment" t_puller

t_describe_tasks_limits() {
    local out ids
    ids=$(python3 -c 'print(" ".join("%032x" % i for i in range(101)))')
    out=$(a ecs describe-tasks --cluster lab-ec2 --tasks $ids 2>&1) && return 1
    echo "$out" | grep -q 'taskIds can have at most 100 items' || { echo "$out"; return 1; }
    a ecs describe-tasks --cluster lab-ec2 --tasks 0123456789abcdef0123456789abcdef | json '
assert d["tasks"] == [] and d["failures"][0]["reason"] == "MISSING"'
    out=$(a ecs list-tasks --cluster nope 2>&1) && return 1
    echo "$out" | grep -q 'ClusterNotFoundException.*Cluster not found' || { echo "$out"; return 1; }
}
check "describe-tasks limit 100 and MISSING, ClusterNotFoundException" t_describe_tasks_limits

# ------------------------------------------------------------------ ECS writes
web_running() { [ "$(a ecs describe-services --cluster lab-ec2 --services web --query 'services[0].runningCount' --output text)" = "$1" ]; }
t_scale() {
    a ecs update-service --cluster lab-ec2 --service web --desired-count 3 | json '
assert d["service"]["desiredCount"] == 3' || return 1
    wait_until 30 web_running 3 || return 1
    timeout 60 aws --endpoint-url "$EP" ecs wait services-stable --cluster lab-ec2 --services web || return 1
    a ecs describe-services --cluster lab-ec2 --services web | json '
ev = [e["message"] for e in d["services"][0]["events"]]
assert ev[0] == "(service web) has reached a steady state.", ev[:3]
assert any(m.startswith("(service web) has started 1 tasks: (task ") for m in ev), ev[:5]'
}
check "update-service --desired-count 3: scaled, services-stable, events" t_scale

rollout_done() {
    a ecs describe-services --cluster lab-ec2 --services web | json "
deps = d['services'][0]['deployments']
assert len(deps) == 1 and deps[0]['id'] == '$1' and deps[0]['rolloutState'] == 'COMPLETED', deps
assert deps[0]['runningCount'] == 3"
}
t_deploy() {
    local id
    id=$(a ecs update-service --cluster lab-ec2 --service web --force-new-deployment | json '
deps = d["service"]["deployments"]
assert deps[0]["status"] == "PRIMARY" and deps[0]["rolloutState"] == "IN_PROGRESS", deps
assert deps[1]["status"] == "ACTIVE", deps
print(deps[0]["id"])') || return 1
    wait_until 40 rollout_done "$id" || { rollout_done "$id"; return 1; }
    a ecs describe-services --cluster lab-ec2 --services web | json "
ev = [e['message'] for e in d['services'][0]['events']]
assert '(service web) (deployment $id) deployment completed.' in ev, ev[:6]"
}
check "update-service --force-new-deployment: IN_PROGRESS then COMPLETED, old tasks replaced" t_deploy

jobs_events_have() {
    a ecs describe-services --cluster lab-fargate --services jobs --query 'services[0].events[].message' |
        grep -q -- "$1"
}
jobs_rolled_back() {
    a ecs describe-services --cluster lab-fargate --services jobs | json '
deps = d["services"][0]["deployments"]
assert len(deps) == 1 and deps[0]["rolloutState"] == "COMPLETED", deps
assert deps[0]["taskDefinition"].endswith("task-definition/jobs:1"), deps'
}
t_breaker() {
    local td
    td=$(a ecs register-task-definition --family jobs --requires-compatibilities FARGATE --network-mode awsvpc \
        --cpu 256 --memory 512 --container-definitions '[{"name":"jobs","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/jobs:doesnotexist"}]' \
        --query taskDefinition.taskDefinitionArn --output text) || return 1
    a ecs update-service --cluster lab-fargate --service jobs --task-definition "$td" | json '
assert d["service"]["deployments"][0]["rolloutState"] == "IN_PROGRESS"' || return 1
    # events stay: the FAILED deployment itself goes once its tasks are gone
    wait_until 60 jobs_events_have ') deployment failed: tasks failed to start.' || return 1
    wait_until 60 jobs_events_have '(service jobs) rolling back to deployment ecs-svc/' || return 1
    wait_until 60 jobs_rolled_back || { jobs_rolled_back; return 1; }
}
check "update-service to an image that cannot be pulled: circuit breaker FAILED, rollback COMPLETED" t_breaker

t_stop_task() {
    local t
    t=$(a ecs list-tasks --cluster lab-ec2 --service-name worker --query 'taskArns[0]' --output text) || return 1
    a ecs stop-task --cluster lab-ec2 --task "$t" --reason "lab check" | json '
t = d["task"]
assert t["desiredStatus"] == "STOPPED" and t["stoppedReason"] == "lab check", t' || return 1
    wait_until 20 sh -c "[ \"\$(aws --endpoint-url $EP ecs describe-tasks --cluster lab-ec2 --tasks $t --query 'tasks[0].lastStatus' --output text)\" = STOPPED ]" || return 1
    a ecs describe-tasks --cluster lab-ec2 --tasks "$t" | json '
t = d["tasks"][0]
assert t["stopCode"] == "UserInitiated" and t["stoppedReason"] == "lab check", t
assert t["stoppedAt"] >= t["stoppingAt"]'
}
check "stop-task --reason: UserInitiated, stoppedReason, STOPPED" t_stop_task

t_instances() {
    local arns first
    arns=$(a ecs list-container-instances --cluster lab-ec2 --query 'containerInstanceArns' --output text) || return 1
    first=$(echo "$arns" | awk '{print $1}')
    a ecs describe-container-instances --cluster lab-ec2 --container-instances $arns | json '
cis = d["containerInstances"]
assert len(cis) == 3
for c in cis:
    assert c["status"] == "ACTIVE" and c["agentConnected"] and c["ec2InstanceId"].startswith("i-")
    reg = {r["name"]: r["integerValue"] for r in c["registeredResources"]}
    rem = {r["name"]: r["integerValue"] for r in c["remainingResources"]}
    assert reg["CPU"] == 2048 and rem["CPU"] <= 2048 and "agentVersion" in c["versionInfo"]
assert sum(c["runningTasksCount"] for c in cis) >= 6' || return 1
    a ecs update-container-instances-state --cluster lab-ec2 --container-instances "$first" --status DRAINING | json '
assert d["containerInstances"][0]["status"] == "DRAINING"' || return 1
    wait_until 30 sh -c "[ \"\$(aws --endpoint-url $EP ecs describe-container-instances --cluster lab-ec2 --container-instances $first --query 'containerInstances[0].runningTasksCount' --output text)\" = 0 ]" || { echo "still running tasks on $first"; return 1; }
    [ "$(a ecs list-container-instances --cluster lab-ec2 --status DRAINING --query 'length(containerInstanceArns)')" = 1 ] || return 1
    wait_until 30 web_running 3 || { echo "web not rescheduled"; return 1; }
    a ecs update-container-instances-state --cluster lab-ec2 --container-instances "$first" --status ACTIVE | json '
assert d["containerInstances"][0]["status"] == "ACTIVE"'
}
check "describe-container-instances, update-container-instances-state DRAINING moves tasks, ACTIVE" t_instances

placement_event() {
    a ecs describe-services --cluster lab-ec2 --services web --query 'services[0].events[0:5].message' |
        grep -q '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance [0-9a-f]*) has insufficient'
}
t_placement() {
    # 3 instances of 2048 CPU units hold at most 24 web tasks (256 units each)
    a ecs update-service --cluster lab-ec2 --service web --desired-count 40 > /dev/null || return 1
    wait_until 40 placement_event || { a ecs describe-services --cluster lab-ec2 --services web --query 'services[0].events[0:3]'; return 1; }
    a ecs update-service --cluster lab-ec2 --service web --desired-count 3 > /dev/null || return 1
    wait_until 40 web_running 3 &&
        timeout 60 aws --endpoint-url "$EP" ecs wait services-stable --cluster lab-ec2 --services web
}
check "EC2 placement limited by container instance resources: 'unable to place a task' event" t_placement

t_taskdef() {
    a ecs describe-task-definition --task-definition web | json '
td = d["taskDefinition"]
assert td["revision"] == 1 and td["status"] == "ACTIVE" and td["family"] == "web"
c = td["containerDefinitions"][0]
assert c["logConfiguration"]["logDriver"] == "awslogs"
assert c["logConfiguration"]["options"]["awslogs-group"] == "/ecs/web" and c["essential"] is True' &&
    a ecs register-task-definition --family web --requires-compatibilities FARGATE --network-mode awsvpc \
        --cpu 256 --memory 512 --container-definitions '[{"name":"web","image":"nginx:1.27"}]' | json '
assert d["taskDefinition"]["revision"] == 2' &&
    a ecs list-task-definitions --family-prefix web | json '
assert [a.rsplit(":", 1)[1] for a in d["taskDefinitionArns"]] == ["1", "2"], d' &&
    a ecs list-task-definition-families | json 'assert "web" in d["families"] and "crashy" in d["families"]'
}
check "describe/register/list task definitions, families" t_taskdef

# ------------------------------------------------------------------ Logs
t_logs() {
    local s out fwd
    # the oldest stream of jobs (lab-fargate) is the seeded task's: it has lines
    s=$(a logs describe-log-streams --log-group-name /ecs/jobs \
        --query 'sort_by(logStreams, &firstEventTimestamp)[0].logStreamName' --output text) || return 1
    case $s in ecs/jobs/*) ;; *) echo "stream $s"; return 1 ;; esac
    out=$(a logs get-log-events --log-group-name /ecs/jobs --log-stream-name "$s" --limit 5) || return 1
    echo "$out" | json '
assert len(d["events"]) == 5 and d["nextForwardToken"].startswith("f/") and d["nextBackwardToken"].startswith("b/")
ts = [e["timestamp"] for e in d["events"]]
assert ts == sorted(ts) and ts[0] > 10**12' || return 1
    fwd=$(echo "$out" | json 'print(d["nextForwardToken"])')
    a logs get-log-events --log-group-name /ecs/jobs --log-stream-name "$s" --start-from-head --limit 2 | json '
assert len(d["events"]) == 2 and d["events"][0]["timestamp"] < d["events"][1]["timestamp"]' || return 1
    a logs get-log-events --log-group-name /ecs/jobs --log-stream-name "$s" --next-token "$fwd" | json "
assert d['nextForwardToken'] >= '$fwd'" || return 1
    a logs filter-log-events --log-group-name /ecs/crashy --filter-pattern fatal | json '
assert d["events"] and "exit status 1" in d["events"][0]["message"], d' || return 1
    out=$(a logs get-log-events --log-group-name /ecs/nope --log-stream-name x 2>&1) && return 1
    echo "$out" | grep -q 'ResourceNotFoundException.*The specified log group does not exist' || { echo "$out"; return 1; }
    [ -n "$fwd" ]
}
check "logs describe-log-streams/get-log-events/filter-log-events (ecs/jobs/TASKID, last words)" t_logs

# ------------------------------------------------------------------ STS and credential sources
arn_is() { # EXPECTED-ARN-PATTERN COMMAND...
    local want=$1 got
    shift
    got=$("$@" sts get-caller-identity --query Arn --output text 2>&1) || { echo "$got"; return 1; }
    echo "$got" | grep -Eq "^$want\$" || { echo "got $got, want $want"; return 1; }
}
check "sts get-caller-identity: static keys from the environment" arn_is 'arn:aws:iam::123456789012:user/lab-admin' a
check "sts get-caller-identity: default profile (credentials file)" arn_is 'arn:aws:iam::123456789012:user/lab-admin' unset_keys timeout 60 aws --endpoint-url "$EP" --profile default
t_assume_role() {
    a sts assume-role --role-arn arn:aws:iam::123456789012:role/lab-ops --role-session-name check | json '
c = d["Credentials"]
assert c["AccessKeyId"].startswith("ASIA") and c["SessionToken"] and c["Expiration"]
assert d["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/lab-ops/check"'
}
check "sts assume-role" t_assume_role
# The credential providers' own STS, SSO and SSO OIDC calls reach the lab
# through AWS_ENDPOINT_URL when the CLI honours it, else through the lab's
# CONNECT proxy under the real host names (--proxy, HTTPS_PROXY, AWS_CA_BUNDLE)
via_proxy() {
    env -u AWS_ENDPOINT_URL HTTPS_PROXY="http://127.0.0.1:$PORT" AWS_CA_BUNDLE="$LAB/ca.pem" "$@"
}
if [ $endpoint_env = yes ]; then
    chain() { unset_keys timeout 60 aws "$@"; }
    how="AWS_ENDPOINT_URL"
else
    chain() {
        env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL \
            HTTPS_PROXY="http://127.0.0.1:$PORT" AWS_CA_BUNDLE="$LAB/ca.pem" timeout 60 aws "$@"
    }
    how="HTTPS_PROXY"
fi
check "sts get-caller-identity: role_arn + source_profile ($how)" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-deployer/lab-assume-session' chain --profile lab-assume
check "sts get-caller-identity: web_identity_token_file ($how)" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-web-identity/lab-web-session' chain --profile lab-web-identity
check "sts get-caller-identity: SSO (sso_session, token cache in ~/.aws/sso/cache; $how)" arn_is 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabAdmin_[0-9a-f]+/lab-user' chain --profile lab-sso
check "sts get-caller-identity: legacy SSO profile (sso_start_url; $how)" arn_is 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_LabReadOnly_[0-9a-f]+/lab-user' chain --profile lab-sso-legacy
t_sso_refresh() {
    local out
    rm -rf "$LAB/.aws/cli/cache"
    curl -sf -X POST "$EP/_lab/expire-sso?refresh=keep" > /dev/null || return 1
    arn_is '.*AWSReservedSSO_LabAdmin_.*' chain --profile lab-sso || return 1
    tail -3 "$LAB/requests.log" | grep -q ' sso-oidc CreateToken 200 ' || { tail -3 "$LAB/requests.log"; return 1; }
    rm -rf "$LAB/.aws/cli/cache"
    curl -sf -X POST "$EP/_lab/expire-sso" > /dev/null || return 1
    out=$(chain --profile lab-sso sts get-caller-identity 2>&1) && return 1
    echo "$out" | grep -q 'Token has expired and refresh failed' || { echo "$out"; return 1; }
}
check "SSO token refresh through sso-oidc CreateToken; expired session without refresh fails ($how)" t_sso_refresh
t_proxy() {
    # real host names, no endpoint override: the lab routes by Host and signs for it
    via_proxy timeout 60 aws ecs list-clusters | json 'assert len(d["clusterArns"]) == 3' &&
        via_proxy timeout 60 aws sts get-caller-identity | json 'assert d["Arn"].endswith(":user/lab-admin")' &&
        grep -q ' ecs ListClusters 200 ' "$LAB/requests.log"
}
check "HTTPS_PROXY to the lab: ecs.us-east-1.amazonaws.com and sts.amazonaws.com answered by the lab" t_proxy
check "sts get-caller-identity: credential_process" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-process-role/lab-process-[0-9]+' unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-process
check "sts get-caller-identity: IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-instance-role/i-[0-9a-f]+' \
    unset_keys env AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_SERVICE_ENDPOINT="$EP/" timeout 60 aws --endpoint-url "$EP"
check "sts get-caller-identity: container endpoint (FULL_URI + AUTHORIZATION_TOKEN)" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-task-role/lab-task' \
    unset_keys env AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONTAINER_CREDENTIALS_FULL_URI="$EP/v2/credentials/lab-task" AWS_CONTAINER_AUTHORIZATION_TOKEN="$(cat "$LAB/container-token")" timeout 60 aws --endpoint-url "$EP"
if [ $token_file = yes ]; then
    check "sts get-caller-identity: container endpoint (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)" arn_is 'arn:aws:sts::123456789012:assumed-role/lab-task-role/lab-task' \
        unset_keys env AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONTAINER_CREDENTIALS_FULL_URI="$EP/v2/credentials/lab-task" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$LAB/container-token" timeout 60 aws --endpoint-url "$EP"
else
    skip "sts get-caller-identity: container endpoint (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)" "this aws CLI predates the token file"
fi
t_imds_raw() {
    local tok
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$EP/latest/meta-data/placement/region")" = 401 ] || return 1
    tok=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' "$EP/latest/api/token") || return 1
    [ "$(curl -sf -H "X-aws-ec2-metadata-token: $tok" "$EP/latest/meta-data/placement/region")" = us-east-1 ] &&
        curl -sf -H "X-aws-ec2-metadata-token: $tok" "$EP/latest/dynamic/instance-identity/document" | json '
assert d["region"] == "us-east-1" and d["accountId"] == "123456789012" and d["instanceId"].startswith("i-")'
}
check "IMDSv2: token required (401), region, instance identity document" t_imds_raw

# ------------------------------------------------------------------ auth failures
t_wrong_secret() {
    local out
    out=$(unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-wrong-secret ecs list-clusters 2>&1) && return 1
    echo "$out" | grep -q 'InvalidSignatureException.*The request signature we calculated does not match the signature you provided' || { echo "$out"; return 1; }
    out=$(unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-wrong-secret sts get-caller-identity 2>&1) && return 1
    echo "$out" | grep -q '(SignatureDoesNotMatch)' || { echo "$out"; return 1; }
    out=$(AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE a ecs list-clusters 2>&1) && return 1
    echo "$out" | grep -q 'UnrecognizedClientException.*The security token included in the request is invalid' || { echo "$out"; return 1; }
}
check "wrong secret: InvalidSignatureException / SignatureDoesNotMatch; unknown key: UnrecognizedClientException" t_wrong_secret

t_expired() {
    local out
    out=$(unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-expired ecs list-clusters 2>&1) && return 1
    echo "$out" | grep -q 'ExpiredTokenException.*The security token included in the request is expired' || { echo "$out"; return 1; }
    # a live temporary credential, expired on demand
    local creds
    creds=$(a sts assume-role --role-arn arn:aws:iam::123456789012:role/lab-ops --role-session-name exp --query Credentials) || return 1
    export_creds() { echo "$creds" | json "print(d['$1'])"; }
    AWS_ACCESS_KEY_ID=$(export_creds AccessKeyId) AWS_SECRET_ACCESS_KEY=$(export_creds SecretAccessKey) \
        AWS_SESSION_TOKEN=$(export_creds SessionToken) a ecs list-clusters > /dev/null || return 1
    curl -sf -X POST "$EP/_lab/expire-credentials" > /dev/null || return 1
    out=$(AWS_ACCESS_KEY_ID=$(export_creds AccessKeyId) AWS_SECRET_ACCESS_KEY=$(export_creds SecretAccessKey) \
        AWS_SESSION_TOKEN=$(export_creds SessionToken) a ecs list-clusters 2>&1) && return 1
    echo "$out" | grep -q 'ExpiredTokenException' || { echo "$out"; return 1; }
}
check "expired session token: ExpiredTokenException (profile lab-expired, /_lab/expire-credentials)" t_expired

t_readonly() {
    local out
    out=$(unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-viewer ecs update-service --cluster lab-ec2 --service web --desired-count 1 2>&1) && return 1
    echo "$out" | grep -q 'AccessDeniedException.*lab-viewer is not authorized to perform: ecs:UpdateService' || { echo "$out"; return 1; }
    unset_keys timeout 60 aws --endpoint-url "$EP" --profile lab-viewer ecs list-clusters > /dev/null
}
check "read-only profile: AccessDeniedException on update-service, lists allowed" t_readonly

t_throttle() {
    local before after
    curl -sf -X POST "$EP/_lab/throttle?rate=0.5" > /dev/null || return 1
    before=$(grep -c ' ListClusters 400 .* ThrottlingException$' "$LAB/requests.log")
    a ecs list-clusters > /dev/null || { curl -s -X POST "$EP/_lab/throttle?rate=0" > /dev/null; return 1; }
    curl -sf -X POST "$EP/_lab/throttle?rate=0" > /dev/null
    after=$(grep -c ' ListClusters 400 .* ThrottlingException$' "$LAB/requests.log")
    [ "$after" -eq $((before + 1)) ] || { tail -5 "$LAB/requests.log"; return 1; }
    tail -1 "$LAB/requests.log" | grep -Eq '^[0-9TZ:.-]+ lab throttle 200 - -$' || { tail -3 "$LAB/requests.log"; return 1; }
    tail -2 "$LAB/requests.log" | head -1 | grep -Eq ' ecs ListClusters 200 AKIA[A-Z0-9]{16} -$' || { tail -3 "$LAB/requests.log"; return 1; }
}
check "throttling: ThrottlingException retried by the CLI, visible in requests.log" t_throttle

# ------------------------------------------------------------------ ExecuteCommand
t_exec() {
    local bin="$T/bin" out t
    mkdir -p "$bin"
    # a stand-in for session-manager-plugin: records how the CLI calls it
    printf '#!/bin/sh\n[ $# -eq 0 ] && exit 0\nprintf "%%s\\n" "$@" > "%s/plugin.args"\n' "$T" > "$bin/session-manager-plugin"
    chmod +x "$bin/session-manager-plugin"
    t=$(a ecs list-tasks --cluster lab-ec2 --service-name api --query 'taskArns[0]' --output text)
    out=$(PATH="$bin:$PATH" a ecs execute-command --cluster lab-ec2 --task "$t" --container api --interactive --command /bin/sh 2>&1) && return 1
    echo "$out" | grep -q 'InvalidParameterException.*execute command was not enabled when the task was run' || { echo "$out"; return 1; }
    t=$(a ecs list-tasks --cluster lab-ec2 --service-name web --query 'taskArns[0]' --output text)
    curl -sf -X POST "$EP/_lab/exec-agent?cluster=lab-ec2&task=${t##*/}&connected=false" > /dev/null || return 1
    out=$(PATH="$bin:$PATH" a ecs execute-command --cluster lab-ec2 --task "$t" --interactive --command /bin/sh 2>&1) && return 1
    echo "$out" | grep -q 'TargetNotConnectedException.*The execute command failed due to an internal error' || { echo "$out"; return 1; }
    curl -sf -X POST "$EP/_lab/exec-agent?cluster=lab-ec2&task=${t##*/}&connected=true" > /dev/null || return 1
    out=$(PATH="$bin:$PATH" a ecs execute-command --cluster lab-ec2 --task "$t" --interactive --command /bin/sh 2>&1)
    if [ -f "$here/labecs/ssm.py" ]; then
        grep -q '"sessionId"' "$T/plugin.args" && grep -q 'StartSession' "$T/plugin.args" &&
            grep -q '"Target": "ecs:lab-ec2_' "$T/plugin.args" || { echo "$out"; cat "$T/plugin.args"; return 1; }
        [ -d "$LAB/tasks/${t##*/}/web" ]
    else
        echo "$out" | grep -q 'TargetNotConnectedException' || { echo "$out"; return 1; }
    fi
}
check "execute-command: not enabled (InvalidParameterException), agent unreachable (TargetNotConnectedException), session" t_exec

web_health_stopped() {
    local t
    for t in $(a ecs list-tasks --cluster lab-ec2 --service-name web --desired-status STOPPED --query 'taskArns' --output text); do
        a ecs describe-tasks --cluster lab-ec2 --tasks "$t" --query 'tasks[0].stoppedReason' --output text |
            grep -qx 'Task failed container health checks' && return 0
    done
    return 1
}
t_unhealthy() {
    curl -sf -X POST "$EP/_lab/fail?cluster=lab-ec2&service=web&mode=unhealthy" > /dev/null || return 1
    wait_until 40 sh -c "aws --endpoint-url $EP ecs describe-tasks --cluster lab-ec2 --tasks \$(aws --endpoint-url $EP ecs list-tasks --cluster lab-ec2 --service-name web --query 'taskArns' --output text) --query 'tasks[].healthStatus' --output text | grep -q UNHEALTHY" || return 1
    wait_until 40 web_health_stopped || return 1
    curl -sf -X POST "$EP/_lab/fail?cluster=lab-ec2&service=web&mode=none" > /dev/null &&
        a ecs describe-services --cluster lab-ec2 --services web --query 'services[0].events[].message' |
        grep -q '(service web) (task [0-9a-f]*) failed container health checks.'
}
check "health checks failing (/_lab/fail mode=unhealthy): UNHEALTHY, task replaced, event" t_unhealthy

# ------------------------------------------------------------------ ECR
t_ecr() {
    a ecr describe-repositories | json '
names = [r["repositoryName"] for r in d["repositories"]]
assert "web" in names, names
r = d["repositories"][0]
assert r["repositoryUri"].startswith("123456789012.dkr.ecr.us-east-1.amazonaws.com/")' &&
    a ecr describe-images --repository-name web | json '
imgs = d["imageDetails"]
assert any("latest" in (i.get("imageTags") or []) for i in imgs)
for i in imgs:
    assert i["imageDigest"].startswith("sha256:") and i["imageSizeInBytes"] > 0
    assert i["imageScanStatus"]["status"] == "COMPLETE" and i["imageManifestMediaType"]' &&
    a ecr get-authorization-token | json '
import base64
a = d["authorizationData"][0]
assert base64.b64decode(a["authorizationToken"]).decode().startswith("AWS:")
assert a["proxyEndpoint"].startswith("https://") and a["expiresAt"]' &&
    [ "$(a ecr get-login-password)" = "$(cat "$LAB/ecr-password")" ]
}
check "ecr describe-repositories / describe-images / get-authorization-token" t_ecr

# ------------------------------------------------------------------ shapes
if [ -f "$REF/botocore_ecs_service-2_subset.json" ]; then
    check "answers fit botocore's service models (ECS, Logs, ECR: members, types, enums)" \
        python3 "$here/test_shapes.py" "$REF/botocore_ecs_service-2_subset.json"
else
    skip "answers fit botocore's service models" "no $REF"
fi

# ------------------------------------------------------------------ ECR fronting a registry
# the registry lab (../registry) in ECR mode: user AWS, the password ECR hands out
REGLAB="$here/../registry/reglab.sh"
rc=0
rout=$("$REGLAB" start "$T/registry" --auth ecr --ecr-password regpass --delete 2>&1) || rc=$?
if [ $rc -eq 0 ]; then
    sout=$("$REGLAB" seed "$T/registry" 2>&1) || { rc=$?; rout=$sout; }
fi
if [ $rc -eq 0 ]; then
    REG_URL=$(echo "$rout" | sed -n 's/^REGISTRY_URL=//p')
    REG_HOST=$(echo "$rout" | sed -n 's/^REGISTRY=//p')
    t_ecr_registry() {
        local out ep2 k2 s2
        out=$("$here/ecslab.sh" start "$T/lab2" --ecr-registry "$REG_URL" --ecr-password regpass) || return 1
        ep2=$(echo "$out" | sed -n 's/^AWS_ENDPOINT_URL=//p')
        k2=$(echo "$out" | sed -n 's/^AWS_ACCESS_KEY_ID=//p')
        s2=$(echo "$out" | sed -n "s/^AWS_SECRET_ACCESS_KEY=//p" | tr -d "'")
        b() { AWS_ACCESS_KEY_ID=$k2 AWS_SECRET_ACCESS_KEY=$s2 timeout 60 aws --endpoint-url "$ep2" "$@"; }
        local catalog
        catalog=$(curl -sf -u AWS:regpass "$REG_URL/v2/_catalog" | json 'print(" ".join(sorted(d["repositories"])))') || return 1
        b ecr describe-repositories | json "
names = sorted(r['repositoryName'] for r in d['repositories'])
assert ' '.join(names) == '$catalog', (names, '$catalog')
assert d['repositories'][0]['repositoryUri'].startswith('$REG_HOST/')" || return 1
        local tags
        tags=$(curl -sf -u AWS:regpass "$REG_URL/v2/team/web/tags/list" | json 'print(" ".join(sorted(d["tags"])))') || return 1
        b ecr describe-images --repository-name team/web | json "
got = sorted(t for i in d['imageDetails'] for t in i.get('imageTags', []))
assert ' '.join(got) == '$tags', (got, '$tags')
for i in d['imageDetails']:
    assert i['imageDigest'].startswith('sha256:') and i['imageSizeInBytes'] > 0 and i['imageManifestMediaType']" || return 1
        [ "$(curl -s -o /dev/null -w '%{http_code}' -u "AWS:$(b ecr get-login-password)" "$REG_URL/v2/")" = 200 ] || return 1
        local victim
        victim=$(echo "$tags" | awk '{print $1}')
        b ecr batch-delete-image --repository-name team/web --image-ids imageTag="$victim" | json "
assert d['imageIds'] and not d['failures'], d" || return 1
        ! curl -sf -u AWS:regpass "$REG_URL/v2/team/web/tags/list" | json "assert '$victim' in (d['tags'] or [])" 2> /dev/null
    }
    check "ecr fronting the registry lab (ECR mode): repositories, tags, login password, delete" t_ecr_registry
    "$here/ecslab.sh" stop "$T/lab2" > /dev/null 2>&1
elif [ $rc -eq 77 ]; then
    if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then
        not_ok "ecr fronting the registry lab: the registry lab's peers are missing"
    else
        skip "ecr fronting the registry lab" "its peers (docker-registry, skopeo, htpasswd) are missing"
    fi
else
    not_ok "the registry lab did not start or seed" "$rout"
fi
"$REGLAB" stop "$T/registry" > /dev/null 2>&1

# ------------------------------------------------------------------ EKS
if command -v kubectl > /dev/null 2>&1 && command -v openssl > /dev/null 2>&1; then
    if kout=$("$here/../kube/kubelab.sh" start "$KUBE" --eks-sts "$EP" 2>&1); then
        t_eks() {
            a eks list-clusters | json 'assert d["clusters"] == ["lab-eks", "lab-eks-2"], d' || return 1
            local out
            out=$(a eks describe-cluster --name nope 2>&1) && return 1
            echo "$out" | grep -q 'ResourceNotFoundException.*No cluster found for name: nope.' || { echo "$out"; return 1; }
            a eks describe-cluster --name lab-eks | json "
c = d['cluster']
assert c['status'] == 'ACTIVE' and c['endpoint'] == 'https://127.0.0.1:$(cat "$KUBE/port")'
import base64
assert base64.b64decode(c['certificateAuthority']['data']).startswith(b'-----BEGIN CERTIFICATE-----')"
        }
        check "eks list-clusters / describe-cluster (endpoint and CA of the kube lab)" t_eks
        t_kubectl_eks() {
            local kc="$T/eks.kubeconfig"
            cat > "$kc" <<KC
apiVersion: v1
kind: Config
clusters:
- name: lab-eks
  cluster:
    server: $(a eks describe-cluster --name lab-eks --query cluster.endpoint --output text)
    certificate-authority-data: $(a eks describe-cluster --name lab-eks --query cluster.certificateAuthority.data --output text)
contexts:
- name: lab-eks
  context: {cluster: lab-eks, user: lab-eks}
current-context: lab-eks
users:
- name: lab-eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--endpoint-url, "$EP", eks, get-token, --cluster-name, lab-eks, --output, json]
      interactiveMode: Never
KC
            KUBECONFIG="$kc" kubectl --request-timeout=20s get nodes | grep -q '^lab-control-plane ' &&
                KUBECONFIG="$kc" kubectl auth whoami | grep -Eq 'Username +arn:aws:iam::123456789012:user/lab-admin' &&
                grep -q ' sts GetCallerIdentity 200 ' "$LAB/requests.log"
        }
        check "kubectl through 'aws eks get-token' against the kube lab (--eks-sts)" t_kubectl_eks
        t_eks_sts_host_token() {
            # signed for the real STS host name (no endpoint override): the kube
            # lab sends it to the lab STS with that Host header
            local tok
            # (older CLIs print get-token's JSON whatever --query says)
            tok=$(env -u AWS_ENDPOINT_URL timeout 60 aws eks get-token --cluster-name lab-eks-2 |
                json 'print(d["status"]["token"])') || return 1
            echo "${tok#k8s-aws-v1.}" | python3 -c '
import base64, sys
s = sys.stdin.read().strip()
url = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()
assert url.startswith("https://sts.") and ".amazonaws.com/?" in url, url' || return 1
            curl -sf --cacert "$KUBE/ca.pem" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
                -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}' \
                "https://127.0.0.1:$(cat "$KUBE/port")/apis/authentication.k8s.io/v1/selfsubjectreviews" | json '
assert d["status"]["userInfo"]["username"] == "arn:aws:iam::123456789012:user/lab-admin", d'
        }
        check "EKS token presigned for sts.REGION.amazonaws.com accepted via the lab STS" t_eks_sts_host_token
        t_eks_bad_token() {
            [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$KUBE/ca.pem" -H 'Authorization: Bearer k8s-aws-v1.aHR0cHM6Ly9ldmlsLmV4YW1wbGUv' "https://127.0.0.1:$(cat "$KUBE/port")/api/v1/nodes")" = 401 ]
        }
        check "kube lab refuses an EKS token for a host that is not STS (401)" t_eks_bad_token
    else
        not_ok "kube lab for EKS did not start" "$kout"
    fi
else
    if [ "${BINNACLE_REQUIRE_PEERS:-0}" = 1 ]; then
        not_ok "EKS checks need kubectl and openssl (BINNACLE_REQUIRE_PEERS=1)"
    else
        skip "EKS and kubectl through aws eks get-token" "kubectl or openssl missing"
    fi
fi

echo "$N checks: $PASSED passed, $FAILED failed"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
