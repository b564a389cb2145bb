#!/usr/bin/env bats
# Recovery: what a crash, a dead caller or a host reboot leaves behind is
# reported for what it is, never acted on by mistake, and removable.

load helpers

setup() {
	setup_bundle
	STRANGER=
}

teardown() {
	teardown_containers
	if [ -n "$STRANGER" ]; then
		kill -9 "$STRANGER" 2>/dev/null
		wait "$STRANGER" 2>/dev/null
	fi
	return 0
}

# A state directory as a host reboot leaves it (/run is usually a tmpfs,
# but --root may not be): the record of a container whose init is gone.
fake_state() {
	local id=$1 pid=$2 start_time=$3
	mkdir -p "$ROOT/$id"
	mkfifo "$ROOT/$id/exec.fifo"
	cp "$BUNDLE/config.json" "$ROOT/$id/config.json"
	jq -n --arg id "$id" --argjson pid "$pid" --argjson st "$start_time" --arg b "$BUNDLE" \
		'{id: $id, pid: $pid, pidStartTime: $st, phase: "created", bundle: $b,
		  rootfs: ($b + "/rootfs"), created: "2024-01-01T00:00:00.000000000Z",
		  owner: "", annotations: {}}' > "$ROOT/$id/state.json"
}

# A pid that no process has now.
dead_pid() {
	sh -c 'echo $$'
}

# Field 22 of /proc/PID/stat: the start time the record keeps.
start_time_of() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

# The mounts the host sees under the bundle (none should outlive a container).
bundle_mounts() {
	grep -F -- " $BUNDLE" /proc/self/mountinfo || true
}

@test "the init dying before start: stopped, start refused, delete cleans up" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	kill -9 "$pid"
	wait_for_status ctr stopped
	run skiff start ctr
	assert_failure
	assert_output "skiff: cannot start a container that has stopped"
	run skiff kill ctr KILL
	assert_output "skiff: container not running"
	skiff delete ctr
	[ ! -e "$ROOT/ctr" ]
	run bundle_mounts
	assert_output ""
}

@test "the caller dying right after create: the container waits, starts and deletes" {
	set_args sh -c 'echo started; sleep 100'
	# The engine that ran create is gone before it could start the container.
	bash -c '"$1" --root "$2" create --pid-file "$3" ctr >"$4" 2>&1; kill -9 $$' _ \
		"$SKIFF" "$ROOT" "$BATS_TEST_TMPDIR/pid" "$BATS_TEST_TMPDIR/out" || true
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	process_alive "$pid"
	assert_equal "$(container_status ctr)" created
	skiff start ctr
	wait_for_status ctr running
	for i in $(seq 50); do grep -q started "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output started
	skiff delete --force ctr
	run process_alive "$pid"
	assert_failure
}

@test "after a reboot: a record whose pid is gone reads stopped and deletes" {
	fake_state ghost "$(dead_pid)" 12345
	run skiff state ghost
	assert_success
	echo "$output" | jq -e '.status == "stopped" and .pid == 0'
	run skiff list --format json
	echo "$output" | jq -e '.[0].id == "ghost" and .[0].status == "stopped"'
	run skiff start ghost
	assert_output "skiff: cannot start a container that has stopped"
	run skiff kill ghost KILL
	assert_output "skiff: container not running"
	skiff delete ghost
	[ ! -e "$ROOT/ghost" ]
}

@test "after a reboot: a record whose pid now belongs to another process never touches it" {
	sleep 1000 3>&- &
	STRANGER=$!
	real=$(start_time_of "$STRANGER")
	# the same pid, started at another time; and a record without a start time
	for st in $((real + 1000)) 0; do
		fake_state reused "$STRANGER" "$st"
		run skiff state reused
		echo "$output" | jq -e '.status == "stopped" and .pid == 0'
		run skiff kill reused KILL
		assert_failure
		assert_output "skiff: container not running"
		run skiff kill --all reused KILL
		assert_failure
		skiff delete reused
		run skiff delete --force reused
		assert_success
		process_alive "$STRANGER"
	done
	# the real start time: then it is the container (the check can tell them apart)
	fake_state reused "$STRANGER" "$real"
	assert_equal "$(container_status reused)" created
	skiff delete --force reused
	run process_alive "$STRANGER"
	assert_failure
	STRANGER=
}

@test "a state directory without state.json: creating while its create holds the lock, else stopped" {
	mkdir -p "$ROOT/half"
	# what a create holds from mkdir until its first record (-o: the lock
	# stays with flock itself, so killing it releases the lock)
	flock -o "$ROOT/half" sleep 1000 3>&- &
	STRANGER=$!
	for i in $(seq 50); do
		[ "$(container_status half)" = creating ] && break
		sleep 0.1
	done
	assert_equal "$(container_status half)" creating
	run skiff list
	assert_line --index 1 --regexp '^half +0 +creating '
	sleeper=$(pgrep -P "$STRANGER")
	kill -9 "$STRANGER" $sleeper
	wait "$STRANGER" 2>/dev/null || true
	STRANGER=
	assert_equal "$(container_status half)" stopped
	run skiff start half
	assert_output "skiff: cannot start a container that has stopped"
	skiff delete half
	[ ! -e "$ROOT/half" ]
}

@test "a corrupt state.json reads stopped and deletes" {
	fake_state broken "$(dead_pid)" 1
	printf '{"id": "broken", "pid": ' > "$ROOT/broken/state.json"
	run skiff state broken
	assert_success
	echo "$output" | jq -e '.status == "stopped"'
	skiff delete broken
	[ ! -e "$ROOT/broken" ]
}

@test "delete of a paused container: refused, then --force kills and removes it" {
	set_args sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff pause ctr
	assert_equal "$(container_status ctr)" paused
	run skiff delete ctr
	assert_failure
	skiff delete --force ctr
	[ ! -e "$ROOT/ctr" ]
	run process_alive "$pid"
	assert_failure
}
