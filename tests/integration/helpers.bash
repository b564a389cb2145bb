# Shared set-up for the bats integration tests.  They run real containers
# and need root, a static busybox and jq (see debian-packages.txt).

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

SKIFF=${SKIFF:-$(command -v skiff)}
TESTS_SRCDIR=${TESTS_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
SHARED_DIR=$(cd "$TESTS_SRCDIR/../.." 2>/dev/null && pwd)/shared

# Every test gets its own state root, bundle and cgroup, so tests can run in
# parallel: without a cgroupsPath the cgroup is named after the container id
# (as with runc), and every test file uses "ctr".
setup_bundle() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$BUNDLE" "$@"
	CGROUP_NAME=skiff-test-$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER-$$
	update_config --arg p "$CGROUP_NAME" '.linux.cgroupsPath = $p'
	cd "$BUNDLE"
}

# skiff with this test's state root.
skiff() {
	"$SKIFF" --root "$ROOT" "$@"
}

# Apply a jq filter to the bundle's config.json, e.g.
#   update_config '.process.args = ["true"]'
# (One process: each costs ~1 s in the emulated VM of tests/vm.)
update_config() {
	local new
	new=$(jq "$@" "$BUNDLE/config.json") && printf '%s\n' "$new" > "$BUNDLE/config.json"
}

# Set process.args from the arguments (which may contain newlines, or look
# like jq's options: after "--args --" they are all strings).
set_args() {
	local new
	new=$(jq '.process.args = $ARGS.positional' "$BUNDLE/config.json" --args -- "$@") &&
		printf '%s\n' "$new" > "$BUNDLE/config.json"
}

# Remove every container this test made, whatever state it is in; then
# fail the test if any cgroup named after it is left (--no-check: the
# caller cleans up more first, then calls check_no_leftovers itself).
teardown_containers() {
	if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
		local id
		for id in $("$SKIFF" --root "$ROOT" list -q 2>/dev/null); do
			"$SKIFF" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	[ "${1:-}" = --no-check ] || check_no_leftovers
}

