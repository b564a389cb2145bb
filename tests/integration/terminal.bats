#!/usr/bin/env bats
# process.terminal: ptys in the container's devpts, console sockets, proxying.

load helpers

setup() {
	setup_bundle
	[ -x "$RECVTTY" ] || skip "tests/helpers/recvtty is not built (run make check)"
	SOCK=$BATS_TEST_TMPDIR/console.sock
}

start_recvtty() {
	"$RECVTTY" "$SOCK" "$1" > "$BATS_TEST_TMPDIR/tty.out" 2> "$BATS_TEST_TMPDIR/tty.err" &
	RECVPID=$!
	wait_for_path "$SOCK"
}

@test "create --console-socket sends the pty master; the shell talks through it" {
	update_config '.process.terminal = true | .process.args = ["sh"]'
	start_recvtty 'tty; echo answer-$((6*7)); exit\n'
	skiff create --console-socket "$SOCK" ctr
	skiff start ctr
	wait "$RECVPID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial /dev/pts/0
	assert_output --partial answer-42
	run cat "$BATS_TEST_TMPDIR/tty.err"
	assert_output --partial "recvtty: data=/dev/ptmx"
}

@test "the pty is the controlling terminal and honours consoleSize" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111} | .process.args = ["sh", "-c", "stty size; ls -l /proc/self/fd/0; cat /proc/self/stat | cut -d\" \" -f7"]'
	start_recvtty ''
	skiff run -d --console-socket "$SOCK" ctr
	wait "$RECVPID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial "33 111"
	assert_output --partial "/dev/pts/0"
	# tty_nr of the process is not 0: it has a controlling terminal
	refute_line --regexp '^0\s*$'
}

@test "terminal without a console socket is refused for a detached container" {
	update_config '.process.terminal = true'
	run skiff create ctr
	assert_failure
	assert_output --partial "cannot allocate tty if skiff will detach without setting console socket"
	[ ! -d "$ROOT/ctr" ]
	update_config '.process.terminal = false'
	run skiff create --console-socket "$SOCK" ctr
	assert_failure
	assert_output --partial "cannot use console socket"
}

@test "foreground run with a terminal proxies it (under script)" {
	command -v script >/dev/null || skip "script(1) is not installed"
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "tty; echo out-through-pty; exit 3"]'
	run script -qec "'$SKIFF' --root '$ROOT' run ctr" /dev/null < /dev/null
	assert_equal "$status" 3
	assert_output --partial /dev/pts/0
	assert_output --partial out-through-pty
}

@test "exec -t with a console socket" {
	set_args sleep 100
	skiff run -d ctr
	start_recvtty 'tty; echo exec-tty-ok; exit\n'
	skiff exec -t -d --console-socket "$SOCK" ctr sh
	wait "$RECVPID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_output --partial /dev/pts/
	assert_output --partial exec-tty-ok
}

@test "without a terminal, stdio are the caller's own (pipes and /dev/null)" {
	set_args sh -c 'readlink /proc/self/fd/0; readlink /proc/self/fd/1'
	run bash -c "'$SKIFF' --root '$ROOT' run ctr < /dev/null | cat"
	assert_line --index 0 /dev/null
	assert_line --index 1 --regexp '^pipe:'
	# run -d with stdio closed must neither block nor die of SIGPIPE
	set_args true
	run bash -c "'$SKIFF' --root '$ROOT' run -d ctr2 <&- >&- 2>&-; echo rc=\$?"
	assert_output rc=0
}

@test "the pty is the container's /dev/console too (bound over it, as runc and crun)" {
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "readlink /proc/self/fd/0; stat -c \"console %t:%T\" /dev/console; stat -L -c \"stdin %t:%T\" /proc/self/fd/0; grep -c \" /dev/console \" /proc/self/mountinfo; echo hi > /dev/console"]'
	start_recvtty ''
	skiff run -d --console-socket "$SOCK" ctr
	wait "$RECVPID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --partial /dev/pts/0
	# the same character device as stdin: the pty slave (major 136)
	stdin=$(grep -o 'stdin [0-9a-f]*:[0-9a-f]*' "$BATS_TEST_TMPDIR/tty.out")
	assert_line --partial "console ${stdin#stdin }"
	assert_line --partial "console 88:0"
	# one mount on it, and what is written there comes through the pty
	assert_line --regexp '^1\s*$'
	assert_line --regexp '^hi\s*$'
}

