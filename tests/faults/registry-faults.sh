#!/usr/bin/env bash
# registry-faults.sh: the registry lab (the real CNCF distribution) behind
# the fault proxy. First the tags of one repository (lab/app): a 5xx on the
# tags list, a 429 with Retry-After, the registry gone and back. Then with
# no repository in scope, in a second binnacle: the repositories view,
# whose tag counts come from a tag list per repository (one that is not
# JSON), its catalog accepted and never answered; then the tags of every
# repository (one repository's list answering 503, then accepted and never
# answered). Registries have no event stream: binnacle lists again on a
# slow timer (60 s with a repository in scope, 10 minutes without) or at
# ctrl-r, which is how each fault is met here. Each time the view says
# STALE with the newest reason (a list unanswered for 15 s says so, well
# before its 30 s deadline), keeps its rows (dimmed), sends nothing more
# than asked (Retry-After honoured), and is live again once the fault is
# gone.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo curl python3
start_reglab open
seed_reglab open
start_fault_registry open
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: lab
    type: registry
    url: $FAULT_REGISTRY
YAML
TAGS='GET /v2/lab/app/tags/list'
crumbs_have() { tmx capture-pane -p | sed -n 2p | grep -Eq -- "$1"; }
header_has() { tmx capture-pane -p | head -1 | grep -Eq -- "$1"; }
live() { ! header_has STALE && ! crumbs_have STALE && screen_has "^latest +sha256:"; }
rows_dim() { tmx capture-pane -p -e | grep -- "1\.0\.0" | grep -Eq $'\e\\[([0-9;]*;)?(90|38;5;8)m'; }
reg_error() { printf '{\\"errors\\":[{\\"code\\":\\"%s\\",\\"message\\":\\"%s\\"}]}' "$1" "$2"; }

tui_start 160 30 -c "$T/config.yaml" --log "$T/binnacle.log" tags
keys ':repo lab/app' Enter
check "the tags of lab/app on screen" wait_until 30 live

# ---- 5xx on the tags list ----
fault '{"rules":[{"match":"^'"$TAGS"'","action":"status","status":503,"body":"'"$(reg_error UNAVAILABLE 'the storage backend is not answering')"'"}]}'
mark=$(fault_mark)
keys C-r
check "5xx: the view says STALE with the registry's reason" wait_until 20 crumbs_have "STALE.*storage backend is not answering"
check "5xx: the rows stay" screen_has "^latest +sha256:"
check "5xx: and are dimmed" rows_dim
check "5xx: the header does not call the registry dead" bash -c "! tmux -L '$TMUX_SOCK' capture-pane -p | head -1 | grep -q STALE"
sleep 5
n=$(fault_count_since "$mark" "$TAGS")
echo "# tags lists of lab/app in ~6 s after one ctrl-r into a 503: $n"
check "5xx: asked once, not again until the next look (made $n)" [ "$n" -le 2 ]
fault '{}'
keys C-r
check "5xx: ctrl-r lists again, and the view is live" wait_until 20 live

# ---- 429 with Retry-After ----
fault '{"rules":[{"match":"^'"$TAGS"'","action":"status","status":429,"times":1,"headers":{"Retry-After":"7"},"body":"'"$(reg_error TOOMANYREQUESTS 'too many requests')"'"}]}'
mark=$(fault_mark)
keys C-r
check "429: the view says why" wait_until 20 crumbs_have "STALE.*rate limiting us \\(retry after 7 s\\)"
check "429: the rows stay" screen_has "^latest +sha256:"
# the user asks again at once: binnacle waits for the time the registry gave
keys C-r
check "429: ctrl-r says it waits" wait_until 10 grep -q "asked to wait" "$T/binnacle.log"
check "429: live again after the wait" wait_until 30 live
times=$(tail -n "+$((mark + 1))" "$FAULT_DIR/requests.log" | grep -E "$TAGS" | head -2 | awk '{print $1}')
gap=$(awk 'NR > 1 { printf "%.1f", $1 - prev } { prev = $1 }' <<<"$times")
echo "# seconds between the 429 (Retry-After: 7) and the next tags list: $gap"
check "429: the next list waited the 7 s the registry asked ($gap)" awk -v g="$gap" 'BEGIN { exit !(g != "" && g >= 6.9) }'

