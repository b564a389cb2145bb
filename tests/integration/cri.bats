#!/usr/bin/env bats
# Kubernetes' path to a runtime: kubelet -> containerd's CRI plugin -> the
# runc v2 shim -> skiff, chosen per pod by the RuntimeClass handler "skiff"
# (and as the default runtime).  One private containerd for the file (its
# own config, root, state and sockets under a temp dir), images built
# offline from busybox-static and imported with ctr, pods on a CNI bridge
# of their own or on the host's network.  The tests speak runtime.v1 to it
# through tests/cri/cri-client.js (Node.js, @grpc/grpc-js), as kubelet
# would: Debian has no crictl.  See README "With engines".

load helpers

# The pod network: a bridge and a /24 no one else here uses.
CRI_BRIDGE=skiffcri0
CRI_SUBNET=10.233.77

# bats 1.8 cannot skip in setup_file: it notes why in $CRI_SKIP, and
# setup skips every test with that reason.
export CRI_SKIP=$BATS_FILE_TMPDIR/skip-reason

setup_file() {
	local why
	if why=$(cri_missing) || why=$(cri_node_modules); then
		echo "$why" > "$CRI_SKIP"
		return 0
	fi
	export NODE_PATH=$why
	export CRI=$BATS_FILE_TMPDIR/cri
	mkdir -p "$CRI/cni" "$CRI/logs"
	# the bridge plugin of a gateway turns on IPv4 forwarding: put back after
	cat /proc/sys/net/ipv4/ip_forward > "$CRI/ip_forward"
	# pods' cgroups go under this parent; teardown_file removes it
	export CRI_CGROUP=skiff-cri-$$
	export CRI_RUNC_ROOT=$CRI/runc-root
	# skiff's state root for the pods: the shim adds the namespace
	export CRI_STATE=$CRI_RUNC_ROOT/k8s.io
	cat > "$CRI/containerd.toml" <<CONF
version = 2
root = "$CRI/root"
state = "$CRI/state"
[grpc]
  address = "$CRI/containerd.sock"
[ttrpc]
  address = "$CRI/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CRI/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:local"
  # containerd gives the pause container oom_score_adj -998, which takes
  # CAP_SYS_RESOURCE this sandbox lacks: every runtime fails without it
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "skiff"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.skiff]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.skiff.options]
        BinaryName = "$SKIFF"
        Root = "$CRI_RUNC_ROOT"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CRI/cni"
    max_conf_num = 1
CONF
	# the CRI plugin adds the loopback network itself
	cat > "$CRI/cni/10-skiff-cri.conflist" <<CONF
{"cniVersion": "0.4.0", "name": "skiff-cri", "plugins": [
  {"type": "bridge", "bridge": "$CRI_BRIDGE", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "subnet": "$CRI_SUBNET.0/24", "dataDir": "$CRI/ipam"}}]}
CONF
	setsid containerd --config "$CRI/containerd.toml" > "$CRI/containerd.log" 2>&1 < /dev/null &
	echo $! > "$CRI/containerd.pid"
	# the socket first (each try of the client costs a node start), then
	# the CRI plugin behind it
	for _ in $(seq 300); do
		[ -S "$CRI/containerd.sock" ] && break
		sleep 0.1
	done
	for _ in $(seq 20); do
		cri Version > /dev/null 2>&1 && break
		sleep 0.2
	done
	cri Version > /dev/null || fail "containerd's CRI does not answer: $(tail -5 "$CRI/containerd.log")"
	# The images, offline: the pause container is busybox's sleep.
	SKIFF="$SKIFF" "$TESTS_SRCDIR/make-bundle.sh" "$CRI/bundle" true > /dev/null
	"$TESTS_SRCDIR/cri/make-image.sh" "$CRI/bundle/rootfs" localhost/pause:local "$CRI/pause.tar" /bin/sleep infinity
	"$TESTS_SRCDIR/cri/make-image.sh" "$CRI/bundle/rootfs" localhost/busybox:local "$CRI/busybox.tar" /bin/sh
	local image
	for image in pause busybox; do
		ctr --address "$CRI/containerd.sock" -n k8s.io images import "$CRI/$image.tar" > /dev/null
	done
}

