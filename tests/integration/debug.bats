#!/usr/bin/env bats
# --debug: the library's trace lines (skiff_context.trace) as runc prints
# its debug log: text `time="..." level=debug msg="..."` on stderr or the
# --log file, `{"level":"debug","msg":"...","time":"..."}` with
# --log-format json.  The steps of the container's init and of exec's
# process come from those processes, relayed to skiff ("init: ...",
# "exec: ...").

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template echo hello
}

setup() {
	setup_bundle_copy
	# A pids limit (a cgroup file to write), a prestart hook, and a seccomp
	# profile loaded by the init (noNewPrivileges false: its last step).
	update_config '.linux.resources.pids = {limit: 42}
		| .hooks.prestart = [{path: "/bin/true", args: ["true"]}]
		| .process.noNewPrivileges = false
		| .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: ["mknodat", "mknod"], action: "SCMP_ACT_ERRNO"}]}'
}

# The lines of a text log whose msg matches the regexp $2 (in file $1).
debug_lines() {
	grep -E "^time=\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\" level=debug msg=\"$2" "$1"
}

# The steps the issue asks for, in a text log $1.
assert_steps_text() {
	debug_lines "$1" 'create ctr: bundle ' >/dev/null || fail "no create line"
	debug_lines "$1" 'namespace mount: new"$' >/dev/null || fail "no namespace line"
	debug_lines "$1" 'init: mount proc on /proc \(type proc, flags ' >/dev/null ||
		fail "no mount of /proc from the init"
	debug_lines "$1" "cgroup: write \\\\\"42\\\\\" to /sys/fs/cgroup/.*pids.max\"$" >/dev/null ||
		fail "no write of pids.max"
	debug_lines "$1" 'hook prestart\[0\]: run /bin/true"$' >/dev/null || fail "no hook run"
	debug_lines "$1" 'hook prestart\[0\]: /bin/true exited with status 0"$' >/dev/null ||
		fail "no hook exit"
	debug_lines "$1" 'init: seccomp: filter loaded \(last, with CAP_SYS_ADMIN kept for it' >/dev/null ||
		fail "no seccomp load"
	debug_lines "$1" 'init: (pivot_root|chroot)' >/dev/null || fail "no pivot_root"
	debug_lines "$1" 'init: masked path /' >/dev/null || fail "no masked path"
	debug_lines "$1" 'init: read-only path /proc/sys"$' >/dev/null || fail "no read-only path"
	debug_lines "$1" 'init: capabilities: ' >/dev/null || fail "no capabilities"
	debug_lines "$1" 'init: ready: the exec stub waits for start, then execs /bin/echo"$' \
		>/dev/null || fail "no exec of the program"
	debug_lines "$1" 'start ctr: the program runs"$' >/dev/null || fail "no start"
	debug_lines "$1" 'delete ctr: ' >/dev/null || fail "no delete"
}

@test "--debug run: the steps on stderr as runc's level=debug lines, the program's output as it was" {
	run --separate-stderr skiff --debug run ctr
	assert_success
	assert_output hello
	printf '%s\n' "$stderr" > "$BATS_TEST_TMPDIR/err"
	assert_steps_text "$BATS_TEST_TMPDIR/err"
	# every line of stderr is a debug line: nothing else is printed
	run grep -v -c -E '^time="[^"]+" level=debug msg=".*"$' "$BATS_TEST_TMPDIR/err"
	assert_output 0
	# the init's lines come between clone3 and created, in order
	run awk '/msg="clone3: the init is pid/ {c = NR} /msg="init: mount proc/ {m = NR}
		/msg="created: / {d = NR} END {print (c < m && m < d) ? "ordered" : "not ordered"}' \
		"$BATS_TEST_TMPDIR/err"
	assert_output ordered
}

@test "--debug --log-format json: one JSON object per line with level, msg and time" {
	run --separate-stderr skiff --debug --log-format json run ctr
	assert_success
	assert_output hello
	printf '%s\n' "$stderr" > "$BATS_TEST_TMPDIR/err"
	# jq reads every line (any that is not JSON fails it)
	run jq -e -s 'all(.[]; .level == "debug" and (.msg | type) == "string"
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")) and (keys == ["level", "msg", "time"]))' \
		"$BATS_TEST_TMPDIR/err"
	assert_success
	run jq -r .msg "$BATS_TEST_TMPDIR/err"
	assert_line --regexp '^init: mount proc on /proc \(type proc, flags '
	assert_line --regexp '^cgroup: write "42" to /sys/fs/cgroup/.*pids\.max$'
	assert_line 'hook prestart[0]: run /bin/true'
	assert_line --regexp '^init: seccomp: filter loaded \('
	assert_line --regexp '^seccomp: filter compiled: default action SCMP_ACT_ALLOW, 1 syscall rules, '
}

