#!/usr/bin/env bats
# `skiff features`: the runtime-spec features document (features.md,
# features-linux.md).  Each field is checked against what skiff really does
# on this host (a config using every listed name is accepted, what is not
# listed is refused) and against the host's own facts, and the document is
# checked to have the types containerd (go-runc, runtime-spec's
# specs-go/features) and podman decode it into.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	FEATURES=$("$SKIFF" features)
}

teardown() {
	teardown_containers
	kill_leftovers
}

# jq over the document.
feat() {
	jq -r "$@" <<<"$FEATURES"
}

# create must accept the bundle (then the container is deleted).
expect_create_ok() {
	run_detached skiff create ctr
	[ "$status" -eq 0 ] || fail "create refused it: $output"
	skiff delete --force ctr
}

@test "features: valid JSON with exactly the properties runtime-spec 1.3 defines, of the types engines decode" {
	run "$SKIFF" features
	assert_success
	# features.md: nothing that the version in ociVersionMax does not define
	feat -e '(keys - ["ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux",
		"annotations", "potentiallyUnsafeConfigAnnotations"]) == []'
	feat -e '(.linux | keys - ["namespaces", "capabilities", "cgroup", "seccomp", "apparmor",
		"selinux", "intelRdt", "memoryPolicy", "mountExtensions", "netDevices"]) == []'
	feat -e '(.linux.intelRdt | keys - ["enabled", "schemata", "monitoring"]) == []'
	feat -e '(.linux.memoryPolicy | keys - ["modes", "flags"]) == []'
	feat -e '(.linux.cgroup | keys - ["v1", "v2", "systemd", "systemdUser", "rdma"]) == []'
	feat -e '(.linux.seccomp | keys - ["enabled", "actions", "operators", "archs", "knownFlags",
		"supportedFlags"]) == []'
	# specs-go/features: strings, []string, *bool, map[string]string
	feat -e '(.ociVersionMin | type) == "string" and (.ociVersionMax | type) == "string"'
	feat -e '[.hooks, .mountOptions, .linux.namespaces, .linux.capabilities, .linux.seccomp.actions,
		.linux.seccomp.operators, .linux.seccomp.archs, .linux.seccomp.knownFlags,
		.linux.seccomp.supportedFlags, .linux.memoryPolicy.modes, .linux.memoryPolicy.flags,
		.potentiallyUnsafeConfigAnnotations] | all(type == "array" and all(.[]; type == "string"))'
	feat -e '[.linux.cgroup[], .linux.seccomp.enabled, .linux.apparmor.enabled, .linux.selinux.enabled,
		.linux.intelRdt.enabled, .linux.intelRdt.schemata, .linux.intelRdt.monitoring,
		.linux.mountExtensions.idmap.enabled, .linux.netDevices.enabled] | all(type == "boolean")'
	feat -e '.annotations | type == "object" and all(.[]; type == "string")'
	# indented for people, like runc's; no trailing garbage
	[ "${lines[0]}" = "{" ] && [ "${lines[-1]}" = "}" ]
}

