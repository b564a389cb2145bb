# shellcheck shell=bash
# The generated bundles of the differential layer, sourced by run.sh:
#   variant NAME JQ-FILTER [mntns]
# The filter edits `skiff spec`'s default config (the probe as its
# process); $src is a directory of bind sources (file, dir/sub/data, shm),
# $ns/{net,uts,ipc} and $pidns namespaces to join by path.  Keep each
# variant about one thing, so a difference names its cause.

variant base '.'

# ---- namespaces: each dropped, added, or joined by path -----------------
variant ns-no-pid 'del(.linux.namespaces[] | select(.type == "pid"))'
variant ns-no-network 'del(.linux.namespaces[] | select(.type == "network"))'
variant ns-no-ipc 'del(.linux.namespaces[] | select(.type == "ipc"))'
# a hostname needs a uts namespace: both refuse
variant ns-no-uts 'del(.linux.namespaces[] | select(.type == "uts"))'
variant ns-no-uts-no-hostname 'del(.linux.namespaces[] | select(.type == "uts")) | del(.hostname)'
# masked paths need a mount namespace: both refuse
variant ns-no-mount 'del(.linux.namespaces[] | select(.type == "mount"))' mntns
variant ns-no-mount-no-masks 'del(.linux.namespaces[] | select(.type == "mount"))
	| del(.linux.maskedPaths, .linux.readonlyPaths)' mntns
variant ns-cgroup '.linux.namespaces += [{type: "cgroup"}]'
variant ns-user '.linux.namespaces += [{type: "user"}]
	| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
	| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
variant ns-time '.linux.namespaces += [{type: "time"}]'
variant ns-join-net '(.linux.namespaces[] | select(.type == "network")) += {path: ($ns + "/net")}'
variant ns-join-uts '(.linux.namespaces[] | select(.type == "uts")) += {path: ($ns + "/uts")}'
variant ns-join-ipc '(.linux.namespaces[] | select(.type == "ipc")) += {path: ($ns + "/ipc")}'
variant ns-join-pid '(.linux.namespaces[] | select(.type == "pid")) += {path: $pidns}'

# ---- mounts: types and options -----------------------------------------
variant mnt-tmpfs '.mounts += [
	{destination: "/t1", type: "tmpfs", source: "tmpfs",
	 options: ["nosuid", "nodev", "noexec", "size=1m", "mode=1777"]},
	{destination: "/t2", type: "tmpfs", source: "tmpfs", options: ["ro", "size=64k"]},
	{destination: "/t3", type: "tmpfs", source: "mytmp",
	 options: ["uid=1000", "gid=1000", "mode=700", "nr_inodes=100"]}]'
variant mnt-bind '.mounts += [
	{destination: "/b1", type: "bind", source: ($src + "/dir"), options: ["bind", "ro"]},
	{destination: "/b2", type: "bind", source: ($src + "/dir"),
	 options: ["rbind", "nosuid", "nodev", "noexec"]},
	{destination: "/b3", type: "none", source: ($src + "/file"), options: ["bind"]},
	{destination: "/deep/er/b4", source: ($src + "/dir"), options: ["rbind", "rw"]},
	{destination: "/etc/b5", source: ($src + "/file"), options: ["bind", "ro"]}]'
variant mnt-rro '.mounts += [
	{destination: "/b1", type: "bind", source: ($src + "/dir"), options: ["rbind", "rro"]}]'
variant mnt-propagation '.mounts += [
	{destination: "/p1", type: "bind", source: ($src + "/dir"), options: ["rbind", "rshared"]},
	{destination: "/p2", type: "bind", source: ($src + "/dir"), options: ["rbind", "rslave"]},
	{destination: "/p3", type: "bind", source: ($src + "/dir"), options: ["rbind", "rprivate"]},
	{destination: "/p4", type: "bind", source: ($src + "/dir"), options: ["bind", "unbindable"]},
	{destination: "/p5", type: "tmpfs", source: "tmpfs", options: ["shared"]}]'
