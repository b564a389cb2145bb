#!/usr/bin/env bats
# Attacks through the state directory: a state.json that names cgroups the
# container never had (a forged or damaged record must not turn delete,
# kill --all or pause on the host's processes and directories), and the
# lock that serialises the commands on one container.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	set_args sleep 100
	VICTIM_PIDS=()
	VICTIM_CGROUPS=()
	VICTIM_DIRS=()
	STATE_BACKUP=
	LOCK_FD=
	MOUNTED=
}

teardown() {
	local p
	[ -n "$LOCK_FD" ] && exec {LOCK_FD}<&-
	[ -n "$MOUNTED" ] && umount "$MOUNTED"
	# the true record back, so that delete removes the container
	[ -n "$STATE_BACKUP" ] && [ -d "$ROOT/ctr" ] && cp "$STATE_BACKUP" "$ROOT/ctr/state.json"
	teardown_containers
	kill_leftovers
	for p in "${VICTIM_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "${VICTIM_CGROUPS[@]}" "${VICTIM_DIRS[@]}"; do
		rmdir "$p" 2>/dev/null
	done
	return 0
}

# The hierarchy key and mount of controller $1 here (v1, else cgroup2):
# sets HIER_KEY and HIER_MOUNT.
hierarchy_of() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		HIER_KEY="" HIER_MOUNT=/sys/fs/cgroup
	else
		[ -d "/sys/fs/cgroup/$1" ] || skip "no $1 cgroup hierarchy"
		HIER_KEY=$1 HIER_MOUNT=/sys/fs/cgroup/$1
	fi
}

# A host process in a cgroup of its own ($VICTIM_CG, pid $VICTIM_PID), and an
# empty host directory ($VICTIM_DIR) that rmdir would remove.
make_victims() {
	# the freezer's: kill --all and delete list the processes there
	hierarchy_of freezer
	VICTIM_CG=$HIER_MOUNT/skiff-victim-$$-$BATS_TEST_NUMBER
	mkdir "$VICTIM_CG"
	VICTIM_CGROUPS+=("$VICTIM_CG")
	# its stdio away from bats's, which a live child would hold open
	sleep 1000 >/dev/null 2>&1 3>&- &
	VICTIM_PID=$!
	VICTIM_PIDS+=("$VICTIM_PID")
	echo "$VICTIM_PID" > "$VICTIM_CG/cgroup.procs"
	VICTIM_DIR=/tmp/skiff-victim-dir-$$-$BATS_TEST_NUMBER
	mkdir "$VICTIM_DIR"
	VICTIM_DIRS+=("$VICTIM_DIR")
}

# Rewrite ctr's state.json with the jq filter $1 (the original is kept).
forge_state() {
	local new
	[ -n "$STATE_BACKUP" ] || {
		STATE_BACKUP=$BATS_TEST_TMPDIR/state.json.orig
		cp "$ROOT/ctr/state.json" "$STATE_BACKUP"
	}
	new=$(jq --arg k "$HIER_KEY" --arg cg "$VICTIM_CG" --arg dir "$VICTIM_DIR" \
		--arg mnt "$HIER_MOUNT" --arg name "$CGROUP_NAME" "$1" "$STATE_BACKUP") &&
		printf '%s\n' "$new" > "$ROOT/ctr/state.json"
}

victims_unharmed() {
	process_alive "$VICTIM_PID" || fail "the victim process $VICTIM_PID was killed"
	grep -qx "$VICTIM_PID" "$VICTIM_CG/cgroup.procs" || fail "the victim left $VICTIM_CG"
	[ -d "$VICTIM_CG" ] || fail "$VICTIM_CG was removed"
	[ -d "$VICTIM_DIR" ] || fail "$VICTIM_DIR was removed"
}