@test "features: ociVersionMin and ociVersionMax are SemVer, min <= max, max is skiff --version's spec, and create accepts both" {
	min=$(feat .ociVersionMin)
	max=$(feat .ociVersionMax)
	[[ "$min" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && "$max" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "$(printf '%s\n%s\n' "$min" "$max" | sort -V | head -n 1)" = "$min" ]
	assert_equal "spec: $max" "$("$SKIFF" --version | grep '^spec: ')"
	set_args true
	for v in "$min" "$max"; do
		update_config --arg v "$v" '.ociVersion = $v'
		expect_create_ok
	done
}

@test "features: every hook listed runs" {
	assert_equal "$(feat '.hooks | join(" ")')" "prestart createRuntime createContainer startContainer poststart poststop"
	mkdir -p "$BATS_TEST_TMPDIR/ran"
	set_args sleep 100
	hooks='{}'
	for kind in $(feat '.hooks[]'); do
		hooks=$(jq -c --arg k "$kind" --arg d "$BATS_TEST_TMPDIR/ran" \
			'.[$k] = [{path: "/bin/sh", args: ["sh", "-c", ("touch " + $d + "/" + $k + " 2>/dev/null; :")]}]' <<<"$hooks")
	done
	# startContainer runs inside the container: give it the directory
	update_config --argjson h "$hooks" --arg d "$BATS_TEST_TMPDIR/ran" '.hooks = $h
		| .mounts += [{destination: $d, type: "bind", source: $d, options: ["rbind"]}]'
	skiff create ctr
	skiff start ctr
	skiff delete --force ctr
	for kind in $(feat '.hooks[]'); do
		[ -e "$BATS_TEST_TMPDIR/ran/$kind" ] || fail "the $kind hook did not run"
	done
}

@test "features: every namespace type listed is accepted, an unlisted one refused" {
	set_args true
	update_config --argjson t "$(feat -c '.linux.namespaces')" '.linux.namespaces = [$t[] | {type: .}]
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
	run "$SKIFF" check --format json --bundle "$BUNDLE"
	assert_success
	echo "$output" | jq -e '.errors == []'
	expect_create_ok
	update_config '.linux.namespaces += [{type: "skiffns"}]'
	run "$SKIFF" check --bundle "$BUNDLE"
	assert_failure
}

@test "features: capabilities are libcap's names, each one recognized" {
	# capsh is libcap's own tool: the same list, lower case, comma-separated
	want=$(capsh --decode=0xffffffffffffffff | sed 's/^[^=]*=//' | tr ',' '\n' | grep -v '^[0-9]' |
		tr a-z A-Z | sort)
	assert_equal "$(feat '.linux.capabilities[]' | sort)" "$want"
	# none of them is reported as unknown (those this kernel lacks would be)
	update_config --argjson c "$(feat -c '.linux.capabilities')" '.process.capabilities.bounding = $c'
	run "$SKIFF" check --format json --bundle "$BUNDLE"
	assert_success
	echo "$output" | jq -e '[.warnings[].message | select(test("unknown capability"))] == []'
}

@test "features: cgroup v1 and v2 are implemented, the systemd drivers as this build has them" {
	feat -e '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true and .linux.cgroup.rdma == true'
	if grep -q '^#define HAVE_LIBSYSTEMD 1' "$TESTS_BUILDDIR/../config.h"; then
		feat -e '.linux.cgroup.systemd == true and .linux.cgroup.systemdUser == true'
	else
		feat -e '.linux.cgroup.systemd == false and .linux.cgroup.systemdUser == false'
	fi
}

@test "features: seccomp actions, operators and architectures listed are all accepted by create" {
	feat -e '.linux.seccomp.enabled == true'
	set_args true
	# one rule per action (NOTIFY needs an agent: seccomp.bats has it)
	rules=$(feat -c '[.linux.seccomp.actions[] | select(. != "SCMP_ACT_NOTIFY" and . != "SCMP_ACT_ALLOW")
		| {names: ["acct"], action: .}] | to_entries
		| map(.value + {names: [["acct", "swapon", "swapoff", "reboot", "kexec_load", "init_module",
			"delete_module", "quotactl", "pivot_root"][.key]]})')
	update_config --argjson r "$rules" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}'
	expect_create_ok
	# every operator, each on a syscall of its own
	conds=$(feat -c '[.linux.seccomp.operators | to_entries[]
		| {names: [["acct", "swapon", "swapoff", "reboot", "kexec_load", "init_module", "delete_module"][.key]],
		   action: "SCMP_ACT_ERRNO", args: [{index: 0, value: 1, valueTwo: 1, op: .value}]}]')
	update_config --argjson r "$conds" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: $r}'
	expect_create_ok
	# every architecture (one at a time: a filter cannot mix big- and
	# little-endian ones)
	for arch in $(feat '.linux.seccomp.archs[]'); do
		update_config --arg a "$arch" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: [$a]}'
		expect_create_ok
	done
	# and the one this host runs is listed
	case $(uname -m) in
	x86_64) feat -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") and index("SCMP_ARCH_X86")' ;;
	aarch64) feat -e '.linux.seccomp.archs | index("SCMP_ARCH_AARCH64")' ;;
	esac
}

@test "features: seccomp supportedFlags are the knownFlags this kernel and libseccomp can set" {
	feat -e '.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags == []'
	set_args true
	update_config --argjson f "$(feat -c '.linux.seccomp.supportedFlags')" \
		'.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: $f}'
	expect_create_ok
	for flag in $(feat '.linux.seccomp.knownFlags - .linux.seccomp.supportedFlags | .[]'); do
		update_config --arg f "$flag" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: [$f]}'
		run_detached skiff create ctr
		assert_failure
		assert_output --partial "$flag"
	done
	# this kernel (5.0+) and libseccomp 2.5 have at least these
	feat -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC") and index("SECCOMP_FILTER_FLAG_LOG")'
}

