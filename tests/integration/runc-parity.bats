#!/usr/bin/env bats
# Where engines and scripts depend on runc's exact behaviour: each test
# runs what runc 1.1.5 was seen to do with the same bundle (its result is
# in the test's comment) and expects the same of skiff.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
}

teardown() {
	teardown_containers
	kill_leftovers
}

@test "run --keep leaves the container, stopped, until delete" {
	# runc 1.1.5: `runc run --keep k1` exits with the program's status, and
	# `runc list` then shows k1 "stopped" with pid 0; `runc delete k1`
	# removes it (and runs poststop then).
	set_args sh -c 'exit 7'
	update_config --arg out "$BATS_TEST_TMPDIR/poststop" \
		'.hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", ("echo ran > " + $out)]}]'
	run skiff run --keep ctr
	assert_equal "$status" 7
	run skiff state ctr
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" stopped
	assert_equal "$(jq -r .pid <<<"$output")" 0
	[ ! -e "$BATS_TEST_TMPDIR/poststop" ]
	# a second run of the same id is refused while it is kept
	run skiff run ctr
	assert_failure
	skiff delete ctr
	[ ! -d "$ROOT/ctr" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/poststop")" ran
	# runc takes --keep with -d too (exit 0, the container runs)
	set_args sleep 100
	run_detached skiff run -d --keep ctr
	assert_success
	assert_equal "$(container_status ctr)" running
}

@test "kill ID 0 checks that the init is alive and sends nothing" {
	# runc 1.1.5: `runc kill ID 0` exits 0 on a running container (which
	# goes on running) and 1 "container not running" on a stopped one.
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	run skiff kill ctr 0
	assert_success
	assert_output ""
	assert_equal "$(container_status ctr)" running
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff kill ctr 0
	assert_failure
	assert_output "skiff: container not running"
}

@test "exec that cannot run its process exits 255, a command line it cannot read 1" {
	# runc 1.1.5: `runc exec ID /nonexist` and `runc exec nosuch true` exit
	# 255 ("exec failed: ..."), as do a bad --user, an --env without "=",
	# no command; `runc exec --bogus ID true` and `runc exec` exit 1.
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	run skiff exec ctr /nonexist
	assert_equal "$status" 255
	assert_output --partial '"/nonexist"'
	run skiff exec nosuch true
	assert_equal "$status" 255
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
	for args in "--user abc ctr true" "--env FOO ctr true" "ctr"; do
		run skiff exec $args
		assert_equal "$status" 255
	done
	run skiff exec --bogus ctr true
	assert_equal "$status" 1
	run skiff exec
	assert_equal "$status" 1
	# the process's own failure is its status, whatever it is
	run skiff exec ctr sh -c 'exit 255'
	assert_equal "$status" 255
	run skiff exec ctr sh -c 'exit 1'
	assert_equal "$status" 1
}

@test "exec --cgroup with a path above the container's cgroup is refused, as runc" {
	# runc 1.1.5: `runc exec --cgroup ../.. ID true` exits 255 with "exec
	# failed: unable to create new parent process: ../.. is not a sub cgroup
	# path"; "/..", "pids:../x" alike (the part after the controllers).
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	for sub in ../.. /.. a/../.. pids:../x; do
		run skiff exec --cgroup "$sub" ctr true
		assert_equal "$status" 255
		assert_output "skiff: exec --cgroup: ${sub#pids:} is not a sub cgroup path"
	done
	# a path that comes back down stays inside: the container's own cgroup
	run skiff exec --cgroup a/.. ctr true
	assert_success
}

@test "flags after the container id are taken, as runc's urfave/cli takes them" {
	# runc 1.1.5 (urfave/cli v1 moves the command's flags before the
	# arguments, except for exec and ps): `update ID --pids-limit 30`,
	# `delete ID --force`, `kill ID KILL --all`, `list --quiet`,
	# `start ID --help` all work; an unknown flag after the id is an
	# argument (`state ID --bogus`: exit 1); `kill ID --all KILL` takes KILL
	# as the id (a flag takes the word after it, even a boolean one); `ps ID
	# --format json` gives "--format json" to ps(1).
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	[ -d "/sys/fs/cgroup/pids/$CGROUP_NAME" ] && pids=/sys/fs/cgroup/pids/$CGROUP_NAME/pids.max ||
		pids=/sys/fs/cgroup/$CGROUP_NAME/pids.max
	skiff update ctr --pids-limit 30
	assert_equal "$(cat "$pids")" 30
	skiff update ctr --pids-limit=31
	assert_equal "$(cat "$pids")" 31
	run skiff state ctr --bogus
	assert_equal "$status" 1
	run skiff start ctr --help
	assert_success
	assert_line --index 1 --partial "skiff start"
	run skiff list --quiet
	assert_output ctr
	run skiff ps ctr --format json
	assert_failure
	run skiff kill ctr --all KILL
	assert_failure
	assert_equal "$(container_status ctr)" running
	skiff kill ctr KILL --all
	wait_for_status ctr stopped
	skiff delete ctr --force
	[ ! -d "$ROOT/ctr" ]
}

@test "state during a create is never stopped: creating, then created" {
	# runc 1.1.5, polled while `runc create` runs a createRuntime hook that
	# sleeps: "container does not exist", then "created" (it writes its
	# state at the end).  skiff records the container from the start: it
	# must read "creating" until then, never "stopped" (which tells an
	# engine the container is dead and to be deleted).  The "stopped" came
	# in the few ms between the first record and the init's pid, which a
	# poll hits only now and then; the next test holds that window open.
	set_args sleep 100
	update_config '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "1"]}]'
	seen=$BATS_TEST_TMPDIR/seen
	(
		for i in $(seq 400); do
			"$SKIFF" --root "$ROOT" state ctr 2>/dev/null | jq -r .status || echo none
			[ -e "$BATS_TEST_TMPDIR/done" ] && break
		done > "$seen"
	) &
	poller=$!
	run_detached skiff create ctr
	assert_success
	touch "$BATS_TEST_TMPDIR/done"
	wait "$poller"
	sort "$seen" | uniq -c
	grep -q creating "$seen"
	run grep -c stopped "$seen"
	assert_output 0
	assert_equal "$(container_status ctr)" created
}

@test "a record made before the init's pid reads creating while create holds the lock" {
	# The window of the test above, held open: create killed once its first
	# record is written and the init cloned, before the init's pid is in
	# state.json (SKIFF_DEBUG_STOP_AT, libcontainer/debug_stop.c).  With the
	# lock held, as a live create holds it, that is "creating"; without, the
	# create is dead and the container "stopped" (faults.bats).
	set_args sleep 100
	SKIFF_DEBUG_STOP_AT=create-after-clone "$SKIFF" --root "$ROOT" create ctr \
		</dev/null >/dev/null 2>&1 || true
	[ -f "$ROOT/ctr/state.json" ]
	assert_equal "$(container_status ctr)" stopped
	run flock "$ROOT/ctr" "$SKIFF" --root "$ROOT" state ctr
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" creating
	run flock "$ROOT/ctr" "$SKIFF" --root "$ROOT" list
	assert_line --regexp '^ctr +0 +creating '
	skiff delete --force ctr
	[ ! -d "$ROOT/ctr" ]
}

@test "the cwd is entered as root before the switch to the user, then as the user if root may not" {
	# runc 1.1.5, cwd /root (0700, root's) with user 42: pwd says /root, id 42.
	chmod 700 "$BUNDLE/rootfs/root"
	update_config '.process.user = {uid: 42, gid: 42} | .process.cwd = "/root" | .root.readonly = false'
	set_args sh -c 'pwd; id -u'
	run skiff run ctr
	assert_success
	assert_output "$(printf '/root\n42')"
	# exec --user 0 where /root is uid 42's and root has no CAP_DAC_OVERRIDE
	chown 42:42 "$BUNDLE/rootfs/root"
	update_config '.process.user = {uid: 0, gid: 0} | .process.cwd = "/"'
	set_args sleep 100
	skiff run -d ctr2
	run skiff exec --user 0 --cwd /root ctr2 pwd
	assert_success
	assert_output /root
}

@test "a seccomp profile refusing openat2 and getcwd does not break the runtime's own steps (noNewPrivileges false)" {
	# crun 1.8.1 runs this; runc 1.1.5 fails ("failed to verify if current
	# working directory is safe: operation not permitted"): nothing the
	# runtime does may depend on what the user's filter allows.
	update_config '.process.noNewPrivileges = false | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["openat2", "getcwd"], action: "SCMP_ACT_ERRNO"}]}'
	set_args true
	run skiff run ctr
	assert_success
}

@test "with noNewPrivileges false, a filter refusing any one syscall of the runtime's own steps still runs the container" {
	# The filter is the init's last step before the exec stub: the
	# identity, capabilities, cwd, the program's lookup and the stub's
	# program are done before it.  Each syscall alone refused (ERRNO), user
	# 1000, seen on this host:
	#   crun 1.8.1 fails for prctl, setresuid, setresgid, capset,
	#     rt_sigaction, rt_sigprocmask; runs the others;
	#   runc 1.1.5 fails for setgroups, capget, prctl, close, read, getcwd,
	#     newfstatat, chdir, capset; runs the others.
	# Before this, skiff failed for setgroups, capget, prctl, setresuid,
	# setresgid, capset, write and lseek, and hung for ever for read (the
	# stub spun on the exec fifo) and close (create waited on the socket).
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = false'
	set_args sh -c 'echo ok'
	local sc failed=""
	for sc in setgroups capget prctl close close_range read openat2 getcwd execveat \
		setresuid setresgid umask newfstatat faccessat faccessat2 chdir fchdir \
		rt_sigaction rt_sigprocmask capset lseek fcntl; do
		update_config ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
			syscalls: [{names: [\"$sc\"], action: \"SCMP_ACT_ERRNO\"}]}"
		run timeout 20 "$SKIFF" --root "$ROOT" run ctr
		[ "$status" -eq 0 ] && [ "$output" = ok ] || failed="$failed $sc($status: $output)"
		skiff delete -f ctr 2>/dev/null || true
	done
	[ -z "$failed" ] || fail "refused:$failed"
}

@test "with noNewPrivileges false, the CAP_SYS_ADMIN kept for loading the filter never reaches the program" {
	# The init keeps CAP_SYS_ADMIN to load the filter after the switch to
	# the container's user; the exec into the stub drops it.  The program
	# must see exactly the sets it has without any filter (runc 1.1.5 and
	# crun 1.8.1 give those same sets).
	local user caps_plain caps_filtered
	for user in 0 1000; do
		update_config ".process.user = {uid: $user, gid: $user} | .process.noNewPrivileges = false | del(.linux.seccomp)"
		set_args sh -c 'grep ^Cap /proc/self/status'
		run skiff run ctr
		assert_success
		caps_plain=$output
		update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["kexec_load"], action: "SCMP_ACT_ERRNO"}]}'
		run skiff run ctr
		assert_success
		caps_filtered=$output
		[ "$caps_plain" = "$caps_filtered" ] || fail "user $user: $caps_plain // $caps_filtered"
		# CAP_SYS_ADMIN is bit 21: in no set of the default config's program
		local name value
		while read -r name value; do
			if (( (0x$value >> 21) & 1 )); then
				fail "user $user: $name $value has CAP_SYS_ADMIN"
			fi
		done <<<"$caps_filtered"
	done
}

@test "signals the caller ignores, 32 and 33 too, are not ignored in the container (as runc)" {
	# runc 1.1.5 resets every disposition (SigIgn 0 in the container, for a
	# caller ignoring TERM, 32 and 33); glibc's sigaction() refuses 32 and
	# 33, which skiff's reset then missed.
	# (grep itself: busybox sh ignores SIGQUIT)
	set_args grep ^SigIgn: /proc/self/status
	run "$TESTS_BUILDDIR/helpers/ignore-signals" 15,32,33 "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_output "SigIgn:	0000000000000000"
	skiff delete -f ctr 2>/dev/null || true
	set_args sleep 100
	skiff run -d ctr
	run "$TESTS_BUILDDIR/helpers/ignore-signals" 15,32,33 "$SKIFF" --root "$ROOT" exec ctr \
		grep ^SigIgn: /proc/self/status
	assert_success
	assert_output "SigIgn:	0000000000000000"
}

@test "an env name given twice keeps its last value (as runc)" {
	# runc 1.1.5: env ["A=1", "A=2"] gives A=2 only (found by tests/diff).
	update_config '.process.env = ["PATH=/bin", "A=1", "A=2"]'
	set_args sh -c 'env | grep ^A='
	run skiff run ctr
	assert_success
	assert_output "A=2"
}

@test "a read-only /dev gets its nodes and submounts first, then is read-only (as runc)" {
	# runc 1.1.5: /dev is "tmpfs ro,nosuid", /dev/pts is there, and
	# touch /dev/x says "Read-only file system".
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	set_args sh -c 'grep " /dev " /proc/self/mounts; ls /dev/pts >/dev/null && echo pts; [ -c /dev/null ] && echo null; touch /dev/x 2>/dev/null || echo read-only'
	run skiff run ctr
	assert_success
	assert_line --regexp '^tmpfs /dev tmpfs ro,'
	assert_line pts
	assert_line null
	assert_line read-only
}

@test "a bind of the host's /proc (no pid namespace) is a procfs, and is taken (as runc)" {
	# runc 1.1.5 runs it; skiff 05a8e95 refused it ("/proc cannot be mounted
	# because it is not of type proc"): the source is a procfs, which is all
	# the CVE-2019-16884 guard asks.
	update_config '.linux.namespaces |= map(select(.type != "pid"))
		| .mounts |= map(if .destination == "/proc" then
			{destination: "/proc", type: "none", source: "/proc", options: ["rbind"]} else . end)'
	set_args sh -c 'grep -c " /proc proc " /proc/self/mounts; [ -e /proc/self/status ] && echo procfs'
	run skiff run ctr
	assert_success
	assert_line procfs
}

# The mount's flags (mountinfo's field 6) and its filesystem's (the last):
# what tests/diff/run.sh compares.
MOUNT_FLAGS='for d in "$@"; do awk -v d=$d "\$5 == d { print d, \$6, \$NF }" /proc/self/mountinfo; done'

@test "a read-only tmpfs is a read-only mount of a writable tmpfs, a masked directory a read-only tmpfs (as runc)" {
	# runc 1.1.5 (the differential layer): /t, /c (tmpcopyup) and /r
	# (remount) are "ro,relatime ... rw,size=..." (its mountPropagate
	# mounts a tmpfs writable and remountReadonly binds it read-only);
	# the tmpfs over a masked directory (maskPath: MS_RDONLY) is "ro ... ro".
	mkdir -p rootfs/c && echo in-c > rootfs/c/file
	update_config '.mounts += [
		{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["ro", "size=64k"]},
		{destination: "/c", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "ro", "nosuid"]},
		{destination: "/r", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
		{destination: "/r", type: "tmpfs", source: "tmpfs", options: ["remount", "ro"]}]'
	set_args sh -c "$MOUNT_FLAGS; cat /c/file; touch /t/x /c/x 2>&1 | grep -c 'Read-only'" sh /t /c /r /proc/acpi
	run skiff run ctr
	assert_success
	assert_line --regexp '^/t ro,relatime rw,size=64k$'
	assert_line --regexp '^/c ro,nosuid,relatime rw$'
	assert_line --regexp '^/r ro,relatime rw,size=1024k$'
	assert_line --regexp '^/proc/acpi ro,relatime ro$'
	assert_line in-c
	assert_line 2
}

