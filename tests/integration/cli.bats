#!/usr/bin/env bats
# The command line: version, help, errors, logs, spec, global flags, and
# the configs real engines hand a runtime.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
	HOST_DIR=
}

teardown() {
	teardown_containers
	[ -n "$HOST_DIR" ] && rm -rf "$HOST_DIR"
	return 0
}

COMMANDS="create start run state kill delete list spec"

@test "--version prints exactly three lines" {
	for flag in --version -v; do
		run --separate-stderr "$SKIFF" $flag
		assert_success
		assert_equal "${#lines[@]}" 3
		assert_line --index 0 --regexp '^skiff version [0-9]+\.[0-9]+\.[0-9]+.*$'
		assert_line --index 1 --regexp '^commit: [^ ]+$'
		assert_line --index 2 --regexp '^spec: [0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9.]+)?$'
		[ -z "$stderr" ]
	done
}

@test "--help lists every command and the global flags" {
	for flag in --help -h help; do
		run "$SKIFF" $flag
		assert_success
		for cmd in $COMMANDS; do
			assert_line --regexp "^ +$cmd +[a-z]"
		done
		for opt in --debug --log --log-format --root --systemd-cgroup --version --help; do
			assert_output --partial -- "$opt"
		done
	done
}

# The flags each command's help must mention.
command_flags() {
	case $1 in
	create) echo --bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds ;;
	run) echo --bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds --detach ;;
	kill) echo --all ;;
	delete) echo --force ;;
	list) echo --format --quiet ;;
	spec) echo --bundle --rootless ;;
	start | state) ;;
	esac
}

@test "COMMAND --help exits 0 and describes the command's flags" {
	for cmd in $COMMANDS; do
		run --separate-stderr "$SKIFF" "$cmd" --help
		[ "$status" -eq 0 ] || fail "$cmd --help: status $status"
		[[ "$output" == *"skiff $cmd"* ]] || fail "$cmd --help does not name the command: $output"
		for flag in $(command_flags "$cmd"); do
			[[ "$output" == *"$flag"* ]] || fail "$cmd --help lacks $flag"
		done
		# -h and `help CMD` say the same
		run "$SKIFF" "$cmd" -h
		assert_success
		h=$output
		run "$SKIFF" help "$cmd"
		assert_success
		assert_equal "$output" "$h"
	done
}

@test "COMMAND --help does nothing else" {
	mkdir -p "$BATS_TEST_TMPDIR/b"
	cd "$BATS_TEST_TMPDIR/b"
	run "$SKIFF" spec --help
	assert_success
	[ ! -e config.json ]
	run "$SKIFF" --root "$ROOT" delete --help
	assert_success
}

@test "an unknown command exits 1 with a skiff: message" {
	run --separate-stderr "$SKIFF" nosuchcommand
	assert_equal "$status" 1
	[ -z "$output" ]
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == "skiff: "*nosuchcommand* ]]
}

@test "an unknown flag exits 1 with a skiff: message" {
	run --separate-stderr "$SKIFF" --nosuchflag list
	assert_equal "$status" 1
	[[ "$stderr" == "skiff: "*--nosuchflag* ]]
	for cmd in $COMMANDS; do
		run --separate-stderr "$SKIFF" --root "$ROOT" "$cmd" --nosuchflag x
		[ "$status" -eq 1 ] || fail "$cmd --nosuchflag: status $status"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$cmd --nosuchflag: $stderr"
		[[ "$stderr" == "skiff: "*--nosuchflag* ]] || fail "$cmd --nosuchflag: $stderr"
	done
}

@test "missing or extra arguments exit 1 with a skiff: message" {
	for cmd in create start run state delete kill; do
		run --separate-stderr "$SKIFF" --root "$ROOT" "$cmd"
		[ "$status" -eq 1 ] || fail "$cmd without an id: status $status"
		[[ "$stderr" == "skiff: "* ]] || fail "$cmd without an id: $stderr"
	done
	run --separate-stderr "$SKIFF" --root "$ROOT" state a b
	assert_equal "$status" 1
	[[ "$stderr" == "skiff: "* ]]
}

@test "no command at all fails and shows the help" {
	run --separate-stderr "$SKIFF"
	assert_equal "$status" 1
	[[ "$stderr" == *USAGE* ]]
}

