/*
 * Unit tests of create_requirements() (libcontainer/check.c): the rules
 * create checks on the host or its flags before making anything, which
 * `skiff check` reports as errors too.  Each case is a config laid in a
 * bundle of its own making (a rootfs directory, a file, symlinks), and
 * the problems it must give, path and message, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char bundle[] = "/tmp/skiff-requirements-XXXXXX";

struct heard {
	char text[8][512];
	size_t n;
};

static void hear(void *data, const char *path, const char *problem)
{
	struct heard *h = data;

	if (h->n < COUNT(h->text))
		snprintf(h->text[h->n], sizeof(h->text[0]), "%s: %s", path, problem);
	h->n++;
}

/* A config with a process; x is more of its top-level fields. */
#define C(x) "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"}," x "}"
/* "%s" in a want is the bundle's path. */
static const struct req_case {
	const char *json;
	bool no_pivot;
	const char *want; /* NULL: no problem */
} cases[] = {
	{ C("\"root\":{\"path\":\"rootfs\"}"), false, NULL },
	{ C("\"root\":{\"path\":\"rootfs/./\"}"), false, NULL },
	{ C("\"root\":{\"path\":\"%s/rootfs\"}"), false, NULL },
	{ C("\"root\":{\"path\":\"nothere\"}"), false,
	  ".root.path: rootfs %s/nothere: no such file or directory" },
	{ C("\"root\":{\"path\":\"afile\"}"), false, ".root.path: rootfs %s/afile is not a directory" },
	/* runc: "invalid rootfs: not an absolute path, or a symlink" */
	{ C("\"root\":{\"path\":\"link\"}"), false,
	  ".root.path: invalid rootfs: %s/link is a symlink or goes through one (to %s/rootfs)" },
	{ C("\"root\":{\"path\":\"dirlink/rootfs\"}"), false,
	  ".root.path: invalid rootfs: %s/dirlink/rootfs is a symlink or goes through one (to %s/real/rootfs)" },
	/* runc: "rootfsPropagation of [r]private is not safe without pivot_root" */
	{ C("\"root\":{\"path\":\"rootfs\"},\"linux\":{\"rootfsPropagation\":\"private\"}"), true,
	  ".linux.rootfsPropagation: rootfsPropagation of [r]private is not safe without pivot_root" },
	{ C("\"root\":{\"path\":\"rootfs\"},\"linux\":{\"rootfsPropagation\":\"rprivate\"}"), true,
	  ".linux.rootfsPropagation: rootfsPropagation of [r]private is not safe without pivot_root" },
	{ C("\"root\":{\"path\":\"rootfs\"},\"linux\":{\"rootfsPropagation\":\"rprivate\"}"), false, NULL },
	{ C("\"root\":{\"path\":\"rootfs\"},\"linux\":{\"rootfsPropagation\":\"rslave\"}"), true, NULL },
	{ C("\"root\":{\"path\":\"rootfs\"},\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\","
	    "\"source\":\"rootfs/bin\"},{\"destination\":\"/b\",\"source\":\"gone\",\"options\":[\"rbind\"]}]"),
	  false, ".mounts[1].source: bind mount source %s/gone: no such file or directory" },
};

/* want with each "%s" the bundle's path. */
static void expand(const char *want, char *out, size_t size)
{
	size_t used = 0;

	for (const char *p = want; *p && used + 1 < size; p++) {
		if (p[0] == '%' && p[1] == 's') {
			used += (size_t)snprintf(out + used, size - used, "%s", bundle);
			p++;
		} else {
			out[used++] = *p;
		}
		if (used >= size)
			used = size - 1;
	}
	out[used] = '\0';
}

static void test_cases(void)
{
	for (size_t i = 0; i < COUNT(cases); i++) {
		char json[1024], want[1024];
		skiff_error err;
		spec_config *cfg = NULL;
		struct spec_sink sink;
		struct heard h = { .n = 0 };

		snprintf(json, sizeof(json), cases[i].json, bundle);
		if (!ok(spec_parse_config(json, strlen(json), "config.json", &cfg, &err) == 0,
			"case %zu parses", i)) {
			tap_diag("%s", err.message);
			continue;
		}
		spec_sink_init(&sink, "config.json", NULL, hear, &h);
		create_requirements(cfg, bundle, cases[i].no_pivot, &sink);
		if (!cases[i].want) {
			ok(h.n == 0, "case %zu: nothing to refuse%s%s", i, h.n ? ", heard " : "",
			   h.n ? h.text[0] : "");
		} else {
			expand(cases[i].want, want, sizeof(want));
			ok(h.n == 1 && !strcmp(h.text[0], want), "case %zu: %s", i, want);
			if (h.n != 1 || strcmp(h.text[0], want))
				for (size_t k = 0; k < h.n && k < COUNT(h.text); k++)
					tap_diag("heard %s", h.text[k]);
		}
		/* first-problem mode, as create: the same words */
		spec_sink_init(&sink, "config.json", &err, NULL, NULL);
		if (cases[i].want)
			ok(create_requirements(cfg, bundle, cases[i].no_pivot, &sink) < 0 &&
				   !strncmp(err.message, "config.json: ", 13) && !strcmp(err.message + 13, want),
			   "  create says it: %s", err.message);
		spec_config_free(cfg);
	}
}

/* Without SELinux, a mountLabel is refused (README, Conformance). */
static void test_mount_label(void)
{
	const char *json = C("\"root\":{\"path\":\"rootfs\"},\"linux\":{\"mountLabel\":\"system_u:object_r:container_file_t:s0\"}");
	struct heard h = { .n = 0 };
	struct spec_sink sink;
	spec_config *cfg = NULL;
	skiff_error err;

	if (lsm_selinux_enabled()) {
		tap_skip("SELinux runs here", "a mountLabel without SELinux is refused");
		return;
	}
	if (spec_parse_config(json, strlen(json), "config.json", &cfg, &err) < 0) {
		ok(false, "the mountLabel case parses: %s", err.message);
		return;
	}
	spec_sink_init(&sink, "config.json", NULL, hear, &h);
	create_requirements(cfg, bundle, false, &sink);
	ok(h.n == 1 && !strcmp(h.text[0], ".linux.mountLabel: SELinux mount label \"system_u:object_r:container_file_t:s0\" requested, but SELinux is not enabled on this host"),
	   "a mountLabel without SELinux is refused: %s", h.n ? h.text[0] : "nothing");
	spec_config_free(cfg);
}

int main(void)
{
	char cmd[256];
	int rc;

	if (!mkdtemp(bundle)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p rootfs/bin real/rootfs && touch afile && ln -s rootfs link && ln -s real dirlink",
		 bundle);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot make the bundle in %s\n", bundle);
		return 1;
	}
	test_cases();
	test_mount_label();
	rc = tap_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bundle);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", bundle);
	return rc;
}
