#!/usr/bin/env bats
# skiff check: every error of a bundle with its JSON path, warnings for what
# this host cannot honour, exit 0 (valid) or 1 (errors), text or JSON.
# Nothing is run: no state, no process, the bundle untouched.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_bundle true
}

# skiff check --format json, kept in $CHECK_JSON; $status is check's.
check_json() {
	run --separate-stderr "$SKIFF" check --format json "$@"
	CHECK_JSON=$output
	echo "$CHECK_JSON" | jq -e . >/dev/null || fail "not JSON: $CHECK_JSON (stderr: $stderr)"
}

# The message of the diagnostic at a path: SEVERITY PATH.
diag_at() {
	echo "$CHECK_JSON" | jq -r --arg p "$2" ".$1[] | select(.path == \$p) | .message"
}

# Assert a diagnostic of a severity at a path, whose message contains $3.
expect_diag() {
	local msg
	msg=$(diag_at "$1" "$2")
	[ -n "$msg" ] || fail "no $1 at $2 in: $CHECK_JSON"
	[[ "$msg" == *"$3"* ]] || fail "$1 at $2 says \"$msg\", not \"$3\""
}

# A capability bit is in our own (the runtime's) bounding set.
own_bounding_has() {
	local bnd
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	(( (0x$bnd >> $1) & 1 ))
}

@test "a valid bundle: exit 0, nothing reported, nothing run" {
	local before
	before=$(find "$BUNDLE" -printf '%p %T@ %s\n' | sort)
	run --separate-stderr "$SKIFF" check
	assert_success
	assert_output "./config.json: valid"
	[ -z "$stderr" ]
	check_json --bundle "$BUNDLE"
	assert_success
	assert_equal "$(echo "$CHECK_JSON" | jq -c .)" '{"errors":[],"warnings":[]}'
	# check never creates state or touches the bundle
	[ ! -e "$ROOT" ]
	assert_equal "$(find "$BUNDLE" -printf '%p %T@ %s\n' | sort)" "$before"
}

@test "every parse error, each with its path, not only the first" {
	update_config '.process.terminal = "no"
		| .process.user.uid = -1
		| .process.args[1] = 7
		| .root.readonly = "yes"
		| .linux.namespaces[1].type = "bogus"
		| .linux.resources = {memory: {limit: "1g"}, pids: {limit: "x"}}'
	check_json
	assert_failure 1
	expect_diag errors .process.terminal 'expected a boolean, got "no"'
	expect_diag errors .process.user.uid 'expected a 32-bit unsigned integer, got -1'
	expect_diag errors '.process.args[1]' 'expected a string, got 7'
	expect_diag errors .root.readonly 'expected a boolean, got "yes"'
	expect_diag errors '.linux.namespaces[1].type' 'got "bogus"'
	expect_diag errors .linux.resources.memory.limit 'expected a 64-bit integer, got "1g"'
	expect_diag errors .linux.resources.pids.limit 'expected a 64-bit integer, got "x"'
	assert_equal "$(echo "$CHECK_JSON" | jq '.errors | length')" 7
}

@test "every validation error, each with its path" {
	update_config '.process.cwd = "rel"
		| .process.capabilities.bounding += ["CAP_NOPE", "cap_kill"]
		| .mounts[0].destination = ""
		| .hooks = {prestart: [{path: "relative"}]}
		| .linux.maskedPaths += ["not/absolute"]
		| .linux.namespaces += [{type: "pid"}]
		| .hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))'
	check_json
	assert_failure 1
	local n
	n=$(jq '.process.capabilities.bounding | length' "$BUNDLE/config.json")
	expect_diag errors .process.cwd 'must be an absolute path, got "rel"'
	expect_diag errors ".process.capabilities.bounding[$((n - 2))]" 'unknown capability "CAP_NOPE"'
	expect_diag errors ".process.capabilities.bounding[$((n - 1))]" 'unknown capability "cap_kill"'
	expect_diag errors '.mounts[0].destination' 'must be a path, got ""'
	expect_diag errors '.hooks.prestart[0].path' 'must be an absolute path, got "relative"'
	n=$(jq '.linux.maskedPaths | length' "$BUNDLE/config.json")
	expect_diag errors ".linux.maskedPaths[$((n - 1))]" 'must be an absolute path'
	n=$(jq '.linux.namespaces | length' "$BUNDLE/config.json")
	expect_diag errors ".linux.namespaces[$((n - 1))].type" 'duplicate namespace type "pid"'
	expect_diag errors .hostname 'unable to set hostname without a private UTS namespace'
	assert_equal "$(echo "$CHECK_JSON" | jq '.errors | length')" 8
}

