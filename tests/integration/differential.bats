#!/usr/bin/env bats
# The differential layer (tests/diff/run.sh): one corpus of bundles run
# under skiff and runc (and crun where runc refuses a bundle), the probe
# (tests/helpers/probe) printing what the container observes; any fact
# where skiff differs, and tests/diff/known-differences gives no reason,
# fails.  Each test prints its "N bundles compared, N differences" line.

load helpers

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v runc >/dev/null || skip "runc is not installed"
	need_helpers probe reap
}

# run.sh on the bundles matching $1; the summary goes to bats's output,
# the whole report too when it fails.
compare() {
	local out=$BATS_TEST_TMPDIR/report status=0
	SKIFF="$SKIFF" TESTS_SRCDIR="$TESTS_SRCDIR" TESTS_BUILDDIR="$TESTS_BUILDDIR" \
		SHARED_DIR="$SHARED_DIR" "$TESTS_SRCDIR/diff/run.sh" -b "$1" \
		> "$out" 2>&1 < /dev/null || status=$?
	echo "# $(tail -1 "$out")" >&3
	if [ "$status" != 0 ]; then
		cat "$out"
		return 1
	fi
}

@test "differential: the fixtures and generated variants observe what runc's containers do" {
	compare '!(engine-*)'
}

@test "differential: the engines' configs observe what runc's containers do" {
	[ -d "$SHARED_DIR/engine-configs" ] || skip "no $SHARED_DIR/engine-configs"
	compare 'engine-*'
}
