#!/usr/bin/env bats
# Where engines and scripts depend on runc's exact behaviour: each test
# runs what runc 1.1.5 was seen to do with the same bundle (its result is
# in the test's comment) and expects the same of skiff.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
}

teardown() {
	teardown_containers
	kill_leftovers
}

@test "run --keep leaves the container, stopped, until delete" {
	# runc 1.1.5: `runc run --keep k1` exits with the program's status, and
	# `runc list` then shows k1 "stopped" with pid 0; `runc delete k1`
	# removes it (and runs poststop then).
	set_args sh -c 'exit 7'
	update_config --arg out "$BATS_TEST_TMPDIR/poststop" \
		'.hooks.poststop = [{path: "/bin/sh", args: ["sh", "-c", ("echo ran > " + $out)]}]'
	run skiff run --keep ctr
	assert_equal "$status" 7
	run skiff state ctr
	assert_success
	assert_equal "$(jq -r .status <<<"$output")" stopped
	assert_equal "$(jq -r .pid <<<"$output")" 0
	[ ! -e "$BATS_TEST_TMPDIR/poststop" ]
	# a second run of the same id is refused while it is kept
	run skiff run ctr
	assert_failure
	skiff delete ctr
	[ ! -d "$ROOT/ctr" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/poststop")" ran
	# runc takes --keep with -d too (exit 0, the container runs)
	set_args sleep 100
	run_detached skiff run -d --keep ctr
	assert_success
	assert_equal "$(container_status ctr)" running
}

@test "kill ID 0 checks that the init is alive and sends nothing" {
	# runc 1.1.5: `runc kill ID 0` exits 0 on a running container (which
	# goes on running) and 1 "container not running" on a stopped one.
	set_args sleep 100
	run_detached skiff run -d ctr
	assert_success
	run skiff kill ctr 0
	assert_success
	assert_output ""
	assert_equal "$(container_status ctr)" running
	skiff kill ctr KILL
	wait_for_status ctr stopped
	run skiff kill ctr 0
	assert_failure
	assert_output "skiff: container not running"
}
