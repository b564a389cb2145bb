#!/usr/bin/env bats
# cgroups on a cgroup v1 or hybrid host: where they go, every resource the
# kernel here can show, devices, pause/resume, update, ps, events, and
# their removal.  Each value is read back from the host's cgroup files.
# (cgroups-v2.bats covers hosts where /sys/fs/cgroup is cgroup2.)

load helpers

setup() {
	setup_bundle
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] ||
		skip "a cgroup v1 or hybrid host (cgroups-v2.bats covers cgroup2)"
	set_args sleep 100
}

teardown() {
	teardown_containers --no-check
	if [ -n "${RUNC_ROOT:-}" ]; then
		runc --root "$RUNC_ROOT" delete -f rc >/dev/null 2>&1 || true
	fi
	# The hugetlb test may have enabled the controller in the cgroup2 root.
	if [ -n "${DISABLE_UNIFIED_HUGETLB:-}" ]; then
		echo -hugetlb >/sys/fs/cgroup/unified/cgroup.subtree_control 2>/dev/null || true
	fi
	# Parents of relative paths are left in place by runc and skiff alike.
	local d
	for d in ${LEFTOVER_DIRS:-}; do
		rmdir "$d" 2>/dev/null || true
	done
	check_no_leftovers
}

init_pid() {
	skiff state "$1" | jq .pid
}

# The directory a /proc/PID/cgroup line names on this host.
line_dir() {
	local line=$1 ctrls path
	ctrls=${line#*:}
	ctrls=${ctrls%%:*}
	path=${line#*:*:}
	case $ctrls in
	"") echo "/sys/fs/cgroup/unified$path" ;;
	name=*) echo "/sys/fs/cgroup/${ctrls#name=}$path" ;;
	*) echo "/sys/fs/cgroup/${ctrls%%,*}$path" ;;
	esac
}

# Every cgroup directory of process $1, one per hierarchy.
pid_cgroup_dirs() {
	local line
	while IFS= read -r line; do
		line_dir "$line"
	done <"/proc/$1/cgroup"
}

# Where relative cgroupsPath $1 goes: below our own cgroup in each hierarchy.
relative_dirs() {
	local line
	while IFS= read -r line; do
		line_dir "${line%/}/$1"
	done </proc/self/cgroup
}

# The container's directory in the hierarchy of controller $2 ("unified":
# cgroup2).
cg() {
	local line
	if [ "$2" = unified ]; then
		line=$(grep '^0::' "/proc/$(init_pid "$1")/cgroup")
	else
		line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$(init_pid "$1")/cgroup")
	fi
	line_dir "$line"
}

@test "the cgroups are made in every hierarchy before the process runs, and delete removes them" {
	set_args sh -c 'cat /proc/self/cgroup; sleep 100'
	update_config 'del(.linux.cgroupsPath)'
	# no cgroupsPath: the id, relative to our own cgroup, as runc does
	id=skiff-default-$$
	skiff run -d "$id"
	pid=$(init_pid "$id")
	run pid_cgroup_dirs "$pid"
	assert_equal "$(sort <<<"$output")" "$(relative_dirs "$id" | sort)"
	[ "$(wc -l <"/proc/$pid/cgroup")" -eq "$(wc -l </proc/self/cgroup)" ]
	# the paths are recorded for later commands
	jq -e --arg d "$(cg "$id" memory)" '.cgroupPaths.memory == $d' "$ROOT/$id/state.json"
	dirs=$(pid_cgroup_dirs "$pid")
	skiff delete -f "$id"
	for d in $dirs; do
		[ ! -e "$d" ] || fail "$d is still there"
	done
}

@test "exec: the new process is in the container's cgroups, so ps and limits count it" {
	update_config '.linux.resources.pids = {"limit": 3}'
	skiff run -d ctr
	run skiff exec ctr cat /proc/self/cgroup
	assert_success
	assert_equal "$output" "$(cat "/proc/$(init_pid ctr)/cgroup")"
	skiff exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" ctr sleep 100
	run skiff ps -f json ctr
	echo "$output" | jq -e --argjson p "$(cat "$BATS_TEST_TMPDIR/exec.pid")" 'index($p) != null and length == 2'
	# init + sleep + the shell: the third fork is one too many
	run skiff exec ctr sh -c 'sleep 1 & sleep 1 & wait'
	assert_failure
	assert_output --partial "can't fork"
}

