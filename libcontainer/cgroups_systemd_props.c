/*
 * linux.resources and the device rules as systemd unit properties, the way
 * runc's systemd driver maps them (systemd.resource-control(5) names):
 *
 *   resource              cgroup v2 (unified)         cgroup v1 / hybrid
 *   memory.limit          MemoryMax                   MemoryLimit
 *   memory.reservation    MemoryLow                   -
 *   memory.swap           MemorySwapMax (swap part)   -
 *   cpu.shares            CPUWeight (converted)       CPUShares
 *   cpu.quota, .period    CPUQuotaPerSecUSec, CPUQuotaPeriodUSec (both)
 *   cpu.cpus, .mems       AllowedCPUs, AllowedMemoryNodes (bitmasks, both)
 *   pids.limit            TasksMax (both)
 *   blockIO.weight        IOWeight (converted)        BlockIOWeight
 *   unified{}             cpu.max, cpu.weight, cpuset.*, memory.{high,low,
 *                         min,max,swap.max}, pids.max; others files only
 *
 * Everything else exists only as cgroup files, which skiff writes after
 * the unit starts (runc's approach too): systemd holds what it can, so
 * that it does not undo the limits when it re-applies its own.
 * Nothing here talks to systemd; the tests check the translation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups.h"

#define USEC_INFINITY UINT64_MAX
/* The kernel's default CFS period, for a quota given alone. */
#define DEFAULT_CPU_PERIOD 100000

void cgsd_props_free(cgsd_props *props)
{
	for (size_t i = 0; i < props->n; i++) {
		free(props->items[i].str);
		free(props->items[i].bytes);
		free(props->items[i].devices);
	}
	free(props->items);
	props->items = NULL;
	props->n = 0;
}

const cgsd_prop *cgsd_props_find(const cgsd_props *props, const char *name)
{
	for (size_t i = props->n; i-- > 0;)
		if (!strcmp(props->items[i].name, name))
			return &props->items[i];
	return NULL;
}

