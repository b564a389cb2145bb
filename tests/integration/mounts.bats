#!/usr/bin/env bats
# The container's filesystem: mounts[], root.readonly, maskedPaths,
# readonlyPaths, /dev and its devices, --no-pivot.

load helpers

setup() {
	setup_bundle
	HOST_MOUNTS=()
	HOST_PATHS=()
}

teardown() {
	teardown_containers
	local m
	for m in "${HOST_MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null
	done
	for m in "${HOST_PATHS[@]}"; do
		rm -rf "$m"
	done
	return 0
}

# Append a mount: add_mount DEST TYPE SOURCE [OPTION...]
add_mount() {
	local dest=$1 type=$2 source=$3 opts
	shift 3
	opts=$(printf '%s\n' "$@" | jq -R 'select(. != "")' | jq -cs .)
	update_config --arg d "$dest" --arg t "$type" --arg s "$source" --argjson o "$opts" \
		'.mounts += [{destination: $d, type: $t, source: $s, options: $o}]'
}

# A tmpfs mounted on the host (unmounted by teardown).
host_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs tmpfs "$1"
	HOST_MOUNTS+=("$1")
}

# Lines of the host's mountinfo that mention this test's directory.
host_mounts_of_test() {
	grep -F "$BATS_TEST_TMPDIR" /proc/self/mountinfo || true
}

@test "bind mount of a host directory, read-write" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	echo from-host > "$BATS_TEST_TMPDIR/hostdir/file"
	add_mount /data bind "$BATS_TEST_TMPDIR/hostdir" rbind
	set_args sh -c 'cat /data/file; echo from-container > /data/new'
	run skiff run ctr
	assert_success
	assert_output from-host
	run cat "$BATS_TEST_TMPDIR/hostdir/new"
	assert_output from-container
	# the destination was made inside the rootfs, and nothing stays mounted
	[ -d rootfs/data ]
	[ -z "$(host_mounts_of_test)" ]
}

@test "bind mount of a single file; a relative source is relative to the bundle" {
	echo injected-content > "$BUNDLE/hostfile"
	add_mount /etc/injected bind hostfile bind ro
	set_args sh -c 'cat /etc/injected; [ -f /etc/injected ] && echo is-file'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'injected-content\nis-file')"
	[ -f rootfs/etc/injected ]
}

@test "a bind mount over an existing file shows the source" {
	echo replaced > "$BUNDLE/hostname-src"
	echo original > rootfs/etc/hostname
	add_mount /etc/hostname bind "$BUNDLE/hostname-src" rbind
	set_args cat /etc/hostname
	run skiff run ctr
	assert_success
	assert_output replaced
	run cat rootfs/etc/hostname
	assert_output original
}

@test "a read-only bind mount refuses writes" {
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	echo keep > "$BATS_TEST_TMPDIR/hostdir/file"
	add_mount /data bind "$BATS_TEST_TMPDIR/hostdir" rbind ro
	set_args sh -c 'cat /data/file; echo x > /data/file && echo wrote; touch /data/new && echo made; grep " /data " /proc/self/mounts'
	run skiff run ctr
	assert_output --partial keep
	refute_output --partial wrote
	refute_output --partial made
	assert_output --partial "Read-only file system"
	assert_line --regexp ' /data [a-z0-9]+ ro[ ,]'
	run cat "$BATS_TEST_TMPDIR/hostdir/file"
	assert_output keep
}

@test "rbind carries submounts; bind does not" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	echo in-submount > "$BATS_TEST_TMPDIR/src/sub/file"
	add_mount /r bind "$BATS_TEST_TMPDIR/src" rbind
	add_mount /b bind "$BATS_TEST_TMPDIR/src" bind
	set_args sh -c 'cat /r/sub/file; ls -A /b/sub | wc -l'
	run skiff run ctr
	assert_success
	assert_line --index 0 in-submount
	assert_line --index 1 0
}

