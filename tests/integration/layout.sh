#!/usr/bin/env bash
# layout.sh: the architecture holds. The UI (tui/) and the generic part of
# views/ (its top folder; views/kinds/ holds the shared kinds) name no backend
# and no kind: everything they need comes from what the backends declare. The
# names are the ones the program itself reports (backends with their aliases
# from --version, kinds from `binnacle get`), so a new backend is covered the
# day it is registered. Includes name their folder from the source root.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
cd "$top_srcdir" || exit 1

backends=$("$BINNACLE" --version | sed -n 's/^backends: //p' | tr ',()' '   ' | tr -s ' ' '\n' | grep -v '^$')
kinds=$("$BINNACLE" get 2>&1 | sed 's/^binnacle: get needs a kind://' | tr ',' '\n' |
	sed -n 's/^ *\([a-z][a-z0-9-]*\).*/\1/p' | sort -u)
check "binnacle reports its backends" [ "$(wc -l <<<"$backends")" -ge 2 ]
check "and its kinds" [ "$(wc -l <<<"$kinds")" -ge 5 ]

# the code of the generic files, comments left out: prose may say "a pod"
mkdir -p "$T/code"
for f in tui/*.c tui/*.h views/*.c views/*.h; do
	mkdir -p "$T/code/$(dirname "$f")"
	sed -e 's#/\*.*\*/##g' -e 's#^[[:space:]]*/\*.*##' -e 's#^[[:space:]]*\*.*##' "$f" >"$T/code/$f"
done
cd "$T/code" || exit 1
generic=(tui/*.c tui/*.h views/*.c views/*.h)
found=""
for name in $backends $kinds; do
	# the keymap's verb names ("events": the e key) are verbs, not kinds
	hits=$(grep -nE "\"$name\"" "${generic[@]}" | grep -vE '^tui/keymap\.c:[0-9]+:\s*\[ACT_[A-Z_]+\] = \{"')
	[ -n "$hits" ] && found+="$hits"$'\n'
done
macros=$(grep -nE '\bKIND_[A-Z]+' "${generic[@]}")
[ -n "$macros" ] && found+="$macros"$'\n'
if [ -n "$found" ]; then
	not_ok "tui/ and the generic views name no backend and no kind" "$found"
else
	ok "tui/ and the generic views name no backend and no kind"
fi
cd "$top_srcdir" || exit 1

# a backend's files include no UI, and the UI includes no backend's folder
bad=$(grep -lE '#include "tui/' backends/*.c backends/*/*.c backends/*/*/*.c 2>/dev/null;
	grep -lE '#include <n?curses' backends/*.c backends/*/*.c backends/*/*/*.c 2>/dev/null)
check "no backend includes the UI or curses" [ -z "$bad" ]
direct=$(grep -nE '#include "backends/(docker|kube|ecs|registry|file)/' tui/*.c tui/*.h views/*.c views/*.h)
check "the UI includes no backend's own headers" [ -z "$direct" ]

# includes name their folder from the source root: no bare "x.h" of our own
bare=$(grep -nE '#include "[^/"]+\.h"' tui/*.[ch] views/*.[ch] views/*/*.[ch] backends/*.[ch] backends/*/*.[ch] \
	backends/*/*/*.[ch] tests/unit/*.[ch] 2>/dev/null | grep -v '"config.h"' | grep -v 'backends/file/')
check "includes name their folder" [ -z "$bare" ]
finish
