#!/usr/bin/env bash
# registry-auth.sh: every way a registry is logged into, against the real
# registry (distribution 2.8) of the registry lab: htpasswd Basic with the
# endpoint's own login, with docker's config.json (found without any
# configuration), with a credential helper run as docker runs it, with a
# wrong password (one sentence), without a login (one sentence); TLS with a
# private CA (ca_file, /etc/docker/certs.d/HOST/, or none: a TLS sentence);
# Bearer tokens from the lab's token server: anonymous (no catalog: the
# configured repositories), per-user grants, a scope refused naming the
# repository, one token per scope reused across requests and fetched
# again once its expires_in ran out, and a login refused at the token
# server.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl python3 htpasswd openssl tmux
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
# conf FILE NAME URL [KEY: VALUE lines...]: a configuration with one registry
conf() {
	local f=$1 name=$2 url=$3
	shift 3
	{
		echo "endpoints:"
		echo "  - name: $name"
		echo "    type: registry"
		echo "    url: $url"
		for l in "$@"; do echo "    $l"; done
	} >"$f"
}
b() { run_binnacle "$@"; }

# ---- htpasswd ----
start_reglab basic --auth htpasswd
seed_reglab basic
REG=${RL[basic.REGISTRY]}
conf "$T/own.yaml" basic "$REG" "username: lab" "password: labpass"
check "Basic with the endpoint's own login" binnacle_prints '^team/web +2 ' -c "$T/own.yaml" get repositories
check "and manifests with it" binnacle_prints '^1\.0\.0 .*OCI index' -c "$T/own.yaml" get tags --scope lab/app

mkdir -p "$DOCKER_CONFIG"
cp "$T/basic/auth.json" "$DOCKER_CONFIG/config.json"
check "docker's config.json: the registry is an endpoint without any configuration" \
	binnacle_prints "^lab/app +3 " get repositories
check "named after its host" binnacle_prints "\"endpoint\": *\"$REG\"" get repositories -o json --filter lab/app
b get repositories -o json >"$T/found.json" 2>&1
check "one endpoint found, the registry's (no engine, no cluster here)" json 'assert len(d)==6' <"$T/found.json"

# the credential helper, as docker runs it: credHelpers, then credsStore
export PATH="$top_srcdir/tests/lab/registry:$PATH"
export DOCKER_CREDENTIAL_LAB_FILE="$T/basic/credentials.json" DOCKER_CREDENTIAL_LAB_LOG="$T/helper.log"
echo "{\"credHelpers\": {\"$REG\": \"lab\"}}" >"$DOCKER_CONFIG/config.json"
check "credHelpers: docker-credential-lab gives the login" binnacle_prints "^lab/app +3 " get repositories
check "it was asked for the registry, and answered" grep -q "action=get	server=$REG	result=ok	username=lab" "$T/helper.log"
check "and no secret reached its log" bash -c "! grep -q labpass '$T/helper.log'"
echo "{\"auths\": {\"$REG\": {}}, \"credsStore\": \"lab\"}" >"$DOCKER_CONFIG/config.json"
: >"$T/helper.log"
check "credsStore: the same helper for every registry" binnacle_prints "^lab/app +3 " get repositories
check "asked once" [ "$(grep -c 'action=get' "$T/helper.log")" = 1 ]
echo "{\"credHelpers\": {\"$REG\": \"missing\"}}" >"$DOCKER_CONFIG/config.json"
b get repositories >/dev/null 2>"$T/nohelper.err"
check "a helper that is not installed: one sentence, and the registry's refusal" \
	grep -q "asks for a user and password, and none is configured or in docker's or podman's logins (docker-credential-missing" "$T/nohelper.err"
rm -f "$DOCKER_CONFIG/config.json"

conf "$T/wrong.yaml" basic "$REG" "username: lab" "password: nope"
b -c "$T/wrong.yaml" get repositories >/dev/null 2>"$T/wrong.err"
check "a wrong password is one sentence naming the registry and the user" \
	grep -q "^binnacle: basic: $REG refused the login of lab (from the configuration of basic)" "$T/wrong.err"
conf "$T/none.yaml" basic "$REG"
b -c "$T/none.yaml" get repositories >/dev/null 2>"$T/none.err"
check "no login at all: said so" grep -q "$REG asks for a user and password" "$T/none.err"

# ---- TLS with a private CA ----
start_reglab tls --auth htpasswd --tls
seed_reglab tls
TREG=${RL[tls.REGISTRY]}
conf "$T/tls-ca.yaml" tls "https://$TREG" "username: lab" "password: labpass" "ca_file: ${RL[tls.REGISTRY_CA]}"
check "TLS verified against ca_file" binnacle_prints '^lab/app +3 ' -c "$T/tls-ca.yaml" get repositories
conf "$T/tls.yaml" tls "$TREG" "username: lab" "password: labpass"
b -c "$T/tls.yaml" get repositories >/dev/null 2>"$T/tls.err"
check "without the CA: a TLS sentence naming the registry" grep -q "^binnacle: tls: TLS with https://$TREG failed" "$T/tls.err"
mkdir -p "$BINNACLE_CERTS_D/$TREG"
cp "${RL[tls.REGISTRY_CA]}" "$BINNACLE_CERTS_D/$TREG/ca.crt"
check "the CA of /etc/docker/certs.d/HOST/ca.crt (here \$BINNACLE_CERTS_D)" \
	binnacle_prints '^lab/app +3 ' -c "$T/tls.yaml" get repositories
