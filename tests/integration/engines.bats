#!/usr/bin/env bats
# Real engines driving skiff in place of runc: podman (with conmon) and
# containerd (the runc v2 shim with skiff as its binary).  They run with
# private state under a temp dir, no network, and are stopped afterwards.

load helpers

setup_file() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	export ENGINES=$BATS_FILE_TMPDIR/engines
	mkdir -p "$ENGINES"
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$ENGINES/bundle" true >/dev/null
	tar -C "$ENGINES/bundle/rootfs" -cf "$ENGINES/rootfs.tar" .
}

teardown_file() {
	[ -n "${ENGINES:-}" ] || return 0
	if [ -f "$ENGINES/containerd.pid" ]; then
		kill "$(cat "$ENGINES/containerd.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	pkill -f "containerd-shim-runc-v2 -namespace skifftest" 2>/dev/null || true
	# whatever the engines left mounted under our temp dir
	grep -o " $ENGINES[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	# The parents of the engines' cgroupsPaths (/skifftest/ID, podman's
	# /libpod_parent/...): skiff, like runc, removes only the container's
	# own cgroup.  rmdir leaves any that are still in use.
	local d
	for d in /sys/fs/cgroup/*/skifftest /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/*/libpod_parent; do
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
	run timeout 60 script -qec "${PODMAN[*]} run -it --rm localhost/skiff-busybox sh -c 'tty; exit 4'" /dev/null < /dev/null
	assert_equal "$status" 4
	assert_output --partial /dev/pts/0
}

containerd_setup() {
	command -v containerd >/dev/null || skip "containerd is not installed"
	CTR=(ctr --address "$ENGINES/containerd.sock" --namespace skifftest)
	if [ ! -S "$ENGINES/containerd.sock" ]; then
		cat > "$ENGINES/containerd.toml" <<CONF
version = 2
root = "$ENGINES/containerd-root"
state = "$ENGINES/containerd-state"
[grpc]
  address = "$ENGINES/containerd.sock"
CONF
		containerd --config "$ENGINES/containerd.toml" > "$ENGINES/containerd.log" 2>&1 &
		echo $! > "$ENGINES/containerd.pid"
		wait_for_path "$ENGINES/containerd.sock"
		podman_setup
		"${PODMAN[@]}" save --format docker-archive -o "$ENGINES/image.tar" localhost/skiff-busybox >/dev/null 2>&1
		"${CTR[@]}" images import "$ENGINES/image.tar" >/dev/null
	fi
}

@test "containerd: ctr run with skiff as the runc binary" {
	containerd_setup
	run timeout 60 "${CTR[@]}" run --rm --runc-binary "$SKIFF" localhost/skiff-busybox:latest ct1 echo hello-from-containerd
	assert_success
	assert_output hello-from-containerd
	run timeout 60 "${CTR[@]}" run --rm --runc-binary "$SKIFF" localhost/skiff-busybox:latest ct1 sh -c 'exit 5'
	assert_equal "$status" 5
}

@test "containerd: task exec, kill and delete" {
	containerd_setup
	run timeout 60 "${CTR[@]}" run -d --runc-binary "$SKIFF" localhost/skiff-busybox:latest ct2 sleep 1000
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
