#!/usr/bin/env bats
# Attacks on the container's filesystem as the runtime builds it, each run
# for real against a root container without a user namespace, each checking
# that the host is unchanged: masks made with a /dev/null that is not one
# (CVE-2025-31133), the console bound through a planted /dev/pts/N
# (CVE-2025-52565), a host directory bound onto /proc, a host /dev chowned
# through linux.devices, and --no-pivot leaving the host's /proc in reach.
#
# The kernel knob written through these holes is kernel.core_uses_pid:
# global (not namespaced), and harmless to flip for a moment; teardown puts
# it back whatever happens.

load helpers

KNOB=/proc/sys/kernel/core_uses_pid

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	KNOB_WAS=$(cat "$KNOB")
	FLIPPED=$((1 - KNOB_WAS))
	RECVPID=
}

teardown() {
	[ -z "$RECVPID" ] || kill -9 "$RECVPID" 2>/dev/null
	teardown_containers
	kill_leftovers
	[ "$(cat "$KNOB")" = "$KNOB_WAS" ] || echo "$KNOB_WAS" > "$KNOB"
	# nothing a test mounted may outlive it (the bats tmpdir is removed next)
	grep -o " $BATS_TEST_TMPDIR/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	return 0
}

# A host directory to bind onto the container's /dev ($HOSTDEV), holding
# the mount points the default config puts in /dev (else they would be
# made there, as runc makes them).
make_host_dev() {
	HOSTDEV=$BATS_TEST_TMPDIR/hostdev
	mkdir -p "$HOSTDEV/pts" "$HOSTDEV/shm" "$HOSTDEV/mqueue"
}

bind_host_dev() {
	update_config --arg d "$HOSTDEV" '(.mounts[] | select(.destination == "/dev")) =
		{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}'
}

@test "CVE-2025-31133: a /dev/null that is a symlink to a kernel knob is refused as the mask of a masked path" {
	make_host_dev
	ln -s "$KNOB" "$HOSTDEV/null"
	bind_host_dev
	# /proc/keys is a masked path of the default config: writing to the
	# mask must not write to the knob (/proc/sys itself is read-only)
	set_args sh -c "echo $FLIPPED > /proc/keys"
	run skiff run ctr
	assert_failure
	assert_output --partial "mask /proc/keys: the container's /dev/null is not the null device"
	[ ! -e "$ROOT/ctr" ]
	assert_equal "$(cat "$KNOB")" "$KNOB_WAS"
	# another file, even a character device, is no better
	rm "$HOSTDEV/null"
	mknod -m 666 "$HOSTDEV/null" c 1 5
	run skiff run ctr
	assert_failure
	assert_output --partial "is not the null device"
	# the real null device in a bound /dev masks as it should
	rm "$HOSTDEV/null"
	mknod -m 666 "$HOSTDEV/null" c 1 3
	set_args sh -c 'echo "keys <$(cat /proc/keys)>"; echo x > /proc/keys && echo written'
	run skiff run ctr
	assert_success
	assert_line "keys <>"
	assert_line written
	assert_equal "$(cat "$KNOB")" "$KNOB_WAS"
}

@test "CVE-2025-52565: /dev/console is bound from the pty itself, never through a planted /dev/pts/N" {
	[ -x "$RECVTTY" ] || skip "tests/helpers/recvtty is not built (run make check)"
	make_host_dev
	mknod -m 666 "$HOSTDEV/null" c 1 3
	# The container's devpts is elsewhere, and the /dev/pts the old code
	# named the pty by holds symlinks to the knob instead.
	ln -s /devpts/ptmx "$HOSTDEV/ptmx"
	for n in 0 1 2 3 4 5 6 7 8 9; do
		ln -s "$KNOB" "$HOSTDEV/pts/$n"
	done
	bind_host_dev
	update_config '(.mounts[] | select(.destination == "/dev/pts")).destination = "/devpts"
		| .process.terminal = true'
	set_args sh -c "echo $FLIPPED > /dev/console; echo console-done"
	SOCK=$BATS_TEST_TMPDIR/console.sock
	"$RECVTTY" "$SOCK" '' > "$BATS_TEST_TMPDIR/tty.out" 2> "$BATS_TEST_TMPDIR/tty.err" &
	RECVPID=$!
	wait_for_path "$SOCK"
	skiff run -d --console-socket "$SOCK" ctr
	wait "$RECVPID"
	RECVPID=
	run cat "$BATS_TEST_TMPDIR/tty.out"
	# what went to /dev/console came through the pty
	assert_line --regexp "^$FLIPPED\s*$"
	assert_line --regexp '^console-done\s*$'
	assert_equal "$(cat "$KNOB")" "$KNOB_WAS"
	# and the planted links are as they were
	[ "$(readlink "$HOSTDEV/pts/0")" = "$KNOB" ]
}

