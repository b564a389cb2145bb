/*
 * runc's `events` JSON: {"type":...,"id":...,"data":{...}} with the field
 * names and omissions of runc's types/events.go (Go's omitempty drops zero
 * numbers and empty lists; maps come out with their keys sorted).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "internal.h"

static void key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void number(yajl_gen g, const char *k, uint64_t v, bool omit_zero)
{
	char text[24];
	int n;

	if (omit_zero && v == 0)
		return;
	key(g, k);
	/* yajl's integers are signed: write unsigned ones as number text. */
	n = snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
	yajl_gen_number(g, text, (size_t)n);
}

static void number_list(yajl_gen g, const char *k, const uint64_t *v, size_t n)
{
	if (!n)
		return;
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		char text[24];
		int len = snprintf(text, sizeof(text), "%llu", (unsigned long long)v[i]);

		yajl_gen_number(g, text, (size_t)len);
	}
	yajl_gen_array_close(g);
}

static void cpu(yajl_gen g, const skiff_cpu_stats *c)
{
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	number(g, "total", c->total_usage, true);
	number_list(g, "percpu", c->percpu_usage, c->percpu_usage_len);
	number_list(g, "percpu_kernel", c->percpu_kernel, c->percpu_kernel_len);
	number_list(g, "percpu_user", c->percpu_user, c->percpu_user_len);
	number(g, "kernel", c->kernel_usage, false);
	number(g, "user", c->user_usage, false);
	yajl_gen_map_close(g);
	key(g, "throttling");
	yajl_gen_map_open(g);
	number(g, "periods", c->throttling_periods, true);
	number(g, "throttledPeriods", c->throttled_periods, true);
	number(g, "throttledTime", c->throttled_time, true);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void memory_entry(yajl_gen g, const char *k, const skiff_memory_entry *e)
{
	key(g, k);
	yajl_gen_map_open(g);
	number(g, "limit", e->limit, false);
	number(g, "usage", e->usage, true);
	number(g, "max", e->max, true);
	number(g, "failcnt", e->failcnt, false);
	yajl_gen_map_close(g);
}

static int compare_values(const void *a, const void *b)
{
	const skiff_stat_value *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

static int memory(yajl_gen g, const skiff_memory_stats *m)
{
	key(g, "memory");
	yajl_gen_map_open(g);
	number(g, "cache", m->cache, true);
	memory_entry(g, "usage", &m->usage);
	memory_entry(g, "swap", &m->swap);
	memory_entry(g, "kernel", &m->kernel);
	memory_entry(g, "kernelTCP", &m->kernel_tcp);
	if (m->raw_len) {
		const skiff_stat_value **sorted = calloc(m->raw_len, sizeof(*sorted));

		if (!sorted)
			return -1;
		for (size_t i = 0; i < m->raw_len; i++)
			sorted[i] = &m->raw[i];
		qsort(sorted, m->raw_len, sizeof(*sorted), compare_values);
		key(g, "raw");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < m->raw_len; i++)
			number(g, sorted[i]->key, sorted[i]->value, false);
		yajl_gen_map_close(g);
		free(sorted);
	}
	yajl_gen_map_close(g);
	return 0;
}

static void blkio_list(yajl_gen g, const char *k, const skiff_blkio_list *l)
{
	if (!l->len)
		return;
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < l->len; i++) {
		const skiff_blkio_entry *e = &l->entries[i];

		yajl_gen_map_open(g);
		number(g, "major", e->major, true);
		number(g, "minor", e->minor, true);
		if (e->op[0]) {
			key(g, "op");
			key(g, e->op);
		}
		number(g, "value", e->value, true);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void blkio(yajl_gen g, const skiff_blkio_stats *b)
{
	key(g, "blkio");
	yajl_gen_map_open(g);
	blkio_list(g, "ioServiceBytesRecursive", &b->io_service_bytes_recursive);
	blkio_list(g, "ioServicedRecursive", &b->io_serviced_recursive);
	blkio_list(g, "ioQueueRecursive", &b->io_queue_recursive);
	blkio_list(g, "ioServiceTimeRecursive", &b->io_service_time_recursive);
	blkio_list(g, "ioWaitTimeRecursive", &b->io_wait_time_recursive);
	blkio_list(g, "ioMergedRecursive", &b->io_merged_recursive);
	blkio_list(g, "ioTimeRecursive", &b->io_time_recursive);
	blkio_list(g, "sectorsRecursive", &b->sectors_recursive);
	yajl_gen_map_close(g);
}

static int compare_hugetlb(const void *a, const void *b)
{
	const skiff_hugetlb_stats *const *x = a, *const *y = b;

	return strcmp((*x)->page_size, (*y)->page_size);
}

static int hugetlb(yajl_gen g, const skiff_stats *st)
{
	const skiff_hugetlb_stats **sorted = calloc(st->hugetlb_len + 1, sizeof(*sorted));

	if (!sorted)
		return -1;
	for (size_t i = 0; i < st->hugetlb_len; i++)
		sorted[i] = &st->hugetlb[i];
	qsort(sorted, st->hugetlb_len, sizeof(*sorted), compare_hugetlb);
	key(g, "hugetlb");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->hugetlb_len; i++) {
		key(g, sorted[i]->page_size);
		yajl_gen_map_open(g);
		number(g, "usage", sorted[i]->usage, true);
		number(g, "max", sorted[i]->max, true);
		number(g, "failcnt", sorted[i]->failcnt, false);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	free(sorted);
	return 0;
}

int skiff_event_to_json(const char *type, const char *id, const skiff_stats *st,
			char **json_out, skiff_error *err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int rc = -1;

	if (!g)
		return skiff_fail_errno(err, ENOMEM, "generate event JSON");
	yajl_gen_map_open(g);
	key(g, "type");
	key(g, type ? type : "stats");
	key(g, "id");
	key(g, id ? id : "");
	if (st) {
		key(g, "data");
		yajl_gen_map_open(g);
		cpu(g, &st->cpu);
		if (memory(g, &st->memory) < 0) {
			skiff_fail_errno(err, ENOMEM, "generate event JSON");
			goto out;
		}
		key(g, "pids");
		yajl_gen_map_open(g);
		number(g, "current", st->pids.current, true);
		number(g, "limit", st->pids.limit, true);
		yajl_gen_map_close(g);
		blkio(g, &st->blkio);
		if (hugetlb(g, st) < 0) {
			skiff_fail_errno(err, ENOMEM, "generate event JSON");
			goto out;
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		skiff_fail_msg(err, EINVAL, "generate event JSON");
		goto out;
	}
	*json_out = malloc(len + 1);
	if (!*json_out) {
		skiff_fail_errno(err, ENOMEM, "generate event JSON");
		goto out;
	}
	memcpy(*json_out, buf, len);
	(*json_out)[len] = '\0';
	rc = 0;
out:
	yajl_gen_free(g);
	return rc;
}
