/*
 * The names config.json gives the kernel's things, each list once: the
 * rlimits (with their RLIMIT_ numbers), the seccomp architectures and
 * filter flags, the capabilities' spelling.  The validators, the runtime
 * (process.c, check_host.c, seccomp.c) and `skiff features` read them
 * here.  The seccomp actions and operators are enums of the schema
 * (schema.c), which the parser checks.
 */
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "spec.h"

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS },           { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },     { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },       { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

/* Every name of config-linux.md#seccomp and the ones libseccomp added
 * since; which of them this libseccomp resolves is seccomp.c's question. */
const char *const spec_seccomp_arch_names[] = {
	"SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",   "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",    "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",      NULL,
};

/* The spec's flags; which this libseccomp and kernel can set is seccomp.c's. */
const char *const spec_seccomp_flag_names[] = {
	"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

int spec_rlimit_resource(const char *type)
{
	for (size_t k = 0; type && k < ARRAY_SIZE(rlimits); k++)
		if (!strcmp(type, rlimits[k].name))
			return rlimits[k].resource;
	return -1;
}

/* libcap knows the names; it also takes "cap_chown" and "12", which the
 * runtime-spec does not, so insist on the CAP_UPPER_CASE spelling first. */
bool spec_capability_known(const char *name)
{
	cap_value_t value;
	const char *p;

	if (!name || strncmp(name, "CAP_", 4) != 0 || !name[4])
		return false;
	for (p = name + 4; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return cap_from_name(name, &value) == 0;
}
