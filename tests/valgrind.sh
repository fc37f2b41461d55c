#!/bin/sh
# valgrind.sh PROGRAM ARGS...: runs PROGRAM under valgrind's memcheck the
# way `make check-valgrind` wants it: any invalid access, use of
# uninitialised memory or definite leak fails it (exit 99), and its report
# is copied into the test's report folder ($BINNACLE_REPORT_DIR, where
# tests/lib.sh finds sanitiser reports and fails the test), or printed.
log=$(mktemp "${TMPDIR:-/tmp}/binnacle-valgrind.XXXXXX")
here=$(cd "$(dirname "$0")" && pwd)
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	--suppressions="$here/valgrind.supp" --log-file="$log" "$@"
rc=$?
if [ -s "$log" ]; then
	if [ -n "${BINNACLE_REPORT_DIR:-}" ] && [ -d "$BINNACLE_REPORT_DIR" ]; then
		cp "$log" "$BINNACLE_REPORT_DIR/valgrind.$$"
	else
		cat "$log" >&2
	fi
fi
rm -f "$log"
exit $rc
