#!/bin/bash
# test-registry-lab.sh: fidelity test of the registry lab against real
# clients. Starts the lab (a real docker-registry, CNCF distribution 2.8) in
# every mode in a temporary directory (all stopped on any exit), seeds it,
# and checks with skopeo, curl and Podman: anonymous HTTP, htpasswd over TLS
# with a private CA, token auth (the Bearer dance, grants, catalog scope,
# expiry, an untrusted signer, x5c and kid headers), ECR-style Basic auth,
# deletes, catalog paging, the multi-platform index and the Docker list,
# Docker-Content-Digest, the image configs, the credential helper, and
# private pulls through the Podman lab (Docker API with X-Registry-Auth, and
# the podman CLI with the CA).
#
# Exit 0 when every check passes, 1 otherwise, 77 (skip) when a peer is
# missing -- unless BINNACLE_REQUIRE_PEERS=1, then that is a failure.
# Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed".
here=$(cd "$(dirname "$0")" && pwd)
. "${top_srcdir:-$here/../../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl python3 openssl htpasswd sha256sum
R="$here/reglab.sh"
export PYTHONDONTWRITEBYTECODE=1   # the source tree may be read-only (distcheck)
# no client reads the user's own credentials
export REGISTRY_AUTH_FILE="$T/no-auth.json" DOCKER_CONFIG="$T/docker-config"
echo '{}' >"$REGISTRY_AUTH_FILE"

OCI_INDEX=application/vnd.oci.image.index.v1+json
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
DOCKER_LIST=application/vnd.docker.distribution.manifest.list.v2+json
DOCKER_V2=application/vnd.docker.distribution.manifest.v2+json
ACCEPT="Accept: $OCI_INDEX, $OCI_MANIFEST, $DOCKER_LIST, $DOCKER_V2"