@test "--debug --log FILE: the lines go to the file, stderr stays empty" {
	log=$BATS_TEST_TMPDIR/log.txt
	run --separate-stderr skiff --debug --log "$log" run ctr
	assert_success
	assert_output hello
	assert_equal "$stderr" ""
	assert_steps_text "$log"
	log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr skiff --debug --log "$log" --log-format json run ctr
	assert_success
	assert_equal "$stderr" ""
	run jq -r 'select(.level == "debug") | .msg' "$log"
	assert_line --regexp '^init: mount proc on /proc '
	assert_line --regexp '^cgroup: write "42" to .*pids\.max$'
}

@test "without --debug nothing is traced: stderr and the log hold no debug line" {
	log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr skiff run ctr
	assert_success
	assert_output hello
	assert_equal "$stderr" ""
	run --separate-stderr skiff --log "$log" --log-format json run ctr
	assert_success
	assert_equal "$stderr" ""
	[ ! -s "$log" ] || fail "the log has lines: $(cat "$log")"
}

@test "--debug create, start, exec, kill, delete: each traces its steps" {
	set_args sleep 100
	run_detached skiff --debug create ctr
	assert_success
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/create"
	debug_lines "$BATS_TEST_TMPDIR/create" 'init: mount proc on /proc ' >/dev/null ||
		fail "create: no mount of /proc: $output"
	debug_lines "$BATS_TEST_TMPDIR/create" 'created: the init waits for start"$' >/dev/null ||
		fail "create: not created"
	run --separate-stderr skiff --debug start ctr
	assert_success
	[[ "$stderr" == *'msg="start ctr: release the init (pid '* ]]
	[[ "$stderr" == *'msg="start ctr: the program runs"'* ]]
	run --separate-stderr skiff --debug exec ctr sh -c 'echo from exec; exit 3'
	assert_equal "$status" 3
	assert_output "from exec"
	printf '%s\n' "$stderr" > "$BATS_TEST_TMPDIR/exec"
	debug_lines "$BATS_TEST_TMPDIR/exec" 'exec in ctr \(init pid [0-9]+\): clone3: the process is pid [0-9]+"$' \
		>/dev/null || fail "exec: no clone: $stderr"
	# the process enters each v1 hierarchy itself (libcontainer/cgroups.h)
	debug_lines "$BATS_TEST_TMPDIR/exec" "exec: cgroup: write \\\\\"0\\\\\" to .*/tasks\"$" \
		>/dev/null || fail "exec: not moved into the cgroups"
	debug_lines "$BATS_TEST_TMPDIR/exec" "exec: setns: join the container's mnt namespace\"$" \
		>/dev/null || fail "exec: no setns: $stderr"
	debug_lines "$BATS_TEST_TMPDIR/exec" 'exec: seccomp: filter loaded ' >/dev/null ||
		fail "exec: no seccomp"
	debug_lines "$BATS_TEST_TMPDIR/exec" 'exec: ready: the exec stub will exec /bin/sh"$' \
		>/dev/null || fail "exec: no exec"
	debug_lines "$BATS_TEST_TMPDIR/exec" 'exec in ctr: pid [0-9]+ exited, status 3"$' \
		>/dev/null || fail "exec: no exit"
	# exec without --debug: nothing on stderr
	run --separate-stderr skiff exec ctr true
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr skiff --debug --log-format json kill ctr KILL
	assert_success
	echo "$stderr" | jq -e 'select(.msg | startswith("kill ctr: signal 9 to the init (pid "))' >/dev/null
	wait_for_status ctr stopped
	run --separate-stderr skiff --debug delete ctr
	assert_success
	[[ "$stderr" == *'msg="delete ctr: kill what is left'* ]]
	[[ "$stderr" == *'msg="cgroup: remove /sys/fs/cgroup/'* ]]
}

@test "--debug: a failing create still prints its error, after the steps that ran" {
	update_config '.process.args = ["/no/such/program"]'
	run --separate-stderr skiff --debug run ctr
	assert_failure
	[[ "$stderr" == *'level=debug msg="init: mount proc on /proc'* ]]
	run tail -n 1 <<< "$stderr"
	assert_output --regexp '^skiff: .*/no/such/program'
}

@test "--debug: quotes and backslashes in a line are escaped as logrus's text format does" {
	update_config '.hostname = "a\"b\\c"'
	run --separate-stderr skiff --debug run ctr
	# the hostname is refused by the kernel or taken: either way its line is there
	[[ "$stderr" == *'msg="init: hostname a\"b\\c"'* ]]
}
