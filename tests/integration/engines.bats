#!/usr/bin/env bats
# Real engines driving skiff in place of runc: podman (with conmon) and
# containerd (the runc v2 shim with skiff as its binary).  They run with
# private state under a temp dir, no network, and are stopped afterwards.

load helpers

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	export ENGINES=$BATS_FILE_TMPDIR/engines
	mkdir -p "$ENGINES"
	# A namespace of this run's own: containerd names cgroups /NAMESPACE/ID,
	# and the shims are found by it in teardown_file.
	export CTR_NS=skifftest-$$
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$ENGINES/bundle" true >/dev/null
	tar -C "$ENGINES/bundle/rootfs" -cf "$ENGINES/rootfs.tar" .
}

teardown_file() {
	[ -n "${ENGINES:-}" ] || return 0
	rootless_teardown
	# what a failed test left running: podman's containers (with their
	# conmon) and containerd's tasks, before the daemons go
	if [ -d "$ENGINES/podman-root" ]; then
		CONTAINERS_CONF=$ENGINES/containers.conf timeout 60 podman --root "$ENGINES/podman-root" \
			--runroot "$ENGINES/podman-run" --storage-driver vfs rm -a -f -t 0 >/dev/null 2>&1 || true
	fi
	if [ -S "$ENGINES/containerd.sock" ]; then
		local ctr=(ctr --address "$ENGINES/containerd.sock" --namespace "$CTR_NS") t
		for t in $("${ctr[@]}" task ls -q 2>/dev/null); do
			timeout 30 "${ctr[@]}" task rm -f "$t" >/dev/null 2>&1 || true
		done
		for t in $("${ctr[@]}" container ls -q 2>/dev/null); do
			timeout 30 "${ctr[@]}" container rm "$t" >/dev/null 2>&1 || true
		done
	fi
	if [ -f "$ENGINES/containerd.pid" ]; then
		kill "$(cat "$ENGINES/containerd.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	local pid
	for pid in $(pgrep -f -- "containerd-shim-runc-v2 -namespace $CTR_NS " 2>/dev/null); do
		kill "$pid" 2>/dev/null || true
	done
	# whatever the engines left mounted under our temp dir
	grep -o " $ENGINES[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	# The parents of the engines' cgroupsPaths (/$CTR_NS/ID, podman's
	# /libpod_parent/...): skiff, like runc, removes only the container's
	# own cgroup.  rmdir leaves any that are still in use.
	local d
	for d in /sys/fs/cgroup/*/"$CTR_NS" /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null || true
	done
}

podman_setup() {
	command -v podman >/dev/null || skip "podman is not installed"
	cat > "$ENGINES/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "skiff"
runtime_supports_json = ["skiff"]
[engine.runtimes]
skiff = ["$SKIFF"]
CONF
	export CONTAINERS_CONF=$ENGINES/containers.conf
	PODMAN=(podman --root "$ENGINES/podman-root" --runroot "$ENGINES/podman-run" --storage-driver vfs)
	if ! "${PODMAN[@]}" image exists localhost/skiff-busybox 2>/dev/null; then
		"${PODMAN[@]}" import "$ENGINES/rootfs.tar" localhost/skiff-busybox >/dev/null
	fi
}

@test "podman run --rm prints the container's output" {
	podman_setup
	run timeout 60 "${PODMAN[@]}" run --rm localhost/skiff-busybox echo hello-from-podman
	assert_success
	assert_output hello-from-podman
}

@test "podman run returns the exit code; --read-only and --cap-drop apply" {
	podman_setup
	run timeout 60 "${PODMAN[@]}" run --rm localhost/skiff-busybox sh -c 'exit 7'
	assert_equal "$status" 7
	run timeout 60 "${PODMAN[@]}" run --rm --read-only localhost/skiff-busybox touch /x
	assert_failure
	run timeout 60 "${PODMAN[@]}" run --rm --cap-drop all localhost/skiff-busybox grep CapEff /proc/self/status
	assert_output --regexp 'CapEff:\s+0000000000000000'
}

@test "podman run -d, exec (with and without -t), top, stop, rm" {
	podman_setup
	run timeout 60 "${PODMAN[@]}" run -d --name sk1 localhost/skiff-busybox sleep 1000
	assert_success
	run timeout 30 "${PODMAN[@]}" exec sk1 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_line --index 0 in-exec
	assert_line --index 1 "sleep 1000 "
	run timeout 30 script -qec "${PODMAN[*]} exec -t sk1 tty" /dev/null < /dev/null
	assert_success
	assert_output --partial /dev/pts/
	run timeout 30 "${PODMAN[@]}" top sk1
	assert_success
	assert_output --partial "sleep 1000"
	# sleep ignores SIGTERM as pid 1: podman falls back to SIGKILL after the timeout
	run timeout 60 "${PODMAN[@]}" stop -t 1 sk1
	assert_success
	run "${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' sk1
	assert_output 137
	run timeout 30 "${PODMAN[@]}" rm -f sk1
	assert_success
}

@test "podman kill and rm -f of a running container" {
	podman_setup
	timeout 60 "${PODMAN[@]}" run -d --name sk2 localhost/skiff-busybox sleep 1000
	run timeout 30 "${PODMAN[@]}" kill sk2
	assert_success
	run timeout 60 "${PODMAN[@]}" run -d --name sk3 localhost/skiff-busybox sleep 1000
	run timeout 30 "${PODMAN[@]}" rm -f sk3 sk2
	assert_success
}

@test "podman run -it through a terminal" {
	podman_setup
	command -v script >/dev/null || skip "script(1) is not installed"
	# conmon sometimes drops the output of a container that exits at once
	# (runc too: 4 runs of 20 printed nothing), so up to 3 tries for it;
	# the exit code must come back every time.
	local _
	for _ in 1 2 3; do
		run timeout 60 script -qec "${PODMAN[*]} run -it --rm localhost/skiff-busybox sh -c 'tty; exit 4'" /dev/null < /dev/null
		assert_equal "$status" 4
		[ -n "$output" ] && break
	done
	assert_output --partial /dev/pts/0
}

# The host pid of a podman container's init.
podman_pid() {
	"${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$1"
}

# The cgroup tests read v1 files (this host is a v1 "hybrid" one).
need_cgroup_v1() {
	local c
	for c in memory pids cpu freezer; do
		[ -d "/sys/fs/cgroup/$c" ] || skip "reads cgroup v1 files: no v1 $c controller here"
	done
}

# cgroup_file PID CONTROLLER FILE: the path of FILE in PID's v1 cgroup of
# CONTROLLER.
cgroup_file() {
	local path
	path=$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$1/cgroup")
	[ -n "$path" ] || { echo "pid $1 has no v1 $2 cgroup" >&2; return 1; }
	echo "/sys/fs/cgroup/$2$path/$3"
}

@test "podman --memory and --pids-limit set the cgroup; stats --no-stream shows it; update changes it" {
	podman_setup
	need_cgroup_v1
	run timeout 60 "${PODMAN[@]}" run -d --name sk4 --memory 64m --pids-limit 42 localhost/skiff-busybox sleep 1000
	assert_success
	local pid
	pid=$(podman_pid sk4)
	run cat "$(cgroup_file "$pid" memory memory.limit_in_bytes)"
	assert_output 67108864
	run cat "$(cgroup_file "$pid" pids pids.max)"
	assert_output 42
	# podman reads the figures from the cgroup skiff made: a usage above 0
	# (the container's own pages) against the limit
	run timeout 30 "${PODMAN[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' sk4
	assert_success
	assert_output --regexp '^sk4 [1-9][0-9.]*[kM]B / 67.11MB 1$'
	# podman update hands skiff `update --resources=FILE ID`
	run timeout 30 "${PODMAN[@]}" update --memory 128m --cpu-shares 512 sk4
	assert_success
	run cat "$(cgroup_file "$pid" memory memory.limit_in_bytes)"
	assert_output 134217728
	run cat "$(cgroup_file "$pid" cpu cpu.shares)"
	assert_output 512
	run timeout 30 "${PODMAN[@]}" rm -f -t 0 sk4
	assert_success
}

@test "podman pause freezes the container's processes, unpause thaws them" {
	podman_setup
	need_cgroup_v1
	run timeout 60 "${PODMAN[@]}" run -d --name sk5 localhost/skiff-busybox \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; usleep 20000; done'
	assert_success
	local pid id counter
	pid=$(podman_pid sk5)
	id=$("${PODMAN[@]}" inspect --format '{{.Id}}' sk5)
	wait_for_path "/proc/$pid/root/tmp/n"
	run timeout 30 "${PODMAN[@]}" pause sk5
	assert_success
	run "${PODMAN[@]}" inspect --format '{{.State.Status}}' sk5
	assert_output paused
	# podman gives skiff no --root: its state is in the default root
	run "$SKIFF" state "$id"
	assert_success
	assert_equal "$(jq -r .status <<< "$output")" paused
	run cat "$(cgroup_file "$pid" freezer freezer.state)"
	assert_output FROZEN
	# frozen: the counter stands still (the wait only gives it time to move)
	counter=$(cat "/proc/$pid/root/tmp/n")
	sleep 0.3
	assert_equal "$(cat "/proc/$pid/root/tmp/n")" "$counter"
	run timeout 30 "${PODMAN[@]}" unpause sk5
	assert_success
	run "${PODMAN[@]}" inspect --format '{{.State.Status}}' sk5
	assert_output running
	assert_equal "$("$SKIFF" state "$id" | jq -r .status)" running
	local i
	for i in $(seq 50); do
		[ "$(cat "/proc/$pid/root/tmp/n")" != "$counter" ] && break
		sleep 0.1
	done
	[ "$(cat "/proc/$pid/root/tmp/n")" != "$counter" ]
	run timeout 30 "${PODMAN[@]}" rm -f -t 0 sk5
	assert_success
}

@test "podman --security-opt seccomp=FILE: a denied syscall fails with the profile's errno" {
	podman_setup
	cat > "$BATS_TEST_TMPDIR/seccomp.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
	run timeout 60 "${PODMAN[@]}" run --rm --security-opt seccomp="$BATS_TEST_TMPDIR/seccomp.json" \
		localhost/skiff-busybox sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d; echo "mkdir=$?"'
	assert_success
	assert_line --regexp '^Seccomp:\s+2$'
	assert_line --partial "Operation not permitted"
	assert_line mkdir=1
	# the same command without the profile (podman's default one allows mkdir)
	run timeout 60 "${PODMAN[@]}" run --rm localhost/skiff-busybox sh -c 'mkdir /tmp/d; echo "mkdir=$?"'
	assert_success
	assert_output mkdir=0
}

# podman rm -f -t 0 NAME, again while it fails with EBUSY on the
# container's shm: with a user namespace, podman 4.3 sometimes unmounts
# it before the kernel has released the dead container's mount namespace
# (seen as often with runc: 2 of 30 runs, 1 of 30 with skiff).
podman_rm_userns() {
	local i
	for i in $(seq 20); do
		"${PODMAN[@]}" rm -f -t 0 "$1" >/dev/null 2>"$BATS_TEST_TMPDIR/rm.err" && return 0
		grep -q 'shm: device or resource busy' "$BATS_TEST_TMPDIR/rm.err" || break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/rm.err" >&2
	return 1
}

@test "podman --uidmap/--gidmap: the container runs in a user namespace as host uid 100000" {
	podman_setup
	run timeout 60 "${PODMAN[@]}" run -d --name sk6 --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
		localhost/skiff-busybox sleep 1000
	assert_success
	local pid
	pid=$(podman_pid sk6)
	run cat "/proc/$pid/uid_map"
	assert_output --regexp '^\s*0\s+100000\s+65536$'
	run cat "/proc/$pid/gid_map"
	assert_output --regexp '^\s*0\s+100000\s+65536$'
	run grep -E '^(Uid|Gid):' "/proc/$pid/status"
	assert_line --regexp '^Uid:\s+100000\s+100000\s+100000\s+100000$'
	assert_line --regexp '^Gid:\s+100000\s+100000\s+100000\s+100000$'
	[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]
	# inside, it is root
	run timeout 30 "${PODMAN[@]}" exec sk6 id -u
	assert_success
	assert_output 0
	run podman_rm_userns sk6
	assert_success
}

# wait_for_log NAME TEXT: until the container's output has TEXT.
podman_wait_for_log() {
	local i
	for i in $(seq 100); do
		"${PODMAN[@]}" logs "$1" 2>/dev/null | grep -q "$2" && return 0
		sleep 0.1
	done
	echo "container $1 never printed $2" >&2
	return 1
}

@test "podman stop: SIGTERM first, SIGKILL after -t when the container ignores it" {
	podman_setup
	# a handler: SIGTERM ends it with the handler's exit code, before the timeout
	run timeout 60 "${PODMAN[@]}" run -d --name sk7 localhost/skiff-busybox \
		sh -c 'trap "exit 3" TERM; echo ready; while :; do usleep 20000; done'
	assert_success
	podman_wait_for_log sk7 ready
	local start
	start=$(date +%s)
	run timeout 60 "${PODMAN[@]}" stop -t 30 sk7
	assert_success
	[ $(($(date +%s) - start)) -lt 20 ]
	run "${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' sk7
	assert_output 3
	# SIGTERM ignored: podman waits -t seconds, then SIGKILL (137)
	run timeout 60 "${PODMAN[@]}" run -d --name sk8 localhost/skiff-busybox \
		sh -c 'trap "" TERM; echo ready; while :; do usleep 20000; done'
	assert_success
	podman_wait_for_log sk8 ready
	local pid
	pid=$(podman_pid sk8)
	start=$(date +%s%N)
	run timeout 60 "${PODMAN[@]}" stop -t 1 sk8
	assert_success
	[ $(($(date +%s%N) - start)) -ge 1000000000 ]
	run "${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' sk8
	assert_output 137
	run process_alive "$pid"
	assert_failure
	run timeout 30 "${PODMAN[@]}" rm sk7 sk8
	assert_success
}

containerd_setup() {
	command -v containerd >/dev/null || skip "containerd is not installed"
	CTR=(ctr --address "$ENGINES/containerd.sock" --namespace "$CTR_NS")
	# skiff's state for the shim: private too (the default is /run/containerd/runc)
	CTR_RUN=(run --runc-binary "$SKIFF" --runc-root "$ENGINES/runc-root")
	if [ ! -f "$ENGINES/containerd.pid" ]; then
		cat > "$ENGINES/containerd.toml" <<CONF
version = 2
root = "$ENGINES/containerd-root"
state = "$ENGINES/containerd-state"
[grpc]
  address = "$ENGINES/containerd.sock"
CONF
		containerd --config "$ENGINES/containerd.toml" > "$ENGINES/containerd.log" 2>&1 &
		echo $! > "$ENGINES/containerd.pid"
	fi
	# Until the image is in, every test tries again: a daemon slow to
	# start on a loaded machine must not fail the tests after the first.
	if [ ! -f "$ENGINES/image.imported" ]; then
		local i
		for i in $(seq 300); do
			"${CTR[@]}" version >/dev/null 2>&1 && break
			sleep 0.1
		done
		podman_setup
		"${PODMAN[@]}" save --format docker-archive -o "$ENGINES/image.tar" localhost/skiff-busybox >/dev/null 2>&1
		"${CTR[@]}" images import "$ENGINES/image.tar" >/dev/null
		touch "$ENGINES/image.imported"
	fi
}

@test "containerd: ctr run with skiff as the runc binary" {
	containerd_setup
	run timeout 60 "${CTR[@]}" "${CTR_RUN[@]}" --rm localhost/skiff-busybox:latest ct1 echo hello-from-containerd
	assert_success
	assert_output hello-from-containerd
	run timeout 60 "${CTR[@]}" "${CTR_RUN[@]}" --rm localhost/skiff-busybox:latest ct1 sh -c 'exit 5'
	assert_equal "$status" 5
}

@test "containerd: task exec, kill and delete" {
	containerd_setup
	run timeout 60 "${CTR[@]}" "${CTR_RUN[@]}" -d localhost/skiff-busybox:latest ct2 sleep 1000
	assert_success
	run timeout 30 "${CTR[@]}" task exec --exec-id e1 ct2 sh -c 'echo exec-ok'
	assert_success
	assert_output exec-ok
	run timeout 30 "${CTR[@]}" task kill -s KILL ct2
	assert_success
	for i in $(seq 50); do
		"${CTR[@]}" task ls | grep -q "ct2.*STOPPED" && break
		sleep 0.1
	done
	run timeout 30 "${CTR[@]}" task rm ct2
	assert_success
	run timeout 30 "${CTR[@]}" container rm ct2
	assert_success
}

@test "containerd: task pause and resume freeze and thaw the task; task ps; task metrics" {
	containerd_setup
	need_cgroup_v1
	run timeout 60 "${CTR[@]}" "${CTR_RUN[@]}" -d localhost/skiff-busybox:latest ct3 sleep 1000
	assert_success
	local pid
	pid=$("${CTR[@]}" task ls | awk '$1 == "ct3" { print $2 }')
	[ -n "$pid" ]
	# the shim asks skiff `ps --format json ID`
	run timeout 30 "${CTR[@]}" task ps ct3
	assert_success
	assert_line --regexp "^$pid\s"
	run timeout 30 "${CTR[@]}" task pause ct3
	assert_success
	run "${CTR[@]}" task ls
	assert_line --regexp '^ct3\s+[0-9]+\s+PAUSED\s*$'
	run "$SKIFF" --root "$ENGINES/runc-root/$CTR_NS" state ct3
	assert_success
	assert_equal "$(jq -r .status <<< "$output")" paused
	run cat "$(cgroup_file "$pid" freezer freezer.state)"
	assert_output FROZEN
	run timeout 30 "${CTR[@]}" task resume ct3
	assert_success
	run "${CTR[@]}" task ls
	assert_line --regexp '^ct3\s+[0-9]+\s+RUNNING\s*$'
	run cat "$(cgroup_file "$pid" freezer freezer.state)"
	assert_output THAWED
	# the shim reads the figures from the cgroup skiff made
	run timeout 30 "${CTR[@]}" task metrics ct3
	assert_success
	assert_line --regexp '^memory\.usage_in_bytes\s+[1-9][0-9]*\s*$'
	assert_line --regexp '^pids\.current\s+1\s*$'
	run timeout 30 "${CTR[@]}" task kill -s KILL ct3
	assert_success
	local _
	for _ in $(seq 50); do
		"${CTR[@]}" task ls | grep -q "^ct3 .*STOPPED" && break
		sleep 0.1
	done
	run timeout 30 "${CTR[@]}" task rm ct3
	assert_success
	run timeout 30 "${CTR[@]}" container rm ct3
	assert_success
}

# Rootless podman: a user of its own with /etc/subuid and /etc/subgid
# ranges, made by the first test that needs it and removed by
# teardown_file.  podman runs skiff as root of the user's user namespace
# with XDG_RUNTIME_DIR set and no --root, as it runs runc; the network is
# none or host (slirp4netns cannot open /dev/net/tun here), the cgroup
# manager the one podman picks.
PM_USER=skiff-pm-test
PM_SUBID=600000

podman_rootless_setup() {
	command -v podman >/dev/null || skip "podman is not installed"
	# Seen in CI: with an ASan build, rootless podman's exec times out (the
	# gcc build passes); not yet understood, so not run there.
	skiff_sanitized && skip "rootless podman with a sanitizer build of skiff: exec times out (open question)"
	command -v newuidmap >/dev/null || skip "rootless podman needs newuidmap (package uidmap)"
	[ -f "$ENGINES/rootless-skip" ] && skip "$(cat "$ENGINES/rootless-skip")"
	if [ ! -f "$ENGINES/rootless-ready" ]; then
		userdel "$PM_USER" >/dev/null 2>&1 || true
		sed -i "/^$PM_USER:/d" /etc/subuid /etc/subgid
		useradd --no-create-home --shell /bin/sh --user-group "$PM_USER"
		usermod --add-subuids "$PM_SUBID-$((PM_SUBID + 65535))" \
			--add-subgids "$PM_SUBID-$((PM_SUBID + 65535))" "$PM_USER"
		touch "$ENGINES/rootless-user" # teardown_file removes the user
		# bats' temp dirs are root's alone (0700): the user's own dir
		# outside them
		export PM_DIR
		PM_DIR=$(mktemp -d /tmp/skiff-podman-rootless.XXXXXX)
		echo "$PM_DIR" > "$ENGINES/rootless-dir"
		chmod 755 "$PM_DIR"
		mkdir -m 700 "$PM_DIR/run" "$PM_DIR/home"
		cat > "$PM_DIR/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "none"
[engine]
events_logger = "file"
runtime = "skiff"
runtime_supports_json = ["skiff"]
[engine.runtimes]
skiff = ["$SKIFF"]
CONF
		cp "$ENGINES/rootfs.tar" "$PM_DIR/rootfs.tar"
		chown -R "$PM_USER:$PM_USER" "$PM_DIR"
		# podman itself must be able to run rootless here: if not, say why
		if ! pm unshare true > "$PM_DIR/unshare.err" 2>&1; then
			echo "podman cannot run rootless here: $(tail -1 "$PM_DIR/unshare.err")" > "$ENGINES/rootless-skip"
			skip "$(cat "$ENGINES/rootless-skip")"
		fi
		pm import "$PM_DIR/rootfs.tar" localhost/skiff-busybox >/dev/null
		touch "$ENGINES/rootless-ready"
	fi
	PM_DIR=$(cat "$ENGINES/rootless-dir")
	PM_UID=$(id -u "$PM_USER")
}

# podman as the test user, from a login without systemd: HOME, USER and
# XDG_RUNTIME_DIR of its own, private storage.
pm() {
	setpriv --reuid "$PM_USER" --regid "$PM_USER" --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$PM_DIR/home" USER="$PM_USER" \
		XDG_RUNTIME_DIR="$PM_DIR/run" CONTAINERS_CONF="$PM_DIR/containers.conf" \
		sh -c 'cd "$HOME" && exec timeout 60 podman --root "$0/storage" --runroot "$0/runroot" --storage-driver vfs "$@"' \
		"$PM_DIR" "$@"
}

# What the rootless tests leave: containers, podman's pause process (its
# user namespace), the user's processes, the user.
rootless_teardown() {
	[ -f "$ENGINES/rootless-user" ] || return 0
	local dir pid
	dir=$(cat "$ENGINES/rootless-dir" 2>/dev/null)
	if [ -n "$dir" ] && [ -d "$dir" ]; then
		PM_DIR=$dir pm rm -a -f -t 0 >/dev/null 2>&1
		pid=$(cat "$dir/run/libpod/tmp/pause.pid" 2>/dev/null)
		[ -n "$pid" ] && kill "$pid" 2>/dev/null
	fi
	# anything else the user still runs (conmon of a failed test)
	for pid in $(pgrep -u "$PM_USER" 2>/dev/null); do
		kill -9 "$pid" 2>/dev/null
	done
	for _ in $(seq 50); do pgrep -u "$PM_USER" >/dev/null || break; sleep 0.1; done
	userdel "$PM_USER" >/dev/null 2>&1
	sed -i "/^$PM_USER:/d" /etc/subuid /etc/subgid
	[ -n "$dir" ] && rm -rf "$dir"
	rm -f "$ENGINES/rootless-user"
}

@test "rootless podman: run with skiff as the runtime, its state under \$XDG_RUNTIME_DIR/skiff (no --root)" {
	podman_rootless_setup
	run pm info --format '{{.Host.Security.Rootless}} {{.Host.OCIRuntime.Name}}'
	assert_success
	assert_output "true skiff"
	run pm run --rm localhost/skiff-busybox sh -c 'echo hello-rootless; id -u'
	assert_success
	assert_line --index 0 hello-rootless
	assert_line --index 1 0
	run pm run -d --name rl1 localhost/skiff-busybox sleep 1000
	assert_success
	local id=$output pid
	# skiff ran as root of podman's user namespace, without --root: the
	# default root was $XDG_RUNTIME_DIR/skiff, the user's
	[ -d "$PM_DIR/run/skiff/$id" ]
	assert_equal "$(stat -c %U "$PM_DIR/run/skiff/$id")" "$PM_USER"
	pid=$(pm inspect --format '{{.State.Pid}}' rl1)
	# root inside, the user outside
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" "$PM_UID"
	run pm rm -f -t 0 rl1
	assert_success
	[ ! -e "$PM_DIR/run/skiff/$id" ]
}

@test "rootless podman: exec, stop (SIGTERM, then SIGKILL), rm" {
	podman_rootless_setup
	run pm run -d --name rl2 localhost/skiff-busybox sh -c 'trap "exit 3" TERM; echo ready; while :; do usleep 20000; done'
	assert_success
	run pm exec rl2 sh -c 'echo in-exec; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_line --index 0 in-exec
	assert_line --index 1 --partial "trap"
	run pm exec rl2 sh -c 'exit 6'
	assert_equal "$status" 6
	run pm stop -t 30 rl2
	assert_success
	run pm inspect --format '{{.State.ExitCode}}' rl2
	assert_output 3
	# SIGTERM ignored: SIGKILL after -t
	run pm run -d --name rl3 localhost/skiff-busybox sh -c 'trap "" TERM; while :; do usleep 20000; done'
	assert_success
	run pm stop -t 1 rl3
	assert_success
	run pm inspect --format '{{.State.ExitCode}}' rl3
	assert_output 137
	run pm rm rl2 rl3
	assert_success
	run pm ps -a -q
	assert_output ""
	# nothing of skiff's left in the user's root
	assert_equal "$(ls "$PM_DIR/run/skiff")" ""
}

@test "rootless podman: --userns=keep-id runs the process with the user's own ids" {
	podman_rootless_setup
	run pm run --rm --userns=keep-id localhost/skiff-busybox sh -c 'id -u; id -g; cat /proc/self/uid_map'
	assert_success
	assert_line --index 0 "$PM_UID"
	assert_line --index 1 "$(id -g "$PM_USER")"
	run pm run -d --name rl4 --userns=keep-id localhost/skiff-busybox sleep 1000
	assert_success
	local pid
	pid=$(pm inspect --format '{{.State.Pid}}' rl4)
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" "$PM_UID"
	run pm exec rl4 id -u
	assert_output "$PM_UID"
	run pm rm -f -t 0 rl4
	assert_success
}

@test "rootless podman: --network=host, and the cgroup manager podman picks here" {
	podman_rootless_setup
	run pm info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}}'
	assert_success
	# (cgroupfs on this v1 host without systemd: a user gets no cgroups)
	echo "# podman picks the cgroup manager: $output" >&3
	run pm run -d --name rl5 --network=host localhost/skiff-busybox sleep 1000
	assert_success
	# the host's network namespace (seen from inside: root here may not
	# read the namespaces of the user's processes)
	run pm exec rl5 readlink /proc/self/ns/net
	assert_success
	assert_output "$(readlink /proc/self/ns/net)"
	# podman finds the container's process (through skiff's state)
	run pm top rl5
	assert_success
	assert_output --partial "sleep 1000"
	run pm rm -f -t 0 rl5
	assert_success
}
