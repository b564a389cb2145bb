#!/usr/bin/env bats
# linux.namespaces: new namespaces of each type, joining by path, and the
# errors of bad paths.

load helpers

setup() {
	setup_bundle
	NETNS=
	HELPER_PID=
}

teardown() {
	teardown_containers
	if [ -n "$HELPER_PID" ]; then
		kill -9 "$HELPER_PID" 2>/dev/null
		wait "$HELPER_PID" 2>/dev/null
	fi
	[ -n "$NETNS" ] && ip netns delete "$NETNS" 2>/dev/null
	# a container without a mount namespace leaves its mounts in ours (as
	# runc's and crun's do)
	umount -R "$BUNDLE/rootfs" 2>/dev/null
	return 0
}

# Keep only the namespaces named, e.g. only_namespaces pid mount.
only_namespaces() {
	local types
	types=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	update_config --argjson t "$types" '.linux.namespaces = [$t[] | {type: .}]'
	# a hostname needs a uts namespace
	case " $* " in *" uts "*) ;; *) update_config 'del(.hostname)' ;; esac
}

add_namespace() {
	update_config --arg t "$1" '.linux.namespaces += [{type: $t}]'
}

# Make namespace $1 of the config join the path $2.
join_namespace() {
	update_config --arg t "$1" --arg p "$2" \
		'.linux.namespaces = [.linux.namespaces[] | select(.type != $t)] + [{type: $t, path: $p}]'
}

# The host's identity of a namespace type, "net:[4026531992]".
host_ns() {
	readlink "/proc/self/ns/$1"
}

# Wait until the process in pid file $1 exists, and print its pid.
pid_of() {
	local i
	for i in $(seq 50); do
		[ -s "$1" ] && break
		sleep 0.1
	done
	cat "$1"
}

@test "pid namespace: the process is pid 1 and sees only its own processes" {
	set_args sh -c 'echo $$; readlink /proc/self/ns/pid; ps -o pid,comm | tail -n +2 | wc -l'
	run skiff run ctr
	assert_success
	assert_line --index 0 1
	refute_line --index 1 "$(host_ns pid)"
	# sh and ps (and the pipeline's tail and wc): no host process
	[ "${lines[2]}" -le 4 ]
}

@test "pid namespace: the host pid of the container's init is in the pid file" {
	set_args sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# pid 1 inside is the process the host sees with that pid
	run awk '/^NSpid:/ {print $2, $3}' "/proc/$pid/status"
	assert_output "$pid 1"
	run cat "/proc/$pid/comm"
	assert_output sleep
}

@test "without a pid namespace the process shares the host's" {
	only_namespaces mount
	set_args sh -c 'readlink /proc/self/ns/pid; [ $$ -ne 1 ] && echo not-one'
	run skiff run ctr
	assert_success
	assert_line --index 0 "$(host_ns pid)"
	assert_line --index 1 not-one
}

@test "uts namespace: a private hostname, the host's unchanged" {
	before=$(hostname)
	update_config '.hostname = "uts-inside"'
	set_args sh -c 'hostname; readlink /proc/self/ns/uts'
	run skiff run ctr
	assert_success
	assert_line --index 0 uts-inside
	refute_line --index 1 "$(host_ns uts)"
	assert_equal "$(hostname)" "$before"
}

@test "without a uts namespace the host's is shared" {
	only_namespaces mount pid
	set_args readlink /proc/self/ns/uts
	run skiff run ctr
	assert_success
	assert_output "$(host_ns uts)"
}

@test "ipc namespace: the container has its own" {
	set_args readlink /proc/self/ns/ipc
	run skiff run ctr
	assert_success
	assert_output --regexp '^ipc:\[[0-9]+\]$'
	refute_output "$(host_ns ipc)"
	only_namespaces mount pid
	run skiff run ctr
	assert_success
	assert_output "$(host_ns ipc)"
}

