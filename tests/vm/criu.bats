#!/usr/bin/env bats
# checkpoint and restore with the real criu, in the VM of `make check-criu`
# (tests/vm/run-in-vm.sh --modules criu: Debian's 6.1 kernel with the
# modules criu probes for; criu 3.17 cannot run on newer kernels such as
# this host's).  tests/integration/checkpoint.bats checks what skiff asks of
# criu with a stand-in; here a container with state is really dumped and
# restored: a counter in the shell's memory written through an open file
# (not appended: its offset must come back too) and a child process.
# Where `criu check` fails, the tests fail: that is what the VM is for.
# Everything in the VM is emulated (a runtime command takes seconds), so
# the tests are few and each waits for what it needs, with no timing.

load ../integration/helpers

# The container's program: counts in memory, one line a step to fd 3 (the
# file /tmp/log), with a child that sleeps and whose pid is in /tmp/child.
COUNTER='sleep 1000 & echo $! > /tmp/child; exec 3> /tmp/log; i=0
while :; do i=$((i + 1)); echo $i >&3; sleep 1; done'

setup_file() {
	command -v criu > /dev/null || skip "criu is not installed (apt-get install criu)"
	criu check > "$BATS_FILE_TMPDIR/criu-check" 2>&1 || {
		sed "s/^/# /" "$BATS_FILE_TMPDIR/criu-check" >&3
		echo "# criu check fails: are the modules of run-in-vm.sh --modules criu loaded?" >&3
		return 1
	}
	make_bundle_template
}

setup() {
	command -v criu > /dev/null || skip "criu is not installed (apt-get install criu)"
	setup_bundle_copy
	set_args sh -c "$COUNTER"
	update_config '.root.readonly = false'
	IMAGES=$BATS_TEST_TMPDIR/images
}

teardown() {
	teardown_containers
	kill_leftovers
	return 0
}

# The number of lines in bundle $1's log once it has more than $2 (waits,
# bounded: the program writes one every step).
log_past() {
	local lines=()
	for _ in $(seq 240); do
		# (a builtin: a process costs the emulated VM much more)
		mapfile -t lines 2> /dev/null < "$1/rootfs/tmp/log" || lines=()
		if [ "${#lines[@]}" -gt "$2" ]; then
			echo "${#lines[@]}"
			return 0
		fi
		sleep 0.5
	done
	echo "$1/rootfs/tmp/log stays at ${#lines[@]} lines" >&2
	return 1
}

# Bundle $1's log is 1, 2, 3, ... without a gap or a restart: the counter
# and the file's offset went on from where they were.  (Read once: it grows.)
log_counts_on() {
	local log
	log=$(cat "$1/rootfs/tmp/log")
	assert_equal "$log" "$(seq "$(printf '%s\n' "$log" | wc -l)")"
}

# Container $1 (of bundle $2) still has its child: the same pid in its pid
# namespace, a child of its init, still sleeping.
child_kept() {
	local init child ns
	init=$(skiff state "$1" | jq -r .pid)
	for child in $(cat "/proc/$init/task/$init/children"); do
		[ "$(tr '\0' ' ' < "/proc/$child/cmdline")" = "sleep 1000 " ] || continue
		ns=$(awk '/^NSpid:/ {print $NF}' "/proc/$child/status")
		assert_equal "$ns" "$(cat "$2/rootfs/tmp/child")"
		return 0
	done
	fail "container $1 (init $init) has no sleeping child"
}

@test "criu: pre-dump, then a dump on it that stops the container; restore goes on with its memory, open file and child" {
	skiff run -d ctr < /dev/null > /dev/null 2>&1
	log_past "$BUNDLE" 1 > /dev/null
	mkdir -p "$IMAGES"
	skiff checkpoint --pre-dump --image-path "$IMAGES/pre" ctr
	assert_equal "$(container_status ctr)" running
	skiff checkpoint --image-path "$IMAGES/dump" --parent-path ../pre ctr
	# incremental: criu links the dump to its parent
	[ -L "$IMAGES/dump/parent" ]
	run skiff state ctr
	assert_failure
	before=$(wc -l < rootfs/tmp/log)
	run_detached skiff restore -d --image-path "$IMAGES/dump" ctr
	assert_success
	assert_equal "$(container_status ctr)" running
	log_past "$BUNDLE" $((before + 1)) > /dev/null
	log_counts_on "$BUNDLE"
	child_kept ctr "$BUNDLE"
	skiff delete --force ctr
	[ ! -e "$ROOT/ctr" ]
}

@test "criu: --leave-running keeps the container; its image restores as a new container id" {
	skiff run -d ctr < /dev/null > /dev/null 2>&1
	log_past "$BUNDLE" 1 > /dev/null
	pid=$(skiff state ctr | jq -r .pid)
	# paused, so the copy of its files below matches the image
	skiff pause ctr
	skiff checkpoint --leave-running --image-path "$IMAGES" ctr
	cp -a "$BUNDLE" "$BATS_TEST_TMPDIR/bundle2"
	skiff resume ctr
	assert_equal "$(skiff state ctr | jq -r '"\(.status) \(.pid)"')" "running $pid"
	log_past "$BUNDLE" "$(wc -l < "$BATS_TEST_TMPDIR/bundle2/rootfs/tmp/log")" > /dev/null
	# the copy: in a cgroup of its own
	BUNDLE=$BATS_TEST_TMPDIR/bundle2
	update_config --arg p "$CGROUP_NAME-2" '.linux.cgroupsPath = $p'
	before=$(wc -l < "$BUNDLE/rootfs/tmp/log")
	run_detached skiff restore -d --bundle "$BUNDLE" --image-path "$IMAGES" ctr2
	assert_success
	assert_equal "$(skiff list -q | sort | tr '\n' ' ')" "ctr ctr2 "
	log_past "$BUNDLE" $((before + 1)) > /dev/null
	log_counts_on "$BUNDLE"
	child_kept ctr2 "$BUNDLE"
	# in its own cgroup, which is what it sees at /sys/fs/cgroup (bound
	# from there at restore: not the cgroup of the container dumped)
	pid2=$(skiff state ctr2 | jq -r .pid)
	grep -q "$CGROUP_NAME-2" "/proc/$pid2/cgroup"
	grep -qx "$pid2" "/proc/$pid2/root/sys/fs/cgroup/cgroup.procs"
	# and the original went on too
	log_counts_on "$BATS_TEST_TMPDIR/bundle"
	child_kept ctr "$BATS_TEST_TMPDIR/bundle"
}
