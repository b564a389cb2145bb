#!/usr/bin/env bats
# Hardening: each test tries an attack and checks that it fails.  CVEs of
# runc are the catalogue: the runtime binary through /proc/<pid>/exe
# (CVE-2019-5736), leaked fds and a cwd through them (CVE-2024-21626),
# mounts through symlinks (CVE-2021-30465), /proc hidden from LSM writes
# (CVE-2019-16884), leaked inheritable capabilities (CVE-2022-29162), and
# more plainly: masked and read-only kernel knobs, setuid programs under
# no_new_privs, a runtime killed half-way.

load helpers

setup_file() {
	make_bundle_template
}

setup() {
	setup_bundle_copy
	HOST_PATHS=()
	KILL_PIDS=()
	KNOB_FILES=()
	KNOB_READ=()
	KNOB_WRITE=()
	BINARY_COPY=
}

teardown() {
	local p i
	for p in "${KILL_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	teardown_containers
	for p in "${HOST_PATHS[@]}"; do
		rm -rf "$p"
	done
	# An attack that worked leaves its mark on the host: undo it, whatever
	# the test's outcome, so that no later test (or the host) inherits it.
	for i in "${!KNOB_FILES[@]}"; do
		[ "$(cat "${KNOB_FILES[i]}" 2>/dev/null)" = "${KNOB_READ[i]}" ] ||
			printf '%s\n' "${KNOB_WRITE[i]}" > "${KNOB_FILES[i]}"
	done
	if [ -n "$BINARY_COPY" ] && ! cmp -s "$BINARY_COPY" "$(readlink -f "$SKIFF")"; then
		cat "$BINARY_COPY" > "$(readlink -f "$SKIFF")"
	fi
	return 0
}

# Keep the host's value of kernel knob $1 for teardown to write back if the
# test changed it: $2 as the file reads, $3 as it is written (the same when
# not given; /sys/kernel/mm/transparent_hugepage/enabled reads "a [b] c"
# and takes "b").
save_knob() {
	[ -e "$1" ] || return 0
	KNOB_FILES+=("$1")
	KNOB_READ+=("$2")
	KNOB_WRITE+=("${3:-$2}")
}

# The pid of container $1's init, from its state.
init_pid() {
	skiff state "$1" | jq .pid
}

@test "CVE-2019-5736: the init's /proc/<pid>/exe (still skiff) is out of reach of a container sharing its pid namespace" {
	sum=$(sha256sum < "$(readlink -f "$SKIFF")")
	BINARY_COPY=$BATS_TEST_TMPDIR/skiff.orig
	cp "$(readlink -f "$SKIFF")" "$BINARY_COPY"
	set_args sleep 100
	skiff create victim
	victim=$(init_pid victim)
	# same uid, same capabilities as the waiting init: only its being
	# non-dumpable keeps the attacker out
	attacker_bundle=$BATS_TEST_TMPDIR/attacker
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$attacker_bundle" sh -c '
		readlink /proc/1/exe || echo readlink-denied
		cat /proc/1/exe > /dev/null 2>&1 && echo read-open-worked || echo read-denied
		(echo x >> /proc/1/exe) 2>/dev/null && echo write-worked || echo write-denied
		readlink /proc/1/fd/0 || echo fd-denied
		readlink /proc/1/cwd || echo cwd-denied'
	(cd "$attacker_bundle" && jq --arg ns "/proc/$victim/ns/pid" \
		'.linux.namespaces |= map(if .type == "pid" then .path = $ns else . end)' config.json > c &&
		mv c config.json)
	run skiff run --bundle "$attacker_bundle" attacker
	assert_success
	assert_line readlink-denied
	assert_line read-denied
	assert_line write-denied
	refute_line read-open-worked
	refute_line write-worked
	# nor what its fds or its cwd lead to
	assert_line fd-denied
	assert_line cwd-denied
	assert_equal "$(sha256sum < "$(readlink -f "$SKIFF")")" "$sum"
	# the victim is unharmed, and once it runs its own program the exe is that
	skiff start victim
	wait_for_status victim running
	for i in $(seq 50); do
		[ "$(readlink "/proc/$victim/exe")" != "$(readlink -f "$SKIFF")" ] && break
		sleep 0.1
	done
	assert_equal "$(readlink "/proc/$victim/exe")" /bin/busybox
}

