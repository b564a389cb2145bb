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
	run --separate-stderr ${CHECK_WRAP:-} "$SKIFF" check --format json "$@"
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
	assert_equal "$(diag_at errors "")" "config.json:1:15: invalid JSON: parse error: premature EOF, at the end of the text"
}

# A capability outside the bounding set check runs with (setpriv takes
# CAP_SYS_MODULE out of it): a warning on any host.  $CAP_AT is its path.
add_unreachable_cap() {
	update_config '.process.capabilities.bounding += ["CAP_SYS_MODULE"]'
	CAP_AT=".process.capabilities.bounding[$(jq '.process.capabilities.bounding | length - 1' "$BUNDLE/config.json")]"
}
without_sys_module() {
	setpriv --bounding-set -sys_module "$@"
}

@test "text format: one line per finding, errors then warnings, and a summary" {
	update_config '.process.cwd = "rel"'
	add_unreachable_cap
	run --separate-stderr without_sys_module "$SKIFF" check --bundle "$BUNDLE"
	assert_failure 1
	assert_equal "${lines[0]}" 'error: .process.cwd: must be an absolute path, got "rel"'
	assert_equal "${lines[1]}" "warning: $CAP_AT: CAP_SYS_MODULE is not in skiff's own bounding set, so the container cannot have it: it is ignored"
	assert_equal "${lines[2]}" "$BUNDLE/config.json: 1 error, 1 warning"
	assert_equal "${#lines[@]}" 3
}

@test "warnings alone keep exit 0" {
	add_unreachable_cap
	run without_sys_module "$SKIFF" check
	assert_success
	assert_line "./config.json: valid, 1 warning"
}

# skiff create ARGS... ctr, its error in $CREATE_ERR, and whatever it made
# deleted: its stdio are no pipes of bats, which a container it made would
# hold open (and the test would hang instead of failing).
try_create() {
	local rc=0
	"$SKIFF" --root "$ROOT" create "$@" ctr </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err" || rc=$?
	CREATE_ERR=$(cat "$BATS_TEST_TMPDIR/create.err")
	"$SKIFF" --root "$ROOT" delete --force ctr >/dev/null 2>&1 || true
	return $rc
}

# What create refuses on this host, check calls an error, with create's
# words: its verdict is create's (verdicts.bats runs every fixture).
expect_check_and_create() {
	local path=$1 msg=$2
	check_json
	assert_failure 1
	expect_diag errors "$path" "$msg"
	! try_create || fail "create takes it"
	[[ "$CREATE_ERR" == "skiff: config.json: $path: "*"$msg"* ]] || fail "create says: $CREATE_ERR"
}

@test "warning: every field the runtime-spec does not define, with the closest known name" {
	update_config '.process.argz = .process.args | del(.process.args)
		| .hostnmae = "box" | .Root = {} | .linux.resources.memory.limt = 5
		| .mounts[1].typ = "x" | .linux.netDevices = {"eth0": {"nmae": "x"}}
		| .zzzzz = 1 | .process.capabilities.bounding_set = []'
	check_json
	assert_failure 1
	# the missing args is still the error; the misspelt field says why
	expect_diag errors .process.args "must contain at least one entry"
	assert_equal "$(diag_at warnings .process.argz)" 'unknown field; did you mean `args`?'
	assert_equal "$(diag_at warnings .hostnmae)" 'unknown field; did you mean `hostname`?'
	assert_equal "$(diag_at warnings .Root)" 'unknown field; did you mean `root`?'
	assert_equal "$(diag_at warnings .linux.resources.memory.limt)" 'unknown field; did you mean `limit`?'
	assert_equal "$(diag_at warnings '.mounts[1].typ')" 'unknown field; did you mean `type`?'
	assert_equal "$(diag_at warnings '.linux.netDevices["eth0"].nmae')" 'unknown field; did you mean `name`?'
	assert_equal "$(diag_at warnings .zzzzz)" 'unknown field, not in the runtime-spec: ignored'
	assert_equal "$(diag_at warnings .process.capabilities.bounding_set)" 'unknown field, not in the runtime-spec: ignored'
	assert_equal "$(echo "$CHECK_JSON" | jq '.warnings | length')" 8
	run --separate-stderr "$SKIFF" check
	assert_line 'warning: .process.argz: unknown field; did you mean `args`?'
}