@test "parse and validation errors together; one error per path" {
	# .process.cwd is the wrong type: the parser says so, and the validator's
	# "required field is missing" for the same field is not repeated.
	update_config '.process.cwd = 5 | .mounts[0].destination = ""'
	check_json
	assert_failure 1
	expect_diag errors .process.cwd 'expected a string, got 5'
	expect_diag errors '.mounts[0].destination' 'must be a path'
	assert_equal "$(echo "$CHECK_JSON" | jq '.errors | length')" 2
}

@test "what create needs: a process and a root" {
	update_config 'del(.process) | del(.root)'
	check_json
	assert_failure 1
	expect_diag errors .process 'required to create a container'
	expect_diag errors .root.path 'required to create a container'
}

@test "create reports check's first error" {
	update_config '.process.cwd = "rel" | .process.terminal = "no" | .mounts[0].destination = "proc"'
	check_json
	local path msg
	path=$(echo "$CHECK_JSON" | jq -r '.errors[0].path')
	msg=$(echo "$CHECK_JSON" | jq -r '.errors[0].message')
	run --separate-stderr "$SKIFF" --root "$ROOT" create ctr
	assert_failure 1
	assert_equal "$stderr" "skiff: config.json: $path: $msg"
}

@test "a config.json that is missing or not JSON is one error about the file" {
	rm config.json
	run "$SKIFF" check
	assert_failure 1
	assert_line --index 0 "error: open ./config.json: no such file or directory"
	echo '{"ociVersion": ' > config.json
	check_json
	assert_failure 1
	assert_equal "$(echo "$CHECK_JSON" | jq -c '[.errors[].path]')" '[""]'
	[[ "$(diag_at errors "")" == "invalid JSON: "* ]]
}

@test "text format: one line per finding, errors then warnings, and a summary" {
	update_config '.process.cwd = "rel" | .root.path = "nothere"'
	run --separate-stderr "$SKIFF" check --bundle "$BUNDLE"
	assert_failure 1
	assert_equal "${lines[0]}" 'error: .process.cwd: must be an absolute path, got "rel"'
	assert_equal "${lines[1]}" "warning: .root.path: rootfs $BUNDLE/nothere: No such file or directory"
	assert_equal "${lines[2]}" "$BUNDLE/config.json: 1 error, 1 warning"
	assert_equal "${#lines[@]}" 3
}

@test "warnings alone keep exit 0" {
	update_config '.root.path = "nothere"'
	run "$SKIFF" check
	assert_success
	assert_line "./config.json: valid, 1 warning"
}

@test "warning: the rootfs is missing or not a directory" {
	update_config '.root.path = "nothere"'
	check_json
	assert_success
	expect_diag warnings .root.path "rootfs ./nothere: No such file or directory"
	touch afile
	update_config '.root.path = "afile"'
	check_json
	expect_diag warnings .root.path "is not a directory"
}

@test "warning: a bind mount source that does not exist" {
	update_config '.mounts += [{destination: "/a", type: "bind", source: "/nonexistent-src"},
		{destination: "/b", source: "relative-src", options: ["rbind", "ro"]},
		{destination: "/c", source: "rootfs/bin", options: ["bind"]}]'
	check_json
	assert_success
	local n
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	expect_diag warnings ".mounts[$((n - 3))].source" "/nonexistent-src: No such file or directory"
	expect_diag warnings ".mounts[$((n - 2))].source" "./relative-src: No such file or directory"
	[ -z "$(diag_at warnings ".mounts[$((n - 1))].source")" ] || fail "an existing source is fine"
}

@test "warning: a capability outside skiff's own bounding set" {
	# CAP_SYS_RESOURCE is bit 24; this sandbox runs without it.
	if own_bounding_has 24; then
		skip "CAP_SYS_RESOURCE is in our bounding set"
	fi
	update_config '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]
		| .process.capabilities.effective += ["CAP_SYS_RESOURCE"]'
	check_json
	assert_success
	local n
	n=$(jq '.process.capabilities.bounding | length' "$BUNDLE/config.json")
	expect_diag warnings ".process.capabilities.bounding[$((n - 1))]" \
		"CAP_SYS_RESOURCE is not in skiff's own bounding set"
	n=$(jq '.process.capabilities.effective | length' "$BUNDLE/config.json")
	expect_diag warnings ".process.capabilities.effective[$((n - 1))]" "CAP_SYS_RESOURCE"
}

