#!/usr/bin/env bash
# replay.sh: every fuzz harness over its corpus (tests/fuzz/corpus: seeds and
# inputs that once crashed; plus the real payloads of ../shared/reference
# when it is there), built as this build is: under the sanitisers with
# `make check-asan`, under valgrind with `make check-valgrind`, plain
# otherwise. A crash fixed once stays fixed. `make fuzz` looks for new ones.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$top_srcdir/tests/fuzz/seed.sh"
R="$top_builddir/tests/fuzz/fuzz-replay"
[ -x "$R" ] || { echo "FAIL: $R is not built (make check builds it)" >&2; exit 1; }
targets=$("$R" --list)
check "the harnesses are all there" [ "$(wc -w <<<"$targets")" -ge 14 ]
for t in $targets; do
	dir="$T/corpus/$t"
	fuzz_seed "$dir" "$t"
	n=$(ls "$dir" | wc -l)
	check "$t: its corpus replays ($n inputs, none empty of seeds)" [ "$n" -gt 0 ]
	out=$(${FUZZ_WRAPPER:-} "$R" "$t" "$dir" 2>&1)
	rc=$?
	[ $rc -gt 128 ] && crashed "fuzz-replay $t died of signal $((rc - 128))"
	check "$t: no crash, no sanitiser report" [ $rc -eq 0 ]
	echo "# $out" | tail -1
done
finish
