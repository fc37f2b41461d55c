#!/usr/bin/env bash
# registry-ecr.sh: Amazon ECR as the lab serves it: the ECS lab answers the
# ECR API (SigV4 checked as AWS does) in front of the registry lab in ECR
# mode (the real distribution with the token's password as AWS's Basic
# login). binnacle takes the AWS CLI's credentials, gets the login with
# GetAuthorizationToken (once), finds the registry at its proxyEndpoint,
# lists repositories (DescribeRepositories) and tags with push time, size
# and scan findings (DescribeImages), reads the manifests over the v2 API
# with the token, and deletes through BatchDeleteImage; the default
# profile's registry is found without configuration; expired AWS keys are
# one sentence.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo python3 htpasswd tmux
PW=eyJwYXlsb2FkIjoiTEFCLUVDUi0$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_reglab ecr --auth ecr --ecr-password "$PW" --delete
seed_reglab ecr --tags 20
mkdir -p "$T/ecs"
cleanup "bash '$LAB/ecs/ecslab.sh' stop '$T/ecs'"
bash "$LAB/ecs/ecslab.sh" start "$T/ecs" --ecr-registry "${RL[ecr.REGISTRY_URL]}" --ecr-password "$PW" >/dev/null 2>&1 ||
	skip_or_fail "the ECS lab did not start"
set -a
. "$T/ecs/env"
set +a
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: ecr
    type: ecr
YAML
b() { run_binnacle -c "$T/config.yaml" "$@"; }

b get repositories -o json >"$T/repos.json"
check "DescribeRepositories: the six repositories" \
	json 'assert sorted(r["repository"] for r in d)==["lab/app","lab/busybox","lab/many","ops/tools","team/api","team/web"], d' <"$T/repos.json"
check "with their tag counts, last push and size (DescribeImages)" \
	json 'r={x["repository"]: x for x in d}["lab/app"]; assert r["tags"]=="3" and r["last_push_unix"] > 0 and r["size_value"] > 0 and r["origin"]=="ECR", r' <"$T/repos.json"
b get tags --scope lab/app -o json >"$T/tags.json"
check "tags with push time and scan findings from ECR" \
	json 'r={x["tag"]: x for x in d}["latest"]; assert r["pushed_unix"] > 0 and "LOW" in r["scan"], r' <"$T/tags.json"
check "and digests, type and platforms from the registry itself, with the token" \
	json "r={x['tag']: x for x in d}['latest']; assert r['digest']=='$(seeded ecr lab/app:latest)' and r['type']=='OCI index' and r['platforms']=='linux/amd64,linux/arm64,linux/arm/v7', r" <"$T/tags.json"
check "the reference is the registry's (proxyEndpoint)" \
	json "assert {x['reference'] for x in d} == {'${RL[ecr.REGISTRY]}/lab/app:' + t for t in ('1.0.0','1.1.0','latest')}" <"$T/tags.json"
check "one GetAuthorizationToken per run" [ "$(grep -c ' ecr GetAuthorizationToken 200 ' "$T/ecs/requests.log")" = 2 ]
check "the registry saw the token's user" grep -q 'auth.user.name=AWS ' "$T/ecr/registry.log"

# found without configuration: the AWS CLI's profile and region
check "the default profile's registry is found, used when named" \
	binnacle_prints '^team/web +2 ' -e ecr-default-us-east-1 get repositories
cat >"$T/expired.yaml" <<YAML
endpoints:
  - name: old
    type: ecr
    profile: lab-expired
YAML
run_binnacle -c "$T/expired.yaml" get repositories >/dev/null 2>"$T/expired.err"
check "a profile whose keys expired: one sentence naming it" grep -q "^binnacle: old: ECR GetAuthorizationToken (lab-expired, us-east-1) failed: .*expired" "$T/expired.err"

# a delete goes through BatchDeleteImage: the tag alone
tui_start 140 30 -c "$T/config.yaml" tags
keys ':repo lab/app' Enter
check "the tags on screen" wait_until 15 screen_has "^1\\.1\\.0 +sha256:"
wait_until 15 screen_has "^latest +sha256:"
keys Escape '/' '^lab/app:1.0.0$' Enter
wait_until 10 screen_has '/\^lab/app:1.0.0\$  1/1'
keys C-d
wait_until 5 screen_has "[Rr]emove tag 1\\.0\\.0 .*on ecr\\?"
keys y
check "deleted" wait_until 10 screen_has "remove 1\\.0\\.0: done"
check "with BatchDeleteImage" grep -q ' ecr BatchDeleteImage 200 ' "$T/ecs/requests.log"
finish
