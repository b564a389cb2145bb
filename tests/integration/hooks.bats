#!/usr/bin/env bats
# The six OCI hooks: when they run, where, what they read, what their
# failures do (runtime-spec config.md "POSIX-platform Hooks", runtime.md
# "Lifecycle").

load helpers

setup() {
	setup_bundle sleep 100
	OUT=$BATS_TEST_TMPDIR/hooks
	mkdir -p "$OUT"
}

# A hook (as JSON) that saves its stdin to $OUT/NAME.json and appends NAME
# to $OUT/order.
hook() {
	jq -cn --arg n "$1" --arg out "$OUT" \
		'{path: "/bin/sh", args: ["sh", "-c", ("cat > " + $out + "/" + $n + ".json; echo " + $n + " >> " + $out + "/order")]}'
}

# Nothing of this test's container is left: no process (the init is a
# clone of skiff with this test's --root until it execs, then sleep in
# the container's cgroup), no cgroup, no state.
assert_nothing_left() {
	[ ! -d "$ROOT/ctr" ] || fail "the state directory is left"
	[ -z "$(pgrep -f -- "--root $ROOT( |$)" || true)" ] || fail "a skiff process is left"
	local d
	for d in /sys/fs/cgroup/*/"$CGROUP_NAME" /sys/fs/cgroup/unified/"$CGROUP_NAME"; do
		[ ! -d "$d" ] || fail "cgroup $d is left"
	done
}

@test "every hook runs once, in the lifecycle's order, with the state on stdin" {
	# startContainer's path resolves in the container: it writes the rootfs.
	# poststart runs once the program has been exec'd: it sees sleep.
	update_config --argjson a "$(hook prestart)" --argjson b "$(hook createRuntime)" \
		--argjson c "$(hook createContainer)" --argjson f "$(hook poststop)" --arg out "$OUT" \
		'.hooks = {prestart: [$a], createRuntime: [$b], createContainer: [$c], poststop: [$f],
			startContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat > /tmp/startContainer.json"]}],
			poststart: [{path: "/bin/sh", args: ["sh", "-c", ("s=$(cat); echo \"$s\" > " + $out + "/poststart.json; "
				+ "cat /proc/$(echo \"$s\" | jq -r .pid)/comm > " + $out + "/poststart.comm; echo poststart >> " + $out + "/order")]}]}
		| .root.readonly = false'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer')"
	[ ! -e rootfs/tmp/startContainer.json ]
	skiff start ctr
	# start returned after startContainer and poststart
	jq -e '.status == "created" and .id == "ctr"' rootfs/tmp/startContainer.json
	assert_equal "$(cat "$OUT/poststart.comm")" sleep
	skiff delete --force ctr
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop')"
	# runtime-namespace hooks get the host's pid of the init
	for h in prestart createRuntime poststart poststop; do
		jq -e --arg pid "$pid" --arg b "$BUNDLE" '.id == "ctr" and (.pid | tostring) == $pid and .bundle == $b and .ociVersion' "$OUT/$h.json"
	done
	# container-namespace hooks the pid they see: the init is 1 in its
	# own pid namespace (the spec's State, and runc)
	jq -e --arg b "$BUNDLE" '.id == "ctr" and .pid == 1 and .bundle == $b' "$OUT/createContainer.json"
	jq -e '.pid == 1' rootfs/tmp/startContainer.json
	jq -e '.status == "creating"' "$OUT/createRuntime.json" "$OUT/createContainer.json"
	jq -e '.status == "running"' "$OUT/poststart.json"
	jq -e '.status == "stopped"' "$OUT/poststop.json"
}

@test "createContainer and startContainer run in the container's namespaces" {
	update_config --arg out "$OUT" '.hooks = {
		createRuntime: [{path: "/bin/sh", args: ["sh", "-c", ("readlink /proc/self/ns/mnt > " + $out + "/cr")]}],
		createContainer: [{path: "/bin/sh", args: ["sh", "-c", ("for n in mnt pid net uts ipc; do readlink /proc/self/ns/$n; done > " + $out + "/cc; hostname >> " + $out + "/cc; pwd -P >> " + $out + "/cc")]}],
		startContainer: [{path: "/bin/sh", args: ["sh", "-c", "for n in mnt pid net uts ipc; do readlink /proc/self/ns/$n; done > /tmp/sc; hostname >> /tmp/sc; pwd >> /tmp/sc; id -u >> /tmp/sc"]}]}
		| .root.readonly = false | .process.cwd = "/tmp" | .process.user = {uid: 1000, gid: 1000}'
	chmod 1777 rootfs/tmp
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	assert_equal "$(cat "$OUT/cr")" "$(readlink /proc/self/ns/mnt)"
	run cat "$OUT/cc"
	i=0
	for n in mnt pid net uts ipc; do
		assert_line --index $i "$(readlink /proc/$pid/ns/$n)"
		i=$((i + 1))
	done
	assert_line --index 5 runc
	# before pivot_root, in the rootfs (as runc)
	assert_line --index 6 "$(cd rootfs && pwd -P)"
	skiff start ctr
	# startContainer's path resolved inside the container: it wrote the
	# rootfs, from the process's cwd and as its user (as runc)
	run cat rootfs/tmp/sc
	i=0
	for n in mnt pid net uts ipc; do
		assert_line --index $i "$(readlink /proc/$pid/ns/$n)"
		i=$((i + 1))
	done
	assert_line --index 5 runc
	assert_line --index 6 /tmp
	assert_line --index 7 1000
}

@test "hooks get their own args (args[0] is argv[0]) and env, nothing inherited" {
	update_config --arg out "$OUT" '.hooks.createRuntime = [{path: "/bin/sh", args: ["hook-argv0", "-c", ("tr \"\\0\" \" \" < /proc/$$/cmdline > " + $out + "/cmdline; echo \"$0 $1\" > " + $out + "/args; env > " + $out + "/env"), "first", "second"], env: ["ONLY=this"]}]
		| .hooks.poststop = [{path: "/bin/sh", env: ["A=1", "B=2"], args: ["sh", "-c", ("env > " + $out + "/env-poststop")]}]'
	FROM_CALLER=1 skiff create ctr
	assert_equal "$(cat "$OUT/cmdline")" "hook-argv0 -c $(jq -r '.hooks.createRuntime[0].args[2]' config.json) first second "
	assert_equal "$(cat "$OUT/args")" "first second"
	grep -q '^ONLY=this$' "$OUT/env"
	run grep -q FROM_CALLER "$OUT/env"
	assert_failure
	FROM_CALLER=1 skiff delete ctr
	grep -q '^A=1$' "$OUT/env-poststop"
	grep -q '^B=2$' "$OUT/env-poststop"
	run grep -q FROM_CALLER "$OUT/env-poststop"
	assert_failure
}

@test "hooks without env inherit, as runc: the runtime's env, or the process's in the container" {
	# runc 1.1.5, same bundle (hooks writing `env`; the shell's own PWD and
	# SHLVL left out): with no "env", createRuntime, poststart and
	# poststop get the environment of the runc command that runs them
	# (create's; runc 1.1 runs poststart during create, skiff during
	# start), createContainer the process's env (TERM, PATH, PROCVAR) and
	# startContainer the program's (with HOME=/root); "env": [] is an empty
	# environment, for runtime hooks too.
	update_config --arg out "$OUT" '
		def dump(n): {path: "/bin/sh", args: ["sh", "-c", ("env | grep -v -e ^PWD= -e ^SHLVL= -e ^_= | sort > " + $out + "/" + n)]};
		def dumpin(n): {path: "/bin/sh", args: ["sh", "-c", ("env | grep -v -e ^PWD= -e ^SHLVL= -e ^_= | sort > /out/" + n)]};
		.process.env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "PROCVAR=1"]
		| .mounts += [{destination: "/out", type: "bind", source: $out, options: ["rbind"]}]
		| .hooks = {
			createRuntime: [dump("cr"), (dump("cr-empty") + {env: []})],
			createContainer: [dump("cc")],
			startContainer: [dumpin("sc"), (dumpin("sc-empty") + {env: []})],
			poststart: [dump("ps")],
			poststop: [dump("pst"), (dump("pst-empty") + {env: []})]}'
	env -i PATH=/usr/bin:/bin FROM=create "$SKIFF" --root "$ROOT" create ctr </dev/null >/dev/null 2>&1
	assert_equal "$(cat "$OUT/cr")" "$(printf 'FROM=create\nPATH=/usr/bin:/bin')"
	assert_equal "$(cat "$OUT/cr-empty")" ""
	assert_equal "$(cat "$OUT/cc")" "$(printf 'PATH=/usr/sbin:/usr/bin:/sbin:/bin\nPROCVAR=1')"
	env -i PATH=/usr/bin:/bin FROM=start "$SKIFF" --root "$ROOT" start ctr
	assert_equal "$(cat "$OUT/sc")" "$(printf 'HOME=/root\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\nPROCVAR=1')"
	# (busybox sh sets a PATH of its own when there is none)
	run grep -c -e PROCVAR -e HOME "$OUT/sc-empty"
	assert_output 0
	assert_equal "$(cat "$OUT/ps")" "$(printf 'FROM=start\nPATH=/usr/bin:/bin')"
	# the config copy delete reads keeps "no env" and "env": [] apart
	env -i PATH=/usr/bin:/bin FROM=delete "$SKIFF" --root "$ROOT" delete --force ctr
	assert_equal "$(cat "$OUT/pst")" "$(printf 'FROM=delete\nPATH=/usr/bin:/bin')"
	assert_equal "$(cat "$OUT/pst-empty")" ""
}

@test "a hook without args gets its path as argv[0]" {
	printf '#!/bin/sh\necho "$0" > %s/argv0\n' "$OUT" > "$OUT/hook.sh"
	chmod +x "$OUT/hook.sh"
	update_config --arg h "$OUT/hook.sh" '.hooks.prestart = [{path: $h}]'
	skiff create ctr
	assert_equal "$(cat "$OUT/argv0")" "$OUT/hook.sh"
}

@test "a failing prestart, createRuntime or createContainer hook fails create, leaves nothing, and poststop runs" {
	for kind in prestart createRuntime createContainer; do
		rm -f "$OUT/poststop.json"
		update_config --arg k "$kind" --argjson p "$(hook poststop)" \
			'.hooks = {($k): [{path: "/bin/sh", args: ["sh", "-c", "echo hook-says-no >&2; exit 3"]}], poststop: [$p]}'
		run_detached skiff create ctr
		assert_failure
		assert_output --partial "$kind hook 0 (/bin/sh) exited with status 3: hook-says-no"
		assert_nothing_left
		# destroyed, then poststop (runtime.md steps 12 and 13; runc too)
		jq -e '.id == "ctr" and .status == "stopped"' "$OUT/poststop.json"
	done
	# and in run
	run_detached skiff run ctr
	assert_failure
	assert_output --partial "createContainer hook 0 (/bin/sh) exited with status 3"
	assert_nothing_left
}

@test "a hook that runs past its timeout is killed with what it started, and fails the step" {
	# prestart: in the runtime's pid namespace, so its pids are ours
	update_config --arg out "$OUT" '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", ("echo $$ > " + $out + "/hookpid; sleep 30 & echo $! > " + $out + "/childpid; wait")], timeout: 1}]'
	SECONDS=0
	run_detached skiff create ctr
	assert_failure
	assert_output --partial "prestart hook 0 (/bin/sh): timed out after 1 s"
	[ "$SECONDS" -lt 10 ]
	assert_nothing_left
	run process_alive "$(cat "$OUT/hookpid")"
	assert_failure
	run process_alive "$(cat "$OUT/childpid")"
	assert_failure
}

@test "a hook that prints past its timeout is still stopped at the timeout" {
	update_config '.hooks.createContainer = [{path: "/bin/sh", args: ["sh", "-c", "while :; do echo chatter; sleep 0.2; done"], timeout: 1}]'
	SECONDS=0
	run_detached skiff create ctr
	assert_failure
	assert_output --partial "timed out after 1 s"
	[ "$SECONDS" -lt 10 ]
	assert_nothing_left
}

@test "a failing poststop hook is a warning, not an error; a failing poststart hook fails start" {
	update_config '.hooks.poststop = [{path: "/bin/false"}]'
	skiff create ctr
	run skiff start ctr
	assert_success
	assert_equal "$(container_status ctr)" running
	run skiff delete --force ctr
	assert_success
	assert_output --partial "warning: poststop hook 0"
	[ ! -d "$ROOT/ctr" ]
	# runtime-spec 1.3 and runc 1.2: poststart failing is an error
	update_config '.hooks.poststart = [{path: "/bin/false"}] | del(.hooks.poststop)'
	skiff create ctr
	run skiff start ctr
	assert_failure
	assert_output "skiff: poststart hook 0 (/bin/false) exited with status 1"
	assert_nothing_left
}

@test "a failing startContainer hook fails start, destroys the container, and poststop runs" {
	update_config --argjson p "$(hook poststop)" \
		'.hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo not-today >&2; exit 4"]}], poststop: [$p]}'
	skiff create ctr
	run skiff start ctr
	assert_failure
	assert_output "skiff: startContainer hook 0 (/bin/sh) exited with status 4: not-today"
	assert_nothing_left
	jq -e '.status == "stopped"' "$OUT/poststop.json"
	# run: the same error, nothing left
	rm "$OUT/poststop.json"
	run_detached skiff run -d ctr
	assert_failure
	assert_output --partial "startContainer hook 0 (/bin/sh) exited with status 4"
	assert_nothing_left
	jq -e '.status == "stopped"' "$OUT/poststop.json"
}

@test "a startContainer hook past its timeout fails start" {
	update_config '.hooks.startContainer = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	skiff create ctr
	SECONDS=0
	run skiff start ctr
	assert_failure
	assert_output --partial "startContainer hook 0 (/bin/sleep): timed out after 1 s"
	[ "$SECONDS" -lt 10 ]
	assert_nothing_left
}

@test "start reports an exec that fails after create" {
	skiff create ctr
	# the program was found at create; take it away before start
	rm rootfs/bin/sleep
	run skiff start ctr
	assert_failure
	assert_output "skiff: exec /bin/sleep: no such file or directory"
	assert_nothing_left
}

@test "poststart runs when the program has already exited" {
	set_args true
	update_config --argjson p "$(hook poststart)" '.hooks.poststart = [$p]'
	skiff create ctr
	skiff start ctr
	jq -e '.status == "running"' "$OUT/poststart.json"
	wait_for_status ctr stopped
}

@test "start does not wait for ever for an init that does not exec" {
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	kill -STOP "$pid"
	SECONDS=0
	run skiff start ctr
	kill -CONT "$pid"
	assert_success
	assert_output --partial "warning: the container's process had not started its program after 5000 ms"
	[ "$SECONDS" -ge 4 ]
	[ "$SECONDS" -lt 15 ]
	# and it goes on once it may
	for i in $(seq 50); do
		[ "$(cat /proc/$pid/comm)" = sleep ] && break
		sleep 0.1
	done
	assert_equal "$(cat /proc/$pid/comm)" sleep
}

@test "startContainer hooks run under the container's seccomp filter, with noNewPrivileges true or false (as runc 1.1.5)" {
	update_config '.root.readonly = false | .process.args = ["true"]
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}
		| .hooks.startContainer = [{path: "/bin/mkdir", args: ["mkdir", "/hookdir"]}]'
	for nnp in true false; do
		update_config --argjson n "$nnp" '.process.noNewPrivileges = $n'
		run skiff run "ctr-$nnp"
		assert_failure
		assert_output --partial "startContainer hook 0 (/bin/mkdir) exited with status 1"
		[ ! -e "$BUNDLE/rootfs/hookdir" ] || fail "the hook ran without the filter (noNewPrivileges $nnp)"
	done
}
