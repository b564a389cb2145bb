#!/bin/sh
# Build skiff (if needed) and run the whole test suite: C unit tests, the
# fuzz corpora replayed, and the bats integration tests, which run real
# containers and so need root.  Ends with one line:
# "N passed, N failed, N skipped".
#
# On the terminal: each test file as it starts, with the running counts and
# the time so far, and every failure as it happens (on a terminal one status
# line, rewritten; in a log one line per file).  Everything make prints goes
# to BUILDDIR/tests/check.out (the build's own output to BUILDDIR/make.out),
# each test's output to its .log beside it.
#
# Where it builds: in the source tree when that is configured in place
# (./configure was run there), else in $BUILDDIR (default: build/), out of
# tree, so several builds (gcc, clang, sanitizers) can live side by side.
#   CI=true                 warnings are errors (--enable-werror)
#   BUILDDIR=DIR            the build directory
#   CONFIGURE_FLAGS="..."   more ./configure flags, e.g. --enable-asan-ubsan
#   TESTS="t1 t2"           only these tests (paths as in Makefile.am's TESTS,
#                           e.g. tests/integration/exec.bats)
#   VM=1                    then the cgroup v2, systemd and criu tests, each in
#                           a QEMU VM (make check-cgroupv2, check-systemd,
#                           check-criu; what CI runs after this script), added
#                           to the total
#
# Interrupted (Ctrl-C, SIGTERM, SIGHUP), it stops what it started: make and
# everything below it (the tests, bats, their containers through the tests'
# teardowns, the VMs) get SIGINT, as a Ctrl-C on a terminal would give
# them, then SIGTERM and SIGKILL if they linger; then it exits 130, 143 or
# 129.
set -u
cd "$(dirname "$0")/.." || exit 1
src=$(pwd)
if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: the integration tests run containers: run as root" >&2
	exit 1
fi
flags=${CONFIGURE_FLAGS:-}
[ "${CI:-}" = true ] && flags="--enable-werror $flags"

# ---- running what can be stopped ----

# Each job runs in a session of its own (setsid: `set -m` needs a
# terminal), so that stopping it reaches everything it started, however
# deep, and nothing else: signals go to every process of the session,
# those that moved to a process group of their own included (timeout(1)
# does, with the VM under it).  The shell waits with `wait`, which a signal
# interrupts (a foreground command would delay the trap until it ended,
# which for a hung test is never).
sessions=""

signal_all() {
	for sid in $sessions; do pkill -"$1" -s "$sid" 2>/dev/null; done
}

alive() {
	for sid in $sessions; do
		pgrep -s "$sid" >/dev/null && return 0
	done
	return 1
}

