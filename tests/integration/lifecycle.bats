#!/usr/bin/env bats
# create / start / run / state / kill / delete / list, on real containers.

load helpers

setup() {
	setup_bundle
}

@test "run returns the exit status of the process" {
	set_args sh -c 'exit 3'
	run skiff run ctr
	assert_equal "$status" 3
	set_args true
	run skiff run ctr
	assert_success
}

@test "run returns 128+N when the process is killed by signal N" {
	set_args sleep 100
	"$SKIFF" --root "$ROOT" run ctr &
	runpid=$!
	wait_for_status ctr running
	skiff kill ctr KILL
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 137
}

@test "run passes stdio through and leaves no state behind" {
	set_args sh -c 'read line; echo "got $line"; echo err >&2'
	run bash -c "echo hello | '$SKIFF' --root '$ROOT' run ctr 2>&1"
	assert_success
	assert_output --partial "got hello"
	assert_output --partial "err"
	run skiff list -q
	assert_output ""
}

@test "create writes a digits-only pid file and leaves the init waiting" {
	set_args sh -c 'echo started > /tmp/marker; sleep 100'
	update_config '.root.readonly = false'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	run cat "$BATS_TEST_TMPDIR/pid"
	assert_output --regexp '^[0-9]+$'
	# no trailing newline: containerd refuses one
	[ "$(tail -c 1 "$BATS_TEST_TMPDIR/pid" | od -An -c | tr -d ' ')" != '\n' ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	assert_equal "$(container_status ctr)" created
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
	# the init is alive, and its parent is not a skiff process
	ppid=$(awk '/^PPid:/ {print $2}' /proc/$pid/status)
	run cat /proc/$ppid/comm
	refute_output skiff
	[ ! -e rootfs/tmp/marker ]
	skiff start ctr
	wait_for_status ctr running
	for i in $(seq 50); do [ -e rootfs/tmp/marker ] && break; sleep 0.1; done
	run cat rootfs/tmp/marker
	assert_output started
}

@test "state reports runc's fields through every step" {
	set_args sleep 100
	update_config '.annotations = {"org.example.key": "value"}'
	skiff create ctr
	run skiff state ctr
	assert_success
	echo "$output" | jq -e '.ociVersion and .id == "ctr" and .pid > 0 and .status == "created"'
	echo "$output" | jq -e --arg b "$BUNDLE" '.bundle == $b and .rootfs == ($b + "/rootfs")'
	echo "$output" | jq -e '.annotations["org.example.key"] == "value"'
	echo "$output" | jq -e '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$")'
	echo "$output" | jq -e 'has("owner")'
	skiff start ctr
	# after start returns, never "created" (buildah polls for this)
	run container_status ctr
	assert_output --regexp '^(running|stopped)$'
	skiff kill ctr KILL
	wait_for_status ctr stopped
	assert_equal "$(skiff state ctr | jq .pid)" 0
	skiff delete ctr
	run skiff state ctr
	assert_failure
	assert_output --partial "container does not exist"
}

@test "status is stopped when the init dies before start" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	kill -9 "$(cat "$BATS_TEST_TMPDIR/pid")"
	wait_for_status ctr stopped
	run skiff start ctr
	assert_failure
	assert_output --partial "cannot start a container that has stopped"
	skiff delete ctr
}

@test "start of a running container fails" {
	set_args sleep 100
	skiff run -d ctr
	assert_equal "$(container_status ctr)" running
	run skiff start ctr
	assert_failure
	assert_output --partial "cannot start an already running container"
}

@test "kill accepts signal names with and without SIG, and numbers" {
	set_args sleep 100
	# sleep is pid 1 of its namespace: only SIGKILL ends it without a handler
	for sig in KILL SIGKILL 9 kill sigkill; do
		skiff run -d ctr
		skiff kill ctr "$sig"
		wait_for_status ctr stopped
		skiff delete ctr
	done
}

