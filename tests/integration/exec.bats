#!/usr/bin/env bats
# exec: new processes in a running container.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_bundle sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/init.pid" ctr
}

@test "exec runs in every namespace of the container and returns its status" {
	init=$(cat "$BATS_TEST_TMPDIR/init.pid")
	run skiff exec ctr sh -c 'hostname; for ns in net mnt ipc uts pid; do readlink /proc/self/ns/$ns; done; ps -o pid,comm | grep sleep; exit 7'
	assert_equal "$status" 7
	assert_line --index 0 runc
	for ns in net mnt ipc uts pid; do
		assert_output --partial "$(readlink /proc/$init/ns/$ns)"
	done
	# it sees the container's own pid 1
	assert_line --index 6 --regexp '^ +1 sleep$' 
}

@test "exec's process is in every cgroup of the init, v1 hierarchies and cgroup2 alike" {
	# It enters the v1 hierarchies itself and is cloned into the cgroup2
	# directory (libcontainer/cgroups.h): the same lines as the init's.
	local init
	init=$(cat "$BATS_TEST_TMPDIR/init.pid")
	run skiff exec ctr cat /proc/self/cgroup
	assert_success
	assert_equal "$output" "$(cat "/proc/$init/cgroup")"
	[ "$(grep -c . <<<"$output")" -ge 2 ] || fail "no cgroups: $output"
}

@test "exec passes stdio through" {
	run bash -c "echo data-in | '$SKIFF' --root '$ROOT' exec ctr sh -c 'cat; echo to-stderr >&2'"
	assert_success
	assert_output --partial data-in
	assert_output --partial to-stderr
}

@test "exec takes the container's process settings and runc's overrides" {
	update_config '.process.env += ["FROM_CONFIG=1"]'
	run skiff exec ctr sh -c 'echo $FROM_CONFIG'
	# the running container keeps the config it was created with
	assert_output ""
	run skiff exec -e FOO=bar -e PATH=/bin --cwd /tmp -u 65534:65534 -g 5 -g 7 ctr sh -c 'echo $FOO $PATH; pwd; id -u; id -g; grep Groups /proc/self/status'
	assert_success
	assert_line --index 0 "bar /bin"
	assert_line --index 1 /tmp
	assert_line --index 2 65534
	assert_line --index 3 65534
	assert_line --index 4 --regexp '^Groups:\s+5 7\s*$'
}

@test "exec gets the container's capabilities, and --cap adds one" {
	run skiff exec ctr sh -c 'grep CapEff /proc/self/status'
	assert_output --regexp 'CapEff:\s+0000000020000420'
	run skiff exec --cap CAP_SYS_ADMIN ctr sh -c 'grep -E "CapEff|CapInh" /proc/self/status'
	assert_line --index 0 --regexp 'CapInh:\s+0000000000000000'
	assert_line --index 1 --regexp 'CapEff:\s+0000000020200420'
}

@test "exec --process runs an OCI process.json" {
	cat > "$BATS_TEST_TMPDIR/process.json" <<JSON
{"args": ["sh", "-c", "echo from-process-json \$X; id -u"], "env": ["X=y", "PATH=/bin"], "cwd": "/", "user": {"uid": 123, "gid": 456}}
JSON
	run skiff exec --process "$BATS_TEST_TMPDIR/process.json" ctr
	assert_success
	assert_line --index 0 "from-process-json y"
	assert_line --index 1 123
	echo '{"args": ["true"], "cwd": "relative"}' > "$BATS_TEST_TMPDIR/bad.json"
	run skiff exec --process "$BATS_TEST_TMPDIR/bad.json" ctr
	assert_failure
	assert_output --partial ".cwd"
}

@test "exec -d writes the pid file and leaves the process running" {
	skiff exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ctr sleep 50
	run cat "$BATS_TEST_TMPDIR/exec.pid"
	assert_output --regexp '^[0-9]+$'
	pid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	process_alive "$pid"
	run readlink /proc/$pid/ns/pid
	assert_output "$(readlink /proc/$(cat "$BATS_TEST_TMPDIR/init.pid")/ns/pid)"
}

