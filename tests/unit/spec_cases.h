/*
 * Tables for test_spec.c: JSON documents and the exact message each must
 * produce, from the parser (parse_errors) and from spec_validate()
 * (validation_errors), plus documents that must validate.  The error cases
 * also go through the skiff binary, laid over a runnable bundle: `skiff
 * check` and `create` must give each one verdict (verdicts.bats, through
 * tests/helpers/spec-cases), so a case added here is run there too.
 */
#ifndef SKIFF_TEST_SPEC_CASES_H
#define SKIFF_TEST_SPEC_CASES_H

#define J(x) "{\"ociVersion\":\"1.2.0\"," x "}"
#define P(x) J("\"process\":{\"cwd\":\"/\"," x "}")
#define L(x) J("\"linux\":{" x "}")
#define R(x) L("\"resources\":{" x "}")
#define S(x) L("\"seccomp\":{" x "}")
#define SC(x) S("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[" x "]")
#define E "config.json: "

struct error_case {
	const char *json;
	const char *message;
};

static const struct error_case parse_errors[] = {
	{ R("\"memory\":{\"limit\":\"1g\"}"),
	  E ".linux.resources.memory.limit: expected a 64-bit integer, got \"1g\"" },
	{ "{}", E ".ociVersion: required field is missing" },
	{ "{\"ociVersion\":5}", E ".ociVersion: expected a string, got 5" },
	{ "{\"ociVersion\":null}", E ".ociVersion: expected a string, got null" },
	{ J("\"root\":[]"), E ".root: expected an object, got an array" },
	{ J("\"root\":{}"), E ".root.path: required field is missing" },
	{ J("\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}"),
	  E ".root.readonly: expected a boolean, got \"yes\"" },
	{ J("\"root\":{\"path\":\"r\",\"readonly\":\"say \\\"hi\\\"\\n\"}"),
	  E ".root.readonly: expected a boolean, got \"say \\\"hi\\\"\\n\"" },
	{ J("\"mounts\":{}"), E ".mounts: expected an array, got an object" },
	{ J("\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},{\"type\":\"tmpfs\"}]"),
	  E ".mounts[2].destination: required field is missing" },
	{ J("\"mounts\":[\"proc\"]"), E ".mounts[0]: expected an object, got \"proc\"" },
	{ J("\"mounts\":[null]"), E ".mounts[0]: expected an object, got null" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",5]}]"),
	  E ".mounts[0].options[1]: expected a string, got 5" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,"
	    "\"hostID\":0,\"size\":-1}]}]"),
	  E ".mounts[0].uidMappings[0].size: expected a 32-bit unsigned integer, got -1" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"gidMappings\":[{\"containerID\":0,\"size\":1}]}]"),
	  E ".mounts[0].gidMappings[0].hostID: required field is missing" },
	{ J("\"process\":{\"args\":[\"sh\"]}"), E ".process.cwd: required field is missing" },
	{ J("\"process\":\"sh\""), E ".process: expected an object, got \"sh\"" },
	{ P("\"user\":{\"gid\":0}"), E ".process.user.uid: required field is missing" },
	{ P("\"user\":{\"uid\":4294967296,\"gid\":0}"),
	  E ".process.user.uid: expected a 32-bit unsigned integer, got 4294967296" },
	{ P("\"user\":{\"uid\":1.5,\"gid\":0}"),
	  E ".process.user.uid: expected a 32-bit unsigned integer, got 1.5" },
	{ P("\"user\":{\"uid\":1e3,\"gid\":0}"),
	  E ".process.user.uid: expected a 32-bit unsigned integer, got 1e3" },
	{ P("\"user\":{\"uid\":true,\"gid\":0}"),
	  E ".process.user.uid: expected a 32-bit unsigned integer, got true" },
	{ P("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[1,-5]}"),
	  E ".process.user.additionalGids[1]: expected a 32-bit unsigned integer, got -5" },
	{ P("\"user\":{\"uid\":0,\"gid\":0,\"umask\":\"022\"}"),
	  E ".process.user.umask: expected a 32-bit unsigned integer, got \"022\"" },
	{ P("\"consoleSize\":{\"height\":\"x\",\"width\":1}"),
	  E ".process.consoleSize.height: expected a 32-bit unsigned integer, got \"x\"" },
	{ P("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551616,\"soft\":0}]"),
	  E ".process.rlimits[0].hard: expected a 64-bit unsigned integer, "
	    "got 18446744073709551616" },
	{ P("\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1}]"),
	  E ".process.rlimits[0].soft: required field is missing" },
	{ P("\"oomScoreAdj\":2147483648"),
	  E ".process.oomScoreAdj: expected a 32-bit integer, got 2147483648" },
	{ P("\"oomScoreAdj\":-2147483649"),
	  E ".process.oomScoreAdj: expected a 32-bit integer, got -2147483649" },
	{ P("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\",\"priority\":1}"),
	  E ".process.ioPriority.class: expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, "
	    "IOPRIO_CLASS_IDLE, got \"IOPRIO_CLASS_X\"" },
	{ P("\"ioPriority\":{\"priority\":1}"),
	  E ".process.ioPriority.class: required field is missing" },
	{ P("\"scheduler\":{\"nice\":1}"), E ".process.scheduler.policy: required field is missing" },
	{ P("\"scheduler\":{\"policy\":\"SCHED_X\"}"),
	  E ".process.scheduler.policy: expected one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, "
	    "SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE, got \"SCHED_X\"" },
	{ P("\"scheduler\":{\"policy\":\"SCHED_RR\",\"runtime\":-1}"),
	  E ".process.scheduler.runtime: expected a 64-bit unsigned integer, got -1" },
	{ P("\"capabilities\":{\"bounding\":\"CAP_X\"}"),
	  E ".process.capabilities.bounding: expected an array, got \"CAP_X\"" },
	{ P("\"env\":[null]"), E ".process.env[0]: expected a string, got null" },
	{ P("\"terminal\":1"), E ".process.terminal: expected a boolean, got 1" },
	{ P("\"execCPUAffinity\":{\"initial\":7}"),
	  E ".process.execCPUAffinity.initial: expected a string, got 7" },
	{ J("\"hooks\":{\"prestart\":[{\"args\":[]}]}"),
	  E ".hooks.prestart[0].path: required field is missing" },
	{ J("\"hooks\":{\"poststop\":[{\"path\":\"/a\"},{\"path\":\"/b\",\"timeout\":\"10\"}]}"),
	  E ".hooks.poststop[1].timeout: expected a 32-bit integer, got \"10\"" },
	{ J("\"annotations\":{\"a\":1}"), E ".annotations[\"a\"]: expected a string, got 1" },
	{ J("\"annotations\":{\"a\\\"b\":true}"),
	  E ".annotations[\"a\\\"b\"]: expected a string, got true" },
	{ J("\"annotations\":[]"), E ".annotations: expected an object, got an array" },
	{ J("\"linux\":5"), E ".linux: expected an object, got 5" },
	{ L("\"sysctl\":{\"net.ipv4.ip_forward\":1}"),
	  E ".linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got 1" },
	{ L("\"uidMappings\":[{\"containerID\":0,\"hostID\":0}]"),
	  E ".linux.uidMappings[0].size: required field is missing" },
	{ L("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pids\"}]"),
	  E ".linux.namespaces[1].type: expected one of pid, network, mount, ipc, uts, user, "
	    "cgroup, time, got \"pids\"" },
	{ L("\"namespaces\":[{\"path\":\"/x\"}]"),
	  E ".linux.namespaces[0].type: required field is missing" },
	{ L("\"rootfsPropagation\":\"\""),
	  E ".linux.rootfsPropagation: expected one of shared, slave, private, unbindable, "
	    "rshared, rslave, rprivate, runbindable, got \"\"" },
	{ L("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"x\"}]"),
	  E ".linux.devices[0].type: expected one of c, b, u, p, got \"x\"" },
	{ L("\"devices\":[{\"type\":\"c\"}]"), E ".linux.devices[0].path: required field is missing" },
	{ R("\"devices\":[{\"access\":\"rwm\"}]"),
	  E ".linux.resources.devices[0].allow: required field is missing" },
	{ R("\"devices\":[{\"allow\":true,\"type\":\"u\"}]"),
	  E ".linux.resources.devices[0].type: expected one of a, c, b, got \"u\"" },
	{ R("\"devices\":[{\"allow\":true,\"major\":1.5}]"),
	  E ".linux.resources.devices[0].major: expected a 64-bit integer, got 1.5" },
	{ R("\"pids\":{}"), E ".linux.resources.pids.limit: required field is missing" },
	{ R("\"pids\":{\"limit\":9223372036854775808}"),
	  E ".linux.resources.pids.limit: expected a 64-bit integer, got 9223372036854775808" },
	{ R("\"cpu\":{\"quota\":-9223372036854775809}"),
	  E ".linux.resources.cpu.quota: expected a 64-bit integer, got -9223372036854775809" },
	{ R("\"memory\":{\"swappiness\":-1}"),
	  E ".linux.resources.memory.swappiness: expected a 64-bit unsigned integer, got -1" },
	{ R("\"memory\":{\"disableOOMKiller\":\"true\"}"),
	  E ".linux.resources.memory.disableOOMKiller: expected a boolean, got \"true\"" },
	{ R("\"blockIO\":{\"weight\":65536}"),
	  E ".linux.resources.blockIO.weight: expected a 16-bit unsigned integer, got 65536" },
	{ R("\"blockIO\":{\"leafWeight\":-1}"),
	  E ".linux.resources.blockIO.leafWeight: expected a 16-bit unsigned integer, got -1" },
	{ R("\"blockIO\":{\"weightDevice\":[{\"major\":8,\"weight\":1}]}"),
	  E ".linux.resources.blockIO.weightDevice[0].minor: required field is missing" },
	{ R("\"blockIO\":{\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0}]}"),
	  E ".linux.resources.blockIO.throttleWriteIOPSDevice[0].rate: required field is missing" },
	{ R("\"hugepageLimits\":[{\"limit\":1}]"),
	  E ".linux.resources.hugepageLimits[0].pageSize: required field is missing" },
	{ R("\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":\"1\"}]}"),
	  E ".linux.resources.network.priorities[0].priority: expected a 32-bit unsigned "
	    "integer, got \"1\"" },
	{ R("\"rdma\":{\"mlx5_1\":{\"hcaHandles\":-1}}"),
	  E ".linux.resources.rdma[\"mlx5_1\"].hcaHandles: expected a 32-bit unsigned integer, "
	    "got -1" },
	{ R("\"rdma\":{\"mlx5_1\":3}"), E ".linux.resources.rdma[\"mlx5_1\"]: expected an object, got 3" },
	{ R("\"unified\":{\"memory.max\":5}"),
	  E ".linux.resources.unified[\"memory.max\"]: expected a string, got 5" },
	{ L("\"timeOffsets\":{\"realtime\":{\"secs\":1}}"),
	  E ".linux.timeOffsets[\"realtime\"]: unknown key, expected one of monotonic, boottime" },
	{ L("\"timeOffsets\":{\"boottime\":{\"nanosecs\":4294967296}}"),
	  E ".linux.timeOffsets[\"boottime\"].nanosecs: expected a 32-bit unsigned integer, "
	    "got 4294967296" },
	{ L("\"netDevices\":{\"eth0\":{\"name\":7}}"),
	  E ".linux.netDevices[\"eth0\"].name: expected a string, got 7" },
	{ S("\"syscalls\":[]"), E ".linux.seccomp.defaultAction: required field is missing" },
	{ S("\"defaultAction\":\"SCMP_ACT_FOO\""),
	  E ".linux.seccomp.defaultAction: expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, "
	    "SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, "
	    "SCMP_ACT_LOG, SCMP_ACT_NOTIFY, got \"SCMP_ACT_FOO\"" },
	{ S("\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1"),
	  E ".linux.seccomp.defaultErrnoRet: expected a 32-bit unsigned integer, got -1" },
	{ SC("{\"action\":\"SCMP_ACT_ERRNO\"}"),
	  E ".linux.seccomp.syscalls[0].names: required field is missing" },
	{ SC("{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,"
	     "\"op\":\"SCMP_CMP_FOO\"}]}"),
	  E ".linux.seccomp.syscalls[0].args[0].op: expected one of SCMP_CMP_NE, SCMP_CMP_LT, "
	    "SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ, "
	    "got \"SCMP_CMP_FOO\"" },
	{ SC("{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"value\":1,"
	     "\"op\":\"SCMP_CMP_EQ\"}]}"),
	  E ".linux.seccomp.syscalls[0].args[0].index: required field is missing" },
	{ SC("{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":\"1\","
	     "\"op\":\"SCMP_CMP_EQ\"}]}"),
	  E ".linux.seccomp.syscalls[0].args[0].value: expected a 64-bit unsigned integer, "
	    "got \"1\"" },
	{ L("\"personality\":{\"domain\":\"LINUX64\"}"),
	  E ".linux.personality.domain: expected one of LINUX, LINUX32, got \"LINUX64\"" },
	{ L("\"personality\":{}"), E ".linux.personality.domain: required field is missing" },
	{ L("\"intelRdt\":{\"enableCMT\":\"true\"}"),
	  E ".linux.intelRdt.enableCMT: expected a boolean, got \"true\"" },
	{ L("\"memoryPolicy\":{\"mode\":\"INTERLEAVE\",\"nodes\":\"0\"}"),
	  E ".linux.memoryPolicy.mode: expected one of MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, "
	    "MPOL_WEIGHTED_INTERLEAVE, MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL, got \"INTERLEAVE\"" },
	{ L("\"memoryPolicy\":{\"nodes\":\"0-7\"}"),
	  E ".linux.memoryPolicy.mode: required field is missing" },
	{ L("\"intelRdt\":{\"enableMonitoring\":1}"),
	  E ".linux.intelRdt.enableMonitoring: expected a boolean, got 1" },
	{ "[]", E "expected an object, got an array" },
	{ "\"x\"", E "expected an object, got \"x\"" },
	{ "null", E "expected an object, got null" },
	{ "42", E "expected an object, got 42" },
	/* Malformed JSON: yajl's reason at LINE:COLUMN (of the token at
	 * fault, or the end), and the text there. */
	{ "", E "invalid JSON: empty document" },
	{ " \n\t ", E "invalid JSON: empty document" },
	{ "{", "config.json:1:2: invalid JSON: parse error: premature EOF, at the end of the text" },
	{ "{\"ociVersion\":",
	  "config.json:1:15: invalid JSON: parse error: premature EOF, at the end of the text" },
	{ "garbage", "config.json:1:1: invalid JSON: lexical error: invalid char in json text, at `garbage`" },
	{ "{} {}", "config.json:1:4: invalid JSON: parse error: trailing garbage, at `{}`" },
	{ "{\"ociVersion\":\"\xff\"}",
	  "config.json:1:16: invalid JSON: lexical error: invalid bytes in UTF8 string, at `?\"}`" },
	{ "{\"ociVersion\":\"a\\u0000b\"}", "config.json:1:17: invalid JSON: \\u0000 in a string" },
};

