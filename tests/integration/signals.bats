#!/usr/bin/env bats
# Signals and exit statuses of a foreground `run`: what the caller receives
# is forwarded to the container, the status is exact, and nothing the
# container abandons stays a zombie.

load helpers

setup() {
	setup_bundle
}

SUBREAPER=$TESTS_BUILDDIR/helpers/subreaper

# The container's process without a pid namespace of its own, so it can
# die of any signal (a pid namespace's init ignores those it has no handler
# for) and its orphans go up to the runtime.
no_pid_namespace() {
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
}

@test "run forwards SIGHUP, SIGINT and SIGTERM, even when started with SIGINT ignored" {
	set_args sh -c 'trap "exit 41" HUP; trap "exit 42" INT; trap "exit 43" TERM
		touch /tmp/ready; while true; do sleep 0.05; done'
	update_config '.root.readonly = false'
	for pair in HUP:41 INT:42 TERM:43; do
		sig=${pair%:*}
		rm -f rootfs/tmp/ready
		# bash starts background jobs with SIGINT and SIGQUIT ignored:
		# blocked while run waits, Linux queues them all the same
		"$SKIFF" --root "$ROOT" run ctr </dev/null &
		runpid=$!
		wait_for_path rootfs/tmp/ready
		kill -"$sig" "$runpid"
		rc=0
		wait "$runpid" || rc=$?
		echo "# $sig: $rc" >&3
		assert_equal "$rc" "${pair#*:}"
	done
	run skiff list -q
	assert_output ""
}

@test "run exits with the process's exact status, 0 to 255" {
	for code in 0 1 2 42 126 127 128 200 255; do
		set_args sh -c "exit $code"
		rc=0
		skiff run ctr || rc=$?
		assert_equal "$rc" "$code"
	done
}

@test "run exits with 128+N when the process dies of signal N" {
	no_pid_namespace
	for sig in HUP:1 INT:2 USR1:10 SEGV:11 TERM:15 KILL:9; do
		set_args sh -c "kill -${sig%:*} \$\$; sleep 10"
		rc=0
		skiff run ctr || rc=$?
		assert_equal "$rc" $((128 + ${sig#*:}))
	done
}

@test "run reaps the children the container abandons: no zombie left" {
	no_pid_namespace
	# The shell's children exit at once and, after exec, sleep never reaps
	# them; when sleep exits they are reparented to the runtime.
	set_args sh -c 'true & true & true & exec sleep 0.3'
	run "$SUBREAPER" "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_output "zombies: 0"
}

@test "run --no-subreaper leaves the orphans to the reaper above" {
	no_pid_namespace
	set_args sh -c 'true & true & true & exec sleep 0.3'
	run "$SUBREAPER" "$SKIFF" --root "$ROOT" run --no-subreaper ctr
	assert_success
	assert_output "zombies: 3"
}

@test "a container with its own pid namespace leaves no zombie either" {
	set_args sh -c 'true & true & true & exec sleep 0.3'
	run "$SUBREAPER" "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_output "zombies: 0"
}