# The cgroups named after this test ($CGROUP_NAME, or beginning with it and
# a dash) in any hierarchy, at the top or one level down (under the
# caller's cgroup, where relative paths go).  A glob, not find: it runs
# after every test.
leftover_cgroups() {
	[ -n "${CGROUP_NAME:-}" ] || return 0
	local d
	for d in /sys/fs/cgroup/"$CGROUP_NAME" /sys/fs/cgroup/"$CGROUP_NAME"-* \
		/sys/fs/cgroup/*/"$CGROUP_NAME" /sys/fs/cgroup/*/"$CGROUP_NAME"-* \
		/sys/fs/cgroup/*/*/"$CGROUP_NAME" /sys/fs/cgroup/*/*/"$CGROUP_NAME"-*; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# A test leaves nothing behind: a cgroup it made that is still there fails
# it, by name, instead of piling up on the host (removed here, so one
# failure does not fail the next run too).
check_no_leftovers() {
	local left d
	left=$(leftover_cgroups)
	[ -z "$left" ] && return 0
	for d in $left; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	echo "cgroups left behind by this test:" $left >&2
	return 1
}

teardown() {
	teardown_containers
}

# The status field of `skiff state ID`.
container_status() {
	skiff state "$1" | jq -r .status
}

# Wait (up to ~5 s) until container $1 has status $2.
wait_for_status() {
	local i
	for i in $(seq 50); do
		[ "$(container_status "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "container $1 is $(container_status "$1"), not $2" >&2
	return 1
}

# Is pid a live process?  A zombie is not: it waits for a reaper, and
# PID 1 of some sandboxes reaps slowly.
process_alive() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Test helper programs (built by `make check`).
TESTS_BUILDDIR=${TESTS_BUILDDIR:-$TESTS_SRCDIR}
RECVTTY=$TESTS_BUILDDIR/helpers/recvtty
RECV_PIDFD=$TESTS_BUILDDIR/helpers/recv-pidfd

# Wait (up to ~5 s) for a path to exist.
wait_for_path() {
	local i
	for i in $(seq 50); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 did not appear" >&2
	return 1
}

# Making a bundle forks once per busybox applet; files with many tests make
# one template in setup_file and copy it per test:
#   setup_file() { make_bundle_template; }  setup() { setup_bundle_copy; }
make_bundle_template() {
	[ "$(id -u)" = 0 ] || return 0
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$BATS_FILE_TMPDIR/bundle-template" "$@"
}

setup_bundle_copy() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	cp -a "$BATS_FILE_TMPDIR/bundle-template" "$BUNDLE"
	# as setup_bundle: a cgroup of its own, or parallel tests collide
	CGROUP_NAME=skiff-test-$(basename "$BATS_TEST_FILENAME" .bats)-$BATS_TEST_NUMBER-$$
	update_config --arg p "$CGROUP_NAME" '.linux.cgroupsPath = $p'
	cd "$BUNDLE"
}

# The pids of this test's container processes: those still being set up
# are clones of skiff and keep its command line, with this test's --root;
# a created init is the exec stub, whose command line names nothing, so
# those are found by the test's cgroup.  Zombies are gone already.
test_pids() {
	local pid
	for pid in $({
		[ -n "${ROOT:-}" ] && pgrep -f -- "--root $ROOT( |\$)"
		[ -n "${CGROUP_NAME:-}" ] &&
			grep -l -F -- "$CGROUP_NAME" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
	} | sort -un); do
		process_alive "$pid" && echo "$pid"
	done
	return 0
}

# SIGKILL what is left of this test's containers: a leftover init holds
# bats's output open and would hang the run.
kill_leftovers() {
	local pid
	for pid in $(test_pids); do
		kill -9 "$pid" 2>/dev/null
	done
	return 0
}

# `run` for a command that may leave a container behind (create, run -d):
# the container's init inherits its stdio, and would hold run's output pipe
# open for ever.  Sets status, output and lines as run does.
run_detached() {
	local out=$BATS_TEST_TMPDIR/run_detached.out
	status=0
	"$@" > "$out" 2>&1 < /dev/null || status=$?
	output=$(cat "$out")
	mapfile -t lines < "$out"
}

# strace ARGS...: strace, with LeakSanitizer off in what it traces
# (LeakSanitizer cannot work under ptrace and fails a sanitizer build's
# process; ASan's other checks stay).
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"
}

# Programs from tests/helpers/, built by `make check`.
HELPERS=$TESTS_BUILDDIR/helpers

# Skip unless the named helper programs are built.
need_helpers() {
	local h
	for h in "$@"; do
		[ -x "$HELPERS/$h" ] || skip "test helper $h is not built (run make check)"
	done
}

# A stand-in for criu: it records its arguments (one per line) in
# $BATS_TEST_TMPDIR/criu.args; `dump` ends the --tree process unless
# --leave-running, `restore` starts a process and writes its pid to
# --pidfile; with $BATS_TEST_TMPDIR/criu.fail present it fails, logging an
# error in its log as criu does.
fake_criu() {
	FAKE=$BATS_TEST_TMPDIR/fake-criu
	cat > "$FAKE" <<-'EOF'
		#!/bin/bash
		dir=$(dirname "$0")
		printf '%s\n' "$@" > "$dir/criu.args"
		cmd=$1; shift
		while [ $# -gt 0 ]; do
			case $1 in
			--tree) tree=$2; shift ;;
			--work-dir) work=$2; shift ;;
			--log-file) log=$2; shift ;;
			--pidfile) pidfile=$2; shift ;;
			--leave-running) leave=1 ;;
			esac
			shift
		done
		if [ -e "$dir/criu.fail" ]; then
			echo "(00.001) Error (fake/criu.c:1): the stand-in refuses" > "$work/$log"
			exit 1
		fi
		case $cmd in
		dump) [ -n "$leave" ] || kill -9 "$tree" ;;
		restore)
			setsid sleep 1000 < /dev/null > /dev/null 2>&1 &
			echo $! > "$pidfile" ;;
		esac
		exit 0
	EOF
	chmod 755 "$FAKE"
}

# Is $SKIFF built with AddressSanitizer (CI's sanitizer stage)?
skiff_sanitized() {
	grep -qa __asan_init "$SKIFF"
}