@test "rro makes submounts read-only too; ro only the top mount" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	add_mount /ro bind "$BATS_TEST_TMPDIR/src" rbind ro
	add_mount /rro bind "$BATS_TEST_TMPDIR/src" rbind rro
	set_args sh -c '
		touch /ro/top 2>/dev/null && echo ro-top-written
		touch /ro/sub/f && echo ro-sub-written
		touch /rro/top 2>/dev/null && echo rro-top-written
		touch /rro/sub/g 2>/dev/null && echo rro-sub-written
		true'
	run skiff run ctr
	assert_success
	assert_output ro-sub-written
	[ -e "$BATS_TEST_TMPDIR/src/sub/f" ]
	[ ! -e "$BATS_TEST_TMPDIR/src/sub/g" ]
	[ ! -e "$BATS_TEST_TMPDIR/src/top" ]
}

@test "recursive attributes: rnosuid, rnodev, rnoexec reach submounts" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	add_mount /m bind "$BATS_TEST_TMPDIR/src" rbind rnosuid rnodev rnoexec
	set_args sh -c 'grep " /m/sub " /proc/self/mounts'
	run skiff run ctr
	assert_success
	[[ "$output" == *nosuid* && "$output" == *nodev* && "$output" == *noexec* ]]
}

@test "nosymfollow: symlinks in the mount are not followed" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo target-content > "$BATS_TEST_TMPDIR/src/target"
	ln -s target "$BATS_TEST_TMPDIR/src/link"
	add_mount /follow bind "$BATS_TEST_TMPDIR/src" bind
	add_mount /nofollow bind "$BATS_TEST_TMPDIR/src" bind nosymfollow
	add_mount /rnofollow bind "$BATS_TEST_TMPDIR/src" rbind rnosymfollow
	set_args sh -c 'cat /follow/link; cat /nofollow/link || echo refused; cat /rnofollow/link || echo refused-r; readlink /nofollow/link'
	run skiff run ctr
	assert_success
	assert_line --index 0 target-content
	assert_line refused
	assert_line refused-r
	# the link itself can still be read
	assert_line target
}

@test "tmpfs with size and mode options" {
	add_mount /scratch tmpfs tmpfs size=1m mode=700 nosuid noexec
	set_args sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '^tmpfs /scratch tmpfs rw,nosuid,[a-z,]*noexec[a-z,]*,size=1024k,mode=700'
	assert_line --index 1 700
}

@test "propagation options are applied: rprivate, rshared, rslave" {
	# a shared source, so that the copies have a peer group to follow
	host_tmpfs "$BATS_TEST_TMPDIR/src"
	mount --make-shared "$BATS_TEST_TMPDIR/src"
	add_mount /private bind "$BATS_TEST_TMPDIR/src" rbind rprivate
	add_mount /shared bind "$BATS_TEST_TMPDIR/src" rbind rshared
	add_mount /slave bind "$BATS_TEST_TMPDIR/src" rbind rslave
	set_args cat /proc/self/mountinfo
	run skiff run ctr
	assert_success
	mountinfo=$output
	# mountinfo's optional fields (7th on) say shared:N or master:N
	optional() {
		awk -v d="$1" '$5 == d { for (i = 7; $i != "-"; i++) printf "%s ", $i; print "end" }' <<< "$mountinfo"
	}
	run optional /private
	assert_output end
	run optional /shared
	assert_output --regexp '(^| )shared:[0-9]+ '
	run optional /slave
	assert_output --regexp '^master:[0-9]+ end$'
}

@test "propagation: a host mount reaches an rslave mount, not an rprivate one" {
	host_tmpfs "$BATS_TEST_TMPDIR/src"
	mount --make-shared "$BATS_TEST_TMPDIR/src"
	mkdir "$BATS_TEST_TMPDIR/src/sub"
	add_mount /slave bind "$BATS_TEST_TMPDIR/src" rbind rslave
	add_mount /private bind "$BATS_TEST_TMPDIR/src" rbind rprivate
	set_args sh -c 'for i in $(seq 100); do [ -e /slave/sub/file ] && break; sleep 0.1; done
		cat /slave/sub/file; [ -e /private/sub/file ] || echo private-unchanged'
	skiff run -d ctr > "$BATS_TEST_TMPDIR/out" 2>&1
	host_tmpfs "$BATS_TEST_TMPDIR/src/sub"
	echo propagated > "$BATS_TEST_TMPDIR/src/sub/file"
	for i in $(seq 100); do
		[ "$(container_status ctr)" = stopped ] && break
		sleep 0.1
	done
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "$(printf 'propagated\nprivate-unchanged')"
}

