#!/usr/bin/env bats
# cgroups on a pure cgroup v2 host (/sys/fs/cgroup is cgroup2): where the
# cgroup goes, runc's v1 -> v2 conversions read back from the files, the
# eBPF device filter, freezing, update, events and OOM, pids, kill and
# delete (also after a crash).  Skipped elsewhere; `make check-cgroupv2`
# runs it in a cgroup v2 VM (tests/vm/run-in-vm.sh), where every process
# costs ~0.1-1 s: the bundle is made once per file, and each test runs as
# few commands as it can.

load helpers

# (bats 1.8 cannot skip in setup_file: setup skips each test)
setup_file() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || return 0
	make_bundle_template sleep 100
}

setup() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs a cgroup v2 host (tests/vm)"
	setup_bundle_copy
	# Where the container's cgroup goes: next to ours (the first test checks
	# that the init is really there).
	local own
	read -r own </proc/self/cgroup
	own=${own#0::}
	CG=/sys/fs/cgroup${own%/*}/$CGROUP_NAME
}

init_pid() {
	skiff state "$1" | jq .pid
}

# A jq filter on config.json and process.args, in one process.
configure() {
	local filter=$1 new
	shift
	new=$(jq "$filter | .process.args = \$ARGS.positional" "$BUNDLE/config.json" --args -- "$@") &&
		printf '%s\n' "$new" >"$BUNDLE/config.json"
}

# Wait (~10 s) until the container's cgroup holds $1 processes.
wait_for_procs() {
	local i procs
	for i in $(seq 100); do
		mapfile -t procs <"$CG/cgroup.procs"
		[ "${#procs[@]}" -eq "$1" ] && return 0
		sleep 0.1
	done
	echo "$CG holds ${#procs[@]} processes, not $1" >&2
	return 1
}

# The null_blk device the VM has ("MAJOR:MINOR"), for per-device limits.
nullb() {
	cat /sys/block/nullb0/dev 2>/dev/null
}

@test "v2: the cgroup is below our own cgroup's parent, the init is born in it, delete removes it" {
	skiff run -d ctr
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=${own%/*}
	pid=$(init_pid ctr)
	assert_equal "$(cat "/proc/$pid/cgroup")" "0::$parent/$CGROUP_NAME"
	assert_equal "$CG" "/sys/fs/cgroup$parent/$CGROUP_NAME"
	grep -qx "$pid" "$CG/cgroup.procs"
	skiff delete -f ctr
	[ ! -e "$CG" ]
}

@test "v2: resources are converted as runc converts them" {
	dev=$(nullb)
	[ -n "$dev" ] || skip "no /dev/nullb0 (the VM loads null_blk)"
	update_config --arg dev "$dev" '($dev | split(":") | map(tonumber)) as [$maj, $min]
		| .linux.resources.memory = {"limit": 67108864, "swap": 100663296, "reservation": 33554432}
		| .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0"}
		| .linux.resources.pids = {"limit": 10}
		| .linux.resources.blockIO = {"weight": 500,
			"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
			"throttleWriteBpsDevice": [{"major": $maj, "minor": $min, "rate": 2097152}],
			"throttleReadIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}],
			"throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 200}]}
		| .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]
		| .linux.resources.unified = {"memory.high": "50331648", "pids.max": "9"}'
	skiff run -d ctr
		assert_equal "$(cat "$CG/memory.max")" 67108864
	assert_equal "$(cat "$CG/memory.low")" 33554432
	# memory+swap 96M with memory 64M: 32M of swap
	assert_equal "$(cat "$CG/memory.swap.max")" 33554432
	# shares 1024 -> weight 1 + (1024 - 2) * 9999 / 262142
	assert_equal "$(cat "$CG/cpu.weight")" 39
	assert_equal "$(cat "$CG/cpu.max")" "50000 100000"
	assert_equal "$(cat "$CG/cpu.max.burst")" 10000
	assert_equal "$(cat "$CG/cpuset.cpus")" 0
	assert_equal "$(cat "$CG/cpuset.mems")" 0
	# blkio weight 500 -> io.weight 1 + (500 - 10) * 9999 / 990
	assert_equal "$(cat "$CG/io.weight")" "default 4950"
	assert_equal "$(cat "$CG/io.max")" "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
	assert_equal "$(cat "$CG/hugetlb.2MB.max")" 4194304
	# unified values go in as written, after the rest (pids.max 9, not 10)
	assert_equal "$(cat "$CG/memory.high")" 50331648
	assert_equal "$(cat "$CG/pids.max")" 9
	skiff delete -f ctr
	[ ! -e "$CG" ]
	# realtime has no v2 file: a clear error, and nothing left
	update_config 'del(.linux.resources.unified) | .linux.resources.cpu = {"realtimeRuntime": 1000}'
	run skiff run -d ctr
	assert_failure
	assert_output "skiff: linux.resources.cpu.realtimeRuntime: realtime limits do not exist in cgroup v2"
	[ ! -e "$CG" ]
	# neither has a leaf weight, nor a unified file of a controller v2 lacks
	update_config 'del(.linux.resources.cpu) | .linux.resources.blockIO = {"leafWeight": 300}'
	run skiff run -d ctr
	assert_failure
	assert_output "skiff: linux.resources.blockIO.leafWeight: leaf weights do not exist in cgroup v2"
	[ ! -e "$CG" ]
	update_config 'del(.linux.resources.blockIO) | .linux.resources.unified = {"net_cls.classid": "1"}'
	run skiff run -d ctr
	assert_failure
	assert_output --partial 'linux.resources.unified["net_cls.classid"]'
	[ ! -e "$CG" ]
	# swap is memory+swap: nothing to take it from without a memory limit
	update_config 'del(.linux.resources.unified) | .linux.resources.memory = {"swap": 67108864}'
	run skiff run -d ctr
	assert_failure
	assert_output "skiff: config.json: .linux.resources.memory.swap: unable to set swap limit without memory limit"
	[ ! -e "$CG" ]
}

@test "v2: the eBPF device filter denies what no rule allows" {
	# opening /dev/kmsg for writing needs no capability: only the filter decides
	configure '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]' \
		sh -c 'exec 3>/dev/kmsg && echo opened; exec 4</dev/null && echo null'
	run skiff run ctr
	assert_output --partial "Operation not permitted"
	refute_output --partial opened
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'opened\nnull')"
}

@test "v2: pause freezes through cgroup.freeze and resume thaws" {
	configure '.root.readonly = false' \
		sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'
	skiff run -d ctr
	for i in $(seq 100); do [ -s rootfs/tmp/count ] && break; sleep 0.1; done
	skiff pause ctr
	assert_equal "$(container_status ctr)" paused
	assert_equal "$(cat "$CG/cgroup.freeze")" 1
	grep -qx 'frozen 1' "$CG/cgroup.events"
	before=$(cat rootfs/tmp/count)
	sleep 2
	assert_equal "$(cat rootfs/tmp/count)" "$before"
	skiff resume ctr
	assert_equal "$(container_status ctr)" running
	grep -qx 'frozen 0' "$CG/cgroup.events"
	for i in $(seq 100); do [ "$(cat rootfs/tmp/count)" -gt "$before" ] && break; sleep 0.1; done
	[ "$(cat rootfs/tmp/count)" -gt "$before" ]
}

@test "v2: update changes a running container as create converts, and events --stats reads v2 files" {
	skiff run -d ctr
	skiff update --memory 100m --memory-swap 150m --cpu-share 512 --cpu-quota 20000 \
		--blkio-weight 100 --pids-limit 7 ctr
	assert_equal "$(cat "$CG/memory.max")" 104857600
	assert_equal "$(cat "$CG/memory.swap.max")" 52428800
	assert_equal "$(cat "$CG/cpu.weight")" 20
	# the quota changes, the period stays
	assert_equal "$(cat "$CG/cpu.max")" "20000 100000"
	assert_equal "$(cat "$CG/io.weight")" "default 910"
	assert_equal "$(cat "$CG/pids.max")" 7
	run skiff events --stats ctr
	assert_success
	echo "$output" | jq -e '.type == "stats" and .data.memory.usage.limit == 104857600'
	echo "$output" | jq -e '.data.pids == {"current": 1, "limit": 7} and .data.cpu.usage.total > 0'
	# swap semantics: memory+swap equal to memory is no swap; -1 is unlimited
	skiff update --memory 50m --memory-swap 50m ctr
	assert_equal "$(cat "$CG/memory.max") $(cat "$CG/memory.swap.max")" "52428800 0"
	skiff update --memory-swap -1 ctr
	assert_equal "$(cat "$CG/memory.max") $(cat "$CG/memory.swap.max")" "52428800 max"
	# below the memory limit is refused, and changes nothing
	run skiff update --memory-swap 10m ctr
	assert_failure
	assert_output --partial "memory+swap limit should be >= memory limit"
	assert_equal "$(cat "$CG/memory.swap.max")" max
	# checkBeforeUpdate: a limit below what the container uses is refused
	run skiff update -r - ctr <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
	assert_failure
	assert_output --regexp 'rejecting memory limit 4096 below usage [0-9]+ \(checkBeforeUpdate\)'
	assert_equal "$(cat "$CG/memory.max")" 52428800
	# -r: a resources document, with unified keys
	printf '{"pids": {"limit": 5}, "unified": {"memory.high": "41943040"}}' | skiff update -r - ctr
	assert_equal "$(cat "$CG/pids.max") $(cat "$CG/memory.high")" "5 41943040"
	# idle: the kernel's minimum weight; a weight again once no longer idle
	# (the kernel refuses a weight while idle: idle goes to 0 first)
	printf '{"cpu": {"idle": 1}}' | skiff update -r - ctr
	assert_equal "$(cat "$CG/cpu.idle") $(cat "$CG/cpu.weight")" "1 0"
	printf '{"cpu": {"idle": 0, "shares": 2048}}' | skiff update -r - ctr
	assert_equal "$(cat "$CG/cpu.idle") $(cat "$CG/cpu.weight")" "0 79"
}

@test "v2: a memory limit OOM-kills the container (137) and events reports it" {
	configure '.root.readonly = false | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}' \
		sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; x=$(head -c 200m /dev/zero | tr "\000" a); echo survived'
	"$SKIFF" --root "$ROOT" run ctr >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
	runpid=$!
	wait_for_status ctr running
	"$SKIFF" --root "$ROOT" events --interval 200ms ctr >"$BATS_TEST_TMPDIR/events" &
	eventspid=$!
	for i in $(seq 100); do grep -q '"type":"stats"' "$BATS_TEST_TMPDIR/events" && break; sleep 0.1; done
	touch rootfs/tmp/go
	rc=0
	wait "$runpid" || rc=$?
	assert_equal "$rc" 137
	run cat "$BATS_TEST_TMPDIR/run.out"
	refute_output --partial survived
	wait "$eventspid"
	grep -qx '{"type":"oom","id":"ctr"}' "$BATS_TEST_TMPDIR/events"
	# run deleted the container, and its cgroup with it
	[ ! -e "$CG" ]
}

@test "v2: pids.max refuses the fork beyond the limit" {
	# the shell is one pid, so three sleeps fit under 4 and the fourth fork fails
	configure '.linux.resources.pids = {"limit": 4}' \
		sh -c 'for i in 1 2 3 4 5; do sleep 100 & echo "forked $i"; done; echo all forked'
	run skiff run ctr
	assert_failure
	assert_line --index 0 "forked 1"
	assert_line --index 2 "forked 3"
	assert_output --partial "can't fork"
	refute_output --partial "forked 4"
	refute_output --partial "all forked"
}

@test "v2: kill --all reaches every process; ps lists them; a failed create leaves no cgroup" {
	configure '.linux.namespaces |= map(select(.type != "pid"))' sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d ctr
	wait_for_procs 3
	run skiff ps --format json ctr
	assert_success
	assert_equal "$(echo "$output" | jq -c sort)" "$(sort -n "$CG/cgroup.procs" | jq -sc .)"
	skiff kill --all ctr KILL
	wait_for_status ctr stopped
	wait_for_procs 0
	skiff delete ctr
	[ ! -e "$CG" ]
	update_config '.linux.resources.cpu = {"cpus": "99999"}'
	run skiff create ctr
	assert_failure
	assert_output --partial 'linux.resources.cpu.cpus: set cpuset.cpus to "99999"'
	[ ! -e "$CG" ]
}

@test "v2: after a crash (the init killed with SIGKILL), delete kills what is left and removes the cgroup" {
	# No pid namespace: the init's children outlive it, still in the cgroup.
	configure '.linux.namespaces |= map(select(.type != "pid"))' sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d ctr
	wait_for_procs 3
	pid=$(init_pid ctr)
	left=$(grep -vx "$pid" "$CG/cgroup.procs")
	kill -9 "$pid"
	wait_for_status ctr stopped
	for p in $left; do process_alive "$p"; done
	skiff delete ctr
	[ ! -e "$CG" ]
	for p in $left; do
		if process_alive "$p"; then
			echo "process $p outlived delete" >&2
			false
		fi
	done
	run skiff state ctr
	assert_failure
}
