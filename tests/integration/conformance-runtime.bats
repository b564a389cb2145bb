#!/usr/bin/env bats
# OCI runtime-spec 1.3, runtime.md: the state, the lifecycle (with its hooks)
# and the operations, one test per MUST/SHOULD.  Test names start with the
# section, so that each can be followed back to the spec.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
	chmod 777 "$OUT"
	NETNS=
}

teardown() {
	teardown_containers
	kill_leftovers
	[ -n "$NETNS" ] && ip netns delete "$NETNS" 2>/dev/null
	return 0
}

# Bind $OUT at /out in the container, for the program to leave traces.
out_mount() {
	update_config --arg s "$OUT" '.mounts += [{destination: "/out", type: "bind", source: $s, options: ["rbind", "rw"]}]'
}

# A host script usable as a hook: host_hook NAME BODY prints its JSON.
# The body runs with a PATH and $OUT, the state JSON on stdin.
host_hook() {
	local file=$BATS_TEST_TMPDIR/hooks/$1
	mkdir -p "$BATS_TEST_TMPDIR/hooks"
	printf '#!/bin/sh\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\nOUT=%s\n%s\n' "$OUT" "$2" > "$file"
	chmod 755 "$file"
	jq -cn --arg p "$file" '{path: $p}'
}

# A hook that saves its stdin to $OUT/NAME.json and appends NAME to $OUT/order.
recorder() {
	host_hook "$1" "cat > \$OUT/$1.json; echo $1 >> \$OUT/order"
}

# Processes of this test's runtime (the init is a clone of skiff, so it has
# skiff's command line with this test's --root).
leftover_processes() {
	test_pids
}

# Wait (up to ~5 s) until pid $1 runs a program whose argv[0] is $2.
wait_for_exec() {
	local i
	for i in $(seq 50); do
		[ "$(tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null | head -n 1)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "pid $1 did not exec $2" >&2
	return 1
}

# The semantic-versioning pattern the spec's ociVersion follows.
SEMVER='^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'

# ---------------------------------------------------------------- state --

@test "runtime.md#state: a created container reports ociVersion, id, status created, pid and an absolute bundle" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run skiff state ctr
	assert_success
	echo "$output" | jq -e --arg re "$SEMVER" '.ociVersion | test($re)'
	echo "$output" | jq -e '.id == "ctr" and .status == "created"'
	echo "$output" | jq -e --argjson p "$pid" '.pid == $p'
	echo "$output" | jq -e --arg b "$(realpath "$BUNDLE")" '.bundle == $b and (.bundle | startswith("/"))'
	process_alive "$pid"
}

@test "runtime.md#state: bundle is the absolute path even when create was given a relative one" {
	set_args sleep 100
	cd "$BATS_TEST_TMPDIR"
	skiff create --bundle bundle ctr
	run skiff state ctr
	assert_success
	echo "$output" | jq -e --arg b "$(realpath "$BUNDLE")" '.bundle == $b'
}

@test "runtime.md#state: status is creating while create runs (lifecycle step 2)" {
	set_args sleep 100
	update_config --argjson h "$(host_hook query "'$SKIFF' --root '$ROOT' state ctr > \$OUT/during-create")" \
		'.hooks.createRuntime = [$h]'
	skiff create ctr
	run cat "$OUT/during-create"
	echo "$output" | jq -e '.id == "ctr" and .status == "creating" and .pid > 0'
	assert_equal "$(container_status ctr)" created
}

@test "runtime.md#state: status is running once start ran the program, and pid is its host pid" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff start ctr
	assert_equal "$(container_status ctr)" running
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
	# the pid is the container process as the host sees it, running the program
	wait_for_exec "$pid" sleep
}

@test "runtime.md#state: status is stopped once the container process has exited (lifecycle step 10)" {
	set_args true
	skiff create ctr
	skiff start ctr
	wait_for_status ctr stopped
	run skiff state ctr
	assert_success
	echo "$output" | jq -e '.id == "ctr" and .status == "stopped"'
}

@test "runtime.md#state: annotations of the config are in the state" {
	set_args sleep 100
	update_config '.annotations = {"com.example.key": "value", "com.example.empty": "", "org.example.other": "x y"}'
	skiff create ctr
	run skiff state ctr
	assert_success
	echo "$output" | jq -e '.annotations == {"com.example.key": "value", "com.example.empty": "", "org.example.other": "x y"}'
}