@test "cgroupsPath absolute and relative land where runc puts them" {
	for path in "skiff-rel-$$-$BATS_TEST_NUMBER/x" "/skiff-abs-$$-$BATS_TEST_NUMBER"; do
		update_config --arg p "$path" '.linux.cgroupsPath = $p'
		skiff run -d ctr
		got=$(cat "/proc/$(init_pid ctr)/cgroup")
		skiff delete -f ctr
		if [ "${path#/}" = "$path" ]; then
			LEFTOVER_DIRS=$(relative_dirs "${path%/x}")
			# below our own cgroup in each hierarchy
			while IFS= read -r line; do
				own=$(grep "^${line%%:*}:" /proc/self/cgroup)
				assert_equal "$(line_dir "$line")" "$(line_dir "${own%/}/$path")"
			done <<<"$got"
		else
			# below each hierarchy's root, ours or not
			while IFS= read -r line; do
				assert_equal "${line#*:*:}" "$path"
			done <<<"$got"
		fi
		if command -v runc >/dev/null; then
			RUNC_ROOT=$BATS_TEST_TMPDIR/runc
			runc --root "$RUNC_ROOT" run -d rc
			want=$(cat "/proc/$(runc --root "$RUNC_ROOT" state rc | jq .pid)/cgroup")
			runc --root "$RUNC_ROOT" delete -f rc
			assert_equal "$got" "$want"
		fi
	done
}

@test "a cgroupsPath naming no cgroup of its own, or one with processes, is refused" {
	for path in / . ../..; do
		update_config --arg p "$path" '.linux.cgroupsPath = $p'
		run skiff create ctr
		assert_failure
		assert_output --partial "linux.cgroupsPath: \"$path\" names no cgroup of the container's own"
	done
	update_config --arg p "$CGROUP_NAME" '.linux.cgroupsPath = $p'
	skiff run -d ctr
	run skiff run -d ctr2
	assert_failure
	assert_output --regexp "linux.cgroupsPath: the container's cgroup .*/$CGROUP_NAME is not empty: 1 process\(es\) found"
	run skiff list -q
	assert_output ctr
	assert_equal "$(container_status ctr)" running
}

