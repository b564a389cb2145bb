#!/usr/bin/env bats
# User namespaces created by root: the init becomes root inside, /proc and
# /sys inside the namespace, devices, and host paths the container's root
# could not reach by itself.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	chown -R 100000:100000 rootfs
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

# The lines of a uid_map or gid_map for mappings "inside:outside:size"...,
# as the kernel prints them ("%10u %10u %10u").
map_lines() {
	local m
	for m in "$@"; do
		IFS=: read -r inside outside size <<<"$m"
		printf '%10u %10u %10u\n' "$inside" "$outside" "$size"
	done
}

# Drop the network namespace: sysfs then cannot be mounted afresh.
without_netns() {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
}

@test "userns: the process is root inside and 100000 outside, with the caller's groups gone" {
	set_args sh -c 'id; grep -E "^(Uid|Gid|Groups):" /proc/self/status; sleep 100'
	run setpriv --groups 4,6 -- "$SKIFF" --root "$ROOT" run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run awk '/^(Uid|Gid):/ {print $2}' "/proc/$pid/status"
	assert_output "$(printf '100000\n100000')"
	# the whole maps, from the host: the config's one range, nothing more
	assert_equal "$(cat "/proc/$pid/uid_map")" "$(map_lines 0:100000:65536)"
	assert_equal "$(cat "/proc/$pid/gid_map")" "$(map_lines 0:100000:65536)"
	# the caller's supplementary groups do not follow it in
	run awk '/^Groups:/ {print $2}' "/proc/$pid/status"
	assert_output ""
}

@test "userns: several ranges, uid and gid maps apart: the exact maps, inside and from the host" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
			{"containerID": 1000, "hostID": 300000, "size": 10}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args sh -c 'cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; exec sleep 100'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr >"$BATS_TEST_TMPDIR/out" 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	uids=$(map_lines 0:100000:1000 1000:300000:10)
	gids=$(map_lines 0:100000:65536)
	assert_equal "$(cat "/proc/$pid/uid_map")" "$uids"
	assert_equal "$(cat "/proc/$pid/gid_map")" "$gids"
	# as the container's init printed them, and as exec's process reads them
	for _ in $(seq 50); do
		[ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -ge 4 ] && break
		sleep 0.1
	done
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$(printf '%s\n--\n%s' "$uids" "$gids")"
	assert_equal "$(skiff exec ctr cat /proc/self/uid_map)" "$uids"
	assert_equal "$(skiff exec ctr cat /proc/1/gid_map)" "$gids"
}

@test "userns: /proc and a fresh sysfs inside a new network namespace" {
	set_args sh -c 'grep -E " /(proc|sys) " /proc/mounts | cut -d" " -f1-3; ls /sys/class/net'
	run skiff run ctr
	assert_success
	assert_line "proc /proc proc"
	assert_line "sysfs /sys sysfs"
	# the new network namespace's own devices: only lo
	assert_line lo
	refute_line --regexp '^eth|^ens'
}

@test "userns: without a network namespace /sys is the host's, bound recursively and read-only" {
	without_netns
	host_ifaces=$(ls /sys/class/net | tr '\n' ' ')
	set_args sh -c 'ls /sys/class/net | tr "\n" " "; echo; grep " /sys " /proc/mounts | cut -d" " -f4; touch /sys/x 2>/dev/null || echo ro'
	run skiff run ctr
	assert_success
	assert_line --index 0 "$host_ifaces"
	assert_line --index 1 --regexp '^ro,nosuid,nodev,noexec'
	assert_line --index 2 ro
}

@test "userns: device nodes are bind mounts of the host's, and usable" {
	set_args sh -c 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 && grep -c " /dev/null " /proc/mounts'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '^ *00 00 00 00$'
	assert_line --index 1 1
}

@test "userns: a bundle and a bind source under directories only the host's root can search" {
	chmod 700 "$BATS_TEST_TMPDIR"
	# readable once there, but the path leads through a 0700 directory of root
	mkdir -m 755 "$BATS_TEST_TMPDIR/private"
	echo secret-data > "$BATS_TEST_TMPDIR/private/file"
	update_config --arg s "$BATS_TEST_TMPDIR/private" \
		'.mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]'
	set_args cat /data/file
	run skiff run ctr
	assert_success
	assert_output secret-data
}

