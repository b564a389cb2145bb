#!/usr/bin/env bats
# OCI runtime-spec 1.3, config-linux.md (and runtime-linux.md): namespaces,
# id mappings, time offsets, devices, network devices, cgroups, sysctl,
# seccomp, rootfs propagation, masked and read-only paths, mount label,
# personality, intelRdt, memory policy.  One test per MUST/SHOULD that can be checked on this host; test
# names start with the section.

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
	VETH=
	HELPER_PID=
	CG=
	HOST_MOUNTS=()
}

teardown() {
	teardown_containers
	kill_leftovers
	if [ -n "$HELPER_PID" ]; then
		kill -9 "$HELPER_PID" 2>/dev/null
		wait "$HELPER_PID" 2>/dev/null
	fi
	[ -n "$NETNS" ] && ip netns delete "$NETNS" 2>/dev/null
	[ -n "$VETH" ] && ip link delete "${VETH}a" 2>/dev/null
	local m
	for m in "${HOST_MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null
	done
	if [ -n "$CG" ]; then
		local d
		for d in /sys/fs/cgroup/*"$CG"; do
			[ -d "$d" ] && rmdir "$d" 2>/dev/null
		done
	fi
	return 0
}

# Like helpers.bash's set_args, with one jq for all the arguments.
set_args() {
	printf '%s\0' "$@" | update_config --rawfile a /dev/stdin '.process.args = ($a | split("\u0000")[:-1])'
}

leftover_processes() {
	test_pids
}

# `create` must fail, naming each argument, and leave nothing behind.
expect_create_error() {
	local want
	run_detached skiff create ctr
	[ "$status" -ne 0 ] || fail "create succeeded; the spec wants an error"
	for want in "$@"; do
		assert_output --partial "$want"
	done
	[ ! -e "$ROOT/ctr" ] || fail "state left behind"
	[ -z "$(leftover_processes)" ] || fail "processes left: $(leftover_processes)"
}

# The name of a namespace type in /proc/PID/ns.
ns_file() {
	case $1 in
	network) echo net ;;
	mount) echo mnt ;;
	*) echo "$1" ;;
	esac
}

# Keep only the namespaces named.
only_namespaces() {
	local types
	types=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	update_config --argjson t "$types" '.linux.namespaces = [$t[] | {type: .}]
		| if ($t | index("uts")) then . else del(.hostname) end'
}

# ---------------------------------------------------- default filesystems --

@test "config-linux.md#default-filesystems: /proc, /sys, /dev/pts and /dev/shm SHOULD be available" {
	# the filesystem type is the field after the "-" separator
	set_args sh -c 'for d in /proc /sys /dev/pts /dev/shm; do awk -v d=$d "\$5 == d { for (i = 7; \$i != \"-\"; i++) ; print d, \$(i + 1) }" /proc/self/mountinfo; done'
	run skiff run ctr
	assert_success
	assert_output "$(printf '/proc proc\n/sys sysfs\n/dev/pts devpts\n/dev/shm tmpfs')"
}

# ----------------------------------------------------------- namespaces --

# A new namespace of type $1: the process's differs from the host's.
expect_new_namespace() {
	local f
	f=$(ns_file "$1")
	[ -e "/proc/self/ns/$f" ] || skip "no $1 namespaces in this kernel"
	update_config --arg t "$1" 'if any(.linux.namespaces[]; .type == $t) then . else .linux.namespaces += [{type: $t}] end'
	set_args readlink "/proc/self/ns/$f"
	run skiff run ctr
	assert_success
	assert_output --regexp "^$f:\[[0-9]+\]$"
	refute_output "$(readlink "/proc/self/ns/$f")"
}

@test "config-linux.md#namespaces: type pid: a new pid namespace, where the process is pid 1" {
	expect_new_namespace pid
	set_args sh -c 'echo $$'
	run skiff run ctr
	assert_output 1
}

@test "config-linux.md#namespaces: type network: a new network namespace" {
	expect_new_namespace network
}

@test "config-linux.md#namespaces: type mount: a new mount namespace" {
	expect_new_namespace mount
}

@test "config-linux.md#namespaces: type ipc: a new ipc namespace" {
	expect_new_namespace ipc
}

@test "config-linux.md#namespaces: type uts: a new uts namespace" {
	expect_new_namespace uts
}

@test "config-linux.md#namespaces: type user: a new user namespace" {
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
	expect_new_namespace user
}

@test "config-linux.md#namespaces: type cgroup: a new cgroup namespace" {
	expect_new_namespace cgroup
}

@test "config-linux.md#namespaces: type time: a new time namespace" {
	expect_new_namespace time
}

@test "config-linux.md#namespaces: a type not in namespaces MUST inherit the runtime namespace of that type" {
	only_namespaces mount
	set_args sh -c 'for t in pid net ipc uts cgroup user time; do readlink /proc/self/ns/$t 2>/dev/null || echo none; done'
	run skiff run ctr
	assert_success
	assert_output "$(for t in pid net ipc uts cgroup user time; do readlink /proc/self/ns/$t 2>/dev/null || echo none; done)"
	# and the mount namespace
	only_namespaces pid
	update_config '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
	set_args readlink /proc/self/ns/mnt
	run skiff run ctr
	assert_success
	assert_output "$(readlink /proc/self/ns/mnt)"
}

@test "config-linux.md#namespaces: with a path, the container process MUST be placed in that namespace" {
	NETNS=skiffconf-$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	unshare --uts sleep 100 &
	HELPER_PID=$!
	for i in $(seq 50); do
		[ "$(readlink /proc/$HELPER_PID/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break
		sleep 0.1
	done
	update_config --arg n "/run/netns/$NETNS" --arg u "/proc/$HELPER_PID/ns/uts" 'del(.hostname)
		| .linux.namespaces = [.linux.namespaces[] | select(.type != "network" and .type != "uts")]
			+ [{type: "network", path: $n}, {type: "uts", path: $u}]'
	set_args sh -c 'stat -L -c %i /proc/self/ns/net; stat -L -c %i /proc/self/ns/uts'
	run skiff run ctr
	assert_success
	assert_line --index 0 "$(stat -L -c %i "/run/netns/$NETNS")"
	assert_line --index 1 "$(stat -L -c %i "/proc/$HELPER_PID/ns/uts")"
}

@test "config-linux.md#namespaces: path MUST be an absolute path" {
	set_args true
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{type: "network", path: "run/netns/x"}]'
	expect_create_error run/netns/x
}

@test "config-linux.md#namespaces: a path not associated with a namespace of the type MUST generate an error" {
	set_args true
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")] + [{type: "ipc", path: "/proc/self/ns/net"}]'
	expect_create_error ipc
	touch "$BATS_TEST_TMPDIR/not-a-namespace"
	update_config --arg p "$BATS_TEST_TMPDIR/not-a-namespace" \
		'.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")] + [{type: "ipc", path: $p}]'
	expect_create_error not-a-namespace
}

@test "config-linux.md#namespaces: duplicated namespace types MUST generate an error" {
	set_args true
	update_config '.linux.namespaces += [{type: "ipc"}]'
	expect_create_error ipc
}

# ------------------------------------------------ user namespace mappings --

@test "config-linux.md#user-namespace-mappings: uidMappings and gidMappings map the container's ids to the host's" {
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; exec sleep 100'
	run_detached skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# the program writes after run -d returned
	for i in $(seq 50); do
		[ "$(wc -l < "$BATS_TEST_TMPDIR/run_detached.out")" -ge 4 ] && break
		sleep 0.1
	done
	mapfile -t lines < "$BATS_TEST_TMPDIR/run_detached.out"
	assert_line --index 0 --regexp '^ +0 +100000 +65536$'
	assert_line --index 1 --regexp '^ +0 +200000 +65536$'
	assert_line --index 2 0
	assert_line --index 3 0
	run awk '/^(Uid|Gid):/ {print $2}' "/proc/$pid/status"
	assert_output "$(printf '100000\n200000')"
}

@test "config-linux.md#user-namespace-mappings: the runtime SHOULD NOT modify the ownership of referenced filesystems" {
	# the mount point exists: the container's root (host uid 100000) could
	# not make it in a rootfs the host's root owns
	mkdir rootfs/out
	before=$(find rootfs "$OUT" -xdev -printf '%u:%g %p\n' | sort)
	update_config --arg s "$OUT" '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .mounts += [{destination: "/out", type: "bind", source: $s, options: ["rbind"]}]'
	set_args true
	run skiff run ctr
	assert_success
	assert_equal "$(find rootfs "$OUT" -xdev -printf '%u:%g %p\n' | sort)" "$before"
}

# ----------------------------------------------------------- time offsets --

@test "config-linux.md#offset-for-time-namespace: timeOffsets set the offsets of the clocks" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
	update_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 7}, boottime: {secs: 172800, nanosecs: 0}}'
	set_args sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	host_up=$(cut -d. -f1 /proc/uptime)
	run skiff run ctr
	assert_success
	assert_line --regexp '^monotonic +86400 +7$'
	assert_line --regexp '^boottime +172800 +0$'
	up=${lines[2]}
	[ "$up" -ge $((host_up + 172800)) ] && [ "$up" -le $((host_up + 172800 + 60)) ] || fail "uptime $up, host $host_up"
}

# -------------------------------------------------------------- devices --

@test "config-linux.md#devices: listed devices MUST be available, with type, major, minor, fileMode, uid and gid" {
	update_config '.linux.devices = [
		{path: "/dev/conf-c", type: "c", major: 1, minor: 5, fileMode: 416, uid: 1000, gid: 1001},
		{path: "/dev/conf-u", type: "u", major: 1, minor: 5, fileMode: 438},
		{path: "/dev/sub/conf-b", type: "b", major: 7, minor: 3, fileMode: 384, uid: 0, gid: 6},
		{path: "/dev/conf-p", type: "p", fileMode: 420}]'
	set_args sh -c 'for d in /dev/conf-c /dev/conf-u /dev/sub/conf-b /dev/conf-p; do stat -c "%n %F %t:%T %a %u:%g" $d; done; head -c 2 /dev/conf-u | od -An -tx1'
	run skiff run ctr
	assert_success
	assert_line "/dev/conf-c character special file 1:5 640 1000:1001"
	assert_line "/dev/conf-u character special file 1:5 666 0:0"
	assert_line "/dev/sub/conf-b block special file 7:3 600 0:6"
	assert_line --regexp '^/dev/conf-p fifo [0-9a-f]+:[0-9a-f]+ 644 0:0$'
	assert_line --regexp '^ *00 00$'
}

@test "config-linux.md#devices: a file already at path that does not match the device MUST generate an error" {
	# a /dev from the rootfs (no tmpfs on it), where a regular file sits at the path
	update_config '.mounts = [.mounts[] | select(.destination != "/dev")]
		| .linux.devices = [{path: "/dev/conf-dev", type: "c", major: 1, minor: 3}]'
	echo keep-me > rootfs/dev/conf-dev
	set_args true
	expect_create_error /dev/conf-dev
	assert_equal "$(cat rootfs/dev/conf-dev)" keep-me
}

@test "config-linux.md#devices: a matching device already at path is not an error" {
	update_config '.mounts = [.mounts[] | select(.destination != "/dev")]
		| .linux.devices = [{path: "/dev/conf-null", type: "c", major: 1, minor: 3, fileMode: 438}]'
	mknod -m 666 rootfs/dev/conf-null c 1 3
	set_args sh -c 'echo x > /dev/conf-null && stat -c "%t:%T" /dev/conf-null'
	run skiff run ctr
	assert_success
	assert_output 1:3
}

# runtime-spec 1.1+: "The path MAY be anywhere in the container filesystem,
# notably outside of /dev."  skiff supports only paths under /dev: a node
# made elsewhere could land on a bind-mounted host directory and stay there,
# readable by the host's users.  config.md#valid-values lets a runtime support
# a subset of the valid values as long as the others are an error, which
# this checks.
@test "config-linux.md#devices: a path outside /dev is allowed by the spec; skiff refuses it by design with an error (spec/validate.c)" {
	set_args true
	update_config '.linux.devices = [{path: "/opt/conf-null", type: "c", major: 1, minor: 3}]'
	expect_create_error '.linux.devices[0].path' /opt/conf-null
	[ ! -e rootfs/opt/conf-null ]
}

@test "config-linux.md#devices: a device node neither listed nor a default one cannot be used, even made with mknod" {
	cgroups_or_skip
	# 1:1 is /dev/mem: made in the container (CAP_MKNOD), opening it is refused
	set_args sh -c 'mknod /tmp/conf-mem c 1 1 && echo made; head -c 1 /tmp/conf-mem > /dev/null 2>&1 || echo refused; head -c 1 /dev/zero | od -An -tx1'
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .root.readonly = false
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	run skiff run ctr
	assert_success
	assert_line made
	assert_line refused
	assert_line --regexp '^ *00$'
}

@test "config-linux.md#default-devices: /dev/null, zero, full, random, urandom and tty MUST be supplied" {
	set_args sh -c '
		for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done
		echo x > /dev/null && echo null-ok
		head -c 3 /dev/zero | od -An -tx1
		echo x > /dev/full 2>/dev/null || echo full-refuses
		[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-ok'
	run skiff run ctr
	assert_success
	assert_line "/dev/null character special file 1:3"
	assert_line "/dev/zero character special file 1:5"
	assert_line "/dev/full character special file 1:7"
	assert_line "/dev/random character special file 1:8"
	assert_line "/dev/urandom character special file 1:9"
	assert_line "/dev/tty character special file 5:0"
	assert_line null-ok
	assert_line --regexp '^ *00 00 00$'
	assert_line full-refuses
	assert_line urandom-ok
}

@test "config-linux.md#default-devices: /dev/ptmx MUST be a bind mount or symlink of the container's /dev/pts/ptmx" {
	set_args sh -c 'stat -L -c "%d:%i" /dev/ptmx /dev/pts/ptmx'
	run skiff run ctr
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "${lines[1]}"
}

@test "config-linux.md#default-devices: /dev/console is the process's pty, bind mounted, when terminal is enabled" {
	[ -x "$RECVTTY" ] || skip "tests/helpers/recvtty is not built (make check builds it)"
	SOCK=$BATS_TEST_TMPDIR/console.sock
	"$RECVTTY" "$SOCK" '' > "$BATS_TEST_TMPDIR/tty.out" 2> /dev/null &
	RECVPID=$!
	wait_for_path "$SOCK"
	set_args sh -c 'stat -L -c "%t:%T" /dev/console 2>&1; stat -L -c "%t:%T" "$(tty)"'
	update_config '.process.terminal = true'
	run_detached skiff run -d --console-socket "$SOCK" ctr
	assert_success
	wait "$RECVPID"
	run tr -d '\r' < "$BATS_TEST_TMPDIR/tty.out"
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "${lines[1]}"
}

@test "runtime-linux.md#dev-symbolic-links: /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr MUST link to /proc/self/fd" {
	set_args sh -c 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; echo through-link > /dev/stdout'
	run skiff run ctr
	assert_success
	assert_line "fd /proc/self/fd"
	assert_line "stdin /proc/self/fd/0"
	assert_line "stdout /proc/self/fd/1"
	assert_line "stderr /proc/self/fd/2"
	assert_line through-link
}

@test "runtime-linux.md#file-descriptors: by default only stdin, stdout and stderr are kept open for the application" {
	set_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	run bash -c "exec 5</dev/null 7>/dev/null 9</etc/hostname; '$SKIFF' --root '$ROOT' run ctr < /dev/null"
	assert_success
	# 0 1 2, and the directory ls reads
	assert_output --regexp '^0 1 2 3 $'
}

# --------------------------------------------------------------- cgroups --

cgroups_or_skip() {
	"$SKIFF" update --help > /dev/null 2>&1 || skip "cgroups not implemented in this build"
	[ -d /sys/fs/cgroup/memory ] || skip "needs the cgroup v1 hierarchies (this host has another layout)"
	CG=/skiffconf-$$-$BATS_TEST_NUMBER
}

@test "config-linux.md#cgroups-path: an absolute cgroupsPath is relative to the cgroup mount point, created if missing" {
	cgroups_or_skip
	[ ! -e "/sys/fs/cgroup/memory$CG" ]
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.memory = {limit: 33554432}'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ -d "/sys/fs/cgroup/memory$CG" ]
	grep -qx "$pid" "/sys/fs/cgroup/memory$CG/cgroup.procs"
	run grep ':memory:' "/proc/$pid/cgroup"
	assert_output --regexp ":memory:$CG\$"
}

@test "config-linux.md#memory: limit sets the memory limit of the container's cgroup" {
	cgroups_or_skip
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.memory = {limit: 33554432, reservation: 16777216}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/memory$CG/memory.limit_in_bytes")" 33554432
	assert_equal "$(cat "/sys/fs/cgroup/memory$CG/memory.soft_limit_in_bytes")" 16777216
}

@test "config-linux.md#pids: limit sets the maximum number of tasks in the cgroup" {
	cgroups_or_skip
	set_args sh -c 'sleep 100 & sleep 100 & sleep 100 & sleep 100 & sleep 100 & sleep 100 & wait'
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.pids = {limit: 4}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/pids$CG/pids.max")" 4
	sleep 0.5
	[ "$(wc -l < "/sys/fs/cgroup/pids$CG/cgroup.procs")" -le 4 ]
}

@test "config-linux.md#cpu: shares sets the relative share of CPU time" {
	cgroups_or_skip
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.cpu = {shares: 512, quota: 50000, period: 100000}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/cpu$CG/cpu.shares")" 512
	assert_equal "$(cat "/sys/fs/cgroup/cpu$CG/cpu.cfs_quota_us")" 50000
	assert_equal "$(cat "/sys/fs/cgroup/cpu$CG/cpu.cfs_period_us")" 100000
}

@test "config-linux.md#allowed-device-list: the runtime MUST apply entries in the listed order" {
	cgroups_or_skip
	# 240:0 has no driver and is no default device: opening it is ENXIO
	# when the cgroup allows it, EPERM when it denies it
	set_args sh -c 'head -c 1 /dev/conf-dev > /dev/null'
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg
		| .linux.devices = [{path: "/dev/conf-dev", type: "c", major: 240, minor: 0}]
		| .linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 240, minor: 0, access: "rw"}]'
	run skiff run ctr
	assert_output --partial "No such device or address"
	update_config '.linux.resources.devices = [{allow: true, type: "c", major: 240, minor: 0, access: "rw"}, {allow: false, access: "rwm"}]'
	run skiff run ctr
	assert_output --partial "Operation not permitted"
}

@test "config-linux.md#control-groups: create in a cgroup that already holds processes MUST generate an error" {
	cgroups_or_skip
	mkdir "/sys/fs/cgroup/pids$CG"
	sleep 100 &
	HELPER_PID=$!
	echo "$HELPER_PID" > "/sys/fs/cgroup/pids$CG/cgroup.procs"
	set_args true
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg'
	expect_create_error "$CG"
	# that process is none of ours: untouched
	process_alive "$HELPER_PID"
	grep -qx "$HELPER_PID" "/sys/fs/cgroup/pids$CG/cgroup.procs"
}

@test "config-linux.md#cgroups-path: the same cgroupsPath attaches to the same place every time; a relative one is under the runtime's cgroup" {
	cgroups_or_skip
	set_args sleep 100
	own=$(awk -F: '$2 == "pids" {print $3}' /proc/self/cgroup)
	update_config --arg cg "skiffconf-rel-$$-$BATS_TEST_NUMBER" '.linux.cgroupsPath = $cg'
	first=
	for i in 1 2; do
		skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
		where=$(awk -F: '$2 == "pids" {print $3}' "/proc/$(cat "$BATS_TEST_TMPDIR/pid")/cgroup")
		assert_equal "$where" "${own%/}/skiffconf-rel-$$-$BATS_TEST_NUMBER"
		[ -z "$first" ] || assert_equal "$where" "$first"
		first=$where
		skiff delete --force ctr
	done
}

@test "config-linux.md#memory: -1 means unlimited; swap is the memory+swap limit" {
	cgroups_or_skip
	[ -e "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes" ] || skip "no swap accounting on this host"
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.memory = {limit: 67108864, swap: 134217728}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/memory$CG/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "/sys/fs/cgroup/memory$CG/memory.memsw.limit_in_bytes")" 134217728
	skiff delete --force ctr
	update_config '.linux.resources.memory = {limit: -1, swap: -1}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/memory$CG/memory.limit_in_bytes")" "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
}

@test "runtime.md#create: a resource whose cgroup controller is missing (rdma here) cannot be applied: an error, no container" {
	cgroups_or_skip
	[ ! -d /sys/fs/cgroup/rdma ] && ! grep -qw rdma /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null ||
		skip "this host has the rdma controller"
	set_args true
	update_config '.linux.resources.rdma = {"mlx5_1": {hcaHandles: 3}}'
	expect_create_error linux.resources.rdma rdma
}

@test "config-linux.md#unified: keys are written to the cgroup2 files; a controller that is not present MUST generate an error" {
	cgroups_or_skip
	grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || skip "no hugetlb controller on cgroup2 here"
	[ -d /sys/fs/cgroup/unified/ ] || skip "no cgroup2 mount"
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2 MB huge pages"
	key=hugetlb.2MB.max
	set_args sleep 100
	update_config --arg cg "$CG" --arg k "$key" '.linux.cgroupsPath = $cg | .linux.resources.unified = {($k): "4194304"}'
	skiff run -d ctr
	assert_equal "$(cat "/sys/fs/cgroup/unified$CG/$key")" 4194304
	skiff delete --force ctr
	update_config '.linux.resources.unified = {"skiffnosuch.max": "1"}'
	expect_create_error skiffnosuch
}

@test "config-linux.md#cgroup-ownership: with cgroup v1 the runtime SHOULD NOT change the owner of the container's cgroup" {
	cgroups_or_skip
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg
		| .linux.namespaces += [{type: "user"}, {type: "cgroup"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["rw", "nosuid", "noexec", "nodev"]}]
		| .linux.resources.pids = {limit: 100}'
	skiff run -d ctr
	for d in /sys/fs/cgroup/pids$CG /sys/fs/cgroup/pids$CG/cgroup.procs; do
		assert_equal "$(stat -c %u:%g "$d")" 0:0
	done
}

@test "runtime.md#delete: the container's cgroups, created by create, are removed by delete" {
	cgroups_or_skip
	set_args sleep 100
	update_config --arg cg "$CG" '.linux.cgroupsPath = $cg | .linux.resources.pids = {limit: 100}'
	skiff run -d ctr
	[ -d "/sys/fs/cgroup/pids$CG" ]
	skiff delete --force ctr
	for d in /sys/fs/cgroup/*"$CG"; do
		[ ! -e "$d" ] || fail "$d is left"
	done
}

# ---------------------------------------------------------------- sysctl --

@test "config-linux.md#sysctl: kernel parameters are set for the container, not the host" {
	shm=$(cat /proc/sys/kernel/shm_rmid_forced)
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	update_config --arg a "$((1 - shm))" --arg b "$((1 - fwd))" \
		'.linux.sysctl = {"kernel.shm_rmid_forced": $a, "net.ipv4.ip_forward": $b}'
	set_args cat /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ip_forward
	run skiff run ctr
	assert_success
	assert_output "$(printf '%s\n%s' $((1 - shm)) $((1 - fwd)))"
	assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" "$shm"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd"
}

# --------------------------------------------------------------- seccomp --

seccomp_or_skip() {
	ldd "$SKIFF" 2>/dev/null | grep -q libseccomp || skip "seccomp not implemented in this build (skiff does not link libseccomp)"
}

@test "config-linux.md#seccomp: a rule's action and errnoRet apply to the named syscalls" {
	seccomp_or_skip
	set_args sh -c 'mkdir /tmp/d 2>&1 || true; touch /tmp/f && echo touch-ok'
	update_config '.root.readonly = false | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13}]}'
	run skiff run ctr
	assert_success
	assert_line --partial "Permission denied"
	assert_line touch-ok
	[ ! -e rootfs/tmp/d ]
}

@test "config-linux.md#seccomp: names MUST contain at least one entry" {
	set_args true
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: [], action: "SCMP_ACT_ERRNO"}]}'
	expect_create_error names
}

@test "config-linux.md#seccomp: listenerMetadata MUST NOT be set without listenerPath" {
	set_args true
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerMetadata: "x"}'
	expect_create_error listenerMetadata
}

@test "config-linux.md#seccomp: an errno for an action that does not take one MUST print an error and fail" {
	set_args true
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 1}'
	expect_create_error defaultErrnoRet
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_ALLOW", errnoRet: 1}]}'
	expect_create_error errnoRet
}

@test "config-linux.md#seccomp: errnoRet, EPERM when it is not given" {
	seccomp_or_skip
	set_args sh -c 'mkdir /tmp/d 2>&1; true'
	update_config '.root.readonly = false | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
	run skiff run ctr
	assert_output --partial "Operation not permitted"
	update_config '.linux.seccomp.syscalls[0].errnoRet = 30'
	run skiff run ctr
	assert_output --partial "Read-only file system"
}

@test "config-linux.md#seccomp: if sending to listenerPath fails, the runtime MUST generate an error" {
	seccomp_or_skip
	set_args true
	update_config --arg l "$BATS_TEST_TMPDIR/no-agent.sock" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $l, syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
	expect_create_error no-agent.sock
}

@test "config-linux.md#seccomp: a flag libseccomp or the kernel cannot set is an error (WAIT_KILLABLE_RECV needs libseccomp 2.6)" {
	seccomp_or_skip
	set_args true
	update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	run_detached skiff create ctr
	if [ "$status" -eq 0 ]; then
		skip "this libseccomp and kernel support it"
	fi
	assert_output --partial SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	[ ! -e "$ROOT/ctr" ]
}

# --------------------------------------------------- rootfs propagation --

# Run the container with linux.rootfsPropagation $1, its bundle on a shared
# mount of the host (so that there is something to propagate); sets
# HOST_PEER to the host's peer group and output to the optional fields of
# the container's "/" in its mountinfo, then "end".
root_propagation() {
	mount --bind "$BUNDLE" "$BUNDLE"
	HOST_MOUNTS+=("$BUNDLE")
	mount --make-shared "$BUNDLE"
	cd "$BUNDLE"
	HOST_PEER=$(awk -v d="$BUNDLE" '$5 == d { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print substr($i, 8) }' /proc/self/mountinfo)
	[ -n "$HOST_PEER" ]
	set_args sh -c 'awk "\$5 == \"/\" { for (i = 7; \$i != \"-\"; i++) printf \"%s \", \$i; print \"end\" }" /proc/self/mountinfo'
	update_config --arg p "$1" '.linux.rootfsPropagation = $p'
	run skiff run ctr
	assert_success
	# nothing the container mounted came back to the host
	run grep -F "$BUNDLE/rootfs/" /proc/self/mountinfo
	assert_failure
	run skiff run ctr
}

@test "config-linux.md#rootfs-mount-propagation: shared: the rootfs mount is in a new peer group, not the host's" {
	root_propagation shared
	assert_output --regexp '(^| )shared:[0-9]+ '
	refute_output --regexp "(^| )shared:$HOST_PEER "
}

@test "config-linux.md#rootfs-mount-propagation: slave: the rootfs mount receives propagation from the host" {
	root_propagation slave
	assert_output --regexp "(^| )master:$HOST_PEER "
	refute_output --regexp 'shared:'
}

@test "config-linux.md#rootfs-mount-propagation: private: the rootfs mount neither sends nor receives" {
	root_propagation private
	assert_output end
}

@test "config-linux.md#rootfs-mount-propagation: unbindable: a private mount that cannot be bind mounted" {
	root_propagation unbindable
	assert_output "unbindable end"
}

@test "config-linux.md#rootfs-mount-propagation: another value MUST generate an error (config.md#valid-values)" {
	set_args true
	update_config '.linux.rootfsPropagation = "sideways"'
	expect_create_error sideways
}

# ---------------------------------------------- masked and read-only paths --

@test "config-linux.md#masked-paths: masked paths cannot be read" {
	echo secret > rootfs/etc/conf-secret
	mkdir -p rootfs/etc/conf-dir
	echo secret > rootfs/etc/conf-dir/file
	update_config '.linux.maskedPaths = ["/etc/conf-secret", "/etc/conf-dir", "/proc/kcore"]'
	set_args sh -c 'echo "[$(cat /etc/conf-secret)]"; ls -A /etc/conf-dir | wc -l; echo "[$(head -c 8 /proc/kcore 2>/dev/null)]"'
	run skiff run ctr
	assert_success
	assert_output "$(printf '[]\n0\n[]')"
	assert_equal "$(cat rootfs/etc/conf-secret)" secret
}

@test "config-linux.md#masked-paths: values MUST be absolute paths" {
	set_args true
	update_config '.linux.maskedPaths = ["proc/kcore"]'
	expect_create_error maskedPaths proc/kcore
}

@test "config-linux.md#readonly-paths: readonly paths are read-only in the container" {
	mkdir -p rootfs/data
	update_config '.root.readonly = false | .linux.readonlyPaths = ["/data", "/etc/passwd", "/proc/sys"]'
	set_args sh -c 'touch /data/x 2>/dev/null || echo data-ro; (echo x >> /etc/passwd) 2>/dev/null || echo passwd-ro
		(echo 1 > /proc/sys/kernel/domainname) 2>/dev/null || echo sys-ro; touch /elsewhere && echo rest-rw'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'data-ro\npasswd-ro\nsys-ro\nrest-rw')"
}

@test "config-linux.md#readonly-paths: values MUST be absolute paths" {
	set_args true
	update_config '.linux.readonlyPaths = ["proc/sys"]'
	expect_create_error readonlyPaths proc/sys
}

# ------------------------------------------------------------ mount label --

@test "config-linux.md#mount-label: a mountLabel that cannot be applied (no SELinux here) MUST generate an error" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this host"
	set_args true
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	expect_create_error
}

# ------------------------------------------------------------ personality --

@test "config-linux.md#personality: domain LINUX32 makes uname report a 32-bit CPU; LINUX the native one" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	set_args uname -m
	update_config '.linux.personality = {domain: "LINUX32"}'
	run skiff run ctr
	assert_success
	assert_output i686
	update_config '.linux.personality = {domain: "LINUX"}'
	run skiff run ctr
	assert_success
	assert_output x86_64
}

@test "config-linux.md#personality: a domain outside LINUX and LINUX32 MUST generate an error (config.md#valid-values)" {
	set_args true
	update_config '.linux.personality = {domain: "LINUX64"}'
	expect_create_error LINUX64
}

@test "config-linux.md#personality: no flag values are supported, so a flag MUST generate an error (config.md#valid-values)" {
	set_args true
	update_config '.linux.personality = {domain: "LINUX", flags: ["ADDR_NO_RANDOMIZE"]}'
	expect_create_error ADDR_NO_RANDOMIZE
}

# ---------------------------------------------------------------- intelRdt --

@test "config-linux.md#intelrdt: with intelRdt set and no resctrl filesystem mounted, the runtime MUST generate an error" {
	! grep -q ' resctrl ' /proc/self/mounts || skip "resctrl is mounted on this host"
	set_args true
	update_config '.linux.intelRdt = {closID: "skiff-conformance"}'
	expect_create_error .linux.intelRdt "no resctrl filesystem is mounted"
}


# The rest use a stand-in resctrl tree: no machine of this project has Intel
# RDT.  $SKIFF_TEST_RESCTRL_ROOT (read by libcontainer/intelrdt.c, for tests
# only) names a directory taken as the resctrl mount; plain files there keep
# every value written (appended, in order), and a group the runtime makes
# gets empty tasks and schemata files, as the kernel would give it.
fake_resctrl() {
	RDT=$BATS_TEST_TMPDIR/resctrl
	mkdir -p "$RDT"
	export SKIFF_TEST_RESCTRL_ROOT=$RDT
}

@test "config-linux.md#intelrdt: without closID the runtime MUST make the <container-id> group, write the combined L3/MB schema, then schemata last, and the pid to tasks" {
	fake_resctrl
	set_args sleep 1000
	update_config '.linux.intelRdt = {l3CacheSchema: "L3:0=7f0;1=1f\nMB:0=100", memBwSchema: "MB:0=20;1=70", schemata: "L2:0=f"}'
	skiff create --pid-file "$OUT/pid" ctr
	[ -d "$RDT/ctr" ] || fail "no group named after the container"
	# the non-MB: lines of l3CacheSchema, then memBwSchema; then schemata
	assert_equal "$(cat "$RDT/ctr/schemata")" "$(printf 'L3:0=7f0;1=1f\nMB:0=20;1=70L2:0=f')"
	assert_equal "$(cat "$RDT/ctr/tasks")" "$(cat "$OUT/pid")"
	# exec's processes join the group too
	skiff exec -d --pid-file "$OUT/exec.pid" ctr sleep 500
	assert_equal "$(cat "$RDT/ctr/tasks")" "$(cat "$OUT/pid")$(cat "$OUT/exec.pid")"
	skiff delete --force ctr
	[ ! -e "$RDT/ctr" ] || fail "the container's group is left after delete"
}

@test "config-linux.md#intelrdt: a closID with no schema MUST name an existing (pre-configured) group, which the container joins and delete leaves" {
	fake_resctrl
	set_args sleep 1000
	update_config '.linux.intelRdt = {closID: "guaranteed"}'
	expect_create_error .linux.intelRdt.closID "$RDT/guaranteed"
	mkdir "$RDT/guaranteed"
	: > "$RDT/guaranteed/tasks"
	: > "$RDT/guaranteed/schemata"
	skiff create --pid-file "$OUT/pid" ctr
	assert_equal "$(cat "$RDT/guaranteed/tasks")" "$(cat "$OUT/pid")"
	assert_equal "$(cat "$RDT/guaranteed/schemata")" ""
	skiff delete --force ctr
	[ -d "$RDT/guaranteed" ] || fail "a pre-configured group was removed"
}

@test "config-linux.md#intelrdt: an existing closID group whose schemata differs from l3CacheSchema/memBwSchema MUST be an error; one that matches is joined" {
	fake_resctrl
	set_args true
	mkdir "$RDT/shared"
	: > "$RDT/shared/tasks"
	# as the kernel shows it: padded, the domains in full
	printf '    L3:0=07f0;1=001f\n    MB:0= 20;1= 70\n' > "$RDT/shared/schemata"
	update_config '.linux.intelRdt = {closID: "shared", l3CacheSchema: "L3:0=7f0;1=1f", memBwSchema: "MB:0=30;1=70"}'
	expect_create_error .linux.intelRdt.closID "schemata other than"
	update_config '.linux.intelRdt.memBwSchema = "MB:0=20;1=70"'
	skiff run ctr
	[ -s "$RDT/shared/tasks" ] || fail "the container did not join the group"
}

@test "config-linux.md#intelrdt: enableMonitoring puts the container in a monitoring group of its own, which delete removes" {
	fake_resctrl
	set_args sleep 1000
	update_config '.linux.intelRdt = {enableMonitoring: true}'
	skiff create --pid-file "$OUT/pid" ctr
	assert_equal "$(cat "$RDT/ctr/mon_groups/ctr/tasks")" "$(cat "$OUT/pid")"
	# skiff check sees the same resctrl as create
	run "$SKIFF" check --bundle "$BUNDLE"
	assert_success
	skiff delete --force ctr
	[ ! -e "$RDT/ctr" ] || fail "the groups are left after delete"
}

@test "config-linux.md#intelrdt: memBwSchema MUST start with MB: and hold no newline (check and create agree)" {
	fake_resctrl
	set_args true
	update_config '.linux.intelRdt = {memBwSchema: "L3:0=1"}'
	expect_create_error .linux.intelRdt.memBwSchema "MB:"
	[ ! -e "$RDT/ctr" ] || fail "a group was made for a refused config"
}

@test "config-linux.md#intelrdt: update --l3-cache-schema/--mem-bw-schema (runc's) puts a container made without intelRdt in a group of its id and writes the schema" {
	fake_resctrl
	set_args sleep 1000
	skiff run -d --pid-file "$OUT/pid" ctr
	# runc's words when resctrl lacks the resource
	mkdir -p "$RDT/info/L3"
	run skiff update --l3-cache-schema "L3:0=f" --mem-bw-schema "MB:0=50" ctr
	assert_failure
	assert_output "skiff: Intel RDT/MBA: memory bandwidth schema is not enabled"
	[ ! -e "$RDT/ctr" ] || fail "a group was made for a refused update"
	mkdir -p "$RDT/info/MB"
	run skiff update --mem-bw-schema "L3:0=1" ctr
	assert_failure
	assert_output --partial ".linux.intelRdt.memBwSchema"
	skiff update --l3-cache-schema "L3:0=f" --mem-bw-schema "MB:0=50" ctr
	assert_equal "$(cat "$RDT/ctr/tasks")" "$(cat "$OUT/pid")"
	assert_equal "$(cat "$RDT/ctr/schemata")" "$(printf 'L3:0=f\nMB:0=50')"
	# a second update rewrites the combined value, the L3 part kept
	skiff update --mem-bw-schema "MB:0=70" ctr
	assert_equal "$(tail -n 2 "$RDT/ctr/schemata")" "$(printf 'MB:0=50L3:0=f\nMB:0=70')"
	skiff delete --force ctr
	[ ! -e "$RDT/ctr" ] || fail "the group made by update is left after delete"
}

# -------------------------------------------------------- network devices --

# A veth pair sk<test>a / sk<test>b on the host (this kernel has no dummy
# interfaces); the a end, up, with an IPv4 and an IPv6 address, is the one
# moved.
make_veth() {
	VETH=sk$$$BATS_TEST_NUMBER
	VETH=${VETH:0:12}
	ip link add "${VETH}a" type veth peer name "${VETH}b"
	ip link set "${VETH}a" up
	ip addr add 169.254.169.13/32 dev "${VETH}a"
	ip -6 addr add fd00:5c1f::13/64 dev "${VETH}a" nodad
}

@test "config-linux.md#network-devices: the host interface MUST move into the container's namespace, renamed, with its permanent addresses and link state" {
	make_veth
	set_args sleep 1000
	update_config --arg d "${VETH}a" '.linux.netDevices = {($d): {name: "ctr0"}}'
	skiff run -d ctr
	# gone from the runtime's namespace
	run ip link show "${VETH}a"
	assert_failure
	run skiff exec ctr ip -o addr show dev ctr0
	assert_success
	assert_output --partial "inet 169.254.169.13/32"
	assert_output --partial "inet6 fd00:5c1f::13/64"
	run skiff exec ctr ip -o link show dev ctr0
	assert_output --regexp '<[^>]*UP[^>]*>'
}

@test "config-linux.md#network-devices: without name the interface keeps its host name, and one that was down stays down" {
	make_veth
	ip link set "${VETH}a" down
	set_args ip -o link show dev "${VETH}a"
	update_config --arg d "${VETH}a" '.linux.netDevices = {($d): {}}'
	run skiff run ctr
	assert_success
	assert_output --partial "${VETH}a"
	refute_output --regexp '<[^>]*UP[^>]*>'
}

@test "config-linux.md#network-devices: without a network namespace the runtime MUST generate an error" {
	set_args true
	update_config 'del(.linux.namespaces[] | select(.type == "network")) | .linux.netDevices = {eth9: {}}'
	expect_create_error .linux.netDevices "unable to move network devices without a NET namespace"
}

@test "config-linux.md#network-devices: a name taken in the container is an error, and the interfaces already moved come back as they were" {
	make_veth
	ip link add "${VETH}c" type veth peer name "${VETH}d"
	set_args true
	# "lo" exists in every network namespace
	update_config --arg a "${VETH}a" --arg c "${VETH}c" \
		'.linux.netDevices = {($a): {name: "ctr0"}, ($c): {name: "lo"}}'
	expect_create_error ".linux.netDevices[\"${VETH}c\"]" "the name is taken there"
	run ip -o addr show dev "${VETH}a"
	assert_success
	assert_output --partial "inet 169.254.169.13/32"
	assert_output --partial "fd00:5c1f::13/64"
	run ip -o link show dev "${VETH}a"
	assert_output --regexp '<[^>]*UP[^>]*>'
	ip link show "${VETH}c" > /dev/null || fail "${VETH}c did not stay on the host"
	ip link delete "${VETH}c"
}

@test "config-linux.md#network-devices: a host interface that does not exist is an error naming it" {
	set_args true
	update_config '.linux.netDevices = {skiffnosuch0: {}}'
	expect_create_error 'config.json: .linux.netDevices["skiffnosuch0"]: network device skiffnosuch0: no such interface on the host'
	# skiff check says the same, before anything is made
	run "$SKIFF" check --bundle "$BUNDLE"
	assert_failure
	assert_output --partial 'error: .linux.netDevices["skiffnosuch0"]: network device skiffnosuch0: no such interface on the host'
}

# The kernel destroys a namespace after its last user has gone, a moment
# after delete returns: wait (bounded) for $1 to disappear from the host.
wait_link_gone() {
	local i
	for i in $(seq 100); do
		ip link show "$1" > /dev/null 2>&1 || return 0
		sleep 0.1
	done
	return 1
}

@test "config-linux.md#network-devices: delete leaves the interface to the kernel: a veth in a namespace the container made dies with it, peer and all" {
	make_veth
	set_args sleep 1000
	update_config --arg d "${VETH}a" '.linux.netDevices = {($d): {}}'
	skiff run -d ctr
	skiff delete --force ctr
	wait_link_gone "${VETH}b" || fail "the veth's peer outlived the container's namespace"
	run ip link show "${VETH}a"
	assert_failure
}

@test "config-linux.md#network-devices: in a network namespace joined by path the interface moves there, and stays after delete" {
	make_veth
	NETNS=skiffconf-$$-$BATS_TEST_NUMBER
	ip netns add "$NETNS"
	set_args true
	update_config --arg d "${VETH}a" --arg p "/var/run/netns/$NETNS" \
		'(.linux.namespaces[] | select(.type == "network")).path = $p | .linux.netDevices = {($d): {name: "ctr0"}}'
	skiff run ctr
	run ip netns exec "$NETNS" ip -o addr show dev ctr0
	assert_success
	assert_output --partial "inet 169.254.169.13/32"
}

@test "config-linux.md#network-devices: a network namespace joined by path that is the runtime's own is refused, and the interface stays" {
	make_veth
	set_args true
	update_config --arg d "${VETH}a" --arg p "/proc/$$/ns/net" \
		'(.linux.namespaces[] | select(.type == "network")).path = $p | .linux.netDevices = {($d): {name: "ctr0"}}'
	expect_create_error ".linux.netDevices: the container's network namespace is the runtime's own"
	ip link show "${VETH}a" > /dev/null || fail "the interface left the host"
	run ip link show ctr0
	assert_failure
}

# ---------------------------------------------------------- memory policy --

# The policy the container's process runs with, as numa_maps shows it for
# its first mapping ("interleave:0", "bind=static:0", "default", ...).
numa_policy_args() {
	set_args sh -c 'head -n 1 /proc/self/numa_maps | cut -d " " -f 2'
}

@test "config-linux.md#memory-policy: the runtime MUST set the policy (set_mempolicy) for the container process: MPOL_INTERLEAVE" {
	[ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA (no /proc/self/numa_maps)"
	numa_policy_args
	update_config '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
	run skiff run ctr
	assert_success
	assert_output "interleave:0"
}

@test "config-linux.md#memory-policy: MPOL_BIND with MPOL_F_STATIC_NODES, MPOL_LOCAL and MPOL_DEFAULT" {
	[ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA (no /proc/self/numa_maps)"
	numa_policy_args
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
	run skiff run ctr
	assert_success
	assert_output "bind=static:0"
	update_config '.linux.memoryPolicy = {mode: "MPOL_LOCAL"}'
	run skiff run ctr
	assert_success
	assert_output "local"
	update_config '.linux.memoryPolicy = {mode: "MPOL_DEFAULT"}'
	run skiff run ctr
	assert_success
	assert_output "default"
}

@test "config-linux.md#memory-policy: exec'd processes get the container's policy too" {
	[ -e /proc/self/numa_maps ] || skip "this kernel has no NUMA (no /proc/self/numa_maps)"
	set_args sleep 1000
	update_config '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0", flags: ["MPOL_F_RELATIVE_NODES"]}'
	skiff run -d ctr
	run skiff exec ctr sh -c 'head -n 1 /proc/self/numa_maps | cut -d " " -f 2'
	assert_success
	assert_output "prefer=relative:0"
}

@test "config-linux.md#memory-policy: mode is REQUIRED, and the modes that need nodes, or take none, are checked with the config" {
	set_args true
	update_config '.linux.memoryPolicy = {nodes: "0"}'
	expect_create_error ".linux.memoryPolicy.mode: required field is missing"
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND"}'
	expect_create_error ".linux.memoryPolicy.nodes: MPOL_BIND needs nodes"
	update_config '.linux.memoryPolicy = {mode: "MPOL_DEFAULT", nodes: "0-7"}'
	expect_create_error ".linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes"
	update_config '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0", flags: ["MPOL_F_RELATIVE_NODES", "badflag"]}'
	expect_create_error '.linux.memoryPolicy.flags[1]: invalid memory policy flag "badflag"'
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0-9876543210"}'
	expect_create_error ".linux.memoryPolicy.nodes: invalid memory policy nodes"
}

@test "config-linux.md#memory-policy: a node this host does not have is an error naming the field, and nothing is left" {
	[ ! -e /sys/devices/system/node/node1000 ] || skip "this host has node 1000"
	set_args true
	update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "1000"}'
	expect_create_error ".linux.memoryPolicy: set_mempolicy MPOL_BIND" "invalid argument"
}
