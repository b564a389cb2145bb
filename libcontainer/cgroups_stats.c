/*
 * Statistics (what runc's `events --stats` reports) read from the
 * container's cgroups, v1 or v2 for each controller, and OOM notifications:
 * on v1 an eventfd registered on memory.oom_control through
 * cgroup.event_control; on v2 inotify on memory.events, whose oom_kill
 * counter the kernel bumps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroups.h"

#define NS_PER_USEC 1000ULL
#define NS_PER_SEC 1000000000ULL

/* A whitespace-separated list of numbers, as in cpuacct.usage_percpu. */
static void read_list(const char *dir, const char *file, uint64_t **out, size_t *len)
{
	char *text, *p, *end;
	size_t n = 0;

	if (cg_read(dir, file, &text, NULL) < 0)
		return;
	*out = calloc(strlen(text) / 2 + 1, sizeof(**out));
	for (p = text; *out; p = end) {
		uint64_t v = strtoull(p, &end, 10);

		if (end == p)
			break;
		(*out)[n++] = v;
	}
	*len = *out ? n : 0;
	free(text);
}

/* ---------------------------------------------------------------- cpu -- */

static void cpu_v1(const char *cpuacct, const char *cpu, skiff_cpu_stats *s)
{
	long ticks = sysconf(_SC_CLK_TCK);
	uint64_t v;
	char *text, *line, *save = NULL;

	if (cpuacct) {
		cg_read_u64(cpuacct, "cpuacct.usage", &s->total_usage);
		read_list(cpuacct, "cpuacct.usage_percpu", &s->percpu_usage, &s->percpu_usage_len);
		/* usage_all: a header, then "CPU USER SYSTEM" per cpu. */
		if (cg_read(cpuacct, "cpuacct.usage_all", &text, NULL) == 0) {
			size_t lines = 0;

			for (char *c = text; *c; c++)
				lines += *c == '\n';
			s->percpu_user = calloc(lines + 1, sizeof(uint64_t));
			s->percpu_kernel = calloc(lines + 1, sizeof(uint64_t));
			strtok_r(text, "\n", &save);
			while (s->percpu_user && s->percpu_kernel && (line = strtok_r(NULL, "\n", &save))) {
				unsigned long long cpu_no, user, sys;

				if (sscanf(line, "%llu %llu %llu", &cpu_no, &user, &sys) != 3)
					continue;
				s->percpu_user[s->percpu_user_len++] = user;
				s->percpu_kernel[s->percpu_kernel_len++] = sys;
			}
			free(text);
		}
		/* cpuacct.stat counts clock ticks. */
		if (ticks > 0 && cg_read_keyed(cpuacct, "cpuacct.stat", "user", &v) == 0)
			s->user_usage = v * NS_PER_SEC / (uint64_t)ticks;
		if (ticks > 0 && cg_read_keyed(cpuacct, "cpuacct.stat", "system", &v) == 0)
			s->kernel_usage = v * NS_PER_SEC / (uint64_t)ticks;
	}
	if (cpu) {
		cg_read_keyed(cpu, "cpu.stat", "nr_periods", &s->throttling_periods);
		cg_read_keyed(cpu, "cpu.stat", "nr_throttled", &s->throttled_periods);
		cg_read_keyed(cpu, "cpu.stat", "throttled_time", &s->throttled_time);
	}
}

static void cpu_v2(const char *dir, skiff_cpu_stats *s)
{
	uint64_t v;

	if (cg_read_keyed(dir, "cpu.stat", "usage_usec", &v) == 0)
		s->total_usage = v * NS_PER_USEC;
	if (cg_read_keyed(dir, "cpu.stat", "user_usec", &v) == 0)
		s->user_usage = v * NS_PER_USEC;
	if (cg_read_keyed(dir, "cpu.stat", "system_usec", &v) == 0)
		s->kernel_usage = v * NS_PER_USEC;
	cg_read_keyed(dir, "cpu.stat", "nr_periods", &s->throttling_periods);
	cg_read_keyed(dir, "cpu.stat", "nr_throttled", &s->throttled_periods);
	if (cg_read_keyed(dir, "cpu.stat", "throttled_usec", &v) == 0)
		s->throttled_time = v * NS_PER_USEC;
}

