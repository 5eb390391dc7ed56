#!/bin/sh
# run.sh: runs libFuzzer targets for a set time each from the committed seeds; one line per target, non-zero if any failed.
# Usage: tests/fuzz/run.sh SECONDS BUILD/fuzz/fuzz_NAME...
set -u
seconds=$1
shift
passed=0
failed=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	work="$(dirname "$bin")/$name"
	seeds="tests/fuzz/corpus/$name"
	mkdir -p "$work/corpus"
	# The first directory receives new inputs: the build's, never the committed seeds.
	[ -d "$seeds" ] || seeds=
	log="$work/log.txt"
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/" "$work/corpus" ${seeds:+"$seeds"} >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$status" -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz: $name: passed (${runs:-0} runs in $seconds s)"
		continue
	fi
	failed=$((failed + 1))
	echo "fuzz: $name: FAILED (exit $status), log in $log"
	tail -n 40 "$log" | sed 's/^/    /'
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	[ -n "$artifact" ] && echo "    reproduce: $bin $artifact"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
