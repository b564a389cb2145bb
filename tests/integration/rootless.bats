#!/usr/bin/env bats
# Rootless containers: a real unprivileged user runs skiff with the config
# of `skiff spec --rootless` (a user namespace mapping root to itself), and
# with newuidmap/newgidmap for wider mappings from /etc/subuid.

load helpers

RL_USER=skiff-rl-test
RL_SUBID=400000

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root to create the test user"
	userdel "$RL_USER" >/dev/null 2>&1 || true
	useradd --no-create-home --shell /bin/sh --user-group "$RL_USER"
	usermod --add-subuids "$RL_SUBID-$((RL_SUBID + 65535))" \
		--add-subgids "$RL_SUBID-$((RL_SUBID + 65535))" "$RL_USER"
	make_bundle_template
}

teardown_file() {
	userdel "$RL_USER" >/dev/null 2>&1 || true
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root to create the test user"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# without a cgroupsPath the cgroup is named after the id: one no
	# other test uses
	RL_ID=skiff-rl-$BATS_TEST_NUMBER-$$
	# Outside bats' 0700 temporary directory: the user must reach it.
	RL_DIR=$(mktemp -d /tmp/skiff-rootless.XXXXXX)
	chmod 755 "$RL_DIR"
	BUNDLE=$RL_DIR/bundle
	cp -a "$BATS_FILE_TMPDIR/bundle-template" "$BUNDLE"
	rm "$BUNDLE/config.json"
	mkdir "$RL_DIR/run"
	chown -R "$RL_USER:$RL_USER" "$RL_DIR"
	as_user "$SKIFF" spec --rootless
	update_config '.process.terminal = false | .root.readonly = false'
}

teardown() {
	local id root
	# the default roots of the tests below too
	for root in "$RL_DIR/run/skiff" "$RL_DIR/tmp/skiff-$RL_UID" "/tmp/skiff-$RL_UID" \
		"/run/user/$RL_UID/skiff"; do
		[ -d "$root" ] || continue
		for id in $(as_user "$SKIFF" --root "$root" list -q 2>/dev/null); do
			as_user "$SKIFF" --root "$root" delete --force "$id" >/dev/null 2>&1
		done
	done
	rm -rf "/tmp/skiff-$RL_UID" "/run/user/$RL_UID"
	[ -n "${RL_DIR:-}" ] && rm -rf "$RL_DIR"
	return 0
}

# Run a command as the test user in the bundle, with its own runtime dir.
as_user() {
	setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$RL_DIR/run" \
		sh -c 'cd "$0" && exec "$@"' "$BUNDLE" "$@"
}

# as_user with the environment given before "--" instead of XDG_RUNTIME_DIR
# (a user after `su user`: no runtime dir of its own).
as_user_env() {
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	setpriv --reuid "$RL_USER" --regid "$RL_USER" --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${envs[@]}" \
		sh -c 'cd "$0" && exec "$@"' "$BUNDLE" "$@"
}

update_config() {
	jq "$@" "$BUNDLE/config.json" > "$BUNDLE/config.json.new"
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
	chown "$RL_USER:$RL_USER" "$BUNDLE/config.json"
}

@test "rootless: spec --rootless maps root to the user, and the container runs" {
	run jq -c '[.linux.uidMappings, .linux.gidMappings]' "$BUNDLE/config.json"
	assert_output "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]]"
	set_args sh -c 'id -u; cat /proc/self/uid_map /proc/self/setgroups; touch /tmp/made-inside'
	run as_user "$SKIFF" run "$RL_ID"
	assert_success
	assert_line --index 0 0
	assert_line --index 1 --regexp "^ +0 +$RL_UID +1$"
	# an unprivileged gid mapping requires setgroups to be denied
	assert_line --index 2 deny
	# what root made inside belongs to the user outside
	assert_equal "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/made-inside")" "$RL_UID:$RL_GID"
}