@test "delete --force, kill --all and pause refuse a state.json naming a host cgroup and a host directory" {
	make_victims
	skiff create ctr
	init=$(jq .pid "$ROOT/ctr/state.json")
	forge_state '.cgroupPaths[$k] = $cg | .cgroupPaths.memory = $dir'
	run skiff delete --force ctr
	assert_failure
	assert_output --partial "container ctr: its state.json names $VICTIM_CG, which is not the cgroup its config names: refusing to act on it"
	victims_unharmed
	# nothing was done to the container either: it is all still there
	process_alive "$init"
	[ -e "$ROOT/ctr/state.json" ]
	run skiff kill --all ctr KILL
	assert_failure
	assert_output --partial "refusing to act on it"
	run skiff pause ctr
	assert_failure
	victims_unharmed
	# nor with the saved config gone: an existing cgroup must then end in
	# the id (here even the container's own, named by its cgroupsPath)
	mv "$ROOT/ctr/config.json" "$BATS_TEST_TMPDIR/config.json.saved"
	run skiff delete --force ctr
	mv "$BATS_TEST_TMPDIR/config.json.saved" "$ROOT/ctr/config.json"
	assert_failure
	assert_output --partial "which is not the cgroup its config names: refusing to act on it"
	victims_unharmed
	# the directory alone is refused too, being outside every hierarchy
	forge_state '.cgroupPaths.memory = $dir'
	run skiff delete --force ctr
	assert_failure
	assert_output --partial "names $VICTIM_DIR, which is not below the mount of its hierarchy"
	victims_unharmed
	# the true record: delete does its work, and only its own
	cp "$STATE_BACKUP" "$ROOT/ctr/state.json"
	skiff delete --force ctr
	[ ! -e "$ROOT/ctr" ]
	run process_alive "$init"
	assert_failure
	victims_unharmed
}

# (A hierarchy's root, the worst record of all, is refused in the unit
# tests: tests/unit/test_cgroups.c.  Here a regression would rmdir every
# empty cgroup of the host.)
@test "a forged state.json may not climb out with '..' or go through a mount, even ending in the container's name" {
	make_victims
	skiff create ctr
	own=$HIER_MOUNT/$CGROUP_NAME
	[ -d "$own" ]
	mkdir "$VICTIM_CG/$CGROUP_NAME"
	VICTIM_CGROUPS=("$VICTIM_CG/$CGROUP_NAME" "${VICTIM_CGROUPS[@]}")
	forge_state '.cgroupPaths[$k] = ($mnt + "/" + $name + "/../" + ($cg | split("/") | last) + "/" + $name)'
	run skiff delete --force ctr
	assert_failure
	assert_output --partial "which is not a clean absolute path"
	# a host directory mounted below the hierarchy
	mount --bind "$VICTIM_DIR" "$VICTIM_CG/$CGROUP_NAME"
	MOUNTED=$VICTIM_CG/$CGROUP_NAME
	forge_state '.cgroupPaths[$k] = ($cg + "/" + $name)'
	run skiff delete --force ctr
	umount "$MOUNTED"
	MOUNTED=
	assert_failure
	assert_output --partial "cannot be reached from $HIER_MOUNT as a plain directory"
	victims_unharmed
	[ -d "$own" ]
	[ -d "$VICTIM_CG/$CGROUP_NAME" ]
}

@test "delete refuses a record naming the runtime's own cgroup, whose processes it would kill" {
	# not the freezer's: a runtime freezing its own cgroup would hang
	hierarchy_of pids
	skiff create ctr
	own=$HIER_MOUNT/$CGROUP_NAME
	init=$(jq .pid "$ROOT/ctr/state.json")
	# the true record, but the runtime started from inside that cgroup
	run bash -c "echo \$\$ > '$own/cgroup.procs' && exec '$SKIFF' --root '$ROOT' delete --force ctr"
	assert_failure
	assert_output --partial "names $own, which is the runtime's own cgroup or one above it"
	process_alive "$init"
	[ -e "$ROOT/ctr/state.json" ]
}

@test "delete --force waits while another command holds the container's lock, and acts after" {
	skiff create ctr
	init=$(jq .pid "$ROOT/ctr/state.json")
	# as a create or another delete would: flock on the state directory
	exec {LOCK_FD}<"$ROOT/ctr"
	flock -x -n "$LOCK_FD"
	"$SKIFF" --root "$ROOT" delete --force ctr {LOCK_FD}<&- 3>&- \
		</dev/null >"$BATS_TEST_TMPDIR/delete.out" 2>&1 &
	delete=$!
	VICTIM_PIDS+=("$delete")
	sleep 1
	process_alive "$delete" || fail "delete did not wait for the lock: $(cat "$BATS_TEST_TMPDIR/delete.out")"
	process_alive "$init"
	[ -e "$ROOT/ctr/state.json" ]
	assert_equal "$(container_status ctr)" created
	exec {LOCK_FD}<&-
	LOCK_FD=
	wait "$delete" || fail "delete failed once the lock was free: $(cat "$BATS_TEST_TMPDIR/delete.out")"
	[ ! -e "$ROOT/ctr" ]
	run process_alive "$init"
	assert_failure
}
