/*
 * `list`: the state of every container under a root.  Each one costs a
 * state.json read and parse, a /proc/PID/stat read (the init's start time,
 * against a recycled pid) and a freezer read, all independent of the
 * others: with many containers they are read by a few threads at once,
 * each filling its own slots of one array, so that 1,000 containers take
 * a fraction of the time one thread would.  The threads share nothing
 * else; the array is sorted by id afterwards, as before.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Below this many containers one thread is quicker than starting more. */
#define LIST_PARALLEL_MIN 64
#define LIST_THREADS_MAX 4

typedef struct list_job {
	int rootfd;
	char **names;
	skiff_state **states;
	size_t n;
	size_t first, step; /* this worker's slots: first, first + step, ... */
	skiff_error err;
	int rc;
} list_job;

static int read_one(int rootfd, const char *name, skiff_state **out, skiff_error *err)
{
	container_record rec;
	struct stat st;
	int rc;

	*out = NULL;
	if (state_read_in(rootfd, name, &rec, NULL) < 0) {
		/* Gone since readdir, or not a directory: not listed. */
		if (fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			return 0;
		/* A directory without state.json is a create in progress or
		 * one that died before its first write: list it as such. */
		memset(&rec, 0, sizeof(rec));
		rec.id = strdup(name);
	}
	rc = state_export_in(rootfd, name, &rec, out, err);
	container_record_clear(&rec);
	return rc;
}

static void *list_worker(void *data)
{
	list_job *job = data;

	for (size_t i = job->first; i < job->n; i += job->step) {
		if (read_one(job->rootfd, job->names[i], &job->states[i], &job->err) < 0) {
			job->rc = -1;
			break;
		}
	}
	return NULL;
}

/* The names in the root that can be container ids. */
static int read_names(DIR *dir, char ***names_out, size_t *n_out, skiff_error *err)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || skiff_id_validate(de->d_name, NULL) < 0)
			continue;
		if (n == cap) {
			char **grown = realloc(names, (cap ? cap * 2 : 64) * sizeof(*names));

			if (!grown)
				goto oom;
			names = grown;
			cap = cap ? cap * 2 : 64;
		}
		if (!(names[n] = strdup(de->d_name)))
			goto oom;
		n++;
	}
	*names_out = names;
	*n_out = n;
	return 0;
oom:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return skiff_fail(err, ENOMEM, "list containers");
}

/* Fill states[0..n), with a few threads when there are many. */
static int read_all(int rootfd, char **names, skiff_state **states, size_t n, skiff_error *err)
{
	list_job jobs[LIST_THREADS_MAX];
	pthread_t threads[LIST_THREADS_MAX];
	bool started[LIST_THREADS_MAX] = { false };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t workers = n < LIST_PARALLEL_MIN || cpus < 2 ? 1
			 : cpus > LIST_THREADS_MAX ? LIST_THREADS_MAX : (size_t)cpus;
	int rc = 0;

	for (size_t t = 0; t < workers; t++)
		jobs[t] = (list_job){ .rootfd = rootfd, .names = names, .states = states, .n = n,
				      .first = t, .step = workers };
	for (size_t t = 1; t < workers; t++)
		started[t] = pthread_create(&threads[t], NULL, list_worker, &jobs[t]) == 0;
	list_worker(&jobs[0]);
	/* The share of a thread that could not start is done here. */
	for (size_t t = 1; t < workers; t++) {
		if (started[t])
			pthread_join(threads[t], NULL);
		else
			list_worker(&jobs[t]);
	}
	for (size_t t = 0; t < workers && rc == 0; t++) {
		if (jobs[t].rc < 0) {
			if (err)
				*err = jobs[t].err;
			rc = -1;
		}
	}
	return rc;
}

static int compare_states(const void *a, const void *b)
{
	const skiff_state *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

int skiff_container_list(const char *root, skiff_state ***out, size_t *count, skiff_error *err)
{
	skiff_state **states = NULL;
	char **names = NULL;
	size_t n = 0, kept = 0;
	DIR *dir;
	int rc = -1;

	root = root ? root : SKIFF_DEFAULT_ROOT;
	*out = NULL;
	*count = 0;
	dir = opendir(root);
	if (!dir)
		return errno == ENOENT ? 0 : skiff_fail_at(err, errno, root, "list %s", root);
	if (read_names(dir, &names, &n, err) < 0)
		goto out;
	if (n && !(states = calloc(n, sizeof(*states)))) {
		skiff_fail(err, ENOMEM, "list containers");
		goto out;
	}
	if (read_all(dirfd(dir), names, states, n, err) < 0) {
		skiff_state_list_free(states, n);
		states = NULL;
		goto out;
	}
	/* Slots of directories gone since readdir stay empty. */
	for (size_t i = 0; i < n; i++)
		if (states[i])
			states[kept++] = states[i];
	if (kept > 1)
		qsort(states, kept, sizeof(*states), compare_states);
	*out = states;
	*count = kept;
	states = NULL;
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	return rc;
}
