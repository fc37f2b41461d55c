#!/usr/bin/env bash
# registry-list.sh: binnacle get repositories and tags against a real
# registry (CNCF distribution 2.8 in the registry lab): the catalog in pages
# (126 repositories, 100 a page, the relative Link followed, as the
# registry's access log shows), 300 tags listed in version order (2.8
# ignores n and last: they all come at once), the OCI index and the Docker
# list with their platforms, every digest the sha256 of the bytes the seed
# built (the registry's Docker-Content-Digest too), created times from the
# image configs, the other tags of a manifest, --scope and --filter, -o json.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl python3
start_reglab open
seed_reglab open --tags 300 --bulk 120
REG=${RL[open.REGISTRY]}
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: lab
    type: registry
    url: $REG
YAML
b() { run_binnacle -c "$T/config.yaml" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

b get repositories -o json >"$T/repos.json"
check "the catalog: 6 seeded repositories and 120 bulk ones" \
	[ "$(json 'print(len(d))' <"$T/repos.json")" = 126 ]
check "the first page and the last both made it" \
	json 'n={r["repository"] for r in d}; assert {"bulk/r0000","bulk/r0119","lab/app","team/web"} <= n' <"$T/repos.json"
check "in pages of 100, following the registry's relative Link" \
	grep -q 'GET /v2/_catalog?last=bulk%2Fr0099&n=100 ' "$T/open/registry.log"
check "the tag counts of the repositories" \
	json 'c={r["repository"]: r["tags"] for r in d}; assert c["lab/many"]=="300" and c["lab/app"]=="3", c' <"$T/repos.json"

b get tags --scope lab/many -o json >"$T/many.json"
check "300 tags of lab/many" [ "$(json 'print(len(d))' <"$T/many.json")" = 300 ]
check "sorted as versions, newest first: words, v3.0.0, then 2.5.x down" \
	json 't=[r["tag"] for r in d]; assert t[:3]==["stable","latest","v3.0.0"], t[:5]; assert t.index("1.10.0") < t.index("1.10.0-rc.1") < t.index("1.9.0"), t' \
	<"$T/many.json"
check "every digest is the sha256 of the manifest's bytes (as the seed built them)" \
	json "
import subprocess
seed={l.split()[0]: l.split()[1] for l in open('$T/open/seed.txt')}
bad=[r['tag'] for r in d if seed['lab/many:'+r['tag']] != r['digest']]
assert not bad, bad" <"$T/many.json"
check "stable shares its manifest with 1.10.0" \
	json 'r={x["tag"]: x for x in d}; assert r["stable"]["also_tagged"]=="1.10.0" and r["1.10.0"]["also_tagged"]=="stable"' <"$T/many.json"
check "created times come from the configs, and grow with the version" \
	json 'r={x["tag"]: x for x in d}; assert 0 < r["1.9.0"]["created_unix"] < r["1.10.0"]["created_unix"] < r["2.0.0"]["created_unix"]' <"$T/many.json"

b get tags -o json --filter '^(lab/app|team/api)$' >"$T/idx.json"
app_latest=$(seeded open lab/app:latest)
check "the OCI index: its type, platforms and digest" \
	json "r={x['key']: x for x in d}['lab/app:latest']; assert r['type']=='OCI index' and r['platforms']=='linux/amd64,linux/arm64,linux/arm/v7' and r['digest']=='$app_latest', r" <"$T/idx.json"
check "the Docker manifest list and the schema 2 manifest" \
	json "r={x['key']: x for x in d}; assert r['team/api:2.0']['type']=='Docker list' and r['team/api:2.0']['platforms']=='linux/amd64,linux/arm64' and r['team/api:1.9']['type']=='Docker v2', r" <"$T/idx.json"
check "an index's size is that of the platform this machine pulls" \
	json 'r={x["key"]: x for x in d}["lab/app:1.0.0"]; assert r["size_value"] > 1000, r' <"$T/idx.json"
given=$(curl -sSI -H "Accept: application/vnd.oci.image.index.v1+json" "${RL[open.REGISTRY_URL]}/v2/lab/app/manifests/latest" |
	tr -d '\r' | awk 'tolower($1)=="docker-content-digest:" {print $2}')
check "the registry's own Docker-Content-Digest agrees" [ "$given" = "$app_latest" ]
check "every repository's tags without a scope (four repositories at a time)" \
	binnacle_prints '^1 +bulk/r0119 ' -c "$T/config.yaml" get tags
# (narrowed to one repository, as kubectl -n, the table leaves its column out)
check "the table shows the platforms" binnacle_prints '^1\.0\.0 +sha256:.*linux/amd64,linux/arm64,linux/arm/v7' \
	-c "$T/config.yaml" get tags --scope lab/app
# (a wait long enough for a machine under load: the default 15 s is not the point here)
rc=0
b get tags --scope no/such --timeout 60s >"$T/none.out" 2>"$T/none.err" || rc=$?
if [ $rc = 1 ] && grep -qx "binnacle: lab: $REG: repository name not known to registry" "$T/none.err"; then
	ok "an unknown repository is one sentence naming the registry"
else
	not_ok "an unknown repository is one sentence naming the registry" \
		"exit $rc; stderr: $(cat "$T/none.err"); stdout: $(head -5 "$T/none.out")"
fi
finish
