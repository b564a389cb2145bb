#!/usr/bin/env bats
# checkpoint and restore through criu(8).  Two kinds of tests: with the real
# criu (skipped, with criu's own reason, when `criu check` fails on this
# kernel), and with a stand-in criu (--criu, fake_criu in helpers.bash) that records its command line
# and acts out dump and restore, which checks what skiff asks of criu and
# what it does with the answer on any host.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	set_args sleep 1000
	IMAGES=$BATS_TEST_TMPDIR/images
}

teardown() {
	teardown_containers
	kill_leftovers
	[ -z "${FAKE_PID:-}" ] || kill -9 "$FAKE_PID" 2>/dev/null
	return 0
}

criu_works() {
	command -v criu > /dev/null || skip "criu is not installed (apt-get install criu)"
	local why
	why=$(criu check 2>&1 | grep -m 1 -E 'Error|error' || true)
	if ! criu check > /dev/null 2>&1 || [ -n "$why" ]; then
		skip "criu cannot run on this kernel: criu check says: ${why:-failure}"
	fi
}

@test "checkpoint and restore accept every flag of runc 1.1's" {
	run skiff checkpoint --image-path "$IMAGES" --work-path "$BATS_TEST_TMPDIR/work" --parent-path p \
		--leave-running --tcp-established --ext-unix-sk --shell-job --lazy-pages --status-fd 3 \
		--page-server 127.0.0.1:27 --file-locks --pre-dump --manage-cgroups-mode soft \
		--empty-ns network --auto-dedup nosuch
	assert_failure
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
	run skiff restore --console-socket /x --image-path "$IMAGES" --work-path "$BATS_TEST_TMPDIR/work" \
		--tcp-established --ext-unix-sk --shell-job --file-locks --manage-cgroups-mode full \
		--bundle "$BATS_TEST_TMPDIR/no-bundle" -d --pid-file /x --no-subreaper --no-pivot \
		--empty-ns network --auto-dedup --lazy-pages --lsm-profile apparmor:x --lsm-mount-context y nosuch
	assert_failure
	assert_output --partial "config.json"
	run skiff checkpoint --empty-ns pid nosuch
	assert_output --partial 'namespace "pid" is not supported'
}

@test "checkpoint: a container that does not exist, or is not running, is an error; criu is not run" {
	fake_criu
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" nosuch
	assert_failure
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
	skiff create ctr
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" ctr
	assert_failure
	assert_output --partial "container not running (it is created)"
	[ ! -e "$BATS_TEST_TMPDIR/criu.args" ]
	assert_equal "$(container_status ctr)" created
}

@test "checkpoint: criu dump is told the tree, the root, cgroups, the bind mounts as external, and runc's flags" {
	fake_criu
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	update_config --arg s "$BATS_TEST_TMPDIR/vol" '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["rbind"]}]'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	mkdir -p "$IMAGES/parent"
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" --work-path "$BATS_TEST_TMPDIR/work" \
		--leave-running --tcp-established --file-locks --shell-job --ext-unix-sk --auto-dedup \
		--parent-path parent --manage-cgroups-mode strict --empty-ns network ctr
	assert_success
	mapfile -t args < "$BATS_TEST_TMPDIR/criu.args"
	a=" ${args[*]} "
	for want in "dump --tree $pid " " --images-dir $IMAGES " " --work-dir $BATS_TEST_TMPDIR/work " \
		" --log-file dump.log " " --root $(realpath rootfs) " " --manage-cgroups=strict " \
		" --leave-running " " --tcp-established " " --file-locks " " --shell-job " " --ext-unix-sk " \
		" --auto-dedup " " --track-mem " " --prev-images-dir parent " " --empty-ns net " \
		" --external mnt[/vol]:/vol "; do
		[[ "$a" == *"$want"* ]] || fail "criu was not given \"$want\": $a"
	done
	# left running: untouched
	assert_equal "$(container_status ctr)" running
	process_alive "$pid"
}