@test "userns: files made by the container's root belong to the mapped host id" {
	update_config '.root.readonly = false'
	set_args sh -c 'touch /tmp/made && mkdir /tmp/dir'
	run skiff run ctr
	assert_success
	assert_equal "$(stat -c %u:%g rootfs/tmp/made)" 100000:100000
	assert_equal "$(stat -c %u:%g rootfs/tmp/dir)" 100000:100000
}

@test "userns: a mapping without uid 0 is a clear error and leaves nothing" {
	update_config '.linux.uidMappings = [{"containerID": 1000, "hostID": 101000, "size": 10}]'
	set_args true
	run skiff run ctr
	assert_failure
	assert_output --partial "become root in the user namespace"
	assert_output --partial "linux.uidMappings"
	[ ! -e "$ROOT/ctr" ]
}

# A Kubernetes pod with hostUsers: false: the sandbox's network namespace
# exists before the container, owned by the host's user namespace.
@test "userns: network and uts namespaces given by path go with a new user namespace" {
	local net=$BATS_TEST_TMPDIR/netns uts=$BATS_TEST_TMPDIR/utsns
	touch "$net" "$uts"
	unshare --net="$net" --uts="$uts" hostname pod-host
	update_config --arg net "$net" --arg uts "$uts" \
		'.linux.namespaces |= map(select(.type != "network" and .type != "uts"))
		| .linux.namespaces += [{"type": "network", "path": $net}, {"type": "uts", "path": $uts}]
		| del(.hostname)'
	set_args sh -c 'readlink /proc/self/ns/net; hostname; id -u; sleep 100'
	skiff run -d --pid-file "$BATS_TEST_TMPDIR/pid" ctr
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	assert_equal "$(readlink "/proc/$pid/ns/net")" "net:[$(stat -L -c %i "$net")]"
	assert_equal "$(readlink "/proc/$pid/ns/uts")" "uts:[$(stat -L -c %i "$uts")]"
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 100000
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	# and the runtime went back to its own namespaces
	assert_equal "$(skiff exec ctr hostname)" pod-host
	skiff delete -f ctr
	umount "$net" "$uts"
}

@test "userns: a mount namespace given by path with a new user namespace is refused, leaving nothing" {
	update_config --arg mnt "/proc/$$/ns/mnt" '.linux.namespaces |= map(select(.type != "mount"))
		| .linux.namespaces += [{"type": "mount", "path": $mnt}]'
	set_args true
	run skiff run ctr
	assert_failure
	n=$(jq '.linux.namespaces | length - 1' config.json)
	assert_output "skiff: config.json: .linux.namespaces[$n].path: a mount namespace given by path cannot go with a new user namespace (the container could not mount in it)"
	[ ! -e "$ROOT/ctr" ]
	# skiff check says so too, with the same path
	run skiff check
	assert_failure
	assert_output --partial ".linux.namespaces[$n].path: a mount namespace given by path"
}

@test "userns: masked and read-only paths hold inside the namespace" {
	[ "$(wc -c < /proc/timer_list 2>/dev/null || echo 0)" -gt 0 ] || skip "no /proc/timer_list on this kernel"
	set_args sh -c 'wc -c < /proc/timer_list; (echo 1 > /proc/sys/kernel/domainname) 2>/dev/null || echo sys-ro; ls /proc/acpi | wc -l'
	run skiff run ctr
	assert_success
	assert_line --index 0 0
	assert_line --index 1 sys-ro
	assert_line --index 2 0
}

# A host directory with files of root and of uid 1000, and a tmpfs
# submount holding a file of root, for the idmapped mount tests.
make_idmap_source() {
	IDMAP_SRC=$BATS_TEST_TMPDIR/idmap-src
	mkdir -p "$IDMAP_SRC/sub"
	echo root-data > "$IDMAP_SRC/root-file"
	echo user-data > "$IDMAP_SRC/user-file"
	chown 1000:1000 "$IDMAP_SRC/user-file"
	mount -t tmpfs tmpfs "$IDMAP_SRC/sub"
	echo sub-data > "$IDMAP_SRC/sub/file"
}