# What this host lacks for the tests, if anything: prints why, returns 0.
cri_missing() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root"
	elif ! command -v containerd > /dev/null; then
		echo "containerd is not installed (apt-get install containerd)"
	elif ! command -v containerd-shim-runc-v2 > /dev/null; then
		echo "containerd's runc v2 shim is not installed"
	elif ! command -v node > /dev/null; then
		echo "node is not installed (apt-get install nodejs npm): the CRI client is Node.js"
	elif [ ! -x /usr/lib/cni/bridge ] || [ ! -x /usr/lib/cni/host-local ]; then
		echo "the CNI plugins are not installed (apt-get install containernetworking-plugins)"
	else
		return 1
	fi
}

# @grpc/grpc-js and @grpc/proto-loader as tests/cri/package-lock.json pins
# them, installed once into the build tree (npm ci from the npm registry,
# or npm's cache when offline), or taken from $CRI_NODE_MODULES.  Prints
# why not and returns 0 when they cannot be had, else prints the
# node_modules directory and returns 1.
cri_node_modules() {
	local dir=$TESTS_BUILDDIR/cri-client
	if [ -n "${CRI_NODE_MODULES:-}" ]; then
		echo "$CRI_NODE_MODULES"
		return 1
	fi
	if [ -d "$dir/node_modules/@grpc/grpc-js" ] && [ -d "$dir/node_modules/@grpc/proto-loader" ] &&
		cmp -s "$dir/package-lock.json" "$TESTS_SRCDIR/cri/package-lock.json"; then
		echo "$dir/node_modules"
		return 1
	fi
	if ! command -v npm > /dev/null; then
		echo "npm is not installed (apt-get install npm): the CRI client needs @grpc/grpc-js"
		return 0
	fi
	mkdir -p "$dir"
	cp "$TESTS_SRCDIR/cri/package.json" "$TESTS_SRCDIR/cri/package-lock.json" "$dir/"
	# (npm keeps its cache under HOME: the build tree's when there is none)
	if ! (cd "$dir" && HOME=${HOME:-$dir} timeout 300 npm ci --no-audit --no-fund --ignore-scripts \
		--prefer-offline > "$dir/npm.log" 2>&1); then
		rm -f "$dir/package-lock.json" # not a good install: try again next time
		echo "npm ci could not install the CRI client's packages (no npm registry, no cache?):" \
			"$(grep -m1 -i 'npm error' "$dir/npm.log")"
		return 0
	fi
	echo "$dir/node_modules"
	return 1
}