@test "a cgroup below a frozen one is refused at once: create does not hang, nothing is left" {
	local parent=/sys/fs/cgroup/freezer/$CGROUP_NAME
	mkdir "$parent"
	LEFTOVER_DIRS="$parent"
	echo FROZEN >"$parent/freezer.state"
	update_config --arg p "/$CGROUP_NAME/ctr" '.linux.cgroupsPath = $p'
	run timeout 20 "$SKIFF" --root "$ROOT" run ctr
	echo THAWED >"$parent/freezer.state"
	# create made the parent in the other hierarchies (and, as runc, leaves
	# it there): those are the test's to remove too
	LEFTOVER_DIRS=$(ls -d /sys/fs/cgroup/*/"$CGROUP_NAME")
	assert_failure 1
	assert_output --partial "linux.cgroupsPath: the container's cgroup is frozen (paused), or one above it is: thaw it first"
	[ ! -e "$ROOT/ctr" ]
	[ ! -e "$parent/ctr" ]
	[ ! -e "/sys/fs/cgroup/memory/$CGROUP_NAME/ctr" ]
}

@test "memory: limit, reservation, swap, swappiness, disableOOMKiller, useHierarchy" {
	update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432,
		"swap": 134217728, "swappiness": 10, "disableOOMKiller": true, "useHierarchy": true}'
	skiff run -d ctr
	dir=$(cg ctr memory)
	assert_equal "$(cat "$dir/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "$dir/memory.soft_limit_in_bytes")" 33554432
	assert_equal "$(cat "$dir/memory.memsw.limit_in_bytes")" 134217728
	assert_equal "$(cat "$dir/memory.swappiness")" 10
	grep -qx "oom_kill_disable 1" "$dir/memory.oom_control"
	assert_equal "$(cat "$dir/memory.use_hierarchy")" 1
}

@test "a memory limit OOM-kills the container: run exits 137 and events reports the OOM" {
	update_config '.root.readonly = false | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	# wait for the go-ahead, then hold 200 MB in a shell variable
	set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; x=$(head -c 200m /dev/zero | tr "\000" a); echo survived'
	"$SKIFF" --root "$ROOT" run ctr >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	runpid=$!
	wait_for_status ctr running
	"$SKIFF" --root "$ROOT" events --interval 100ms ctr >"$BATS_TEST_TMPDIR/events" &
	eventspid=$!
	# the first stats line says events is watching
	for i in $(seq 50); do grep -q '"type":"stats"' "$BATS_TEST_TMPDIR/events" && break; sleep 0.1; done
	touch rootfs/tmp/go
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 137
	# events ends by itself once the container is gone
	wait "$eventspid"
	# one per wake-up of the OOM notification, so at least one
	run grep -c '^{"type":"oom","id":"ctr"}$' "$BATS_TEST_TMPDIR/events"
	[ "$output" -ge 1 ]
	# and nothing but stats and oom events
	run grep -vc -e '^{"type":"oom","id":"ctr"}$' -e '^{"type":"stats","id":"ctr","data":{' "$BATS_TEST_TMPDIR/events"
	assert_output 0
	run cat "$BATS_TEST_TMPDIR/run.out"
	refute_output --partial survived
}

@test "cpu: shares, quota, period, burst, realtime, idle; cpuset: cpus and mems" {
	update_config '.linux.resources.cpu = {"shares": 512, "quota": 25000, "period": 50000,
		"burst": 10000, "realtimePeriod": 1000000, "realtimeRuntime": 10000,
		"cpus": "0", "mems": "0"}'
	skiff run -d ctr
	cpu=$(cg ctr cpu)
	assert_equal "$(cat "$cpu/cpu.shares")" 512
	assert_equal "$(cat "$cpu/cpu.cfs_quota_us")" 25000
	assert_equal "$(cat "$cpu/cpu.cfs_period_us")" 50000
	assert_equal "$(cat "$cpu/cpu.cfs_burst_us")" 10000
	assert_equal "$(cat "$cpu/cpu.rt_period_us")" 1000000
	assert_equal "$(cat "$cpu/cpu.rt_runtime_us")" 10000
	assert_equal "$(cat "$(cg ctr cpuset)/cpuset.cpus")" 0
	assert_equal "$(cat "$(cg ctr cpuset)/cpuset.mems")" 0
	# the process sees its cpuset
	grep -q '^Cpus_allowed_list:[[:space:]]*0$' "/proc/$(init_pid ctr)/status"
	skiff delete -f ctr
	# SCHED_IDLE for the group (its shares then read as the idle weight)
	update_config '.linux.resources.cpu = {"idle": 1}'
	skiff run -d ctr
	assert_equal "$(cat "$(cg ctr cpu)/cpu.idle")" 1
}

@test "pids.limit: the kernel refuses forks past it; 0 and negative mean no limit" {
	set_args sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 0.2 & done; wait; echo all forked'
	update_config '.linux.resources.pids = {"limit": 5}'
	run skiff run ctr
	assert_failure
	assert_output --partial "can't fork: Resource temporarily unavailable"
	refute_output --partial "all forked"
	update_config '.linux.resources.pids = {"limit": 9}'
	run skiff run ctr
	assert_success
	assert_output "all forked"
	set_args sleep 100
	skiff run -d ctr
	assert_equal "$(cat "$(cg ctr pids)/pids.max")" 9
	skiff delete -f ctr
	for limit in 0 -1; do
		update_config --argjson l "$limit" '.linux.resources.pids = {"limit": $l}'
		skiff run -d ctr
		assert_equal "$(cat "$(cg ctr pids)/pids.max")" max
		skiff delete -f ctr
	done
}

# The first real block device of this host, as MAJ:MIN.
block_device() {
	local dev
	for dev in /sys/block/*; do
		case ${dev##*/} in loop* | ram* | zram*) continue ;; esac
		[ -r "$dev/dev" ] && cat "$dev/dev" && return 0
	done
	return 1
}

