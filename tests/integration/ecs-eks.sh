#!/usr/bin/env bash
# ecs-eks.sh: the EKS clusters of the account, from the same AWS
# credentials and nothing else (no kubeconfig, no aws CLI): the ECS lab
# lists them (ListClusters, DescribeCluster pointing at the kube lab),
# binnacle offers each as a Kubernetes endpoint, mints its token as
# `aws eks get-token` does, and the kube lab accepts it after asking STS.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
mkdir -p "$T/kube"
start_ecslab --kube-dir "$T/kube"
start_kubelab --eks-sts "$AWS_ENDPOINT_URL"
export KUBECONFIG="$T/no-kubeconfig" # AWS credentials are all there is

tui_start 140 40 --log "$T/binnacle.log"
check "the ECS clusters appear" wait_until 20 screen_has "^lab-ec2 +ACTIVE"
check "the account's EKS clusters were found" wait_until 20 grep -q 'EKS cluster lab-eks at https://127.0.0.1:[0-9]* becomes endpoint eks/us-east-1/lab-eks$' "$T/binnacle.log"
keys ':ctx eks/us-east-1/lab-eks' Enter
check "switching to one shows its pods" wait_until 30 screen_has "^(default +)?web-"
check "with a token binnacle minted from the AWS keys" grep -q "EKS token for lab-eks minted from the environment's keys" "$T/binnacle.log"
check "which the cluster checked with STS" grep -q ' sts GetCallerIdentity 200 ' "$ECS_DIR/requests.log"
check "no aws CLI was run for it" bash -c "! grep -q 'aws eks get-token' '$T/binnacle.log'"
keys ':ctx' Enter
check "EKS clusters are endpoints beside the ECS one" wait_until 10 screen_has "eks/us-east-1/lab-eks-2"
finish