# ---- the registry gone, then back ----
fault '{"down": true}'
m2=$(wc -l <"$T/binnacle.log")
keys C-r
check "down: the header says STALE, cannot connect" wait_until 20 header_has "STALE.*(cannot connect|connect)"
check "down: the rows stay" screen_has "^latest +sha256:"
sleep 6
waits=$(tail -n "+$((m2 + 1))" "$T/binnacle.log" | grep -E '^[0-9:.]+ registry .*; retrying in [0-9]+ms' |
	sed 's/.*retrying in \([0-9]*\)ms.*/\1/' | tr '\n' ' ')
n=$(wc -w <<<"$waits")
echo "# while the registry was gone, ~7 s: $n attempts (each then waiting, ms: $waits)"
check "down: reconnects go through the backoff (at most 4 in ~7 s, made $n)" [ "$n" -le 4 ]
fault '{}'
check "down: live again by itself" wait_until 40 live
keys q

# ==== no repository in scope ====
tui_start 160 30 -c "$T/config.yaml" --log "$T/binnacle2.log" repositories
repos_live() { ! header_has STALE && ! crumbs_have STALE && screen_has "^lab/app +3 "; }
# dim_line TEXT: a table row holding TEXT (not the header, crumbs or flash
# lines) is dimmed; the selected row is drawn as selected instead
dim_line() { tmx capture-pane -p -e | sed -n '4,27p' | grep -F -- "$1" | grep -Eq $'\e\\[([0-9;]*;)?(90|38;5;8)m'; }
check "repositories: on screen with their tag counts" wait_until 30 repos_live

# ---- a repository's tag list (its count) that is not JSON ----
fault '{"rules":[{"match":"^GET /v2/lab/app/tags/list","action":"garbage","body":"<html>502 Bad Gateway</html>"}]}'
mark=$(fault_mark)
keys C-r
check "repositories, not JSON: ctrl-r counts the repositories on screen again" \
	wait_until 20 bash -c "[ \$(tail -n +$((mark + 1)) '$FAULT_DIR/requests.log' | grep -cE 'lab/app/tags/list.* garbage') -ge 1 ]"
check "repositories, not JSON: STALE naming the repository and why" \
	wait_until 20 crumbs_have "STALE.*the tags of lab/app: .*tag list that is not JSON"
check "repositories, not JSON: the rows stay, with the count known" screen_has "^lab/app +3 "
check "repositories, not JSON: and the rows are dimmed (not the selected one)" dim_line "team/web"
fault '{}'
keys C-r
check "repositories, not JSON: ctrl-r counts again, and the view is live" wait_until 20 repos_live

# ---- the catalog accepted and never answered ----
fault '{"rules":[{"match":"^GET /v2/_catalog","action":"hang","times":1}]}'
keys C-r
check "catalog silent: after 15 s the view says STALE: the registry has not answered" \
	wait_until 40 crumbs_have "STALE.*$FAULT_REGISTRY has not answered the catalog for 15 s"
check "catalog silent: the rows stay" screen_has "^lab/app +3 "
check "catalog silent: and the rows are dimmed (not the selected one)" dim_line "team/web"
# binnacle gives a request 30 s; the registry is then reconnected and listed again
check "catalog silent: live again by itself" wait_until 60 repos_live

# ---- the tags of every repository ----
keys ':tags' Enter
keys '/' 'lab/app' Enter
tags_live() { ! header_has STALE && ! crumbs_have STALE && screen_has "^latest +lab/app "; }
check "every repository's tags: on screen" wait_until 30 tags_live

fault '{"rules":[{"match":"^GET /v2/lab/app/tags/list","action":"status","status":503,"body":"'"$(reg_error UNAVAILABLE 'the storage backend is not answering')"'"}]}'
keys C-r
check "every repository's, 5xx on one: STALE naming the repository and why" \
	wait_until 20 crumbs_have "STALE.*the tags of lab/app: .*storage backend is not answering"
check "every repository's, 5xx on one: its rows stay" screen_has "^latest +lab/app "
check "every repository's, 5xx on one: and are dimmed" dim_line "lab/app"
fault '{}'
keys C-r
check "every repository's, 5xx on one: ctrl-r lists again, and the view is live" wait_until 20 tags_live

fault '{"rules":[{"match":"^GET /v2/lab/app/tags/list","action":"hang","times":1}]}'
keys C-r
check "every repository's, one silent: after 15 s STALE: the registry has not answered" \
	wait_until 40 crumbs_have "STALE.*$FAULT_REGISTRY has not answered the tags of lab/app for 15 s"
check "every repository's, one silent: its rows stay" screen_has "^latest +lab/app "
check "every repository's, one silent: and are dimmed" dim_line "lab/app"
check "every repository's, one silent: live again by itself" wait_until 60 tags_live
keys q
finish
