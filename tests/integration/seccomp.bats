#!/usr/bin/env bats
# linux.seccomp: actions, errno returns, argument conditions, architectures,
# flags, the engines' default profiles, and SCMP_ACT_NOTIFY with an agent.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	update_config '.root.readonly = false'
	AGENT_PID=
}

teardown() {
	teardown_containers
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" 2>/dev/null
	fi
	return 0
}

# Set linux.seccomp to the JSON in $1.
set_seccomp() {
	update_config --argjson s "$1" '.linux.seccomp = $s'
}

# A profile that allows everything but applies ACTION to mkdir/mkdirat,
# with an optional errnoRet.
block_mkdir() {
	local rule='{"names": ["mkdir", "mkdirat"], "action": $a}'
	[ -n "${2:-}" ] && rule='{"names": ["mkdir", "mkdirat"], "action": $a, "errnoRet": ($e | tonumber)}'
	update_config --arg a "$1" --arg e "${2:-}" \
		".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [$rule]}"
}

# For each signal number, "N ok" or "N denied" as `kill -N $$` fares.
KILL_PROBE='for s in 0 17 18 23 28; do if kill -$s $$ 2>/dev/null; then echo "$s ok"; else echo "$s denied"; fi; done'

# Run the kill probe with one rule on kill(2)'s arguments ($1: the args JSON)
# and print the denied signals on one line.
denied_signals() {
	update_config --argjson args "$1" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": $args}]}'
	set_args sh -c "$KILL_PROBE"
	run skiff run ctr
	assert_success
	echo "$output" | awk '$2 == "denied" {printf "%s ", $1}'
}

@test "seccomp: SCMP_ACT_ERRNO returns EPERM by default, errnoRet picks another errno" {
	block_mkdir SCMP_ACT_ERRNO
	set_args sh -c 'grep -E "^Seccomp(_filters)?:" /proc/self/status; mkdir /tmp/a; echo still-running'
	run skiff run ctr
	assert_success
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --regexp '^Seccomp_filters:\s+1$'
	assert_line --partial "can't create directory '/tmp/a': Operation not permitted"
	assert_line still-running
	[ ! -e rootfs/tmp/a ]
	# 95 is EOPNOTSUPP
	block_mkdir SCMP_ACT_ERRNO 95
	run skiff run ctr
	assert_line --partial "can't create directory '/tmp/a': Operation not supported"
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, and an allow-list" {
	need_helpers syscall-names
	allow=$("$HELPERS/syscall-names" | awk '$2 != "mkdir" && $2 != "mkdirat" {print $2}' | jq -R . | jq -cs .)
	[ "$(echo "$allow" | jq length)" -gt 300 ]
	update_config --argjson n "$allow" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"defaultErrnoRet": 38, "syscalls": [{"names": $n, "action": "SCMP_ACT_ALLOW"}]}'
	set_args sh -c 'mkdir /tmp/a; echo still-running'
	run skiff run ctr
	assert_success
	# 38 is ENOSYS: the default action, for the only syscalls not allowed
	assert_line --partial "can't create directory '/tmp/a': Function not implemented"
	assert_line still-running
}

@test "seccomp: SCMP_ACT_KILL, KILL_THREAD, KILL_PROCESS and TRAP end the process with SIGSYS" {
	set_args mkdir /tmp/a
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
		block_mkdir "$action"
		run skiff run ctr
		# 128 + SIGSYS (31)
		[ "$status" -eq 159 ] || fail "$action: status $status, output $output"
	done
	[ ! -e rootfs/tmp/a ]
}

@test "seccomp: SCMP_ACT_TRACE with no tracer fails the syscall with ENOSYS" {
	block_mkdir SCMP_ACT_TRACE
	set_args sh -c 'mkdir /tmp/a'
	run skiff run ctr
	assert_failure
	assert_output --partial "Function not implemented"
	[ ! -e rootfs/tmp/a ]
}

@test "seccomp: SCMP_ACT_LOG and SCMP_ACT_ALLOW let the syscall run" {
	block_mkdir SCMP_ACT_LOG
	set_args sh -c 'mkdir /tmp/a && grep -E "^Seccomp:" /proc/self/status'
	run skiff run ctr
	assert_success
	assert_output --regexp '^Seccomp:\s+2$'
	[ -d rootfs/tmp/a ]
	rmdir rootfs/tmp/a
	set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_ALLOW" | .linux.seccomp.syscalls[0].action = "SCMP_ACT_ALLOW"'
	run skiff run ctr
	assert_success
}

