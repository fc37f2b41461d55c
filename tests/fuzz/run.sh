#!/usr/bin/env bash
# run.sh: the driver of `make fuzz`: each harness of the libFuzzer build
# (clang, -fsanitize=fuzzer,address,undefined) for a set time, on a corpus
# kept between runs and seeded as replay.sh seeds it; a summary with the
# executions per harness, and every input that crashed saved for a
# regression seed (copy it into tests/fuzz/corpus/HARNESS/ once fixed).
#
#   run.sh FUZZ_DIR SECONDS [HARNESS...]     (default: every harness)
#
# Exit 0 when no harness crashed, 1 otherwise.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/fuzz/seed.sh"
dir=$1
secs=$2
shift 2
bin="$dir/build/tests/fuzz/fuzz-libfuzzer"
[ -x "$bin" ] || { echo "run.sh: $bin is not built" >&2; exit 2; }
targets=${*:-$(FUZZ_LIST=1 "$bin")}
mkdir -p "$dir/logs" "$dir/artifacts"
summary="$dir/summary.txt"
printf '%-14s %12s %10s %8s %s\n' harness executions "exec/s" "corpus" crashes >"$summary"
failed=0
for t in $targets; do
	corpus="$dir/corpus/$t"
	fuzz_seed "$corpus" "$t"
	log="$dir/logs/$t.log"
	before=$(ls "$dir/artifacts" | grep -c "^$t-" || true)
	FUZZ_TARGET=$t ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1:abort_on_error=1" \
		UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:print_stacktrace=1:halt_on_error=1" \
		"$bin" -max_total_time="$secs" -max_len=65536 -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$t-" "$corpus" </dev/null >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	crashes=$(($(ls "$dir/artifacts" | grep -c "^$t-" || true) - before))
	[ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="exit $rc"
	printf '%-14s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${speed:-?}" "$(ls "$corpus" | wc -l)" "$crashes" \
		| tee -a "$summary"
	if [ "$crashes" != 0 ]; then
		failed=1
		grep -E '^==[0-9]+==ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/    /'
	fi
done
echo "run.sh: summary in $summary, logs in $dir/logs, crashing inputs in $dir/artifacts"
exit $failed