@test "network namespace: only lo" {
	set_args sh -c 'readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
	run skiff run ctr
	assert_success
	refute_line --index 0 "$(host_ns net)"
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 lo
}

@test "network namespace: lo is up, as runc brings it up" {
	set_args sh -c 'ip link show lo; ip addr show lo'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '<LOOPBACK,UP,LOWER_UP>'
	assert_output --partial 'inet 127.0.0.1/8'
}

# (create makes a new network namespace ahead of the clone, on a thread
# of its own, and the init joins it: create.c)
@test "network namespace: the init's from create on, the one exec joins, each container's own" {
	set_args sleep 100
	# two containers: each its cgroup, named after its id
	update_config 'del(.linux.cgroupsPath)'
	skiff create ctr
	pid=$(skiff state ctr | jq .pid)
	ns=$(readlink "/proc/$pid/ns/net")
	[ "$ns" != "$(host_ns net)" ]
	skiff start ctr
	run skiff exec ctr readlink /proc/self/ns/net
	assert_success
	assert_output "$ns"
	skiff run -d ctr2
	pid2=$(skiff state ctr2 | jq .pid)
	[ "$(readlink "/proc/$pid2/ns/net")" != "$ns" ]
	[ "$(readlink "/proc/$pid2/ns/net")" != "$(host_ns net)" ]
}

@test "mount namespace: the container's mounts do not reach the host" {
	set_args sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(readlink /proc/$pid/ns/mnt)" != "$(host_ns mnt)" ]
	# the container's own view has its proc and /dev mounts
	run awk '$5 == "/proc" || $5 == "/dev" {print $5}' "/proc/$pid/mountinfo"
	assert_line /proc
	assert_line /dev
	# the host's has nothing of the bundle
	run grep -F "$BUNDLE" /proc/self/mountinfo
	assert_failure
}

@test "no mount namespace: the container runs in its rootfs (chroot, as runc and crun), never on the host's /" {
	only_namespaces pid ipc uts network
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	echo "only in the rootfs" > "$BUNDLE/rootfs/marker"
	set_args sh -c 'cat /marker; ls /proc/self/ns >/dev/null && echo proc-mounted; if [ -e /boot ] || [ -e "'"$BUNDLE"'" ]; then echo host-root; fi'
	run skiff run ctr
	assert_success
	assert_line "only in the rootfs"
	assert_line proc-mounted
	refute_line host-root
	# the mounts are made in the namespace it shares, under the rootfs,
	# and delete (here run's) takes them away again (runc leaves them)
	run grep -F "$BUNDLE/rootfs" /proc/self/mountinfo
	assert_failure
	set_args sleep 100
	skiff create ctr2
	grep -qF "$BUNDLE/rootfs/proc" /proc/self/mountinfo
	skiff delete --force ctr2
	run grep -F "$BUNDLE/rootfs" /proc/self/mountinfo
	assert_failure
}

@test "no mount namespace: maskedPaths and readonlyPaths are refused, as runc (they would mask the host's)" {
	only_namespaces pid ipc uts network
	for field in maskedPaths readonlyPaths; do
		update_config --arg f "$field" '.linux.maskedPaths = [] | .linux.readonlyPaths = [] | .linux[$f] = ["/proc/kcore"]'
		run skiff run ctr
		assert_failure
		assert_output "skiff: config.json: .linux.$field: unable to restrict sys entries without a private MNT namespace"
		run skiff check
		assert_failure
		assert_output --partial ".linux.$field: unable to restrict sys entries without a private MNT namespace"
	done
}

@test "cgroup namespace: the container's cgroups are its root" {
	add_namespace cgroup
	set_args sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
	run skiff run ctr
	assert_success
	refute_line --index 0 "$(host_ns cgroup)"
	[ "${#lines[@]}" -ge 2 ]
	# every hierarchy's path is "/"
	for line in "${lines[@]:1}"; do
		[[ "$line" == *:/ ]] || fail "not the root: $line"
	done
}

