#!/bin/sh
# Make what tests/vm/run-in-vm.sh boots: Debian's kernel, uncompressed, and a
# busybox initramfs that loads the virtio and 9p modules and hands over to
# the per-run guest script (tests/vm/guest.sh) on a tmpfs root, with sets
# of more modules the guest loads when a run asks (run-in-vm.sh --modules).
#   usage: prepare.sh [CACHEDIR]      (default: build/vm)
# The kernel comes from the linux-image-*-amd64 package that
# linux-image-amd64 depends on, fetched with `apt-get download` and unpacked
# with `dpkg-deb -x`: installing it would rebuild the host's initrds and
# pull in systemd upgrades.  Its bzImage is xz-compressed, and under
# software emulation the kernel's own decompressor costs ~5 s per boot, so
# the ELF vmlinux inside is extracted once and booted directly (QEMU's PVH
# entry).  Everything lands in CACHEDIR, with a stamp: a second run with
# this same script does nothing.  Needs root (the initramfs holds
# /dev/console), busybox-static (also its cpio), xz-utils and apt.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-build/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# The modules the guest needs, in no particular order: dependencies are
# added and ordered below.  virtio_pci finds QEMU's devices; 9p shares the
# host's trees; null_blk makes a block device, /dev/nullb0, for the tests of
# per-device I/O limits (the VM has no disk).
modules="virtio_pci 9pnet_virtio 9p null_blk"
# The sets loaded on request, "NAME: MODULES" (each its own dependencies,
# but those of the boot set).  criu: what criu 3.17's kernel probe and its
# dump of a network namespace use (its check fails without them:
# "Unable to create a veth pair", "Protocol not supported" for the
# sock_diag ones, nf_tables with concatenated sets, conntrack over netlink,
# iptables-nft's mark match for the network lock).  crc32c_generic first:
# libcrc32c (for nf_tables) needs a crc32c and names none.  Loading them
# costs seconds under emulation: only runs that need them do.
module_sets="criu: crc32c_generic nf_tables nf_conntrack_netlink nft_compat xt_mark veth tun
	netlink_diag unix_diag inet_diag tcp_diag udp_diag raw_diag af_packet_diag"

# One at a time (two make runs may share the cache).
exec 9>"$cache/lock"
flock 9
# (init.sh is baked into the initramfs: a change there makes a new one too)
stamp=$(cat "$0" "$here/init.sh" | md5sum | cut -d' ' -f1)
if [ -f "$cache/vmlinux" ] && [ -f "$cache/initramfs.cpio" ] &&
	[ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
for tool in busybox xz apt-get dpkg-deb; do
	command -v "$tool" >/dev/null || { echo "prepare.sh: $tool is missing" >&2; exit 1; }
done
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
	echo "prepare.sh: $busybox is not static: apt-get install busybox-static" >&2
	exit 1
fi

work=$cache/work
rm -rf "$work" "$cache/stamp"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# The versioned kernel package (apt-cache reads the local lists: no network).
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
if [ -z "$pkg" ]; then
	echo "prepare.sh: no linux-image-*-amd64 package known to apt (apt-get update?)" >&2
	exit 1
fi
(cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) || {
	echo "prepare.sh: apt-get download $pkg failed" >&2
	exit 1
}
dpkg-deb -x "$work"/"$pkg"_*.deb "$work/pkg"
kver=$(ls "$work/pkg/lib/modules")

# vmlinux: the xz stream inside the bzImage starts at its magic bytes.
vmlinuz=$work/pkg/boot/vmlinuz-$kver
offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
if [ -z "$offset" ]; then
	echo "prepare.sh: $vmlinuz holds no xz stream" >&2
	exit 1
fi
tail -c +$((offset + 1)) "$vmlinuz" | xz -dc --single-stream > "$work/vmlinux"

# Modules with their dependencies (each .ko names them in .modinfo's
# depends=), dependencies first: the order they are insmod'ed in, one
# order file per set (order: the boot set).
moddir=$work/pkg/lib/modules/$kver/kernel
find "$moddir" -name '*.ko' > "$work/all-modules"
ko_of() {
	grep -m1 "/$(echo "$1" | sed 's/[_-]/[_-]/g')\.ko$" "$work/all-modules"
}
mkdir -p "$work/orders"
: > "$work/orders/order"
add_module() { # MODULE ORDER-FILE
	cat "$work/orders/order" "$2" | grep -qx "$1" && return 0
	ko=$(ko_of "$1")
	[ -n "$ko" ] || { echo "prepare.sh: module $1 not found in $pkg" >&2; exit 1; }
	for dep in $(tr '\0' '\n' < "$ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep" "$2"
	done
	echo "$1" >> "$2"
}
for m in $modules; do
	add_module "$m" "$work/orders/order"
done
echo "$module_sets" | while read -r line; do
	case $line in
	*:*) set_name=${line%%:*} line=${line#*:} ;;
	esac
	[ -f "$work/orders/$set_name.order" ] || : > "$work/orders/$set_name.order"
	for m in $line; do
		add_module "$m" "$work/orders/$set_name.order"
	done
done

# The initramfs: busybox, the modules, /init.
ird=$work/initramfs
mkdir -p "$ird/bin" "$ird/dev" "$ird/proc" "$ird/sys" "$ird/newroot" "$ird/modules"
cp "$busybox" "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
mknod -m 600 "$ird/dev/console" c 5 1
cat "$work"/orders/* | while read -r m; do
	cp "$(ko_of "$m")" "$ird/modules/$m.ko"
done
cp "$work"/orders/* "$ird/modules/"
cp "$here/init.sh" "$ird/init"
chmod 755 "$ird/init"
(cd "$ird" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) > "$work/initramfs.cpio"

mv "$work/vmlinux" "$cache/vmlinux"
mv "$work/initramfs.cpio" "$cache/initramfs.cpio"
echo "$kver" > "$cache/kernel-version"
echo "$stamp" > "$cache/stamp"
