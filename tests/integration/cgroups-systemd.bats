#!/usr/bin/env bats
# The systemd cgroup driver (--systemd-cgroup): the transient scope systemd
# makes for the container (read back with systemctl), its properties, the
# cgroup files behind them, update, pause, ps, stats, kill --all, exec,
# delete and the undoing of a failed create.  These need systemd as PID 1
# (tests/vm/run-in-vm.sh --systemd boots one) and skip elsewhere; the
# first tests run anywhere: the errors, and nothing left behind.

load helpers

# One bundle for the file (each process costs in the VM), copied per test.
setup_file() {
	make_bundle_template sleep 100
}

setup() {
	setup_bundle_copy
	# Unit names are global: one per test, as the cgroup names are.
	UNIT=skiff-$CGROUP_NAME.scope
	update_config --arg p "system.slice:skiff:$CGROUP_NAME" '.linux.cgroupsPath = $p'
}

teardown() {
	teardown_containers
	if [ -n "${UNIT:-}" ] && [ -d /run/systemd/system ]; then
		systemctl stop "$UNIT" >/dev/null 2>&1 || true
		systemctl reset-failed "$UNIT" >/dev/null 2>&1 || true
	fi
}

sd() {
	"$SKIFF" --root "$ROOT" --systemd-cgroup "$@"
}

need_systemd() {
	[ -d /run/systemd/system ] || skip "needs systemd as PID 1 (tests/vm/run-in-vm.sh --systemd)"
}

init_pid() {
	"$SKIFF" --root "$ROOT" state "$1" | jq .pid
}

unified() {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# The unit's directory in the cgroup2 hierarchy (the unified one on a
# hybrid host), and in the v1 hierarchy of controller $1 otherwise.
unit_dir() {
	if unified; then
		echo "/sys/fs/cgroup/system.slice/$UNIT"
	elif [ -n "${1:-}" ]; then
		echo "/sys/fs/cgroup/$1/system.slice/$UNIT"
	else
		echo "/sys/fs/cgroup/unified/system.slice/$UNIT"
	fi
}

prop() {
	systemctl show -P "$1" "$UNIT"
}

# Nothing of this test's container anywhere: no state, no process, no
# cgroup directory in any hierarchy, no unit.
assert_nothing_left() {
	run "$SKIFF" --root "$ROOT" list -q
	assert_output ""
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left in $ROOT: $(ls -A "$ROOT")"
	run pgrep -f -- "--root $ROOT( |\$)"
	assert_failure
	local found
	found=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$CGROUP_NAME*" 2>/dev/null || true)
	[ -z "$found" ] || fail "cgroups left: $found"
	if [ -d /run/systemd/system ]; then
		run systemctl show -P LoadState "$UNIT"
		assert_output not-found
	fi
}

# ------------------------------------------------------- anywhere --

@test "systemd driver: a cgroupsPath not of the form slice:prefix:name is an error naming the field" {
	update_config '.linux.cgroupsPath = "/skiff/abc"'
	run_detached sd run -d ctr
	assert_failure
	assert_output 'skiff: linux.cgroupsPath: "/skiff/abc" is not of the form "slice:prefix:name" (e.g. "system.slice:skiff:abc") that --systemd-cgroup expects'
	update_config '.linux.cgroupsPath = "nonsense:skiff:abc"'
	run_detached sd run -d ctr
	assert_failure
	assert_output --partial 'skiff: linux.cgroupsPath: "nonsense:skiff:abc" names slice "nonsense", which is not a systemd slice'
	assert_nothing_left
}

@test "systemd driver: without systemd as PID 1, a clear error and nothing left behind" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here"
	run_detached sd run -d ctr
	assert_failure
	assert_output "skiff: systemd cgroup driver requested but systemd is not running"
	# create too, with the default path (":skiff:<id>")
	update_config 'del(.linux.cgroupsPath)'
	run_detached sd create ctr
	assert_failure
	assert_output "skiff: systemd cgroup driver requested but systemd is not running"
	assert_nothing_left
}

# ------------------------------------------------ with systemd as PID 1 --