@test "CVE-2024-21626: no fd of the caller or the runtime reaches the container" {
	set_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	run bash -c "exec 5</etc/passwd 6</ 7<'$BATS_TEST_TMPDIR' 9>>'$BATS_TEST_TMPDIR/log'
		'$SKIFF' --root '$ROOT' run ctr < /dev/null"
	assert_success
	# stdio, and the fd ls has open on /proc/self/fd
	assert_output "0 1 2 3 "
}

@test "CVE-2024-21626: the waiting init holds no fd of a directory, only stdio, the exec fifos and the stub's memfd" {
	set_args true
	exec 6</
	skiff create ctr
	exec 6<&-
	pid=$(init_pid ctr)
	for fd in /proc/$pid/fd/*; do
		n=${fd##*/}
		target=$(readlink "$fd")
		[ "$n" -le 2 ] && continue
		# exec.fifo (start's go), exec.reply (its answer) and the
		# program's argv for the exec stub, all close-on-exec
		case $target in
		"$ROOT/ctr/exec.fifo" | "$ROOT/ctr/exec.reply" | "/memfd:skiff-args (deleted)") ;;
		*) fail "the init holds fd $n: $target" ;;
		esac
		flags=$(awk '/^flags:/ {print $2}' "/proc/$pid/fdinfo/$n")
		(( 0$flags & 02000000 )) || fail "fd $n ($target) is not close-on-exec: flags $flags"
		[ ! -d "$fd" ] || fail "fd $n is a directory"
	done
}

@test "CVE-2024-21626: exec's process holds no fd of the caller's even before its first execve" {
	need_helpers seccomp-agent
	# close-on-exec alone would hide a leak from any look after execve: an
	# agent holds the process at its first execve (execveat: from a memfd),
	# and we look from outside while it waits
	local secret=$BATS_TEST_TMPDIR/caller-secret sock=$BATS_TEST_TMPDIR/agent.sock
	local release=$BATS_TEST_TMPDIR/release out=$BATS_TEST_TMPDIR/agent.out
	echo caller-secret > "$secret"
	"$HELPERS/seccomp-agent" "$sock" "$BATS_TEST_TMPDIR/agent-state.json" "hold:$release" \
		</dev/null >"$out" 2>&1 3>&- &
	KILL_PIDS+=("$!")
	wait_for_path "$sock"
	update_config --arg p "$sock" '.root.readonly = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"listenerPath": $p, "syscalls": [{"names": ["execve", "execveat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args sleep 100
	# created, not started: the init is not at its execve, only exec's process
	skiff create ctr
	run_detached bash -c "exec 7<'$secret'; exec '$SKIFF' --root '$ROOT' exec -d \
		--pid-file '$BATS_TEST_TMPDIR/pid' ctr sh -c 'echo ran > /tmp/ran'"
	assert_success
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	for _ in $(seq 100); do
		grep -Eq "^execve(at)? $pid\$" "$out" && break
		sleep 0.05
	done
	grep -Eq "^execve(at)? $pid\$" "$out" || fail "the agent holds no execve of $pid: $(cat "$out")"
	# held before its program: it has not run
	[ ! -e rootfs/tmp/ran ]
	ls -l "/proc/$pid/fd"
	[ -e "/proc/$pid/fd/0" ] && [ -e "/proc/$pid/fd/2" ]
	for fd in "/proc/$pid/fd/"*; do
		[ "$(readlink "$fd")" != "$secret" ] || fail "fd ${fd##*/} of the caller reached the process: $secret"
		# nor one of the runtime's: a directory would be a way out
		[ ! -d "$fd" ] || fail "fd ${fd##*/} is a directory: $(readlink "$fd")"
	done
	touch "$release"
	wait_for_path rootfs/tmp/ran
}

@test "CVE-2024-21626: a cwd through a leaked fd cannot reach the host" {
	update_config '.process.cwd = "/proc/self/fd/5"'
	set_args sh -c 'pwd; ls'
	# a leaked fd is gone before the cwd is looked up
	run bash -c "exec 5</; '$SKIFF' --root '$ROOT' run ctr < /dev/null"
	assert_equal "$status" 1
	assert_output --partial '/proc/self/fd/5'
	refute_output --partial "bin"
	[ ! -e "$ROOT/ctr" ]
	# an fd passed on purpose stays, but a cwd may not go through it
	update_config '.process.cwd = "/proc/self/fd/3"'
	run bash -c "exec 3</; '$SKIFF' --root '$ROOT' run --preserve-fds 1 ctr < /dev/null"
	assert_equal "$status" 1
	assert_output 'skiff: cwd "/proc/self/fd/3" is outside the container (magic links are not followed)'
	[ ! -e "$ROOT/ctr" ]
}

