#!/usr/bin/env bats
# The process of config.json: names, environment, cwd, identity, limits,
# privileges, sysctls, personality, and stdio, as the program sees them.

load helpers

setup() {
	setup_bundle
}

# Bits of /proc/self/status's capability masks, as 16 hex digits.
cap_mask() {
	local bit mask=0
	for bit in "$@"; do
		mask=$((mask | (1 << bit)))
	done
	printf '%016x\n' "$mask"
}

@test "hostname and domainname are visible inside" {
	update_config '.hostname = "skiff-host" | .domainname = "example.org"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname; uname -n'
	run skiff run ctr
	assert_success
	assert_output "$(printf 'skiff-host\nexample.org\nskiff-host')"
	# the host's names are untouched
	[ "$(hostname)" != skiff-host ]
}

@test "env is passed exactly, with HOME from /etc/passwd added when absent" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "MULTI=a=b=c"]'
	set_args env
	run skiff run ctr
	assert_success
	# root's entry in the bundle's /etc/passwd says /root
	assert_equal "$(echo "$output" | sort)" "$(printf 'EMPTY=\nFOO=bar baz\nHOME=/root\nMULTI=a=b=c\nPATH=/bin:/usr/bin' | sort)"
}

@test "env: HOME is the user's home in the container's /etc/passwd, / without an entry" {
	# runc 1.1.5, same bundle, env without HOME: uid 0 gets HOME=/root,
	# uid 1000 (u1000:x:1000:1000::/home/u1000:/bin/sh) /home/u1000, uid
	# 4242 (no entry) /; an empty "HOME=" is replaced; and an /etc/passwd
	# that is a symlink out of the root is read inside it (runc reads it
	# after pivot_root too).
	echo 'u1000:x:1000:1000::/home/u1000:/bin/sh' >> rootfs/etc/passwd
	set_args sh -c 'echo "$HOME"'
	for case in "0 /root" "1000 /home/u1000" "4242 /"; do
		set -- $case
		update_config --argjson u "$1" '.process.user = {uid: $u, gid: 0}'
		run skiff run ctr
		assert_success
		assert_output "$2"
	done
	update_config '.process.user = {uid: 0, gid: 0} | .process.env += ["HOME="]'
	run skiff run ctr
	assert_output /root
	# a link to the host's /etc/passwd resolves to the rootfs's /etc/passwd-host
	mv rootfs/etc/passwd rootfs/etc/passwd-host
	ln -s ../../../../../../../../etc/passwd-host rootfs/etc/passwd
	update_config '.process.env = ["PATH=/bin"] | .process.user = {uid: 1000, gid: 0}'
	run skiff run ctr
	assert_output /home/u1000
	# a FIFO is not read, no entry: / (runc opens it and would wait for a
	# writer for ever; skiff reads only a regular file)
	rm rootfs/etc/passwd
	mkfifo rootfs/etc/passwd
	run timeout 20 "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_output /
}

@test "env: a HOME given in the config is kept, not replaced" {
	update_config '.process.env = ["PATH=/bin", "HOME=/root"]'
	set_args env
	run skiff run ctr
	assert_success
	assert_equal "$(echo "$output" | sort)" "$(printf 'HOME=/root\nPATH=/bin')"
}

@test "env: PATH of the config is used to find the program" {
	mkdir -p rootfs/opt/tools
	printf '#!/bin/sh\necho from-opt\n' > rootfs/opt/tools/mytool
	chmod 755 rootfs/opt/tools/mytool
	update_config '.process.env = ["PATH=/opt/tools:/bin"]'
	set_args mytool
	run skiff run ctr
	assert_success
	assert_output from-opt
}

@test "cwd is used as the working directory" {
	update_config '.process.cwd = "/tmp"'
	set_args pwd
	run skiff run ctr
	assert_success
	assert_output /tmp
}

@test "cwd is created when missing from the rootfs" {
	[ ! -e rootfs/does/not/exist ]
	update_config '.process.cwd = "/does/not/exist"'
	set_args sh -c 'pwd; [ -d . ] && echo isdir'
	run skiff run ctr
	assert_success
	assert_output "$(printf '/does/not/exist\nisdir')"
	[ -d rootfs/does/not/exist ]
}

