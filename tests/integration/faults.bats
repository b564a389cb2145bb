#!/usr/bin/env bats
# Fault injection: create, run and exec die with SIGKILL at each step of the
# start sequence ($SKIFF_DEBUG_STOP_AT, libcontainer/debug_stop.c), or after
# random short delays.  Whatever is left must be reported honestly by
# `state` and `list`, and `delete --force` must leave no process, mount,
# cgroup or state directory behind.

load helpers

setup() {
	setup_bundle
	# Unique in this test's process command lines: the runtime and the
	# init before exec carry it in --root, the container's shell as $0.
	MARK=$BATS_TEST_TMPDIR
	set_args sh -c 'sleep 1000; true' "$MARK"
	# An identity user namespace, so the id-map step is reached too.
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	ID=fault-$BATS_TEST_NUMBER-$$
	# The cgroups are then named after this unique id, which assert_gone
	# looks for.
	update_config 'del(.linux.cgroupsPath)'
}

# The container's cgroup directories (one per hierarchy).
cgroup_dirs() {
	find /sys/fs/cgroup -maxdepth 5 -type d -name "$1" 2>/dev/null || true
}

# Processes of this test, other than bats itself: runtime, init, container.
own_processes() {
	pgrep -f -- "$MARK" || true
}

# state and list agree and tell the truth about the init: a live status has
# a live pid, and "stopped" has no process of the container left alive.
assert_honest() {
	local id=$1 json st pid listed
	run skiff state "$id"
	if [ "$status" -ne 0 ]; then
		assert_output "skiff: container does not exist: no \"$id\" under --root $ROOT"
		run skiff list -q
		[ -z "$(grep -Fx -- "$id" <<<"$output")" ]
		return 0
	fi
	json=$output
	st=$(jq -r .status <<<"$json")
	pid=$(jq -r .pid <<<"$json")
	listed=$(skiff list --format json | jq -r --arg id "$id" '.[] | select(.id == $id) | .status')
	# "creating" with no pid: a create holds the lock before its first
	# record.  Ours was killed, so that can only be a passing moment.
	if [ "$st" = creating ] && [ "$pid" = 0 ]; then
		local i
		for i in $(seq 20); do
			[ "$(container_status "$id")" = stopped ] && break
			sleep 0.05
		done
		st=$(container_status "$id")
		[ "$st" = stopped ] || { echo "$id stays creating with pid 0" >&2; return 1; }
		json=$(skiff state "$id")
		pid=$(jq -r .pid <<<"$json")
		listed=stopped
	fi
	case $st in
	creating | created | running)
		[ "$pid" -gt 0 ] || { echo "$id is $st with pid $pid" >&2; return 1; }
		# An init killed a moment ago may still have been exiting when
		# state looked; dead now, state must now say so.
		if ! process_alive "$pid" && [ "$(container_status "$id")" != stopped ]; then
			echo "$id is $st but pid $pid is dead" >&2
			return 1
		fi
		# list may see a later status (the init may die meanwhile), never an earlier one
		[ "$listed" = "$st" ] || [ "$listed" = stopped ] ||
			{ echo "state says $st, list says $listed" >&2; return 1; }
		;;
	stopped)
		assert_equal "$pid" 0
		assert_equal "$listed" stopped
		# give a dying init a moment: SIGKILL is not instant
		local i
		for i in $(seq 20); do
			[ -z "$(own_processes)" ] && break
			sleep 0.05
		done
		if [ -n "$(own_processes)" ]; then
			echo "$id reads stopped but these live:" >&2
			ps -o pid,stat,args -p "$(own_processes | paste -sd,)" >&2
			return 1
		fi
		;;
	*)
		echo "unexpected status $st" >&2
		return 1
		;;
	esac
}

# After delete --force: nothing of the container anywhere.
assert_gone() {
	local id=$1 i
	for i in $(seq 50); do
		[ -z "$(own_processes)" ] && break
		sleep 0.1
	done
	run own_processes
	assert_output ""
	run grep -F -- "$BUNDLE" /proc/self/mountinfo
	assert_output ""
	[ ! -e "$ROOT/$id" ] || { echo "state directory $ROOT/$id left" >&2; ls -la "$ROOT/$id" >&2; return 1; }
	run cgroup_dirs "$id"
	assert_output ""
	run skiff state "$id"
	assert_output "skiff: container does not exist: no \"$id\" under --root $ROOT"
}

# SKIFF_DEBUG_STOP_AT=step skiff CMD...: sets $status and $output, which is
# at most one "skiff: " line (a failure the runtime noticed).  Through a
# file, not a pipe: an init left alive keeps the runtime's stdio open.
stop_at() {
	local step=$1
	shift
	status=0
	SKIFF_DEBUG_STOP_AT="$step" "$SKIFF" --root "$ROOT" "$@" </dev/null \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	if [ -n "$output" ]; then
		assert_equal "$(wc -l <<<"$output")" 1
		assert_output --regexp '^skiff: '
	fi
}

@test "create killed at each step of the runtime: honest state, delete --force cleans up" {
	for step in create-after-state-dir create-after-clone create-after-pid-record \
		create-after-cgroups create-after-id-maps create-after-go create-after-ready \
		create-after-created-record; do
		echo "# step $step" >&3
		stop_at "$step" create --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
		assert_equal "$status" 137
		assert_honest "$ID"
		skiff delete --force "$ID"
		assert_gone "$ID"
	done
}