/* ------------------------------------------------------------- memory -- */

static void read_raw(const char *dir, const char *file, skiff_memory_stats *m)
{
	char *text, *line, *save = NULL;
	size_t lines = 0;

	if (cg_read(dir, file, &text, NULL) < 0)
		return;
	for (char *c = text; *c; c++)
		lines += *c == '\n';
	m->raw = calloc(lines + 1, sizeof(*m->raw));
	for (line = strtok_r(text, "\n", &save); m->raw && line; line = strtok_r(NULL, "\n", &save)) {
		char *space = strchr(line, ' ');

		if (!space)
			continue;
		*space = '\0';
		m->raw[m->raw_len].key = strdup(line);
		if (!m->raw[m->raw_len].key)
			break;
		m->raw[m->raw_len++].value = strtoull(space + 1, NULL, 10);
	}
	free(text);
}

static uint64_t raw_value(const skiff_memory_stats *m, const char *key)
{
	for (size_t i = 0; i < m->raw_len; i++)
		if (!strcmp(m->raw[i].key, key))
			return m->raw[i].value;
	return 0;
}

/* memory[.NAME].{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes} */
static void entry_v1(const char *dir, const char *name, skiff_memory_entry *e)
{
	char file[96];

	snprintf(file, sizeof(file), "memory%s%s.usage_in_bytes", name[0] ? "." : "", name);
	if (cg_read_u64(dir, file, &e->usage) < 0)
		return; /* swap or kmem accounting is off */
	snprintf(file, sizeof(file), "memory%s%s.max_usage_in_bytes", name[0] ? "." : "", name);
	cg_read_u64(dir, file, &e->max);
	snprintf(file, sizeof(file), "memory%s%s.failcnt", name[0] ? "." : "", name);
	cg_read_u64(dir, file, &e->failcnt);
	snprintf(file, sizeof(file), "memory%s%s.limit_in_bytes", name[0] ? "." : "", name);
	cg_read_u64(dir, file, &e->limit);
}

static void memory_v1(const char *dir, skiff_memory_stats *m)
{
	read_raw(dir, "memory.stat", m);
	m->cache = raw_value(m, "cache");
	entry_v1(dir, "", &m->usage);
	entry_v1(dir, "memsw", &m->swap);
	entry_v1(dir, "kmem", &m->kernel);
	entry_v1(dir, "kmem.tcp", &m->kernel_tcp);
}

static void memory_v2(const char *dir, skiff_memory_stats *m)
{
	read_raw(dir, "memory.stat", m);
	m->cache = raw_value(m, "file");
	cg_read_u64(dir, "memory.current", &m->usage.usage);
	cg_read_u64(dir, "memory.max", &m->usage.limit);
	cg_read_u64(dir, "memory.peak", &m->usage.max);
	cg_read_keyed(dir, "memory.events", "max", &m->usage.failcnt);
	/* v1 counted memory + swap together; runc reports v2 that way too. */
	if (cg_read_u64(dir, "memory.swap.current", &m->swap.usage) == 0) {
		cg_read_u64(dir, "memory.swap.max", &m->swap.limit);
		m->swap.usage += m->usage.usage;
		if (m->swap.limit != UINT64_MAX && m->usage.limit != UINT64_MAX)
			m->swap.limit += m->usage.limit;
		else
			m->swap.limit = UINT64_MAX;
	}
}

/* -------------------------------------------------------------- blkio -- */

static void add_blkio(skiff_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
		      uint64_t value)
{
	skiff_blkio_entry *grown = realloc(l->entries, (l->len + 1) * sizeof(*grown));

	if (!grown)
		return;
	l->entries = grown;
	grown[l->len].major = major;
	grown[l->len].minor = minor;
	snprintf(grown[l->len].op, sizeof(grown[l->len].op), "%s", op);
	grown[l->len++].value = value;
}