@test "user: uid, gid and additionalGids" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20, 65534]}'
	set_args sh -c 'id; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	run skiff run ctr
	assert_success
	assert_line --index 0 --regexp '^uid=1000 gid=1001 groups=10,20,65534(\(nogroup\))?$'
	assert_line --index 1 --regexp '^Uid:\s+1000\s+1000\s+1000\s+1000$'
	assert_line --index 2 --regexp '^Gid:\s+1001\s+1001\s+1001\s+1001$'
	assert_line --index 3 --regexp '^Groups:\s+10 20 65534\s*$'
}

@test "user: the caller's supplementary groups are dropped" {
	update_config '.process.user = {"uid": 0, "gid": 0}'
	set_args grep '^Groups:' /proc/self/status
	# the groups of the caller must not leak in
	run setpriv --groups 4,6,7 -- "$SKIFF" --root "$ROOT" run ctr
	assert_success
	assert_output --regexp '^Groups:\s*$'
}

@test "umask: the default is 0022" {
	update_config 'del(.process.user.umask)'
	set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	update_config '.root.readonly = false'
	run skiff run ctr
	assert_success
	assert_output "$(printf '0022\n644')"
}

@test "umask from the config is applied" {
	update_config '.process.user.umask = 63 | .root.readonly = false'
	set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
	run skiff run ctr
	assert_success
	assert_output "$(printf '0077\n600')"
}

@test "rlimits: RLIMIT_NOFILE soft and hard limits are set" {
	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] || [ "$hard" -ge 300 ] || skip "hard nofile limit too low"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 234}]'
	set_args sh -c 'ulimit -n; ulimit -Hn; grep "Max open files" /proc/self/limits'
	run skiff run ctr
	assert_success
	assert_line --index 0 123
	assert_line --index 1 234
	assert_line --index 2 --regexp '^Max open files +123 +234 +files'
}

@test "rlimits: several limits at once" {
	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
		{"type": "RLIMIT_NPROC", "soft": 555, "hard": 666}]'
	set_args cat /proc/self/limits
	run skiff run ctr
	assert_success
	assert_line --regexp '^Max open files +100 +200 +files'
	assert_line --regexp '^Max core file size +0 +0 +bytes'
	assert_line --regexp '^Max processes +555 +666 +processes'
}

@test "noNewPrivileges true sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = true'
	set_args grep NoNewPrivs /proc/self/status
	run skiff run ctr
	assert_success
	assert_output --regexp '^NoNewPrivs:\s+1$'
}

@test "noNewPrivileges false leaves NoNewPrivs unset" {
	update_config '.process.noNewPrivileges = false'
	set_args grep NoNewPrivs /proc/self/status
	run skiff run ctr
	assert_success
	assert_output --regexp '^NoNewPrivs:\s+0$'
}

# CAP_CHOWN 0, CAP_DAC_OVERRIDE 1, CAP_FOWNER 3, CAP_KILL 5,
# CAP_NET_BIND_SERVICE 10, CAP_NET_RAW 13, CAP_SYS_CHROOT 18, CAP_AUDIT_WRITE 29
five_cap_sets='.process.capabilities = {
	"bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL",
		"CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE"],
	"permitted": ["CAP_CHOWN", "CAP_FOWNER", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
	"effective": ["CAP_CHOWN", "CAP_KILL"],
	"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT"],
	"ambient": ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]}'

@test "capabilities: five distinct sets, as root with noNewPrivileges" {
	update_config "$five_cap_sets"
	update_config '.process.noNewPrivileges = true'
	set_args grep ^Cap /proc/self/status
	run skiff run ctr
	assert_success
	assert_line "CapBnd:	$(cap_mask 0 1 3 5 10 13 18 29)"
	assert_line "CapInh:	$(cap_mask 5 10 18)"
	# root's exec would gain the bounding set; no_new_privs caps it at
	# the permitted set the runtime installed
	assert_line "CapPrm:	$(cap_mask 0 3 5 10 13)"
	assert_line "CapEff:	$(cap_mask 0 3 5 10 13)"
	# NET_RAW is not inheritable, so it cannot be ambient
	assert_line "CapAmb:	$(cap_mask 10)"
}