@test "CVE-2021-30465: a mount destination through a symlink pointing outside stays in the rootfs" {
	hostdir=/tmp/skiff-escape-$$-$BATS_TEST_NUMBER
	HOST_PATHS+=("$hostdir")
	rm -rf "$hostdir"
	ln -s "$hostdir" rootfs/escape
	ln -s ../../../../../../../../.."$hostdir"-rel rootfs/escape-rel
	HOST_PATHS+=("$hostdir-rel")
	update_config '.mounts += [{"destination": "/escape/sub", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/escape-rel/sub", "type": "tmpfs", "source": "tmpfs"}]'
	set_args sh -c 'grep -c " '"$hostdir"'/sub tmpfs" /proc/mounts'
	run skiff run ctr
	assert_success
	assert_output 1
	# nothing was made on the host; the directories were made in the rootfs
	[ ! -e "$hostdir" ]
	[ ! -e "$hostdir-rel" ]
	[ -d "rootfs$hostdir/sub" ]
	[ -d "rootfs$hostdir-rel/sub" ]
}

@test "maskedPaths and readonlyPaths through symlinks stay in the rootfs" {
	echo host-secret > "$BATS_TEST_TMPDIR/outside"
	HOST_PATHS+=("$BATS_TEST_TMPDIR/outside")
	echo inside-secret > rootfs/etc/secret
	ln -s "../../../../../..$BATS_TEST_TMPDIR/outside" rootfs/etc/mask-me
	update_config '.linux.maskedPaths += ["/etc/mask-me", "/proc/self/root/etc/secret"]
		| .linux.readonlyPaths += ["/proc/self/cwd"]'
	set_args sh -c 'cat /etc/secret; echo "<$(cat /etc/mask-me 2>&1)>"'
	run skiff run ctr
	# a magic link in a masked path is not followed: that is an error
	assert_failure
	assert_output --partial "/proc/self/root/etc/secret"
	[ ! -e "$ROOT/ctr" ]
	update_config '.linux.maskedPaths -= ["/proc/self/root/etc/secret"] | .linux.readonlyPaths -= ["/proc/self/cwd"]'
	run skiff run ctr
	assert_success
	# the symlink resolved inside the rootfs, where nothing exists to mask
	assert_line --index 0 inside-secret
	assert_line --index 1 --partial "No such file"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/outside")" host-secret
}

@test "CVE-2019-16884: /proc must be a real directory and hold nothing but a procfs" {
	set_args true
	# a rootfs whose /proc is a symlink elsewhere
	rmdir rootfs/proc
	mkdir rootfs/fakeproc
	ln -s fakeproc rootfs/proc
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial 'filesystem "proc" must be mounted on ordinary directory'
	[ ! -e "$ROOT/ctr" ]
	rm rootfs/proc
	mkdir rootfs/proc
	# a volume over a part of /proc, or over /proc itself
	mkdir -p "$BATS_TEST_TMPDIR/vol"
	update_config --arg v "$BATS_TEST_TMPDIR/vol" '.mounts += [{"destination": "/proc/self/attr", "type": "bind", "source": $v, "options": ["rbind"]}]'
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "cannot be mounted because it is inside /proc"
	update_config --arg v "$BATS_TEST_TMPDIR/vol" '.mounts[-1].destination = "/proc"'
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "cannot be mounted because it is not of type proc"
	# also when the destination reaches /proc through a symlink
	ln -s /proc rootfs/innocent
	update_config '.mounts[-1].destination = "/innocent/sys"'
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial "cannot be mounted because it is inside /proc"
	[ ! -e "$ROOT/ctr" ]
	# what lxcfs replaces is allowed
	echo "fake cpuinfo" > "$BATS_TEST_TMPDIR/cpuinfo"
	update_config --arg f "$BATS_TEST_TMPDIR/cpuinfo" '.mounts[-1] = {"destination": "/proc/cpuinfo", "type": "bind", "source": $f, "options": ["bind"]}'
	set_args cat /proc/cpuinfo
	run skiff run ctr
	assert_success
	assert_output "fake cpuinfo"
}

