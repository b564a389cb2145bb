#!/usr/bin/env bats
# The manual pages made from man/*.scd: each renders without a warning,
# every command has its page, every flag of `skiff COMMAND --help` is in
# that page, and libskiff(3) names every function of skiff.h.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	MAN_DIR=$TESTS_BUILDDIR/../man
	[ -f "$MAN_DIR/skiff.8" ] || fail "no manual pages in $MAN_DIR: run make"
}

# A page rendered as man shows it, without formatting.
render() {
	MANWIDTH=100 LC_ALL=C.UTF-8 man --nh --nj -l "$1" 2>/dev/null | col -bx
}

@test "every page renders with man -l and groff -ww without a warning" {
	local page n=0
	for page in "$MAN_DIR"/*.[0-9]; do
		run --separate-stderr groff -man -Tutf8 -ww -z "$page"
		[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "groff: $(basename "$page"): $stderr"
		run --separate-stderr env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings=w -l "$page"
		[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "man -l: $(basename "$page"): $stderr"
		[[ "$output" == *NAME* && "$output" == *DESCRIPTION* ]] || fail "$(basename "$page") is empty"
		n=$((n + 1))
	done
	[ "$n" -eq 20 ] || fail "$n pages, not 20"
}

@test "every command has its page, with the sections of the others" {
	local cmd page section
	for cmd in $("$SKIFF" --help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF && $1 != "help," {print $1}'); do
		page=$MAN_DIR/skiff-$cmd.8
		[ -f "$page" ] || fail "no page for $cmd"
		run render "$page"
		for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			assert_line "$section"
		done
		# its NAME line is --help's summary (kill's and list's reworded)
		[[ "${lines[*]}" == *"skiff-$cmd - "* ]] || fail "$cmd: no NAME line"
		run render "$MAN_DIR/skiff.8"
		[[ "$output" == *"skiff-$cmd(8)"* ]] || fail "skiff(8) does not point to skiff-$cmd(8)"
	done
}

@test "every flag of COMMAND --help is in its page" {
	local cmd flag text
	for cmd in $("$SKIFF" --help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF && $1 != "help," {print $1}'); do
		text=$(render "$MAN_DIR/skiff-$cmd.8")
		for flag in $("$SKIFF" "$cmd" --help | sed -n '/^OPTIONS:$/,$p' | sed '1d' |
			sed -E 's/^   //; s/  .*//; s/ value//g; s/, /\n/g' | grep -- '^-') --help -h; do
			grep -qE -- "(^|[ ,])$flag( |,|$)" <<<"$text" || fail "skiff-$cmd(8) lacks $flag"
		done
	done
}

@test "skiff(8) documents the global flags and every command" {
	local text flag
	text=$(render "$MAN_DIR/skiff.8")
	for flag in $("$SKIFF" --help | sed -n '/^GLOBAL OPTIONS:$/,$p' | sed '1d' |
		sed -E 's/^   //; s/  .*//; s/ value//g; s/, /\n/g' | grep -- '^-') --criu --rootless; do
		grep -qE -- "(^|[ ,])$flag( |,|$)" <<<"$text" || fail "skiff(8) lacks $flag"
	done
}

@test "libskiff(3) names every function of skiff.h" {
	local text fn n=0
	text=$(render "$MAN_DIR/libskiff.3")
	for fn in $(grep -oE '\bskiff_[a-z_]+\(' "$TESTS_SRCDIR/../libcontainer/skiff.h" | tr -d '(' | sort -u); do
		[[ "$text" == *"$fn()"* ]] || fail "libskiff(3) does not name $fn()"
		n=$((n + 1))
	done
	[ "$n" -ge 25 ] || fail "found only $n functions in skiff.h"
}

@test "before make install, a page reads by its path from the build tree, as README says" {
	cd "$MAN_DIR/.."
	run --separate-stderr env MANPAGER=cat MANWIDTH=80 LC_ALL=C.UTF-8 man ./man/skiff-run.8
	assert_success
	assert_line --partial "skiff-run - create and run a container"
}
