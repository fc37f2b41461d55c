#!/usr/bin/env bash
# registry-delete.sh: deleting in a real registry (distribution 2.8 with
# deletes enabled), in a real terminal: a tag sharing its manifest asks
# whether the tag alone or the manifest goes; distribution deletes
# manifests only, so "the tag alone" is refused with a sentence and
# nothing is deleted; the manifest goes with its tags (the registry says
# 404 for both, the rows leave); a tag alone on its manifest is deleted
# without the question; every delete is confirmed and audited; a
# production endpoint wants the tag's name typed; read-only offers no
# delete; a registry without deletes says so.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl tmux
start_reglab del --delete
seed_reglab del --tags 20
REG=${RL[del.REGISTRY]}
URL=${RL[del.REGISTRY_URL]}
ACCEPT="Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
status() { curl -s -o /dev/null -w '%{http_code}' -H "$ACCEPT" -I "$URL/v2/$1/manifests/$2"; }
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: reg
    type: registry
    url: $REG
YAML

# pick ID: the one row whose id is ID (a filter on the tag could also match
# the ALSO TAGGED column of another row)
pick() {
	keys Escape
	keys '/' "^$1\$" Enter
	wait_until 10 screen_has "/\\^$1\\$  1/1"
}

tui_start 140 30 -c "$T/config.yaml" tags
check "the tags of every repository" wait_until 20 screen_has "^latest +lab/app "
keys ':repo lab/app' Enter
check "lab/app's tags, latest sharing 1.1.0's manifest" wait_until 15 screen_has "^latest +sha256:"
wait_until 15 screen_has "^1\\.1\\.0 +sha256:"
pick lab/app:latest
keys C-d
check "the tag alone, or the manifest with its tags?" wait_until 5 screen_has "the manifest sha256:.* with its tags 1\\.1\\.0"
keys Enter
check "then a confirmation" wait_until 5 screen_has "[Rr]emove tag latest .*on reg\\?"
keys y
check "distribution deletes no tag alone: said so, nothing deleted" \
	wait_until 10 screen_has "would not delete the tag alone"
check "the registry still has both" bash -c "[ $(status lab/app latest) = 200 ] && [ $(status lab/app 1.1.0) = 200 ]"
# a result that is neither "ok" nor the "started" written first
check "the refusal is audited" wait_until 10 bash -c "grep -qP 'action=remove\tresult=(?!ok\$|started\$)' '$XDG_STATE_HOME/binnacle/audit.log'"
pick lab/app:latest
keys C-d
wait_until 5 screen_has "the manifest sha256:"
keys j Enter
wait_until 5 screen_has "[Rr]emove tag latest .*on reg\\?"
keys y
check "the manifest is deleted" wait_until 10 screen_has "remove latest: done"
check "the registry says both tags are gone" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H '$ACCEPT' -I '$URL/v2/lab/app/manifests/latest') = 404 ] && [ \$(curl -s -o /dev/null -w '%{http_code}' -H '$ACCEPT' -I '$URL/v2/lab/app/manifests/1.1.0') = 404 ]"
keys Escape
check "and so do their rows" wait_until 10 bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^(latest|1\\.1\\.0) +lab/app'"
check "the delete is audited" wait_until 10 audit_has $'endpoint=reg\tkind=tags\tname=latest\tid=lab/app:latest\t.*action=remove\tresult=ok'
pick lab/app:1.0.0
keys C-d
check "a tag alone on its manifest: only the confirmation" wait_until 5 screen_has "[Rr]emove tag 1\\.0\\.0 .*on reg\\?"
keys y
check "deleted" wait_until 10 screen_has "remove 1\\.0\\.0: done"
check "the registry agrees" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H '$ACCEPT' -I '$URL/v2/lab/app/manifests/1.0.0') = 404 ]"
keys q

# production: the name typed; read-only: no delete at all
cat >"$T/prod.yaml" <<YAML
endpoints:
  - name: reg
    type: registry
    url: $REG
    production: true
YAML
tui_start 140 30 -c "$T/prod.yaml" tags
keys ':repo team/web' Enter
wait_until 15 screen_has "^3\\.1 +sha256:"
wait_until 15 screen_has "^latest +sha256:"
pick team/web:3.1
keys C-d
wait_until 5 screen_has "Other tags share this manifest" && keys Enter
check "production: the name must be typed" wait_until 5 screen_has '[Tt]ype the name "3\.1"'
keys Escape
check "cancelled" wait_until 5 screen_has "cancelled"
check "still there" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H '$ACCEPT' -I '$URL/v2/team/web/manifests/3.1') = 200 ]"
keys q
tui_start 140 30 -c "$T/config.yaml" -r tags
keys ':repo team/web' Enter
wait_until 15 screen_has "^3\\.1 +sha256:"
pick team/web:3.1
keys C-d
check "read-only: remove is not offered" wait_until 5 screen_has "read-only: remove is (disabled|not offered)"
keys q

start_reglab nodel
seed_reglab nodel --tags 5
cat >"$T/nodel.yaml" <<YAML
endpoints:
  - name: nodel
    type: registry
    url: ${RL[nodel.REGISTRY]}
YAML
tui_start 140 30 -c "$T/nodel.yaml" tags
keys ':repo ops/tools' Enter
wait_until 15 screen_has "^1\\.0 +sha256:"
pick ops/tools:1.0
keys C-d
wait_until 5 screen_has "[Rr]emove tag 1\\.0 .*on nodel\\?"
keys y
check "deletes disabled: said so" wait_until 10 screen_has "does not allow deletes"
finish
