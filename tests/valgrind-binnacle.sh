#!/bin/sh
# valgrind-binnacle.sh ARGS...: binnacle ($VALGRIND_BINNACLE) under
# valgrind.sh; what `make check-valgrind` gives the tests as $BINNACLE.
exec "$(dirname "$0")/valgrind.sh" "${VALGRIND_BINNACLE:?}" "$@"