@test "--log --log-format json writes one JSON object per error" {
	log=$BATS_TEST_TMPDIR/log.json
	run --separate-stderr "$SKIFF" --root "$ROOT" --log "$log" --log-format json state nosuch
	assert_equal "$status" 1
	assert_equal "$stderr" "skiff: container does not exist: no \"nosuch\" under --root $ROOT"
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format=json kill nosuch KILL
	assert_equal "$status" 1
	run cat "$log"
	assert_equal "${#lines[@]}" 2
	for line in "${lines[@]}"; do
		echo "$line" | jq -e 'type == "object" and .level == "error" and (.msg | type) == "string"'
		echo "$line" | jq -e '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$")'
	done
	echo "${lines[0]}" | jq -e --arg root "$ROOT" '.msg == "container does not exist: no \"nosuch\" under --root \($root)"'
	echo "${lines[1]}" | jq -e '.msg | startswith("container does not exist: ")'
	# the time is now, give or take a minute
	t=$(echo "${lines[0]}" | jq -r .time)
	now=$(date +%s)
	then=$(date -d "$t" +%s)
	[ $((now - then)) -lt 60 ] && [ $((then - now)) -lt 60 ]
}

@test "--log --log-format json: a failed create logs its reason" {
	setup_bundle
	set_args nosuchprog
	log=$BATS_TEST_TMPDIR/log.json
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format json create ctr
	assert_equal "$status" 1
	tail -n 1 "$log" | jq -e '.level == "error" and (.msg | contains("executable file not found in $PATH"))'
}

@test "--log-format text writes logfmt lines" {
	log=$BATS_TEST_TMPDIR/log.txt
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format text state nosuch
	assert_equal "$status" 1
	run cat "$log"
	assert_equal "${#lines[@]}" 1
	assert_output --regexp '^time="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)" level=error msg="container does not exist: no \\"nosuch\\" under --root .*"$'
	# text is the default
	rm "$log"
	run "$SKIFF" --root "$ROOT" --log "$log" state nosuch
	run cat "$log"
	assert_output --regexp 'level=error msg="container does not exist: .*"$'
}

@test "an invalid --log-format is refused" {
	run --separate-stderr "$SKIFF" --root "$ROOT" --log-format yaml list
	assert_equal "$status" 1
	[[ "$stderr" == "skiff: "*yaml* ]]
}

@test "--log: no error, no error line" {
	log=$BATS_TEST_TMPDIR/log.json
	run "$SKIFF" --root "$ROOT" --log "$log" --log-format json list
	assert_success
	run grep -c '"level":"error"' "$log"
	assert_output 0
}

@test "--log to a path that cannot be opened fails the command, as runc" {
	# runc 1.1.5: `runc --log /nonexistent/dir/log list` exits 1 with
	# "open /nonexistent/dir/log: no such file or directory", for every
	# command (`spec --help` too); only the global --help goes before it.
	log=$BATS_TEST_TMPDIR/no/such/dir/log
	for cmd in list "state nosuch" "spec --help"; do
		run --separate-stderr "$SKIFF" --root "$ROOT" --log "$log" $cmd
		assert_equal "$status" 1
		assert_equal "$output" ""
		[[ "$stderr" == "skiff: open log file $log: No such file or directory" ]]
	done
	run "$SKIFF" --log "$log" --help
	assert_success
}

@test "spec writes runc's default config.json" {
	command -v runc >/dev/null || skip "no runc"
	mkdir -p "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/r"
	(cd "$BATS_TEST_TMPDIR/s" && "$SKIFF" spec)
	(cd "$BATS_TEST_TMPDIR/r" && runc spec)
	diff <(jq -S 'del(.ociVersion)' "$BATS_TEST_TMPDIR/r/config.json") \
		<(jq -S 'del(.ociVersion)' "$BATS_TEST_TMPDIR/s/config.json")
	run jq -r .ociVersion "$BATS_TEST_TMPDIR/s/config.json"
	assert_output "$("$SKIFF" --version | sed -n 's/^spec: //p')"
}

@test "spec's config says 1.3.0 and holds nothing newer than runc 1.1.5 knows: runc runs it as it is" {
	command -v runc >/dev/null || skip "no runc"
	[ "$(id -u)" = 0 ] || skip "needs root"
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$BATS_TEST_TMPDIR/b" echo ran-under-runc
	jq -e '.ociVersion == "1.3.0" and (.linux | has("memoryPolicy") or has("netDevices") or has("intelRdt") | not)' \
		"$BATS_TEST_TMPDIR/b/config.json"
	run runc --root "$BATS_TEST_TMPDIR/runc-root" run --bundle "$BATS_TEST_TMPDIR/b" "skiff-spec-$$"
	assert_success
	assert_output ran-under-runc
}

