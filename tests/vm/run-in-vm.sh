#!/bin/bash
# Boot a throw-away QEMU VM on pure cgroup v2 and run a command in it as
# root, with the host's directories visible at the same paths:
#   run-in-vm.sh [OPTIONS] [--] COMMAND [ARG...]
#   run-in-vm.sh [OPTIONS] --bats [BATS OPTIONS] FILE...
# The command's stdout and stderr stream to ours, and its exit status is
# ours.  With --bats it is `bats --tap ...`, and a last line
# "N passed, N failed, N skipped" counts the TAP results.  If the VM dies
# or never gets to the command, the exit status is 125 and the end of the
# console log is printed.
#
# Options:
#   --systemd         the host's systemd (252, from the shared /usr) is PID
#                     1; the command runs as the oneshot unit
#                     vm-command.service (Delegate=yes), with dbus
#   --modules SET     load a module set of tests/vm/prepare.sh before the
#                     command (repeatable): "criu", what criu needs
#   --share DIR       also share DIR read-write (repeatable).  Always shared:
#                     the source tree this script is in, and the current
#                     directory unless it is / (a directory inside another
#                     share is not shared again); /usr and /etc read-only,
#                     /etc at /.vm/hostetc, with links to it in the
#                     guest's own /etc
#   -e NAME[=VALUE]   put NAME into the command's environment (repeatable);
#                     without a value, ours.  The command always gets PATH,
#                     HOME=/root, LANG=C.UTF-8
#   --cache DIR       the kernel and initramfs (default: build/vm under the
#                     source tree), made there by tests/vm/prepare.sh when
#                     missing or out of date
#   --timeout SECS    wall-clock limit for the whole VM (default 900)
#   --console FILE    keep the VM's console log there
# VM_DEBUG=1 in the environment traces the guest's set-up on the console.
#
# The VM (see ../../../shared/VM.md for why each choice): software
# emulation (-accel tcg: /dev/kvm here only runs special guest kernels),
# Debian's kernel with cgroup_no_v1=all, 2 CPUs, 2 GiB, no network, the
# directories over virtio-9p.  In the guest (tests/vm/guest.sh) / is a
# tmpfs (pivot_root works), with /proc, /sys, /dev, /dev/pts, /dev/shm,
# /tmp, /run, cgroup2 at /sys/fs/cgroup with cpuset cpu io memory hugetlb
# pids rdma misc enabled for the root's children, and the command in the
# leaf /vm-command.  Host binaries (bash, bats, jq, busybox) run from the
# shared /usr.  Everything inside is slow: ~5x for computation, ~50x per
# container runtime invocation, so run a whole suite in one VM.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)

mode=plain bats=false timeout=900 cache=$srcdir/build/vm console='' modules=''
shares=("$srcdir")
envs=()
usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--systemd) mode=systemd ;;
	--bats) bats=true; shift; break ;;
	--share) shares+=("$(cd "$2" && pwd)"); shift ;;
	--modules) modules="${modules:+$modules }$2"; shift ;;
	-e) envs+=("$2"); shift ;;
	--cache) cache=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--console) console=$2; shift ;;
	--help | -h) usage ;;
	--) shift; break ;;
	-*) echo "run-in-vm.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || usage
[ "$(pwd)" = / ] || shares+=("$(pwd)")

qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	echo "run-in-vm.sh: qemu-system-x86_64 is missing: apt-get install qemu-system-x86" >&2
	exit 125
fi
"$here/prepare.sh" "$cache" || exit 125
cache=$(cd "$cache" && pwd)

run=$(mktemp -d /tmp/skiff-vm.XXXXXX)
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$run"
cp "$here/guest.sh" "$run/guest.sh"
printf 'VM_MODE=%q\nVM_CWD=%q\nVM_DEBUG=%q\nVM_MODULES=%q\n' "$mode" "$(pwd)" "${VM_DEBUG:-}" \
	"$modules" > "$run/config"