@test "rootless: state lives under \$XDG_RUNTIME_DIR/skiff, and the whole lifecycle works" {
	set_args sleep 100
	as_user "$SKIFF" create "$RL_ID"
	[ -d "$RL_DIR/run/skiff/$RL_ID" ]
	assert_equal "$(stat -c %U "$RL_DIR/run/skiff/$RL_ID")" "$RL_USER"
	run as_user "$SKIFF" state "$RL_ID"
	assert_success
	echo "$output" | jq -e '.status == "created"'
	pid=$(echo "$output" | jq .pid)
	# the init runs as the user on the host
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" "$RL_UID"
	as_user "$SKIFF" start "$RL_ID"
	run as_user "$SKIFF" state "$RL_ID"
	echo "$output" | jq -e '.status == "running"'
	as_user "$SKIFF" kill "$RL_ID" KILL
	for i in $(seq 50); do
		[ "$(as_user "$SKIFF" state "$RL_ID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	as_user "$SKIFF" delete "$RL_ID"
	[ ! -e "$RL_DIR/run/skiff/$RL_ID" ]
}

@test "rootless: the user's /etc/subuid range through newuidmap and newgidmap" {
	command -v newuidmap >/dev/null || skip "newuidmap not installed (package uidmap)"
	update_config --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUBID" '
		.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1},
			{"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1},
			{"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}'
	set_args sh -c 'id; cat /proc/self/setgroups; sleep 100'
	as_user "$SKIFF" run -d --pid-file "$RL_DIR/pid" "$RL_ID" > "$RL_DIR/out"
	pid=$(cat "$RL_DIR/pid")
	# uid 1000 inside is subuid + 999 outside
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" "$((RL_SUBID + 999))"
	assert_equal "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")" "$((RL_SUBID + 999))"
	# both lines: the first alone was seen once under load
	for i in $(seq 50); do [ "$(wc -l < "$RL_DIR/out")" -ge 2 ] && break; sleep 0.1; done
	run cat "$RL_DIR/out"
	# with newgidmap, supplementary groups stay possible
	assert_line --index 0 --regexp '^uid=1000 gid=1000 groups=5'
	assert_line --index 1 allow
}

@test "rootless: a mapping outside the user's subuid range is refused by newuidmap, nothing left" {
	command -v newuidmap >/dev/null || skip "newuidmap not installed (package uidmap)"
	update_config --argjson u "$RL_UID" '
		.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1},
			{"containerID": 1, "hostID": 900000, "size": 100}]'
	set_args true
	run as_user "$SKIFF" run "$RL_ID"
	assert_failure
	assert_output --partial "newuidmap"
	assert_output --partial "not allowed"
	[ ! -e "$RL_DIR/run/skiff/$RL_ID" ]
	# no live process of the user (zombies of earlier tests wait for a slow reaper)
	for p in $(pgrep -u "$RL_UID"); do
		process_alive "$p" && fail "process $p of $RL_USER is still there"
	done
	true
}

@test "rootless: additionalGids cannot be set with only the user's own gid mapped" {
	update_config '.process.user = {"uid": 0, "gid": 0, "additionalGids": [5]}'
	set_args true
	run as_user "$SKIFF" run "$RL_ID"
	assert_failure
	assert_output "skiff: cannot set any additional groups in a rootless container"
	[ ! -e "$RL_DIR/run/skiff/$RL_ID" ]
}

@test "rootless: a non-root user cannot map ids it does not own without newuidmap" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 1}]'
	set_args true
	run as_user "$SKIFF" run "$RL_ID"
	assert_failure
	assert_output --partial "user namespace id mappings"
	[ ! -e "$RL_DIR/run/skiff/$RL_ID" ]
}

@test "rootless: --rootless says whether cgroups the user may not make are skipped, as runc" {
	set_args true
	# auto, for a non-root user, and true: run in the caller's cgroups
	for v in auto true; do
		run as_user "$SKIFF" --rootless "$v" run "$RL_ID"
		[ "$status" -eq 0 ] || fail "--rootless $v: $output"
	done
	# false: the cgroups are the runtime's to make, and it may not
	run as_user "$SKIFF" --rootless false run "$RL_ID"
	assert_failure
	assert_output --regexp 'cgroup.*(ermission denied|ead-only file system|not permitted)'
	[ ! -e "$RL_DIR/run/skiff/$RL_ID" ]
	# and even rootless, limits the user cannot have are an error
	update_config '.linux.resources = {"pids": {"limit": 10}}'
	run as_user "$SKIFF" --rootless true run "$RL_ID"
	assert_failure
	run as_user "$SKIFF" --rootless maybe list
	assert_failure
	assert_output --partial 'invalid --rootless value "maybe"'
}

