#!/usr/bin/env bats
# Hardening of the config itself: each test writes a config that would reach
# the host, or run as root, and checks that create refuses it with the JSON
# path at fault, and that `skiff check` says the same.
#   sysctls   only namespaced ones, only with that namespace of the
#             container's own (as runc's validator); keys normalised first
#   ids       uids and gids within 0..2147483647, as runc: (gid_t)-1 means
#             "leave unchanged" to setresgid(), which kept the runtime's root
# A test that fails must not leave the host changed: each says which knob it
# aims at and with what value, and teardown puts back what the host had
# whatever happened; only a knob holding that value, so that it never undoes
# a change of someone else's.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	AIMED=()
}

# aim_at KNOB VALUE: this test tries to set /proc/sys/KNOB to VALUE; what
# the host has now goes to "$BATS_TEST_TMPDIR/host-KNOB" for teardown.
aim_at() {
	cat "/proc/sys/$1" > "$BATS_TEST_TMPDIR/host-${1//\//.}"
	AIMED+=("$1" "$2")
}

# The value the host had when the test aimed at the knob.
host_saved() {
	cat "$BATS_TEST_TMPDIR/host-${1//\//.}"
}

# The host's knob does not hold the value the test aimed at it (not "is
# what it was": others may change the host meanwhile).
assert_host_kept() {
	local i now
	now=$(cat "/proc/sys/$1")
	for ((i = 0; i < ${#AIMED[@]}; i += 2)); do
		[ "${AIMED[i]}" != "$1" ] || [ "$now" != "${AIMED[i + 1]}" ] ||
			fail "the host's $1 is now \"$now\""
	done
}

restore_host() {
	local i knob
	for ((i = 0; i < ${#AIMED[@]}; i += 2)); do
		knob=${AIMED[i]}
		if [ "$(cat "/proc/sys/$knob")" = "${AIMED[i + 1]}" ]; then
			echo "restoring the host's $knob" >&2
			host_saved "$knob" > "/proc/sys/$knob"
		fi
	done
}

teardown() {
	teardown_containers
	restore_host
	return 0
}

# create and run refuse the bundle, naming the JSON path $1 (and $2, ...);
# `skiff check` exits 1 showing the same.
expect_refused() {
	local cmd want
	for cmd in create run; do
		run_detached skiff "$cmd" ctr
		[ "$status" -eq 1 ] || fail "$cmd: status $status, not 1: $output"
		for want in "$@"; do
			[[ "$output" == *"$want"* ]] || fail "$cmd: output lacks \"$want\": $output"
		done
		[ ! -e "$ROOT/ctr" ] || fail "$cmd: a container was made"
	done
	run "$SKIFF" check
	[ "$status" -eq 1 ] || fail "check: status $status, not 1: $output"
	for want in "$@"; do
		[[ "$output" == *"error: $want"* ]] || fail "check: output lacks \"error: $want\": $output"
	done
}

# A value for a numeric knob other than the host's.
other_than() {
	if [ "$1" = "$2" ]; then echo "$3"; else echo "$2"; fi
}

@test "sysctl kernel.core_pattern (global) is refused: the host's core pattern stays" {
	aim_at kernel/core_pattern '|/tmp/skiff-evil %p'
	update_config '.linux.sysctl = {"kernel.core_pattern": "|/tmp/skiff-evil %p"}'
	set_args true
	expect_refused '.linux.sysctl["kernel.core_pattern"]: sysctl "kernel.core_pattern" is not in a separate kernel namespace'
	assert_host_kept kernel/core_pattern
}

@test "sysctl vm.swappiness (global) is refused: the host's swappiness stays" {
	local value
	value=$(other_than "$(cat /proc/sys/vm/swappiness)" 13 14)
	aim_at vm/swappiness "$value"
	update_config --arg v "$value" '.linux.sysctl = {"vm.swappiness": $v}'
	set_args true
	expect_refused '.linux.sysctl["vm.swappiness"]: sysctl "vm.swappiness" is not in a separate kernel namespace'
	assert_host_kept vm/swappiness
}

@test "sysctl net.* without a network namespace of the container's own is refused" {
	local value
	value=$(other_than "$(cat /proc/sys/net/ipv4/ip_default_ttl)" 63 62)
	aim_at net/ipv4/ip_default_ttl "$value"
	update_config --arg v "$value" '.linux.sysctl = {"net.ipv4.ip_default_ttl": $v}
		| .linux.namespaces |= map(select(.type != "network"))'
	set_args true
	expect_refused '.linux.sysctl["net.ipv4.ip_default_ttl"]: sysctl "net.ipv4.ip_default_ttl" would set the host'"'"'s: .linux.namespaces has no "network" namespace'
	assert_host_kept net/ipv4/ip_default_ttl
}

@test "sysctl net.* in a network namespace joined by path that is skiff's own is refused" {
	local value
	value=$(other_than "$(cat /proc/sys/net/ipv4/ip_default_ttl)" 63 62)
	aim_at net/ipv4/ip_default_ttl "$value"
	# as runc: a path is the container's own namespace, unless it is the
	# runtime's (here the test's, which skiff inherits)
	update_config --arg v "$value" --arg p "/proc/$$/ns/net" '.linux.sysctl = {"net.ipv4.ip_default_ttl": $v}
		| .linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
	set_args true
	expect_refused '.linux.sysctl["net.ipv4.ip_default_ttl"]: would set the host'"'"'s: .linux.namespaces[1].path is the network namespace skiff runs in'
	assert_host_kept net/ipv4/ip_default_ttl
}

@test "sysctl kernel.hostname without a uts namespace is refused: the host keeps its name" {
	aim_at kernel/hostname skiff-renamed-the-host
	update_config '.linux.sysctl = {"kernel.hostname": "skiff-renamed-the-host"}
		| del(.hostname) | .linux.namespaces |= map(select(.type != "uts"))'
	set_args true
	expect_refused '.linux.sysctl["kernel.hostname"]: sysctl "kernel.hostname" would set the host'"'"'s: .linux.namespaces has no "uts" namespace'
	assert_host_kept kernel/hostname
}

@test "sysctl kernel.hostname that conflicts with .hostname is refused; one that agrees is fine" {
	update_config '.hostname = "box" | .linux.sysctl = {"kernel.hostname": "other"}'
	set_args hostname
	expect_refused '.linux.sysctl["kernel.hostname"]: sysctl "kernel.hostname" conflicts with .hostname "box"'
	update_config '.linux.sysctl = {"kernel.hostname": "box"}'
	run skiff run ctr
	assert_success
	assert_output box
}

@test "a sysctl key in the / form is normalised first: kernel/core_pattern is no bypass" {
	aim_at kernel/core_pattern '|/tmp/skiff-evil %p'
	update_config '.linux.sysctl = {"kernel/core_pattern": "|/tmp/skiff-evil %p"}'
	set_args true
	expect_refused '.linux.sysctl["kernel/core_pattern"]: sysctl "kernel.core_pattern" is not in a separate kernel namespace'
	assert_host_kept kernel/core_pattern
	# the / form of a namespaced one works, in its namespace
	update_config '.linux.sysctl = {"net/ipv4/ip_default_ttl": "42"}'
	set_args cat /proc/sys/net/ipv4/ip_default_ttl
	run skiff run ctr
	assert_success
	assert_output 42
}

@test "a sysctl key with .. cannot climb out of the namespaced part of /proc/sys" {
	aim_at kernel/core_pattern '|/tmp/skiff-evil %p'
	update_config '.linux.sysctl = {"net/../kernel/core_pattern": "|/tmp/skiff-evil %p"}'
	set_args true
	expect_refused '.linux.sysctl["net/../kernel/core_pattern"]: not a sysctl: a component is empty, "." or ".."'
	assert_host_kept kernel/core_pattern
}

@test "process.user.uid 4294967295 is refused, not run as root" {
	update_config '.process.user = {"uid": 4294967295, "gid": 0}'
	set_args id -u
	expect_refused '.process.user.uid: must be between 0 and 2147483647, got 4294967295'
}

@test "process.user.gid 4294967295 is refused, not run with gid 0" {
	update_config '.process.user = {"uid": 1000, "gid": 4294967295}'
	set_args id -g
	expect_refused '.process.user.gid: must be between 0 and 2147483647, got 4294967295'
}

@test "exec -u 1000:4294967295 is refused, not run with gid 0" {
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	run skiff exec -u 1000:4294967295 ctr id -g
	assert_failure
	assert_output --partial 'exec: .process.user.gid: must be between 0 and 2147483647, got 4294967295'
	refute_line 0
	# the same through --process, and in the bundle for check
	jq '.process | .user = {"uid": 1000, "gid": 4294967295} | .args = ["id", "-g"]' config.json > "$BATS_TEST_TMPDIR/p.json"
	run skiff exec --process "$BATS_TEST_TMPDIR/p.json" ctr
	assert_failure
	assert_output --partial 'p.json: .process.user.gid: must be between 0 and 2147483647, got 4294967295'
	refute_line 0
	# a number that would wrap around is not a number
	run skiff exec -u '1000: -18446744073709551615' ctr id -g
	assert_failure
	assert_output --partial 'invalid --user'
	update_config '.process.user = {"uid": 1000, "gid": 4294967295}'
	run "$SKIFF" check
	assert_failure
	assert_output --partial 'error: .process.user.gid: must be between 0 and 2147483647'
}

@test "additionalGids 4294967295 are refused, in the config and by exec -g" {
	update_config '.process.user.additionalGids = [5, 4294967295]'
	set_args id -G
	expect_refused '.process.user.additionalGids[1]: must be between 0 and 2147483647, got 4294967295'
	update_config 'del(.process.user.additionalGids)'
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	run skiff exec -u 1000:1000 -g 4294967295 ctr id -G
	assert_failure
	assert_output --partial 'exec: .process.user.additionalGids[0]: must be between 0 and 2147483647, got 4294967295'
}

@test "id mappings past 2147483647 are refused: no map of every host id" {
	# "0 0 4294967295" is the host's own map: the container's root would be
	# the host's
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 4294967295}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 4294967295}]'
	set_args id -u
	expect_refused '.linux.uidMappings[0].size: 4294967295 ids from containerID 0 go past 2147483647'
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 4294967295, "size": 1}]'
	expect_refused '.linux.gidMappings[0].hostID: must be between 0 and 2147483647, got 4294967295'
	# an idmapped mount's too
	update_config '.linux.gidMappings = .linux.uidMappings
		| .mounts += [{"destination": "/mnt", "source": "/tmp", "type": "bind", "options": ["bind"],
			"uidMappings": [{"containerID": 0, "hostID": 0, "size": 4294967295}],
			"gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]}]'
	run "$SKIFF" check
	assert_failure
	assert_output --partial 'error: .mounts['
	assert_output --partial '].uidMappings[0].size: 4294967295 ids from containerID 0 go past 2147483647'
}