@test "runtime.md#state: without annotations the property is absent or an empty map" {
	set_args sleep 100
	update_config 'del(.annotations)'
	skiff create ctr
	run skiff state ctr
	assert_success
	echo "$output" | jq -e '(has("annotations") | not) or .annotations == {}'
}

@test "runtime.md#state: hooks in the runtime namespace get the pid as seen by the runtime" {
	set_args sleep 100
	update_config --argjson a "$(recorder prestart)" --argjson b "$(recorder createRuntime)" \
		--argjson c "$(recorder poststart)" \
		'.hooks = {prestart: [$a], createRuntime: [$b], poststart: [$c]}'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	skiff start ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	for h in prestart createRuntime poststart; do
		jq -e --argjson p "$pid" '.pid == $p' "$OUT/$h.json" || fail "$h got $(cat "$OUT/$h.json")"
	done
}

@test "runtime.md#state: hooks in the container namespace get the pid as seen by the container" {
	# with a pid namespace, the container process is pid 1 there
	set_args sleep 100
	out_mount
	update_config --argjson c "$(recorder createContainer)" '.hooks = {createContainer: [$c],
		startContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat > /out/startContainer.json"]}]}'
	skiff create ctr
	skiff start ctr
	wait_for_path "$OUT/startContainer.json"
	run cat "$OUT/createContainer.json" "$OUT/startContainer.json"
	jq -e '.pid == 1' "$OUT/createContainer.json" || fail "createContainer got $(cat "$OUT/createContainer.json")"
	jq -e '.pid == 1' "$OUT/startContainer.json" || fail "startContainer got $(cat "$OUT/startContainer.json")"
}

# ------------------------------------------------------------ lifecycle --

@test "runtime.md#lifecycle step 2: create MUST NOT run the user-specified program; step 8: start runs it" {
	out_mount
	set_args sh -c 'echo ran >> /out/marker; exec sleep 100'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	sleep 0.5
	[ ! -e "$OUT/marker" ] || fail "the program ran at create"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run tr '\0' ' ' < "/proc/$pid/cmdline"
	refute_output --partial "sleep 100"
	skiff start ctr
	wait_for_path "$OUT/marker"
	wait_for_exec "$pid" sleep
	assert_equal "$(cat "$OUT/marker")" ran
}

@test "runtime.md#lifecycle step 2: updates to config.json after create MUST NOT affect the container" {
	out_mount
	set_args sh -c 'echo first > /out/which; hostname >> /out/which; exec sleep 100'
	update_config '.hostname = "before"'
	skiff create ctr
	# a new program, hostname and hook: none of them may take effect
	set_args sh -c 'echo second > /out/which; exec sleep 100'
	update_config --argjson h "$(recorder poststart)" '.hostname = "after" | .hooks.poststart = [$h]'
	skiff start ctr
	wait_for_path "$OUT/which"
	sleep 0.2
	run cat "$OUT/which"
	assert_output "$(printf 'first\nbefore')"
	[ ! -e "$OUT/poststart.json" ]
}

@test "runtime.md#lifecycle step 2: when the environment cannot be created the runtime MUST generate an error" {
	set_args sleep 100
	update_config --arg s "$BATS_TEST_TMPDIR/no-such-dir" \
		'.mounts += [{destination: "/data", type: "bind", source: $s, options: ["rbind"]}]'
	run_detached skiff create ctr
	assert_failure
	assert_output --partial no-such-dir
	# runtime.md#errors: the environment is as if create was never attempted
	[ ! -e "$ROOT/ctr" ]
	run skiff list -q
	assert_output ""
	[ -z "$(leftover_processes)" ]
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
	# and the same id can be used at once
	mkdir "$BATS_TEST_TMPDIR/no-such-dir"
	skiff create ctr
	assert_equal "$(container_status ctr)" created
}

@test "runtime.md#lifecycle steps 3-5: prestart, createRuntime and createContainer hooks run during create, in that order, before the program" {
	out_mount
	set_args sh -c 'echo program >> /out/order; exec sleep 100'
	update_config --argjson a "$(recorder prestart)" --argjson b "$(recorder createRuntime)" \
		--argjson c "$(recorder createContainer)" \
		'.hooks = {prestart: [$a], createRuntime: [$b], createContainer: [$c]}'
	skiff create ctr
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer')"
	skiff start ctr
	for i in $(seq 50); do [ "$(wc -l < "$OUT/order")" -ge 4 ] && break; sleep 0.1; done
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer\nprogram')"
}