# probe DESCRIPTION COMMAND...: like check, and shows the output on failure
probe() {
	local d=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$d"; else not_ok "$d" "$(printf '%s\n' "$out" | tail -15)"; fi
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# start_lab NAME OPTIONS...: a lab in $T/NAME; its env lines land in E[NAME.KEY]
declare -A E
start_lab() {
	local name=$1 out rc=0 k v
	shift
	mkdir -p "$T/$name"
	cleanup "bash '$R' stop '$T/$name'"
	out=$(bash "$R" start "$T/$name" "$@" 2>&1) || rc=$?
	[ $rc -ne 77 ] || skip_or_fail "the registry lab cannot run: $out"
	if [ $rc -ne 0 ]; then
		echo "FAIL: the registry lab ($name: $*) did not start: $out" >&2
		exit 1
	fi
	while IFS='=' read -r k v; do E[$name.$k]=$v; done <"$T/$name/env"
}
seed() {
	local name=$1 out
	shift
	out=$(bash "$R" seed "$T/$name" "$@" 2>&1) || {
		echo "FAIL: seeding $name failed: $out" >&2
		exit 1
	}
}
# seeded NAME REF: the digest seed recorded for REF
seeded() { awk -v r="$2" '$1 == r { print $2 }' "$T/$1/seed.txt"; }
# hdr FILE NAME: a header's value from a curl -D dump
hdr() { tr -d '\r' <"$1" | awk -v n="$(echo "$2" | tr '[:upper:]' '[:lower:]')" 'tolower($0) ~ "^" n ":" { sub(/^[^:]*: */, ""); print; exit }'; }
# token LAB SCOPE [USER:PASSWORD]: a token from the lab's token server
token() {
	local lab=$1 scope=$2 cred=${3:-}
	curl -sS --fail ${E[$lab.REGISTRY_CA]:+--cacert "${E[$lab.REGISTRY_CA]}"} ${cred:+-u "$cred"} \
		--get --data-urlencode "service=${E[$lab.TOKEN_SERVICE]}" --data-urlencode "scope=$scope" \
		"${E[$lab.TOKEN_REALM]}" | json 'print(d["token"])'
}
# code LAB PATH [curl args]: the HTTP status of a request to the lab
code() {
	local lab=$1 path=$2
	shift 2
	curl -sS -o "$T/body" -D "$T/h" -w '%{http_code}' ${E[$lab.REGISTRY_CA]:+--cacert "${E[$lab.REGISTRY_CA]}"} \
		"$@" "${E[$lab.REGISTRY_URL]}$path"
}

start_lab plain --delete --catalog-max 100
start_lab basic --auth htpasswd --tls
start_lab token --auth token --tls --delete
start_lab kid --auth token --jwt-header kid
ECR_PW=$(python3 -c 'import base64, os; print("eyJwYXlsb2FkIjoi" + base64.b64encode(os.urandom(1400)).decode())')
start_lab ecr --ecr-password "$ECR_PW" --tls
seed plain
seed basic --tags 0
seed token --tags 20
seed ecr --tags 0
PR=${E[plain.REGISTRY]} BR=${E[basic.REGISTRY]} TR=${E[token.REGISTRY]}

# ------------------------------------------------ plain HTTP, anonymous
t_plain_v2() {
	[ "$(code plain /v2/)" = 200 ] && [ "$(hdr "$T/h" Docker-Distribution-Api-Version)" = registry/2.0 ]
}
probe "plain: GET /v2/ is 200 with Docker-Distribution-Api-Version" t_plain_v2
t_many_tags() {
	skopeo list-tags --tls-verify=false "docker://$PR/lab/many" | json '
t = d["Tags"]
assert len(t) == 300, len(t)
for x in ("1.2.3", "1.10.0", "1.9.0", "latest", "stable", "2.0.0-beta.2", "v3.0.0"): assert x in t, x'
}
probe "skopeo list-tags: lab/many has 300 version-like tags" t_many_tags
t_tags_n_ignored() {
	[ "$(code plain '/v2/lab/many/tags/list?n=5')" = 200 ] &&
		json 'assert len(d["tags"]) == 300, len(d["tags"])' <"$T/body" && [ -z "$(hdr "$T/h" Link)" ]
}
probe "2.8 quirk: tags/list ignores n (300 tags, no Link)" t_tags_n_ignored
t_catalog_pages() {
	python3 - "${E[plain.REGISTRY_URL]}" "$T/plain/seed.json" <<'EOF'
import json, sys, urllib.parse, urllib.request
base, seed = sys.argv[1], json.load(open(sys.argv[2]))
url, got, pages = base + "/v2/_catalog?n=2", [], 0
while url:
    r = urllib.request.urlopen(url)
    got += json.load(r)["repositories"]
    pages += 1
    link = r.headers.get("Link")
    url = None
    if link:
        target, rel = link.split(";", 1)
        target = target.strip()
        assert target.startswith("</v2/_catalog?") and target.endswith(">"), link
        assert rel.strip() == 'rel="next"', link
        url = urllib.parse.urljoin(url or base + "/", target[1:-1])
assert got == seed["repositories"], (got, seed["repositories"])
assert pages == 3, pages
EOF
}
probe "catalog pages with n=2 and a relative Link until the last page" t_catalog_pages
t_catalog_max() {
	[ "$(code plain '/v2/_catalog?n=101')" = 400 ] && grep -q PAGINATION_NUMBER_INVALID "$T/body"
}
probe "catalog: n above catalog.maxentries is 400 PAGINATION_NUMBER_INVALID" t_catalog_max
t_index() {
	[ "$(code plain /v2/lab/app/manifests/1.0.0 -H "$ACCEPT")" = 200 ] || return 1
	[ "$(hdr "$T/h" Content-Type)" = "$OCI_INDEX" ] || return 1
	json '
ps = [(m["platform"]["os"], m["platform"]["architecture"], m["platform"].get("variant")) for m in d["manifests"]]
assert d["mediaType"] == "application/vnd.oci.image.index.v1+json"
assert ps == [("linux", "amd64", None), ("linux", "arm64", None), ("linux", "arm", "v7")], ps' <"$T/body"
}
probe "lab/app:1.0.0 is an OCI index of linux/amd64, linux/arm64, linux/arm/v7" t_index
t_platform_pick() {
	local arch
	arch=$(skopeo inspect --tls-verify=false --override-arch arm --override-variant v7 \
		"docker://$PR/lab/app:1.0.0" | json 'print(d["Architecture"], d["Labels"]["lab.platform"])')
	[ "$arch" = "arm linux/arm/v7" ] || { echo "$arch"; return 1; }
	skopeo copy -q --all --src-tls-verify=false "docker://$PR/lab/app:1.0.0" "oci:$T/copy:app" &&
		[ "$(find "$T/copy/blobs/sha256" -type f | wc -l)" -ge 10 ]
}
probe "skopeo picks arm/v7 from the index, and copy --all takes every platform" t_platform_pick
t_docker_list() {
	skopeo inspect --raw --tls-verify=false "docker://$PR/team/api:2.0" | json '
assert d["mediaType"] == "application/vnd.docker.distribution.manifest.list.v2+json", d["mediaType"]
assert [m["platform"]["architecture"] for m in d["manifests"]] == ["amd64", "arm64"]' &&
		[ "$(skopeo inspect --tls-verify=false --override-arch arm64 "docker://$PR/team/api:2.0" |
			json 'print(d["Architecture"])')" = arm64 ]
}
probe "team/api:2.0 is a Docker manifest list (amd64, arm64)" t_docker_list
t_digests() {
	local ref want got calc
	for ref in lab/app:1.0.0 lab/app:1.0.0@linux/arm64 team/api:2.0 team/api:1.9 lab/busybox:latest; do
		want=$(seeded plain "$ref")
		case $ref in *@*) path=${ref%%:*}/manifests/$want ;; *) path=${ref%%:*}/manifests/${ref#*:} ;; esac
		[ "$(code plain "/v2/$path" -H "$ACCEPT")" = 200 ] || return 1
		got=$(hdr "$T/h" Docker-Content-Digest)
		calc=sha256:$(sha256sum <"$T/body" | cut -d' ' -f1)
		if [ -z "$want" ] || [ "$got" != "$calc" ] || [ "$calc" != "$want" ]; then
			echo "$ref: header $got, sha256 of body $calc, seed $want"
			return 1
		fi
		[ "$(code plain "/v2/$path" -I -H "$ACCEPT")" = 200 ] && [ "$(hdr "$T/h" Docker-Content-Digest)" = "$want" ] || return 1
	done
}
probe "Docker-Content-Digest (GET and HEAD) = sha256 of the body = seed.txt" t_digests
t_config() {
	skopeo inspect --config --tls-verify=false "docker://$PR/lab/app:1.0.0" | json '
c = d["config"]
assert d["created"] == "2024-03-05T12:00:00Z", d["created"]
assert d["architecture"] == "amd64" and d["os"] == "linux"
assert c["Labels"]["org.opencontainers.image.version"] == "1.0.0"
assert "APP_ENV=lab" in c["Env"] and c["Entrypoint"] == ["/bin/sh", "/srv/start.sh"]
assert c["Cmd"] == ["--port", "8080"] and c["User"] == "1000:1000" and c["WorkingDir"] == "/srv"
assert sorted(c["ExposedPorts"]) == ["8080/tcp", "9090/tcp"]
h = d["history"]
assert len([x for x in h if not x.get("empty_layer")]) == len(d["rootfs"]["diff_ids"]) == 2
assert len([x for x in h if x.get("empty_layer")]) == 7' &&
		skopeo inspect --config --raw --tls-verify=false "docker://$PR/team/api:1.9" |
		json 'assert d["config"]["Healthcheck"]["Test"][0] == "CMD-SHELL"'
}
probe "image configs: created, labels, env, entrypoint, cmd, ports, history, healthcheck" t_config
t_accept_quirks() {
	[ "$(code plain /v2/lab/busybox/manifests/latest)" = 404 ] &&
		grep -q 'OCI manifest found, but accept header does not support OCI manifests' "$T/body" &&
		[ "$(code plain /v2/team/api/manifests/1.9)" = 200 ] &&
		[ "$(hdr "$T/h" Content-Type)" = application/vnd.docker.distribution.manifest.v1+prettyjws ]
}
probe "2.8 without Accept: OCI is 404, Docker schema 2 is converted to schema 1" t_accept_quirks
t_delete() {
	local d
	d=$(seeded plain lab/many:0.0.1)
	[ "$(code plain /v2/lab/many/manifests/0.0.1 -X DELETE)" = 400 ] || { echo "delete by tag"; return 1; }
	[ "$(code plain "/v2/lab/many/manifests/$d" -X DELETE)" = 202 ] || { cat "$T/body"; return 1; }
	[ "$(code plain /v2/lab/many/manifests/0.0.1 -H "$ACCEPT")" = 404 ] &&
		[ "$(code plain /v2/lab/many/tags/list)" = 200 ] &&
		json 'assert "0.0.1" not in d["tags"] and len(d["tags"]) == 299, len(d["tags"])' <"$T/body"
}
probe "delete enabled: DELETE by digest is 202 (by tag 400), the tag is gone" t_delete

