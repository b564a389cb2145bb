#!/usr/bin/env bats
# CVE-2019-5736 performed for real: a malicious image tries to overwrite the
# runtime binary on the host.  Every test attacks a copy of skiff (so a
# failure cannot damage the build) and checks that copy's sha256 after.
#  - Route A, the original exploit: the image's /bin/sh is a script
#    "#!/proc/self/exe", the image carries glibc, skiff's libraries and an
#    /etc/ld.so.preload library (tests/attacks/exe-grab.c).  If the process
#    that execs the container's program is still the runtime, the kernel
#    runs the runtime's own binary in the container, ld.so runs the library
#    and a writer it leaves behind waits for the binary to be free.
#  - Route B: a process with CAP_SYS_PTRACE in a created container opens
#    /proc/1/exe (the waiting init) and writes through it after `start`
#    (tests/attacks/exe-writer.c, which route A uses too).

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	make_bundle_template
	[ "$(id -u)" = 0 ] || return 0
	local src=$TESTS_SRCDIR/attacks
	gcc -shared -fPIC -O2 -o "$BATS_FILE_TMPDIR/exe-grab.so" "$src/exe-grab.c"
	gcc -static -O2 -o "$BATS_FILE_TMPDIR/exe-writer" "$src/exe-writer.c"
}

setup() {
	setup_bundle_copy
	VICTIM=$BATS_TEST_TMPDIR/skiff-copy
	cp "$(readlink -f "$SKIFF")" "$VICTIM"
	SUM=$(sha256sum < "$VICTIM")
	ROOTFS=$BUNDLE/rootfs
	# the payloads note what happened in /attack.log
	update_config '.root.readonly = false'
	cp "$BATS_FILE_TMPDIR/exe-writer" "$ROOTFS/exe-writer"
}

teardown() {
	local id
	for id in $("$VICTIM" --root "$ROOT" list -q 2>/dev/null); do
		"$VICTIM" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	kill_leftovers
	# the victim may be examples/run-bundle, which has no delete: the
	# real skiff removes what is left (its cgroups stayed otherwise)
	teardown_containers
}

victim() {
	"$VICTIM" --root "$ROOT" "$@"
}

# The image of route A: glibc and every library of skiff's at the host's
# paths, the preloaded payload, and /bin/sh a script run by /proc/self/exe.
arm_image() {
	local lib
	for lib in $(ldd "$VICTIM" | grep -oE '/[^ ]+'); do
		mkdir -p "$ROOTFS$(dirname "$lib")"
		cp -L "$lib" "$ROOTFS$lib"
	done
	cp "$BATS_FILE_TMPDIR/exe-grab.so" "$ROOTFS/lib/exe-grab.so"
	echo /lib/exe-grab.so > "$ROOTFS/etc/ld.so.preload"
	rm "$ROOTFS/bin/sh"
	printf '#!/proc/self/exe\n' > "$ROOTFS/bin/sh"
	chmod 755 "$ROOTFS/bin/sh"
}

# Wait (up to 15 s) for the payload's last word in /attack.log, if it ever
# ran; print the log.
attack_outcome() {
	local i
	for i in $(seq 150); do
		grep -qE '^(overwrote|write-failed|open-for-write|open-exe|gave-up-busy) ' \
			"$ROOTFS/attack.log" 2>/dev/null && break
		# nothing of the payload ran at all: no need to wait long
		[ "$i" -ge 30 ] && [ ! -e "$ROOTFS/attack.log" ] && break
		sleep 0.1
	done
	cat "$ROOTFS/attack.log" 2>/dev/null || echo "(the payload never ran)"
}

assert_binary_intact() {
	run attack_outcome
	echo "$output"
	refute_line --partial overwrote
	[ "$(sha256sum < "$VICTIM")" = "$SUM" ]
}

@test "CVE-2019-5736 route A: '#!/proc/self/exe' as the container's process cannot overwrite skiff (run -d)" {
	arm_image
	set_args /bin/sh
	run_detached victim run -d ctr
	assert_binary_intact
}

@test "CVE-2019-5736 route A: '#!/proc/self/exe' as the container's process cannot overwrite skiff (create + start)" {
	arm_image
	set_args /bin/sh
	run_detached victim create ctr
	[ "$status" -eq 0 ]
	run_detached victim start ctr
	assert_binary_intact
}

@test "CVE-2019-5736 route A: exec of '#!/proc/self/exe' cannot overwrite skiff" {
	arm_image
	set_args /bin/busybox sleep 100
	run_detached victim run -d ctr
	[ "$status" -eq 0 ]
	# the stub refuses to be an interpreter: 127
	run -127 victim exec ctr /bin/sh
	assert_binary_intact
}

@test "CVE-2019-5736 route B: a process with CAP_SYS_PTRACE cannot write through the created init's /proc/1/exe" {
	set_args /bin/busybox sleep 100
	run_detached victim create ctr
	[ "$status" -eq 0 ]
	run_detached victim exec -d --cap CAP_SYS_PTRACE ctr /exe-writer
	[ "$status" -eq 0 ]
	wait_for_path "$ROOTFS/attack.log"
	# it holds the exe (or was refused) before the container starts
	sleep 0.2
	run_detached victim start ctr
	[ "$status" -eq 0 ]
	assert_binary_intact
	# the attack was made: the exe was opened, the write refused
	assert_line 'holding ok'
	assert_line --regexp '^open-for-write '
}

@test "CVE-2019-5736 route A: a program embedding libskiff is not overwritten either" {
	example=$TESTS_BUILDDIR/../examples/run-bundle
	[ -x "$example" ] || skip "examples/run-bundle is not built (make check builds it)"
	# the program under attack: a copy of the example
	cp "$example" "$VICTIM"
	SUM=$(sha256sum < "$VICTIM")
	arm_image
	set_args /bin/sh
	# detached: the program has exited while the container runs
	run_detached "$VICTIM" -d "$BUNDLE" ctr "$ROOT"
	assert_binary_intact
}