@test "rootless: without \$XDG_RUNTIME_DIR the state root is a directory of the user's under \$TMPDIR" {
	mkdir -m 1777 "$RL_DIR/tmp"
	set_args sleep 100
	as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" run -d "$RL_ID"
	# made for the user alone, as runc makes its root (0700)
	assert_equal "$(stat -c '%U %a' "$RL_DIR/tmp/skiff-$RL_UID")" "$RL_USER 700"
	[ -d "$RL_DIR/tmp/skiff-$RL_UID/$RL_ID" ]
	run as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" list -q
	assert_output "$RL_ID"
	as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" delete --force "$RL_ID"
	[ ! -e "$RL_DIR/tmp/skiff-$RL_UID/$RL_ID" ]
	# --help shows the default this user gets, as runc's does
	run as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" --help
	assert_line --regexp "^   --root value +root directory .* \(default: \"$RL_DIR/tmp/skiff-$RL_UID\"\)\$"
	# without TMPDIR: /tmp
	set_args true
	run as_user_env -- "$SKIFF" run "$RL_ID"
	assert_success
	assert_equal "$(stat -c '%U %a' "/tmp/skiff-$RL_UID")" "$RL_USER 700"
}

@test "rootless: without \$XDG_RUNTIME_DIR, /run/user/UID is the user's state root when it is the user's" {
	mkdir -p /run/user
	install -d -m 700 -o "$RL_USER" -g "$RL_USER" "/run/user/$RL_UID"
	set_args sleep 100
	as_user_env -- "$SKIFF" run -d "$RL_ID"
	[ -d "/run/user/$RL_UID/skiff/$RL_ID" ]
	as_user_env -- "$SKIFF" delete --force "$RL_ID"
	[ ! -e "/run/user/$RL_UID/skiff/$RL_ID" ]
	# someone else's /run/user/UID is not taken: the temp dir is
	chown root "/run/user/$RL_UID"
	mkdir -m 1777 "$RL_DIR/tmp"
	as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" run -d "$RL_ID"
	[ -d "$RL_DIR/tmp/skiff-$RL_UID/$RL_ID" ]
	[ ! -e "/run/user/$RL_UID/skiff/$RL_ID" ]
}

@test "rootless: a default state root made by someone else is refused, and errors say which root and why" {
	mkdir -m 1777 "$RL_DIR/tmp"
	# another user made it first: it would read and change our state
	mkdir -m 777 "$RL_DIR/tmp/skiff-$RL_UID"
	set_args true
	run as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" run "$RL_ID"
	assert_failure
	assert_output "skiff: default state root $RL_DIR/tmp/skiff-$RL_UID (for euid $RL_UID without \$XDG_RUNTIME_DIR and without a /run/user/$RL_UID of its own): it is not a directory of euid $RL_UID that only it may write; set --root or \$XDG_RUNTIME_DIR"
	[ -z "$(ls "$RL_DIR/tmp/skiff-$RL_UID")" ]
	# commands that keep no state do not care
	run as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" spec --help
	assert_success
	run as_user_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" run --help
	assert_success
	# a root that cannot be made: the error names it and why it is the default
	run as_user_env XDG_RUNTIME_DIR=/proc -- "$SKIFF" run "$RL_ID"
	assert_failure
	assert_output --regexp "^skiff: create state root /proc/skiff: .* \(the default state root, from \\\$XDG_RUNTIME_DIR, for euid $RL_UID; set --root to choose another\)$"
	# the same root named by --root: no such note
	run as_user_env XDG_RUNTIME_DIR=/proc -- "$SKIFF" --root /proc/skiff run "$RL_ID"
	assert_failure
	refute_output --partial "default state root"
}

@test "rootless: euid 0 in a user namespace uses \$XDG_RUNTIME_DIR/skiff unless \$USER is root, as runc (rootless podman)" {
	set_args sleep 100
	as_user "$SKIFF" run -d "$RL_ID"
	# the way podman runs the runtime: root in the user's own user
	# namespace, XDG_RUNTIME_DIR set, no --root
	run as_user_env XDG_RUNTIME_DIR="$RL_DIR/run" USER="$RL_USER" -- unshare --user --map-root-user "$SKIFF" list -q
	assert_success
	assert_output "$RL_ID"
	run as_user_env XDG_RUNTIME_DIR="$RL_DIR/run" -- unshare --user --map-root-user "$SKIFF" state "$RL_ID"
	assert_success
	# $USER root: /run/skiff, as for the real root
	run as_user_env XDG_RUNTIME_DIR="$RL_DIR/run" USER=root -- unshare --user --map-root-user "$SKIFF" state "$RL_ID"
	assert_failure
	assert_output "skiff: open container $RL_ID in state root /run/skiff: permission denied (the default state root, for euid 0 in a user namespace with \$USER root; set --root to choose another)"
}