@test "exec of a missing program, into a stopped or a missing container, fails clearly" {
	run skiff exec ctr nosuchprog
	assert_failure
	assert_output 'skiff: exec: "nosuchprog": executable file not found in $PATH'
	run skiff exec nosuch true
	assert_failure
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff exec ctr true
	assert_failure
	assert_output --partial "cannot exec in a stopped container"
}

@test "exec forwards SIGTERM to the process and returns 128+N for a signal" {
	"$SKIFF" --root "$ROOT" exec ctr sh -c 'trap "exit 42" TERM; while true; do sleep 0.1; done' &
	execpid=$!
	sleep 0.5
	kill -TERM "$execpid"
	rc=0
	wait "$execpid" || rc=$?
	assert_equal "$rc" 42
	run skiff exec ctr sh -c 'kill -9 $$'
	assert_equal "$status" 137
}

@test "exec --cwd through a leaked fd cannot reach the host (CVE-2024-21626)" {
	run bash -c "'$SKIFF' --root '$ROOT' exec --cwd /proc/self/fd/7 ctr pwd 7</"
	assert_failure
	# the leaked fd is closed before the cwd is looked up (or, passed on
	# purpose, not followed): either way the process never starts
	assert_output --regexp '/proc/self/fd/7.*(is outside the container|no such file or directory)'
}

@test "exec --cwd that is not there: the error names it, and not config.json" {
	run --separate-stderr "$SKIFF" --root "$ROOT" exec --cwd /nosuch ctr true
	assert_equal "$status" 255
	assert_equal "$stderr" 'skiff: chdir to cwd ("/nosuch"): no such file or directory'
}

@test "exec keeps runtime fds out and cannot reach the host binary" {
	exec 7</etc/hostname
	run skiff exec ctr sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	exec 7<&-
	assert_output "0 1 2 3 "
	# while exec sets up, the process is not dumpable; after exec it is the user's program
	run skiff exec ctr readlink /proc/self/exe
	assert_output /bin/busybox
}

@test "exec into a paused container is a clear error; --ignore-paused runs it once resumed" {
	skiff pause ctr
	assert_equal "$(container_status ctr)" paused
	run skiff exec ctr true
	assert_failure
	assert_output "skiff: cannot exec in a paused container (use --ignore-paused to override)"
	# with --ignore-paused the process joins the frozen cgroup, and is
	# frozen with the rest until resume
	"$SKIFF" --root "$ROOT" exec --ignore-paused ctr sh -c 'echo ran; exit 5' > "$BATS_TEST_TMPDIR/out" &
	execpid=$!
	sleep 0.5
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	process_alive "$execpid"
	skiff resume ctr
	rc=0
	wait "$execpid" || rc=$?
	assert_equal "$rc" 5
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" ran
}

@test "exec into a created (not started) container runs beside the waiting init" {
	skiff delete --force ctr
	skiff create ctr2
	run skiff exec ctr2 sh -c 'cat /proc/1/comm'
	assert_success
	# the init waits for start as the exec stub, not as skiff (CVE-2019-5736)
	assert_output skiff-stub
	assert_equal "$(container_status ctr2)" created
}