@test "linux.rootfsPropagation is accepted" {
	for prop in private rprivate slave rslave shared rshared; do
		update_config --arg p "$prop" '.linux.rootfsPropagation = $p'
		set_args true
		run skiff run ctr
		[ "$status" -eq 0 ] || fail "rootfsPropagation $prop: $output"
	done
	update_config '.linux.rootfsPropagation = "sideways"'
	run skiff run ctr
	assert_failure
	assert_output --partial sideways
}

@test "a destination through an absolute symlink pointing outside lands inside the rootfs" {
	hostdir=/tmp/skiff-hostdir-$$-$BATS_TEST_NUMBER
	HOST_PATHS+=("$hostdir")
	rm -rf "$hostdir"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo payload > "$BATS_TEST_TMPDIR/src/file"
	ln -s "$hostdir" rootfs/escape
	add_mount /escape/sub bind "$BATS_TEST_TMPDIR/src" rbind
	set_args sh -c 'cat /escape/sub/file'
	run skiff run ctr
	assert_success
	assert_output payload
	# nothing on the host path; the directory was made inside the rootfs
	[ ! -e "$hostdir" ]
	[ -d "rootfs$hostdir/sub" ]
}

@test "a destination through a relative symlink climbing out lands inside the rootfs" {
	hostdir=/tmp/skiff-rel-$$-$BATS_TEST_NUMBER
	HOST_PATHS+=("$hostdir")
	rm -rf "$hostdir"
	mkdir -p "$hostdir" rootfs"$hostdir"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo payload > "$BATS_TEST_TMPDIR/src/file"
	ln -s "../../../../../../../..$hostdir" rootfs/escape
	add_mount /escape/sub bind "$BATS_TEST_TMPDIR/src" rbind
	set_args cat /escape/sub/file
	run skiff run ctr
	assert_success
	assert_output payload
	# the host's directory stays empty
	run ls -A "$hostdir"
	assert_output ""
	[ -d "rootfs$hostdir/sub" ]
	[ -z "$(host_mounts_of_test)" ]
}

@test "a file destination through a symlink pointing outside lands inside the rootfs" {
	hostfile=/tmp/skiff-hostfile-$$-$BATS_TEST_NUMBER
	HOST_PATHS+=("$hostfile")
	rm -f "$hostfile"
	echo payload > "$BUNDLE/src-file"
	ln -s "$hostfile" rootfs/etc/evil
	add_mount /etc/evil bind src-file bind
	set_args cat /etc/evil
	run skiff run ctr
	assert_success
	assert_output payload
	[ ! -e "$hostfile" ]
}

@test "a destination that does not exist is created, with its parents" {
	[ ! -e rootfs/a ]
	add_mount /a/b/c tmpfs tmpfs
	set_args sh -c 'grep " /a/b/c " /proc/mounts | cut -d" " -f3'
	run skiff run ctr
	assert_success
	assert_output tmpfs
	[ -d rootfs/a/b/c ]
}

@test "a bind source that does not exist is a clear error and leaves nothing" {
	add_mount /data bind "$BATS_TEST_TMPDIR/no-such-source" rbind
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "$BATS_TEST_TMPDIR/no-such-source"
	assert_output --partial "no such file or directory"
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$ROOT/ctr" ]
	[ -z "$(host_mounts_of_test)" ]
	run pgrep -f "$BUNDLE"
	assert_failure
}