@test "systemd driver: the init is in an active scope with Delegate=yes in system.slice" {
	need_systemd
	sd run -d ctr
	pid=$(init_pid ctr)
	assert_equal "$(prop ActiveState)" active
	assert_equal "$(prop Delegate)" yes
	assert_equal "$(prop Slice)" system.slice
	assert_equal "$(prop Description)" "skiff container ctr"
	assert_equal "$(prop ControlGroup)" "/system.slice/$UNIT"
	# systemd's own list of the unit's processes has the init
	systemctl status "$UNIT" --no-pager | grep -q "$pid" ||
		fail "$(systemctl status "$UNIT" --no-pager)"
	grep -qx "$pid" "$(unit_dir)/cgroup.procs"
	if unified; then
		assert_equal "$(cat "/proc/$pid/cgroup")" "0::/system.slice/$UNIT"
	else
		grep -qx "[0-9]*:name=systemd:/system.slice/$UNIT" "/proc/$pid/cgroup"
		# the hierarchies systemd does not manage are joined by skiff
		grep -qx "[0-9]*:freezer:/system.slice/$UNIT" "/proc/$pid/cgroup"
	fi
	# later commands need no --systemd-cgroup: state.json knows the unit
	run jq -r .systemdUnit "$ROOT/ctr/state.json"
	assert_output "$UNIT"
}

@test "systemd driver: the default cgroupsPath is :skiff:<id>" {
	need_systemd
	update_config 'del(.linux.cgroupsPath)'
	sd run -d "$CGROUP_NAME"
	assert_equal "$(prop ActiveState)" active
	assert_equal "$(prop Slice)" system.slice
	"$SKIFF" --root "$ROOT" delete -f "$CGROUP_NAME"
	assert_nothing_left
}

@test "systemd driver: resources are unit properties and cgroup files" {
	need_systemd
	update_config '.linux.resources.memory = {"limit": 67108864}
		| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}
		| .linux.resources.pids = {"limit": 50}'
	sd run -d ctr
	assert_equal "$(prop TasksMax)" 50
	assert_equal "$(prop CPUQuotaPerSecUSec)" 500ms
	assert_equal "$(prop CPUQuotaPeriodUSec)" 100ms
	assert_equal "$(prop DevicePolicy)" strict
	prop DeviceAllow | grep -q "/dev/char/1:3 rwm" || fail "DeviceAllow: $(prop DeviceAllow)"
	if unified; then
		assert_equal "$(prop MemoryMax)" 67108864
		# shares 512 -> weight 1 + (512 - 2) * 9999 / 262142
		assert_equal "$(prop CPUWeight)" 20
		dir=$(unit_dir)
		assert_equal "$(cat "$dir/memory.max")" 67108864
		assert_equal "$(cat "$dir/cpu.weight")" 20
		assert_equal "$(cat "$dir/cpu.max")" "50000 100000"
		assert_equal "$(cat "$dir/pids.max")" 50
	else
		assert_equal "$(prop MemoryLimit)" 67108864
		assert_equal "$(prop CPUShares)" 512
		assert_equal "$(cat "$(unit_dir memory)/memory.limit_in_bytes")" 67108864
		assert_equal "$(cat "$(unit_dir cpu)/cpu.shares")" 512
		assert_equal "$(cat "$(unit_dir cpu)/cpu.cfs_quota_us")" 50000
		assert_equal "$(cat "$(unit_dir pids)/pids.max")" 50
	fi
	# systemd's device filter and skiff's both let the usual devices through
	run "$SKIFF" --root "$ROOT" exec ctr sh -c 'head -c 4 /dev/zero | wc -c; echo x >/dev/null && echo ok'
	assert_success
	assert_output "$(printf '4\nok')"
}

@test "systemd driver: update changes the properties and the files" {
	need_systemd
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 50}'
	sd run -d ctr
	"$SKIFF" --root "$ROOT" update --memory 134217728 --pids-limit 80 --cpu-quota 20000 --cpu-period 100000 ctr
	assert_equal "$(prop TasksMax)" 80
	assert_equal "$(prop CPUQuotaPerSecUSec)" 200ms
	if unified; then
		assert_equal "$(prop MemoryMax)" 134217728
		assert_equal "$(cat "$(unit_dir)/memory.max")" 134217728
		assert_equal "$(cat "$(unit_dir)/pids.max")" 80
		assert_equal "$(cat "$(unit_dir)/cpu.max")" "20000 100000"
	else
		assert_equal "$(prop MemoryLimit)" 134217728
		assert_equal "$(cat "$(unit_dir memory)/memory.limit_in_bytes")" 134217728
		assert_equal "$(cat "$(unit_dir pids)/pids.max")" 80
	fi
	# -r: the resources JSON
	echo '{"pids": {"limit": 90}}' | "$SKIFF" --root "$ROOT" update -r - ctr
	assert_equal "$(prop TasksMax)" 90
}