@test "no unknown-field warning for annotations, maps of the user's, vendor extensions, other platforms' and 1.3's fields" {
	update_config '.annotations = {"org.example.a": "1", "argz": "2"}
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| ."org.example.extension" = {"anything": true}
		| .process."com.example.flag" = 1
		| .windows = {"layerFolders": []} | .solaris = {} | .vm = {} | .zos = {}
		| .linux.memoryPolicy = {"mode": "MPOL_DEFAULT"} | .linux.intelRdt = {"schemata": []}'
	check_json
	assert_equal "$(echo "$CHECK_JSON" | jq -c '[.warnings[] | select(.message | startswith("unknown field"))]')" '[]'
}

@test "error, as of create: the rootfs is missing, not a directory, or a symlink" {
	# runc 1.1.5 refuses all three: "invalid rootfs: stat ...: no such file
	# or directory", "not a directory", "invalid rootfs: not an absolute
	# path, or a symlink".  This was a warning, and check said "valid".
	update_config '.root.path = "nothere"'
	expect_check_and_create .root.path "rootfs $BUNDLE/nothere: no such file or directory"
	touch afile
	update_config '.root.path = "afile"'
	expect_check_and_create .root.path "rootfs $BUNDLE/afile is not a directory"
	ln -s rootfs link
	update_config '.root.path = "link"'
	expect_check_and_create .root.path "invalid rootfs: $BUNDLE/link is a symlink or goes through one (to $BUNDLE/rootfs)"
	mkdir real && mv rootfs real/ && ln -s real dir
	update_config '.root.path = "dir/rootfs"'
	expect_check_and_create .root.path "invalid rootfs: $BUNDLE/dir/rootfs is a symlink or goes through one (to $BUNDLE/real/rootfs)"
	# the bundle itself may be reached through a symlink, as with runc
	update_config '.root.path = "real/./rootfs/"'
	ln -s "$BUNDLE" "$BATS_TEST_TMPDIR/via"
	run "$SKIFF" check --bundle "$BATS_TEST_TMPDIR/via"
	assert_success
}

@test "error, as of create: a bind mount source that does not exist" {
	# runc 1.1.5 fails too: 'error mounting "/nonexistent-src" to rootfs at
	# "/a": stat /nonexistent-src: no such file or directory'.
	update_config '.mounts += [{destination: "/a", type: "bind", source: "/nonexistent-src"},
		{destination: "/b", source: "relative-src", options: ["rbind", "ro"]},
		{destination: "/c", source: "rootfs/bin", options: ["bind"]}]'
	local n
	n=$(jq '.mounts | length' "$BUNDLE/config.json")
	expect_check_and_create ".mounts[$((n - 3))].source" "bind mount source /nonexistent-src: no such file or directory"
	expect_diag errors ".mounts[$((n - 2))].source" "./relative-src: no such file or directory"
	[ -z "$(diag_at errors ".mounts[$((n - 1))].source")" ] || fail "an existing source is fine"
}