@test "kill sends SIGTERM by default and the process sees the signal" {
	set_args sh -c 'trap "echo got-term > /tmp/term; exit 0" TERM; while true; do sleep 0.1; done'
	update_config '.root.readonly = false'
	skiff run -d ctr
	sleep 0.3
	skiff kill ctr
	wait_for_status ctr stopped
	run cat rootfs/tmp/term
	assert_output got-term
}

@test "kill --all signals every process of the container" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	sleep 0.3
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	children=$(pgrep -P "$pid" | wc -l)
	[ "$children" -eq 2 ]
	skiff kill --all ctr KILL
	wait_for_status ctr stopped
}

@test "kill of a stopped container and bad signals are clear errors" {
	set_args true
	skiff create ctr
	run skiff kill ctr NOSUCHSIG
	assert_failure
	assert_output --partial 'unknown signal "NOSUCHSIG"'
	skiff start ctr
	wait_for_status ctr stopped
	run skiff kill ctr KILL
	assert_failure
	assert_output "skiff: container not running"
}

@test "delete refuses a running container; delete --force kills it" {
	set_args sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run skiff delete ctr
	assert_failure
	assert_output "skiff: cannot delete container ctr that is not stopped: running (kill it first, or delete it with --force)"
	skiff delete --force ctr
	[ ! -d "$ROOT/ctr" ]
	run process_alive "$pid"
	assert_failure
}

@test "delete of a created container destroys it, as runc does" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff delete ctr
	[ ! -d "$ROOT/ctr" ]
	run process_alive "$pid"
	assert_failure
}

@test "delete --force of a missing container succeeds; delete fails" {
	run skiff delete --force nosuch
	assert_success
	run skiff delete nosuch
	assert_failure
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
}

@test "two parallel creates of one id: exactly one wins" {
	set_args sleep 100
	local pids=
	for n in 1 2; do
		(rc=0; skiff create ctr 2>"$BATS_TEST_TMPDIR/err$n" || rc=$?; echo $rc > "$BATS_TEST_TMPDIR/rc$n") &
		pids="$pids $!"
	done
	# these two only: a bare `wait` would wait for bats's time limit too
	wait $pids
	rcs=$(cat "$BATS_TEST_TMPDIR/rc1" "$BATS_TEST_TMPDIR/rc2" | sort | tr '\n' ' ')
	assert_equal "$rcs" "0 1 "
	run cat "$BATS_TEST_TMPDIR/err1" "$BATS_TEST_TMPDIR/err2"
	assert_output "skiff: container with id exists: ctr"
	assert_equal "$(container_status ctr)" created
}

@test "ids are validated" {
	for id in ../escape a/b .hidden '' "$(printf 'x%.0s' $(seq 1100))"; do
		run skiff create "$id"
		assert_failure
		assert_output --partial "invalid container id"
	done
	[ ! -e "$BATS_TEST_TMPDIR/escape" ]
}

@test "list shows containers as a table, as JSON, and quietly" {
	set_args sleep 100
	skiff create a1
	# its own cgroup: two containers never share one
	update_config '.linux.cgroupsPath += "-b2"'
	skiff run -d b2
	run skiff list -q
	assert_output "$(printf 'a1\nb2')"
	run skiff list
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_line --index 1 --regexp '^a1 +[0-9]+ +created '
	assert_line --index 2 --regexp '^b2 +[0-9]+ +running '
	run skiff list --format json
	echo "$output" | jq -e 'length == 2 and .[0].id == "a1" and .[1].status == "running"'
	run skiff list -f yaml
	assert_failure
}

@test "create leaves no skiff process behind" {
	set_args sleep 100
	skiff create ctr
	skiff start ctr
	run pgrep -f "$SKIFF --root $ROOT"
	assert_failure
}

@test "run forwards SIGTERM to the container" {
	set_args sh -c 'trap "exit 42" TERM; while true; do sleep 0.1; done'
	"$SKIFF" --root "$ROOT" run ctr &
	runpid=$!
	wait_for_status ctr running
	sleep 0.2
	kill -TERM "$runpid"
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 42
}