# ------------------------------------------------ htpasswd over TLS, private CA
t_basic_challenge() {
	[ "$(code basic /v2/)" = 401 ] && [ "$(hdr "$T/h" WWW-Authenticate)" = 'Basic realm="binnacle-lab"' ]
}
probe "htpasswd: 401 with WWW-Authenticate: Basic realm=\"binnacle-lab\"" t_basic_challenge
t_basic_login() {
	local port=${BR#*:} rc=0
	[ "$(code basic /v2/ -u lab:labpass)" = 200 ] && [ "$(code basic /v2/ -u lab:wrong)" = 401 ] || return 1
	curl -sS -o /dev/null --cacert "${E[basic.REGISTRY_CA]}" -u lab:labpass "https://localhost:$port/v2/" || return 1
	curl -sS -o /dev/null "${E[basic.REGISTRY_URL]}/v2/" 2>/dev/null || rc=$?
	[ $rc = 60 ] || { echo "curl without the CA: exit $rc, not 60"; return 1; }
}
probe "TLS: the CA verifies 127.0.0.1 and localhost; without it curl fails (60)" t_basic_login
t_basic_skopeo() {
	local out
	skopeo inspect --cert-dir "${E[basic.REGISTRY_CERT_DIR]}" --creds lab:labpass \
		"docker://$BR/lab/app:1.0.0" | json 'assert d["Architecture"] == "amd64"' || return 1
	skopeo list-tags --cert-dir "${E[basic.REGISTRY_CERT_DIR]}" --authfile "$T/basic/auth.json" \
		"docker://$BR/team/api" | json 'assert sorted(d["Tags"]) == ["1.9", "2.0", "latest"], d' || return 1
	if out=$(skopeo inspect --creds lab:labpass "docker://$BR/lab/app:1.0.0" 2>&1); then
		echo "skopeo trusted the lab's certificate without the CA"
		return 1
	fi
	echo "$out" | grep -q 'certificate signed by unknown authority'
}
probe "skopeo with --cert-dir and --creds / the auth file; without the CA it refuses" t_basic_skopeo
t_no_delete() {
	[ "$(code basic "/v2/lab/busybox/manifests/$(seeded basic lab/busybox:latest)" -u lab:labpass -X DELETE)" = 405 ] &&
		grep -q UNSUPPORTED "$T/body"
}
probe "deletes disabled: DELETE is 405 UNSUPPORTED" t_no_delete

# ------------------------------------------------ token auth
TLOG=${E[token.TOKEN_LOG]}
t_token_challenges() {
	local want="Bearer realm=\"${E[token.TOKEN_REALM]}\",service=\"${E[token.TOKEN_SERVICE]}\""
	[ "$(code token /v2/)" = 401 ] && [ "$(hdr "$T/h" WWW-Authenticate)" = "$want" ] || return 1
	[ "$(code token /v2/lab/app/tags/list)" = 401 ] &&
		[ "$(hdr "$T/h" WWW-Authenticate)" = "$want,scope=\"repository:lab/app:pull\"" ]
}
probe "token: 401 Bearer realm/service on /v2/, plus scope on a repository" t_token_challenges
t_token_dance() {
	local body tok
	body=$(curl -sS --fail --cacert "${E[token.REGISTRY_CA]}" \
		"${E[token.TOKEN_REALM]}?service=${E[token.TOKEN_SERVICE]}&scope=repository:lab/app:pull") || return 1
	echo "$body" | json '
import datetime
assert d["token"] == d["access_token"] and d["expires_in"] == 300, d["expires_in"]
datetime.datetime.strptime(d["issued_at"], "%Y-%m-%dT%H:%M:%SZ")' || return 1
	tok=$(echo "$body" | json 'print(d["token"])')
	[ "$(code token /v2/lab/app/tags/list -H "Authorization: Bearer $tok")" = 200 ] &&
		json 'assert "1.0.0" in d["tags"]' <"$T/body"
}
probe "token dance with curl: anonymous token for lab/app pull, then 200" t_token_dance
t_token_jwt() {
	local tok
	tok=$(token token repository:team/web:pull reader:readerpass) || return 1
	PYTHONPATH=$here python3 - "$tok" "${E[token.TOKEN_ISSUER]}" "${E[token.TOKEN_SERVICE]}" <<'EOF'
import sys
from labreg import jwt
head, claims = jwt.decode(sys.argv[1])
assert head["alg"] == "RS256" and head["typ"] == "JWT" and len(head["x5c"]) == 1, head
assert claims["iss"] == sys.argv[2] and claims["aud"] == sys.argv[3], claims
assert claims["sub"] == "reader"
assert claims["access"] == [{"type": "repository", "name": "team/web", "actions": ["pull"]}], claims
assert claims["exp"] == claims["iat"] + 300 - 60
EOF
}
probe "the JWT: RS256, x5c, iss/aud/sub, access, exp shifted by the 60 s leeway" t_token_jwt
t_token_grants() {
	local tok
	tok=$(token token repository:team/web:pull) || return 1
	[ "$(code token /v2/team/web/tags/list -H "Authorization: Bearer $tok")" = 401 ] &&
		hdr "$T/h" WWW-Authenticate | grep -q 'error="insufficient_scope"' || { echo "anonymous got team/web"; return 1; }
	tok=$(token token repository:team/web:pull reader:readerpass) || return 1
	[ "$(code token /v2/team/web/manifests/3.1 -H "$ACCEPT" -H "Authorization: Bearer $tok")" = 200 ] || return 1
	tok=$(token token repository:ops/tools:pull reader:readerpass) || return 1
	[ "$(code token /v2/ops/tools/tags/list -H "Authorization: Bearer $tok")" = 401 ] || { echo "reader got ops/tools"; return 1; }
	grep -q $'user=reader\t.*requested=repository:ops/tools:pull\tgranted=-' "$TLOG"
}
probe "grants: anonymous pulls only lab/*, reader team/*, nobody else ops/*" t_token_grants
t_token_catalog() {
	local tok
	tok=$(token token 'registry:catalog:*' reader:readerpass) || return 1
	[ "$(code token '/v2/_catalog' -H "Authorization: Bearer $tok")" = 401 ] || { echo "reader listed the catalog"; return 1; }
	tok=$(token token 'registry:catalog:*' lab:labpass) || return 1
	[ "$(code token '/v2/_catalog?n=4' -H "Authorization: Bearer $tok")" = 200 ] &&
		[ "$(hdr "$T/h" Link)" = '</v2/_catalog?last=ops%2Ftools&n=4>; rel="next"' ] || { cat "$T/h"; return 1; }
	[ "$(code token '/v2/_catalog?last=ops%2Ftools&n=4' -H "Authorization: Bearer $tok")" = 200 ] &&
		json 'assert d["repositories"] == ["team/api", "team/web"], d' <"$T/body"
}
probe "registry:catalog:* for lab only; catalog paging with a Bearer token" t_token_catalog
t_token_skopeo() {
	local cd=${E[token.REGISTRY_CERT_DIR]} out
	skopeo list-tags --cert-dir "$cd" --no-creds "docker://$TR/lab/app" >/dev/null &&
		skopeo inspect --cert-dir "$cd" --creds reader:readerpass "docker://$TR/team/api:2.0" >/dev/null || return 1
	if out=$(skopeo inspect --cert-dir "$cd" --creds reader:readerpass "docker://$TR/ops/tools:1.0" 2>&1); then
		echo "reader read ops/tools"
		return 1
	fi
	echo "$out" | grep -Eq 'unauthorized|denied|authentication required'
}
probe "skopeo through the token server: anonymous, reader, and a refusal" t_token_skopeo
t_token_badpass() {
	local rc
	rc=$(curl -s -o "$T/body" -w '%{http_code}' --cacert "${E[token.REGISTRY_CA]}" -u lab:wrong \
		"${E[token.TOKEN_REALM]}?service=${E[token.TOKEN_SERVICE]}&scope=repository:lab/app:pull")
	[ "$rc" = 401 ] && grep -q $'status=401\tuser=lab\t' "$TLOG"
}
probe "a wrong password is 401 at the token server, and logged" t_token_badpass
t_token_log() {
	# distribution lists a scope's actions in Go map order: pull,push or push,pull
	grep -Eq $'user=lab\t.*requested=repository:lab/many:(pull,push|push,pull)\tgranted=repository:lab/many:(pull,push|push,pull)' "$TLOG" &&
		grep -q $'user=-\t.*requested=repository:lab/app:pull\tgranted=repository:lab/app:pull' "$TLOG" || return 1
	if grep -Eq 'labpass|readerpass|shortpass|wrong|Basic ' "$TLOG"; then echo "a secret in token.log"; return 1; fi
}
probe "token.log: user, requested and granted scopes; never a password" t_token_log
t_token_untrusted() {
	local tok
	tok=$(PYTHONPATH=$here python3 - "$T/token" "${E[token.TOKEN_ISSUER]}" "${E[token.TOKEN_SERVICE]}" <<'EOF'
import sys, time
from labreg import jwt
d, iss, aud = sys.argv[1:]
# the TLS server key chains to the TLS CA, not to the token CA
s = jwt.Signer(d + "/server.key", d + "/server.crt")
now = int(time.time())
print(s.sign({"iss": iss, "sub": "lab", "aud": aud, "exp": now + 300, "nbf": now, "iat": now,
              "jti": "x", "access": [{"type": "repository", "name": "lab/app", "actions": ["pull"]}]}))
EOF
) || return 1
	[ "$(code token /v2/lab/app/tags/list -H "Authorization: Bearer $tok")" = 401 ] &&
		hdr "$T/h" WWW-Authenticate | grep -q 'error="invalid_token"'
}
probe "a token whose x5c does not chain to rootcertbundle is refused" t_token_untrusted
t_token_expiry() {
	local body tok
	body=$(curl -sS --fail --cacert "${E[token.REGISTRY_CA]}" -u short:shortpass \
		"${E[token.TOKEN_REALM]}?service=${E[token.TOKEN_SERVICE]}&scope=repository:lab/app:pull") || return 1
	[ "$(echo "$body" | json 'print(d["expires_in"])')" = 5 ] || return 1
	tok=$(echo "$body" | json 'print(d["token"])')
	[ "$(code token /v2/lab/app/tags/list -H "Authorization: Bearer $tok")" = 200 ] || return 1
	wait_until 30 refused "$tok"
}
# refused TOKEN: the token lab answers 401 invalid_token to it
refused() {
	[ "$(code token /v2/lab/app/tags/list -H "Authorization: Bearer $1")" = 401 ] &&
		hdr "$T/h" WWW-Authenticate | grep -q 'error="invalid_token"'
}
probe "a token with expires_in 5 works, then is refused with invalid_token" t_token_expiry
t_token_delete() {
	local d tok
	d=$(seeded token lab/many:0.0.1)
	tok=$(token token repository:lab/many:delete reader:readerpass) || return 1
	[ "$(code token "/v2/lab/many/manifests/$d" -X DELETE -H "Authorization: Bearer $tok")" = 401 ] || return 1
	tok=$(token token repository:lab/many:delete lab:labpass) || return 1
	[ "$(code token "/v2/lab/many/manifests/$d" -X DELETE -H "Authorization: Bearer $tok")" = 202 ]
}
probe "delete needs the delete action: reader refused, lab 202" t_token_delete
t_kid() {
	local tok
	tok=$(token kid 'registry:catalog:*' lab:labpass) || return 1
	echo "$tok" | cut -d. -f1 | PYTHONPATH=$here python3 -c '
import json, re, sys
from labreg import jwt
h = json.loads(jwt.b64url_decode(sys.stdin.read().strip()))
assert "x5c" not in h and re.fullmatch("([A-Z2-7]{4}:){11}[A-Z2-7]{4}", h["kid"]), h' || return 1
	[ "$(code kid /v2/_catalog -H "Authorization: Bearer $tok")" = 200 ]
}
probe "--jwt-header kid: a libtrust key id instead of x5c is accepted" t_kid

# ------------------------------------------------ ECR
t_ecr() {
	[ "$(code ecr /v2/)" = 401 ] &&
		[ "$(hdr "$T/h" WWW-Authenticate)" = 'Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/"' ] || return 1
	[ "$(code ecr /v2/ -u "AWS:$ECR_PW")" = 200 ] && [ "$(code ecr /v2/ -u lab:labpass)" = 401 ] || return 1
	skopeo inspect --cert-dir "${E[ecr.REGISTRY_CERT_DIR]}" --creds "AWS:$ECR_PW" \
		"docker://${E[ecr.REGISTRY]}/team/api:2.0" | json 'assert d["Architecture"] == "amd64"'
}
probe "ECR mode: ECR's Basic realm, AWS and a 1.4 KB password, skopeo" t_ecr

# ------------------------------------------------ the credential helper
export DOCKER_CREDENTIAL_LAB_FILE="$T/creds.json" DOCKER_CREDENTIAL_LAB_LOG="$T/creds.log"
export PATH="$here:$PATH"
t_cred_protocol() {
	local out rc
	printf '{"ServerURL":"%s","Username":"lab","Secret":"labpass"}' "$BR" | docker-credential-lab store || return 1
	out=$(printf '%s' "$BR" | docker-credential-lab get) || return 1
	echo "$out" | BR=$BR json 'import os; assert d == {"ServerURL": os.environ["BR"], "Username": "lab", "Secret": "labpass"}, d' || return 1
	out=$(docker-credential-lab list </dev/null) && [ "$out" = "{\"$BR\": \"lab\"}" ] || { echo "list: $out"; return 1; }
	out=$(printf 'nowhere:1' | docker-credential-lab get) && return 1
	[ "$out" = "credentials not found in native keychain" ] || { echo "get: $out"; return 1; }
	out=$(printf '' | docker-credential-lab get) && return 1
	[ "$out" = "no credentials server URL" ] || return 1
	out=$(printf '{"ServerURL":"x:1","Secret":"s"}' | docker-credential-lab store) && return 1
	[ "$out" = "no credentials username" ] || return 1
	printf '{"ServerURL":"x:1","Username":"u","Secret":"s"}' | docker-credential-lab store &&
		printf 'x:1' | docker-credential-lab erase || return 1
	rc=0
	printf 'x:1' | docker-credential-lab get >/dev/null || rc=$?
	[ $rc = 1 ]
}
probe "credential helper: store, get, list, erase and the protocol's errors" t_cred_protocol
t_cred_skopeo() {
	echo "{\"credHelpers\": {\"$BR\": \"lab\"}}" >"$T/helper-auth.json"
	skopeo inspect --authfile "$T/helper-auth.json" --cert-dir "${E[basic.REGISTRY_CERT_DIR]}" \
		"docker://$BR/lab/busybox:latest" >/dev/null &&
		grep -q $'action=get\tserver='"$BR"$'\tresult=ok\tusername=lab' "$DOCKER_CREDENTIAL_LAB_LOG" || return 1
	if grep -q labpass "$DOCKER_CREDENTIAL_LAB_LOG"; then echo "a secret in the log"; return 1; fi
}
probe "skopeo runs docker-credential-lab (credHelpers); the log has no secret" t_cred_skopeo

# ------------------------------------------------ Podman: private pulls
if ! command -v podman >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
	[ "${BINNACLE_REQUIRE_PEERS:-0}" != 1 ] || { echo "FAIL: podman/runc missing (BINNACLE_REQUIRE_PEERS=1)" >&2; exit 1; }
	echo "ok - podman checks # SKIP podman or runc not installed"
	finish
	exit
fi
start_podman start
SOCK=${DOCKER_HOST#unix://}
xauth() { printf '{"username":"%s","password":"%s","serveraddress":"%s"}' "$1" "$2" "$TR" | base64 -w0 | tr '+/' '-_'; }
t_podman_api() {
	local out
	out=$(curl -sS --unix-socket "$SOCK" -X POST "http://d/v1.41/images/create?fromImage=$TR/team/web&tag=3.1")
	echo "$out" | grep -q '"error' || { echo "pulled a private image without credentials: $out"; return 1; }
	out=$(curl -sS --unix-socket "$SOCK" -X POST -H "X-Registry-Auth: $(xauth reader readerpass)" \
		"http://d/v1.41/images/create?fromImage=$TR/team/web&tag=3.1")
	if echo "$out" | grep -q '"error'; then echo "$out"; return 1; fi
	lab_podman image exists "$TR/team/web:3.1" &&
		grep -q $'user=reader\t.*granted=repository:team/web:pull' "$TLOG"
}
probe "Podman API pull of a private image with X-Registry-Auth (token mode)" t_podman_api
t_podman_ca() {
	local out cd=${E[basic.REGISTRY_CERT_DIR]}
	if out=$(lab_podman pull --tls-verify=true --creds lab:labpass "$BR/lab/app:1.0.0" 2>&1); then
		echo "pulled without the CA"
		return 1
	fi
	echo "$out" | grep -q 'certificate signed by unknown authority' || { echo "$out"; return 1; }
	lab_podman pull -q --tls-verify=true --cert-dir "$cd" --creds lab:labpass "$BR/lab/app:1.0.0" &&
		[ "$(lab_podman run --rm --entrypoint /bin/cat "$BR/lab/app:1.0.0" /etc/lab-platform)" = linux/amd64 ]
}
probe "podman pull with the CA (--cert-dir) picks linux/amd64 from the index, and runs" t_podman_ca
t_old_entry() {
	local out
	out=$(bash "$LAB/registry-lab.sh" start "$T/old") && [ "$(echo "$out" | wc -l)" = 1 ] &&
		[ "${out%%=*}" = REGISTRY ] || { echo "$out"; return 1; }
	bash "$LAB/registry-lab.sh" push "$T/old" "$PODMAN_DIR" team/tool:1.0 &&
		skopeo inspect --tls-verify=false "docker://${out#REGISTRY=}/team/tool:1.0" >/dev/null
}
cleanup "bash '$LAB/registry-lab.sh' stop '$T/old'"
probe "registry-lab.sh, the old entry: one REGISTRY line, push from the Podman lab" t_old_entry
finish