/* "MAJ:MIN [OP] VALUE" lines; "Total N" lines are skipped.  Returns how many
 * entries there were, -1 when the file does not exist. */
static int read_blkio_file(const char *dir, const char *file, skiff_blkio_list *l)
{
	char *text, *line, *save = NULL;
	int count = 0;

	if (cg_read(dir, file, &text, NULL) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long major, minor, value;
		char op[16];

		if (sscanf(line, "%llu:%llu %15s %llu", &major, &minor, op, &value) == 4) {
			add_blkio(l, major, minor, op, value);
			count++;
		} else if (sscanf(line, "%llu:%llu %llu", &major, &minor, &value) == 3) {
			add_blkio(l, major, minor, "", value);
			count++;
		}
	}
	free(text);
	return count;
}

static void blkio_v1(const char *dir, skiff_blkio_stats *b)
{
	/* runc's order: the first group whose first file has entries wins. */
	const struct {
		const char *file;
		size_t list; /* index into the lists below */
	} groups[][8] = {
		{ { "blkio.bfq.sectors_recursive", 7 }, { "blkio.bfq.io_service_time_recursive", 3 },
		  { "blkio.bfq.io_wait_time_recursive", 4 }, { "blkio.bfq.io_merged_recursive", 5 },
		  { "blkio.bfq.io_queued_recursive", 2 }, { "blkio.bfq.time_recursive", 6 },
		  { "blkio.bfq.io_serviced_recursive", 1 },
		  { "blkio.bfq.io_service_bytes_recursive", 0 } },
		{ { "blkio.bfq.io_serviced_recursive", 1 },
		  { "blkio.bfq.io_service_bytes_recursive", 0 } },
		{ { "blkio.sectors_recursive", 7 }, { "blkio.io_service_time_recursive", 3 },
		  { "blkio.io_wait_time_recursive", 4 }, { "blkio.io_merged_recursive", 5 },
		  { "blkio.io_queued_recursive", 2 }, { "blkio.time_recursive", 6 },
		  { "blkio.io_serviced_recursive", 1 }, { "blkio.io_service_bytes_recursive", 0 } },
		{ { "blkio.throttle.io_serviced_recursive", 1 },
		  { "blkio.throttle.io_service_bytes_recursive", 0 } },
		{ { "blkio.throttle.io_serviced", 1 }, { "blkio.throttle.io_service_bytes", 0 } },
	};
	skiff_blkio_list *lists[] = {
		&b->io_service_bytes_recursive, &b->io_serviced_recursive, &b->io_queue_recursive,
		&b->io_service_time_recursive,  &b->io_wait_time_recursive, &b->io_merged_recursive,
		&b->io_time_recursive,          &b->sectors_recursive,
	};

	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		if (read_blkio_file(dir, groups[g][0].file, lists[groups[g][0].list]) <= 0)
			continue;
		for (size_t i = 1; i < 8 && groups[g][i].file; i++)
			read_blkio_file(dir, groups[g][i].file, lists[groups[g][i].list]);
		return;
	}
}

static void blkio_v2(const char *dir, skiff_blkio_stats *b)
{
	char *text, *line, *save = NULL;

	if (cg_read(dir, "io.stat", &text, NULL) < 0)
		return;
	/* "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...", in v1's terms. */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long major, minor;
		char *kv, *save2 = NULL;

		if (sscanf(line, "%llu:%llu", &major, &minor) != 2)
			continue;
		strtok_r(line, " ", &save2);
		while ((kv = strtok_r(NULL, " ", &save2))) {
			char *eq = strchr(kv, '=');
			uint64_t v = eq ? strtoull(eq + 1, NULL, 10) : 0;

			if (!strncmp(kv, "rbytes=", 7))
				add_blkio(&b->io_service_bytes_recursive, major, minor, "Read", v);
			else if (!strncmp(kv, "wbytes=", 7))
				add_blkio(&b->io_service_bytes_recursive, major, minor, "Write", v);
			else if (!strncmp(kv, "rios=", 5))
				add_blkio(&b->io_serviced_recursive, major, minor, "Read", v);
			else if (!strncmp(kv, "wios=", 5))
				add_blkio(&b->io_serviced_recursive, major, minor, "Write", v);
		}
	}
	free(text);
}

