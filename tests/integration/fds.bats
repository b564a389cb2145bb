#!/usr/bin/env bats
# File descriptors: what reaches the container and what does not.

load helpers

setup() {
	setup_bundle sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
}

@test "only stdio reach the container, whatever the caller leaks" {
	# bats itself leaks fd 3 into every command, as engines do
	run bash -c "'$SKIFF' --root '$ROOT' run ctr 5</etc/hostname 6</etc/passwd"
	# 3 is ls's own directory fd
	assert_output "0 1 2 3 "
}

@test "--preserve-fds N passes fds 3..3+N-1" {
	set_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; cat <&3; cat <&4'
	echo three > "$BATS_TEST_TMPDIR/f3"
	echo four > "$BATS_TEST_TMPDIR/f4"
	run bash -c "'$SKIFF' --root '$ROOT' run --preserve-fds 2 ctr 3<'$BATS_TEST_TMPDIR/f3' 4<'$BATS_TEST_TMPDIR/f4' 5</etc/passwd"
	assert_line --index 0 "0 1 2 3 4 5 three"
	assert_line --index 1 four
}

@test "LISTEN_FDS passes sockets and sets LISTEN_FDS and LISTEN_PID=1" {
	set_args sh -c 'echo $LISTEN_FDS $LISTEN_PID; ls /proc/self/fd | sort -n | tr "\n" " "'
	run bash -c "LISTEN_FDS=1 LISTEN_PID=\$\$ '$SKIFF' --root '$ROOT' run --preserve-fds 1 ctr 3</etc/hostname 4</etc/passwd 5</etc/passwd"
	assert_line --index 0 "1 1"
	# LISTEN_FDS fds and --preserve-fds ones add up; the caller's 5 stays out
	# (the 5 seen inside is ls's own directory fd)
	assert_line --index 1 "0 1 2 3 4 5 "
}

@test "a cwd through a leaked fd cannot reach the host (CVE-2024-21626)" {
	update_config '.process.cwd = "/proc/self/fd/5"'
	set_args pwd
	run bash -c "'$SKIFF' --root '$ROOT' run ctr 5</"
	# either refused or inside the container; never the host's /
	refute_output "/"
	[ ! -d "$ROOT/ctr" ] || skiff delete --force ctr
}

@test "stdio that is the host's /dev/null becomes the container's /dev/null (criu can dump that one); a pipe stays" {
	# the mount each of fds 0-2 is on, and the container's /dev
	set_args sh -c 'for fd in 0 1 2; do sed -n "s/^mnt_id:[[:space:]]*//p" /proc/self/fdinfo/$fd; done
		awk "\$5 == \"/dev\" {print \$1}" /proc/self/mountinfo'
	run bash -c "'$SKIFF' --root '$ROOT' run ctr < /dev/null 2> /dev/null | cat"
	assert_success
	[ "${#lines[@]}" = 4 ] || fail "unexpected output: $output"
	dev=${lines[3]}
	assert_equal "${lines[0]} ${lines[2]}" "$dev $dev"
	# stdout is the pipe to cat, on no mount of the container's
	[ "${lines[1]}" != "$dev" ]
}