@test "masked files under a read-only /dev are read-only binds of its null device (as runc)" {
	# runc 1.1.5 makes /dev read-only (finalizeRootfs) before it masks
	# paths, so /proc/keys, bound from /dev/null, is "ro,nosuid".
	update_config '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	set_args sh -c "$MOUNT_FLAGS" sh /proc/keys /dev
	run skiff run ctr
	assert_success
	assert_line --regexp '^/proc/keys ro,nosuid '
	assert_line --regexp '^/dev ro,nosuid '
}

@test "with a cgroup namespace the name=systemd hierarchy is mounted from \"systemd\" (as runc)" {
	grep -q ' - cgroup [^ ]* [^ ]*name=systemd' /proc/self/mountinfo || skip "no name=systemd hierarchy"
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || skip "cgroup v2"
	# runc 1.1.5: "cgroup systemd ... name=systemd" in its mountinfo, the
	# other hierarchies' source "cgroup"
	update_config '.linux.namespaces += [{type: "cgroup"}]'
	set_args sh -c 'grep " /sys/fs/cgroup/systemd " /proc/self/mountinfo | sed "s/.* - //"; grep -c " /sys/fs/cgroup/[a-z]* .* - cgroup cgroup " /proc/self/mountinfo'
	run skiff run ctr
	assert_success
	assert_line --regexp '^cgroup systemd (rw|ro),name=systemd'
	[ "${lines[1]}" -gt 0 ]
}