/* A new zeroed property at the end; NULL without memory. */
static cgsd_prop *push(cgsd_props *props, const char *name, cgsd_prop_type type)
{
	cgsd_prop *grown = realloc(props->items, (props->n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	props->items = grown;
	memset(&grown[props->n], 0, sizeof(*grown));
	grown[props->n].name = name;
	grown[props->n].type = type;
	return &grown[props->n++];
}

static int push_u64(cgsd_props *props, const char *name, uint64_t value)
{
	cgsd_prop *p = push(props, name, CGSD_U64);

	if (!p)
		return -1;
	p->u64 = value;
	return 0;
}

static int push_bool(cgsd_props *props, const char *name, bool value)
{
	cgsd_prop *p = push(props, name, CGSD_BOOL);

	if (!p)
		return -1;
	p->u64 = value;
	return 0;
}

static int push_string(cgsd_props *props, const char *name, cgsd_prop_type type,
		       const char *value)
{
	char *copy = strdup(value);
	cgsd_prop *p = copy ? push(props, name, type) : NULL;

	if (!p) {
		free(copy);
		return -1;
	}
	p->str = copy;
	return 0;
}

/* -------------------------------------------------------------- cpuset -- */

int cgsd_cpuset_bits(const char *list, uint8_t **bytes, size_t *len)
{
	/* Two passes: the highest cpu sizes the mask, the second sets bits. */
	unsigned long highest = 0;
	uint8_t *mask = NULL;

	*bytes = NULL;
	*len = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *p = list;
		bool any = false;

		while (*p) {
			unsigned long lo, hi;
			char *end;

			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			if (*p < '0' || *p > '9')
				break;
			lo = hi = strtoul(p, &end, 10);
			p = end;
			if (*p == '-') {
				if (p[1] < '0' || p[1] > '9')
					break;
				hi = strtoul(p + 1, &end, 10);
				p = end;
			}
			/* 8192 cpus is what the kernel supports at most. */
			if (hi < lo || hi >= 8192)
				break;
			while (*p == ' ' || *p == '\t' || *p == '\n')
				p++;
			if (*p == ',')
				p++;
			else if (*p)
				break;
			any = true;
			if (pass == 0 && hi > highest)
				highest = hi;
			for (unsigned long c = lo; pass == 1 && c <= hi; c++)
				mask[c / 8] |= (uint8_t)(1u << (c % 8));
		}
		if (*p || !any || list[strlen(list) - 1] == ',') {
			free(mask);
			return -1;
		}
		if (pass == 0 && !(mask = calloc(highest / 8 + 1, 1)))
			return -1;
	}
	*bytes = mask;
	*len = highest / 8 + 1;
	return 0;
}

static int push_cpuset(cgsd_props *props, const char *name, const char *list,
		       const char *field, skiff_error *err)
{
	cgsd_prop *p;
	uint8_t *bytes;
	size_t len;

	if (cgsd_cpuset_bits(list, &bytes, &len) < 0)
		return skiff_fail_msg_at(err, EINVAL, field, "%s: \"%s\" is not a list of cpus or nodes",
					  field + 1, list);
	p = push(props, name, CGSD_BYTES);
	if (!p) {
		free(bytes);
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	}
	p->bytes = bytes;
	p->len = len;
	return 0;
}

/* ------------------------------------------------------------ resources -- */

/* CPUQuotaPerSecUSec from a quota and period, as runc computes it: systemd
 * keeps a percentage of a cpu, so round up to the next 10 ms per second
 * and let the file hold the exact quota. */
static int push_cpu_quota(cgsd_props *props, int64_t quota, uint64_t period, unsigned version)
{
	uint64_t per_sec = USEC_INFINITY;

	if (period && version >= 242 && push_u64(props, "CPUQuotaPeriodUSec", period) < 0)
		return -1;
	if (!quota && !period)
		return 0;
	if (quota > 0) {
		if (!period)
			period = DEFAULT_CPU_PERIOD;
		per_sec = (uint64_t)quota * 1000000 / period;
		if (per_sec % 10000)
			per_sec = (per_sec / 10000 + 1) * 10000;
	}
	return push_u64(props, "CPUQuotaPerSecUSec", per_sec);
}

static uint64_t as_u64(int64_t v)
{
	return v < 0 ? UINT64_MAX : (uint64_t)v;
}

static int memory_props(const spec_memory *m, bool unified, cgsd_props *props, skiff_error *err)
{
	int64_t limit = m->has_limit ? m->limit : 0, swap_v2;
	const char *why = NULL;
	bool swap_set;

	if (limit && push_u64(props, unified ? "MemoryMax" : "MemoryLimit", as_u64(limit)) < 0)
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	if (!unified)
		return 0;
	if (m->has_reservation && m->reservation &&
	    push_u64(props, "MemoryLow", as_u64(m->reservation)) < 0)
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	if (cg2_swap_value(m->has_swap ? m->swap : 0, limit, &swap_v2, &swap_set, &why) < 0)
		return skiff_fail_msg_at(err, EINVAL, ".linux.resources.memory.swap",
					  "linux.resources.memory.swap: %s", why);
	if (swap_set && push_u64(props, "MemorySwapMax", as_u64(swap_v2)) < 0)
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	return 0;
}

static int cpu_props(const spec_cpu *c, bool unified, unsigned version, cgsd_props *props,
		     skiff_error *err)
{
	if (c->has_shares && c->shares) {
		uint64_t v = unified ? cg2_cpu_weight(c->shares) : c->shares;

		/* systemd refuses shares outside what v1 takes; the kernel
		 * would clamp them, so do the same. */
		if (!unified)
			v = v < 2 ? 2 : v > 262144 ? 262144 : v;
		if (push_u64(props, unified ? "CPUWeight" : "CPUShares", v) < 0)
			return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	}
	if (push_cpu_quota(props, c->has_quota ? c->quota : 0, c->has_period ? c->period : 0,
			   version) < 0)
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	/* AllowedCPUs= and AllowedMemoryNodes= came with systemd 244. */
	if (version >= 244 && c->cpus && c->cpus[0] &&
	    push_cpuset(props, "AllowedCPUs", c->cpus, ".linux.resources.cpu.cpus", err) < 0)
		return -1;
	if (version >= 244 && c->mems && c->mems[0] &&
	    push_cpuset(props, "AllowedMemoryNodes", c->mems, ".linux.resources.cpu.mems", err) < 0)
		return -1;
	return 0;
}

/* A number or "max" from a unified value. */
static int parse_max(const char *text, uint64_t *out)
{
	char *end;

	while (*text == ' ' || *text == '\t')
		text++;
	if (!strncmp(text, "max", 3)) {
		*out = UINT64_MAX;
		end = (char *)text + 3;
	} else {
		if (*text < '0' || *text > '9')
			return -1;
		errno = 0;
		*out = strtoull(text, &end, 10);
		if (errno)
			return -1;
	}
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end ? -1 : 0;
}

static int unified_prop(const spec_kv *kv, unsigned version, cgsd_props *props,
			skiff_error *err)
{
	static const struct {
		const char *key, *prop;
	} numbers[] = {
		{ "memory.high", "MemoryHigh" }, { "memory.low", "MemoryLow" },
		{ "memory.min", "MemoryMin" },   { "memory.max", "MemoryMax" },
		{ "memory.swap.max", "MemorySwapMax" }, { "pids.max", "TasksMax" },
		{ "cpu.weight", "CPUWeight" },
	};
	char context[160];
	uint64_t v;

	snprintf(context, sizeof(context), ".linux.resources.unified[\"%.100s\"]", kv->key);
	for (size_t i = 0; i < ARRAY_SIZE(numbers); i++) {
		if (strcmp(kv->key, numbers[i].key))
			continue;
		if (parse_max(kv->value, &v) < 0 || (v == UINT64_MAX && !strcmp(kv->key, "cpu.weight")))
			return skiff_fail_msg_at(err, EINVAL, context, "%s: \"%s\" is not a valid value",
						  context + 1, kv->value);
		return push_u64(props, numbers[i].prop, v) < 0
			       ? skiff_fail_errno(err, ENOMEM, "systemd unit properties")
			       : 0;
	}
	if (!strcmp(kv->key, "cpu.max")) {
		/* "quota [period]", quota "max" for none */
		char quota[32];
		unsigned long long period = DEFAULT_CPU_PERIOD;
		int fields = sscanf(kv->value, " %31s %llu", quota, &period);
		uint64_t q = 0;

		if (fields < 1 || (strcmp(quota, "max") && parse_max(quota, &q) < 0) || !period)
			return skiff_fail_msg_at(err, EINVAL, context, "%s: \"%s\" is not a valid value",
						  context + 1, kv->value);
		if (!strcmp(quota, "max"))
			q = 0;
		return push_cpu_quota(props, (int64_t)q, period, version) < 0
			       ? skiff_fail_errno(err, ENOMEM, "systemd unit properties")
			       : 0;
	}
	if (version >= 244 && !strcmp(kv->key, "cpuset.cpus"))
		return push_cpuset(props, "AllowedCPUs", kv->value, context, err);
	if (version >= 244 && !strcmp(kv->key, "cpuset.mems"))
		return push_cpuset(props, "AllowedMemoryNodes", kv->value, context, err);
	return 0; /* a file only */
}

int cgsd_resource_props(const spec_resources *r, bool unified, unsigned version,
			cgsd_props *out, skiff_error *err)
{
	memset(out, 0, sizeof(*out));
	if (r->memory && memory_props(r->memory, unified, out, err) < 0)
		goto fail;
	if (r->cpu && cpu_props(r->cpu, unified, version, out, err) < 0)
		goto fail;
	/* 0 leaves the limit alone, -1 lifts it (runc's reading). */
	if (r->pids && (r->pids->limit > 0 || r->pids->limit == -1) &&
	    push_u64(out, "TasksMax", as_u64(r->pids->limit)) < 0)
		goto oom;
	if (r->block_io && r->block_io->has_weight && r->block_io->weight &&
	    push_u64(out, unified ? "IOWeight" : "BlockIOWeight",
		     unified ? cg2_io_weight(r->block_io->weight) : r->block_io->weight) < 0)
		goto oom;
	/* After the fields above: the last assignment wins, as in runc. */
	for (size_t i = 0; unified && i < r->unified_len; i++)
		if (unified_prop(&r->unified[i], version, out, err) < 0)
			goto fail;
	return 0;
oom:
	skiff_fail_errno(err, ENOMEM, "systemd unit properties");
fail:
	cgsd_props_free(out);
	return -1;
}

/* -------------------------------------------------------------- devices -- */

static unsigned perm_bits(const char *access)
{
	return (strchr(access, 'r') ? 1u : 0) | (strchr(access, 'w') ? 2u : 0) |
	       (strchr(access, 'm') ? 4u : 0);
}

/* One allowed (type, major, minor, permissions); -1 is any. */
typedef struct allowed {
	char type;
	int64_t major, minor;
	unsigned perms;
} allowed;

static bool covers(const cg_device_rule *deny, const allowed *a)
{
	return (deny->type == 'a' || deny->type == a->type) &&
	       (deny->major < 0 || deny->major == a->major) &&
	       (deny->minor < 0 || deny->minor == a->minor);
}

static void device_path(const allowed *a, char *out, size_t size)
{
	const char *kind = a->type == 'b' ? "block" : "char";

	if (a->major < 0)
		snprintf(out, size, "%s-*", kind); /* any major: widened to the type */
	else if (a->minor < 0)
		snprintf(out, size, "%s-%lld", kind, (long long)a->major); /* systemd >= 240 */
	else
		snprintf(out, size, "/dev/%s/%lld:%lld", kind, (long long)a->major,
			 (long long)a->minor);
}

int cgsd_device_props(const cg_device_rule *rules, size_t n, cgsd_props *out, skiff_error *err)
{
	/* The rules in order: the last match wins and no match denies
	 * (cgroups_devices.c).  Emulated as a default plus allowed entries. */
	allowed *list = calloc(2 * n + 1, sizeof(*list));
	bool allow_all = false;
	size_t count = 0;
	cgsd_prop *p;

	memset(out, 0, sizeof(*out));
	if (!list)
		return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
	for (size_t i = 0; i < n; i++) {
		const cg_device_rule *r = &rules[i];
		unsigned bits = perm_bits(r->access);

		if (r->type == 'a' && r->major < 0 && r->minor < 0 && bits == 7) {
			allow_all = r->allow; /* it matches everything: a fresh start */
			count = 0;
		} else if (allow_all) {
			continue; /* a deny here cannot be said to systemd: widened */
		} else if (r->allow) {
			for (int t = 0; t < 2; t++) {
				char type = r->type == 'a' ? (t ? 'b' : 'c') : r->type;

				if (t && r->type != 'a')
					break;
				list[count++] = (allowed){ type, r->major, r->minor, bits };
			}
		} else {
			/* Take back what the deny covers whole; a deny inside a
			 * wider allowed range stays allowed here (widened). */
			for (size_t j = 0; j < count; j++)
				if (covers(r, &list[j]))
					list[j].perms &= ~bits;
		}
	}
	if (push_string(out, "DevicePolicy", CGSD_STRING, allow_all ? "auto" : "strict") < 0 ||
	    !(p = push(out, "DeviceAllow", CGSD_DEVICES)))
		goto oom;
	/* Empty with policy auto: every device (systemd's "no rules"). */
	p->devices = calloc(count + 1, sizeof(*p->devices));
	if (!p->devices)
		goto oom;
	for (size_t j = 0; !allow_all && j < count; j++) {
		cgsd_device *d = &p->devices[p->len];
		size_t k = 0;

		if (!list[j].perms)
			continue;
		device_path(&list[j], d->path, sizeof(d->path));
		if (list[j].perms & 1)
			d->perms[k++] = 'r';
		if (list[j].perms & 2)
			d->perms[k++] = 'w';
		if (list[j].perms & 4)
			d->perms[k++] = 'm';
		p->len++;
	}
	free(list);
	return 0;
oom:
	free(list);
	cgsd_props_free(out);
	return skiff_fail_errno(err, ENOMEM, "systemd unit properties");
}

/* ---------------------------------------------------------- start unit -- */

static int append_all(cgsd_props *to, cgsd_props *from)
{
	cgsd_prop *grown;

	if (!from->n)
		return 0;
	grown = realloc(to->items, (to->n + from->n) * sizeof(*grown));
	if (!grown)
		return -1;
	memcpy(grown + to->n, from->items, from->n * sizeof(*grown));
	to->items = grown;
	to->n += from->n;
	free(from->items); /* the contents moved */
	from->items = NULL;
	from->n = 0;
	return 0;
}

int cgsd_start_props(const char *unit, const char *slice, const char *id, pid_t pid,
		     bool unified, unsigned version, const spec_resources *r,
		     const cg_device_rule *rules, size_t n_rules, cgsd_props *out,
		     skiff_error *err)
{
	static const spec_resources none;
	size_t len = strlen(unit);
	bool is_slice = len > 6 && !strcmp(unit + len - 6, ".slice");
	cgsd_props more = { NULL, 0 };
	char description[300];
	cgsd_prop *p;

	memset(out, 0, sizeof(*out));
	snprintf(description, sizeof(description), "skiff container %s", id);
	if (push_string(out, "Description", CGSD_STRING, description) < 0)
		goto oom;
	if (is_slice) {
		/* A slice is placed by its name; Wants= orders its parent. */
		if (push_string(out, "Wants", CGSD_STRINGS, slice) < 0)
			goto oom;
	} else {
		/* A scope holds processes: the init, and all it will fork,
		 * in a cgroup tree systemd leaves to the container. */
		if (push_string(out, "Slice", CGSD_STRING, slice) < 0 ||
		    !(p = push(out, "PIDs", CGSD_PID)))
			goto oom;
		p->u64 = (uint64_t)pid;
		if (push_bool(out, "Delegate", true) < 0)
			goto oom;
	}
	/* Accounting on, as runc: the statistics files exist from the start. */
	if (push_bool(out, "MemoryAccounting", true) < 0 || push_bool(out, "CPUAccounting", true) < 0 ||
	    push_bool(out, unified ? "IOAccounting" : "BlockIOAccounting", true) < 0 ||
	    push_bool(out, "TasksAccounting", true) < 0 ||
	    push_bool(out, "DefaultDependencies", false) < 0)
		goto oom;
	if (cgsd_resource_props(r ? r : &none, unified, version, &more, err) < 0)
		goto fail;
	if (append_all(out, &more) < 0)
		goto oom;
	if (cgsd_device_props(rules, n_rules, &more, err) < 0)
		goto fail;
	if (append_all(out, &more) < 0)
		goto oom;
	return 0;
oom:
	skiff_fail_errno(err, ENOMEM, "systemd unit properties");
fail:
	cgsd_props_free(&more);
	cgsd_props_free(out);
	return -1;
}