# The blkio weight file, if this kernel has a scheduler with weights (CFQ
# or BFQ); none without (then a weight is an error naming the file).
blkio_weight_file() {
	local root=/sys/fs/cgroup/blkio f
	for f in blkio.weight blkio.bfq.weight; do
		[ -e "$root/$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

@test "blockIO: weight and throttles are written; a refused weightDevice names itself" {
	dev=$(block_device) || skip "no block device"
	major=${dev%:*} minor=${dev#*:}
	weight=$(blkio_weight_file) || weight=
	update_config --argjson ma "$major" --argjson mi "$minor" '.linux.resources.blockIO = {"weight": 300,
		"throttleReadBpsDevice": [{"major": $ma, "minor": $mi, "rate": 1048576}],
		"throttleWriteBpsDevice": [{"major": $ma, "minor": $mi, "rate": 2097152}],
		"throttleReadIOPSDevice": [{"major": $ma, "minor": $mi, "rate": 100}],
		"throttleWriteIOPSDevice": [{"major": $ma, "minor": $mi, "rate": 200}]}'
	# no I/O scheduler with weights (no BFQ nor CFQ in this kernel): the
	# throttles alone
	[ -n "$weight" ] || update_config 'del(.linux.resources.blockIO.weight)'
	skiff run -d ctr
	dir=$(cg ctr blkio)
	if [ -n "$weight" ]; then
		run cat "$dir/$weight"
		assert_output --regexp '(^|default )300$'
	fi
	assert_equal "$(cat "$dir/blkio.throttle.read_bps_device")" "$dev 1048576"
	assert_equal "$(cat "$dir/blkio.throttle.write_bps_device")" "$dev 2097152"
	assert_equal "$(cat "$dir/blkio.throttle.read_iops_device")" "$dev 100"
	assert_equal "$(cat "$dir/blkio.throttle.write_iops_device")" "$dev 200"
	skiff delete -f ctr
	# per-device weights need BFQ as the device's scheduler
	grep -q '\[bfq\]' "/sys/dev/block/$dev/queue/scheduler" && skip "BFQ schedules $dev"
	update_config --argjson ma "$major" --argjson mi "$minor" \
		'.linux.resources.blockIO = {"weightDevice": [{"major": $ma, "minor": $mi, "weight": 200}]}'
	run skiff run -d ctr
	assert_failure
	assert_output --regexp "^skiff: linux.resources.blockIO.weightDevice\[0\]: set blkio(.bfq)?.weight_device to \"$dev 200\""
}

@test "hugepageLimits: applied where the hugetlb controller is (cgroup2 on a hybrid host)" {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	if [ -d /sys/fs/cgroup/hugetlb ]; then
		skiff run -d ctr
		assert_equal "$(cat "$(cg ctr hugetlb)/hugetlb.2MB.limit_in_bytes")" 4194304
	elif grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; then
		grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.subtree_control || DISABLE_UNIFIED_HUGETLB=1
		skiff run -d ctr
		assert_equal "$(cat "$(cg ctr unified)/hugetlb.2MB.max")" 4194304
	else
		run skiff run -d ctr
		assert_failure
		assert_output "skiff: linux.resources.hugepageLimits: the hugetlb controller is not available"
	fi
	skiff delete -f ctr
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 4194304}]'
	run skiff run -d ctr
	assert_failure
	assert_output --partial 'pageSize: this host has no "3MB" huge pages'
}

@test "network: classID and priorities need net_cls and net_prio; unified goes to cgroup2" {
	update_config '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 3}]}'
	if [ -d /sys/fs/cgroup/net_cls ]; then
		skiff run -d ctr
		assert_equal "$(cat "$(cg ctr net_cls)/net_cls.classid")" 1048577
		skiff delete -f ctr
	else
		run skiff run -d ctr
		assert_failure
		assert_output "skiff: linux.resources.network.classID: the net_cls controller is not available"
	fi
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || skip "no cgroup2 mount"
	update_config 'del(.linux.resources.network) | .linux.resources.unified = {"cgroup.max.descendants": "7"}'
	skiff run -d ctr
	assert_equal "$(cat "$(cg ctr unified)/cgroup.max.descendants")" 7
	skiff delete -f ctr
	# a controller the cgroup2 mount does not have here
	update_config '.linux.resources.unified = {"memory.high": "1000000"}'
	run skiff run -d ctr
	assert_failure
	assert_output 'skiff: linux.resources.unified["memory.high"]: the memory controller is not available'
}

@test "a failed create leaves no cgroup directory and no state" {
	update_config '.linux.resources.cpu = {"cpus": "99999"}'
	run skiff create ctr
	assert_failure
	assert_output --regexp '^skiff: linux.resources.cpu.cpus: set cpuset.cpus to "99999" in /sys/fs/cgroup/cpuset/.*: '
	for d in $(relative_dirs "$CGROUP_NAME"); do
		[ ! -e "$d" ] || fail "$d was left behind"
	done
	run skiff list -q
	assert_output ""
}

