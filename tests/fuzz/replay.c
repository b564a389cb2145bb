/*
 * Runs a fuzz target over saved inputs without libFuzzer, so `make check`
 * replays every corpus with any compiler (and under ASan/UBSan in the
 * sanitizer build).  Arguments are files or directories; without any, the
 * target's corpus in the source tree.  Output is TAP: one test per
 * directory or file given.  A crashing input aborts the run after its name
 * was printed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		printf("# cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *grown = realloc(buf, cap ? cap * 2 : 4096);

			if (!grown) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = grown;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* Named before it runs: a crash report follows the name it belongs to. */
	fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir, in name order; the count in *count. */
static int replay_dir(const char *dir, size_t *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	if (!d) {
		printf("# cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!grown)
				break;
			names = grown;
		}
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t sub = 0;

			if (replay_dir(names[i], &sub) < 0)
				rc = -1;
			*count += sub;
		} else if (replay_file(names[i]) < 0) {
			rc = -1;
		} else {
			(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	const char *fallback[] = { FUZZ_CORPUS_DEFAULT };
	const char *const *paths = (const char *const *)argv + 1;
	int n = argc - 1, failed = 0;

	if (n == 0) {
		paths = fallback;
		n = 1;
	}
	printf("1..%d\n", n);
	for (int i = 0; i < n; i++) {
		struct stat st;
		size_t count = 0;
		int rc;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = replay_dir(paths[i], &count);
		else
			rc = replay_file(paths[i]) < 0 ? -1 : (count = 1, 0);
		failed |= rc < 0;
		printf("%s %d - %s: %zu inputs replayed\n", rc < 0 ? "not ok" : "ok", i + 1, paths[i],
		       count);
		fflush(stdout);
	}
	return failed;
}