@test "systemd driver: pause, resume, ps, stats, exec and kill --all act on the scope" {
	need_systemd
	sd run -d ctr
	pid=$(init_pid ctr)
	"$SKIFF" --root "$ROOT" pause ctr
	assert_equal "$(container_status ctr)" paused
	"$SKIFF" --root "$ROOT" resume ctr
	assert_equal "$(container_status ctr)" running
	run "$SKIFF" --root "$ROOT" ps --format json ctr
	assert_success
	echo "$output" | jq -e --argjson p "$pid" 'index($p) != null'
	run "$SKIFF" --root "$ROOT" events --stats ctr
	assert_success
	echo "$output" | jq -e '.type == "stats" and .data.pids.current >= 1 and .data.memory.usage.usage > 0'
	# exec'd processes join the scope's cgroup
	"$SKIFF" --root "$ROOT" exec -d ctr sleep 100
	run "$SKIFF" --root "$ROOT" ps --format json ctr
	[ "$(echo "$output" | jq length)" -eq 2 ]
	for p in $(echo "$output" | jq '.[]'); do
		grep -q "/system.slice/$UNIT\$" "/proc/$p/cgroup"
	done
	"$SKIFF" --root "$ROOT" kill --all ctr KILL
	wait_for_status ctr stopped
}

@test "systemd driver: delete stops the unit and removes its cgroups" {
	need_systemd
	sd run -d ctr
	dir=$(unit_dir)
	[ -d "$dir" ]
	"$SKIFF" --root "$ROOT" delete --force ctr
	[ ! -e "$dir" ]
	assert_nothing_left
	# the name is free again
	sd run -d ctr
	assert_equal "$(prop ActiveState)" active
	"$SKIFF" --root "$ROOT" kill ctr KILL
	wait_for_status ctr stopped
	"$SKIFF" --root "$ROOT" delete ctr
	assert_nothing_left
}

@test "systemd driver: a create that fails stops the unit it started" {
	need_systemd
	set_args /no/such/program
	run_detached sd run -d ctr
	assert_failure
	assert_output --partial "/no/such/program"
	assert_nothing_left
	# a resource only the files know, refused by them after the unit started
	unified || skip "the realtime error is cgroup v2's"
	set_args sleep 100
	update_config '.linux.resources.cpu = {"realtimeRuntime": 1000}'
	run_detached sd run -d ctr
	assert_failure
	assert_output "skiff: linux.resources.cpu.realtimeRuntime: realtime limits do not exist in cgroup v2"
	assert_nothing_left
}

@test "systemd driver: a create killed after the unit started is cleaned up by delete" {
	need_systemd
	# The init dies with the runtime here (it is not set up yet), and
	# systemd may drop the emptied scope by itself: delete stops what is left.
	SKIFF_DEBUG_STOP_AT=create-after-systemd-unit run_detached sd create ctr
	assert_failure
	run jq -r .systemdUnit "$ROOT/ctr/state.json"
	assert_output "$UNIT"
	"$SKIFF" --root "$ROOT" delete --force ctr
	assert_nothing_left
	# Killed once the init is ready: the init lives on, and so does the unit.
	SKIFF_DEBUG_STOP_AT=create-after-ready run_detached sd create ctr
	assert_failure
	assert_equal "$(prop ActiveState)" active
	"$SKIFF" --root "$ROOT" delete --force ctr
	assert_nothing_left
}

@test "systemd driver: restore records and starts the unit as create does" {
	need_systemd
	# criu's stand-in (helpers.bash): the restored process is its own
	fake_criu
	run_detached sd --criu "$FAKE" restore -d --image-path "$BATS_TEST_TMPDIR/images" ctr
	assert_success
	pid=$(init_pid ctr)
	assert_equal "$(prop ActiveState)" active
	grep -qx "$pid" "$(unit_dir)/cgroup.procs"
	# later commands find the unit in state.json, without --systemd-cgroup
	run jq -r .systemdUnit "$ROOT/ctr/state.json"
	assert_output "$UNIT"
	"$SKIFF" --root "$ROOT" delete --force ctr
	assert_nothing_left
	# a failing restore stops the unit and leaves nothing
	touch "$BATS_TEST_TMPDIR/criu.fail"
	run_detached sd --criu "$FAKE" restore -d --image-path "$BATS_TEST_TMPDIR/images" ctr
	assert_failure
	assert_nothing_left
}