@test "without a cgroup namespace the host's is shared" {
	set_args readlink /proc/self/ns/cgroup
	run skiff run ctr
	assert_success
	assert_output "$(host_ns cgroup)"
}

@test "time namespace with linux.timeOffsets: boottime and monotonic" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
	add_namespace time
	update_config '.linux.timeOffsets = {
		"boottime": {"secs": 864000, "nanosecs": 0},
		"monotonic": {"secs": 1728000, "nanosecs": 500}}'
	set_args sh -c 'cut -d" " -f1 /proc/uptime; cat /proc/self/timens_offsets; readlink /proc/self/ns/time'
	host_up=$(cut -d. -f1 /proc/uptime)
	run skiff run ctr
	assert_success
	up=${lines[0]%%.*}
	# 10 days ahead of the host's uptime (and a few seconds of slack)
	[ "$up" -ge $((host_up + 864000)) ] && [ "$up" -le $((host_up + 864000 + 30)) ]
	assert_line --regexp '^monotonic +1728000 +500$'
	assert_line --regexp '^boottime +864000 +0$'
	refute_line "$(host_ns time)"
	# the host's clock is untouched
	[ "$(cut -d. -f1 /proc/uptime)" -lt $((host_up + 1000)) ]
}

@test "time namespace without offsets is a new namespace" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
	add_namespace time
	set_args sh -c 'readlink /proc/self/ns/time; cat /proc/self/timens_offsets'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '^time:\[[0-9]+\]$'
	refute_line --index 0 "$(host_ns time)"
	assert_line --regexp '^monotonic +0 +0$'
}

@test "time offsets for a time namespace joined by path are refused, by check too: they would go nowhere" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
	# The kernel takes offsets only in a time namespace no process has
	# entered yet: a joined one keeps its own, and skiff ran the container
	# at offset 0.  runc 1.1.5 knows no time namespace at all ('namespace
	# {"time" "/proc/self/ns/time"} does not exist').
	set_args true
	join_namespace time /proc/self/ns/time
	update_config '.linux.timeOffsets = {"monotonic": {"secs": 100}}'
	local n msg
	n=$(jq '.linux.namespaces | map(.type) | index("time")' config.json)
	msg="time offsets can only be set on a new time namespace, not on the one .linux.namespaces[$n].path joins"
	run skiff run ctr
	assert_failure 1
	assert_output "skiff: config.json: .linux.timeOffsets: $msg"
	[ ! -e "$ROOT/ctr" ]
	run "$SKIFF" check
	assert_failure 1
	assert_line "error: .linux.timeOffsets: $msg"
	# joined without offsets, it runs in that namespace
	update_config 'del(.linux.timeOffsets)'
	set_args readlink /proc/self/ns/time
	run skiff run ctr
	assert_success
	assert_output "$(host_ns time)"
}

@test "user namespace: an identity mapping that includes host root" {
	add_namespace user
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]'
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '^ +0 +0 +65536$'
	assert_line --index 1 --regexp '^ +0 +0 +65536$'
	assert_line --index 2 0
	refute_line --index 3 "$(host_ns user)"
}

@test "user namespace: root inside is 100000 outside" {
	chown -R 100000:100000 rootfs
	add_namespace user
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .root.readonly = false'
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; stat -c %u:%g /etc/passwd; touch /tmp/made-inside; sleep 100'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr > "$BATS_TEST_TMPDIR/out"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	for i in $(seq 50); do [ -e rootfs/tmp/made-inside ] && break; sleep 0.1; done
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --index 0 --regexp '^ +0 +100000 +65536$'
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
	assert_line --index 2 0
	assert_line --index 3 0
	# the rootfs owned by 100000 on the host is root's inside
	assert_line --index 4 0:0
	# seen from the host, the process runs as 100000 and creates 100000's files
	run awk '/^Uid:/ {print $2}' "/proc/$pid/status"
	assert_output 100000
	run stat -c %u:%g rootfs/tmp/made-inside
	assert_output 100000:100000
}