@test "checkpoint: without --leave-running the container is gone afterwards, as with runc; --pre-dump leaves it" {
	fake_criu
	skiff run -d ctr
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" --pre-dump ctr
	assert_success
	grep -qx pre-dump "$BATS_TEST_TMPDIR/criu.args"
	grep -qx -- --track-mem "$BATS_TEST_TMPDIR/criu.args"
	assert_equal "$(container_status ctr)" running
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" ctr
	assert_success
	run skiff state ctr
	assert_failure
	assert_output --partial "does not exist"
	[ -d "$IMAGES" ] && [ "$(stat -c %a "$IMAGES")" = 700 ]
}

@test "checkpoint: a failing criu is an error quoting its log; the container keeps running" {
	fake_criu
	touch "$BATS_TEST_TMPDIR/criu.fail"
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	run skiff --criu "$FAKE" checkpoint --image-path "$IMAGES" ctr
	assert_failure
	assert_output "skiff: $FAKE dump failed: Error (fake/criu.c:1): the stand-in refuses (see $IMAGES/dump.log)"
	assert_equal "$(container_status ctr)" running
	process_alive "$(cat "$BATS_TEST_TMPDIR/pid")"
	run skiff --criu "$BATS_TEST_TMPDIR/no-criu" checkpoint --image-path "$IMAGES" ctr
	assert_failure
	assert_output --partial "is criu installed?"
	run skiff checkpoint --image-path "$IMAGES" --parent-path /abs ctr
	assert_output --partial "--parent-path must be relative"
}

@test "restore: a new container from the bundle whose process criu restored: state, cgroups, pid file, delete" {
	fake_criu
	run_detached skiff --criu "$FAKE" restore -d --image-path "$IMAGES" --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	FAKE_PID=$pid
	mapfile -t args < "$BATS_TEST_TMPDIR/criu.args"
	a=" ${args[*]} "
	for want in "restore --images-dir $IMAGES " " --root $ROOT/ctr/criu-root " " --restore-detached " \
		" --restore-sibling " " --manage-cgroups=soft " " --cgroup-root "; do
		[[ "$a" == *"$want"* ]] || fail "criu was not given \"$want\": $a"
	done
	skiff state ctr | jq -e --argjson p "$pid" '.status == "running" and .pid == $p'
	# in the container's cgroups
	grep -q ":pids:.*$CGROUP_NAME" "/proc/$pid/cgroup"
	# the root criu built on is unbound again
	! grep -q " $ROOT/ctr/criu-root " /proc/self/mountinfo
	skiff delete --force ctr
	run process_alive "$pid"
	assert_failure
}

@test "restore: a failing criu leaves nothing behind: no state, no cgroup, no mount" {
	fake_criu
	touch "$BATS_TEST_TMPDIR/criu.fail"
	run_detached skiff --criu "$FAKE" restore -d --image-path "$IMAGES" ctr
	assert_failure
	assert_output --partial "restore failed: Error (fake/criu.c:1): the stand-in refuses"
	[ ! -e "$ROOT/ctr" ]
	for d in /sys/fs/cgroup/*/"$CGROUP_NAME"; do
		[ ! -e "$d" ] || fail "$d is left"
	done
	! grep -q "criu-root" /proc/self/mountinfo
}

@test "checkpoint and restore with the real criu: the process goes on where it was" {
	criu_works
	set_args sh -c 'i=0; while :; do i=$((i + 1)); echo $i > /tmp/count; sleep 0.1; done'
	update_config '.root.readonly = false'
	skiff run -d ctr
	sleep 1
	skiff checkpoint --image-path "$IMAGES" ctr
	run skiff state ctr
	assert_failure
	before=$(cat rootfs/tmp/count)
	run_detached skiff restore -d --image-path "$IMAGES" ctr
	assert_success
	sleep 1
	assert_equal "$(container_status ctr)" running
	[ "$(cat rootfs/tmp/count)" -gt "$before" ]
}
