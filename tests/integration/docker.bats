#!/usr/bin/env bats
# Docker (Debian's docker.io: dockerd 20.10 and the containerd runc v2
# shim) with skiff registered as a runtime (--add-runtime skiff=...) and
# chosen per container (docker run --runtime skiff).  The daemon is our own:
# private data, exec and containerd roots and socket under a temp dir, no
# bridge, no iptables, no IP forwarding (dockerd would switch the host's on),
# cgroupfs driver under a cgroup parent of its own; it
# is stopped by pid, and what it leaves mounted is unmounted.

load helpers

# Debian's client; /usr/local/bin/docker (if any) is newer than the daemon.
DOCKER_BIN=/usr/bin/docker
DOCKERD_BIN=/usr/sbin/dockerd

# (bats 1.8 cannot skip from setup_file: setup does, for every test)
setup_file() {
	export DOCKER_MISSING=
	if [ "$(id -u)" != 0 ]; then
		DOCKER_MISSING="needs root"
	elif [ ! -x "$DOCKERD_BIN" ] || [ ! -x "$DOCKER_BIN" ]; then
		DOCKER_MISSING="docker.io is not installed (apt-get install docker.io)"
	fi
	[ -z "$DOCKER_MISSING" ] || return 0
	export IP_FORWARD_BEFORE
	IP_FORWARD_BEFORE=$(cat /proc/sys/net/ipv4/ip_forward)
	# dockerd 20.10 makes these whatever its flags say; removed afterwards
	# unless they were there before
	export DOCKER_HOST_PATHS=
	local p
	for p in /etc/docker/key.json /etc/docker /run/docker/plugins /run/docker; do
		[ -e "$p" ] || DOCKER_HOST_PATHS="$DOCKER_HOST_PATHS $p"
	done
	export D=$BATS_FILE_TMPDIR/docker
	mkdir -p "$D/data" "$D/exec"
	export DOCKER_CGROUP_PARENT=/skiff-docker-test-$$
	echo '{}' > "$D/daemon.json"
	# no --add-runtime with a relative path: dockerd hands it to the shim
	"$DOCKERD_BIN" --config-file "$D/daemon.json" --data-root "$D/data" --exec-root "$D/exec" \
		--pidfile "$D/dockerd.pid" -H "unix://$D/docker.sock" --bridge none --iptables=false \
		--ip-forward=false \
		--ip-masq=false --userland-proxy=false --storage-driver vfs \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$DOCKER_CGROUP_PARENT" \
		--add-runtime "skiff=$SKIFF" --log-level warn > "$D/dockerd.log" 2>&1 &
	echo $! > "$D/dockerd.started"
	local i
	for i in $(seq 300); do
		"$DOCKER_BIN" -H "unix://$D/docker.sock" version > /dev/null 2>&1 && break
		sleep 0.1
	done
	"$DOCKER_BIN" -H "unix://$D/docker.sock" version > /dev/null 2>&1 ||
		{ cat "$D/dockerd.log" >&3; false; }
	# an image from the tests' busybox rootfs
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$D/bundle" true > /dev/null
	tar -C "$D/bundle/rootfs" -cf - . |
		"$DOCKER_BIN" -H "unix://$D/docker.sock" import - skiff-busybox:test > /dev/null
}

teardown_file() {
	[ -n "${D:-}" ] && [ -f "$D/dockerd.started" ] || return 0
	"$DOCKER_BIN" -H "unix://$D/docker.sock" ps -aq 2>/dev/null |
		xargs -r "$DOCKER_BIN" -H "unix://$D/docker.sock" rm -f > /dev/null 2>&1
	local pid i
	pid=$(cat "$D/dockerd.started")
	kill "$pid" 2>/dev/null
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	# its containerd and shims, by their private paths
	for pid in $(pgrep -f -- "$D/exec" || true); do
		kill -9 "$pid" 2>/dev/null
	done
	grep -o " $D[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	for d in /sys/fs/cgroup/*"$DOCKER_CGROUP_PARENT"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	# (in the order listed: the key, then the directories, if empty)
	for p in $DOCKER_HOST_PATHS; do
		if [ -d "$p" ]; then rmdir "$p" 2>/dev/null; else rm -f "$p"; fi
	done
	return 0
}

setup() {
	[ -z "$DOCKER_MISSING" ] || skip "$DOCKER_MISSING"
}

docker() {
	timeout 60 "$DOCKER_BIN" -H "unix://$D/docker.sock" "$@"
}

@test "docker run --runtime skiff --rm prints the container's output and returns its status" {
	run docker run --rm --runtime skiff --network none skiff-busybox:test echo hello-from-docker
	assert_success
	assert_output hello-from-docker
	run docker run --rm --runtime skiff --network none skiff-busybox:test sh -c 'exit 7'
	assert_equal "$status" 7
}

@test "docker run -d, exec, stop, rm with skiff; the container really ran under skiff" {
	run docker run -d --name sk1 --runtime skiff --network none skiff-busybox:test sleep 1000
	assert_success
	id=$output
	# dockerd's state root for this runtime holds skiff's state.json
	run find "$D/exec" -path "*$id*" -name state.json
	assert_success
	[ -n "$output" ] || fail "no skiff state for $id under $D/exec"
	run docker exec sk1 sh -c 'echo in-exec; tr "\0" " " < /proc/1/cmdline'
	assert_success
	assert_line --index 0 in-exec
	assert_line --index 1 "sleep 1000 "
	run docker inspect -f '{{.HostConfig.Runtime}} {{.State.Status}}' sk1
	assert_output "skiff running"
	run docker exec -e FOO=bar -w /tmp sk1 sh -c 'echo $FOO $(pwd)'
	assert_output "bar /tmp"
	# stop: SIGTERM, which sleep as pid 1 ignores, then SIGKILL after 1 s
	SECONDS=0
	run docker stop -t 1 sk1
	assert_success
	[ "$SECONDS" -lt 20 ]
	run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' sk1
	assert_output "exited 137"
	run docker rm sk1
	assert_success
	run docker ps -aq
	assert_output ""
	# and skiff's state is gone with it
	run find "$D/exec" -path "*$id*" -name state.json
	assert_output ""
}

@test "the daemon left the host's IPv4 forwarding as it found it" {
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$IP_FORWARD_BEFORE"
}

@test "docker pause, unpause and kill of a skiff container" {
	docker run -d --name sk2 --runtime skiff --network none skiff-busybox:test sleep 1000
	run docker pause sk2
	assert_success
	run docker inspect -f '{{.State.Status}}' sk2
	assert_output paused
	run docker unpause sk2
	assert_success
	run docker kill sk2
	assert_success
	run docker inspect -f '{{.State.Status}}' sk2
	assert_output exited
	docker rm -f sk2
}
