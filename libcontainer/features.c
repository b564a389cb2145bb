/*
 * skiff_features_json(): the runtime-spec features document (features.md,
 * features-linux.md), what `skiff features` prints and engines read to
 * learn what the runtime can do.
 *
 * The spec's fields describe the runtime, "irrelevant to the availability
 * of the features in the host": the names skiff recognizes, taken from the
 * tables that do the work (mount options from mount_options.c and
 * libmount, capabilities from libcap, seccomp actions, operators and flags
 * from seccomp.c, architectures from libseccomp).  One field depends on the
 * host by definition: seccomp.supportedFlags, what this libseccomp and this
 * kernel can set (probed).  What else the host offers (AppArmor or SELinux
 * switched on, the cgroup layout) goes into annotations, under
 * org.skiff.host.
 */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_gen.h>

#include "cgroups.h"
#include "config.h"
#include "internal.h"
#include "mount_options.h"

/*
 * What this build implements, one place each.  The systemd drivers (system
 * and user manager) come with libsystemd (configure).
 */
static const bool has_cgroup_v1 = true, has_cgroup_v2 = true;
static const bool has_systemd_cgroup = HAVE_LIBSYSTEMD, has_systemd_user_cgroup = HAVE_LIBSYSTEMD;
static const bool has_rdma = true; /* linux.resources.rdma, cgroups_v1.c */
static const bool has_apparmor = true, has_selinux = true; /* lsm.c */
static const bool has_intel_rdt = true; /* intelrdt.c: schemata and enableMonitoring too */
static const bool has_idmapped_mounts = true; /* idmap.c */
static const bool has_net_devices = true; /* netdev.c */

/* The oldest config skiff runs: its parser and validator know 1.0.0's. */
#define OCI_VERSION_MIN "1.0.0"

/* libseccomp's architectures as the spec names them: every name of
 * config-linux.md#seccomp and the newer ones; only those this libseccomp
 * resolves are listed. */
static const char *const arch_names[] = {
	"SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",   "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K",    "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB",
};

static const char *const hook_names[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static void gen_key(yajl_gen g, const char *key)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
}

static void gen_str(yajl_gen g, const char *value)
{
	yajl_gen_string(g, (const unsigned char *)value, strlen(value));
}

static void gen_bool_field(yajl_gen g, const char *key, bool value)
{
	gen_key(g, key);
	yajl_gen_bool(g, value);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted array of names, without repeats (libmount lists a few twice). */
static void gen_sorted(yajl_gen g, const char *key, const char **names, size_t n)
{
	qsort(names, n, sizeof(*names), compare_names);
	gen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]))
			gen_str(g, names[i]);
	yajl_gen_array_close(g);
}

static void gen_list(yajl_gen g, const char *key, const char *(*at)(size_t i))
{
	const char *name;

	gen_key(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; (name = at(i)); i++)
		gen_str(g, name);
	yajl_gen_array_close(g);
}

static void gen_null_list(yajl_gen g, const char *key, const char *const *names)
{
	gen_key(g, key);
	yajl_gen_array_open(g);
	for (; *names; names++)
		gen_str(g, *names);
	yajl_gen_array_close(g);
}