@test "the init killed at each step of its setup: create fails cleanly and leaves nothing" {
	for step in init-after-go init-after-mounts init-after-pivot init-before-ready; do
		echo "# step $step" >&3
		stop_at "$step" create "$ID"
		assert_equal "$status" 1
		assert_output --partial "the container's init exited with status 137 during setup"
		assert_gone "$ID"
	done
}

@test "the init killed while waiting for start: stopped, start fails, delete cleans up" {
	stop_at init-after-ready create "$ID"
	assert_success
	wait_for_status "$ID" stopped
	assert_honest "$ID"
	run skiff start "$ID"
	assert_failure
	assert_output "skiff: cannot start a container that has stopped"
	skiff delete "$ID"
	assert_gone "$ID"
}

@test "run killed after create and after start: the container stays, honestly, until delete --force" {
	stop_at run-after-create run "$ID"
	assert_equal "$status" 137
	assert_equal "$(container_status "$ID")" created
	assert_honest "$ID"
	skiff delete --force "$ID"
	assert_gone "$ID"

	stop_at run-after-start run "$ID"
	assert_equal "$status" 137
	assert_equal "$(container_status "$ID")" running
	assert_honest "$ID"
	# what assert_gone must not find any more
	[ -n "$(cgroup_dirs "$ID")" ]
	grep -q -- "$MARK" /proc/"$(skiff state "$ID" | jq .pid)"/cmdline
	skiff delete --force "$ID"
	assert_gone "$ID"
}

@test "exec killed at each step: no stray process, the container unharmed" {
	skiff run -d "$ID"
	init=$(skiff state "$ID" | jq .pid)
	for step in exec-after-clone exec-after-go exec-child-before-ready; do
		echo "# step $step" >&3
		stop_at "$step" exec "$ID" sh -c 'sleep 999; true' "$MARK-exec"
		# killed itself, or saw its process die: 255, as runc's exec failures
		[ "$status" -eq 137 ] || [ "$status" -eq 255 ]
		for i in $(seq 50); do
			[ -z "$(pgrep -f -- "$MARK-exec")" ] && break
			sleep 0.1
		done
		run pgrep -f -- "$MARK-exec"
		assert_output ""
		assert_equal "$(container_status "$ID")" running
		process_alive "$init"
	done
	skiff delete --force "$ID"
	assert_gone "$ID"
}

@test "an unknown stop step is refused before anything is made" {
	stop_at no-such-step create "$ID"
	assert_failure
	assert_output 'skiff: unknown debug stop step "no-such-step"'
	[ ! -e "$ROOT/$ID" ]
	stop_at no-such-step run -d "$ID"
	assert_failure
	[ ! -e "$ROOT/$ID" ]
}

@test "create SIGKILLed after random short delays: honest state, delete --force cleans up" {
	# How long a create takes here bounds the delays, so they land inside it.
	start=$(date +%s%N)
	skiff create "$ID"
	span=$((($(date +%s%N) - start) / 1000000 + 5))
	skiff delete --force "$ID"
	for i in $(seq 15); do
		delay_ms=$((RANDOM % span))
		"$SKIFF" --root "$ROOT" create "$ID" 2>"$BATS_TEST_TMPDIR/err" &
		creator=$!
		sleep "$(printf '0.%03d' "$delay_ms")"
		kill -9 "$creator" 2>/dev/null || true
		wait "$creator" 2>/dev/null || true
		echo "# iteration $i: killed after ${delay_ms} ms of ~${span}" >&3
		assert_honest "$ID"
		skiff delete --force "$ID"
		assert_gone "$ID"
	done
}

@test "start whose init dies between exec.fifo's open and its write fails, not of SIGPIPE" {
	# strace holds start's write to exec.fifo for a second, the init is
	# killed meanwhile: the write then meets no reader.  A library must not
	# let SIGPIPE kill its caller (start exited 141 here before).
	command -v strace >/dev/null || skip "strace is not installed"
	skiff create "$ID"
	init=$(skiff state "$ID" | jq .pid)
	traced -f -o /dev/null -e trace=write -e inject=write:delay_enter=1000000 \
		-P "$ROOT/$ID/exec.fifo" "$SKIFF" --root "$ROOT" start "$ID" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	starter=$!
	sleep 0.5
	kill -9 "$init"
	status=0
	wait "$starter" || status=$?
	assert_equal "$status" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "skiff: cannot start a container that has stopped"
	skiff delete --force "$ID"
	assert_gone "$ID"
}

# libmount is loaded while create makes its state and cgroups
# (libmount_load.h), so its absence can show only after they are made:
# they must go again.
@test "create where libmount cannot be loaded fails with why and leaves nothing" {
	mkdir "$BATS_TEST_TMPDIR/lib"
	# found before the real one, and no library
	echo "not a library" > "$BATS_TEST_TMPDIR/lib/libmount.so.1"
	run env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR/lib" "$SKIFF" --root "$ROOT" run -d "$ID"
	assert_failure
	assert_output "skiff: libmount.so.1 cannot be loaded (install libmount1)"
	assert_gone "$ID"
}