@test "devices: runc's default rules after the config's, as runc writes them" {
	skiff run -d ctr
	got=$(sort "$(cg ctr devices)/devices.list")
	if command -v runc >/dev/null; then
		skiff delete -f ctr
		RUNC_ROOT=$BATS_TEST_TMPDIR/runc
		runc --root "$RUNC_ROOT" run -d rc
		pid=$(runc --root "$RUNC_ROOT" state rc | jq .pid)
		want=$(sort "$(line_dir "$(grep -E '^[0-9]+:devices:' "/proc/$pid/cgroup")")/devices.list")
	else
		want=$(printf '%s\n' 'b *:* m' 'c *:* m' 'c 1:3 rwm' 'c 1:5 rwm' 'c 1:7 rwm' 'c 1:8 rwm' \
			'c 1:9 rwm' 'c 5:0 rwm' 'c 5:2 rwm' 'c 10:200 rwm' 'c 136:* rwm' | sort)
	fi
	assert_equal "$got" "$want"
}

@test "devices: a config with no device rules at all gets runc's defaults only, and a node made by mknod stays closed" {
	[ -d /sys/fs/cgroup/devices ] || skip "no v1 devices hierarchy"
	# Every other bundle brings its own deny-all rule; here only the
	# runtime's "deny a" stands between the container and the host's
	# devices (a new v1 cgroup starts as its parent: "a *:* rwm").  With
	# the capabilities that could open /dev/mem and /dev/kmsg.
	update_config '.linux.resources.devices = [] | .root.readonly = false
		| ["CAP_MKNOD", "CAP_SYSLOG", "CAP_SYS_RAWIO"] as $c
		| .process.capabilities |= (.bounding += $c | .effective += $c | .permitted += $c)'
	set_args sh -c 'cd /tmp && mknod mem c 1 1 && mknod kmsg c 1 11 &&
		for d in mem kmsg; do (exec 3<$d && echo "$d opened"); done >opens.new 2>&1
		mv opens.new opens; exec sleep 100'
	skiff run -d ctr
	wait_for_path rootfs/tmp/opens
	got=$(sort "$(cg ctr devices)/devices.list")
	run cat rootfs/tmp/opens
	assert_line --partial "can't open mem: Operation not permitted"
	assert_line --partial "can't open kmsg: Operation not permitted"
	refute_output --partial opened
	skiff delete -f ctr
	if command -v runc >/dev/null; then
		RUNC_ROOT=$BATS_TEST_TMPDIR/runc
		runc --root "$RUNC_ROOT" run -d rc
		pid=$(runc --root "$RUNC_ROOT" state rc | jq .pid)
		want=$(sort "$(line_dir "$(grep -E '^[0-9]+:devices:' "/proc/$pid/cgroup")")/devices.list")
		runc --root "$RUNC_ROOT" delete -f rc
	else
		want=$(printf '%s\n' 'b *:* m' 'c *:* m' 'c 1:3 rwm' 'c 1:5 rwm' 'c 1:7 rwm' 'c 1:8 rwm' \
			'c 1:9 rwm' 'c 5:0 rwm' 'c 5:2 rwm' 'c 10:200 rwm' 'c 136:* rwm' | sort)
	fi
	assert_equal "$got" "$want"
	# the attack is real: allowed by a rule, /dev/kmsg (the host's kernel
	# log) opens with these capabilities (/dev/mem may not exist in this kernel)
	update_config '.linux.resources.devices = [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
	set_args sh -c 'cd /tmp && rm -f kmsg && mknod kmsg c 1 11 && exec 3<kmsg && echo kmsg opened'
	run skiff run ctr
	assert_success
	assert_output "kmsg opened"
}

@test "devices: a device no rule allows cannot be opened; an allow rule opens it, a later deny closes it" {
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	set_args sh -c 'exec 3<>/dev/fuse && echo opened'
	run skiff run ctr
	assert_failure
	assert_output --partial "Operation not permitted"
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]'
	run skiff run ctr
	assert_success
	assert_output opened
	update_config '.linux.resources.devices += [{"allow": false, "type": "c", "major": 10, "minor": 229, "access": "w"}]'
	run skiff run ctr
	assert_failure
	assert_output --partial "Operation not permitted"
	# reading alone is still allowed
	set_args sh -c 'exec 3</dev/fuse && echo opened'
	run skiff run ctr
	assert_output opened
}

