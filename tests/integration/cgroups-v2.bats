#!/usr/bin/env bats
# cgroups on a pure cgroup v2 host (/sys/fs/cgroup is cgroup2): where the
# cgroup goes, runc's v1 -> v2 conversions read back from the files, the
# eBPF device filter, freezing, update, events and OOM, kill and delete.
# Skipped elsewhere; tests/vm/run-in-vm.sh runs it in a cgroup v2 VM.

load helpers

setup() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs a cgroup v2 host (tests/vm)"
	setup_bundle
	set_args sleep 100
}

init_pid() {
	skiff state "$1" | jq .pid
}

# The container's cgroup directory.
cg() {
	echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$(init_pid "$1")/cgroup")"
}

@test "v2: the cgroup is below our own cgroup's parent, the init is born in it, delete removes it" {
	skiff run -d ctr
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	parent=${own%/*}
	assert_equal "$(sed -n 's/^0:://p' "/proc/$(init_pid ctr)/cgroup")" "$parent/$CGROUP_NAME"
	[ "$(wc -l <"/proc/$(init_pid ctr)/cgroup")" -eq 1 ]
	dir=$(cg ctr)
	grep -qx "$(init_pid ctr)" "$dir/cgroup.procs"
	skiff delete -f ctr
	[ ! -e "$dir" ]
}

@test "v2: resources are converted as runc converts them" {
	update_config '.linux.resources.memory = {"limit": 67108864, "swap": 100663296, "reservation": 33554432}
		| .linux.resources.cpu = {"shares": 1024, "quota": 50000, "period": 100000, "burst": 10000, "cpus": "0", "mems": "0"}
		| .linux.resources.pids = {"limit": 10}
		| .linux.resources.unified = {"memory.high": "50331648"}'
	skiff run -d ctr
	dir=$(cg ctr)
	assert_equal "$(cat "$dir/memory.max")" 67108864
	assert_equal "$(cat "$dir/memory.low")" 33554432
	if [ -e "$dir/memory.swap.max" ]; then
		# memory+swap 96M with memory 64M: 32M of swap
		assert_equal "$(cat "$dir/memory.swap.max")" 33554432
	fi
	# shares 1024 -> weight 1 + (1024 - 2) * 9999 / 262142
	assert_equal "$(cat "$dir/cpu.weight")" 39
	assert_equal "$(cat "$dir/cpu.max")" "50000 100000"
	[ ! -e "$dir/cpu.max.burst" ] || assert_equal "$(cat "$dir/cpu.max.burst")" 10000
	assert_equal "$(cat "$dir/cpuset.cpus")" 0
	assert_equal "$(cat "$dir/pids.max")" 10
	# unified values go in as written, after the rest
	assert_equal "$(cat "$dir/memory.high")" 50331648
	skiff delete -f ctr
	# realtime has no v2 file: a clear error, and nothing left
	update_config 'del(.linux.resources.unified) | .linux.resources.cpu = {"realtimeRuntime": 1000}'
	run skiff run -d ctr
	assert_failure
	assert_output "skiff: linux.resources.cpu.realtimeRuntime: realtime limits do not exist in cgroup v2"
	[ ! -e "$dir" ]
}

@test "v2: the eBPF device filter denies what no rule allows" {
	update_config '.linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11, "fileMode": 438}]'
	# opening /dev/kmsg for writing needs no capability: only the filter decides
	set_args sh -c 'exec 3>/dev/kmsg && echo opened; exec 4</dev/null && echo null'
	run skiff run ctr
	assert_output --partial "Operation not permitted"
	refute_output --partial opened
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'opened\nnull')"
}

@test "v2: pause freezes through cgroup.freeze and resume thaws" {
	update_config '.root.readonly = false'
	set_args sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done'
	skiff run -d ctr
	for i in $(seq 100); do [ -s rootfs/tmp/count ] && break; sleep 0.1; done
	skiff pause ctr
	assert_equal "$(container_status ctr)" paused
	assert_equal "$(cat "$(cg ctr)/cgroup.freeze")" 1
	before=$(cat rootfs/tmp/count)
	sleep 1
	assert_equal "$(cat rootfs/tmp/count)" "$before"
	skiff resume ctr
	assert_equal "$(container_status ctr)" running
	sleep 1
	[ "$(cat rootfs/tmp/count)" -gt "$before" ]
}

@test "v2: update converts like create, and events --stats reads v2 files" {
	skiff run -d ctr
	skiff update --memory 100m --memory-swap 150m --cpu-share 512 --cpu-quota 20000 --pids-limit 7 ctr
	dir=$(cg ctr)
	assert_equal "$(cat "$dir/memory.max")" 104857600
	[ ! -e "$dir/memory.swap.max" ] || assert_equal "$(cat "$dir/memory.swap.max")" 52428800
	assert_equal "$(cat "$dir/cpu.weight")" 20
	# the quota changes, the period stays
	assert_equal "$(cat "$dir/cpu.max")" "20000 100000"
	assert_equal "$(cat "$dir/pids.max")" 7
	run skiff events --stats ctr
	assert_success
	echo "$output" | jq -e '.type == "stats" and .data.memory.usage.limit == 104857600'
	echo "$output" | jq -e '.data.pids == {"current": 1, "limit": 7} and .data.cpu.usage.total > 0'
}

@test "v2: an OOM kill ends the container (137) and events reports it" {
	update_config '.root.readonly = false | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; x=$(head -c 200m /dev/zero | tr "\000" a); echo survived'
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
	wait "$eventspid"
	grep -qx '{"type":"oom","id":"ctr"}' "$BATS_TEST_TMPDIR/events"
}

@test "v2: kill --all reaches every process; a failed create leaves no cgroup" {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	skiff run -d ctr
	dir=$(cg ctr)
	for i in $(seq 100); do [ "$(wc -l <"$dir/cgroup.procs")" -eq 3 ] && break; sleep 0.1; done
	skiff kill --all ctr KILL
	wait_for_status ctr stopped
	for i in $(seq 100); do [ ! -s "$dir/cgroup.procs" ] && break; sleep 0.1; done
	[ ! -s "$dir/cgroup.procs" ]
	skiff delete ctr
	[ ! -e "$dir" ]
	update_config '.linux.resources.cpu = {"cpus": "99999"}'
	run skiff create ctr
	assert_failure
	assert_output --partial 'linux.resources.cpu.cpus: set cpuset.cpus to "99999"'
	[ ! -e "$dir" ]
}