conf "$T/insecure.yaml" tls "$TREG" "username: lab" "password: labpass" "insecure: true"
rm -rf "${BINNACLE_CERTS_D:?}/$TREG"
check "insecure: true skips the verification" binnacle_prints '^lab/app +3 ' -c "$T/insecure.yaml" get repositories

# ---- Bearer tokens ----
start_reglab token --auth token
seed_reglab token
KREG=${RL[token.REGISTRY]}
TLOG="$T/token/token.log"
conf "$T/anon.yaml" token "$KREG" "repositories: lab/app, lab/busybox"
b -c "$T/anon.yaml" get repositories -o json >"$T/anon.json" 2>"$T/anon.err"
check "anonymous: no catalog, so the configured repositories" \
	json 'assert sorted((r["repository"], r["origin"]) for r in d)==[("lab/app","configured"),("lab/busybox","configured")], d' <"$T/anon.json"
# (narrowed to one repository with --scope, as kubectl -n, the table leaves its column out)
check "their tags with anonymous pull tokens" binnacle_prints '^latest +sha256:.*OCI index' -c "$T/anon.yaml" get tags --scope lab/app
check "the token server gave anonymous lab/* pull" grep -q "user=-.*requested=repository:lab/app:pull	granted=repository:lab/app:pull" "$TLOG"

conf "$T/reader.yaml" token "$KREG" "username: reader" "password: readerpass" "repositories: team/web, ops/tools"
check "reader: team/web's tags" binnacle_prints '^3\.1 +sha256:' -c "$T/reader.yaml" get tags --scope team/web
b -c "$T/reader.yaml" get tags --scope ops/tools >/dev/null 2>"$T/denied.err"
check "a scope the token lacks: one sentence naming the registry, the user and the repository" \
	grep -q "$KREG refused to let reader pull ops/tools" "$T/denied.err"

conf "$T/lab.yaml" token "$KREG" "username: lab" "password: labpass"
: >"$TLOG"
check "lab: the catalog (registry:catalog:* granted)" binnacle_prints '^ops/tools +1 ' -c "$T/lab.yaml" get repositories
: >"$TLOG"
b -c "$T/lab.yaml" get tags --scope lab/many -o json >"$T/many.json"
check "300 tags with their manifests and configs" json 'assert len(d)==300 and all(r["digest"] for r in d)' <"$T/many.json"
check "one token for the repository, reused for every request" \
	[ "$(grep -c 'requested=repository:lab/many:pull	' "$TLOG")" = 1 ]
check "the login was checked with a token for no scope" grep -q "user=lab.*requested=-" "$T/token/token.log"
# tokens live as long as expires_in says: the user short gets 5 s ones
conf "$T/short.yaml" token "$KREG" "username: short" "password: shortpass" "repositories: lab/app"
: >"$TLOG"
tui_start 120 30 -c "$T/short.yaml" tags
check "short's tags on screen" wait_until 15 screen_has "^1\\.0\\.0 +lab/app +sha256:"
check "with one token for the repository" [ "$(grep -c 'user=short.*requested=repository:lab/app:pull	' "$TLOG")" = 1 ]
sleep 6
keys d
check "describe after the token ran out" wait_until 10 screen_has "^digest: sha256:"
check "took a new token" [ "$(grep -c 'user=short.*requested=repository:lab/app:pull	' "$TLOG")" = 2 ]
keys q
# docker's identitytoken is an OAuth2 refresh token: POSTed to the realm;
# the lab's realm takes no POST (404), so GET, as docker's client falls back
echo "{\"auths\": {\"$KREG\": {\"identitytoken\": \"lab-refresh-token\"}}}" >"$DOCKER_CONFIG/config.json"
conf "$T/idt.yaml" token "$KREG" "repositories: lab/app"
: >"$TLOG"
check "an identity token: the realm's OAuth2 form tried, then GET" \
	binnacle_prints '^latest +sha256:' -c "$T/idt.yaml" get tags --scope lab/app
check "the POST was made (and refused by the lab)" grep -q "method=POST	status=404" "$TLOG"
check "and no token reached the log" bash -c "! grep -q lab-refresh-token '$TLOG'"
echo '{}' >"$DOCKER_CONFIG/config.json"
conf "$T/badtoken.yaml" token "$KREG" "username: lab" "password: wrong"
b -c "$T/badtoken.yaml" get repositories >/dev/null 2>"$T/badtoken.err"
check "a login the token server refuses: one sentence" grep -q "the token server of $KREG refused the login of lab" "$T/badtoken.err"
finish
