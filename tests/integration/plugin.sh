#!/usr/bin/env bash
# plugin.sh: a backend built out of tree as a plugin. binnacle is installed
# (headers and pkg-config file included) into a private root; the example
# plugin (backends/file) is compiled against the installed headers alone,
# dropped into $XDG_DATA_HOME/binnacle/backends, and the real program loads
# it: its rows on screen, followed live as its file changes. A build against
# headers of another interface version is refused with one sentence, and the
# rest of binnacle keeps working.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd cc make pkg-config

root="$T/root"
make -s -C "$top_builddir" install DESTDIR="$root" >"$T/install.log" 2>&1 || {
	cat "$T/install.log" >&2
	not_ok "make install into a private root"
	finish
	exit 1
}
pc=$(find "$root" -name binnacle.pc | head -1)
check "make install puts the pkg-config file in place" [ -n "$pc" ]
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
# the installed tree was moved under $root: its prefix follows the .pc file
export PKG_CONFIG="pkg-config --define-prefix"
incdir=$($PKG_CONFIG --variable=includedir binnacle)/binnacle
check "and the plugin headers" [ -f "$incdir/backends/backend.h" ]

# the plugin sources alone, away from the source tree: only installed headers can be found
mkdir -p "$T/plugin" "$T/data/binnacle/backends"
cp "$top_srcdir"/backends/file/*.c "$top_srcdir"/backends/file/*.h "$top_srcdir"/backends/file/Makefile.example "$T/plugin/"
check "the example plugin builds against the installed headers" \
	make -s -C "$T/plugin" -f Makefile.example CFLAGS="-O2 -Wall -Wextra -Wno-unused-parameter -Werror"
cp "$T/plugin/file.so" "$T/data/binnacle/backends/"
export XDG_DATA_HOME="$T/data"

cat >"$T/inventory.yaml" <<'EOF'
nodes:
  - {name: web-1, status: Ready, roles: web, cpus: 4, memory: 8GiB}
  - {name: db-1, status: NotReady, roles: db, cpus: 8, memory: 32GiB}
containers:
  - {name: api, image: example/api:1.2, state: running, status: Up 3 hours, node: web-1}
  - {name: postgres, image: postgres:16, state: exited, status: Exited (1) 2 minutes ago, node: db-1}
checks:
  - {name: disk-space, state: failing, node: db-1, message: /var is 95% full}
  - {name: http, state: ok, node: web-1, message: 200 in 12ms}
EOF
cat >"$XDG_CONFIG_HOME/plugin.yaml" <<EOF
endpoints:
  - name: inventory
    type: file
    path: $T/inventory.yaml
    refresh: 200ms
EOF
cfg="$XDG_CONFIG_HOME/plugin.yaml"
check "binnacle --version lists the plugin" bash -c "'$BINNACLE' --version | grep -q '^file (.*file.so)'"
check "get serves the plugin's own kind" bash -c "'$BINNACLE' -c '$cfg' get checks | grep -Eq '^disk-space +failing +db-1'"
check "and the shared kinds it fills" bash -c "'$BINNACLE' -c '$cfg' get nodes | grep -Eq '^db-1 +NotReady'"

tui_start 120 30 -c "$cfg"
check "the dashboard opens on the plugin's rows" wait_until 15 screen_has "disk-space +failing"
check "with its header counts" wait_until 5 screen_has "checks 1/2 not ok"
sed -i 's/state: failing, node: db-1/state: ok, node: db-1/' "$T/inventory.yaml"
check "a change to the file reaches the screen" wait_until 10 screen_has "disk-space +ok"
keys ':nodes' Enter
check ":nodes shows the plugin's machines" wait_until 10 screen_has "db-1 +NotReady"
keys '/' '^web' Enter
wait_until 5 screen_has "/\\^web"
keys Enter
check "Enter on a node lists its containers (the plugin's drill)" wait_until 10 screen_has "api +example/api:1.2"
check "and only those" screen_lacks "postgres"
keys q
check "it quits cleanly" wait_until 10 screen_has "BINNACLE-EXITED-0"

# the same plugin, built against headers of an older interface version
sed -i 's/^#define BACKEND_ABI_VERSION [0-9]*/#define BACKEND_ABI_VERSION 1/' "$incdir/backends/backend.h"
make -s -C "$T/plugin" -f Makefile.example clean
check "a plugin built for interface version 1 still compiles" make -s -C "$T/plugin" -f Makefile.example
cp "$T/plugin/file.so" "$T/data/binnacle/backends/file.so"
out=$("$BINNACLE" --version)
check "binnacle refuses it with one sentence" \
	grep -q "file.so was built for backend interface version 1, but this binnacle speaks version [0-9]*: rebuild it" <<<"$out"
err=$("$BINNACLE" -c "$cfg" get checks 2>&1); rc=$?
check "get says why the endpoint's type is unknown" grep -q 'unknown endpoint type "file"' <<<"$err"
check "and names the refused plugin" grep -q "built for backend interface version 1" <<<"$err"
check "and fails" [ $rc -ne 0 ]
cat >"$XDG_CONFIG_HOME/none.yaml" <<'EOF'
endpoints: []
EOF
tui_start 160 30 -c "$XDG_CONFIG_HOME/none.yaml"
check "the dashboard starts anyway and shows the sentence" \
	wait_until 15 screen_has "built for backend interface version 1"
keys q
finish