@test "seccomp: every argument operator (kill's signal number against 18)" {
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]'
	assert_output "18 "
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_NE"}]'
	assert_output "0 17 23 28 "
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_LT"}]'
	assert_output "0 17 "
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_LE"}]'
	assert_output "0 17 18 "
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_GT"}]'
	assert_output "23 28 "
	run denied_signals '[{"index": 1, "value": 18, "op": "SCMP_CMP_GE"}]'
	assert_output "18 23 28 "
	# (signal & 0x10) == 0x10
	run denied_signals '[{"index": 1, "value": 16, "valueTwo": 16, "op": "SCMP_CMP_MASKED_EQ"}]'
	assert_output "17 18 23 28 "
}

@test "seccomp: conditions on different arguments are ANDed in one rule" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"],
		"action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
		{"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]}]}'
	# the shell is pid 1; pid 0 is its process group
	set_args sh -c 'kill -18 1 2>/dev/null || echo pid1-cont-denied; kill -0 1 && echo pid1-zero-ok; kill -18 0 && echo group-cont-ok'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'pid1-cont-denied\npid1-zero-ok\ngroup-cont-ok')"
}

@test "seccomp: several conditions on the same argument become separate rules, as runc" {
	run denied_signals '[{"index": 1, "value": 17, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 18, "op": "SCMP_CMP_EQ"}]'
	assert_output "17 18 "
}

@test "seccomp: syscall names libseccomp does not know are skipped" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["no_such_syscall", "mkdir", "mkdirat", "another_made_up_one"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/a 2>&1; echo done'
	run skiff run ctr
	assert_success
	assert_line --partial "Operation not permitted"
	assert_line done
}

@test "seccomp: bad profiles are errors of create and of check, and leave nothing behind" {
	set_args true
	# `skiff check` says the same as create: each rule is the config's
	# alone (spec/validate.c), none waits for libseccomp.  runc 1.1.5 takes
	# an errnoRet on KILL or ALLOW silently, and finds the others only in
	# its init ("SCMP_ACT_NOTIFY cannot be used as default action",
	# "syscalls only have up to 6 arguments (6 given)").
	check_refused() {
		set_seccomp "$1"
		run skiff create ctr
		[ "$status" -eq 1 ] || fail "accepted: $1"
		[[ "$output" == *"$2"* ]] || fail "for $1: expected \"$2\" in: $output"
		[ ! -e "$ROOT/ctr" ] || fail "state left behind for $1"
		run "$SKIFF" check --format json
		[ "$status" -eq 1 ] || fail "check says valid: $1"
		[[ "$(echo "$output" | jq -r '.errors[] | .path + ": " + .message')" == *"$2"* ]] ||
			fail "for $1: check does not say \"$2\": $output"
	}
	check_refused '{"defaultAction": "SCMP_ACT_EXPLODE"}' 'SCMP_ACT_EXPLODE'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOPE"}]}' 'SCMP_ACT_NOPE'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]}' \
		'only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 5}' \
		'only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE'
	check_refused '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/tmp/x.sock"}' \
		'SCMP_ACT_NOTIFY cannot be the default action'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/tmp/x.sock", "syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_NOTIFY"}]}' \
		'SCMP_ACT_NOTIFY cannot be used for sendmsg'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' \
		'index 6'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}' 'SCMP_ARCH_VAX'
	check_refused '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' 'SECCOMP_FILTER_FLAG_BOGUS'
}

@test "seccomp: flags TSYNC, LOG and SPEC_ALLOW are set; WAIT_KILLABLE_RECV where libseccomp has it" {
	block_mkdir SCMP_ACT_ERRNO
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
	set_args sh -c 'grep -E "^Seccomp:" /proc/self/status; mkdir /tmp/a'
	run skiff run ctr
	assert_failure
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --partial "Operation not permitted"
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	run skiff run ctr
	if pkg-config --atleast-version=2.6 libseccomp; then
		assert_line --partial "Operation not permitted"
	else
		assert_equal "$status" 1
		assert_output --partial "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp 2.6"
		[ ! -e "$ROOT/ctr" ]
	fi
}

