#!/bin/sh
# Build skiff (if needed) and run the whole test suite: C unit tests, the
# fuzz corpora replayed, and the bats integration tests, which run real
# containers and so need root.  Ends with one line:
# "N passed, N failed, N skipped".
#
# Where it builds: in the source tree when that is configured in place
# (./configure was run there), else in $BUILDDIR (default: build/), out of
# tree, so several builds (gcc, clang, sanitizers) can live side by side.
#   CI=true                 warnings are errors (--enable-werror)
#   BUILDDIR=DIR            the build directory
#   CONFIGURE_FLAGS="..."   more ./configure flags, e.g. --enable-asan-ubsan
set -u
cd "$(dirname "$0")/.."
src=$(pwd)
if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: the integration tests run containers: run as root" >&2
	exit 1
fi
flags=${CONFIGURE_FLAGS:-}
[ "${CI:-}" = true ] && flags="--enable-werror $flags"
if [ ! -x configure ]; then
	./autogen.sh >/dev/null || exit 1
fi
if [ -n "${BUILDDIR:-}" ]; then
	build=$BUILDDIR
elif [ -f config.status ]; then
	build=.
else
	build=build
fi
mkdir -p "$build" && cd "$build" || exit 1
# Configure again when the flags differ from the last run's.
if [ ! -f Makefile ] || [ "$(cat .run-flags 2>/dev/null)" != "$flags" ]; then
	# shellcheck disable=SC2086
	"$src/configure" $flags >/dev/null || exit 1
	echo "$flags" > .run-flags
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
# No summary means the tests did not run (a build error): that is a failure,
# not an empty pass.
if [ -z "$pass" ]; then
	status=1
	fail=$(( ${fail:-0} + 1 ))
fi
echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed, ${skip:-0} skipped"
exit $status
