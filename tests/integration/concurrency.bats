#!/usr/bin/env bats
# Concurrency and full disks: many commands at once on the same and on
# different ids never hang, never corrupt a state file, and every failure
# is one clear "skiff: " line; a full state root fails create cleanly and
# keeps the existing containers readable.

load helpers

setup() {
	setup_bundle
	SMALL=
	READER=
	# Several containers per test: each gets a cgroup named after its id,
	# and ids carry $$ so that parallel runs never share one.
	update_config 'del(.linux.cgroupsPath)'
}

teardown() {
	# the reader loops until told to stop, even when the test failed early
	if [ -n "$READER" ]; then
		touch "$LOGS/stop"
		kill "$READER" 2>/dev/null
		wait "$READER" 2>/dev/null
	fi
	teardown_containers
	if [ -n "$SMALL" ]; then
		umount "$SMALL" 2>/dev/null || umount -l "$SMALL"
	fi
	return 0
}

# One worker: rounds of the engine's sequence on its id, plus reads, every
# command bounded by timeout; each command's status and stderr are logged.
worker() {
	local id=$1 rounds=$2 n=0 r cmd rc
	for r in $(seq "$rounds"); do
		for cmd in "create $id" "state $id" "start $id" "list" "kill $id KILL" \
			"state $id" "delete $id" "delete --force $id"; do
			n=$((n + 1))
			rc=0
			# shellcheck disable=SC2086
			# the workers sharing an id each need their own files ($BASHPID)
			timeout 20 "$SKIFF" --root "$ROOT" $cmd >/dev/null 2>"$LOGS/$id.$BASHPID.$n.err" </dev/null || rc=$?
			echo "$rc $cmd" >>"$LOGS/$id.status"
		done
	done
}

# Read every state.json again and again while the workers run.
reader() {
	local f
	local deadline=$((SECONDS + 120))
	while [ ! -e "$LOGS/stop" ] && [ "$SECONDS" -lt "$deadline" ]; do
		for f in "$ROOT"/*/state.json; do
			[ -e "$f" ] || continue
			# a file may vanish (delete) between the glob and the read
			if out=$(cat "$f" 2>/dev/null) && [ -n "$out" ]; then
				jq -e .id <<<"$out" >/dev/null 2>&1 || echo "corrupt: $out" >>"$LOGS/corrupt"
			fi
		done
	done
}

@test "hundreds of parallel create/start/kill/delete/state/list on shared and separate ids" {
	set_args sleep 1000
	LOGS=$BATS_TEST_TMPDIR/logs
	mkdir -p "$LOGS" "$ROOT"
	reader 3>&- &
	READER=$!
	# three workers fight over one id, three more have one id each
	pids=()
	for w in 1 2 3; do
		worker "shared-$$" 5 3>&- &
		pids+=($!)
	done
	for w in 1 2 3; do
		worker "own$w-$$" 5 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	touch "$LOGS/stop"
	wait "$READER"
	READER=
	total=$(cat "$LOGS"/*.status | wc -l)
	echo "# $total commands; the errors they met:" >&3
	cat "$LOGS"/*.err | sed -E 's/[0-9]+/N/g' | sort | uniq -c | sed 's/^/#   /' >&3
	# on failure, what each id went through
	for f in "$LOGS"/*.status; do echo "$f:"; paste -sd' ' "$f"; done
	[ "$total" -eq 240 ]
	# no command hung
	run grep -h '^124 ' $LOGS/*.status
	assert_output ""
	# every failure said why in one line, and nothing crashed
	run grep -hE '^(1[3-9][0-9]|2[0-9][0-9]) ' $LOGS/*.status
	assert_output ""
	for f in "$LOGS"/*.err; do
		[ -s "$f" ] || continue
		lines=$(wc -l <"$f")
		[ "$lines" -eq 1 ] || { echo "$f:"; cat "$f"; false; }
		grep -qE '^skiff: [^ ]' "$f" || { echo "$f:"; cat "$f"; false; }
	done
	# the separate ids never met an error in the sequence's first steps
	for w in 1 2 3; do
		run grep -c '^0 create' "$LOGS/own$w-$$.status"
		assert_output 5
	done
	[ ! -e "$LOGS/corrupt" ] || { cat "$LOGS/corrupt"; false; }
	# what is left is consistent, and delete --force clears it
	for id in "shared-$$" "own1-$$" "own2-$$" "own3-$$"; do
		skiff delete --force "$id"
	done
	run skiff list -q
	assert_output ""
	run test_pids
	assert_output ""
}

@test "a full state root: create fails cleanly, existing containers stay readable" {
	set_args sleep 1000
	SMALL=$BATS_TEST_TMPDIR/small
	mkdir -p "$SMALL"
	mount -t tmpfs -o size=64k tmpfs "$SMALL"
	ROOT=$SMALL/root
	skiff create "before-$$"
	skiff run -d "running-$$"
	# fill it up
	dd if=/dev/zero of="$SMALL/filler" bs=4k 2>/dev/null || true
	[ "$(df --output=avail "$SMALL" | tail -1)" -eq 0 ]
	for i in 1 2 3; do
		run skiff create "new$i-$$"
		assert_failure
		assert_output --regexp '^skiff: .*: no space left on device$'
		assert_equal "${#lines[@]}" 1
		[ ! -e "$ROOT/new$i-$$" ]
		run skiff run -d "new$i-$$"
		assert_failure
		[ ! -e "$ROOT/new$i-$$" ]
	done
	run pgrep -f -- "--root $ROOT (create|run -d) new"
	assert_output ""
	# the others are intact and still work
	assert_equal "$(container_status "before-$$")" created
	assert_equal "$(container_status "running-$$")" running
	skiff list --format json | jq -e 'length == 2'
	skiff start "before-$$"
	wait_for_status "before-$$" running
	skiff kill "running-$$" KILL
	wait_for_status "running-$$" stopped
	skiff delete "running-$$"
	skiff delete --force "before-$$"
	# no temporary file left behind by the failed writes
	run find "$ROOT" -name '.*tmp*'
	assert_output ""
	rm -f "$SMALL/filler"
	skiff run -d "after-$$"
	assert_equal "$(container_status "after-$$")" running
	skiff delete --force "after-$$"
}