#define VP(x) J("\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"," x "}")
#define VL(x) J("\"linux\":{" x "}")
/* With the namespaces that make sysctls the container's own, and a user one. */
#define NSX(x) "\"linux\":{\"namespaces\":[{\"type\":\"ipc\"},{\"type\":\"uts\"}," \
	"{\"type\":\"network\"}]," x "}"
#define NS(x) J(NSX(x))
/* A linux object with a user namespace, to go in J() after other fields. */
#define ULX(x) "\"linux\":{\"namespaces\":[{\"type\":\"user\"}]," x "}"
#define UL(x) J(ULX(x))

static const struct error_case validation_errors[] = {
	{ "{\"ociVersion\":\"1.0\"}", E ".ociVersion: must be a semantic version (SemVer 2.0.0), got \"1.0\"" },
	{ "{\"ociVersion\":\"01.0.0\"}",
	  E ".ociVersion: must be a semantic version (SemVer 2.0.0), got \"01.0.0\"" },
	{ "{\"ociVersion\":\"1.0.2-\"}",
	  E ".ociVersion: must be a semantic version (SemVer 2.0.0), got \"1.0.2-\"" },
	{ "{\"ociVersion\":\"2.0.0\"}", E ".ociVersion: skiff implements runtime-spec 1.x, got \"2.0.0\"" },
	{ "{\"ociVersion\":\"0.5.0-dev\"}",
	  E ".ociVersion: skiff implements runtime-spec 1.x, got \"0.5.0-dev\"" },
	{ J("\"mounts\":[{\"destination\":\"\"}]"),
	  E ".mounts[0].destination: must be a path, got \"\"" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,\"hostID\":1,"
	    "\"size\":1}]}]"),
	  E ".mounts[0]: uidMappings and gidMappings must be given together" },
	{ J("\"process\":{\"args\":[\"sh\"],\"cwd\":\"tmp\"}"),
	  E ".process.cwd: must be an absolute path, got \"tmp\"" },
	{ J("\"process\":{\"cwd\":\"/\"}"), E ".process.args: must contain at least one entry" },
	{ J("\"process\":{\"args\":[],\"cwd\":\"/\"}"), E ".process.args: must contain at least one entry" },
	{ VL("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"pid\"}]"),
	  E ".linux.namespaces[2].type: duplicate namespace type \"pid\" (also at [0])" },
	{ VL("\"namespaces\":[{\"type\":\"pid\",\"path\":\"proc/1/ns/pid\"}]"),
	  E ".linux.namespaces[0].path: must be an absolute path, got \"proc/1/ns/pid\"" },
	{ VL("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
	  E ".linux.uidMappings: uid mappings need a user namespace in .linux.namespaces" },
	{ VL("\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]"),
	  E ".linux.gidMappings: gid mappings need a user namespace in .linux.namespaces" },
	{ VL("\"devices\":[{\"path\":\"/tmp/x\",\"type\":\"c\"}]"),
	  E ".linux.devices[0].path: must be an absolute path under /dev, got \"/tmp/x\"" },
	{ VL("\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\"},{\"path\":\"/dev/../etc/x\","
	     "\"type\":\"c\"}]"),
	  E ".linux.devices[1].path: must be an absolute path under /dev, got \"/dev/../etc/x\"" },
	{ VL("\"devices\":[{\"path\":\"dev/null\",\"type\":\"c\"}]"),
	  E ".linux.devices[0].path: must be an absolute path under /dev, got \"dev/null\"" },
	{ VP("\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]"),
	  E ".process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ VP("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":2048}]"),
	  E ".process.rlimits[0]: soft limit 2048 is greater than hard limit 1024" },
	{ VP("\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},{\"type\":"
	     "\"RLIMIT_NOFILE\",\"hard\":2,\"soft\":2}]"),
	  E ".process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\" (also at [0])" },
	/* unknown names are errors (the project's choice, as runc 1.1); known
	 * ones this host cannot grant are warnings of create and check */
	{ VP("\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_SETUID\",\"CAP_FOO\"]}"),
	  E ".process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"" },
	{ VP("\"capabilities\":{\"ambient\":[\"cap_chown\"]}"),
	  E ".process.capabilities.ambient[0]: unknown capability \"cap_chown\"" },
	{ VP("\"capabilities\":{\"effective\":[\"CAP_KILL\",\"12\"]}"),
	  E ".process.capabilities.effective[1]: unknown capability \"12\"" },
	{ VP("\"oomScoreAdj\":1001"), E ".process.oomScoreAdj: must be between -1000 and 1000, got 1001" },
	{ VP("\"oomScoreAdj\":-1001"),
	  E ".process.oomScoreAdj: must be between -1000 and 1000, got -1001" },
	{ VP("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":8}"),
	  E ".process.ioPriority.priority: must be between 0 and 7, got 8" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":"
	     "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_FOO\"]}"),
	  E ".linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_FOO\"]}"),
	  E ".linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FOO\"" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],"
	     "\"action\":\"SCMP_ACT_ERRNO\"}]}"),
	  E ".linux.seccomp.syscalls[0].names: must contain at least one entry" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerMetadata\":\"m\"}"),
	  E ".linux.seccomp.listenerMetadata: requires listenerPath" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	     "\"action\":\"SCMP_ACT_NOTIFY\"}]}"),
	  E ".linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a seccomp agent to listen there" },
	{ VL("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"),
	  E ".linux.seccomp.listenerPath: longer than a unix socket path can be (107 bytes)" },
	{ VL("\"namespaces\":[{\"type\":\"user\"},{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]"),
	  E ".linux.namespaces[1].path: a mount namespace given by path cannot go with a new user "
	    "namespace (the container could not mount in it)" },
	{ VL("\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}"),
	  E ".linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m" },
	{ VL("\"resources\":{\"memory\":{\"swap\":67108864}}"),
	  E ".linux.resources.memory.swap: unable to set swap limit without memory limit" },
	{ VL("\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":1048576}}"),
	  E ".linux.resources.memory.swap: memory+swap limit should be >= memory limit" },
	{ VL("\"resources\":{\"memory\":{\"swappiness\":101}}"),
	  E ".linux.resources.memory.swappiness: invalid value 101, the valid range is 0-100" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}"),
	  E ".linux.memoryPolicy.nodes: MPOL_BIND needs nodes" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_WEIGHTED_INTERLEAVE\",\"nodes\":\"\"}"),
	  E ".linux.memoryPolicy.nodes: MPOL_WEIGHTED_INTERLEAVE needs nodes" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\",\"nodes\":\"0\"}"),
	  E ".linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_DEFAULT\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}"),
	  E ".linux.memoryPolicy.flags: MPOL_DEFAULT takes no flags" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0,3-1\"}"),
	  E ".linux.memoryPolicy.nodes: invalid memory policy nodes \"0,3-1\": not a node list such as \"0-3,7\"" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-9876543210\"}"),
	  E ".linux.memoryPolicy.nodes: invalid memory policy nodes \"0-9876543210\": node 9876543210 is out of range: at most 1023" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\",\"nodes\":\"0\",\"flags\":[\"badflag\"]}"),
	  E ".linux.memoryPolicy.flags[0]: invalid memory policy flag \"badflag\": expected MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES or MPOL_F_STATIC_NODES" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\",\"MPOL_F_RELATIVE_NODES\"]}"),
	  E ".linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other" },
	{ VL("\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\",\"flags\":[\"MPOL_F_STATIC_NODES\"]}"),
	  E ".linux.memoryPolicy.flags: MPOL_PREFERRED without nodes (local allocation) takes no MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES" },
	{ VL("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}"),
	  E ".linux.netDevices[\"eth0\"].name: \"a/b\": '/', ':' and white space are not allowed in an interface name" },
	{ VL("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"averyveryverylongname\":{}}"),
	  E ".linux.netDevices[\"averyveryverylongname\"]: host interface name \"averyveryverylongname\": longer than 15 bytes (IFNAMSIZ)" },
	{ VL("\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth0\":{\"name\":\"net0\"},\"eth1\":{\"name\":\"net0\"}}"),
	  E ".linux.netDevices[\"eth1\"]: two devices would be named \"net0\" in the container (also \"eth0\")" },
	{ VL("\"intelRdt\":{\"memBwSchema\":\"L3:0=1\"}"),
	  E ".linux.intelRdt.memBwSchema: must start with \"MB:\" and hold no newline" },
	{ VL("\"intelRdt\":{\"closID\":\"../x\"}"),
	  E ".linux.intelRdt.closID: must name a directory of the resctrl filesystem, got \"../x\"" },
	{ VL("\"timeOffsets\":{\"boottime\":{\"secs\":1}}"),
	  E ".linux.timeOffsets: time offsets need a time namespace in .linux.namespaces" },
	{ J("\"hostname\":\"box\""),
	  E ".hostname: unable to set hostname without a private UTS namespace" },
	{ J("\"domainname\":\"example.org\""),
	  E ".domainname: unable to set domainname without a private UTS namespace" },
	{ VL("\"sysctl\":{\"\":\"1\"}"), E ".linux.sysctl[\"\"]: empty key" },
	/* Sysctls: only namespaced ones, and only with that namespace. */
	{ NS("\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.core_pattern\":\"|/tmp/x\"}"),
	  E ".linux.sysctl[\"kernel.core_pattern\"]: sysctl \"kernel.core_pattern\" is not in a "
	    "separate kernel namespace: it would set the host's" },
	{ NS("\"sysctl\":{\"vm.swappiness\":\"10\"}"),
	  E ".linux.sysctl[\"vm.swappiness\"]: sysctl \"vm.swappiness\" is not in a separate kernel "
	    "namespace: it would set the host's" },
	{ NS("\"sysctl\":{\"kernel/core_pattern\":\"x\"}"),
	  E ".linux.sysctl[\"kernel/core_pattern\"]: sysctl \"kernel.core_pattern\" is not in a "
	    "separate kernel namespace: it would set the host's" },
	{ NS("\"sysctl\":{\"net/../kernel/core_pattern\":\"x\"}"),
	  E ".linux.sysctl[\"net/../kernel/core_pattern\"]: not a sysctl: a component is empty, "
	    "\".\" or \"..\"" },
	{ NS("\"sysctl\":{\"net.ipv4..ip_forward\":\"1\"}"),
	  E ".linux.sysctl[\"net.ipv4..ip_forward\"]: not a sysctl: a component is empty, "
	    "\".\" or \"..\"" },
	{ NS("\"sysctl\":{\"net.\":\"1\"}"),
	  E ".linux.sysctl[\"net.\"]: not a sysctl: a component is empty, \".\" or \"..\"" },
	{ VL("\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},\"namespaces\":[{\"type\":\"ipc\"}]"),
	  E ".linux.sysctl[\"net.ipv4.ip_forward\"]: sysctl \"net.ipv4.ip_forward\" would set the "
	    "host's: .linux.namespaces has no \"network\" namespace" },
	{ VL("\"sysctl\":{\"kernel.shmmax\":\"1\"},\"namespaces\":[{\"type\":\"network\"}]"),
	  E ".linux.sysctl[\"kernel.shmmax\"]: sysctl \"kernel.shmmax\" would set the host's: "
	    ".linux.namespaces has no \"ipc\" namespace" },
	{ VL("\"sysctl\":{\"fs/mqueue/msg_max\":\"1\"}"),
	  E ".linux.sysctl[\"fs/mqueue/msg_max\"]: sysctl \"fs.mqueue.msg_max\" would set the host's: "
	    ".linux.namespaces has no \"ipc\" namespace" },
	{ VL("\"sysctl\":{\"kernel.hostname\":\"box\"}"),
	  E ".linux.sysctl[\"kernel.hostname\"]: sysctl \"kernel.hostname\" would set the host's: "
	    ".linux.namespaces has no \"uts\" namespace" },
	{ J("\"hostname\":\"box\"," NSX("\"sysctl\":{\"kernel.hostname\":\"other\"}")),
	  E ".linux.sysctl[\"kernel.hostname\"]: sysctl \"kernel.hostname\" conflicts with "
	    ".hostname \"box\"" },
	{ J("\"domainname\":\"a.org\"," NSX("\"sysctl\":{\"kernel/domainname\":\"b.org\"}")),
	  E ".linux.sysctl[\"kernel/domainname\"]: sysctl \"kernel.domainname\" conflicts with "
	    ".domainname \"a.org\"" },
	/* Ids: 0..2147483647, as runc; (gid_t)-1 would keep the runtime's root. */
	{ VP("\"user\":{\"uid\":4294967295,\"gid\":0}"),
	  E ".process.user.uid: must be between 0 and 2147483647, got 4294967295" },
	{ VP("\"user\":{\"uid\":0,\"gid\":4294967295}"),
	  E ".process.user.gid: must be between 0 and 2147483647, got 4294967295" },
	{ VP("\"user\":{\"uid\":2147483648,\"gid\":0}"),
	  E ".process.user.uid: must be between 0 and 2147483647, got 2147483648" },
	{ VP("\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[5,4294967295]}"),
	  E ".process.user.additionalGids[1]: must be between 0 and 2147483647, got 4294967295" },
	{ UL("\"uidMappings\":[{\"containerID\":4294967295,\"hostID\":1000,\"size\":1}]"),
	  E ".linux.uidMappings[0].containerID: must be between 0 and 2147483647, got 4294967295" },
	{ UL("\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},"
	     "{\"containerID\":1,\"hostID\":2147483648,\"size\":1}]"),
	  E ".linux.gidMappings[1].hostID: must be between 0 and 2147483647, got 2147483648" },
	{ UL("\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":4294967295}]"),
	  E ".linux.uidMappings[0].size: 4294967295 ids from containerID 0 go past 2147483647, "
	    "the highest id" },
	{ UL("\"gidMappings\":[{\"containerID\":0,\"hostID\":2147483000,\"size\":65536}]"),
	  E ".linux.gidMappings[0].size: 65536 ids from hostID 2147483000 go past 2147483647, "
	    "the highest id" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/s\",\"uidMappings\":"
	    "[{\"containerID\":0,\"hostID\":4294967295,\"size\":1}],\"gidMappings\":[{\"containerID\":0,"
	    "\"hostID\":0,\"size\":1}]}]"),
	  E ".mounts[0].uidMappings[0].hostID: must be between 0 and 2147483647, got 4294967295" },
	{ VL("\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"gid\":4294967295}]"),
	  E ".linux.devices[0].gid: must be between 0 and 2147483647, got 4294967295" },
	{ J("\"hooks\":{\"prestart\":[{\"path\":\"fix\"}]}"),
	  E ".hooks.prestart[0].path: must be an absolute path, got \"fix\"" },
	{ J("\"hooks\":{\"poststop\":[{\"path\":\"/x\",\"timeout\":0}]}"),
	  E ".hooks.poststop[0].timeout: must be greater than zero, got 0" },
	{ VL("\"maskedPaths\":[\"/proc/kcore\"]"),
	  E ".linux.maskedPaths: unable to restrict sys entries without a private MNT namespace" },
	{ VL("\"namespaces\":[{\"type\":\"mount\"}],\"maskedPaths\":[\"proc/kcore\"]"),
	  E ".linux.maskedPaths[0]: must be an absolute path, got \"proc/kcore\"" },
	{ VL("\"namespaces\":[{\"type\":\"mount\"}],\"readonlyPaths\":[\"/proc/sys\",\"sys\"]"),
	  E ".linux.readonlyPaths[1]: must be an absolute path, got \"sys\"" },
	{ VP("\"scheduler\":{\"policy\":\"SCHED_OTHER\",\"flags\":[\"SCHED_FLAG_RECLAIM\",\"SCHED_FLAG_NOPE\"]}"),
	  E ".process.scheduler.flags[1]: unknown scheduling flag \"SCHED_FLAG_NOPE\"" },
	{ VP("\"execCPUAffinity\":{\"initial\":\"0-3,7\",\"final\":\"3-1\"}"),
	  E ".process.execCPUAffinity.final: not a list of CPUs such as \"0-3,7\": \"3-1\"" },
	{ VP("\"execCPUAffinity\":{\"initial\":\"0,\"}"),
	  E ".process.execCPUAffinity.initial: not a list of CPUs such as \"0-3,7\": \"0,\"" },
	{ VL("\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"ADDR_NO_RANDOMIZE\"]}"),
	  E ".linux.personality.flags[0]: unsupported personality flag \"ADDR_NO_RANDOMIZE\": the runtime-spec defines none" },
	/* Seccomp: what the config alone decides, before libseccomp sees it
	 * (config-linux.md#seccomp: an errnoRet where it means nothing MUST
	 * fail; runc 1.1.5 takes it silently). */
	{ SC("{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":5}"),
	  E ".linux.seccomp.syscalls[0].errnoRet: an errno return is only valid with SCMP_ACT_ERRNO "
	    "and SCMP_ACT_TRACE, not SCMP_ACT_KILL" },
	{ S("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":3"),
	  E ".linux.seccomp.defaultErrnoRet: an errno return is only valid with SCMP_ACT_ERRNO and "
	    "SCMP_ACT_TRACE, not SCMP_ACT_ALLOW" },
	{ SC("{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":65536}"),
	  E ".linux.seccomp.syscalls[0].errnoRet: errno 65536 is out of range" },
	{ SC("{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
	     "\"value\":1,\"op\":\"SCMP_CMP_EQ\"},{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}"),
	  E ".linux.seccomp.syscalls[0].args[1].index: a syscall has 6 arguments, got index 6" },
	{ S("\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/run/agent.sock\""),
	  E ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action" },
	{ S("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\",\"syscalls\":["
	    "{\"names\":[\"recvmsg\",\"sendmsg\"],\"action\":\"SCMP_ACT_NOTIFY\"}]"),
	  E ".linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for sendmsg, which "
	    "hands the listener to the runtime" },
	/* Idmapped mounts: only binds, and with mappings from somewhere. */
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[\"idmap\"]}]"),
	  E ".mounts[0]: only bind mounts can be idmapped" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"uidMappings\":"
	    "[{\"containerID\":0,\"hostID\":1000,\"size\":1}],\"gidMappings\":"
	    "[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}]"),
	  E ".mounts[0]: only bind mounts can be idmapped" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"source\":\"/s\",\"options\":[\"rbind\",\"idmap\"]}]"),
	  E ".mounts[0]: an idmapped mount needs uidMappings and gidMappings, its own or the "
	    "container's" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/s\",\"options\":"
	    "[\"ridmap\"]}]," ULX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]")),
	  E ".mounts[0]: an idmapped mount needs uidMappings and gidMappings, its own or the "
	    "container's" },
	/* runc: 'error mounting "" to rootfs at "/a": stat : no such file or
	 * directory'; skiff bound the bundle directory. */
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"\"}]"),
	  E ".mounts[0].source: a bind mount needs a source" },
	{ J("\"mounts\":[{\"destination\":\"/a\",\"options\":[\"rbind\"]}]"),
	  E ".mounts[0].source: a bind mount needs a source" },
	/* A mount on / hides the rootfs (runc 1.1.5 then fails in its init,
	 * crun refuses the destination). */
	{ J("\"mounts\":[{\"destination\":\"/\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]"),
	  E ".mounts[0].destination: a mount on \"/\" would hide the root filesystem: root.path is "
	    "the container's /" },
	{ J("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},{\"destination\":\"/tmp/./..//\","
	    "\"type\":\"tmpfs\"}]"),
	  E ".mounts[1].destination: a mount on \"/tmp/./..//\" would hide the root filesystem: "
	    "root.path is the container's /" },
	/* The kernel takes no filesystem options for a bind (runc 1.1.5 drops them). */
	{ J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/tmp\","
	    "\"options\":[\"rbind\",\"size=1k\"]}]"),
	  E ".mounts[0].options: filesystem options \"size=1k\" cannot apply to a bind mount (the "
	    "kernel takes none for one)" },
	/* Offsets go only into a time namespace skiff makes. */
	{ VL("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"time\",\"path\":\"/proc/1/ns/time\"}],"
	     "\"timeOffsets\":{\"monotonic\":{\"secs\":100}}"),
	  E ".linux.timeOffsets: time offsets can only be set on a new time namespace, not on the one "
	    ".linux.namespaces[1].path joins" },
};