@test "AppArmor and SELinux labels on a host without them are clear errors of create" {
	[ ! -e /sys/kernel/security/apparmor ] || skip "this host runs AppArmor"
	[ ! -e /sys/fs/selinux/enforce ] || skip "this host runs SELinux"
	set_args true
	update_config '.process.apparmorProfile = "skiff-default"'
	run skiff create ctr
	assert_equal "$status" 1
	assert_output 'skiff: config.json: .process.apparmorProfile: AppArmor profile "skiff-default" requested, but AppArmor is not enabled on this host'
	[ ! -e "$ROOT/ctr" ]
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run skiff create ctr
	assert_equal "$status" 1
	assert_output --partial "SELinux is not enabled on this host"
	update_config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	run skiff create ctr
	assert_equal "$status" 1
	assert_output --partial ".linux.mountLabel: SELinux mount label"
	[ ! -e "$ROOT/ctr" ]
}

@test "masked and read-only kernel knobs cannot be read or written from the container" {
	host_core=$(cat /proc/sys/kernel/core_pattern)
	host_thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)
	save_knob /proc/sys/kernel/core_pattern "$host_core"
	thp_set=${host_thp#*[}
	save_knob /sys/kernel/mm/transparent_hugepage/enabled "$host_thp" "${thp_set%%]*}"
	set_args sh -c '
		(echo x > /proc/sys/kernel/core_pattern) 2>/dev/null && echo core-written || echo core-refused
		(echo never > /sys/kernel/mm/transparent_hugepage/enabled) 2>/dev/null && echo sys-written || echo sys-refused
		(echo h > /proc/sysrq-trigger) 2>/dev/null && echo sysrq-written || echo sysrq-refused
		echo "timer_list $(wc -c < /proc/timer_list)"
		echo "keys $(wc -c < /proc/keys)"
		echo "firmware $(ls -A /sys/firmware | wc -l)"
		echo "acpi $(ls -A /proc/acpi | wc -l)"'
	run skiff run ctr
	assert_success
	assert_line core-refused
	assert_line sys-refused
	assert_line sysrq-refused
	assert_line "timer_list 0"
	assert_line "keys 0"
	assert_line "firmware 0"
	assert_line "acpi 0"
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$host_core"
	assert_equal "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)" "$host_thp"
}

@test "noNewPrivileges: a setuid-root program does not raise a non-root user" {
	need_helpers show-ids
	cp "$HELPERS/show-ids" rootfs/bin/show-ids
	chown 0:0 rootfs/bin/show-ids
	chmod 4755 rootfs/bin/show-ids
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities.bounding += ["CAP_SETUID", "CAP_SETGID"]'
	set_args /bin/show-ids
	update_config '.process.noNewPrivileges = true'
	run skiff run ctr
	assert_success
	assert_output "1000 1000"
	# the same program without no_new_privs does become root: the attack is real
	update_config '.process.noNewPrivileges = false'
	run skiff run ctr
	assert_success
	assert_output "1000 0"
}

@test "nosuid, nodev, noexec on a plain bind mount hold: no setuid, no device, no program through it" {
	need_helpers show-ids
	# a host directory with a setuid-root program, busybox and a device node
	src=$BATS_TEST_TMPDIR/bindsrc
	mkdir -m 755 "$src"
	cp "$HELPERS/show-ids" "$src/show-ids"
	chown 0:0 "$src/show-ids"
	chmod 4755 "$src/show-ids"
	cp rootfs/bin/busybox "$src/busybox"
	mknod -m 666 "$src/null" c 1 3
	# bound three times, each with one option, for a user the setuid
	# program would make root
	update_config --arg s "$src" '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false
		| .mounts += [{destination: "/s", type: "bind", source: $s, options: ["bind", "nosuid"]},
			{destination: "/x", type: "bind", source: $s, options: ["bind", "noexec"]},
			{destination: "/d", type: "bind", source: $s, options: ["bind", "nodev"]}]'
	set_args sh -c 'for d in s x d; do grep " /$d " /proc/self/mounts | cut -d" " -f4; done
		/s/show-ids
		/x/busybox true 2>/dev/null && echo exec-ran || echo exec-refused
		(exec 3</d/null) 2>/dev/null && echo dev-opened || echo dev-refused'
	run skiff run ctr
	assert_success
	[[ ",${lines[0]}," == *,nosuid,* ]] || fail "/s: ${lines[0]}"
	[[ ",${lines[1]}," == *,noexec,* ]] || fail "/x: ${lines[1]}"
	[[ ",${lines[2]}," == *,nodev,* ]] || fail "/d: ${lines[2]}"
	assert_line --index 3 "1000 1000"
	assert_line --index 4 exec-refused
	assert_line --index 5 dev-refused
	# the same binds without the options: each attack works
	update_config '.mounts[-3:] |= map(.options = ["bind"])'
	run skiff run ctr
	assert_success
	assert_line --index 3 "1000 0"
	assert_line --index 4 exec-ran
	assert_line --index 5 dev-opened
}

