#!/bin/sh
# /init of the initramfs tests/vm/prepare.sh makes (run by busybox in the
# VM that tests/vm/run-in-vm.sh boots).  It only does what must happen on
# the initramfs: load the virtio and 9p modules (in the dependency order
# prepare.sh wrote; the other sets go along for guest.sh to load when a run
# asks), make a tmpfs root (pivot_root, which every container
# runtime calls, fails with EINVAL while / is the initramfs), mount the
# run directory the host shares as "vmrun" in it and switch to it.  The rest
# is the host's tests/vm/guest.sh, copied there for each run, so changing it
# needs no new initramfs.
PATH=/bin
export PATH
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
die() {
	echo "vm init: $*" >&2
	/bin/busybox poweroff -f
}
while read -r m; do
	/bin/busybox insmod "/modules/$m.ko" || die "insmod $m failed"
done < /modules/order
/bin/busybox mount -t tmpfs -o mode=0755 root /newroot || die "no tmpfs root"
/bin/busybox mkdir -p /newroot/.vm/bin /newroot/.vm/run
/bin/busybox cp /bin/busybox /newroot/.vm/bin/busybox
/bin/busybox cp -a /modules /newroot/.vm/modules
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 vmrun /newroot/.vm/run ||
	die "cannot mount the run directory (9p tag vmrun)"
/bin/busybox umount /proc /sys /dev
exec /bin/busybox switch_root /newroot /.vm/bin/busybox sh /.vm/run/guest.sh