@test "a host directory bound onto /proc as type proc is refused, and no sysctl reaches it" {
	fp=$BATS_TEST_TMPDIR/fp
	mkdir -p "$fp/sys/kernel" "$fp/self/fd"
	echo 18446744073692774399 > "$fp/sys/kernel/shmmax"
	# what a mask through "/proc/self/fd/N" of this fake would have hit
	for n in 3 4 5 6 7 8 9 10 11 12; do
		ln -s /tmp "$fp/self/fd/$n"
	done
	update_config --arg fp "$fp" '(.mounts[] | select(.destination == "/proc")) =
			{"destination": "/proc", "type": "proc", "source": $fp, "options": ["bind"]}
		| .linux.sysctl = {"kernel.shmmax": "4096"}'
	jq -e '.linux.namespaces | any(.type == "ipc")' config.json >/dev/null
	set_args true
	run_detached skiff create ctr
	assert_failure
	assert_output --partial "/proc cannot be mounted because it is not of type proc"
	[ ! -e "$ROOT/ctr" ]
	assert_equal "$(cat "$fp/sys/kernel/shmmax")" 18446744073692774399
	# the same with "rbind", or with no type at all
	update_config '(.mounts[] | select(.destination == "/proc")) |= (.options = ["rbind"] | del(.type))'
	run_detached skiff create ctr
	assert_failure
	assert_output --partial "not of type proc"
	assert_equal "$(cat "$fp/sys/kernel/shmmax")" 18446744073692774399
	# a bind whose source really is a procfs is allowed (as in runc), and
	# the sysctl goes to the kernel, in the container's ipc namespace
	update_config '(.mounts[] | select(.destination == "/proc")).source = "/proc"'
	set_args cat /proc/sys/kernel/shmmax
	run skiff run ctr
	assert_success
	assert_output 4096
}

@test "a /dev bound from a host directory is left alone: no node chowned or chmodded, no link written" {
	make_host_dev
	mknod -m 600 "$HOSTDEV/null" c 1 3
	before=$(ls -lAn --time-style=+ "$HOSTDEV")
	bind_host_dev
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3,
		"fileMode": 438, "uid": 1000, "gid": 1000}]'
	set_args sh -c 'stat -c "%a %u:%g" /dev/null; ls -A /dev'
	run skiff run ctr
	assert_success
	assert_line --index 0 "600 0:0"
	assert_equal "$(stat -c '%a %u:%g' "$HOSTDEV/null")" "600 0:0"
	assert_equal "$(ls -lAn --time-style=+ "$HOSTDEV")" "$before"
	[ ! -e "$HOSTDEV/fd" ] && [ ! -e "$HOSTDEV/stdin" ] && [ ! -e "$HOSTDEV/ptmx" ]
}

@test "--no-pivot: the old root's mounts are gone, so a new user namespace cannot mount an unmasked /proc" {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SETFCAP"])'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo proc-mounted'
	# runc 1.1.5 run --no-pivot, same bundle: "mount: permission denied
	# (are you root?)", exit status 1
	run skiff run --no-pivot ctr
	assert_failure
	refute_line proc-mounted
	assert_output --partial "permission denied"
	# the host's mounts stayed where they were
	mountpoint -q /proc
	mountpoint -q /sys
	mountpoint -q /dev
	# and the container still runs in its rootfs, its own mounts in place
	set_args sh -c 'cut -d" " -f5 /proc/self/mountinfo | sort | tr "\n" " "'
	run skiff run --no-pivot ctr
	assert_success
	assert_output --partial "/ /dev /dev/mqueue /dev/pts /dev/shm /proc"
	refute_output --partial "$BUNDLE"
}

@test "--no-pivot in a user namespace: the host's mounts it cannot detach are out of reach as well" {
	chown -R 100000:100000 rootfs
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .process.capabilities |= with_entries(.value += ["CAP_SETFCAP"])'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo proc-mounted'
	# (the host's mounts are locked in the container's mount namespace:
	# its procfs and sysfs get a tmpfs over them instead)
	run skiff run --no-pivot ctr
	assert_failure
	refute_line proc-mounted
	assert_output --partial "permission denied"
	mountpoint -q /proc
	mountpoint -q /sys
}
