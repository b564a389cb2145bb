#!/usr/bin/env bats
# The six OCI hooks: when they run, what they read, what their failures do.

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

@test "every hook runs once, in the lifecycle's order, with the state on stdin" {
	# startContainer's path resolves in the container: it writes the rootfs
	update_config --argjson a "$(hook prestart)" --argjson b "$(hook createRuntime)" \
		--argjson c "$(hook createContainer)" \
		--argjson e "$(hook poststart)" --argjson f "$(hook poststop)" \
		'.hooks = {prestart: [$a], createRuntime: [$b], createContainer: [$c], poststart: [$e], poststop: [$f],
			startContainer: [{path: "/bin/sh", args: ["sh", "-c", "cat > /tmp/startContainer.json"]}]}
		| .root.readonly = false'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer')"
	[ ! -e rootfs/tmp/startContainer.json ]
	skiff start ctr
	wait_for_path rootfs/tmp/startContainer.json
	jq -e '.status == "created" and .id == "ctr"' rootfs/tmp/startContainer.json
	skiff delete --force ctr
	run cat "$OUT/order"
	assert_output "$(printf 'prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop')"
	# the pid as seen where the hook runs: the host's for the runtime's
	# hooks, the container's (1, its own pid namespace) for createContainer
	for h in prestart createRuntime poststart; do
		jq -e --arg pid "$pid" --arg b "$BUNDLE" '.id == "ctr" and (.pid | tostring) == $pid and .bundle == $b and .ociVersion' "$OUT/$h.json"
	done
	jq -e --arg b "$BUNDLE" '.id == "ctr" and .pid == 1 and .bundle == $b and .ociVersion' "$OUT/createContainer.json"
	jq -e '.status == "creating"' "$OUT/createRuntime.json"
	jq -e '.status == "running"' "$OUT/poststart.json"
	jq -e '.status == "stopped"' "$OUT/poststop.json"
}

@test "createContainer and startContainer run in the container's namespaces" {
	update_config --arg out "$OUT" '.hooks = {
		createRuntime: [{path: "/bin/sh", args: ["sh", "-c", ("readlink /proc/self/ns/mnt > " + $out + "/cr")]}],
		createContainer: [{path: "/bin/sh", args: ["sh", "-c", ("readlink /proc/self/ns/mnt > " + $out + "/cc; hostname >> " + $out + "/cc")]}],
		startContainer: [{path: "/bin/sh", args: ["sh", "-c", "hostname > /tmp/sc"]}]}
		| .root.readonly = false'
	skiff create --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	assert_equal "$(cat "$OUT/cr")" "$(readlink /proc/self/ns/mnt)"
	run cat "$OUT/cc"
	assert_line --index 0 "$(readlink /proc/$pid/ns/mnt)"
	assert_line --index 1 runc
	skiff start ctr
	# startContainer's path resolved inside the container: it wrote the rootfs
	wait_for_path rootfs/tmp/sc
	assert_equal "$(cat rootfs/tmp/sc)" runc
}

@test "hooks get their own args and env, nothing inherited" {
	update_config --arg out "$OUT" '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", ("echo \"$0 $1\" > " + $out + "/args; env > " + $out + "/env"), "first", "second"], env: ["ONLY=this"]}]'
	FROM_CALLER=1 skiff create ctr
	assert_equal "$(cat "$OUT/args")" "first second"
	run grep -c . "$OUT/env"
	grep -q '^ONLY=this$' "$OUT/env"
	! grep -q FROM_CALLER "$OUT/env"
}

@test "a failing createRuntime hook fails create, with its output, and leaves nothing" {
	# an argument no other test (or agent) on the machine uses
	set_args sleep 86421
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "echo hook-says-no >&2; exit 3"]}]'
	run skiff create ctr
	assert_failure
	assert_output --partial "createRuntime hook 0 (/bin/sh) exited with status 3: hook-says-no"
	[ ! -d "$ROOT/ctr" ]
	[ -z "$(pgrep -f "^sleep 86421$" || true)" ]
	[ -z "$(pgrep -f -- "--root $ROOT( |$)" || true)" ]
}

@test "a hook that runs past its timeout is killed and fails the step" {
	update_config '.hooks.createContainer = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	SECONDS=0
	run skiff create ctr
	assert_failure
	assert_output --partial "timed out after 1 s"
	[ "$SECONDS" -lt 10 ]
	[ ! -d "$ROOT/ctr" ]
}

@test "failing poststart and poststop hooks are warnings, not errors" {
	update_config '.hooks.poststart = [{path: "/bin/false"}] | .hooks.poststop = [{path: "/bin/false"}]'
	skiff create ctr
	run skiff start ctr
	assert_success
	assert_output --partial "skiff: warning: poststart hook 0 (/bin/false) exited with status 1"
	assert_equal "$(container_status ctr)" running
	run skiff delete --force ctr
	assert_success
	assert_output --partial "warning: poststop hook 0"
	[ ! -d "$ROOT/ctr" ]
}

@test "a failing startContainer hook fails start and stops the container" {
	update_config '.hooks.startContainer = [{path: "/bin/false"}]'
	skiff create ctr
	run skiff start ctr
	assert_failure
	assert_output "skiff: startContainer hook 0 (/bin/false) exited with status 1"
	wait_for_status ctr stopped
}
