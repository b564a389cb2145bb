#!/usr/bin/env bats
# Bundles that cannot become containers.  Whatever is wrong, `create` and
# `run` must exit 1 with one "skiff: ..." line on stderr, and leave no
# state directory, no process and no mount behind.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_bundle
	set_args sleep 100
}

# The processes of this test's runtime: the init is a clone of skiff, so it
# keeps skiff's command line (with this test's --root); hooks get the bundle.
leftover_processes() {
	pgrep -f -- "--root $ROOT" || true
	pgrep -f -- "$BUNDLE" || true
}

# Run `skiff CMD ctr` for CMD in create and run, and check each fails
# cleanly with a message containing every argument.
expect_bad_bundle() {
	local cmd want
	for cmd in create run; do
		run --separate-stderr "$SKIFF" --root "$ROOT" "$cmd" ctr
		[ "$status" -eq 1 ] || fail "$cmd: status $status, not 1 (stderr: $stderr)"
		[ -z "$output" ] || fail "$cmd: unexpected stdout: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$cmd: not one line on stderr: $stderr"
		[[ "$stderr" == "skiff: "* ]] || fail "$cmd: stderr does not start with 'skiff: ': $stderr"
		for want in "$@"; do
			[[ "$stderr" == *"$want"* ]] || fail "$cmd: stderr lacks \"$want\": $stderr"
		done
		# nothing left behind
		[ ! -e "$ROOT/ctr" ] || fail "$cmd: state directory left: $(ls -la "$ROOT/ctr")"
		[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "$cmd: left in $ROOT: $(ls -A "$ROOT")"
		[ -z "$(leftover_processes)" ] || fail "$cmd: processes left: $(leftover_processes)"
		! grep -F "$BUNDLE" /proc/self/mountinfo || fail "$cmd: mounts left"
		run "$SKIFF" --root "$ROOT" list -q
		[ -z "$output" ] || fail "$cmd: list shows $output"
	done
}

@test "no config.json" {
	rm config.json
	# without --bundle, the current directory: say how to name another
	expect_bad_bundle "skiff: open ./config.json: no such file or directory (the bundle is the current directory unless --bundle DIR names it; \`skiff spec\` writes a config.json)"
}

@test "a value too long for the message keeps the reason (a 100 KB hostname)" {
	update_config '.hostname = ("h" * 100000)'
	expect_bad_bundle 'skiff: set hostname "hhhh' 'hhhh...hhhh' '": invalid argument'
	[ "${#stderr}" -lt 1100 ] || fail "a message of ${#stderr} bytes"
}

@test "a --bundle that does not exist" {
	cd /
	run --separate-stderr "$SKIFF" --root "$ROOT" create --bundle "$BATS_TEST_TMPDIR/nosuch" ctr
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == "skiff: "*"$BATS_TEST_TMPDIR/nosuch"* ]]
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "invalid JSON" {
	echo '{"ociVersion": "1.0.2", "process": {' > config.json
	expect_bad_bundle "config.json" "invalid JSON"
}

@test "invalid JSON: the line and column of the text at fault, and the text" {
	# line 6 of `jq .`'s layout, with a second comma after "uid": 0
	jq . config.json | sed '6s/\("uid": 0\),/\1,,/' > config.new && mv config.new config.json
	[ "$(sed -n 6p config.json)" = '      "uid": 0,,' ]
	expect_bad_bundle 'skiff: config.json:6:16: invalid JSON: parse error: invalid object key (must be a string), at `,`'
	# a bare word as a whole, columns in characters (not bytes)
	printf '{"ociVersion": "1.0.2",\n "hostname": "\303\251t\303\251", "domainname": tru}\n' > config.json
	expect_bad_bundle 'skiff: config.json:2:35: invalid JSON: lexical error: invalid string in json text, at `tru}`'
	printf '{"ociVersion": "1.0.2",\n"hostname": "a' > config.json
	expect_bad_bundle 'skiff: config.json:2:15: invalid JSON: parse error: premature EOF, at the end of the text'
}

@test "an empty config.json" {
	: > config.json
	expect_bad_bundle "config.json"
}

@test "a JSON document that is not an object" {
	echo '["sh"]' > config.json
	expect_bad_bundle "config.json" "object"
}

@test "a type error names the JSON path" {
	update_config '.process.user.uid = "root"'
	expect_bad_bundle 'config.json: .process.user.uid: expected ' '"root"'
}

@test "type errors deep in arrays name the JSON path with indexes" {
	update_config '.mounts[2].options[1] = 7'
	expect_bad_bundle 'config.json: .mounts[2].options[1]: expected '
	update_config '.mounts[2].options = "ro"'
	expect_bad_bundle 'config.json: .mounts[2].options: expected '
}

@test "out of range numbers are type errors" {
	update_config '.process.user.uid = -1'
	expect_bad_bundle 'config.json: .process.user.uid: expected '
	update_config '.process.user.uid = 4294967296'
	expect_bad_bundle 'config.json: .process.user.uid: expected '
}

@test "an unknown namespace type" {
	update_config '.linux.namespaces += [{"type": "bogus"}]'
	expect_bad_bundle '.linux.namespaces[5].type' '"bogus"'
}

@test "a duplicate namespace type" {
	update_config '.linux.namespaces += [{"type": "pid"}]'
	expect_bad_bundle '.linux.namespaces[5].type' 'pid'
}