teardown() {
	teardown_containers
	[ -n "${IDMAP_SRC:-}" ] && umount "$IDMAP_SRC/sub" 2>/dev/null
	return 0
}

# Append a bind of $IDMAP_SRC on /data with the given options (JSON array)
# and, when given, mount mappings (JSON).
add_idmap_mount() {
	update_config --arg s "$IDMAP_SRC" --argjson o "$1" --argjson m "${2:-null}" \
		'.mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": $o}
			+ (if $m then {"uidMappings": $m, "gidMappings": $m} else {} end)]'
}

@test "idmapped mount: mounts[].uidMappings/gidMappings shift the owners seen through it" {
	make_idmap_source
	# a container without a user namespace sees the shifted ids as they are
	update_config '.linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	add_idmap_mount '["rbind"]' '[{"containerID": 0, "hostID": 2000, "size": 3000}]'
	set_args sh -c 'stat -c "%n %u:%g" /data/root-file /data/user-file'
	run skiff run ctr
	assert_success
	assert_line "/data/root-file 2000:2000"
	assert_line "/data/user-file 3000:3000"
	# on the host nothing changed
	assert_equal "$(stat -c %u:%g "$IDMAP_SRC/root-file")" 0:0
}

@test "idmapped mount: \"idmap\" uses the container's mappings, so host root's files are the container root's" {
	make_idmap_source
	add_idmap_mount '["rbind", "idmap"]'
	set_args sh -c 'stat -c "%n %u:%g" /data/root-file /data/user-file; echo more >> /data/root-file && echo wrote'
	run skiff run ctr
	assert_success
	assert_line "/data/root-file 0:0"
	assert_line "/data/user-file 1000:1000"
	assert_line wrote
	# written through the mount as root inside: as root on the host
	assert_equal "$(stat -c %u:%g "$IDMAP_SRC/root-file")" 0:0
	assert_equal "$(tail -1 "$IDMAP_SRC/root-file")" more
	# without the option the same files belong to nobody inside
	update_config '.mounts[-1].options = ["rbind"]'
	set_args sh -c 'stat -c "%u" /data/root-file; echo more >> /data/root-file || echo refused'
	run skiff run ctr
	assert_line 65534
	assert_line refused
}

@test "idmapped mount: \"ridmap\" maps the submounts too, \"idmap\" only the top" {
	make_idmap_source
	add_idmap_mount '["rbind", "idmap"]'
	set_args sh -c 'stat -c "%u" /data/root-file /data/sub/file'
	run skiff run ctr
	assert_success
	assert_output "$(printf '0\n65534')"
	update_config '.mounts[-1].options = ["rbind", "ridmap"]'
	run skiff run ctr
	assert_success
	assert_output "$(printf '0\n0')"
}

@test "idmapped mount: not a bind, or no mappings to use, is an error of create and of check" {
	# Rules of the config alone (spec/validate.c), so `skiff check` says
	# them with the same path.  runc 1.1.5 knows no idmapped mounts: it
	# passes "idmap" to the tmpfs, which fails ("data: idmap: invalid
	# argument"), and binds without mappings silently.
	make_idmap_source
	update_config '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}]'
	set_args true
	local n
	n=$(jq '.mounts | length - 1' config.json)
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "config.json: .mounts[$n]: only bind mounts can be idmapped"
	[ ! -e "$ROOT/ctr" ]
	run "$SKIFF" check
	assert_equal "$status" 1
	assert_line "error: .mounts[$n]: only bind mounts can be idmapped"
	update_config 'del(.mounts[-1]) | .linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)'
	add_idmap_mount '["rbind", "idmap"]'
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "an idmapped mount needs uidMappings and gidMappings"
	[ ! -e "$ROOT/ctr" ]
	run "$SKIFF" check
	assert_equal "$status" 1
	assert_line --partial "error: .mounts[$n]: an idmapped mount needs uidMappings and gidMappings"
}