@test "error: filesystem options on a bind mount, in check and create alike" {
	# The kernel takes no data for a bind: "size=1k" would be dropped
	# without a word (runc 1.1.5 runs it so, a bind of the source's size).
	update_config '.mounts += [{destination: "/a", type: "bind", source: "rootfs/bin", options: ["rbind", "size=1k", "mode=700", "ro"]}]'
	local n
	n=$(jq '.mounts | length - 1' "$BUNDLE/config.json")
	check_json
	assert_failure 1
	expect_diag errors ".mounts[$n].options" 'filesystem options "size=1k,mode=700" cannot apply to a bind mount'
	if try_create --bundle "$BUNDLE"; then
		fail "create took it"
	fi
	[[ "$CREATE_ERR" == *".mounts[$n].options: filesystem options \"size=1k,mode=700\" cannot apply to a bind mount"* ]] ||
		fail "create said: $CREATE_ERR"
	# Mount flags and propagation are no filesystem options.
	update_config '.mounts[-1].options = ["rbind", "ro", "nosuid", "rprivate"]'
	check_json
	assert_success
	[ -z "$(diag_at errors ".mounts[$n].options")" ] || fail "mount flags are no filesystem options"
	set_args true
	run skiff run ctr
	assert_success
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

@test "error, as of create: an AppArmor profile or SELinux label with the LSM absent" {
	# runc 1.1.5: "selinux label is specified in config, but selinux is
	# disabled or not supported"; a mountLabel makes its mount of /dev fail
	# ('data: mode=755,size=65536k,context="...": invalid argument').
	local apparmor=N
	apparmor=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo N)
	if [ "$apparmor" = Y ] && [ -e /sys/fs/selinux/enforce ]; then
		skip "both AppArmor and SELinux are enabled here"
	fi
	update_config '.process.apparmorProfile = "skiff-test" | .process.selinuxLabel = "system_u:system_r:container_t:s0"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	check_json
	assert_failure 1
	if [ "$apparmor" != Y ]; then
		expect_diag errors .process.apparmorProfile 'AppArmor profile "skiff-test" requested, but AppArmor is not enabled on this host'
	fi
	if [ ! -e /sys/fs/selinux/enforce ]; then
		expect_diag errors .process.selinuxLabel "SELinux is not enabled on this host"
		update_config 'del(.process.apparmorProfile, .process.selinuxLabel)'
		expect_check_and_create .linux.mountLabel \
			'SELinux mount label "system_u:object_r:container_file_t:s0" requested, but SELinux is not enabled on this host'
	fi
}

@test "error, as of create: a seccomp architecture or flag libseccomp cannot handle" {
	local version
	version=$(pkg-config --modversion libseccomp)
	[[ "$version" == 2.5.* ]] || skip "expectations are for libseccomp 2.5, this is $version"
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_M68K"],
		flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	# runc 1.1.5: "string SCMP_ARCH_M68K is not a valid arch for seccomp"
	expect_check_and_create '.linux.seccomp.architectures[1]' "architecture SCMP_ARCH_M68K is not known to libseccomp $version"
	[ -z "$(diag_at errors '.linux.seccomp.architectures[0]')" ] || fail "x86_64 is known"
	expect_diag errors '.linux.seccomp.flags[1]' "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp 2.6 or later"
	[ -z "$(diag_at errors '.linux.seccomp.flags[0]')" ] || fail "LOG is supported"
}

@test "error, as of create: rootfsPropagation private with --no-pivot, in create only" {
	# runc 1.1.5: "rootfsPropagation of [r]private is not safe without
	# pivot_root" (create --no-pivot); skiff ran it.  check has no
	# --no-pivot, so it says valid.
	set_args true
	for p in private rprivate; do
		update_config --arg p "$p" '.linux.rootfsPropagation = $p'
		! try_create --no-pivot || fail "create --no-pivot takes $p"
		assert_equal "$CREATE_ERR" "skiff: config.json: .linux.rootfsPropagation: rootfsPropagation of [r]private is not safe without pivot_root"
		run "$SKIFF" check
		assert_success
	done
	update_config '.linux.rootfsPropagation = "rslave"'
	run skiff run --no-pivot ctr
	assert_success
	update_config '.linux.rootfsPropagation = "private"'
	run skiff run ctr
	assert_success
}

@test "errors and warnings together in JSON, for tools" {
	update_config '.process.cwd = "rel"'
	add_unreachable_cap
	CHECK_WRAP=without_sys_module check_json
	assert_failure 1
	assert_equal "$(echo "$CHECK_JSON" | jq -c '{e: [.errors[].path], w: [.warnings[].path]}')" \
		"{\"e\":[\".process.cwd\"],\"w\":[\"$CAP_AT\"]}"
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
