#!/usr/bin/env bash
# soak-registry.sh: the dashboard browses a real registry (distribution 2.8
# in the registry lab, deletes enabled) while tags are pushed and deleted
# and repositories appear, for minutes, with keys moving over the tags and
# the repositories (into a repository and out, sort, filter, page, a tag's
# manifest described while it may be going), and must neither die nor, in
# the sanitiser build, report anything; the last push and the last delete
# must reach the screen. BINNACLE_SOAK_SECONDS sets the length (default 45).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl jq sha256sum tmux
soak=${BINNACLE_SOAK_SECONDS:-45}
start_reglab churn --delete
seed_reglab churn --tags 20
REG=${RL[churn.REGISTRY]}
URL=${RL[churn.REGISTRY_URL]}
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: lab
    type: registry
    url: $REG
YAML

# Pushes go through the registry API, as a client pushes a manifest whose
# blobs the registry has: one seeded image, its blobs mounted into each new
# repository, its manifest given an annotation of its own so every tag has
# a manifest (and digest) of its own and a delete takes only that tag.
OCI=application/vnd.oci.image.manifest.v1+json
base=$(curl -sf -H "Accept: $OCI" "$URL/v2/lab/many/manifests/0.0.0")
blobs=$(jq -r '.config.digest, .layers[].digest' <<<"$base")
[ -n "$blobs" ] || { echo "FAIL: no seeded manifest to push from" >&2; exit 1; }
lab_errors=0
# mount REPO: the base image's blobs in REPO (which then exists)
mount() {
	local d
	for d in $blobs; do
		curl -sf -o /dev/null -X POST "$URL/v2/$1/blobs/uploads/?mount=$d&from=lab/many" ||
			lab_errors=$((lab_errors + 1))
	done
}
declare -A DIGEST
pushed=0
# push REPO TAG
push() {
	local m="${base%\}},\"annotations\":{\"soak\":\"$1:$2\"}}"
	if curl -sf -o /dev/null -X PUT -H "Content-Type: $OCI" --data-binary "$m" "$URL/v2/$1/manifests/$2"; then
		DIGEST[$1:$2]=sha256:$(printf '%s' "$m" | sha256sum | cut -d' ' -f1)
		pushed=$((pushed + 1))
	else
		lab_errors=$((lab_errors + 1))
	fi
}
deleted=0
# delete REPO TAG: its manifest, by digest (the registry API has no tag delete)
delete() {
	local d=${DIGEST[$1:$2]:-}
	[ -n "$d" ] || return 0
	if curl -sf -o /dev/null -X DELETE "$URL/v2/$1/manifests/$d"; then
		deleted=$((deleted + 1))
	else
		lab_errors=$((lab_errors + 1))
	fi
	unset "DIGEST[$1:$2]"
}
mount soak/churn
push soak/churn first

tui_start 140 40 -c "$T/config.yaml" --log "$T/binnacle.log" --refresh 500ms tags
check "the dashboard opens on the tags" wait_until 30 screen_has "^latest +lab/many "

alive() { screen_lacks "BINNACLE-EXITED"; }
# step KEYS...: one user action, then a moment for the churn to act on it
step() {
	keys "$@"
	sleep 0.5
	alive
}

end=$((SECONDS + soak))
round=0
while [ $SECONDS -lt $end ] && alive; do
	round=$((round + 1))
	prev=$((round - 1))
	# a new repository each round; tags come in soak/churn and lab/many, the
	# last round's go (one of them kept a round longer)
	mount "soak/r$round"
	push "soak/r$round" v1
	push soak/churn "soak-$round-a"
	push soak/churn "soak-$round-b"
	push lab/many "soak-$round"
	step ':repo' Enter
	step '/' '^soak/churn$' Enter
	step Enter
	delete soak/churn "soak-$prev-a"
	delete "soak/r$((round - 2))" v1
	step '>'
	step G
	push soak/churn "soak-$round-c"
	step g
	step ':repo all' Enter
	step ':tags' Enter
	step '/' 'soak' Enter
	delete lab/many "soak-$prev"
	delete soak/churn "soak-$((round - 2))-b"
	step PageDown
	step '<'
	step Escape
	step ':repo lab/many' Enter
	step ':tags' Enter
	step '/' '^soak-' Enter
	# a tag's manifest described while the churn may delete it
	step Enter
	delete soak/churn "soak-$prev-c"
	step Escape
	step Escape
	step ':repo' Enter
	step '/' '^soak/' Enter
	step G
	step Enter
	step ':repo all' Enter
done

check "the dashboard is still running after ${soak}s of tag churn ($round rounds, $pushed pushed, $deleted deleted, $lab_errors registry errors)" alive

# the last changes, read back on screen: a tag seen there deleted, and one
# pushed; looking at the repository again lists it again
gone="soak-$round-b"
keys Escape ':repo soak/churn' Enter ':tags' Enter
keys '/' C-u '^soak' Enter
check "the churned repository's tags on screen" wait_until 30 screen_has "^$gone +sha256:"
delete soak/churn "$gone"
push soak/churn soak-final
keys ':repo all' Enter ':repo soak/churn' Enter ':tags' Enter
check "the last push reached the screen" wait_until 30 screen_has "^soak-final +sha256:"
# rows that leave stay on screen a moment (3 s, dimmed): bounded wait
check "and the last delete" wait_until 30 screen_lacks "^$gone +soak/churn"
keys q
check "it quits cleanly" wait_until 20 screen_has "BINNACLE-EXITED-0"
# a sanitiser report (in the sanitiser build) fails the test through tests/lib.sh
finish