@test "capabilities: root without noNewPrivileges gains the bounding set on exec" {
	update_config "$five_cap_sets"
	update_config '.process.noNewPrivileges = false'
	set_args grep ^Cap /proc/self/status
	run skiff run ctr
	assert_success
	assert_line "CapBnd:	$(cap_mask 0 1 3 5 10 13 18 29)"
	assert_line "CapInh:	$(cap_mask 5 10 18)"
	assert_line "CapPrm:	$(cap_mask 0 1 3 5 10 13 18 29)"
	assert_line "CapEff:	$(cap_mask 0 1 3 5 10 13 18 29)"
	assert_line "CapAmb:	$(cap_mask 10)"
}

@test "capabilities: a non-root user keeps its ambient capabilities" {
	update_config "$five_cap_sets"
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args grep ^Cap /proc/self/status
	run skiff run ctr
	assert_success
	assert_line "CapBnd:	$(cap_mask 0 1 3 5 10 13 18 29)"
	assert_line "CapInh:	$(cap_mask 5 10 18)"
	# a non-root exec keeps exactly the ambient set in permitted and effective
	assert_line "CapPrm:	$(cap_mask 10)"
	assert_line "CapEff:	$(cap_mask 10)"
	assert_line "CapAmb:	$(cap_mask 10)"
}

@test "capabilities: a non-root user with CAP_CHOWN can chown, without it cannot" {
	update_config '.root.readonly = false | .process.user = {"uid": 1000, "gid": 1000}'
	update_config '.process.capabilities = {"bounding": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"],
		"effective": ["CAP_CHOWN"], "inheritable": ["CAP_CHOWN"], "ambient": ["CAP_CHOWN"]}'
	set_args sh -c 'touch /tmp/f && chown 0:0 /tmp/f && stat -c %u:%g /tmp/f'
	chmod 1777 rootfs/tmp
	run skiff run ctr
	assert_success
	assert_output 0:0
	[ "$(stat -c %u rootfs/tmp/f)" = 0 ]
	rm -f rootfs/tmp/f
	update_config '.process.capabilities.ambient = [] | .process.capabilities.inheritable = []'
	run skiff run ctr
	assert_failure
	assert_output --partial "Operation not permitted"
}

@test "capabilities: root without CAP_DAC_OVERRIDE cannot read a 0600 file of another user" {
	printf secret > rootfs/etc/secret
	chown 1000:1000 rootfs/etc/secret
	chmod 600 rootfs/etc/secret
	set_args cat /etc/secret
	update_config '.process.capabilities = {"bounding": ["CAP_DAC_OVERRIDE"], "permitted": ["CAP_DAC_OVERRIDE"], "effective": ["CAP_DAC_OVERRIDE"]}'
	run skiff run ctr
	assert_success
	assert_output secret
	update_config '.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}'
	run skiff run ctr
	assert_failure
	assert_output --partial "Permission denied"
}

@test "oomScoreAdj is applied" {
	update_config '.process.oomScoreAdj = 500'
	set_args cat /proc/self/oom_score_adj
	run skiff run ctr
	assert_success
	assert_output 500
}

@test "without oomScoreAdj the caller's value is inherited" {
	update_config 'del(.process.oomScoreAdj)'
	set_args cat /proc/self/oom_score_adj
	run skiff run ctr
	assert_success
	assert_output "$(cat /proc/self/oom_score_adj)"
}

@test "linux.sysctl: kernel.shm_rmid_forced in a new ipc namespace" {
	host=$(cat /proc/sys/kernel/shm_rmid_forced)
	[ "$host" = 0 ] || skip "the host already has kernel.shm_rmid_forced=$host"
	update_config '.linux.sysctl = {"kernel.shm_rmid_forced": "1"}'
	set_args cat /proc/sys/kernel/shm_rmid_forced
	run skiff run ctr
	assert_success
	assert_output 1
	assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" 0
}

@test "linux.sysctl: net.ipv4.ip_forward in a new network namespace" {
	host=$(cat /proc/sys/net/ipv4/ip_forward)
	want=$((1 - host))
	update_config --arg v "$want" '.linux.sysctl = {"net.ipv4.ip_forward": $v}'
	set_args cat /proc/sys/net/ipv4/ip_forward
	run skiff run ctr
	assert_success
	assert_output "$want"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host"
}