# The command, as a bash script (its arguments quoted as given).
{
	if $bats; then
		printf 'exec bats --tap'
	else
		printf 'exec'
	fi
	printf ' %q' "$@"
	printf '\n'
} > "$run/command"
{
	printf 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'
	printf 'export HOME=/root LANG=C.UTF-8\n'
	for e in "${envs[@]}"; do
		name=${e%%=*}
		if [ "$name" = "$e" ]; then
			[ -n "${!name+set}" ] || continue
			value=${!name}
		else
			value=${e#*=}
		fi
		printf 'export %s=%q\n' "$name" "$value"
	done
} > "$run/env"

# Shares: the host's /usr and /etc read-only, then each directory not
# inside one already shared.
virtfs=()
n=0
add_share() { # TAG MODE PATH [PATH IN THE GUEST]
	local ro=
	[ "$2" = ro ] && ro=,readonly=on
	virtfs+=(-virtfs "local,path=$3,mount_tag=$1,security_model=passthrough$ro")
	echo "$1 $2 ${4:-$3}" >> "$run/shares"
}
add_share usr ro /usr
add_share hostetc ro /etc /.vm/hostetc
mapfile -t sorted < <(printf '%s\n' "${shares[@]}" | sort -u)
kept=()
for dir in "${sorted[@]}"; do
	inside=false
	for k in "${kept[@]}"; do
		case $dir/ in "$k"/*) inside=true ;; esac
	done
	[ "$dir" = / ] && { echo "run-in-vm.sh: cannot share /" >&2; exit 2; }
	if ! $inside; then
		kept+=("$dir")
		add_share "share$n" rw "$dir"
		n=$((n + 1))
	fi
done
# The host's top-level links into /usr (/bin -> usr/bin on Debian 12).
for l in /*; do
	if [ -L "$l" ]; then
		case $(readlink "$l") in usr/* | /usr/*) echo "${l#/} $(readlink "$l")" >> "$run/links" ;; esac
	fi
done
touch "$run/links" "$run/output"

cmdline="console=ttyS0 quiet panic=-1 mitigations=off tsc=reliable cgroup_no_v1=all"
cmdline="$cmdline systemd.unified_cgroup_hierarchy=1"
[ -n "$console" ] || console=$run/console.log
start=$(date +%s)
timeout -k 10 "$timeout" "$qemu" -accel tcg -cpu max -smp 2 -m 2048 \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial "file:$console" -monitor none \
	-kernel "$cache/vmlinux" -initrd "$cache/initramfs.cpio" -append "$cmdline" \
	-virtfs "local,path=$run,mount_tag=vmrun,security_model=passthrough" \
	"${virtfs[@]}" </dev/null &
qemu_pid=$!
# Stream the output while the VM runs.
tail -n +1 -f --pid="$qemu_pid" "$run/output" &
tail_pid=$!
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=
wait "$tail_pid" || true
end=$(date +%s)

status=125
if [ -f "$run/status" ]; then
	status=$(cat "$run/status")
	echo "run-in-vm.sh: ${mode} VM, $((end - start)) s, exit status $status" >&2
else
	if [ "$qemu_status" = 124 ]; then
		echo "run-in-vm.sh: the VM did not finish in $timeout s" >&2
	else
		echo "run-in-vm.sh: the VM stopped without running the command (qemu: $qemu_status)" >&2
	fi
	echo "---- the end of the VM's console ($console):" >&2
	tail -40 "$console" >&2
fi
if $bats; then
	# Count the TAP lines (bats: "ok N name # skip reason" for a skip).
	skip=$(grep -E '^ok ' "$run/output" | grep -c ' # skip' || true)
	pass=$(($(grep -cE '^ok ' "$run/output" || true) - skip))
	fail=$(grep -cE '^not ok ' "$run/output" || true)
	# A VM that died, or bats failing outside any test (a bad file): one
	# more failure than the TAP says.
	if [ "$status" = 125 ] || { [ "$status" != 0 ] && [ "$fail" = 0 ]; }; then
		fail=$((fail + 1))
	fi
	echo "$pass passed, $fail failed, $skip skipped"
fi
exit "$status"
