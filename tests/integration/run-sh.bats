#!/usr/bin/env bats
# tests/run.sh itself: what it shows while the suite runs, its closing
# line (which CI counts), and that stopping it stops everything it started.
# It runs here on a stand-in build directory whose Makefile's `check`
# prints what automake's harness prints, or runs a bats file that hangs:
# the real suite would take twenty minutes, and would run this file again.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	[ "$(id -u)" = 0 ] || skip "tests/run.sh runs as root"
	FAKE=$BATS_TEST_TMPDIR/build
	mkdir -p "$FAKE"
	# configured with the flags of this run: run.sh neither configures nor
	# builds anything real.  The suite's own settings (CI=true adds
	# --enable-werror, the sanitizer stage sets CONFIGURE_FLAGS) would make
	# it reconfigure $FAKE for real, and then run the real suite and VMs.
	unset CI CONFIGURE_FLAGS TESTS VM
	echo > "$FAKE/.run-flags"
	RUN_SH=$TESTS_SRCDIR/run.sh
	[ -x "$TESTS_SRCDIR/../configure" ] || skip "the source tree is not bootstrapped (./autogen.sh)"
}

# A Makefile for $FAKE: `all` does nothing, `print-tests` lists $1, and
# `check` runs the rest of the arguments (one shell line).
fake_makefile() {
	local tests=$1
	shift
	printf 'all:\n\t@true\nprint-tests:\n\t@echo %s\ncheck:\n\t@%s\n' "$tests" "$*" > "$FAKE/Makefile"
}

@test "run.sh: each file as it starts, the counts, failures as they happen, and the closing line last" {
	cat > "$FAKE/harness.sh" <<'EOF'
echo "make[1]: Entering directory"
echo "PASS: tests/a.bats 1 - one"
echo "PASS: tests/a.bats 2 - two"
echo "FAIL: tests/a.bats 3 - three"
echo "SKIP: tests/b.bats 1 - four # SKIP no engine"
echo "ERROR: tests/c - exited with status 2"
printf '# TOTAL: 5\n# PASS:  2\n# SKIP:  1\n# XFAIL: 0\n# FAIL:  1\n# XPASS: 0\n# ERROR: 1\n'
exit 1
EOF
	fake_makefile "tests/a.bats tests/b.bats tests/c" "sh harness.sh"
	run env BUILDDIR="$FAKE" "$RUN_SH"
	# make's status (2: a recipe failed)
	assert_failure
	assert_line --regexp '^  \[1/3\] 1 passed, 0 failed, 0 skipped, [0-9]+m[0-9]{2}s: tests/a.bats$'
	assert_line "FAIL: tests/a.bats 3 - three"
	assert_line --regexp '^  \[2/3\] 2 passed, 1 failed, 1 skipped, [0-9]+m[0-9]{2}s: tests/b.bats$'
	assert_line "ERROR: tests/c - exited with status 2"
	assert_line --regexp '^  \[3/3\] 2 passed, 2 failed, 1 skipped, '
	# the failure shows before the next file starts: as it happens
	local fail_at next_at
	fail_at=$(printf '%s\n' "${lines[@]}" | grep -n '^FAIL: tests/a.bats 3' | cut -d: -f1)
	next_at=$(printf '%s\n' "${lines[@]}" | grep -n '\[2/3\]' | cut -d: -f1)
	[ "$fail_at" -lt "$next_at" ]
	# the line CI counts, last and exact (errors count as failures)
	assert_equal "${lines[${#lines[@]} - 1]}" "2 passed, 2 failed, 1 skipped"
	# everything make printed is in check.out
	grep -q '^make\[1\]: Entering directory' "$FAKE/tests/check.out"
}

@test "run.sh: on a terminal, one status line rewritten in place" {
	command -v script >/dev/null || skip "script(1) is not installed"
	printf 'echo "PASS: tests/a.bats 1 - one"\necho "# PASS: 1"\n' > "$FAKE/harness.sh"
	fake_makefile "tests/a.bats" "sh harness.sh"
	script -qec "env BUILDDIR='$FAKE' '$RUN_SH'" /dev/null < /dev/null > "$BATS_TEST_TMPDIR/tty.out"
	grep -q $'\r\e\\[K\\[1/1\\] 1 passed, 0 failed, 0 skipped' "$BATS_TEST_TMPDIR/tty.out"
	run tail -n 1 "$BATS_TEST_TMPDIR/tty.out"
	assert_output $'1 passed, 0 failed, 0 skipped\r'
}

