#!/usr/bin/env bash
# registry-pull.sh: end to end in a real terminal, as a new user after
# `docker login` to a private registry (the real distribution 2.8 of the
# registry lab, htpasswd): the registry's repositories and the tag's
# digest and platforms on screen; p pulls the tag into an engine picked in
# a dialog (two engines), with the login passed as X-Registry-Auth, the
# layers' progress in the pull panel; the engine's own :pull of a private
# image works too (the login found where docker keeps it); U shows where
# the image runs: the Podman container on both engines and a Kubernetes
# pod whose imageID names the digest; T goes back from a container to its
# repository's tags; C copies the digest with OSC 52 (tmux keeps it); a
# registry whose catalog is refused shows the repositories the engines use.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd docker-registry skopeo kubectl tmux
start_podman start
start_kubelab --port 0
start_reglab priv --auth htpasswd
REG=${RL[priv.REGISTRY]}
bash "$LAB/registry/reglab.sh" push "$T/priv" "$PODMAN_DIR" team/tool:1.0 >/dev/null 2>&1 ||
	{ echo "FAIL: pushing team/tool:1.0 failed" >&2; exit 1; }
bash "$LAB/registry/reglab.sh" push "$T/priv" "$PODMAN_DIR" lab/private:2.0 >/dev/null 2>&1 ||
	{ echo "FAIL: pushing lab/private:2.0 failed" >&2; exit 1; }
# a registry whose catalog anonymous users may not read (token auth)
start_reglab tok --auth token
TOK=${RL[tok.REGISTRY]}
bash "$LAB/registry/reglab.sh" push "$T/tok" "$PODMAN_DIR" lab/shared:1 >/dev/null 2>&1 ||
	{ echo "FAIL: pushing lab/shared:1 failed" >&2; exit 1; }
lab_podman pull -q "$TOK/lab/shared:1" >/dev/null
DIGEST=$(skopeo inspect --tls-verify=false --creds lab:labpass --raw "docker://$REG/team/tool:1.0" | sha256sum | cut -d' ' -f1)
DIGEST="sha256:$DIGEST"
# the user logged in with docker login: config.json holds it
mkdir -p "$DOCKER_CONFIG"
cp "$T/priv/auth.json" "$DOCKER_CONFIG/config.json"
kubectl run tool --image="$REG/team/tool@$DIGEST" --restart=Never >/dev/null
cat >"$T/config.yaml" <<YAML
endpoints:
  - name: podman-a
    type: docker
    host: $DOCKER_HOST
  - name: podman-b
    type: docker
    host: $DOCKER_HOST
  - name: priv
    type: registry
    url: $REG
  - name: lab
    type: kubernetes
    context: lab
  - name: tok
    type: registry
    url: $TOK
YAML

# pick NAME: filters the table to exactly NAME (no Esc first: at the top
# level Esc goes back to the health screen)
pick() {
	keys '/' "^$1\$" Enter
	wait_until 10 screen_has "/\\^$1\\$  1/1"
}

tui_start 140 40 -c "$T/config.yaml"
check "the dashboard opens on the health screen" wait_until 20 screen_has "Health"
keys ':ep priv' Enter
check "the registry's repositories, with the login from docker's config.json" wait_until 15 screen_has "^team/tool +1 "
check "the header says how it is logged in" screen_has "Registry v2 · Basic lab"
pick team/tool
keys Enter
# narrowed to one repository, its column says nothing and is left out
check "Enter lists the repository's tags" wait_until 10 screen_has "^1\\.0 +sha256:"
check "with its digest, type and size" wait_until 10 screen_has "^1\\.0 +${DIGEST:0:18}.* (OCI|Docker v2) "
keys p
check "p asks which engine" wait_until 5 screen_has "into which engine"
keys j Enter
check "the pull panel opens on podman-b" wait_until 5 screen_has "Pulling $REG/team/tool:1.0 on podman-b"
check "with the layers' progress" wait_until 20 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | grep -Eq '^ [0-9a-f]{12} '"
check "and finishes" wait_until 30 screen_has "Done"
check "the engine has the image" bash -c "bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' images --format '{{.Repository}}:{{.Tag}}' | grep -qx '$REG/team/tool:1.0'"
check "the pull is audited on the engine" wait_until 10 audit_has $'podman-b\t.*action=pull\tresult=ok'
keys Escape

# the engine's own :pull of a private image: the login comes from docker's config.json
keys ':ep podman-a' Enter
wait_until 10 screen_has "Containers"
keys ':' "pull $REG/lab/private:2.0" Enter
check ":pull of a private image on the engine finishes" wait_until 30 screen_has "Done"
keys Escape
check "podman has it" bash -c "bash '$LAB/podman-lab.sh' podman '$PODMAN_DIR' images --format '{{.Repository}}:{{.Tag}}' | grep -qx '$REG/lab/private:2.0'"

# where it runs
lab_podman run -d --name toolbox "$REG/team/tool:1.0" sleep 600 >/dev/null
check "kubectl sees the pod's imageID" wait_until 30 bash -c "kubectl get pod tool -o jsonpath='{.status.containerStatuses[0].imageID}' | grep -q '$DIGEST'"
keys ':ep priv' Enter
wait_until 10 screen_has "team/tool"
keys ':repo team/tool' Enter
keys ':tags' Enter
check ":repo narrows the registry to a repository" wait_until 10 screen_has "repo team/tool"
wait_until 10 screen_has "^1\\.0 +sha256:"
keys U
check "U: where it runs, in one table across endpoints" wait_until 15 screen_has "Containers \\(running $REG/team/tool:1.0, by digest, all endpoints\\)"
check "the Podman container on both engines" wait_until 15 bash -c "[ \$(tmux -L '$TMUX_SOCK' capture-pane -p | grep -cE '^podman-[ab] +toolbox ') -eq 2 ]"
check "and the Kubernetes pod's container, by its imageID" wait_until 20 screen_has "^lab +tool "
keys Escape
check "Esc goes back to the tags" wait_until 5 screen_has "^1\\.0 +sha256:"

# c copies with OSC 52; tmux keeps it as a buffer
tmx set -g set-clipboard on
keys c
check "c offers the reference, pinned reference and digest" wait_until 5 screen_has "digest: sha256:"
# the choices are in order, the row's name first: down to the digest
down=$(tmx capture-pane -p | awk '/ name: / && !n {n = NR} / digest: sha256:/ {print NR - n; exit}')
for ((i = 0; i < ${down:-0}; i++)); do keys j; done
keys Enter
check "the digest is copied" wait_until 5 bash -c "[ \"\$(tmux -L '$TMUX_SOCK' show-buffer)\" = '$DIGEST' ]"

# no catalog: the repositories of the images the engines hold
keys ':ep tok' Enter
keys ':repos' Enter
check "a registry without a catalog for us shows the repositories in use" wait_until 15 screen_has "^lab/shared +1 +in use on podman-a"
check "and says it has no catalog" screen_has "no catalog"

# T from the container goes to its repository's tags, the tag selected
keys ':ep podman-a' Enter
wait_until 10 screen_has "toolbox"
pick toolbox
keys T
check "T goes to the repository's tags on the registry" wait_until 10 screen_has "repository team/tool on priv"
check "with the tag selected" wait_until 10 screen_has "^ Tags .* 1/1"
keys q
finish
