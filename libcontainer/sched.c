/*
 * How the container's processes are scheduled: process.scheduler
 * (sched_setattr), process.ioPriority (ioprio_set) and, for exec only,
 * process.execCPUAffinity (sched_setaffinity).  The first two are applied
 * by the process itself before it drops its capabilities, since a
 * real-time policy, a negative nice value and the real-time I/O class need
 * CAP_SYS_NICE or CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* The kernel's struct sched_attr (sched_setattr(2)); glibc 2.36 has no
 * wrapper.  The util-clamp fields are left out: size says so. */
struct kernel_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static const struct {
	const char *name;
	uint32_t value;
} policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },     { "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

static const struct {
	const char *name;
	uint64_t value;
} sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int set_scheduler(const spec_scheduler *s, skiff_error *err)
{
	struct kernel_sched_attr attr = {
		.size = sizeof(attr),
		.sched_nice = s->nice,
		.sched_priority = (uint32_t)s->priority,
		.sched_runtime = s->runtime,
		.sched_deadline = s->deadline,
		.sched_period = s->period,
	};
	bool found = false;

	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		if (!strcmp(s->policy, policies[i].name)) {
			attr.sched_policy = policies[i].value;
			found = true;
		}
	}
	if (!found)
		return skiff_fail_msg_at(err, EINVAL, ".process.scheduler.policy",
					  "unknown scheduling policy \"%s\"", s->policy);
	for (size_t i = 0; i < s->flags_len; i++)
		for (size_t k = 0; k < ARRAY_SIZE(sched_flags); k++)
			if (!strcmp(s->flags[i], sched_flags[k].name))
				attr.sched_flags |= sched_flags[k].value;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return skiff_fail_errno_at(err, errno, ".process.scheduler", "set the scheduling policy %s",
				     s->policy);
	return 0;
}

/* ioprio_set(2): the class in the top bits, the level in the low 13. */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

static int set_io_priority(const spec_io_priority *io, skiff_error *err)
{
	int klass;

	if (!strcmp(io->class_, "IOPRIO_CLASS_RT"))
		klass = 1;
	else if (!strcmp(io->class_, "IOPRIO_CLASS_BE"))
		klass = 2;
	else if (!strcmp(io->class_, "IOPRIO_CLASS_IDLE"))
		klass = 3;
	else
		return skiff_fail_msg_at(err, EINVAL, ".process.ioPriority.class",
					  "unknown I/O priority class \"%s\"", io->class_);
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
		    (klass << IOPRIO_CLASS_SHIFT) | (io->priority & 0x1fff)) < 0)
		return skiff_fail_errno_at(err, errno, ".process.ioPriority", "set the I/O priority %s %d",
				     io->class_, (int)io->priority);
	return 0;
}

int sched_apply(const spec_process *p, skiff_error *err)
{
	if (p->scheduler && set_scheduler(p->scheduler, err) < 0)
		return -1;
	if (p->io_priority && set_io_priority(p->io_priority, err) < 0)
		return -1;
	return 0;
}

int sched_cpu_list_parse(const char *list, cpu_set_t *set)
{
	const char *p = list;

	CPU_ZERO(set);
	if (!list || !*list)
		return -1;
	while (*p) {
		char *end;
		unsigned long first, last;

		if (*p < '0' || *p > '9')
			return -1;
		first = strtoul(p, &end, 10);
		last = first;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			last = strtoul(end + 1, &end, 10);
		}
		if (last < first || last >= CPU_SETSIZE)
			return -1;
		for (unsigned long c = first; c <= last; c++)
			CPU_SET(c, set);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return 0;
}

int sched_set_affinity(const char *list, const char *path, skiff_error *err)
{
	cpu_set_t set;

	if (sched_cpu_list_parse(list, &set) < 0)
		return skiff_fail_msg_at(err, EINVAL, path, "%s: not a list of CPUs: \"%s\"", path,
					  list);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return skiff_fail_errno_at(err, errno, path, "%s: set the CPU affinity to %s", path, list);
	return 0;
}