@test "exec --cgroup runs the process in an existing sub-cgroup, as runc" {
	run skiff exec --cgroup sub ctr true
	assert_failure
	assert_output --regexp '^skiff: exec --cgroup sub: no cgroup /sys/fs/cgroup/.*/sub$'
	# one in every hierarchy (a new cpuset takes its parent's cpus and mems)
	for d in $(jq -r '.cgroupPaths[]' "$ROOT/ctr/state.json"); do
		mkdir "$d/sub"
		if [ -f "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" > "$d/sub/cpuset.cpus"
			cat "$d/cpuset.mems" > "$d/sub/cpuset.mems"
		fi
	done
	plain=$(skiff exec ctr cat /proc/self/cgroup)
	run skiff exec --cgroup sub ctr cat /proc/self/cgroup
	assert_success
	for line in "${lines[@]}"; do
		[[ $line == */sub ]] || fail "not in the sub-cgroup: $line"
	done
	# with controllers: only their hierarchies
	run skiff exec --cgroup memory,pids:sub ctr cat /proc/self/cgroup
	assert_success
	assert_line --regexp '^[0-9]+:memory:.*/sub$'
	assert_line --regexp '^[0-9]+:pids:.*/sub$'
	refute_line --regexp '^[0-9]+:freezer:.*/sub$'
	# a controller entry and a default one together
	run skiff exec --cgroup memory:sub --cgroup / ctr cat /proc/self/cgroup
	assert_line --regexp '^[0-9]+:memory:.*/sub$'
	refute_line --regexp '^[0-9]+:freezer:.*/sub$'
	# ".." never leads above the container's cgroup: refused, as runc 1.1.5
	# ("../../.. is not a sub cgroup path", exit 255; runc-parity.bats)
	run skiff exec --cgroup ../../.. ctr cat /proc/self/cgroup
	assert_equal "$status" 255
	assert_output "skiff: exec --cgroup: ../../.. is not a sub cgroup path"
	run skiff exec --cgroup sub/.. ctr cat /proc/self/cgroup
	assert_success
	assert_output "$plain"
	run skiff exec --cgroup nosuch:sub ctr true
	assert_failure
	assert_output "skiff: exec --cgroup nosuch:sub: the container has no cgroup of such a controller"
	run skiff exec --cgroup memory: ctr true
	assert_failure
	assert_output --partial 'invalid --cgroup "memory:"'
}

@test "exec joins the user, cgroup and time namespaces too" {
	[ -e /proc/self/ns/time ] || skip "the kernel has no time namespaces"
	update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != "user" and .type != "cgroup" and .type != "time")]
			+ [{type: "user"}, {type: "cgroup"}, {type: "time"}])
		| .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.timeOffsets = {boottime: {secs: 864000, nanosecs: 0}}
		| .linux.cgroupsPath += "-2"'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/init2.pid" ctr2
	init=$(cat "$BATS_TEST_TMPDIR/init2.pid")
	run skiff exec ctr2 sh -c 'for ns in user cgroup time; do readlink /proc/self/ns/$ns; done; cut -d. -f1 /proc/uptime'
	assert_success
	i=0
	for ns in user cgroup time; do
		[ "$(readlink /proc/$init/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] || fail "the container shares our $ns namespace"
		assert_line --index $i "$(readlink /proc/$init/ns/$ns)"
		i=$((i + 1))
	done
	# the time namespace's offset: ten more days of uptime
	[ "${lines[3]}" -ge 864000 ]
}

@test "exec: HOME from the container's /etc/passwd for the exec's user, and stdio handed to it" {
	# runc 1.1.5, `runc exec` into the same container: -u 1000 (an entry
	# with /home/u1000) gets HOME=/home/u1000 and its stdout pipe as
	# 1000's; -u 0 /root, also for "-e HOME="; -e HOME=/x is kept; -u 4242
	# (no entry) gets /.
	echo 'u1000:x:1000:1000::/home/u1000:/bin/sh' >> rootfs/etc/passwd
	run bash -c "'$SKIFF' --root '$ROOT' exec -u 1000 ctr sh -c 'echo \$HOME; stat -L -c %u /proc/self/fd/1; echo ok > /dev/stdout' | cat"
	assert_success
	assert_output "$(printf '/home/u1000\n1000\nok')"
	run skiff exec -u 0 ctr sh -c 'echo $HOME'
	assert_output /root
	run skiff exec -u 0 -e HOME= ctr sh -c 'echo $HOME'
	assert_output /root
	run skiff exec -u 1000 -e HOME=/x ctr sh -c 'echo $HOME'
	assert_output /x
	run skiff exec -u 4242 ctr sh -c 'echo $HOME'
	assert_output /
}