@test "seccomp: architectures: a 32-bit x86 syscall passes only when SCMP_ARCH_X86 is listed" {
	need_helpers int80
	"$HELPERS/int80" >/dev/null 2>&1 || skip "this host cannot make 32-bit x86 syscalls"
	cp "$HELPERS/int80" rootfs/bin/int80
	block_mkdir SCMP_ACT_ERRNO
	set_args /bin/int80
	# only the native architecture: libseccomp kills a foreign one
	run skiff run ctr
	assert_equal "$status" 159
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
	run skiff run ctr
	assert_success
	assert_output ok
}

@test "seccomp: without noNewPrivileges the filter is loaded before the switch to a non-root user" {
	block_mkdir SCMP_ACT_ERRNO
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}'
	chmod 1777 rootfs/tmp
	set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status; id -u; mkdir /tmp/a'
	run skiff run ctr
	assert_failure
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --regexp '^NoNewPrivs:\s+0$'
	# nothing left of CAP_SYS_ADMIN, which loading needed
	assert_line --regexp '^CapEff:\s+0+$'
	assert_line 1000
	assert_line --partial "Operation not permitted"
	[ ! -e rootfs/tmp/a ]
}

@test "seccomp: with noNewPrivileges, as a non-root user" {
	block_mkdir SCMP_ACT_ERRNO 95
	update_config '.process.noNewPrivileges = true | .process.user = {"uid": 1000, "gid": 1000}'
	chmod 1777 rootfs/tmp
	set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/a'
	run skiff run ctr
	assert_failure
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_line --partial "Operation not supported"
}

@test "seccomp: the default profiles Docker and podman hand to runc load and confine" {
	configs=$SHARED_DIR/engine-configs
	[ -f "$configs/docker-run-d.config.json" ] || skip "no $configs"
	need_helpers try-syscall syscall-names
	cp "$HELPERS/try-syscall" rootfs/bin/
	add_key=$("$HELPERS/syscall-names" | awk '$2 == "add_key" {print $1}')
	# unshare(2) is outside Docker's profile for a container without CAP_SYS_ADMIN
	update_config --slurpfile d "$configs/docker-run-d.config.json" \
		'.linux.seccomp = $d[0].linux.seccomp | .process.noNewPrivileges = false'
	set_args sh -c "unshare -U true && echo unshare-ok; try-syscall $add_key; echo alive"
	run skiff run ctr
	assert_success
	assert_line --index 0 --partial "Operation not permitted"
	refute_line unshare-ok
	# add_key is not in the list: the default action, EPERM
	assert_line --index 1 "Operation not permitted"
	assert_line alive
	# without a profile the same process may unshare a user namespace, and
	# add_key gets as far as the kernel's own checks
	update_config 'del(.linux.seccomp)'
	run skiff run ctr
	assert_line unshare-ok
	assert_line --index 1 "Bad address"
	# podman's profile allows unshare, and answers what it does not list
	# with its defaultErrnoRet, ENOSYS
	update_config --slurpfile d "$configs/podman-run-d.config.json" '.linux.seccomp = $d[0].linux.seccomp'
	run skiff run ctr
	assert_success
	assert_line unshare-ok
	assert_line --index 1 "Function not implemented"
}

# A profile as Docker's are made: defaultAction SCMP_ACT_ERRNO (EPERM), the
# three x86 architectures, and an allow-list of every syscall numbered below
# 300 on x86_64 but keyctl (250); try-syscall in the rootfs.
enosys_profile() {
	need_helpers try-syscall syscall-names
	[ "$(uname -m)" = x86_64 ] || skip "the syscall numbers below are x86_64's"
	cp "$HELPERS/try-syscall" rootfs/bin/
	allow=$("$HELPERS/syscall-names" | awk '$1 < 300 && $2 != "keyctl" {print $2}' | jq -R . | jq -cs .)
	update_config --argjson n "$allow" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"syscalls": [{"names": $n, "action": "SCMP_ACT_ALLOW"}]}'
}