@test "linux.sysctl: a sysctl that does not exist is a clear error" {
	# in the network namespace, so that only the kernel can refuse it
	update_config '.linux.sysctl = {"net.no_such_sysctl": "1"}'
	set_args true
	run skiff run ctr
	assert_failure
	assert_output --partial "net.no_such_sysctl"
	[ ! -e "$ROOT/ctr" ]
}

@test "personality LINUX32 makes uname -m show i686" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	run skiff run ctr
	assert_success
	assert_output i686
	update_config '.linux.personality = {"domain": "LINUX"}'
	run skiff run ctr
	assert_success
	assert_output x86_64
}

@test "an executable that is not found is runc's error and leaves no state" {
	set_args nosuchprog arg
	run skiff run ctr
	assert_equal "$status" 1
	assert_output 'skiff: exec: "nosuchprog": executable file not found in $PATH'
	[ ! -e "$ROOT/ctr" ]
	run skiff list -q
	assert_output ""
	run skiff create ctr
	assert_equal "$status" 1
	assert_output 'skiff: exec: "nosuchprog": executable file not found in $PATH'
	[ ! -e "$ROOT/ctr" ]
}

@test "an absolute args[0] that does not exist is a clear error" {
	set_args /no/such/prog
	run skiff run ctr
	assert_equal "$status" 1
	assert_output --partial '/no/such/prog'
	assert_output --partial 'no such file or directory'
	[ ! -e "$ROOT/ctr" ]
}

@test "a relative args[0] with a slash is resolved against cwd" {
	mkdir -p rootfs/opt/app/sub
	printf '#!/bin/sh\necho "relative ok $0 $1"\n' > rootfs/opt/app/sub/prog
	chmod 755 rootfs/opt/app/sub/prog
	update_config '.process.cwd = "/opt/app"'
	set_args ./sub/prog one
	run skiff run ctr
	assert_success
	assert_output "relative ok ./sub/prog one"
	set_args sub/prog two
	run skiff run ctr
	assert_success
	assert_output "relative ok sub/prog two"
}

@test "args are passed exactly, with spaces, quotes and empty strings" {
	set_args sh -c 'for a in "$@"; do echo "<$a>"; done' zero 'a b' '' '"q"' "it's"
	run skiff run ctr
	assert_success
	assert_output "$(printf '<a b>\n<>\n<"q">\n<it'"'"'s>')"
}

@test "stdio: a large amount of data passes through pipes intact" {
	head -c 20000000 /dev/urandom > "$BATS_TEST_TMPDIR/in"
	set_args sh -c 'cat; cat /etc/passwd >&2'
	skiff run ctr < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	cmp rootfs/etc/passwd "$BATS_TEST_TMPDIR/err"
}

@test "stdio: pipes and files are handed to the process's user, /dev/null is not" {
	# runc 1.1.5 (fixStdioPermissions), `runc create` with user 1000, stdin
	# /dev/null, stdout a file of root's, stderr a pipe: fd 0 stays 0:0
	# (/dev/null, 1:3), fds 1 and 2 become 1000:0 (the owner only), and
	# `echo hi > /dev/stdout` works; the file is left owned by 1000.
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'stat -L -c %u:%g /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 >&2; echo hi > /dev/stdout; echo there > /proc/self/fd/2'
	out=$BATS_TEST_TMPDIR/out
	: > "$out"
	skiff run ctr < /dev/null > "$out" 2> >(cat > "$BATS_TEST_TMPDIR/err")
	for i in $(seq 50); do [ "$(wc -l < "$BATS_TEST_TMPDIR/err")" -ge 4 ] && break; sleep 0.1; done
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "$(printf '0:0\n1000:0\n1000:0\nthere')"
	assert_equal "$(cat "$out")" hi
	assert_equal "$(stat -c %u:%g "$out")" 1000:0
	# root's process: nothing changes hands
	update_config '.process.user = {uid: 0, gid: 0}'
	set_args sh -c 'stat -L -c %u /proc/self/fd/1'
	run bash -c "'$SKIFF' --root '$ROOT' run ctr | cat"
	assert_output 0
}

@test "stdio: the process gets the caller's fds 0-2 and no others" {
	set_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	# fd 5 open in the caller must not reach the container
	run bash -c "exec 5</dev/null; '$SKIFF' --root '$ROOT' run ctr < /dev/null"
	assert_success
	# 0 1 2 and the fd ls itself opens
	assert_output --regexp '^0 1 2 3 $'
}