@test "without a terminal /dev/console is not bound, and exec -t does not bind it" {
	set_args sh -c 'grep -c " /dev/console " /proc/self/mountinfo; sleep 100'
	run_detached skiff run -d ctr
	start_recvtty 'grep -c " /dev/console " /proc/self/mountinfo; exit\n'
	skiff exec -t -d --console-socket "$SOCK" ctr sh
	wait "$RECVPID"
	run cat "$BATS_TEST_TMPDIR/tty.out"
	assert_line --regexp '^0\s*$'
}

@test "foreground run under tmux: window size at start and on SIGWINCH, the terminal restored after" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "stty size; read x; stty size; exit 0"]'
	sock=$BATS_TEST_TMPDIR/tmux.sock
	tmux -S "$sock" new-session -d -x 120 -y 40 \
		"'$SKIFF' --root '$ROOT' run ctr; stty -a > '$BATS_TEST_TMPDIR/stty-after'; sleep 30"
	pane() { tmux -S "$sock" capture-pane -p; }
	for i in $(seq 50); do pane | grep -q '^40 120' && break; sleep 0.1; done
	run pane
	assert_line --regexp '^40 120'
	tmux -S "$sock" resize-window -x 90 -y 25
	sleep 0.3
	tmux -S "$sock" send-keys Enter
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/stty-after" ] && break; sleep 0.1; done
	run pane
	tmux -S "$sock" kill-server
	assert_line --regexp '^25 90'
	# skiff put the caller's terminal back in cooked mode
	run cat "$BATS_TEST_TMPDIR/stty-after"
	assert_output --regexp '(^| )icanon( |$)'
	assert_output --regexp '(^| )echo( |$)'
}

@test "foreground exec -t under tmux: the caller's window size, and the terminal restored after" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	set_args sleep 100
	skiff run -d ctr < /dev/null > /dev/null 2>&1
	sock=$BATS_TEST_TMPDIR/tmux.sock
	tmux -S "$sock" new-session -d -x 100 -y 30 \
		"'$SKIFF' --root '$ROOT' exec -t ctr sh -c 'stty size; tty; exit 6'; echo rc=\$? > '$BATS_TEST_TMPDIR/rc'; stty -a > '$BATS_TEST_TMPDIR/stty-after'; sleep 30"
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/stty-after" ] && break; sleep 0.1; done
	run tmux -S "$sock" capture-pane -p
	tmux -S "$sock" kill-server
	assert_line --regexp '^30 100'
	assert_line --regexp '^/dev/pts/[0-9]+'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rc")" rc=6
	run cat "$BATS_TEST_TMPDIR/stty-after"
	assert_output --regexp '(^| )icanon( |$)'
}

# The container's pty turns "\n" into "\r\n"; the caller's terminal, in raw
# mode without output processing (as runc sets it), passes that on as it is:
# "\r\r\n" was both doing it.
@test "foreground exec -t and run under a terminal: lines end in \\r\\n, as runc's, and the terminal's output processing is restored" {
	command -v script >/dev/null || skip "script(1) is not installed"
	update_config '.process.terminal = true | .process.args = ["sh", "-c", "echo one; echo two"]'
	script -qec "'$SKIFF' --root '$ROOT' run ctr; stty -a > '$BATS_TEST_TMPDIR/stty-after'" /dev/null \
		< /dev/null > "$BATS_TEST_TMPDIR/run.out"
	grep -q "one"$'\r'"\$" "$BATS_TEST_TMPDIR/run.out"
	run grep -c $'\r\r' "$BATS_TEST_TMPDIR/run.out"
	assert_output 0
	run cat "$BATS_TEST_TMPDIR/stty-after"
	refute_output --partial -opost
	assert_output --partial ' onlcr '

	update_config '.process.terminal = false | .process.args = ["sleep", "100"]'
	skiff run -d ctr < /dev/null > /dev/null 2>&1
	script -qec "'$SKIFF' --root '$ROOT' exec -t ctr sh -c 'echo three; echo four'" /dev/null \
		< /dev/null > "$BATS_TEST_TMPDIR/exec.out"
	grep -q "four"$'\r'"\$" "$BATS_TEST_TMPDIR/exec.out"
	run grep -c $'\r\r' "$BATS_TEST_TMPDIR/exec.out"
	assert_output 0
	# stdin redirected: the terminal is found on stdout
	script -qec "'$SKIFF' --root '$ROOT' exec -t ctr sh -c 'echo five' < /dev/null" /dev/null \
		< /dev/null > "$BATS_TEST_TMPDIR/exec2.out"
	grep -q "five"$'\r'"\$" "$BATS_TEST_TMPDIR/exec2.out"
	run grep -c $'\r\r' "$BATS_TEST_TMPDIR/exec2.out"
	assert_output 0
}