@test "state and list see a freeze made outside skiff, and a stopped init is not a frozen one" {
	# On Linux 6.1 and later, state and list read the freezer only when
	# the init's /proc state letter could be a frozen task's ('D'; before
	# 6.1 they always read it): a freeze that skiff did not make must
	# still read paused.
	set_args sleep 1000
	skiff run -d ctr
	dir=$(cg ctr freezer)
	echo FROZEN >"$dir/freezer.state"
	for i in $(seq 50); do [ "$(cat "$dir/freezer.state")" = FROZEN ] && break; sleep 0.1; done
	case $(uname -r) in
	[0-5].* | 6.0.*) ;; # a sleeping task of a frozen cgroup may read S
	*) assert_equal "$(awk '{ print $3 }' "/proc/$(init_pid ctr)/stat")" D ;;
	esac
	assert_equal "$(container_status ctr)" paused
	run skiff list
	assert_line --index 1 --regexp '^ctr +[0-9]+ +paused '
	echo THAWED >"$dir/freezer.state"
	assert_equal "$(container_status ctr)" running
	kill -STOP "$(init_pid ctr)"
	for i in $(seq 50); do [ "$(awk '{ print $3 }' "/proc/$(init_pid ctr)/stat")" = T ] && break; sleep 0.1; done
	assert_equal "$(container_status ctr)" running
	run skiff list
	assert_line --index 1 --regexp '^ctr +[0-9]+ +running '
	kill -CONT "$(init_pid ctr)"
	skiff delete -f ctr
}

@test "pause stops the processes and state says paused; resume restarts them" {
	update_config '.root.readonly = false'
	set_args sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.02; done'
	skiff run -d ctr
	for i in $(seq 50); do [ -s rootfs/tmp/count ] && break; sleep 0.1; done
	skiff pause ctr
	assert_equal "$(container_status ctr)" paused
	run skiff list
	assert_line --index 1 --regexp '^ctr +[0-9]+ +paused '
	assert_equal "$(cat "$(cg ctr freezer)/freezer.state")" FROZEN
	before=$(cat rootfs/tmp/count)
	sleep 0.5
	assert_equal "$(cat rootfs/tmp/count)" "$before"
	run skiff pause ctr
	assert_failure
	assert_output "skiff: container not running"
	skiff resume ctr
	assert_equal "$(container_status ctr)" running
	sleep 0.5
	[ "$(cat rootfs/tmp/count)" -gt "$before" ]
	run skiff resume ctr
	assert_failure
	assert_output "skiff: container not paused"
	# a paused container is killed by delete --force all the same
	skiff pause ctr
	pid=$(init_pid ctr)
	skiff delete -f ctr
	run process_alive "$pid"
	assert_failure
}

@test "update changes a running container's limits with runc's flags" {
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 10}'
	skiff run -d ctr
	# (a kernel without an I/O scheduler with weights has no weight file)
	blkio=()
	blkio_weight_file >/dev/null && blkio=(--blkio-weight 200)
	skiff update --memory 128m --memory-swap 256M --memory-reservation 32m --kernel-memory 64m \
		--cpu-share 256 --cpu-quota 20000 --cpu-period 100000 --cpu-burst 5000 \
		--cpu-rt-period 1000000 --cpu-rt-runtime 5000 --cpuset-cpus 0 --cpuset-mems 0 \
		--pids-limit 20 "${blkio[@]}" ctr
	mem=$(cg ctr memory) cpu=$(cg ctr cpu)
	assert_equal "$(cat "$mem/memory.limit_in_bytes")" 134217728
	assert_equal "$(cat "$mem/memory.memsw.limit_in_bytes")" 268435456
	assert_equal "$(cat "$mem/memory.soft_limit_in_bytes")" 33554432
	assert_equal "$(cat "$cpu/cpu.shares")" 256
	assert_equal "$(cat "$cpu/cpu.cfs_quota_us")" 20000
	assert_equal "$(cat "$cpu/cpu.cfs_period_us")" 100000
	assert_equal "$(cat "$cpu/cpu.cfs_burst_us")" 5000
	assert_equal "$(cat "$cpu/cpu.rt_runtime_us")" 5000
	assert_equal "$(cat "$(cg ctr cpuset)/cpuset.cpus")" 0
	assert_equal "$(cat "$(cg ctr pids)/pids.max")" 20
	if [ ${#blkio[@]} -gt 0 ]; then
		run cat "$(cg ctr blkio)/blkio.bfq.weight" "$(cg ctr blkio)/blkio.weight"
		assert_output --regexp '(^|default )200'
	fi
	# shrinking both: memsw first would be refused, runc's order copes
	skiff update --memory 64m --memory-swap 64m ctr
	assert_equal "$(cat "$mem/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "$mem/memory.memsw.limit_in_bytes")" 67108864
	# memory.checkBeforeUpdate (runtime-spec 1.2): a limit below what the
	# container uses is refused, and the old one stays
	run skiff update -r - ctr <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
	assert_failure
	assert_output --regexp 'rejecting memory limit 4096 below usage [0-9]+ \(checkBeforeUpdate\)'
	assert_equal "$(cat "$mem/memory.limit_in_bytes")" 67108864
	# --pids-limit 0 leaves it, -1 lifts it (runc)
	skiff update --pids-limit 0 ctr
	assert_equal "$(cat "$(cg ctr pids)/pids.max")" 20
	skiff update --pids-limit -1 ctr
	assert_equal "$(cat "$(cg ctr pids)/pids.max")" max
	skiff update --cpu-shares 300 ctr
	assert_equal "$(cat "$cpu/cpu.shares")" 300
}

