#!/bin/sh
# Make an OCI bundle at DIR: a busybox-static rootfs with its applet
# symlinks, and the default config of `skiff spec` set to run ARGS
# (default: sh) without a terminal.
#   usage: make-bundle.sh DIR [ARGS...]
set -eu
dir=${1:?usage: make-bundle.sh DIR [ARGS...]}
shift
skiff=${SKIFF:-skiff}
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! ldd "$busybox" 2>&1 | grep -q "not a dynamic"; then
	echo "make-bundle.sh: a static busybox is needed: apt-get install busybox-static" >&2
	exit 1
fi
mkdir -p "$dir/rootfs"
cd "$dir/rootfs"
mkdir -p bin etc tmp proc sys dev root home usr/bin usr/sbin sbin var/tmp
cp "$busybox" bin/busybox
# One link per applet, all made by busybox in one process (chrooted, so they
# say /bin/busybox as the container sees it): a process per applet costs
# minutes in the emulated VM of tests/vm.  Without chroot (not root), one
# ln each.
if ! chroot . /bin/busybox --install -s /bin 2>/dev/null; then
	for applet in $(bin/busybox --list); do
		[ -e "bin/$applet" ] || ln -s busybox "bin/$applet"
	done
fi
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > etc/passwd
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > etc/group
cd ..
rm -f config.json
"$skiff" spec
if [ $# -eq 0 ]; then set -- sh; fi
# After "--args --" every argument is a string, even "-c".
config=$(jq '.process.terminal = false | .process.args = $ARGS.positional' config.json --args -- "$@")
printf '%s\n' "$config" > config.json