@test "a mount on / is refused, by check too: it would hide the rootfs" {
	# skiff mounted it over the whole rootfs and ran the container on it
	# (the rootfs hidden beneath); runc 1.1.5 fails in its init, which
	# then finds no /proc ("error closing exec fds: open /proc/self/fd: no
	# such file or directory"); crun refuses the destination.
	set_args true
	local dest n
	for dest in / /tmp/.. //./; do
		update_config 'del(.mounts[] | select(.type == "tmpfs" and .source == "root-cover"))'
		add_mount "$dest" tmpfs root-cover
		n=$(jq '.mounts | length - 1' config.json)
		run skiff run ctr
		assert_failure 1
		assert_output "skiff: config.json: .mounts[$n].destination: a mount on \"$dest\" would hide the root filesystem: root.path is the container's /"
		[ ! -e "$ROOT/ctr" ]
		run "$SKIFF" check
		assert_failure 1
		assert_line --partial "error: .mounts[$n].destination: a mount on \"$dest\""
	done
	[ -z "$(host_mounts_of_test)" ]
}

@test "a mount of an unknown filesystem type is a clear error and leaves nothing" {
	add_mount /x nosuchfs none
	set_args true
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial nosuchfs
	[ ! -e "$ROOT/ctr" ]
	[ -z "$(host_mounts_of_test)" ]
}

@test "root.readonly true refuses writes to the rootfs" {
	update_config '.root.readonly = true'
	set_args sh -c 'touch /x && echo wrote; grep " / " /proc/self/mounts | cut -d" " -f4'
	run skiff run ctr
	assert_output --partial "Read-only file system"
	refute_output --partial wrote
	assert_line --regexp '^ro[,$]'
	[ ! -e rootfs/x ]
	# the mounts on top stay writable
	set_args sh -c 'touch /dev/shm/x && echo shm-ok'
	run skiff run ctr
	assert_success
	assert_output shm-ok
}

@test "root.readonly false allows writes" {
	update_config '.root.readonly = false'
	set_args sh -c 'touch /x && echo wrote'
	run skiff run ctr
	assert_success
	assert_output wrote
	[ -e rootfs/x ]
}

@test "maskedPaths: a masked file reads empty, a masked directory is empty" {
	echo top-secret > rootfs/etc/secret
	mkdir -p rootfs/etc/secretdir
	echo a > rootfs/etc/secretdir/a
	update_config '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/etc/not-there"]'
	set_args sh -c 'echo "<$(cat /etc/secret)>"; ls -A /etc/secretdir | wc -l; touch /etc/secretdir/x 2>/dev/null || echo dir-ro; cat /proc/kcore 2>/dev/null | wc -c'
	run skiff run ctr
	assert_success
	assert_line --index 0 "<>"
	assert_line --index 1 0
	assert_line --index 2 dir-ro
	assert_line --index 3 0
	run cat rootfs/etc/secret
	assert_output top-secret
}

@test "readonlyPaths: writing fails" {
	update_config '.root.readonly = false'
	mkdir -p rootfs/data
	update_config '.linux.readonlyPaths += ["/data", "/etc/passwd", "/not/there"]'
	set_args sh -c 'touch /data/x || echo data-ro; echo x >> /etc/passwd || echo passwd-ro; echo 1 > /proc/sys/kernel/domainname || echo sys-ro; touch /ok && echo rest-rw'
	run skiff run ctr
	assert_success
	assert_line data-ro
	assert_line passwd-ro
	assert_line sys-ro
	assert_line rest-rw
	[ ! -e rootfs/data/x ]
}

@test "/dev has the default devices and links" {
	set_args sh -c '
		for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done
		for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
		[ -d /dev/pts ] && [ -d /dev/shm ] && [ -d /dev/mqueue ] && echo dirs-ok
		echo hi > /dev/null && head -c 4 /dev/zero | od -An -tx1'
	run skiff run ctr
	assert_success
	assert_line "/dev/null character special file 1:3"
	assert_line "/dev/zero character special file 1:5"
	assert_line "/dev/full character special file 1:7"
	assert_line "/dev/random character special file 1:8"
	assert_line "/dev/urandom character special file 1:9"
	assert_line "/dev/tty character special file 5:0"
	assert_line "fd -> /proc/self/fd"
	assert_line "stdin -> /proc/self/fd/0"
	assert_line "stdout -> /proc/self/fd/1"
	assert_line "stderr -> /proc/self/fd/2"
	assert_line "ptmx -> pts/ptmx"
	assert_line dirs-ok
	assert_line --regexp '^ *00 00 00 00$'
}