@test "user namespace: a non-root user inside maps to its host id" {
	chown -R 100000:100000 rootfs
	add_namespace user
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000}'
	set_args sh -c 'id -u; sleep 100'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr > "$BATS_TEST_TMPDIR/out"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run awk '/^Uid:/ {print $2}' "/proc/$pid/status"
	assert_output 101000
}

@test "joining a network namespace by path (ip netns)" {
	NETNS=skifftest-$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	ip netns exec "$NETNS" ip link add dummy-skiff type dummy 2>/dev/null || true
	want=$(stat -L -c %i "/run/netns/$NETNS")
	join_namespace network "/run/netns/$NETNS"
	set_args stat -L -c %i /proc/self/ns/net
	run skiff run ctr
	assert_success
	assert_output "$want"
}

@test "joining the network namespace of a process by /proc/PID/ns/net" {
	unshare --net sleep 100 &
	HELPER_PID=$!
	for i in $(seq 50); do
		[ "$(readlink /proc/$HELPER_PID/ns/net)" != "$(host_ns net)" ] && break
		sleep 0.1
	done
	want=$(stat -L -c %i "/proc/$HELPER_PID/ns/net")
	[ "$want" != "$(stat -L -c %i /proc/self/ns/net)" ]
	join_namespace network "/proc/$HELPER_PID/ns/net"
	set_args stat -L -c %i /proc/self/ns/net
	run skiff run ctr
	assert_success
	assert_output "$want"
}

@test "joining the pid namespace of another container" {
	set_args sleep 123
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid1" first
	pid1=$(cat "$BATS_TEST_TMPDIR/pid1")
	join_namespace pid "/proc/$pid1/ns/pid"
	set_args sh -c 'readlink /proc/self/ns/pid; ps -o pid,args'
	update_config --arg p "$CGROUP_NAME-second" '.linux.cgroupsPath = $p'
	run skiff run second
	assert_success
	assert_line --index 0 "$(readlink /proc/$pid1/ns/pid)"
	assert_line --regexp '^ +1 +sleep 123$'
	# the first container is still running
	assert_equal "$(container_status first)" running
}

@test "joining the uts and ipc namespaces of another container" {
	update_config '.hostname = "first-host"'
	set_args sleep 100
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid1" first
	pid1=$(cat "$BATS_TEST_TMPDIR/pid1")
	update_config 'del(.hostname)'
	join_namespace uts "/proc/$pid1/ns/uts"
	join_namespace ipc "/proc/$pid1/ns/ipc"
	set_args sh -c 'hostname; readlink /proc/self/ns/ipc'
	update_config --arg p "$CGROUP_NAME-second" '.linux.cgroupsPath = $p'
	run skiff run second
	assert_success
	assert_line --index 0 first-host
	assert_line --index 1 "$(readlink /proc/$pid1/ns/ipc)"
}

@test "a namespace path that does not exist is a clear error and leaves no state" {
	join_namespace network /run/netns/skiff-no-such-ns
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "/run/netns/skiff-no-such-ns"
	assert_output --partial "no such file or directory"
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$ROOT/ctr" ]
	run skiff list -q
	assert_output ""
}

@test "a namespace path of the wrong type is a clear error" {
	join_namespace ipc /proc/self/ns/net
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --regexp 'not an? ipc namespace'
	[ ! -e "$ROOT/ctr" ]
}

@test "a namespace path that is not a namespace file is a clear error" {
	touch "$BATS_TEST_TMPDIR/plain"
	join_namespace network "$BATS_TEST_TMPDIR/plain"
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "$BATS_TEST_TMPDIR/plain"
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$ROOT/ctr" ]
}