variant mnt-special '.mounts += [
	{destination: "/mq", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec"]},
	{destination: "/pts2", type: "devpts", source: "devpts",
	 options: ["newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
	{destination: "/sys2", type: "sysfs", source: "sysfs", options: ["ro", "nosuid"]}]'
variant mnt-atime '.mounts += [
	{destination: "/a1", type: "tmpfs", source: "tmpfs", options: ["noatime"]},
	{destination: "/a2", type: "tmpfs", source: "tmpfs", options: ["strictatime"]},
	{destination: "/a3", type: "tmpfs", source: "tmpfs", options: ["nodiratime", "relatime"]},
	{destination: "/a4", type: "bind", source: ($src + "/dir"), options: ["bind", "noatime"]}]'
variant mnt-cgroup-rw '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) -= ["ro"]'
variant mnt-proc-options '(.mounts[] | select(.destination == "/proc") | .options) = ["nosuid", "noexec", "nodev", "hidepid=2"]'
variant mnt-dev-ro '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
variant mnt-tmpcopyup '.mounts += [
	{destination: "/etc", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "mode=755"]}]'
variant mnt-remount '.mounts += [
	{destination: "/r1", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
	{destination: "/r1", type: "tmpfs", source: "tmpfs", options: ["remount", "ro"]}]'
for p in shared slave private unbindable; do
	variant "rootfs-propagation-$p" ".linux.rootfsPropagation = \"$p\""
done
variant root-readonly '.root.readonly = true'

# ---- users, cwd, env, rlimits, process attributes ----------------------
variant user-1000 '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 1000, 20]}'
variant user-umask '.process.user.umask = 63'
variant user-nobody-cwd '.process.user = {uid: 65534, gid: 65534} | .process.cwd = "/home"'
variant cwd-tmp '.process.cwd = "/tmp"'
variant cwd-missing '.process.cwd = "/new/dir"'
variant cwd-missing-user '.process.cwd = "/new/dir" | .process.user = {uid: 1000, gid: 1000}'
variant cwd-file '.process.cwd = "/bin/busybox"'
variant env '.process.env = ["A=1", "A=2", "B=", "HOME=/tmp", "C=x=y"]'
variant env-none 'del(.process.env)'
variant nnp-false '.process.noNewPrivileges = false'
variant oom-score '.process.oomScoreAdj = 100'
variant rlimits '.process.rlimits = [
	{type: "RLIMIT_NOFILE", soft: 512, hard: 1024},
	{type: "RLIMIT_CORE", soft: 0, hard: 1048576},
	{type: "RLIMIT_NPROC", soft: 100, hard: 200},
	{type: "RLIMIT_CPU", soft: 1000, hard: 2000},
	{type: "RLIMIT_STACK", soft: 1048576, hard: 8388608}]'
# above our hard limit without CAP_SYS_RESOURCE: every runtime fails
variant rlimit-above-hard '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1048576, hard: 1048576}]'
variant hostname '.hostname = "probe-host" | .domainname = "probe.example"'
variant sysctl '.linux.sysctl = {"kernel.shmmax": "65536", "net.ipv4.ip_forward": "1",
	"kernel.msgmax": "4096"}'

# ---- capabilities ------------------------------------------------------
variant caps-none '.process.capabilities = {}'
variant caps-absent 'del(.process.capabilities)'
variant caps-all '.process.capabilities = ([
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]
	| {bounding: ., effective: ., permitted: ., inheritable: ., ambient: .})'
variant caps-ambient-user '.process.user = {uid: 1000, gid: 1000}
	| .process.capabilities = {bounding: ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE", "CAP_KILL"],
		effective: ["CAP_NET_RAW"], permitted: ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
		inheritable: ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"],
		ambient: ["CAP_NET_RAW", "CAP_KILL"]}'
variant caps-unknown '.process.capabilities.bounding += ["CAP_NO_SUCH"]'