# "NR result" for syscall numbers around the profile's edge: 1000; 300, one
# above the highest named (recvmmsg, 299, which runs: ENOTSOCK); keyctl, 250,
# unnamed below it; the same for x32 (0x40000000 + NR).  runc 1.1.5 gives
# ENOSYS for 1000, 300 and x32's 1000, EPERM for 250 and x32's 250
# (x32's highest named is above 512).
ENOSYS_PROBE='for nr in 1000 300 299 250 1073742824 1073742074; do echo "$nr $(try-syscall $nr)"; done'

assert_enosys_probe() {
	assert_line "1000 Function not implemented"
	assert_line "300 Function not implemented"
	assert_line "299 Socket operation on non-socket"
	assert_line "250 Operation not permitted"
	assert_line "1073742824 Function not implemented"
	assert_line "1073742074 Operation not permitted"
}

@test "seccomp: a syscall above the highest the profile names fails with ENOSYS, not the default errno (as runc)" {
	enosys_profile
	set_args sh -c "$ENOSYS_PROBE"
	# noNewPrivileges: loaded by the exec stub, last
	run skiff run ctr
	assert_success
	assert_enosys_probe
	# without: loaded before the switch to the container's user
	update_config '.process.noNewPrivileges = false'
	run skiff run ctr
	assert_success
	assert_enosys_probe
	# no architectures listed: the native one counts all the same (runc
	# 1.1.14 and later; 1.1.5 gave EPERM here)
	update_config 'del(.linux.seccomp.architectures)'
	run skiff run ctr
	assert_line "1000 Function not implemented"
	assert_line "250 Operation not permitted"
	# a rule with the default action counts too (runc 1.1.5: openat2, 437,
	# named with SCMP_ACT_ERRNO: 436 EPERM, 438 ENOSYS)
	update_config '.linux.seccomp.syscalls += [{"names": ["openat2"], "action": "SCMP_ACT_ERRNO"}]'
	set_args sh -c 'for nr in 436 437 438; do echo "$nr $(try-syscall $nr)"; done'
	run skiff run ctr
	assert_output "$(printf '436 Operation not permitted\n437 Operation not permitted\n438 Function not implemented')"
	# a killing default action gets the prefix too (runc 1.1.5: ENOSYS);
	# loaded last, as the runtime's own syscalls would be killed (and
	# without openat2, as the static try-syscall's rseq, 334, would be)
	update_config '.linux.seccomp.defaultAction = "SCMP_ACT_KILL" | .process.noNewPrivileges = true
		| .linux.seccomp.syscalls |= .[0:1]'
	set_args try-syscall 1000
	run skiff run ctr
	assert_output "Function not implemented"
	# a permissive default action does not: the kernel answers (ENOSYS here
	# too) and what it knows runs
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["keyctl"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'for nr in 318 250; do echo "$nr $(try-syscall $nr)"; done'
	run skiff run ctr
	assert_output "$(printf '318 ok\n250 Operation not permitted')"
}

@test "seccomp: exec'd processes get ENOSYS above the highest named syscall too" {
	enosys_profile
	update_config '.process.noNewPrivileges = false'
	set_args sleep 100
	skiff run -d ctr
	# loaded before the switch to the user
	run skiff exec ctr sh -c "$ENOSYS_PROBE"
	assert_success
	assert_enosys_probe
	# with no_new_privs: by the exec stub
	run skiff exec --no-new-privs --user 1000:1000 ctr sh -c "grep NoNewPrivs /proc/self/status; $ENOSYS_PROBE"
	assert_success
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_enosys_probe
}

# Start the agent helper on a socket in this test's directory.
start_agent() {
	need_helpers seccomp-agent
	AGENT_SOCK=$BATS_TEST_TMPDIR/agent.sock
	AGENT_STATE=$BATS_TEST_TMPDIR/agent-state.json
	AGENT_OUT=$BATS_TEST_TMPDIR/agent.out
	"$HELPERS/seccomp-agent" "$AGENT_SOCK" "$AGENT_STATE" "$1" > "$AGENT_OUT" 2>&1 &
	AGENT_PID=$!
	for i in $(seq 50); do [ -S "$AGENT_SOCK" ] && return 0; sleep 0.05; done
	fail "the seccomp agent did not start"
}

notify_mkdir() {
	update_config --arg p "$AGENT_SOCK" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $p, "listenerMetadata": "MKDIR=refuse",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
}

@test "seccomp notify: the agent gets the container process state and the listener, and answers" {
	start_agent errno:18
	notify_mkdir
	update_config '.annotations = {"org.example": "yes"}'
	set_args sh -c 'mkdir /tmp/a; echo done'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run jq -c . "$AGENT_STATE"
	assert_success
	state=$output
	echo "$state" | jq -e --argjson pid "$pid" --arg b "$BUNDLE" '
		.ociVersion == "1.3.0" and .fds == ["seccompFd"] and .pid == $pid
		and .metadata == "MKDIR=refuse" and .state.id == "ctr" and .state.status == "creating"
		and .state.pid == $pid and .state.bundle == $b and .state.annotations["org.example"] == "yes"'
	wait "$AGENT_PID"
	AGENT_PID=
	# the agent saw mkdir and made it fail with EXDEV (18)
	run cat "$AGENT_OUT"
	assert_output --regexp '^mkdir(at)?$'
	[ ! -e rootfs/tmp/a ]
}

@test "seccomp notify: the agent may fake success, and the process goes on" {
	start_agent fake
	notify_mkdir
	set_args sh -c 'mkdir /tmp/a && echo mkdir-said-yes; [ -d /tmp/a ] || echo but-nothing-made'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'mkdir-said-yes\nbut-nothing-made')"
}