# Start run.sh on a check that runs a bats file whose third test hangs, wait
# for the hang, send signal $1 to run.sh alone (as CI's timeout or a kill
# would), and check that make, bats and the hung test are gone, the test's
# teardown ran, and run.sh exited with 128+N.
stop_run_sh() {
	local sig=$1 want=$2 mark=$BATS_TEST_TMPDIR/mark i pid
	mkdir -p "$mark"
	# (printf: bats would take "@test" lines of a here-document for its own)
	printf '%s\n' 'teardown() { echo ran >> "$MARK/teardown-$BATS_TEST_NUMBER"; }' \
		'@test "quick" { true; }' '@test "fails" { false; }' \
		'@test "hangs" { sh -c '"'"'echo $$ > "$MARK/sleeper"; exec sleep 1000'"'"'; }' \
		> "$FAKE/hang.bats"
	# (env -i and bats's own front end, not the one bats puts first in the
	# PATH: this bats's variables would confuse the one inside)
	fake_makefile "hang.bats" \
		"env -i PATH=\"\$\$PATH\" MARK=\"\$\$MARK\" '$BATS_ROOT/bin/bats' --tap hang.bats | sed -u 's/^ok \\([0-9]*\\) /PASS: hang.bats \\1 - /; s/^not ok \\([0-9]*\\) /FAIL: hang.bats \\1 - /'"
	# (env: a background job of a script ignores SIGINT, run.sh included;
	# a run.sh started from a terminal does not)
	MARK=$mark BUILDDIR=$FAKE env --default-signal=INT "$RUN_SH" > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for i in $(seq 300); do [ -s "$mark/sleeper" ] && break; sleep 0.1; done
	[ -s "$mark/sleeper" ] || fail "the hanging test never started: $(cat "$BATS_TEST_TMPDIR/out")"
	local sleeper
	sleeper=$(cat "$mark/sleeper")
	kill -"$sig" "$pid"
	local rc=0
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	assert_equal "$rc" "$want"
	grep -q "tests/run.sh: .*: stopping make and the tests" "$BATS_TEST_TMPDIR/out"
	# nothing it started is left: the hung test, bats, make
	! kill -0 "$sleeper" 2>/dev/null || fail "the hung test's process $sleeper is still there"
	run pgrep -f -- "$FAKE/hang.bats"
	assert_output ""
	run pgrep -f -- "--tap hang.bats"
	assert_output ""
	# bats had the time to run the hung test's teardown
	[ -e "$mark/teardown-3" ] || fail "the hung test's teardown did not run"
}

@test "run.sh: SIGTERM stops make, bats and the hung test (its teardown runs); exit 143" {
	stop_run_sh TERM 143
}

@test "run.sh: SIGINT (Ctrl-C) stops them the same way; exit 130" {
	stop_run_sh INT 130
}

@test "run.sh VM=1: the VM tests' counts are added, a VM that gives none is a failure" {
	printf 'echo "PASS: tests/a.bats 1 - one"\necho "PASS: tests/a.bats 2 - two"\nprintf "# TOTAL: 2\\n# PASS:  2\\n"\n' > "$FAKE/harness.sh"
	printf '%s\n' 'all:' '	@true' 'print-tests:' '	@echo tests/a.bats' 'check:' '	@sh harness.sh' \
		'check-cgroupv2:' '	@echo "not ok 4 four"; echo "3 passed, 1 failed, 0 skipped"; exit 1' \
		'check-systemd:' '	@echo "run-in-vm.sh: the VM stopped without running the command (qemu: 1)"; exit 125' \
		'check-criu:' '	@echo "2 passed, 0 failed, 1 skipped"' \
		> "$FAKE/Makefile"
	run env BUILDDIR="$FAKE" VM=1 "$RUN_SH"
	assert_failure
	assert_line "not ok 4 four"
	assert_line "  check-cgroupv2: 3 passed, 1 failed, 0 skipped"
	assert_line "run-in-vm.sh: the VM stopped without running the command (qemu: 1)"
	assert_line "  check-systemd: 0 passed, 1 failed, 0 skipped"
	assert_line "  check-criu: 2 passed, 0 failed, 1 skipped"
	assert_equal "${lines[${#lines[@]} - 1]}" "7 passed, 2 failed, 1 skipped"
}

@test "run.sh: stopping it stops a VM too, which timeout(1) keeps in a process group of its own" {
	local mark=$BATS_TEST_TMPDIR/mark i pid sleeper rc=0
	mkdir -p "$mark"
	printf 'echo "# PASS: 0"\n' > "$FAKE/harness.sh"
	# as tests/vm/run-in-vm.sh runs qemu: under timeout(1)
	printf '%s\n' 'all:' '	@true' 'print-tests:' '	@echo none' 'check:' '	@sh harness.sh' \
		'check-cgroupv2:' '	@timeout 1000 sh -c '"'"'echo $$$$ > "$$MARK/vm"; exec sleep 1000'"'" \
		> "$FAKE/Makefile"
	MARK=$mark BUILDDIR=$FAKE VM=1 env --default-signal=INT "$RUN_SH" > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for i in $(seq 300); do [ -s "$mark/vm" ] && break; sleep 0.1; done
	[ -s "$mark/vm" ] || fail "the stand-in VM never started: $(cat "$BATS_TEST_TMPDIR/out")"
	sleeper=$(cat "$mark/vm")
	# in a process group of its own, not the session's first (make's)
	[ "$(ps -o pgid= -p "$sleeper")" != "$(ps -o sid= -p "$sleeper")" ]
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	! kill -0 "$sleeper" 2>/dev/null || fail "the stand-in VM $sleeper is still there"
}