@test "spec refuses to overwrite an existing config.json" {
	mkdir -p "$BATS_TEST_TMPDIR/s"
	cd "$BATS_TEST_TMPDIR/s"
	echo '{"mine": true}' > config.json
	run --separate-stderr "$SKIFF" spec
	assert_equal "$status" 1
	[[ "$stderr" == "skiff: "*config.json* ]]
	run cat config.json
	assert_output '{"mine": true}'
}

@test "spec --bundle DIR writes DIR/config.json" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere" "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	"$SKIFF" spec --bundle "$BATS_TEST_TMPDIR/elsewhere"
	[ ! -e config.json ]
	jq -e '.process.args == ["sh"]' "$BATS_TEST_TMPDIR/elsewhere/config.json"
	"$SKIFF" spec -b "$BATS_TEST_TMPDIR/cwd"
	[ -e config.json ]
	run "$SKIFF" spec --bundle "$BATS_TEST_TMPDIR/no/such/dir"
	assert_equal "$status" 1
}

@test "spec --rootless is runc's, but for the ids" {
	command -v runc >/dev/null || skip "no runc"
	mkdir -p "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/r"
	"$SKIFF" spec --rootless --bundle "$BATS_TEST_TMPDIR/s"
	runc spec --rootless --bundle "$BATS_TEST_TMPDIR/r"
	norm='del(.ociVersion) | .linux.uidMappings[].hostID = 0 | .linux.gidMappings[].hostID = 0'
	diff <(jq -S "$norm" "$BATS_TEST_TMPDIR/r/config.json") <(jq -S "$norm" "$BATS_TEST_TMPDIR/s/config.json")
	jq -e '.linux.namespaces | map(.type) | index("user") != null' "$BATS_TEST_TMPDIR/s/config.json"
}

@test "spec --rootless maps the caller's uid and gid" {
	# a directory user 1234 can reach and write
	HOST_DIR=$(mktemp -d /tmp/skiff-rootless.XXXXXX)
	chmod 755 "$HOST_DIR"
	mkdir "$HOST_DIR/u"
	chown 1234:2345 "$HOST_DIR/u"
	setpriv --reuid 1234 --regid 2345 --clear-groups "$SKIFF" spec --rootless --bundle "$HOST_DIR/u"
	jq -e '.linux.uidMappings == [{"containerID": 0, "hostID": 1234, "size": 1}]' "$HOST_DIR/u/config.json"
	jq -e '.linux.gidMappings == [{"containerID": 0, "hostID": 2345, "size": 1}]' "$HOST_DIR/u/config.json"
}

@test "global flags runc accepts are accepted before the command" {
	setup_bundle
	set_args true
	"$SKIFF" --debug --root "$ROOT" create ctr
	"$SKIFF" --systemd-cgroup --root "$ROOT" --log "$BATS_TEST_TMPDIR/log" --log-format json start ctr
	wait_for_status ctr stopped
	"$SKIFF" --root="$ROOT" --log-format=json --debug delete ctr
	run "$SKIFF" --root "$ROOT" list -q
	assert_output ""
	# runc's single-dash spelling of long flags
	run "$SKIFF" -root "$ROOT" list -q
	assert_success
}

@test "--root is where the state lives" {
	setup_bundle
	set_args sleep 100
	skiff create ctr
	[ -d "$ROOT/ctr" ]
	run "$SKIFF" --root "$BATS_TEST_TMPDIR/other" list -q
	assert_output ""
	run "$SKIFF" --root "$BATS_TEST_TMPDIR/other" state ctr
	assert_failure
	# runc's words, which engines look for, then the id and the root searched
	assert_output "skiff: container does not exist: no \"ctr\" under --root $BATS_TEST_TMPDIR/other"
}