# ---- seccomp -----------------------------------------------------------
variant seccomp-actions '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
	architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	syscalls: [
	{names: ["personality"], action: "SCMP_ACT_ERRNO"},
	{names: ["keyctl", "add_key"], action: "SCMP_ACT_ERRNO", errnoRet: 38},
	{names: ["bpf"], action: "SCMP_ACT_KILL"},
	{names: ["ptrace"], action: "SCMP_ACT_TRAP"},
	{names: ["userfaultfd"], action: "SCMP_ACT_LOG"},
	{names: ["perf_event_open"], action: "SCMP_ACT_KILL_PROCESS"},
	{names: ["syslog"], action: "SCMP_ACT_ERRNO", errnoRet: 13},
	{names: ["no_such_syscall"], action: "SCMP_ACT_ERRNO"}]}'
variant seccomp-args '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [
	{names: ["unshare"], action: "SCMP_ACT_ERRNO", errnoRet: 22,
	 args: [{index: 0, value: 268435456, op: "SCMP_CMP_EQ"}]},
	{names: ["setns"], action: "SCMP_ACT_ERRNO", args: [{index: 1, value: 0, op: "SCMP_CMP_EQ"}]},
	{names: ["reboot"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
	 args: [{index: 0, value: 255, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ"}]}]}'
variant seccomp-default-errno '.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO",
	defaultErrnoRet: 38, syscalls: [{names: ["clone3", "swapoff", "init_module",
	"io_uring_setup", "mount", "umount2", "chroot", "syslog"], action: "SCMP_ACT_ERRNO",
	errnoRet: 1}, {action: "SCMP_ACT_ALLOW", names: [
	"read", "write", "openat", "close", "fstat", "newfstatat", "lseek", "mmap", "munmap",
	"brk", "rt_sigaction", "rt_sigprocmask", "ioctl", "access", "getpid", "getppid", "getuid",
	"geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups", "getcwd", "uname",
	"getrlimit", "prlimit64", "getpriority", "sched_getscheduler", "personality",
	"getdents64", "readlink", "readlinkat", "stat", "lstat", "statx", "fork", "clone",
	"wait4", "exit", "exit_group", "arch_prctl", "set_tid_address", "set_robust_list",
	"rseq", "execve", "mprotect", "fcntl", "umask", "mknodat", "mknod", "unlinkat", "unlink",
	"faccessat", "faccessat2", "mkdir", "mkdirat", "rmdir", "getrandom", "futex", "readv",
	"writev", "pread64", "sigaltstack", "rt_sigreturn", "prctl", "capget", "capset",
	"statfs", "fstatfs", "close_range", "fchdir", "chdir", "setgroups", "setresuid",
	"setresgid", "setuid", "setgid", "sched_yield", "nanosleep", "clock_nanosleep",
	"clock_gettime", "gettid", "tgkill", "madvise", "epoll_create1", "epoll_ctl",
	"epoll_pwait", "epoll_wait", "pipe2", "dup3", "dup2", "getdents", "mlock",
	"sched_getaffinity", "kill", "exit", "waitid"]}]}'

# ---- devices -----------------------------------------------------------
variant devices '.linux.devices = [
	{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0},
	{path: "/dev/sub/dir/null2", type: "c", major: 1, minor: 3, fileMode: 384,
	 uid: 1000, gid: 1000},
	{path: "/dev/loop7", type: "b", major: 7, minor: 7},
	{path: "/dev/fifo1", type: "p"}]
	| .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]'
variant devices-deny-all '.linux.resources.devices = [{allow: false, access: "rwm"}]'
variant devices-allow-block '.linux.resources.devices = [
	{allow: true, type: "b", major: 7, access: "r"}, {allow: true, type: "c", major: 1, minor: 1, access: "r"}]'
variant devices-allow-all '.linux.resources.devices = [{allow: true, access: "rwm"}]'
variant devices-over-default '.linux.devices = [
	{path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 384, uid: 1000, gid: 1000}]'

# ---- masked and read-only paths ----------------------------------------
variant masked-more '.linux.maskedPaths += ["/etc/passwd", "/home", "/nonexistent"]
	| .linux.readonlyPaths += ["/tmp", "/var", "/etc/group", "/nonexistent2"]'
variant masked-none '.linux.maskedPaths = [] | .linux.readonlyPaths = []'