# Check a create whose hook KIND fails: an error, the container stopped and
# destroyed, the program never run.
create_hook_fails() {
	local kind=$1
	out_mount
	set_args sh -c 'echo ran > /out/marker; exec sleep 100'
	update_config --argjson h "$(host_hook failing "cat > \$OUT/$kind.json; echo hook-refuses >&2; exit 7")" \
		--arg k "$kind" '.hooks[$k] = [$h]'
	run_detached skiff create ctr
	assert_failure
	assert_output --partial "$kind"
	[ -e "$OUT/$kind.json" ] || fail "the $kind hook did not run"
	# stopped and destroyed (step 12): no process, no state, no mounts
	[ -z "$(leftover_processes)" ] || fail "processes left: $(leftover_processes)"
	[ ! -e "$ROOT/ctr" ]
	run skiff state ctr
	assert_failure
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
	[ ! -e "$OUT/marker" ] || fail "the program ran"
}

@test "runtime.md#lifecycle step 3: a failing prestart hook MUST generate an error, stop and destroy the container" {
	create_hook_fails prestart
}

@test "runtime.md#lifecycle step 4: a failing createRuntime hook MUST generate an error, stop and destroy the container" {
	create_hook_fails createRuntime
}

@test "runtime.md#lifecycle step 5: a failing createContainer hook MUST generate an error, stop and destroy the container" {
	create_hook_fails createContainer
}

@test "runtime.md#lifecycle steps 3-5 then 13: after a failing create hook, the lifecycle continues at step 12 and poststop hooks MUST run" {
	set_args sleep 100
	for kind in prestart createRuntime createContainer; do
		rm -f "$OUT/poststop.json" "$OUT/order"
		update_config --argjson h "$(host_hook failing 'exit 7')" --argjson p "$(recorder poststop)" \
			--arg k "$kind" '.hooks = {($k): [$h], poststop: [$p]}'
		run_detached skiff create ctr
		assert_failure
		[ -e "$OUT/poststop.json" ] || fail "no poststop hook after a failing $kind hook"
	done
}

@test "runtime.md#lifecycle step 7: startContainer hooks run on start, before the program" {
	out_mount
	set_args sh -c 'echo program >> /out/order; exec sleep 100'
	update_config '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer >> /out/order"]}]'
	skiff create ctr
	sleep 0.3
	[ ! -e "$OUT/order" ] || fail "startContainer ran at create: $(cat "$OUT/order")"
	skiff start ctr
	for i in $(seq 50); do [ "$(wc -l < "$OUT/order" 2>/dev/null)" = 2 ] && break; sleep 0.1; done
	run cat "$OUT/order"
	assert_output "$(printf 'startContainer\nprogram')"
}

@test "runtime.md#lifecycle step 7: a failing startContainer hook MUST generate an error and stop the container" {
	out_mount
	set_args sh -c 'echo ran > /out/marker; exec sleep 100'
	update_config --argjson p "$(recorder poststop)" '.hooks.startContainer = [{path: "/bin/false"}] | .hooks.poststop = [$p]'
	skiff create ctr
	run skiff start ctr
	start_status=$status
	start_output=$output
	[ ! -e "$OUT/marker" ] || fail "the program ran"
	[ "$start_status" -ne 0 ] || fail "start succeeded (output: '$start_output'); the spec wants an error"
	# "... stop the container, and continue the lifecycle at step 12": the
	# container is destroyed (12), then the poststop hooks run (13)
	run skiff state ctr
	assert_failure
	assert_output --partial "container does not exist"
	[ -z "$(leftover_processes)" ] || fail "processes are left: $(leftover_processes)"
	jq -e '.status == "stopped"' "$OUT/poststop.json"
}

@test "runtime.md#lifecycle step 9: poststart hooks run after the program was executed and before start returns" {
	set_args sleep 100
	# a slow startContainer hook: poststart must still wait for the program
	update_config --argjson h "$(host_hook poststart 'pid=$(jq .pid); sleep 0.2; tr "\0" " " < /proc/$pid/cmdline > $OUT/poststart-cmdline')" \
		'.hooks = {startContainer: [{path: "/bin/sleep", args: ["sleep", "1"]}], poststart: [$h]}'
	skiff create ctr
	skiff start ctr
	# before start returned
	[ -e "$OUT/poststart-cmdline" ] || fail "start returned before the poststart hook ran"
	run cat "$OUT/poststart-cmdline"
	assert_output "sleep 100 "
}

