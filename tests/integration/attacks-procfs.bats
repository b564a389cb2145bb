#!/usr/bin/env bats
# CVE-2025-52881: writes the runtime makes to procfs (sysctls, LSM
# labels) redirected by mounts the container controls, so that they land
# in a file of its choosing and what was asked for is silently not done.
# skiff opens those files only through a procfs of its own (procfs.c):
# each test plants the redirection from a bundle and checks that the write
# reaches the real file or fails, and that the planted target is untouched.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	KILL_PIDS=()
}

teardown() {
	local p
	for p in "${KILL_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	teardown_containers
	return 0
}

# A host file bound over /proc/sys/kernel/ns_last_pid (one of the /proc
# files a bundle may replace, for lxcfs) and the sysctl of that name: the
# sysctl is applied after the mounts.  Through the container's /proc the
# write goes into the host file; through skiff's own procfs it sets the
# container's last pid, so that the next process is 1001.
plant_ns_last_pid() {
	printf '0\n' > "$BATS_TEST_TMPDIR/planted"
	# writable by anyone: a user namespace's root must not be what stops it
	chmod 666 "$BATS_TEST_TMPDIR/planted"
	update_config --arg f "$BATS_TEST_TMPDIR/planted" '.linux.sysctl = {"kernel.ns_last_pid": "1000"}
		| .mounts += [{"destination": "/proc/sys/kernel/ns_last_pid", "type": "bind",
			"source": $f, "options": ["bind"]}]'
	set_args sh -c 'true & wait; echo next-pid=$!; cat /proc/sys/kernel/ns_last_pid'
}

@test "CVE-2025-52881: a sysctl is written to the kernel, not to a file mounted over it" {
	plant_ns_last_pid
	run skiff run ctr
	assert_success
	assert_line next-pid=1001
	# the container still sees its mount; the host file is as it was
	assert_line 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/planted")" 0
}

@test "CVE-2025-52881: the same in a user namespace" {
	chown -R 100000:100000 rootfs
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	plant_ns_last_pid
	run skiff run ctr
	assert_success
	assert_line next-pid=1001
	assert_equal "$(cat "$BATS_TEST_TMPDIR/planted")" 0
}

# A mount namespace the bundle has the init join, whose /proc is the
# attacker's: a tmpfs where thread-self/attr/exec is the procfs file
# /proc/sys/kernel/hostname, bound there.  Old skiff wrote the AppArmor
# label into it: the container ran unconfined and the hostname of the uts
# namespace it joined became "exec <profile>".  No host here need run
# AppArmor: skiff is shown one (a private mount namespace with
# /sys/kernel/security/apparmor and /sys/module/apparmor/parameters/enabled),
# and the kernel's real attribute then refuses the profile, so create must
# fail.
@test "CVE-2025-52881: an AppArmor label is not written through a joined mount namespace's /proc" {
	stage=$BATS_TEST_TMPDIR/stage
	mkdir -p "$stage"
	unshare -m -u --propagation private sh -c '
		hostname skiff-victim
		mount -t tmpfs tmpfs "$1" && mkdir -p "$1/t/attr" && ln -s t "$1/thread-self" &&
		touch "$1/t/attr/exec" && mount --bind /proc/sys/kernel/hostname "$1/t/attr/exec" &&
		mount --move "$1" /proc && touch "$2" && exec sleep 300' sh "$stage" "$BATS_TEST_TMPDIR/ready" 3>&- &
	victim=$!
	KILL_PIDS+=("$victim")
	for _ in $(seq 50); do
		[ -e "$BATS_TEST_TMPDIR/ready" ] && break
		sleep 0.1
	done
	[ -e "$BATS_TEST_TMPDIR/ready" ]
	assert_equal "$(nsenter -t "$victim" -u hostname)" skiff-victim
	set_args true
	update_config --arg m "/proc/$victim/ns/mnt" --arg u "/proc/$victim/ns/uts" '
		.process.apparmorProfile = "skiff-attack" | del(.hostname)
		| .linux.namespaces |= map(if .type == "mount" then .path = $m
			elif .type == "uts" then .path = $u else . end)'
	run unshare -m sh -c '
		mount -t tmpfs tmpfs /sys/kernel/security && mkdir /sys/kernel/security/apparmor &&
		mount -t tmpfs tmpfs /sys/module && mkdir -p /sys/module/apparmor/parameters &&
		echo Y > /sys/module/apparmor/parameters/enabled &&
		exec "$@" run ctr' sh "$SKIFF" --root "$ROOT"
	assert_equal "$(nsenter -t "$victim" -u hostname)" skiff-victim
	assert_failure
	assert_output --partial 'apply AppArmor profile "skiff-attack"'
	[ ! -e "$ROOT/ctr" ]
}