static void gen_capabilities(yajl_gen g)
{
	gen_key(g, "capabilities");
	yajl_gen_array_open(g);
	/* libcap's names, in the kernel's order; past its last one it gives
	 * numbers. */
	for (cap_value_t v = 0; v < 64; v++) {
		char *name = cap_to_name(v), upper[40];
		size_t k;

		if (!name || strncmp(name, "cap_", 4) != 0 || strlen(name) >= sizeof(upper)) {
			cap_free(name);
			break;
		}
		for (k = 0; name[k]; k++)
			upper[k] = (char)toupper((unsigned char)name[k]);
		upper[k] = '\0';
		cap_free(name);
		gen_str(g, upper);
	}
	yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g)
{
	const char *archs[sizeof(arch_names) / sizeof(arch_names[0])], *flag;
	size_t n = 0;

	gen_key(g, "seccomp");
	yajl_gen_map_open(g);
	gen_bool_field(g, "enabled", true);
	gen_list(g, "actions", seccomp_action_name);
	gen_list(g, "operators", seccomp_operator_name);
	for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++) {
		char lower[32];
		size_t k;

		for (k = 0; arch_names[i][10 + k] && k < sizeof(lower) - 1; k++)
			lower[k] = (char)tolower((unsigned char)arch_names[i][10 + k]);
		lower[k] = '\0';
		if (seccomp_arch_resolve_name(lower))
			archs[n++] = arch_names[i];
	}
	gen_sorted(g, "archs", archs, n);
	gen_list(g, "knownFlags", seccomp_flag_name);
	gen_key(g, "supportedFlags");
	yajl_gen_array_open(g);
	for (size_t i = 0; (flag = seccomp_flag_name(i)); i++)
		if (seccomp_flag_supported(flag))
			gen_str(g, flag);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_enabled(yajl_gen g, const char *key, bool enabled)
{
	gen_key(g, key);
	yajl_gen_map_open(g);
	gen_bool_field(g, "enabled", enabled);
	yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g)
{
	const char *const *ns = spec_namespace_types();
	const char *list[64];
	size_t n = 0;

	gen_key(g, "linux");
	yajl_gen_map_open(g);
	while (ns[n] && n < sizeof(list) / sizeof(list[0])) {
		list[n] = ns[n];
		n++;
	}
	gen_sorted(g, "namespaces", list, n);
	gen_capabilities(g);
	gen_key(g, "cgroup");
	yajl_gen_map_open(g);
	gen_bool_field(g, "v1", has_cgroup_v1);
	gen_bool_field(g, "v2", has_cgroup_v2);
	gen_bool_field(g, "systemd", has_systemd_cgroup);
	gen_bool_field(g, "systemdUser", has_systemd_user_cgroup);
	gen_bool_field(g, "rdma", has_rdma);
	yajl_gen_map_close(g);
	gen_seccomp(g);
	gen_enabled(g, "apparmor", has_apparmor);
	gen_enabled(g, "selinux", has_selinux);
	gen_key(g, "intelRdt");
	yajl_gen_map_open(g);
	gen_bool_field(g, "enabled", has_intel_rdt);
	gen_bool_field(g, "schemata", has_intel_rdt);
	gen_bool_field(g, "monitoring", has_intel_rdt);
	yajl_gen_map_close(g);
	/* mempolicy.c applies every mode and flag the model accepts. */
	gen_key(g, "memoryPolicy");
	yajl_gen_map_open(g);
	gen_null_list(g, "modes", spec_memory_policy_modes());
	gen_null_list(g, "flags", spec_memory_policy_flags());
	yajl_gen_map_close(g);
	gen_key(g, "mountExtensions");
	yajl_gen_map_open(g);
	gen_enabled(g, "idmap", has_idmapped_mounts);
	yajl_gen_map_close(g);
	gen_enabled(g, "netDevices", has_net_devices);
	yajl_gen_map_close(g);
}

static void gen_str_field(yajl_gen g, const char *key, const char *value)
{
	gen_key(g, key);
	gen_str(g, value);
}

/* Facts of this build and this host that the spec's fields leave out. */
static void gen_annotations(yajl_gen g)
{
	static const char *const layouts[] = { "v1", "hybrid", "v2" };
	const struct scmp_version *v = seccomp_version();
	char version[32];
	cg_layout layout;

	gen_key(g, "annotations");
	yajl_gen_map_open(g);
	snprintf(version, sizeof(version), "%u.%u.%u", v ? v->major : 0, v ? v->minor : 0,
		 v ? v->micro : 0);
	gen_str_field(g, "io.github.seccomp.libseccomp.version", version);
	gen_str_field(g, "org.skiff.version", PACKAGE_VERSION);
	gen_str_field(g, "org.skiff.commit", SKIFF_GIT_COMMIT);
	gen_str_field(g, "org.skiff.checkpoint.enabled", "true");
	gen_str_field(g, "org.skiff.host.apparmor.enabled",
		       lsm_apparmor_enabled() ? "true" : "false");
	gen_str_field(g, "org.skiff.host.selinux.enabled", lsm_selinux_enabled() ? "true" : "false");
	if (cgroup_layout_detect(&layout, NULL) == 0)
		gen_str_field(g, "org.skiff.host.cgroup", layouts[layout]);
	yajl_gen_map_close(g);
}

int skiff_features_json(bool pretty, char **json_out, skiff_error *err)
{
	const char *options[256];
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);

	*json_out = NULL;
	if (!g)
		return skiff_fail(err, ENOMEM, "generate the features document");
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_map_open(g);
	gen_str_field(g, "ociVersionMin", OCI_VERSION_MIN);
	gen_str_field(g, "ociVersionMax", SKIFF_OCI_VERSION);
	gen_key(g, "hooks");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++)
		gen_str(g, hook_names[i]);
	yajl_gen_array_close(g);
	gen_sorted(g, "mountOptions", options,
		   mount_option_names(options, sizeof(options) / sizeof(options[0])));
	gen_linux(g);
	gen_annotations(g);
	/* features.md: annotations of config.json that change what the
	 * runtime does.  skiff acts on none (runc: bundle,
	 * org.systemd.property., org.criu.config). */
	gen_key(g, "potentiallyUnsafeConfigAnnotations");
	yajl_gen_array_open(g);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return skiff_fail_code(err, EINVAL, "generate the features document");
	}
	*json_out = malloc(len + 1);
	if (!*json_out) {
		yajl_gen_free(g);
		return skiff_fail(err, ENOMEM, "generate the features document");
	}
	memcpy(*json_out, buf, len);
	(*json_out)[len] = '\0';
	yajl_gen_free(g);
	return 0;
}