@test "update -r FILE and -r - read the resources JSON; other flags are then ignored" {
	skiff run -d ctr
	echo '{"memory": {"limit": 100000000}, "pids": {"limit": 12}}' >"$BATS_TEST_TMPDIR/res.json"
	skiff update -r "$BATS_TEST_TMPDIR/res.json" --pids-limit 99 ctr
	# the kernel rounds to pages
	assert_equal "$(cat "$(cg ctr memory)/memory.limit_in_bytes")" 99999744
	assert_equal "$(cat "$(cg ctr pids)/pids.max")" 12
	echo '{"cpu": {"shares": 700, "cpus": "0"}}' | skiff update --resources - ctr
	assert_equal "$(cat "$(cg ctr cpu)/cpu.shares")" 700
	assert_equal "$(cat "$(cg ctr cpuset)/cpuset.cpus")" 0
	# the parser's errors name the field
	run skiff update -r - ctr <<<'{"memory": {"limit": "1g"}}'
	assert_failure
	assert_output --partial '.memory.limit: expected a 64-bit integer, got "1g"'
}

@test "update takes an idle container out of idle with new shares in one go" {
	update_config '.linux.resources.cpu = {"idle": 1}'
	skiff run -d ctr
	assert_equal "$(cat "$(cg ctr cpu)/cpu.idle")" 1
	# the kernel refuses shares while the group is idle
	echo '{"cpu": {"idle": 0, "shares": 512}}' | skiff update -r - ctr
	assert_equal "$(cat "$(cg ctr cpu)/cpu.idle")" 0
	assert_equal "$(cat "$(cg ctr cpu)/cpu.shares")" 512
	# and back into idle, with shares written before
	echo '{"cpu": {"idle": 1, "shares": 256}}' | skiff update -r - ctr
	assert_equal "$(cat "$(cg ctr cpu)/cpu.idle")" 1
}

@test "update refuses bad values with runc's words, and a stopped container" {
	skiff run -d ctr
	run skiff update --memory abc ctr
	assert_failure
	assert_output "skiff: invalid value for memory: invalid size: 'abc'"
	run skiff update --cpu-period -5 ctr
	assert_failure
	assert_output --partial 'invalid value for cpu-period: strconv.ParseUint: parsing "-5": invalid syntax'
	run skiff update --pids-limit abc ctr
	assert_failure
	assert_output --partial 'invalid value "abc" for flag -pids-limit'
	run skiff update --cpuset-cpus 99999 ctr
	assert_failure
	assert_output --partial 'linux.resources.cpu.cpus: set cpuset.cpus to "99999"'
	run skiff update --l3-cache-schema L3:0=f ctr
	assert_failure
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff update --memory 1g ctr
	assert_failure
	assert_output "skiff: container not running"
	run skiff update --memory 1g nosuch
	assert_output "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
}

@test "ps lists the container's processes as JSON and as ps's table" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d ctr
	for i in $(seq 50); do [ "$(wc -l <"$(cg ctr freezer)/cgroup.procs")" -eq 3 ] && break; sleep 0.1; done
	run skiff ps --format json ctr
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "$(sort -n "$(cg ctr freezer)/cgroup.procs" | jq -cs .)"
	run skiff ps ctr
	assert_line --index 0 --regexp '^UID +PID +PPID'
	assert_equal "${#lines[@]}" 4
	run skiff ps ctr -o pid,comm
	assert_line --index 0 --regexp '^ *PID +COMMAND$'
	assert_line --regexp "^ *$(init_pid ctr) sh$"
	run skiff ps ctr -o comm
	assert_failure
	assert_output "skiff: couldn't find PID field in ps output"
	run skiff ps -f yaml ctr
	assert_failure
	assert_output "skiff: invalid format option"
}