/* ------------------------------------------------------------ hugetlb -- */

static void hugetlb(const char *dir, bool v2, skiff_stats *st)
{
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;

	while (d && (de = readdir(d))) {
		unsigned long long kb;
		skiff_hugetlb_stats *grown, *h;
		char name[32], file[96];

		if (sscanf(de->d_name, "hugepages-%llukB", &kb) != 1)
			continue;
		cg_hugepage_name(kb * 1024, name, sizeof(name));
		snprintf(file, sizeof(file), "hugetlb.%s.%s", name, v2 ? "current" : "usage_in_bytes");
		if (!cg_file_exists(dir, file))
			continue;
		grown = realloc(st->hugetlb, (st->hugetlb_len + 1) * sizeof(*grown));
		if (!grown)
			break;
		st->hugetlb = grown;
		h = memset(&grown[st->hugetlb_len], 0, sizeof(*h));
		if (!(h->page_size = strdup(name)))
			break;
		st->hugetlb_len++;
		cg_read_u64(dir, file, &h->usage);
		if (v2) {
			snprintf(file, sizeof(file), "hugetlb.%s.events", name);
			cg_read_keyed(dir, file, "max", &h->failcnt);
		} else {
			snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", name);
			cg_read_u64(dir, file, &h->max);
			snprintf(file, sizeof(file), "hugetlb.%s.failcnt", name);
			cg_read_u64(dir, file, &h->failcnt);
		}
	}
	if (d)
		closedir(d);
}

/* --------------------------------------------------------------- all -- */

int cgroup_stats(const cgroup_set *set, skiff_stats *st, skiff_error *err)
{
	const char *v2 = cg_v2_dir(set), *dir;

	if (!cgroup_exists(set))
		return skiff_fail_msg(err, ENOENT, "the container's cgroups are gone");
	if (cg_v1_dir(set, "cpuacct") || cg_v1_dir(set, "cpu"))
		cpu_v1(cg_v1_dir(set, "cpuacct"), cg_v1_dir(set, "cpu"), &st->cpu);
	else if (v2)
		cpu_v2(v2, &st->cpu);
	if ((dir = cg_v1_dir(set, "memory")))
		memory_v1(dir, &st->memory);
	else if (v2 && cg_file_exists(v2, "memory.current"))
		memory_v2(v2, &st->memory);
	dir = cg_v1_dir(set, "pids");
	if (dir || (v2 && cg_file_exists(v2, "pids.current"))) {
		dir = dir ? dir : v2;
		cg_read_u64(dir, "pids.current", &st->pids.current);
		if (cg_read_u64(dir, "pids.max", &st->pids.limit) == 0 && st->pids.limit == UINT64_MAX)
			st->pids.limit = 0;
	}
	if ((dir = cg_v1_dir(set, "blkio")))
		blkio_v1(dir, &st->blkio);
	else if (v2)
		blkio_v2(v2, &st->blkio);
	if ((dir = cg_v1_dir(set, "hugetlb")))
		hugetlb(dir, false, st);
	else if (v2)
		hugetlb(v2, true, st);
	return 0;
}

static void free_blkio(skiff_blkio_stats *b)
{
	free(b->io_service_bytes_recursive.entries);
	free(b->io_serviced_recursive.entries);
	free(b->io_queue_recursive.entries);
	free(b->io_service_time_recursive.entries);
	free(b->io_wait_time_recursive.entries);
	free(b->io_merged_recursive.entries);
	free(b->io_time_recursive.entries);
	free(b->sectors_recursive.entries);
}