static const char *const validation_ok[] = {
	NS("\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"net/ipv4/conf/eth0.100/rp_filter\":\"1\","
	   "\"net.ipv4.conf.eth0/100.forwarding\":\"1\",\"kernel.shmmax\":\"1\","
	   "\"kernel/shm_rmid_forced\":\"1\",\"fs.mqueue.msg_max\":\"10\","
	   "\"kernel.domainname\":\"a.org\",\"kernel.hostname\":\"box\"}"),
	/* a sysctl that agrees with its field */
	J("\"hostname\":\"box\"," NSX("\"sysctl\":{\"kernel.hostname\":\"box\"}")),
	/* a namespace joined by path is the container's own */
	VL("\"sysctl\":{\"net.core.somaxconn\":\"256\"},\"namespaces\":[{\"type\":\"network\","
	   "\"path\":\"/run/netns/a\"}]"),
	VP("\"user\":{\"uid\":2147483647,\"gid\":2147483647,\"additionalGids\":[2147483647]}"),
	UL("\"uidMappings\":[{\"containerID\":0,\"hostID\":2147418112,\"size\":65536}],"
	   "\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":2147483648}]"),
	VL("\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],\"namespaces\":"
	   "[{\"type\":\"user\"}]"),
	J("\"hostname\":\"box\",\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/1/ns/uts\"}]}"),
	VP("\"oomScoreAdj\":1000,\"capabilities\":{\"bounding\":[\"CAP_CHECKPOINT_RESTORE\"]}"),
	VL("\"timeOffsets\":{\"monotonic\":{}},\"namespaces\":[{\"type\":\"time\"}]"),
	VL("\"devices\":[{\"path\":\"/dev/net/tun\",\"type\":\"c\",\"major\":10,\"minor\":200}]"),
	J("\"hostname\":\"\""),
	"{\"ociVersion\":\"1.0.2-dev\"}",
	"{\"ociVersion\":\"1.1.0-rc.2+dev.3\"}",
	"{\"ociVersion\":\"1.3.0\"}",
	/* config.md#mounts: deprecated, relative to "/" */
	J("\"mounts\":[{\"destination\":\"proc\",\"type\":\"proc\"}]"),
	J("\"mounts\":[{\"destination\":\"/a/../b\",\"type\":\"tmpfs\"}]"),
	/* "idmap" with the container's own mappings */
	J("\"mounts\":[{\"destination\":\"/a\",\"source\":\"/s\",\"options\":[\"rbind\",\"idmap\"]}],"
	  ULX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
	      "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]")),
	/* mount flags and propagation on a bind are no filesystem options */
	J("\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/s\",\"options\":"
	  "[\"rbind\",\"ro\",\"nosuid\",\"nodev\",\"noexec\",\"rprivate\",\"rro\"]}]"),
	S("\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\",\"syscalls\":["
	  "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":1},"
	  "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_NOTIFY\"}]"),
	VL("\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"boottime\":{\"secs\":5}}"),
};

#endif