@test "a missing rootfs directory" {
	update_config '.root.path = "nosuchrootfs"'
	expect_bad_bundle "$BUNDLE/nosuchrootfs"
}

@test "a rootfs that is a file" {
	touch rootfs-file
	update_config '.root.path = "rootfs-file"'
	expect_bad_bundle "rootfs-file"
}

@test "an empty mount destination" {
	update_config '.mounts += [{"destination": "", "type": "tmpfs", "source": "tmpfs"}]'
	expect_bad_bundle '.mounts[7].destination' 'must be a path'
}

@test "missing process" {
	update_config 'del(.process)'
	expect_bad_bundle '.process'
}

@test "empty process.args" {
	update_config '.process.args = []'
	expect_bad_bundle '.process.args'
}

@test "a relative cwd" {
	update_config '.process.cwd = "tmp"'
	expect_bad_bundle '.process.cwd' '"tmp"'
}

@test "missing ociVersion" {
	update_config 'del(.ociVersion)'
	expect_bad_bundle '.ociVersion'
}

@test "an unknown rlimit, and soft above hard" {
	update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
	expect_bad_bundle '.process.rlimits[0].type' 'RLIMIT_BOGUS'
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 10}]'
	expect_bad_bundle '.process.rlimits[0]'
}

@test "uid mappings without a user namespace" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000}]'
	expect_bad_bundle '.linux.uidMappings'
}

@test "a hostname without a uts namespace" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")] | .hostname = "h"'
	expect_bad_bundle '.hostname'
}

@test "a relative hook path" {
	update_config '.hooks = {"prestart": [{"path": "relative/hook"}]}'
	expect_bad_bundle '.hooks.prestart[0].path' 'relative/hook'
}

@test "a createRuntime hook that does not exist" {
	update_config '.hooks = {"createRuntime": [{"path": "/no/such/hook"}]}'
	expect_bad_bundle '/no/such/hook'
}

@test "a prestart hook that fails" {
	update_config --arg b "$BUNDLE" '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3", $b]}]}'
	expect_bad_bundle 'prestart'
}

@test "a createContainer hook that fails" {
	update_config --arg b "$BUNDLE" '.hooks = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 4", $b]}]}'
	expect_bad_bundle 'createContainer'
}

@test "a hook that hangs past its timeout" {
	update_config '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "98765"], "timeout": 1}]}'
	SECONDS=0
	expect_bad_bundle 'createRuntime'
	# two commands, each killing its hook after about a second
	[ "$SECONDS" -lt 20 ]
	run pgrep -fx "sleep 98765"
	assert_failure
}

@test "a device path outside /dev" {
	update_config '.linux.devices = [{"path": "/etc/evil", "type": "c", "major": 1, "minor": 3}]'
	expect_bad_bundle '.linux.devices[0].path' '/etc/evil'
	update_config '.linux.devices = [{"path": "/dev/../etc/evil", "type": "c", "major": 1, "minor": 3}]'
	expect_bad_bundle '.linux.devices[0].path' '/dev/../etc/evil'
}

@test "an unknown device type" {
	update_config '.linux.devices = [{"path": "/dev/x", "type": "z", "major": 1, "minor": 3}]'
	expect_bad_bundle '.linux.devices[0].type' '"z"'
}

@test "a bind mount source that does not exist" {
	update_config --arg s "$BATS_TEST_TMPDIR/nosuch" '.mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["rbind"]}]'
	expect_bad_bundle "$BATS_TEST_TMPDIR/nosuch" "no such file or directory"
}

@test "a mount that the kernel refuses" {
	update_config '.mounts += [{"destination": "/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=nonsense"]}]'
	expect_bad_bundle '/x'
}

@test "a cwd that is a file" {
	update_config '.process.cwd = "/etc/passwd"'
	expect_bad_bundle '/etc/passwd'
}

@test "an executable that is not found" {
	set_args nosuchprog
	expect_bad_bundle 'exec: "nosuchprog": executable file not found in $PATH'
}

@test "a program that is not executable" {
	touch rootfs/bin/notexec
	chmod 644 rootfs/bin/notexec
	set_args /bin/notexec
	expect_bad_bundle '/bin/notexec'
}

@test "a namespace path that does not exist" {
	update_config '.linux.namespaces[1] = {"type": "network", "path": "/run/netns/skiff-nosuch"}'
	expect_bad_bundle '/run/netns/skiff-nosuch'
}

@test "a user namespace mapping the kernel refuses" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 0}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 0}]'
	expect_bad_bundle 'mapping'
}

@test "a sysctl that does not exist" {
	# namespaced (net.*, with a network namespace) so that validation lets
	# it through and the init's write is what fails
	update_config '.linux.sysctl = {"net.skiff_no_such": "1"}'
	expect_bad_bundle 'net.skiff_no_such'
}

@test "an rlimit above the hard limit the runtime may set" {
	[ "$(ulimit -Hn)" != unlimited ] || skip "no hard nofile limit here"
	# without CAP_SYS_RESOURCE (this sandbox) raising the hard limit fails
	if capsh --has-p=cap_sys_resource 2>/dev/null; then
		skip "the runtime may raise rlimits here"
	fi
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1048576, "hard": 1048576}]'
	expect_bad_bundle 'RLIMIT_NOFILE'
}
