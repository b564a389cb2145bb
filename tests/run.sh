#!/bin/sh
# Build skiff (if needed) and run the whole test suite: C unit tests and the
# bats integration tests, which run real containers and so need root.
# Ends with one line: "N passed, N failed, N skipped".
# With CI=true the build treats warnings as errors.
set -u
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: the integration tests run containers: run as root" >&2
	exit 1
fi
werror=
[ "${CI:-}" = true ] && werror=--enable-werror
if [ ! -x configure ]; then
	./autogen.sh >/dev/null || exit 1
fi
if [ ! -f Makefile ] || { [ -n "$werror" ] && ! grep -q -- '-Werror' Makefile; }; then
	./configure $werror >/dev/null || exit 1
fi
make -j"$(nproc)" >/dev/null || exit 1

status=0
make -j"$(nproc)" check >tests/check.out 2>&1 || status=$?
# Show what failed, then the summary automake wrote.
for log in $(find tests -name '*.log' ! -name 'test-suite.log'); do
	if grep -qE '^(not ok|ERROR:)' "$log"; then
		echo "==== $log"
		grep -vE '^ok ' "$log" | head -80
	fi
done
grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' tests/check.out || tail -30 tests/check.out
pass=$(sed -n 's/^# PASS: *//p' tests/check.out)
fail=$(sed -n 's/^# FAIL: *//p' tests/check.out)
skip=$(sed -n 's/^# SKIP: *//p' tests/check.out)
err=$(sed -n 's/^# ERROR: *//p' tests/check.out)
echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed, ${skip:-0} skipped"
[ -n "$pass" ] || status=1
exit $status
