#!/.vm/bin/busybox sh
# shellcheck shell=dash
# The guest side of tests/vm/run-in-vm.sh: run by busybox as PID 1 on the
# VM's tmpfs root once the initramfs (tests/vm/init.sh) switched to it, from
# the run directory the host shares at /.vm/run.  That directory holds:
#   config   VM_MODE (plain or systemd), VM_CWD and VM_MODULES (the module
#            sets of tests/vm/prepare.sh to load), as shell assignments
#   shares   one "TAG MODE PATH" line per host directory to mount at PATH
#            (MODE ro or rw; the host's /usr, and its /etc at /.vm/hostetc,
#            are among them, read-only)
#   links    "NAME TARGET" lines: the host's top-level symlinks into /usr
#            (/bin -> usr/bin...), so host binaries run unchanged
#   env      the command's environment (export lines)
#   command  the command, a bash script
# and gets back "output" (the command's stdout and stderr, which the host
# streams as it grows) and "status" (its exit status).  No "status" after
# QEMU exits means the VM failed before or while running the command.
#
#   plain:   mount the API filesystems, cgroup2 at /sys/fs/cgroup with
#            every controller enabled for the children of the root, run the
#            command in the leaf cgroup /vm-command, power off.
#   systemd: the same mounts, then exec the host's systemd (from the shared
#            /usr) with slow or meaningless units masked; the command runs
#            as the oneshot unit vm-command.service (Delegate=yes), which
#            calls this script with --run and powers off.
B=/.vm/bin/busybox
run=/.vm/run
PATH=/.vm/bin
export PATH

fail() {
	echo "vm guest: $*" >&2
	$B sync
	$B poweroff -f
	exit 1
}

# Run the command: output and status go back to the host, then power off.
run_command() {
	# shellcheck disable=SC2016
	$B env -i /.vm/bin/busybox sh -c '
		[ -z "$1" ] || echo $$ > "$1/cgroup.procs"
		. /.vm/run/env
		cd "$2" 2>/dev/null || cd /
		exec /usr/bin/bash /.vm/run/command' sh "$1" "$VM_CWD" \
		</dev/null >$run/output 2>&1
	echo $? > $run/status.new
	$B mv $run/status.new $run/status
	$B sync
	$B poweroff -f
}

# shellcheck disable=SC1091
. $run/config
[ -z "${VM_DEBUG:-}" ] || set -x
if [ "${1:-}" = --run ]; then
	# In systemd mode, from vm-command.service: already in its own cgroup.
	run_command ""
fi

$B --install -s /.vm/bin
for set in ${VM_MODULES:-}; do
	[ -f "/.vm/modules/$set.order" ] || fail "no module set $set in the initramfs (tests/vm/prepare.sh)"
	while read -r m; do
		insmod "/.vm/modules/$m.ko" || fail "insmod $m (module set $set) failed"
	done < "/.vm/modules/$set.order"
done
mkdir -p /proc /sys /dev /tmp /run /etc /root /.vm/hostetc
mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
chmod 700 /root
hostname vm
ip link set lo up 2>/dev/null

# The host's trees, at the same paths.  /usr (read-only, and unchanging
# while the VM runs) is cached in the guest: far fewer 9p round trips.
while read -r tag mode path; do
	opts=trans=virtio,version=9p2000.L,msize=262144,$mode
	[ "$mode" = ro ] && opts=$opts,cache=loose
	if ! mkdir -p "$path" || ! mount -t 9p -o "$opts" "$tag" "$path"; then
		fail "mount $path ($tag)"
	fi
done < $run/shares
while read -r name target; do
	ln -s "$target" "/$name"
done < $run/links
[ -x /usr/bin/bash ] || fail "no /usr/bin/bash: is /usr shared?"

# /etc: the host's files (read-only, through symlinks), but what would make
# this VM mount the host's disks, start its services or take its identity.
for f in /.vm/hostetc/* /.vm/hostetc/.[!.]*; do
	name=${f##*/}
	case $name in
	'*' | '.[!.]*' | systemd | fstab | mtab | machine-id | hostname | init.d | rc?.d | \
		modules | modules-load.d | crypttab | binfmt.d | tmpfiles.d | .pwd.lock) ;;
	# read by every dynamic program: a copy spares 9p round trips at each exec
	ld.so.cache) cp "$f" /etc/ ;;
	*) ln -s "$f" "/etc/$name" ;;
	esac
done
ln -s ../proc/self/mounts /etc/mtab
echo vm > /etc/hostname
: > /etc/machine-id

if [ "$VM_MODE" = systemd ]; then
	d=/etc/systemd/system
	mkdir -p $d
	# Nothing here has hardware, disks, a network, users or time to sync;
	# each of these costs seconds under emulation.
	for u in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
		systemd-journal-flush.service systemd-random-seed.service systemd-update-utmp.service \
		systemd-timesyncd.service systemd-tmpfiles-setup.service \
		systemd-tmpfiles-setup-dev.service systemd-tmpfiles-clean.timer \
		systemd-machine-id-commit.service systemd-firstboot.service systemd-sysusers.service \
		systemd-pstore.service systemd-binfmt.service systemd-modules-load.service \
		systemd-remount-fs.service systemd-repart.service systemd-pcrphase-sysinit.service \
		systemd-hwdb-update.service ldconfig.service kmod-static-nodes.service \
		modprobe@.service sys-kernel-debug.mount sys-kernel-tracing.mount \
		sys-kernel-config.mount sys-fs-fuse-connections.mount dev-hugepages.mount \
		proc-sys-fs-binfmt_misc.automount apparmor.service keyboard-setup.service \
		console-setup.service cryptdisks.service cryptdisks-early.service \
		e2scrub_reap.service systemd-ask-password-console.path \
		systemd-ask-password-wall.path apt-daily.timer apt-daily-upgrade.timer \
		dpkg-db-backup.timer e2scrub_all.timer fstrim.timer man-db.timer \
		systemd-logind.service getty.target systemd-pcrphase.service systemd-sysctl.service \
		systemd-initctl.socket systemd-journald-audit.socket; do
		ln -s /dev/null "$d/$u"
	done
	# Generators too: they would read the host's /etc (fstab, init.d, ...).
	mkdir -p /etc/systemd/system-generators
	for g in /usr/lib/systemd/system-generators/*; do
		ln -s /dev/null "/etc/systemd/system-generators/${g##*/}"
	done
	cat > $d/vm-command.service <<-EOF
	[Unit]
	Description=the command of tests/vm/run-in-vm.sh
	Wants=dbus.socket
	After=basic.target dbus.socket
	[Service]
	Type=oneshot
	Delegate=yes
	ExecStart=$B sh $run/guest.sh --run
	EOF
	cat > $d/vm.target <<-EOF
	[Unit]
	Description=run tests/vm/run-in-vm.sh's command
	Requires=basic.target vm-command.service
	After=basic.target
	AllowIsolate=yes
	EOF
	# systemd mounts the rest (cgroup2 included) itself.
	# shellcheck disable=SC2093
	exec /usr/lib/systemd/systemd --unit=vm.target --show-status=false --log-level=warning \
		--log-target=console
	fail "exec systemd failed"
fi

mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
for c in cpuset cpu io memory hugetlb pids rdma misc; do
	echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || fail "cannot enable the $c controller"
done
mkdir /sys/fs/cgroup/vm-command
run_command /sys/fs/cgroup/vm-command
