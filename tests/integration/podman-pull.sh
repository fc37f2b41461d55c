#!/usr/bin/env bash
# podman-pull.sh: pulling from a real registry (CNCF distribution) through
# the engine: the progress panel shows the layers, the image appears in the
# images view, and a failure reported inside the pull stream is shown as the
# error it is; in the C locale the panel is ASCII.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo
start_podman start
REG_DIR="$T/registry"
mkdir -p "$REG_DIR"
cleanup "bash '$LAB/registry-lab.sh' stop '$REG_DIR'"
out=$(bash "$LAB/registry-lab.sh" start "$REG_DIR") || skip_or_fail "the registry lab did not start"
export "${out?}"
bash "$LAB/registry-lab.sh" push "$REG_DIR" "$PODMAN_DIR" team/tool:1.0 || { echo "push failed"; exit 1; }

tui_start 120 30
wait_until 15 screen_has "Containers"
keys ':' 'img' Enter
wait_until 5 screen_has "REPOSITORY:TAG"
check "the image is not there yet" screen_lacks "team/tool"
keys ':' "pull $REGISTRY/team/tool:1.0" Enter
check "the pull panel opens" wait_until 5 screen_has "Pulling $REGISTRY/team/tool:1.0"
check "with its layers and their progress" wait_until 20 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^ [0-9a-f]{12} '"
check "and finishes" wait_until 30 screen_has "Done"
keys Escape
check "the image appears in the images view" wait_until 10 screen_has "$REGISTRY/team/tool:1.0"
check "the pull is audited" wait_until 10 audit_has $'action=pull\tresult=ok'

keys p
check "p asks for a reference" wait_until 5 screen_has "Image reference to pull"
keys "$REGISTRY/team/missing:9.9" Enter
check "an error inside the pull stream is shown as the error" wait_until 30 screen_has "pull $REGISTRY/team/missing:9.9 failed:"
# a result that is neither "ok" nor the "started" written first
check "and it is audited as a failure" wait_until 10 bash -c "grep -qP 'action=pull\tresult=(?!ok\$|started\$)' '$XDG_STATE_HOME/binnacle/audit.log'"
check "recorded when it started, too" audit_has $'action=pull\tresult=started'
keys q

# in the C locale the panel, its bars included, is ASCII
TUI_LOCALE=C tui_start 120 30
# connected: the header names the engine's version (a pull before that is
# refused with "not connected to the engine")
wait_until 20 screen_has "Podman [0-9.]+ - API"
keys ':' "pull $REGISTRY/team/tool:1.0" Enter
check "C locale: the pull panel opens" wait_until 5 screen_has "Pulling $REGISTRY/team/tool:1.0"
check "C locale: and finishes" wait_until 30 screen_has "Done"
check "C locale: the progress bars are ASCII" screen_has '^ [0-9a-f]{12} .* #{10,}'
check "C locale: nothing but ASCII" [ "$(screen | LC_ALL=C tr -d '\000-\177' | wc -c)" -eq 0 ]
finish