void skiff_stats_free(skiff_stats *st)
{
	if (!st)
		return;
	free(st->cpu.percpu_usage);
	free(st->cpu.percpu_kernel);
	free(st->cpu.percpu_user);
	for (size_t i = 0; i < st->memory.raw_len; i++)
		free(st->memory.raw[i].key);
	free(st->memory.raw);
	free_blkio(&st->blkio);
	for (size_t i = 0; i < st->hugetlb_len; i++)
		free(st->hugetlb[i].page_size);
	free(st->hugetlb);
	free(st);
}

/* ---------------------------------------------------------------- OOM -- */

struct skiff_oom_watch {
	int fd;          /* v1: the eventfd; v2: inotify */
	int control_fd;  /* v1: memory.oom_control, the registration's other half */
	char *dir;       /* the memory cgroup */
	bool v2;
	uint64_t oom_kills; /* v2: memory.events oom_kill seen so far */
};

void skiff_oom_watch_close(skiff_oom_watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->control_fd >= 0)
		close(w->control_fd);
	free(w->dir);
	free(w);
}

int cgroup_oom_watch(const cgroup_set *set, skiff_oom_watch **out, skiff_error *err)
{
	const char *v1 = cg_v1_dir(set, "memory"), *v2 = cg_v2_dir(set);
	skiff_oom_watch *w = calloc(1, sizeof(*w));
	char path[4200], text[64];

	if (!w)
		return skiff_fail_errno(err, ENOMEM, "watch for OOM");
	w->fd = w->control_fd = -1;
	if (!v1 && !(v2 && cg_file_exists(v2, "memory.events"))) {
		free(w);
		return skiff_fail_msg(err, ENOTSUP, "the memory controller is not available");
	}
	w->v2 = !v1;
	w->dir = strdup(v1 ? v1 : v2);
	if (!w->dir) {
		skiff_oom_watch_close(w);
		return skiff_fail_errno(err, ENOMEM, "watch for OOM");
	}
	if (w->v2) {
		snprintf(path, sizeof(path), "%s/memory.events", w->dir);
		cg_read_keyed(w->dir, "memory.events", "oom_kill", &w->oom_kills);
		w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->fd < 0 || inotify_add_watch(w->fd, path, IN_MODIFY | IN_DELETE_SELF) < 0)
			goto fail;
	} else {
		snprintf(path, sizeof(path), "%s/memory.oom_control", w->dir);
		w->control_fd = open(path, O_RDONLY | O_CLOEXEC);
		w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->control_fd < 0 || w->fd < 0)
			goto fail;
		snprintf(text, sizeof(text), "%d %d", w->fd, w->control_fd);
		if (cg_write(w->dir, "cgroup.event_control", text, NULL, err) < 0) {
			skiff_oom_watch_close(w);
			return skiff_error_prefix(err, "watch for OOM");
		}
	}
	*out = w;
	return 0;
fail:
	skiff_fail_errno(err, errno, "watch for OOM in %s", w->dir);
	skiff_oom_watch_close(w);
	return -1;
}

int skiff_oom_watch_fd(const skiff_oom_watch *w)
{
	return w ? w->fd : -1;
}

int skiff_oom_watch_read(skiff_oom_watch *w, unsigned *ooms, bool *gone, skiff_error *err)
{
	char buf[4096];
	uint64_t count = 0;

	*ooms = 0;
	*gone = false;
	if (!w->v2) {
		if (read(w->fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			return skiff_fail_errno(err, errno, "read OOM notifications");
		/* Removing the cgroup wakes the eventfd too: that is no OOM. */
		if (!cg_file_exists(w->dir, "memory.oom_control")) {
			*gone = true;
			return 0;
		}
		/* The counter adds up every pass of the OOM handler while its
		 * victim dies: one event per wake-up, as runc reports it. */
		*ooms = count > 0;
		return 0;
	}
	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	if (cg_read_keyed(w->dir, "memory.events", "oom_kill", &count) < 0) {
		*gone = true;
		return 0;
	}
	if (count > w->oom_kills)
		*ooms = (unsigned)(count - w->oom_kills);
	w->oom_kills = count;
	return 0;
}
