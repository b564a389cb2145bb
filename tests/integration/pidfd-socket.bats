#!/usr/bin/env bats
# --pidfd-socket PATH (runc 1.2) on create, run and exec: the runtime
# connects to the AF_UNIX socket at PATH and sends a pidfd of the
# container's init (create, run) or of exec's process by SCM_RIGHTS, before
# it returns.  tests/helpers/recv-pidfd is the engine's end: it checks the
# fd is a pidfd (its fdinfo's Pid: line) and prints the pid it refers to.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template
}

setup() {
	[ -x "$RECV_PIDFD" ] || skip "tests/helpers/recv-pidfd is not built (make check builds it)"
	setup_bundle_copy
	SOCK=$BATS_TEST_TMPDIR/pidfd.sock
}

teardown() {
	teardown_containers
	kill_leftovers
}

# The receiver in the background; $1: a signal number to send through the
# pidfd once received (it then waits for the process to exit).
start_receiver() {
	"$RECV_PIDFD" "$SOCK" "$@" > "$BATS_TEST_TMPDIR/recv.out" 2> "$BATS_TEST_TMPDIR/recv.err" &
	RECVPID=$!
	wait_for_path "$SOCK"
}

@test "create --pidfd-socket sends a pidfd of the init, which can signal it" {
	set_args sleep 1000
	start_receiver 9
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" --pidfd-socket "$SOCK" ctr
	wait "$RECVPID" || fail "recv-pidfd: $(cat "$BATS_TEST_TMPDIR/recv.err")"
	run cat "$BATS_TEST_TMPDIR/recv.out"
	assert_line --index 0 "pid $(cat "$BATS_TEST_TMPDIR/pid")"
	assert_line --index 1 "data pidfd"
	# SIGKILL through the pidfd ended the init: the pidfd polled readable
	assert_line --index 2 exited
	assert_equal "$(container_status ctr)" stopped
}

@test "run -d --pidfd-socket sends a pidfd of the init" {
	set_args sleep 1000
	start_receiver
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" --pidfd-socket "$SOCK" ctr
	wait "$RECVPID" || fail "recv-pidfd: $(cat "$BATS_TEST_TMPDIR/recv.err")"
	run cat "$BATS_TEST_TMPDIR/recv.out"
	assert_line --index 0 "pid $(cat "$BATS_TEST_TMPDIR/pid")"
	assert_equal "$(container_status ctr)" running
}

@test "run in the foreground --pidfd-socket: the pidfd is of the init, and run waits as before" {
	# the program waits for a line on its stdin, sent once the receiver
	# has read the pidfd's fdinfo (a pidfd of an exited process says -1)
	set_args sh -c 'read line; exit 3'
	start_receiver
	mkfifo "$BATS_TEST_TMPDIR/in"
	skiff run --pid-file "$BATS_TEST_TMPDIR/pid" --pidfd-socket "$SOCK" ctr \
		< "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/run.out" 2>&1 &
	local runpid=$! rc=0
	local w
	exec {w}> "$BATS_TEST_TMPDIR/in"
	wait "$RECVPID" || rc=$?
	echo go >&"$w"
	exec {w}>&-
	local run_status=0
	wait "$runpid" || run_status=$?
	[ "$rc" -eq 0 ] || fail "recv-pidfd: $(cat "$BATS_TEST_TMPDIR/recv.err")"
	assert_equal "$run_status" 3
	run cat "$BATS_TEST_TMPDIR/recv.out"
	assert_line --index 0 "pid $(cat "$BATS_TEST_TMPDIR/pid")"
}

@test "exec -d --pidfd-socket sends a pidfd of exec's process, not of the init" {
	set_args sleep 1000
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/init.pid" ctr
	start_receiver 9
	skiff exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" --pidfd-socket "$SOCK" ctr sleep 500
	wait "$RECVPID" || fail "recv-pidfd: $(cat "$BATS_TEST_TMPDIR/recv.err")"
	run cat "$BATS_TEST_TMPDIR/recv.out"
	assert_line --index 0 "pid $(cat "$BATS_TEST_TMPDIR/exec.pid")"
	assert_line --index 2 exited
	[ "$(cat "$BATS_TEST_TMPDIR/exec.pid")" != "$(cat "$BATS_TEST_TMPDIR/init.pid")" ]
	# the exec'd process died, the container did not
	assert_equal "$(container_status ctr)" running
}

@test "exec in the foreground --pidfd-socket sends the pidfd, then waits for the process" {
	set_args sleep 1000
	skiff run -d ctr
	start_receiver
	mkfifo "$BATS_TEST_TMPDIR/in"
	skiff exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" --pidfd-socket "$SOCK" ctr sh -c 'read line; exit 7' \
		< "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/exec.out" 2>&1 &
	local execpid=$! rc=0 exec_status=0
	local w
	exec {w}> "$BATS_TEST_TMPDIR/in"
	wait "$RECVPID" || rc=$?
	echo go >&"$w"
	exec {w}>&-
	wait "$execpid" || exec_status=$?
	[ "$rc" -eq 0 ] || fail "recv-pidfd: $(cat "$BATS_TEST_TMPDIR/recv.err")"
	assert_equal "$exec_status" 7
	run cat "$BATS_TEST_TMPDIR/recv.out"
	assert_line --index 0 "pid $(cat "$BATS_TEST_TMPDIR/exec.pid")"
}

@test "a --pidfd-socket nobody listens on fails create, and nothing is left" {
	set_args sleep 1000
	run_detached skiff create --pidfd-socket "$BATS_TEST_TMPDIR/nobody.sock" ctr
	assert_failure
	assert_output --partial "connect to pidfd socket $BATS_TEST_TMPDIR/nobody.sock"
	[ ! -d "$ROOT/ctr" ] || fail "the state directory is left"
	[ -z "$(pgrep -f -- "--root $ROOT( |$)" || true)" ] || fail "a skiff process is left"
	skiff run -d ctr
	run skiff exec --pidfd-socket "$BATS_TEST_TMPDIR/nobody.sock" ctr true
	assert_equal "$status" 255
	assert_output --partial "connect to pidfd socket"
}