teardown_file() {
	[ -n "${CRI:-}" ] || return 0
	# what a failed test left: every pod, with its containers and netns
	if [ -S "$CRI/containerd.sock" ]; then
		local p
		for p in $(cri ListPodSandbox 2> /dev/null | jq -r '.items[].id'); do
			cri StopPodSandbox "$(jq -n --arg p "$p" '{pod_sandbox_id: $p}')" > /dev/null 2>&1 || true
			cri RemovePodSandbox "$(jq -n --arg p "$p" '{pod_sandbox_id: $p}')" > /dev/null 2>&1 || true
		done
	fi
	if [ -f "$CRI/containerd.pid" ]; then
		local pid
		pid=$(cat "$CRI/containerd.pid")
		kill "$pid" 2> /dev/null || true
		for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
	fi
	grep -o " ${CRI}[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2> /dev/null || true; done
	local d
	for d in /sys/fs/cgroup/*/"$CRI_CGROUP" /sys/fs/cgroup/unified/"$CRI_CGROUP"; do
		if [ -d "$d" ]; then rmdir "$d" 2> /dev/null || true; fi
	done
	ip link del "$CRI_BRIDGE" 2> /dev/null || true
	if [ -s "$CRI/ip_forward" ]; then
		cat "$CRI/ip_forward" > /proc/sys/net/ipv4/ip_forward || true
	fi
	return 0
}

setup() {
	[ ! -f "$CRI_SKIP" ] || skip "$(cat "$CRI_SKIP")"
}

teardown() {
	return 0
}

# cri METHOD [REQUEST-JSON]: one runtime.v1 call; prints the response.
cri() {
	node "$TESTS_SRCDIR/cri/cri-client.js" "$CRI/containerd.sock" "$@"
}

# The PodSandboxConfig of pod NAME, changed by the jq filter FILTER.
pod_config() {
	jq -nc --arg name "$1" --arg logs "$CRI/logs/$1" --arg cg "/$CRI_CGROUP" '{
		metadata: {name: $name, uid: ("uid-" + $name), namespace: "skiff-test"},
		hostname: $name, log_directory: $logs,
		linux: {cgroup_parent: $cg,
			security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
	} | '"${2:-.}"
}

# run_pod NAME HANDLER [FILTER]: RunPodSandbox; the pod's id in $POD and
# in $CRI/pod-NAME, its config in $CRI/pod-NAME.json.
run_pod() {
	local config
	config=$(pod_config "$1" "${3:-.}")
	echo "$config" > "$CRI/pod-$1.json"
	run cri RunPodSandbox "$(jq -nc --argjson c "$config" --arg h "$2" '{config: $c, runtime_handler: $h}')"
	assert_success
	POD=$(echo "$output" | jq -r .pod_sandbox_id)
	echo "$POD" > "$CRI/pod-$1"
}

# The pod "web" that most tests share, made by the first that needs it.
web_pod() {
	[ -s "$CRI/pod-web" ] || run_pod web skiff
	POD=$(cat "$CRI/pod-web")
}

# start_container POD-NAME NAME FILTER COMMAND...: CreateContainer (busybox,
# COMMAND, the ContainerConfig changed by FILTER) and StartContainer in pod
# POD-NAME; the id in $CTR and in $CRI/ctr-NAME.
start_container() {
	local pod=$1 name=$2 filter=$3 config
	shift 3
	config=$(jq -nc --arg name "$name" '{
		metadata: {name: $name}, image: {image: "localhost/busybox:local"},
		command: $ARGS.positional, log_path: ($name + ".log"),
		linux: {security_context: {namespace_options: {network: "POD", pid: "CONTAINER", ipc: "POD"}}}
	} | '"$filter" --args -- "$@")
	run cri CreateContainer "$(jq -nc --arg p "$(cat "$CRI/pod-$pod")" --argjson c "$config" \
		--slurpfile s "$CRI/pod-$pod.json" '{pod_sandbox_id: $p, config: $c, sandbox_config: $s[0]}')"
	assert_success
	CTR=$(echo "$output" | jq -r .container_id)
	echo "$CTR" > "$CRI/ctr-$name"
	run cri StartContainer "$(jq -nc --arg c "$CTR" '{container_id: $c}')"
	assert_success
}

# The web pod's container "app" (sleeps), made by the first test that needs it.
app_container() {
	web_pod
	[ -s "$CRI/ctr-app" ] || start_container web app . sh -c 'echo hello-from-app; echo to-stderr >&2; exec sleep 100000'
	CTR=$(cat "$CRI/ctr-app")
}

# ContainerStatus's status of container $1.
ctr_status() {
	cri ContainerStatus "$(jq -nc --arg c "$1" '{container_id: $c}')" | jq -c .status
}

# Wait until container $1 has exited (its status then on stdout).
wait_exited() {
	local s
	for _ in $(seq 100); do
		s=$(ctr_status "$1")
		[ "$(echo "$s" | jq -r .state)" = CONTAINER_EXITED ] && break
		sleep 0.2
	done
	echo "$s"
}

# exec_sync ID CMD...: ExecSync (its response in $output).
exec_sync() {
	local id=$1
	shift
	run cri ExecSync "$(jq -nc --arg c "$id" '{container_id: $c, cmd: $ARGS.positional, timeout: 30}' --args -- "$@")"
	assert_success
}

# The host pid of container $1, from skiff's own state.
ctr_pid() {
	"$SKIFF" --root "$CRI_STATE" state "$1" | jq -r .pid
}

# cgroup_file PID CONTROLLER FILE: FILE in PID's v1 cgroup of CONTROLLER.
cgroup_file() {
	echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$1/cgroup")/$3"
}

@test "cri: containerd's CRI plugin answers, and the offline images are in" {
	run cri Version
	assert_success
	echo "$output" | jq -e '.runtime_name == "containerd" and .runtime_api_version == "v1"'
	run cri ListImages
	assert_success
	echo "$output" | jq -e '[.images[].repo_tags[]] | index("localhost/pause:local") and index("localhost/busybox:local")'
}

@test "cri: RunPodSandbox with the handler skiff runs the pause container under skiff, on the CNI bridge" {
	web_pod
	run cri PodSandboxStatus "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	assert_success
	echo "$output" | jq -e '.status.state == "SANDBOX_READY" and .status.runtime_handler == "skiff"'
	# an address of the bridge's host-local range
	echo "$output" | jq -e --arg n "$CRI_SUBNET." '.status.network.ip | startswith($n)'
	# skiff made it: its state is in the shim's root for skiff, running
	# the pause image's entrypoint, a child of the shim
	run "$SKIFF" --root "$CRI_STATE" state "$POD"
	assert_success
	echo "$output" | jq -e '.status == "running"'
	pid=$(echo "$output" | jq .pid)
	assert_equal "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "/bin/sleep infinity "
	assert_equal "$(cat "/proc/$(awk '{print $4}' "/proc/$pid/stat")/comm")" containerd-shim
	# in the pod's cgroup, under the cgroup_parent given
	grep -q ":memory:/$CRI_CGROUP/$POD\$" "/proc/$pid/cgroup"
}

@test "cri: CreateContainer and StartContainer run busybox in the pod; ContainerStatus says running" {
	app_container
	run ctr_status "$CTR"
	echo "$output" | jq -e '.state == "CONTAINER_RUNNING" and .started_at > 0 and .metadata.name == "app"'
	run "$SKIFF" --root "$CRI_STATE" state "$CTR"
	assert_success
	echo "$output" | jq -e '.status == "running"'
	pid=$(echo "$output" | jq .pid)
	assert_equal "$(tr '\0' ' ' < "/proc/$pid/cmdline")" "sleep 100000 "
}

@test "cri: ExecSync gives the command's exit code, stdout and stderr" {
	app_container
	exec_sync "$CTR" sh -c 'echo out-$((6 * 7)); echo err-line >&2; exit 3'
	echo "$output" | jq -e '.exit_code == 3 and .stdout == "out-42\n" and .stderr == "err-line\n"'
	# in the container: its hostname is the pod's, its address the pod's
	exec_sync "$CTR" sh -c 'hostname; ip -4 -o addr show eth0'
	echo "$output" | jq -e '.exit_code == 0'
	run jq -r .stdout <<< "$output"
	assert_line --index 0 web
	assert_line --index 1 --partial "inet $CRI_SUBNET."
	# a program that is not there: skiff's error, in runc's words, which
	# the shim and containerd pass on
	run cri ExecSync "$(jq -nc --arg c "$CTR" '{container_id: $c, cmd: ["no-such-program"], timeout: 30}')"
	assert_failure
	assert_output --partial 'exec: "no-such-program": executable file not found in $PATH'
}

@test "cri: the container's log file, written through the shim, holds its output in the CRI format" {
	app_container
	local log=$CRI/logs/web/app.log
	for _ in $(seq 50); do [ "$(wc -l < "$log" 2> /dev/null)" -ge 2 ] && break; sleep 0.1; done
	run cat "$log"
	assert_line --regexp '^[0-9T:.-]+Z stdout F hello-from-app$'
	assert_line --regexp '^[0-9T:.-]+Z stderr F to-stderr$'
	run ctr_status "$CTR"
	echo "$output" | jq -e --arg l "$log" '.log_path == $l'
}

@test "cri: a second container in the pod shares the pod's network and IPC namespaces, not its pid namespace" {
	app_container
	start_container web sidecar . sleep 100000
	local app pause side ns
	app=$(ctr_pid "$(cat "$CRI/ctr-app")")
	side=$(ctr_pid "$CTR")
	pause=$(ctr_pid "$(cat "$CRI/pod-web")")
	for ns in net ipc uts; do
		assert_equal "$(readlink "/proc/$side/ns/$ns")" "$(readlink "/proc/$pause/ns/$ns")"
		assert_equal "$(readlink "/proc/$app/ns/$ns")" "$(readlink "/proc/$pause/ns/$ns")"
	done
	[ "$(readlink "/proc/$side/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	# pid: CONTAINER, as kubelet asks by default
	[ "$(readlink "/proc/$side/ns/pid")" != "$(readlink "/proc/$app/ns/pid")" ]
	# the same network seen from inside: the app's address
	exec_sync "$CTR" ip -4 -o addr show eth0
	ip=$(cri PodSandboxStatus "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')" | jq -r .status.network.ip)
	echo "$output" | jq -e --arg ip "inet $ip/" '.stdout | contains($ip)'
}

@test "cri: UpdateContainerResources sets memory and cpu, visible in the cgroup files" {
	need_cgroup_v1
	app_container
	local req
	req=$(jq -nc --arg c "$CTR" '{container_id: $c,
		linux: {memory_limit_in_bytes: 67108864, cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512}}')
	run cri UpdateContainerResources "$req"
	assert_success
	pid=$(ctr_pid "$CTR")
	assert_equal "$(cat "$(cgroup_file "$pid" memory memory.limit_in_bytes)")" 67108864
	assert_equal "$(cat "$(cgroup_file "$pid" cpu cpu.cfs_quota_us)")" 50000
	assert_equal "$(cat "$(cgroup_file "$pid" cpu cpu.cfs_period_us)")" 100000
	assert_equal "$(cat "$(cgroup_file "$pid" cpu cpu.shares)")" 512
	run ctr_status "$CTR"
	echo "$output" | jq -e '.resources.linux.memory_limit_in_bytes == 67108864 and .resources.linux.cpu_quota == 50000'
	# and again, lower
	run cri UpdateContainerResources "$(echo "$req" | jq -c '.linux.memory_limit_in_bytes = 33554432 | .linux.cpu_quota = 20000')"
	assert_success
	assert_equal "$(cat "$(cgroup_file "$pid" memory memory.limit_in_bytes)")" 33554432
	assert_equal "$(cat "$(cgroup_file "$pid" cpu cpu.cfs_quota_us)")" 20000
}

@test "cri: ListContainers and ContainerStats" {
	app_container
	run cri ListContainers "$(jq -nc --arg p "$POD" '{filter: {pod_sandbox_id: $p}}')"
	assert_success
	echo "$output" | jq -e --arg c "$CTR" '[.containers[] | select(.id == $c)][0]
		| .state == "CONTAINER_RUNNING" and .metadata.name == "app" and .image_ref != ""'
	# a filter on the state
	run cri ListContainers "$(jq -nc --arg c "$CTR" '{filter: {id: $c, state: {state: "CONTAINER_EXITED"}}}')"
	assert_success
	echo "$output" | jq -e '.containers | length == 0'
	# stats, from the container's cgroups (the shim asks skiff for none)
	exec_sync "$CTR" sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done'
	run cri ContainerStats "$(jq -nc --arg c "$CTR" '{container_id: $c}')"
	assert_success
	echo "$output" | jq -e --arg c "$CTR" '.stats.attributes.id == $c
		and .stats.cpu.usage_core_nano_seconds.value > 0
		and .stats.memory.working_set_bytes.value > 0'
}

@test "cri: StopContainer sends SIGTERM, and SIGKILL after the grace period" {
	web_pod
	# one that exits on SIGTERM
	start_container web polite . sh -c 'trap "echo got-term; exit 0" TERM; echo ready; sleep 100000 & wait'
	local polite=$CTR
	# one that only notes it, and must be killed
	start_container web stubborn . sh -c 'trap "echo term-seen" TERM; echo ready; while :; do sleep 1 & wait; done'
	local stubborn=$CTR
	for f in polite stubborn; do
		for _ in $(seq 50); do grep -q ready "$CRI/logs/web/$f.log" 2> /dev/null && break; sleep 0.1; done
	done
	run cri StopContainer "$(jq -nc --arg c "$polite" '{container_id: $c, timeout: 30}')"
	assert_success
	run ctr_status "$polite"
	echo "$output" | jq -e '.state == "CONTAINER_EXITED" and .exit_code == 0 and .finished_at > 0'
	grep -q 'stdout F got-term$' "$CRI/logs/web/polite.log"
	run cri StopContainer "$(jq -nc --arg c "$stubborn" '{container_id: $c, timeout: 2}')"
	assert_success
	run ctr_status "$stubborn"
	# SIGTERM came first, then SIGKILL: 128 + 9
	echo "$output" | jq -e '.state == "CONTAINER_EXITED" and .exit_code == 137'
	grep -q 'stdout F term-seen$' "$CRI/logs/web/stubborn.log"
	for c in "$polite" "$stubborn"; do
		run cri RemoveContainer "$(jq -nc --arg c "$c" '{container_id: $c}')"
		assert_success
		# skiff's state of it is gone
		[ ! -e "$CRI_STATE/$c" ]
	done
}

@test "cri: a container whose command fails shows its exit code; a missing program fails StartContainer" {
	web_pod
	start_container web failing . sh -c 'echo failing; exit 7'
	run wait_exited "$CTR"
	echo "$output" | jq -e '.state == "CONTAINER_EXITED" and .exit_code == 7 and .reason == "Error"'
	# the program is looked up by skiff: its error reaches the CRI caller
	local config
	config=$(jq -nc '{metadata: {name: "missing"}, image: {image: "localhost/busybox:local"},
		command: ["/no/such/program"], log_path: "missing.log"}')
	run cri CreateContainer "$(jq -nc --arg p "$POD" --argjson c "$config" --slurpfile s "$CRI/pod-web.json" \
		'{pod_sandbox_id: $p, config: $c, sandbox_config: $s[0]}')"
	assert_success
	local id
	id=$(echo "$output" | jq -r .container_id)
	run cri StartContainer "$(jq -nc --arg c "$id" '{container_id: $c}')"
	assert_failure
	assert_output --partial "no such file or directory"
	run ctr_status "$id"
	echo "$output" | jq -e '.state == "CONTAINER_EXITED" and .exit_code != 0'
}

@test "cri: runAsUser and readOnlyRootFilesystem" {
	web_pod
	start_container web restricted '.linux.security_context += {run_as_user: {value: 1000},
		run_as_group: {value: 1000}, readonly_rootfs: true}' sleep 100000
	exec_sync "$CTR" id
	echo "$output" | jq -e '.stdout | startswith("uid=1000 gid=1000")'
	pid=$(ctr_pid "$CTR")
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 1000
	exec_sync "$CTR" touch /new-file
	echo "$output" | jq -e '.exit_code != 0 and (.stderr | contains("Read-only file system"))'
	# the writable mounts the CRI adds stay writable
	exec_sync "$CTR" sh -c 'echo x > /dev/shm/f && cat /dev/shm/f'
	echo "$output" | jq -e '.exit_code == 0 and .stdout == "x\n"'
}

@test "cri: an OOM-killed container reports the reason OOMKilled" {
	# Seen in CI: with an ASan build the container does not end as
	# OOMKilled/137 (the init, an ASan-built copy of skiff until it execs,
	# runs under the 16 MB limit too); the gcc build passes.
	skiff_sanitized && skip "OOMKilled under a 16 MB limit with a sanitizer build of skiff (open question)"
	web_pod
	# dd's one 64 MB buffer in a 16 MB limit
	start_container web hungry '.linux.resources = {memory_limit_in_bytes: 16777216}' \
		dd if=/dev/zero of=/dev/null bs=64M count=1
	run wait_exited "$CTR"
	# the shim sends the OOM event and the exit event apart: containerd
	# may record the reason a moment after the exit
	for _ in $(seq 25); do
		echo "$output" | jq -e '.reason == "OOMKilled"' > /dev/null && break
		sleep 0.2
		run ctr_status "$CTR"
	done
	echo "$output" | jq -e '.state == "CONTAINER_EXITED" and .exit_code == 137 and .reason == "OOMKilled"'
}

@test "cri: a hostNetwork pod without a RuntimeClass runs under skiff, the default runtime, in the host's network" {
	run_pod hostnet "" '.linux.security_context.namespace_options.network = "NODE" | del(.hostname)'
	run cri PodSandboxStatus "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	assert_success
	echo "$output" | jq -e '.status.state == "SANDBOX_READY"'
	start_container hostnet hostapp '.linux.security_context.namespace_options.network = "NODE"' sleep 100000
	# skiff ran both
	"$SKIFF" --root "$CRI_STATE" state "$POD" | jq -e '.status == "running"'
	pid=$(ctr_pid "$CTR")
	assert_equal "$(readlink "/proc/$pid/ns/net")" "$(readlink /proc/self/ns/net)"
	exec_sync "$CTR" hostname
	echo "$output" | jq -e --arg h "$(hostname)" '.stdout == $h + "\n"'
	cri StopPodSandbox "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	cri RemovePodSandbox "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	[ ! -e "$CRI_STATE/$POD" ]
	[ ! -e "$CRI_STATE/$CTR" ]
	process_alive "$pid" && fail "the hostNetwork pod's container $pid is still there"
	rm "$CRI/pod-hostnet" "$CRI/ctr-hostapp"
}

@test "cri: an unknown RuntimeClass handler is refused" {
	run cri RunPodSandbox "$(jq -nc --argjson c "$(pod_config nohandler)" '{config: $c, runtime_handler: "no-such-handler"}')"
	assert_failure
	assert_output --partial "no-such-handler"
}

@test "cri: StopPodSandbox and RemovePodSandbox leave no process, mount, cgroup, netns or state" {
	app_container
	local ids=("$POD") pids=() id netns
	for f in "$CRI"/ctr-*; do ids+=("$(cat "$f")"); done
	for id in "${ids[@]}"; do
		[ -d "$CRI_STATE/$id" ] && pids+=("$(ctr_pid "$id")")
	done
	[ "${#pids[@]}" -ge 2 ]
	netns=$(ip netns identify "${pids[0]}")
	[ -n "$netns" ]
	run cri StopPodSandbox "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	assert_success
	run cri RemovePodSandbox "$(jq -nc --arg p "$POD" '{pod_sandbox_id: $p}')"
	assert_success
	rm -f "$CRI/pod-web" "$CRI"/ctr-*
	local pid
	for pid in "${pids[@]}"; do
		process_alive "$pid" && fail "process $pid of the pod is still there"
	done
	for id in "${ids[@]}"; do
		[ ! -e "$CRI_STATE/$id" ] || fail "skiff's state of $id is still there"
		grep -q "$id" /proc/self/mountinfo && fail "a mount of $id is still there"
		local d
		for d in /sys/fs/cgroup/*/"$CRI_CGROUP/$id"; do
			[ -d "$d" ] && fail "cgroup $d is still there"
		done
	done
	[ ! -e "/var/run/netns/$netns" ] || fail "network namespace $netns is still there"
	# no shim for it either, and the address is given back
	pgrep -f "containerd-shim-runc-v2 .*-id $POD" && fail "the pod's shim is still there"
	local f
	for f in "$CRI/ipam/skiff-cri"/*; do
		case ${f##*/} in
		lock | last_reserved_ip*) ;;
		*) fail "address ${f##*/} is still reserved" ;;
		esac
	done
	# nothing else of skiff's under the shim's root
	assert_equal "$(ls "$CRI_STATE")" ""
}

need_cgroup_v1() {
	local c
	for c in memory cpu; do
		[ -d "/sys/fs/cgroup/$c" ] || skip "reads cgroup v1 files: no v1 $c controller here"
	done
}