@test "features: apparmor and selinux are implemented; whether this host runs them is in the annotations" {
	feat -e '.linux.apparmor.enabled == true and .linux.selinux.enabled == true'
	if [ -e /sys/kernel/security/apparmor ] && [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		host_aa=true
	else
		host_aa=false
	fi
	[ -e /sys/fs/selinux/enforce ] && host_se=true || host_se=false
	assert_equal "$(feat '.annotations["org.skiff.host.apparmor.enabled"]')" "$host_aa"
	assert_equal "$(feat '.annotations["org.skiff.host.selinux.enabled"]')" "$host_se"
}

@test "features: intelRdt with schemata and monitoring is implemented: create applies it to a resctrl tree, and fails naming it without one" {
	feat -e '.linux.intelRdt == {enabled: true, schemata: true, monitoring: true}'
	set_args true
	update_config '.linux.intelRdt = {schemata: "L3:0=f", enableMonitoring: true}'
	if ! grep -q ' - resctrl ' /proc/self/mountinfo; then
		run_detached skiff create ctr
		assert_failure
		assert_output --partial ".linux.intelRdt"
	fi
	# a stand-in resctrl tree (intelrdt.c: $SKIFF_TEST_RESCTRL_ROOT, tests only)
	mkdir "$BATS_TEST_TMPDIR/resctrl"
	SKIFF_TEST_RESCTRL_ROOT=$BATS_TEST_TMPDIR/resctrl expect_create_ok
}

@test "features: every memoryPolicy mode and flag listed is applied (run accepts each), and nothing else is" {
	assert_equal "$(feat '.linux.memoryPolicy.modes | join(" ")')" \
		"MPOL_DEFAULT MPOL_BIND MPOL_INTERLEAVE MPOL_WEIGHTED_INTERLEAVE MPOL_PREFERRED MPOL_PREFERRED_MANY MPOL_LOCAL"
	assert_equal "$(feat '.linux.memoryPolicy.flags | join(" ")')" \
		"MPOL_F_NUMA_BALANCING MPOL_F_RELATIVE_NODES MPOL_F_STATIC_NODES"
	[ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA"
	set_args true
	for mode in $(feat '.linux.memoryPolicy.modes[]'); do
		case $mode in
		MPOL_DEFAULT | MPOL_LOCAL) update_config --arg m "$mode" '.linux.memoryPolicy = {mode: $m}' ;;
		*) update_config --arg m "$mode" '.linux.memoryPolicy = {mode: $m, nodes: "0"}' ;;
		esac
		run skiff run ctr
		[ "$status" -eq 0 ] || fail "$mode: $output"
	done
	update_config '.linux.memoryPolicy = {mode: "MPOL_FOO", nodes: "0"}'
	run_detached skiff create ctr
	assert_failure
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_FOO"]}'
	run_detached skiff create ctr
	assert_failure
	for flag in $(feat '.linux.memoryPolicy.flags[]'); do
		update_config --arg f "$flag" '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: [$f]}'
		run skiff run ctr
		[ "$status" -eq 0 ] || fail "$flag: $output"
	done
}

@test "features: netDevices and idmapped mounts are implemented; no config annotation changes what skiff does" {
	feat -e '.linux.netDevices.enabled == true and .linux.mountExtensions.idmap.enabled == true'
	feat -e '.potentiallyUnsafeConfigAnnotations == []'
}

@test "features: annotations carry the versions of skiff and libseccomp and this host's cgroup layout" {
	assert_equal "$(feat '.annotations["org.skiff.version"]')" "$("$SKIFF" --version | sed -n 's/^skiff version //p')"
	lib=$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null || true)
	[ -z "$lib" ] || [[ "$lib" == "$(feat '.annotations["io.github.seccomp.libseccomp.version"]')"* ]] ||
		fail "libseccomp $lib, features say $(feat '.annotations["io.github.seccomp.libseccomp.version"]')"
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		layout=v2
	elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
		layout=hybrid
	else
		layout=v1
	fi
	assert_equal "$(feat '.annotations["org.skiff.host.cgroup"]')" "$layout"
}

@test "features: mount options listed are recognized: a mount with each of the plain ones works" {
	# the bind, propagation, recursive and idmap ones take a bind mount and
	# the unit test checks every name is no filesystem data; here the rest
	# of them, one tmpfs each, in one container
	set_args true
	opts=$(feat -c '[.mountOptions[] | select(test("^(r|bind$|private$|shared$|slave$|unbindable$|idmap$|remount$)") | not)]')
	[ "$(jq length <<<"$opts")" -gt 25 ]
	update_config --argjson o "$opts" '.mounts += [$o | to_entries[] |
		{destination: ("/features-" + (.key | tostring)), type: "tmpfs", source: "tmpfs", options: [.value]}]'
	expect_create_ok
}