stop() {
	trap '' INT TERM HUP
	printf '\ntests/run.sh: %s: stopping make and the tests\n' "$1" >&2
	signal_all INT
	# bats runs the current test's teardown on SIGINT (it deletes the
	# test's containers), run-in-vm.sh stops its VM: up to 30 s for that,
	# then no more waiting.
	i=0
	while alive && [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	signal_all TERM
	i=0
	while alive && [ "$i" -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	signal_all KILL
	rm -f "${fifo:-}"
	exit "$2"
}
trap 'stop interrupted 130' INT
trap 'stop terminated 143' TERM
trap 'stop "hung up" 129' HUP

# Run a command in the background, in its own session, its output to $1
# and its stdin /dev/null (so the tests run without the terminal, as in
# CI), and wait for it; its exit status is run_status.  (The shell has no job control, so the
# command is no group leader and setsid(1) needs no fork: $! is the new
# session's id; env execs too.  The redirections are the command's, not
# this function's: the trap's messages, should one run while it waits,
# go to this shell's stderr.)
run_job() {
	out=$1
	shift
	# (env: what a shell starts in the background ignores SIGINT, and its
	# children after it, which neither stopping nor the tests want.)
	setsid env --default-signal=INT,QUIT "$@" >"$out" 2>&1 </dev/null &
	sessions="$sessions $!"
	wait $!
	run_status=$?
}

# Time since the start, as "1m05s".
t0=$(date +%s)
elapsed() {
	s=$(($(date +%s) - t0))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# ---- build ----

if [ ! -x configure ]; then
	log=${TMPDIR:-/tmp}/skiff-autogen.$$
	run_job "$log" ./autogen.sh
	[ "$run_status" = 0 ] || tail -20 "$log"
	rm -f "$log"
	[ "$run_status" = 0 ] || exit 1
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
	echo "tests/run.sh: configuring in $build"
	# shellcheck disable=SC2086
	run_job configure.out "$src/configure" $flags
	if [ "$run_status" != 0 ]; then
		tail -20 configure.out
		echo "tests/run.sh: configure failed (see $build/configure.out)"
		exit 1
	fi
	echo "$flags" > .run-flags
fi
echo "tests/run.sh: building in $build (output in $build/make.out)"
run_job make.out make -j"$(nproc)"
if [ "$run_status" != 0 ]; then
	tail -30 make.out
	echo "tests/run.sh: the build failed (see $build/make.out)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# ---- the tests ----

# TESTS="$TESTS" goes on make's command line: the Makefile's own TESTS
# would win over the environment's.
files=$(make -s --no-print-directory ${TESTS:+"TESTS=$TESTS"} print-tests 2>/dev/null | wc -w)
echo "tests/run.sh: $files test files (the whole suite takes about 20 minutes here;" \
	"output in $build/tests/check.out)"
mkdir -p tests
fifo=$(mktemp -u "${TMPDIR:-/tmp}/skiff-run.XXXXXX")
mkfifo "$fifo" || exit 1
tty=0
[ -t 1 ] && tty=1
# The filter: automake's harness prints "PASS: FILE N - name" (SKIP, FAIL,
# XFAIL, XPASS, ERROR) for every test as it ends; each line goes to
# check.out, failures to the terminal at once, and a file's first line is
# the file's start.
# It ignores SIGINT (a Ctrl-C reaches it with this shell): it reads on
# until make is gone, so make never writes to a closed pipe.
(trap '' INT && exec awk -v out=tests/check.out -v files="$files" -v tty="$tty" -v t0="$t0" '
function elapsed(   now) {
	"date +%s" | getline now
	close("date +%s")
	return sprintf("%dm%02ds", int((now - t0) / 60), (now - t0) % 60)
}
function status(file) {
	line = sprintf("[%d/%d] %d passed, %d failed, %d skipped, %s: %s",
		       seen, files, pass, fail, skip, elapsed(), file)
	if (tty)
		printf "\r\033[K%s", line
	else
		print "  " line
	fflush()
}
{
	print > out
	fflush(out)
	if (!match($0, /^(PASS|SKIP|FAIL|XFAIL|XPASS|ERROR): /))
		next
	kind = substr($0, 1, RLENGTH - 2)
	file = $2
	if (kind == "PASS" || kind == "XFAIL")
		pass++
	else if (kind == "SKIP")
		skip++
	else
		fail++
	if (kind == "FAIL" || kind == "XPASS" || kind == "ERROR") {
		if (tty)
			printf "\r\033[K"
		print
		fflush()
		shown = 0
	}
	if (!(file in started)) {
		started[file] = 1
		seen++
		status(file)
		shown = 1
	} else if (tty && (!shown || NR % 20 == 0)) {
		status(file)
		shown = 1
	}
}
END {
	if (tty)
		printf "\r\033[K"
}' <"$fifo") &
filter=$!
run_job "$fifo" make -j"$(nproc)" ${TESTS:+"TESTS=$TESTS"} check
status=$run_status
wait "$filter"
rm -f "$fifo"
echo "tests/run.sh: done in $(elapsed)"

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
pass=${pass:-0} fail=$(( ${fail:-0} + ${err:-0} )) skip=${skip:-0}

# ---- the VM tests (VM=1) ----

# cgroup v2, systemd as PID 1, and the real criu, each in a QEMU VM
# (README: "cgroup v2 and systemd tests in a VM"), as CI runs them after
# this script; each
# ends with its own "N passed, N failed, N skipped", added to the total,
# and a VM that gives none (it did not boot) is one failure.
if [ "${VM:-}" = 1 ]; then
	for target in check-cgroupv2 check-systemd check-criu; do
		echo "tests/run.sh: make $target (a VM, about 2 minutes; output in $build/tests/$target.out)"
		run_job "tests/$target.out" make "$target"
		grep -E '^(not ok|run-in-vm.sh: )' "tests/$target.out"
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "tests/$target.out" | tail -1)
		if [ -z "$line" ]; then
			tail -20 "tests/$target.out"
			line="0 passed, 1 failed, 0 skipped"
		fi
		echo "  $target: $line"
		# shellcheck disable=SC2086
		set -- $line
		pass=$((pass + $1)) fail=$((fail + $3)) skip=$((skip + $5))
		[ "$run_status" = 0 ] && [ "$3" = 0 ] || status=1
	done
	echo "tests/run.sh: done in $(elapsed)"
fi

echo "$pass passed, $fail failed, $skip skipped"
exit $status