# Make a bundle from an engine's config: the busybox rootfs, a program we
# choose, no terminal, no hooks, this test's own cgroup path (not the engine's), bind
# sources that exist, and rlimits no higher than ours.
engine_bundle() {
	local src=$1 i n dest
	setup_bundle
	cp "$src" config.json
	update_config --arg p "$CGROUP_NAME" '.root.path = "rootfs" | .process.terminal = false | del(.hooks) | .linux.cgroupsPath = $p'
	update_config '.process.args = ["sh", "-c", "echo engine-ok"]'
	n=$(jq '.mounts | length' config.json)
	for i in $(seq 0 $((n - 1))); do
		jq -e --argjson i "$i" '.mounts[$i] | (.type == "bind") or ((.options // []) | index("bind") or index("rbind"))' config.json >/dev/null || continue
		dest=$(jq -r --argjson i "$i" '.mounts[$i].destination' config.json)
		mkdir -p binds
		case $dest in
		*/shm) mkdir -p "binds/$i" ;;
		*) echo "stand-in for $dest" > "binds/$i" ;;
		esac
		update_config --argjson i "$i" --arg s "$BUNDLE/binds/$i" '.mounts[$i].source = $s'
	done
	local hard_nofile hard_nproc
	hard_nofile=$(ulimit -Hn)
	hard_nproc=$(ulimit -Hu)
	[ "$hard_nofile" = unlimited ] && hard_nofile=4294967295
	[ "$hard_nproc" = unlimited ] && hard_nproc=4294967295
	update_config --argjson f "$hard_nofile" --argjson p "$hard_nproc" '
		if .process.rlimits then .process.rlimits |= map(
			if .type == "RLIMIT_NOFILE" then .hard = ([.hard, $f] | min) | .soft = ([.soft, .hard] | min)
			elif .type == "RLIMIT_NPROC" then .hard = ([.hard, $p] | min) | .soft = ([.soft, .hard] | min)
			else . end) else . end'
}

@test "engine configs: every one is accepted by the parser" {
	[ -d "$SHARED_DIR/engine-configs" ] || skip "no ../shared"
	# a bundle without its rootfs: create must get past parsing and fail there
	mkdir -p "$BATS_TEST_TMPDIR/b"
	cd "$BATS_TEST_TMPDIR/b"
	for f in "$SHARED_DIR"/engine-configs/*.config.json; do
		cp "$f" config.json
		run --separate-stderr "$SKIFF" --root "$ROOT" create ctr
		[ "$status" -eq 1 ] || fail "$(basename "$f"): status $status"
		# the missing rootfs (create_requirements(), as check), or with a
		# terminal the missing console socket: nothing else of the config
		[[ "$stderr" != *"config.json:"* || "$stderr" == *"config.json: .root.path: rootfs "* ]] ||
			fail "$(basename "$f") rejected: $stderr"
		[[ "$stderr" == *rootfs* || "$stderr" == *console* ]] || fail "$(basename "$f"): $stderr"
	done
}

@test "engine configs: each runs as a container (with local paths)" {
	[ -d "$SHARED_DIR/engine-configs" ] || skip "no ../shared"
	failed=
	for f in "$SHARED_DIR"/engine-configs/*.config.json; do
		engine_bundle "$f"
		run --separate-stderr "$SKIFF" --root "$ROOT" run "ctr-$(basename "$f" .config.json)"
		if [ "$status" -ne 0 ] || [ "$output" != engine-ok ]; then
			failed+="$(basename "$f"): status $status: $output $stderr"$'\n'
		fi
		cd "$BATS_TEST_TMPDIR"
		rm -rf "$BUNDLE"
	done
	[ -z "$failed" ] || fail "$failed"
}

@test "engine configs: the create/start/kill/delete sequence of the engines" {
	[ -d "$SHARED_DIR/engine-configs" ] || skip "no ../shared"
	failed=
	for f in "$SHARED_DIR"/engine-configs/*-run-d.config.json; do
		engine_bundle "$f"
		update_config '.process.args = ["sleep", "100"]'
		id=e-$(basename "$f" .config.json)
		# the container keeps create's stdio: a file, not a pipe to wait on
		if ! "$SKIFF" --root "$ROOT" --log "$BUNDLE/log.json" --log-format json create --bundle "$BUNDLE" --pid-file "$BUNDLE/pid" "$id" > "$BUNDLE/out" 2>&1 < /dev/null; then
			failed+="$(basename "$f"): create: $(cat "$BUNDLE/out")"$'\n'
			continue
		fi
		"$SKIFF" --root "$ROOT" --log "$BUNDLE/log.json" --log-format json start "$id"
		assert_equal "$(container_status "$id")" running
		pid=$(cat "$BUNDLE/pid")
		[ "$(cat /proc/$pid/comm)" = sleep ]
		"$SKIFF" --root "$ROOT" kill "$id" 9
		wait_for_status "$id" stopped
		"$SKIFF" --root "$ROOT" delete "$id"
		"$SKIFF" --root "$ROOT" delete --force "$id"
		[ ! -s "$BUNDLE/log.json" ]
		cd "$BATS_TEST_TMPDIR"
		rm -rf "$BUNDLE"
	done
	[ -z "$failed" ] || fail "$failed"
}
