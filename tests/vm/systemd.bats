#!/usr/bin/env bats
# The systemd mode of tests/vm/run-in-vm.sh (`make check-systemd` runs this
# file first, in the same VM as tests/integration/cgroups-systemd.bats):
# systemd is PID 1 on pure cgroup v2, answers on the system bus, and makes
# transient scopes with resources, which is what a systemd cgroup driver
# asks of it.  Skipped where systemd is not PID 1.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

setup() {
	[ "$(cat /proc/1/comm)" = systemd ] || skip "systemd is not PID 1 (tests/vm/run-in-vm.sh --systemd)"
}

@test "systemd VM: systemd is PID 1 on pure cgroup v2, the tests run in a delegated unit" {
	assert_equal "$(stat -f -c %T /sys/fs/cgroup)" cgroup2fs
	[ -d /run/systemd/system ]
	assert_equal "$(cat /proc/self/cgroup)" "0::/system.slice/vm-command.service"
	run systemctl show -P Delegate vm-command.service
	assert_output yes
}

@test "systemd VM: the manager answers on the system bus" {
	run busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.systemd1.Manager Version
	assert_success
	assert_output --regexp '^s "252'
}

@test "systemd VM: a transient scope gets its resources from unit properties" {
	unit=vm-smoke-$BATS_TEST_NUMBER-$$
	run systemd-run --quiet --scope --unit "$unit" -p MemoryMax=67108864 -p TasksMax=7 \
		sh -c 'd=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup); echo "$d"; cat "$d/memory.max" "$d/pids.max"'
	assert_success
	assert_output "$(printf '/sys/fs/cgroup/system.slice/%s.scope\n67108864\n7' "$unit")"
}