@test "seccomp notify: an errno from the agent reaches the process" {
	start_agent errno:18
	notify_mkdir
	set_args sh -c 'mkdir /tmp/a'
	run skiff run ctr
	assert_failure
	assert_output --partial "Invalid cross-device link"
}

@test "seccomp notify: without noNewPrivileges, as a non-root user" {
	start_agent continue
	notify_mkdir
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000}'
	chmod 1777 rootfs/tmp
	set_args sh -c 'mkdir /tmp/a && echo made; grep NoNewPrivs /proc/self/status'
	run skiff run ctr
	assert_success
	assert_line made
	assert_line --regexp '^NoNewPrivs:\s+0$'
	# SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel ran it
	[ -d rootfs/tmp/a ]
}

@test "seccomp notify: the filter with a listener has the ENOSYS prefix too" {
	enosys_profile
	start_agent continue
	update_config --arg p "$AGENT_SOCK" '.linux.seccomp.listenerPath = $p
		| .linux.seccomp.syscalls[0].names -= ["mkdir", "mkdirat"]
		| .linux.seccomp.syscalls += [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]
		| .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC"]'
	set_args sh -c "$ENOSYS_PROBE; mkdir /tmp/a && echo made"
	run skiff run ctr
	assert_success
	# runc 1.1.5, same profile: ENOSYS for 1000 and 300, EPERM for 250
	assert_enosys_probe
	assert_line made
	wait "$AGENT_PID"
	AGENT_PID=
	run cat "$AGENT_OUT"
	assert_output --regexp '^mkdir(at)?$'
}

@test "seccomp notify: no agent at listenerPath is an error of create, nothing left" {
	AGENT_SOCK=$BATS_TEST_TMPDIR/nobody-listens.sock
	notify_mkdir
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "connect to the seccomp agent at $AGENT_SOCK"
	[ ! -e "$ROOT/ctr" ]
	run pgrep -f "$BUNDLE"
	assert_failure
}

@test "seccomp: a process started by exec is confined by the container's profile too" {
	block_mkdir SCMP_ACT_ERRNO 95
	update_config '.process.noNewPrivileges = false'
	set_args sleep 100
	skiff run -d ctr
	run skiff exec ctr sh -c 'grep -E "^Seccomp:" /proc/self/status; mkdir /tmp/by-exec'
	assert_failure
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --partial "Operation not supported"
	# without no_new_privs, as a non-root user: loaded before the switch
	run skiff exec --user 1000:1000 ctr sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/by-exec'
	assert_failure
	assert_line --regexp '^NoNewPrivs:\s+0$'
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --partial "Operation not supported"
	# and with it
	run skiff exec --no-new-privs --user 1000:1000 ctr sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/by-exec'
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_line --regexp '^Seccomp:\s+2$'
	[ ! -e rootfs/tmp/by-exec ]
}