@test "events --stats prints one stats object with runc's fields and sane values" {
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 10}'
	set_args sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 100'
	skiff run -d ctr
	sleep 0.3
	run skiff events --stats ctr
	assert_success
	assert_equal "${#lines[@]}" 1
	echo "$output" | jq -e '.type == "stats" and .id == "ctr"'
	echo "$output" | jq -e '.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")'
	echo "$output" | jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))'
	echo "$output" | jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0'
	echo "$output" | jq -e '.data.memory.raw.total_rss >= 0 and (.data.memory | has("swap") and has("kernel") and has("kernelTCP"))'
	echo "$output" | jq -e '.data.pids == {"current": 1, "limit": 10}'
	run skiff events --interval 5x ctr
	assert_failure
	assert_output --partial 'invalid value "5x" for flag -interval'
	run skiff events --interval 0s ctr
	assert_output "skiff: duration interval must be greater than 0"
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff events --stats ctr
	assert_failure
	assert_output "skiff: container with id ctr is not running"
}

@test "kill --all reaches every process through the cgroup, even without a pid namespace" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d ctr
	for i in $(seq 50); do [ "$(wc -l <"$(cg ctr freezer)/cgroup.procs")" -eq 3 ] && break; sleep 0.1; done
	pids=$(cat "$(cg ctr freezer)/cgroup.procs")
	skiff kill --all ctr KILL
	wait_for_status ctr stopped
	for pid in $pids; do
		for i in $(seq 50); do process_alive "$pid" || break; sleep 0.1; done
		run process_alive "$pid"
		assert_failure
	done
}

@test "delete kills what outlived the init and removes the cgroups" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & exec sleep 101'
	skiff run -d ctr
	for i in $(seq 50); do [ "$(wc -l <"$(cg ctr freezer)/cgroup.procs")" -eq 2 ] && break; sleep 0.1; done
	dirs=$(pid_cgroup_dirs "$(init_pid ctr)")
	child=$(pgrep -f '^sleep 100$' -P "$(init_pid ctr)")
	# the init dies alone; its child lives on in the host's pid namespace
	skiff kill ctr KILL
	wait_for_status ctr stopped
	process_alive "$child"
	skiff delete ctr
	run process_alive "$child"
	assert_failure
	for d in $dirs; do
		[ ! -e "$d" ] || fail "$d is still there"
	done
}

# skiff finds the hierarchies with statmount and listmount (Linux 6.14 and
# later) and reads the mount table only where they are missing: both ways
# must give the container the same cgroups, mounts and record.
@test "on a kernel without statmount and listmount the mount table gives the same cgroups and cgroup mounts" {
	need_helpers enosys
	command -v strace >/dev/null || skip "no strace"
	[ "$(printf '6.14\n%s\n' "$(uname -r | cut -d- -f1)" | sort -V | head -n 1)" = 6.14 ] ||
		skip "kernel $(uname -r): the mount table is read either way"
	set_args sh -c 'cut -d" " -f4,5,9- /proc/self/mountinfo | grep cgroup; cat /proc/self/cgroup'
	run traced -f -qq -e trace=openat -o "$BATS_TEST_TMPDIR/quick" \
		"$SKIFF" --root "$ROOT" run quick
	assert_success
	quick=$output
	# (the container's own sh reads it, after its exec)
	run grep -c 'mountinfo.* = [0-9]' "$BATS_TEST_TMPDIR/quick"
	assert_output 1
	run traced -f -qq -e trace=openat -o "$BATS_TEST_TMPDIR/older" \
		"$HELPERS/enosys" 457 458 -- "$SKIFF" --root "$ROOT" run older
	assert_success
	[ "${output//older/quick}" = "$quick" ] ||
		fail "the mount table gave: $output; statmount gave: $quick"
	# the runtime (the first pid) and the init both fell back to it
	runtime=$(head -n 1 "$BATS_TEST_TMPDIR/older" | cut -d" " -f1)
	grep -q "^$runtime .*mountinfo" "$BATS_TEST_TMPDIR/older" || fail "the runtime did not read the mount table"
	[ "$(grep mountinfo "$BATS_TEST_TMPDIR/older" | grep -vc "^$runtime ")" -ge 2 ] ||
		fail "the init did not read the mount table"
	# a running container's record, checked both ways
	set_args sleep 100
	skiff run -d ctr
	"$HELPERS/enosys" 457 458 -- "$SKIFF" --root "$ROOT" exec ctr true
	"$HELPERS/enosys" 457 458 -- "$SKIFF" --root "$ROOT" delete --force ctr
	[ ! -e "$ROOT/ctr" ]
}
