#!/bin/sh
# install-deps.sh: installs what binnacle needs on Debian 12 to build, to
# run its first-run demo (a private Podman engine) and to run every test.
# Does nothing when everything is already installed; uses sudo when not root.
set -eu

PACKAGES="build-essential autoconf automake pkg-config
libncurses-dev libcurl4-openssl-dev libssl-dev libjson-c-dev libyaml-dev libssh2-1-dev libcmocka-dev
podman runc busybox-static uidmap skopeo docker-registry apache2-utils
openssh-server openssl tmux curl python3 ca-certificates jq"

# the AWS CLI judges the ECS lab (tests/lab/ecs/test-aws.sh); any aws on PATH will do
command -v aws >/dev/null 2>&1 || PACKAGES="$PACKAGES awscli"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps.sh: need root (or sudo) to install:$missing" >&2
	exit 1
fi
echo "install-deps.sh: installing$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
