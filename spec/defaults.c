/*
 * The default config: what `runc spec` and `runc spec --rootless` write,
 * except that ociVersion is the version skiff implements.  Kept as JSON text
 * run through the normal parser, so it reads like the file it produces and
 * cannot drift from what the parser accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "schema.h"

#define CAPS "[\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"

#define PROCESS                                                                     \
	"\"process\": {"                                                            \
	"  \"terminal\": true,"                                                     \
	"  \"user\": {\"uid\": 0, \"gid\": 0},"                                     \
	"  \"args\": [\"sh\"],"                                                     \
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"," \
	"           \"TERM=xterm\"],"                                               \
	"  \"cwd\": \"/\","                                                         \
	"  \"capabilities\": {"                                                     \
	"    \"bounding\": " CAPS ", \"effective\": " CAPS ","                      \
	"    \"permitted\": " CAPS ", \"ambient\": " CAPS                           \
	"  },"                                                                      \
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}]," \
	"  \"noNewPrivileges\": true"                                               \
	"},"

#define HEAD                                                                         \
	"{\"ociVersion\": \"" SKIFF_OCI_VERSION "\"," PROCESS                        \
	"\"root\": {\"path\": \"rootfs\", \"readonly\": true},"                      \
	"\"hostname\": \"runc\","                                                    \
	"\"mounts\": ["                                                              \
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"  \
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","  \
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"

/* devpts: a rootless container cannot pick gid=5 (tty) for its ptys. */
#define DEVPTS(extra)                                                                  \
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\"," \
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\","    \
	"                 \"mode=0620\"" extra "]},"

#define SHM_MQUEUE                                                                     \
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","   \
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]}," \
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\"," \
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"

/* sysfs: without a network namespace of its own a container may not mount a
 * fresh sysfs, so the rootless config binds the host's read-only. */
#define SYSFS                                                                          \
	"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","     \
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
#define SYSFS_BIND                                                                     \
	"  {\"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\","       \
	"   \"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"

#define CGROUP                                                                         \
	"  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\"," \
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}"     \
	"],"

#define NS(t) "{\"type\": \"" t "\"}"

#define PATHS                                                                          \
	"\"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\"," \
	"  \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","      \
	"  \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"                  \
	"\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\"," \
	"  \"/proc/sysrq-trigger\"]"

static const char default_json[] =
	HEAD DEVPTS(", \"gid=5\"") SHM_MQUEUE SYSFS CGROUP
	"\"linux\": {"
	"  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"  \"namespaces\": [" NS("pid") "," NS("network") "," NS("ipc") "," NS("uts") ","
	NS("mount") "]," PATHS
	"}}";

/* No device cgroup rules (an unprivileged user cannot set them), no network
 * namespace (the host's stays usable), and a user namespace mapping root in
 * the container to the caller.  The two %u are the caller's uid and gid. */
static const char rootless_format[] =
	HEAD DEVPTS("") SHM_MQUEUE SYSFS_BIND CGROUP
	"\"linux\": {"
	"  \"uidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
	"  \"gidMappings\": [{\"containerID\": 0, \"hostID\": %u, \"size\": 1}],"
	"  \"namespaces\": [" NS("pid") "," NS("ipc") "," NS("uts") "," NS("mount") ","
	NS("user") "]," PATHS
	"}}";

int spec_config_default(bool rootless, uid_t uid, gid_t gid, spec_config **out,
			skiff_error *err)
{
	char rootless_json[sizeof(rootless_format) + 32];
	const char *json = default_json;
	int n;

	*out = NULL;
	if (rootless) {
		n = snprintf(rootless_json, sizeof(rootless_json), rootless_format,
			     (unsigned)uid, (unsigned)gid);
		if (n < 0 || (size_t)n >= sizeof(rootless_json))
			return skiff_fail_msg(err, 0, "default config: formatting failed");
		json = rootless_json;
	}
	if (spec_parse_config(json, strlen(json), "default config", out, err) < 0)
		return -1;
	return 0;
}
