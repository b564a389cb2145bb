#!/usr/bin/env bats
# --help follows runc's layout and wording (urfave/cli): the same sections,
# the same option texts in one aligned column, compared with the runc
# installed here when there is one.

load helpers
bats_require_minimum_version 1.5.0

# The commands `skiff --help` lists (without help itself).
skiff_commands() {
	"$SKIFF" --help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF && $1 != "help," {print $1}'
}

@test "skiff --help: runc's sections, every command, aligned" {
	run "$SKIFF" --help
	assert_success
	local section
	for section in NAME: USAGE: VERSION: COMMANDS: "GLOBAL OPTIONS:"; do
		assert_line "$section"
	done
	assert_line --index 1 "   skiff - Open Container Initiative runtime"
	assert_line "   skiff [global options] command [command options] [arguments...]"
	assert_line --regexp '^   help, h +Shows a list of commands or help for one command$'
	local cmd
	for cmd in check create delete exec kill list run spec start state; do
		assert_line --regexp "^   $cmd +[a-z]"
	done
	# one column: every summary starts at the same offset
	local starts
	starts=$(sed -n '/^COMMANDS:/,/^$/p' <<<"$output" | sed '1d;$d' |
		awk 'match($0, /^   [a-z]+(, [a-z]+)? +/) {print RLENGTH}' | sort -u)
	assert_equal "$(wc -l <<<"$starts")" 1
	# the column is the longest name ("help, h" among them) plus two
	assert_equal "$starts" $(( 3 + $( (skiff_commands; echo "help, h") | awk '{print length($0)}' | sort -n | tail -1) + 2 ))
}

@test "COMMAND --help, help COMMAND and h COMMAND print the same runc-style page" {
	local cmd
	for cmd in $(skiff_commands); do
		run "$SKIFF" "$cmd" --help
		assert_success
		assert_line --index 0 "NAME:"
		[[ "${lines[1]}" == "   skiff $cmd - "* ]] || fail "$cmd: ${lines[1]}"
		assert_line --index 2 "USAGE:"
		[[ "${lines[3]}" == "   skiff $cmd "* ]] || fail "$cmd: ${lines[3]}"
		local page=$output
		run "$SKIFF" help "$cmd"
		assert_equal "$output" "$page"
		run "$SKIFF" h "$cmd"
		assert_equal "$output" "$page"
		run "$SKIFF" "$cmd" -h
		assert_equal "$output" "$page"
	done
}

@test "help for an unknown command is an error" {
	run --separate-stderr "$SKIFF" help nosuch
	assert_failure 1
	assert_equal "$stderr" "skiff: No help topic for 'nosuch'"
}

# Lines of section $2 in page $1, up to the next blank line.
section() {
	sed -n "/^$2:\$/,/^ *\$/p" <<<"$1" | sed '1d;/^ *$/d'
}

@test "the same texts as runc's --help, except what skiff does not do" {
	command -v runc >/dev/null || skip "runc is not installed"
	local cmd runc_page skiff_page
	for cmd in create delete exec kill list run spec start state; do
		runc_page=$(runc "$cmd" --help | sed 's/runc/skiff/g')
		# runc 1.2's --pidfd-socket is newer than the runc installed here
		# (1.1.5): skiff words it as runc 1.2 does, and it is left out here
		skiff_page=$("$SKIFF" "$cmd" --help | grep -v '^   --pidfd-socket value ')
		# NAME, USAGE and the text after it are runc's
		assert_equal "$(sed -n '1,/^DESCRIPTION:\|^OPTIONS:/p' <<<"$skiff_page" | head -n -1)" \
			"$(sed -n '1,/^DESCRIPTION:\|^OPTIONS:/p' <<<"$runc_page" | head -n -1)"
		# every option skiff lists, word for word and aligned as runc's, in
		# runc's order; runc's others are the flags skiff accepts and ignores
		local missing
		missing=$(diff <(section "$runc_page" OPTIONS | sed -E 's/ +/ /g') \
			<(section "$skiff_page" OPTIONS | sed -E 's/ +/ /g') | sed -n 's/^< //p' |
			awk '{print $1}' | tr '\n' ' ')
		assert_equal "$missing" ""
		diff <(section "$runc_page" OPTIONS | sed -E 's/ +/ /g') \
			<(section "$skiff_page" OPTIONS | sed -E 's/ +/ /g') | grep -q '^>' &&
			fail "$cmd: skiff lists an option runc words differently"
	done
	# the global options skiff lists are runc's too, word for word
	local theirs ours
	theirs=$(section "$(runc --help | sed 's/runc/skiff/g')" "GLOBAL OPTIONS" | sed -E 's/ +/ /g')
	ours=$(section "$("$SKIFF" --help)" "GLOBAL OPTIONS" | sed -E 's/ +/ /g')
	assert_equal "$(wc -l <<<"$ours")" 9
	assert_equal "$(diff <(echo "$theirs") <(echo "$ours") | grep -c '^>')" 0
}