@test "/dev is a fresh tmpfs: no host device leaks in" {
	set_args sh -c 'ls /dev | sort | tr "\n" " "'
	run skiff run ctr
	assert_success
	refute_output --partial vda
	refute_output --partial kvm
	refute_output --partial mem
}

@test "linux.devices creates nodes with the given type, numbers, mode and owner" {
	update_config '.linux.devices = [
		{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 416, "uid": 1000, "gid": 1001},
		{"path": "/dev/sub/dir/myblk", "type": "b", "major": 7, "minor": 200, "fileMode": 384},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420},
		{"path": "/dev/myzero", "type": "c", "major": 1, "minor": 5}]'
	set_args sh -c 'for d in /dev/mynull /dev/sub/dir/myblk /dev/myfifo /dev/myzero; do stat -c "%n|%F|%t:%T|%a|%u:%g" $d; done; head -c 3 /dev/myzero | od -An -tx1'
	run skiff run ctr
	assert_success
	assert_line "/dev/mynull|character special file|1:3|640|1000:1001"
	assert_line "/dev/sub/dir/myblk|block special file|7:c8|600|0:0"
	assert_line --regexp '^/dev/myfifo\|fifo\|0:0\|644\|0:0$'
	# without fileMode a device is 0666 (as runc), and it works
	assert_line "/dev/myzero|character special file|1:5|666|0:0"
	assert_line --regexp '^ *00 00 00$'

}

@test "--no-pivot runs the container in its rootfs" {
	set_args sh -c 'ls /bin/busybox && [ ! -e /work ] && [ ! -e "'"$BUNDLE"'" ] && echo jailed; cat /proc/self/mountinfo | wc -l'
	run skiff run --no-pivot ctr
	assert_success
	assert_line --index 0 /bin/busybox
	assert_line --index 1 jailed
}

@test "/proc and /sys are mounted" {
	set_args sh -c 'grep -E " /(proc|sys) " /proc/self/mounts | cut -d" " -f2,3,4; cat /proc/self/comm; ls /sys/kernel >/dev/null && echo sys-ok'
	run skiff run ctr
	assert_success
	assert_line --regexp '^/proc proc rw'
	assert_line --regexp '^/sys sysfs ro,nosuid,nodev,noexec'
	assert_line cat
	assert_line sys-ok
}

@test "/sys/fs/cgroup shows the cgroup hierarchies" {
	set_args sh -c 'awk "\$5 ~ \"^/sys/fs/cgroup\" {print \$5, \$9}" /proc/self/mountinfo; ls /sys/fs/cgroup'
	run skiff run ctr
	assert_success
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		assert_line "/sys/fs/cgroup cgroup2"
	else
		assert_line "/sys/fs/cgroup tmpfs"
		# one directory per hierarchy of the host's /sys/fs/cgroup
		for h in $(awk '$5 ~ "^/sys/fs/cgroup/" && $9 == "cgroup" {sub("/sys/fs/cgroup/", "", $5); print $5}' /proc/self/mountinfo); do
			assert_line "/sys/fs/cgroup/$h cgroup"
		done
	fi
	# and they are usable: cgroup.procs lists the container's own process
	set_args sh -c 'cat /sys/fs/cgroup/cgroup.procs /sys/fs/cgroup/*/cgroup.procs 2>/dev/null | wc -l'
	run skiff run ctr
	assert_success
	[ "$output" -ge 1 ]
}

@test "mounts in the container do not propagate to the host" {
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	mkdir -p "$BATS_TEST_TMPDIR/hostdir"
	add_mount /data bind "$BATS_TEST_TMPDIR/hostdir" rbind
	set_args sh -c 'mount -t tmpfs none /data && touch /data/inside && echo mounted'
	run skiff run ctr
	assert_success
	assert_output mounted
	[ ! -e "$BATS_TEST_TMPDIR/hostdir/inside" ]
	[ -z "$(host_mounts_of_test)" ]
}