@test "runtime.md#lifecycle step 9: a failing poststart hook is an error (1.3; 1.2 had a warning): start fails, the container is destroyed, poststop runs" {
	set_args sleep 100
	update_config --argjson r "$(recorder poststart)" --argjson p "$(recorder poststop)" \
		'.hooks.poststart = [{path: "/bin/sh", args: ["sh", "-c", "echo no-go >&2; exit 3"]}, $r] | .hooks.poststop = [$p]'
	skiff create ctr
	run skiff start ctr
	assert_failure
	assert_output "skiff: poststart hook 0 (/bin/sh) exited with status 3: no-go"
	# the first failure ends the poststart hooks (runc's order)
	[ ! -e "$OUT/poststart.json" ] || fail "the hook after the failing one ran"
	run skiff state ctr
	assert_failure
	assert_output --partial "container does not exist"
	[ -z "$(leftover_processes)" ] || fail "processes are left: $(leftover_processes)"
	jq -e '.status == "stopped"' "$OUT/poststop.json"
	# run -d: the same
	rm "$OUT/poststop.json"
	run_detached skiff run -d ctr
	assert_failure
	assert_output --partial "poststart hook 0 (/bin/sh) exited with status 3"
	[ ! -e "$ROOT/ctr" ] || fail "the state directory is left"
	jq -e '.status == "stopped"' "$OUT/poststop.json"
}

@test "runtime.md#lifecycle steps 11-13: delete destroys the container, then poststop hooks run, before delete returns" {
	set_args sleep 100
	# the hook reads the init's pid from the pid file, and says if it still lives
	update_config --argjson h "$(host_hook poststop 'sleep 0.3; s=$(awk "{print \$3}" /proc/$(cat '"$BATS_TEST_TMPDIR"'/pid)/stat 2>/dev/null); case "$s" in ""|Z|X) echo dead;; *) echo alive;; esac > $OUT/init-at-poststop')" \
		'.hooks.poststop = [$h]'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	skiff start ctr
	skiff kill ctr KILL
	wait_for_status ctr stopped
	skiff delete ctr
	# before delete returned, after the container process was gone
	run cat "$OUT/init-at-poststop"
	assert_output dead
	[ ! -e "$ROOT/ctr" ]
}

@test "runtime.md#lifecycle step 13: poststop hooks run after the container is deleted: it no longer exists for state" {
	set_args sleep 100
	update_config --argjson h "$(host_hook poststop "'$SKIFF' --root '$ROOT' state ctr > \$OUT/state-at-poststop 2>&1; echo \$? > \$OUT/state-rc")" \
		'.hooks.poststop = [$h]'
	skiff create ctr
	skiff start ctr
	skiff delete --force ctr
	[ -e "$OUT/state-rc" ] || fail "the poststop hook did not run"
	[ "$(cat "$OUT/state-rc")" != 0 ] || fail "state still found the container during poststop: $(cat "$OUT/state-at-poststop")"
}

@test "runtime.md#lifecycle step 13: a failing poststop hook is a warning; the other poststop hooks run and delete succeeds" {
	set_args sleep 100
	update_config --argjson r "$(recorder poststop)" '.hooks.poststop = [{path: "/bin/false"}, $r]'
	skiff create ctr
	skiff start ctr
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff delete ctr
	assert_success
	assert_output --partial warning
	[ -e "$OUT/poststop.json" ] || fail "the second poststop hook did not run"
	[ ! -e "$ROOT/ctr" ]
}

# ----------------------------------------------------------- operations --

@test "runtime.md#query-state: MUST generate an error if not provided the container ID" {
	run skiff state
	assert_failure
}

@test "runtime.md#query-state: querying a container that does not exist MUST generate an error" {
	run skiff state nosuch
	assert_failure
	assert_output --partial "does not exist"
}

@test "runtime.md#create: MUST generate an error if not provided the container ID" {
	set_args sleep 100
	run_detached skiff create --bundle "$BUNDLE"
	assert_failure
	run skiff list -q
	assert_output ""
}

@test "runtime.md#create: MUST generate an error if not provided a bundle (the default, the current directory, has no config.json)" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	cd "$BATS_TEST_TMPDIR/empty"
	run_detached skiff create ctr
	assert_failure
	assert_output --partial config.json
	[ ! -e "$ROOT/ctr" ]
}

@test "runtime.md#create: an invalid ID MUST generate an error and no container is created" {
	set_args sleep 100
	for id in ../up a/b ''; do
		run_detached skiff create "$id"
		assert_failure
	done
	run skiff list -q
	assert_output ""
	[ -z "$(leftover_processes)" ]
}