@test "CVE-2022-29162: the caller's inheritable capabilities do not reach the container" {
	command -v setcap >/dev/null || skip "setcap is not installed (package libcap2-bin)"
	# busybox with CAP_CHOWN as inheritable and effective file capabilities
	mkdir -p rootfs/opt/inh
	cp rootfs/bin/busybox rootfs/opt/inh/chown
	setcap cap_chown+ei rootfs/opt/inh/chown
	chmod 1777 rootfs/tmp
	# file capabilities count only without no_new_privs
	update_config '.root.readonly = false | .process.user = {"uid": 1000, "gid": 1000}
		| .process.noNewPrivileges = false
		| .process.capabilities = {"bounding": ["CAP_CHOWN"], "permitted": [], "effective": [], "inheritable": [], "ambient": []}'
	set_args sh -c 'grep -E "^Cap(Inh|Amb):" /proc/self/status; touch /tmp/f; /opt/inh/chown 0:0 /tmp/f && echo chowned || echo refused'
	run setpriv --inh-caps +chown --ambient-caps +chown -- "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_line --regexp '^CapInh:\s+0+$'
	assert_line --regexp '^CapAmb:\s+0+$'
	assert_line refused
	[ "$(stat -c %u rootfs/tmp/f)" = 1000 ]
	rm -f rootfs/tmp/f
	# asked for in the config, the inheritable capability works through the file's
	update_config '.process.capabilities.inheritable = ["CAP_CHOWN"]'
	run skiff run ctr
	assert_success
	assert_line chowned
	[ "$(stat -c %u rootfs/tmp/f)" = 0 ]
}

@test "no capabilities object: the process has none, whatever the caller had" {
	update_config 'del(.process.capabilities)'
	set_args grep ^Cap /proc/self/status
	run setpriv --inh-caps +kill -- "$SKIFF" --root "$ROOT" run ctr
	assert_success
	for set in Inh Prm Eff Bnd Amb; do
		assert_line --regexp "^Cap$set:\\s+0+$"
	done
}

@test "a runtime killed in the middle of create leaves no skiff process behind" {
	update_config --arg out "$BATS_TEST_TMPDIR/hook-ran" '.hooks = {createRuntime: [{"path": "/bin/sh",
		"args": ["sh", "-c", ("touch " + $out + "; exec sleep 30")]}]}'
	set_args true
	"$SKIFF" --root "$ROOT" create ctr &
	create=$!
	KILL_PIDS+=("$create")
	wait_for_path "$BATS_TEST_TMPDIR/hook-ran"
	pid=$(jq .pid "$ROOT/ctr/state.json")
	[ "$pid" -gt 0 ]
	process_alive "$pid"
	hook=$(pgrep -f "^sleep 30" -P "$create" || true)
	[ -n "$hook" ] && KILL_PIDS+=("$hook")
	kill -9 "$create"
	wait "$create" || true
	# the init followed its runtime (PR_SET_PDEATHSIG)
	for i in $(seq 50); do process_alive "$pid" || break; sleep 0.1; done
	run process_alive "$pid"
	assert_failure
	# and no process runs the skiff binary any more
	skiff_bin=$(readlink -f "$SKIFF")
	for exe in /proc/[0-9]*/exe; do
		[ "$(readlink "$exe" 2>/dev/null)" = "$skiff_bin" ] || continue
		p=${exe#/proc/}; p=${p%/exe}
		grep -q -- "--root $ROOT\b" "/proc/$p/cmdline" 2>/dev/null && fail "skiff process $p is still there"
		tr '\0' ' ' < "/proc/$p/cmdline" | grep -qF "$ROOT" && fail "skiff process $p is still there"
	done
	# what is left is a stopped record, which delete removes
	assert_equal "$(container_status ctr)" stopped
	skiff delete ctr
	[ ! -e "$ROOT/ctr" ]
}
