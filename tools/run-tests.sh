#!/bin/sh
# run-tests.sh: runs every cmocka unit test binary, then the e2e suite; the last line is "N passed, N failed".
set -u
BUILD=${BUILD:-build}
export BUILD
passed=0
failed=0

# Unit tests: cmocka's TAP output gives one "ok"/"not ok" line per test case.
for bin in "$BUILD"/unit/test_*; do
	case $bin in *.*) continue ;; esac   # skip .d/.o files next to the binaries
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	status=$?
	ok=$(printf '%s\n' "$out" | grep -c '^ok ')
	not_ok=$(printf '%s\n' "$out" | grep -c '^not ok ')
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' | head -n 1)
	# A crash (a sanitizer abort, a segfault) cuts the stream short: the unreported cases failed.
	missing=$(( ${plan:-0} - ok - not_ok ))
	[ "$missing" -gt 0 ] || missing=0
	bad=$((not_ok + missing))
	[ "$status" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
	passed=$((passed + ok))
	failed=$((failed + bad))
	echo "unit: $(basename "$bin"): $ok passed, $bad failed"
	if [ "$bad" -ne 0 ]; then
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
done

# Fuzz smoke: each libFuzzer target a few seconds from its seeds, one test each; the
# runner's last line is "fuzz: N passed, N failed" (a crash prints how to reproduce it).
fuzz_bins=$(find "$BUILD/fuzz" -maxdepth 1 -type f -name 'fuzz_*' -perm -u+x 2>/dev/null | sort)
if [ -n "$fuzz_bins" ]; then
	fuzz_log="$BUILD/fuzz-summary.txt"
	# shellcheck disable=SC2086 # one binary per word: the paths hold no blanks
	tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-3}" $fuzz_bins | tee "$fuzz_log"
	fuzz_summary=$(tail -n 1 "$fuzz_log")
	fuzz_passed=$(printf '%s\n' "$fuzz_summary" | sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	fuzz_failed=$(printf '%s\n' "$fuzz_summary" | sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	passed=$((passed + ${fuzz_passed:-0}))
	failed=$((failed + ${fuzz_failed:-1}))
fi

# End-to-end: boots under QEMU and Bochs; its last line is "e2e: N passed, N failed".
e2e_log="$BUILD/e2e-summary.txt"
mkdir -p "$BUILD"
python3 tests/e2e/run.py "$@" | tee "$e2e_log"
summary=$(tail -n 1 "$e2e_log")
e2e_passed=$(printf '%s\n' "$summary" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
e2e_failed=$(printf '%s\n' "$summary" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$e2e_passed" ]; then
	echo "e2e: the harness itself failed (no summary line)"
	e2e_passed=0 e2e_failed=1
fi
passed=$((passed + e2e_passed))
failed=$((failed + e2e_failed))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