@test "runtime.md#create: an ID already in use MUST generate an error and a new container MUST NOT be created" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run_detached skiff create --pid-file "$BATS_TEST_TMPDIR/pid2" ctr
	assert_failure
	# runtime.md#errors: the existing container is untouched
	[ ! -e "$BATS_TEST_TMPDIR/pid2" ]
	assert_equal "$(container_status ctr)" created
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
	assert_equal "$(leftover_processes)" "$pid"
	# also once it runs
	skiff start ctr
	run_detached skiff create ctr
	assert_failure
	assert_equal "$(container_status ctr)" running
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
}

@test "runtime.md#create: the properties other than process are applied by create, before start" {
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || skip "the host forwards IPv4 already"
	out_mount
	set_args sh -c 'echo ran > /out/marker; exec sleep 100'
	update_config '.hostname = "made-at-create" | .linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .mounts += [{destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	assert_equal "$(nsenter -t "$pid" -u hostname)" made-at-create
	assert_equal "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)" 1
	run awk '$5 == "/scratch" {print $9}' "/proc/$pid/mountinfo"
	assert_output tmpfs
	# process.args is not applied until start
	[ ! -e "$OUT/marker" ]
}

@test "runtime.md#create: a property the runtime cannot apply MUST generate an error and no container is created" {
	set_args sleep 100
	# namespaced (net.*), so that validation lets it through to the init
	update_config '.linux.sysctl = {"net.skiff_conformance_no_such": "1"}'
	run_detached skiff create ctr
	assert_failure
	assert_output --partial net.skiff_conformance_no_such
	[ ! -e "$ROOT/ctr" ]
	[ -z "$(leftover_processes)" ]
	run skiff list -q
	assert_output ""
}

@test "runtime.md#start: MUST generate an error if not provided the container ID" {
	run skiff start
	assert_failure
}

@test "runtime.md#start: starting a container that does not exist MUST generate an error" {
	run skiff start nosuch
	assert_failure
	assert_output --partial "does not exist"
}

@test "runtime.md#start: starting a running container MUST have no effect and MUST generate an error" {
	out_mount
	set_args sh -c 'echo run >> /out/count; exec sleep 100'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff start ctr
	wait_for_path "$OUT/count"
	run skiff start ctr
	assert_failure
	sleep 0.3
	assert_equal "$(container_status ctr)" running
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
	assert_equal "$(wc -l < "$OUT/count")" 1
	wait_for_exec "$pid" sleep
}

@test "runtime.md#start: starting a stopped container MUST have no effect and MUST generate an error" {
	out_mount
	set_args sh -c 'echo run >> /out/count'
	skiff create ctr
	skiff start ctr
	wait_for_status ctr stopped
	run skiff start ctr
	assert_failure
	sleep 0.3
	assert_equal "$(container_status ctr)" stopped
	assert_equal "$(wc -l < "$OUT/count")" 1
}

@test "runtime.md#start: MUST run the user-specified program; one that cannot be executed any more is an error of start" {
	printf '#!/bin/sh\nexec sleep 100\n' > rootfs/bin/conf-prog
	chmod 755 rootfs/bin/conf-prog
	set_args /bin/conf-prog
	skiff create ctr
	# create checked it; it is gone before start
	rm rootfs/bin/conf-prog
	run skiff start ctr
	assert_failure
	assert_output --partial "exec /bin/conf-prog"
	# as after a failing startContainer hook: destroyed (lifecycle step 12)
	run skiff state ctr
	assert_failure
	assert_output --partial "container does not exist"
}

@test "runtime.md#start: MUST generate an error if process was not set" {
	update_config 'del(.process)'
	run_detached skiff create ctr
	if [ "$status" -eq 0 ]; then
		run skiff start ctr
	fi
	assert_failure
	assert_output --partial process
	run skiff list --format json
	echo "$output" | jq -e 'all(.[]; .status != "running")'
}

@test "runtime.md#kill: MUST generate an error if not provided the container ID" {
	run skiff kill
	assert_failure
}

@test "runtime.md#kill: signalling a container that does not exist MUST generate an error" {
	run skiff kill nosuch KILL
	assert_failure
	assert_output --partial "does not exist"
}

@test "runtime.md#kill: signalling a stopped container MUST have no effect and MUST generate an error" {
	set_args true
	skiff create ctr
	skiff start ctr
	wait_for_status ctr stopped
	run skiff kill ctr KILL
	assert_failure
	assert_equal "$(container_status ctr)" stopped
	run skiff list -q
	assert_output ctr
}