@test "warning: an rlimit above our own hard limit without CAP_SYS_RESOURCE" {
	local effective
	effective=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	(( (0x$effective >> 24) & 1 )) && skip "we have CAP_SYS_RESOURCE"
	local hard
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "no hard limit on open files"
	update_config --argjson h "$((hard + 1))" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: 1024}]'
	check_json
	assert_success
	expect_diag warnings '.process.rlimits[0].hard' "RLIMIT_NOFILE hard limit $((hard + 1)) is above skiff's own ($hard)"
	update_config --argjson h "$hard" '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: 1024}]'
	check_json
	[ -z "$(diag_at warnings '.process.rlimits[0].hard')" ] || fail "the hard limit itself is fine"
}

@test "warning: a resource whose cgroup controller is not mounted" {
	local mounted controller= field
	mounted=$(awk '$9 == "cgroup" {print $NF} $9 == "cgroup2" {print "cgroup2:" $5}' /proc/self/mountinfo)
	v2=$(for m in $(awk '$9 == "cgroup2" {print $5}' /proc/self/mountinfo); do cat "$m/cgroup.controllers"; done)
	for c in net_cls rdma net_prio; do
		if ! grep -qw "$c" <<<"$mounted" && ! grep -qw "$c" <<<"$v2"; then
			controller=$c
			break
		fi
	done
	[ -n "$controller" ] || skip "net_cls, net_prio and rdma are all mounted here"
	case $controller in
	net_cls) field=network.classID; update_config '.linux.resources.network = {classID: 1048577}' ;;
	net_prio) field=network.priorities; update_config '.linux.resources.network = {priorities: [{name: "eth0", priority: 5}]}' ;;
	rdma) field=rdma; update_config '.linux.resources.rdma = {mlx5_1: {hcaHandles: 3}}' ;;
	esac
	check_json
	assert_success
	expect_diag warnings ".linux.resources.$field" "the $controller cgroup controller is not mounted on this host"
}

@test "no warning for a resource whose controller is mounted" {
	grep -qE ' - cgroup cgroup \S*\bmemory\b' /proc/self/mountinfo ||
		grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null ||
		skip "no memory controller here"
	update_config '.linux.resources.memory = {limit: 104857600}'
	check_json
	assert_success
	[ -z "$(diag_at warnings .linux.resources.memory)" ] || fail "$CHECK_JSON"
}

@test "warning: an AppArmor profile or SELinux label with the LSM absent" {
	local apparmor=N
	apparmor=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo N)
	if [ "$apparmor" = Y ] && grep -q ' - selinuxfs ' /proc/self/mountinfo; then
		skip "both AppArmor and SELinux are enabled here"
	fi
	update_config '.process.apparmorProfile = "skiff-test" | .process.selinuxLabel = "system_u:system_r:container_t:s0"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	check_json
	assert_success
	if [ "$apparmor" != Y ]; then
		expect_diag warnings .process.apparmorProfile "AppArmor is not enabled on this host"
	fi
	if ! grep -q ' - selinuxfs ' /proc/self/mountinfo; then
		expect_diag warnings .process.selinuxLabel "SELinux is not enabled on this host"
		expect_diag warnings .linux.mountLabel "SELinux is not enabled on this host"
	fi
}

@test "warning: a seccomp architecture or flag libseccomp cannot handle" {
	local version
	version=$(pkg-config --modversion libseccomp)
	[[ "$version" == 2.5.* ]] || skip "expectations are for libseccomp 2.5, this is $version"
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_M68K"],
		flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	check_json
	assert_success
	expect_diag warnings '.linux.seccomp.architectures[1]' "libseccomp $version does not know the architecture SCMP_ARCH_M68K"
	[ -z "$(diag_at warnings '.linux.seccomp.architectures[0]')" ] || fail "x86_64 is known"
	expect_diag warnings '.linux.seccomp.flags[1]' "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp API level 7"
	[ -z "$(diag_at warnings '.linux.seccomp.flags[0]')" ] || fail "LOG is supported"
}

@test "errors and warnings together in JSON, for tools" {
	update_config '.process.cwd = "rel" | .root.path = "nothere"'
	check_json
	assert_failure 1
	assert_equal "$(echo "$CHECK_JSON" | jq -c '{e: [.errors[].path], w: [.warnings[].path]}')" \
		'{"e":[".process.cwd"],"w":[".root.path"]}'
	assert_equal "$(echo "$CHECK_JSON" | jq -c '[.errors[], .warnings[] | keys]')" \
		'[["message","path"],["message","path"]]'
}

@test "bad flags are usage errors on stderr" {
	run --separate-stderr "$SKIFF" check --format xml
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == 'skiff: check: invalid format "xml": expected text or json'* ]]
	run --separate-stderr "$SKIFF" check extra-arg
	assert_failure 1
	[[ "$stderr" == "skiff: check: takes no arguments"* ]]
}
