#!/usr/bin/env bats
# The bash completion (completion/skiff.bash): commands, global and command
# flags (the same as --help lists), flag values, and container ids from
# `skiff list -q` under the --root of the command line.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	COMPLETION=$TESTS_SRCDIR/../completion/skiff.bash
	[ -f "$COMPLETION" ] || fail "no $COMPLETION"
}

# Complete the last word of "$@" (an empty last word for a fresh one) the
# way bash does on TAB: print the candidates, sorted, one per line.
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_skiff
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' bash "$COMPLETION" "$@"
}

# The flags `skiff CMD --help` lists, one per line, sorted ("--help" added).
help_flags() {
	{
		"$SKIFF" "$1" --help | sed -n '/^OPTIONS:$/,$p' | sed '1d' |
			sed -E 's/^   //; s/  .*//; s/ value//g; s/, /\n/g' | grep -- '^-'
		echo --help
	} | sort -u
}

@test "the first word: commands, or global flags" {
	run complete_words "$SKIFF" ""
	assert_success
	# every command of skiff --help, and h
	assert_equal "$(echo $output)" "$(echo $( ("$SKIFF" --help | sed -n '/^COMMANDS:$/,/^$/p' | sed '1d;$d' |
		sed -E 's/^   //; s/ .*//; s/,$//'; echo h) | sort))"
	assert_equal "$(echo $output)" "check checkpoint create delete events exec features h help kill list pause ps restore resume run spec start state update"
	run complete_words "$SKIFF" st
	assert_equal "$(echo $output)" "start state"
	run complete_words "$SKIFF" --
	assert_equal "$(echo $output)" "--criu --debug --help --log --log-format --root --rootless --systemd-cgroup --version"
	# after global flags and their values, still the command
	run complete_words "$SKIFF" --root /tmp --log-format json --debug ch
	assert_equal "$(echo $output)" "check checkpoint"
	run complete_words "$SKIFF" --criu /usr/sbin/criu --log-format ""
	assert_equal "$(echo $output)" "json text"
}

@test "each command's flags are exactly those of its --help" {
	local cmd
	for cmd in check checkpoint create delete events exec features kill list pause ps restore resume run spec start state update; do
		run complete_words "$SKIFF" "$cmd" -
		assert_success
		assert_equal "$(echo "$output" | sort -u)" "$(help_flags "$cmd")"
	done
	# the global flags too
	run complete_words "$SKIFF" -
	assert_equal "$output" "$("$SKIFF" --help | sed -n '/^GLOBAL OPTIONS:$/,$p' | sed '1d' |
		sed -E 's/^   //; s/  .*//; s/ value//g; s/, /\n/g' | grep -- '^--' | sort -u)"
}

@test "flag values" {
	run complete_words "$SKIFF" list --format ""
	assert_equal "$(echo $output)" "json table"
	run complete_words "$SKIFF" check -f ""
	assert_equal "$(echo $output)" "json text"
	mkdir -p "$BATS_TEST_TMPDIR/bundles/one" "$BATS_TEST_TMPDIR/bundles/two"
	touch "$BATS_TEST_TMPDIR/bundles/file"
	run complete_words "$SKIFF" run --bundle "$BATS_TEST_TMPDIR/bundles/"
	assert_equal "$(echo $output)" "$BATS_TEST_TMPDIR/bundles/one $BATS_TEST_TMPDIR/bundles/two"
	run complete_words "$SKIFF" exec --cap CAP_SYS_A
	assert_equal "$output" CAP_SYS_ADMIN
	run complete_words "$SKIFF" help ki
	assert_equal "$output" kill
	run complete_words "$SKIFF" ps -f ""
	assert_equal "$(echo $output)" "json table"
	run complete_words "$SKIFF" checkpoint --manage-cgroups-mode ""
	assert_equal "$(echo $output)" "full ignore soft strict"
}

@test "container ids from skiff list -q under the command line's --root" {
	setup_bundle sleep 600
	# one cgroup each: a cgroup that holds a container is not shared
	for id in alpha alps beta; do
		update_config --arg p "$CGROUP_NAME-$id" '.linux.cgroupsPath = $p'
		skiff create "$id"
	done
	run complete_words "$SKIFF" --root "$ROOT" start ""
	assert_equal "$(echo $output)" "alpha alps beta"
	run complete_words "$SKIFF" --root="$ROOT" delete --force al
	assert_equal "$(echo $output)" "alpha alps"
	run complete_words "$SKIFF" --debug --root "$ROOT" exec -e A=1 -u 0 b
	assert_equal "$output" beta
	# kill: the id, then a signal
	run complete_words "$SKIFF" --root "$ROOT" kill beta KI
	assert_equal "$output" KILL
	run complete_words "$SKIFF" --root "$ROOT" kill --all beta RTMIN+1
	assert_line RTMIN+1
	for cmd in pause resume ps events update checkpoint; do
		run complete_words "$SKIFF" --root "$ROOT" "$cmd" al
		assert_equal "$(echo $output)" "alpha alps"
	done
	# no id after the id; none for commands making a new one
	run complete_words "$SKIFF" --root "$ROOT" state alpha ""
	assert_output ""
	run complete_words "$SKIFF" --root "$ROOT" create ""
	assert_output ""
	# another root has other containers
	run complete_words "$SKIFF" --root "$BATS_TEST_TMPDIR/empty-root" state ""
	assert_output ""
}