@test "runtime.md#kill: MUST send the specified signal to the container process" {
	out_mount
	set_args sh -c 'trap "echo usr1 >> /out/sig" USR1; trap "echo usr2 >> /out/sig" USR2; while :; do sleep 0.1; done'
	skiff create ctr
	skiff start ctr
	sleep 0.3
	skiff kill ctr USR1
	wait_for_path "$OUT/sig"
	skiff kill ctr 12
	for i in $(seq 50); do [ "$(wc -l < "$OUT/sig")" = 2 ] && break; sleep 0.1; done
	run cat "$OUT/sig"
	assert_output "$(printf 'usr1\nusr2')"
	assert_equal "$(container_status ctr)" running
}

@test "runtime.md#errors: kill with a signal that does not exist MUST generate an error and leave the container as it was" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	skiff start ctr
	for sig in SIGSKIFF 0x9 -1 65; do
		run skiff kill ctr "$sig"
		assert_failure
	done
	assert_equal "$(container_status ctr)" running
	process_alive "$(cat "$BATS_TEST_TMPDIR/pid")"
}

@test "runtime.md#kill: a created container can be signalled, and stops" {
	out_mount
	set_args sh -c 'echo ran > /out/marker; exec sleep 100'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run skiff kill ctr KILL
	assert_success
	wait_for_status ctr stopped
	run process_alive "$pid"
	assert_failure
	[ ! -e "$OUT/marker" ]
}

@test "runtime.md#delete: MUST generate an error if not provided the container ID" {
	run skiff delete
	assert_failure
}

@test "runtime.md#delete: deleting a container that does not exist MUST generate an error" {
	run skiff delete nosuch
	assert_failure
	assert_output --partial "does not exist"
}

@test "runtime.md#delete: deleting a running container MUST have no effect and MUST generate an error" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff start ctr
	run skiff delete ctr
	assert_failure
	assert_equal "$(container_status ctr)" running
	assert_equal "$(skiff state ctr | jq .pid)" "$pid"
	process_alive "$pid"
	[ -d "$ROOT/ctr" ]
}

@test "runtime.md#delete: a created container is deleted, as runc does (the spec would have delete refuse it)" {
	out_mount
	set_args sh -c 'echo ran > /out/marker; exec sleep 100'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff delete ctr
	run skiff state ctr
	assert_failure
	run process_alive "$pid"
	assert_failure
	[ ! -e "$OUT/marker" ]
}

@test "runtime.md#delete: deleting MUST delete the resources that were created during create" {
	set_args sleep 100
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	skiff start ctr
	mntns=$(readlink "/proc/$pid/ns/mnt")
	# every process in the container's mount namespace
	members=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mntns" ] && echo "${p#/proc/}"; done; true)
	[ -n "$members" ]
	skiff kill ctr KILL
	wait_for_status ctr stopped
	skiff delete ctr
	[ ! -e "$ROOT/ctr" ]
	run skiff state ctr
	assert_failure
	# none of them is left in it (namespace ids are reused: compare per pid),
	# and no mount is left on the host
	for p in $members; do
		[ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" != "$mntns" ] || ! process_alive "$p" ||
			fail "process $p is still in the container's mount namespace"
	done
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
	# runtime.md#delete: the id MAY be used again
	skiff create ctr
	assert_equal "$(container_status ctr)" created
}

@test "runtime.md#delete: resources associated with the container but not created by it MUST NOT be deleted" {
	NETNS=skiffconf-$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	mkdir -p "$BATS_TEST_TMPDIR/volume"
	echo keep > "$BATS_TEST_TMPDIR/volume/file"
	set_args sh -c 'echo from-container > /volume/made; exec sleep 100'
	update_config --arg p "/run/netns/$NETNS" --arg s "$BATS_TEST_TMPDIR/volume" \
		'.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{type: "network", path: $p}]
		| .mounts += [{destination: "/volume", type: "bind", source: $s, options: ["rbind"]}]'
	skiff create ctr
	skiff start ctr
	wait_for_path "$BATS_TEST_TMPDIR/volume/made"
	skiff delete --force ctr
	[ -e "/run/netns/$NETNS" ]
	ip netns exec "$NETNS" true
	assert_equal "$(cat "$BATS_TEST_TMPDIR/volume/file")" keep
	assert_equal "$(cat "$BATS_TEST_TMPDIR/volume/made")" from-container
	[ -f "$BUNDLE/config.json" ] && [ -x "$BUNDLE/rootfs/bin/busybox" ]
}
