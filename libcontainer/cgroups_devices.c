/*
 * The device cgroup.  The rules: linux.resources.devices in order, then
 * what runc allows on top of them.  On cgroup v1 they are written to
 * devices.allow and devices.deny (cgroups_v1.c).  On cgroup v2 there is no
 * such file, only an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE
 * attached to the cgroup, which the kernel runs on every open and mknod of
 * a device node.  It is generated here, instruction by instruction (no
 * libbpf):
 *
 *   r2 = type (1 block, 2 char), r3 = access bits (1 mknod, 2 read,
 *   4 write), r4 = major, r5 = minor, all from the context in r1;
 *   then one block per rule, the last rule first, each falling through to
 *   the next when the device does not match, else returning the rule's
 *   verdict (1 allow, 0 deny); no match denies.
 *
 * That is the v1 semantics of writing the rules in order to devices.allow
 * and devices.deny after a deny-all: the last matching rule wins.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups.h"

/* -------------------------------------------------------------- rules -- */

/* What runc 1.1 allows on top of linux.resources.devices, in its order;
 * a rule whose device linux.devices also lists is dropped, as runc does. */
static const struct {
	const char *path;
	cg_device_rule rule;
} runc_default_devices[] = {
	{ NULL, { true, 'c', -1, -1, "m" } },
	{ NULL, { true, 'b', -1, -1, "m" } },
	{ "/dev/null", { true, 'c', 1, 3, "rwm" } },
	{ "/dev/random", { true, 'c', 1, 8, "rwm" } },
	{ "/dev/full", { true, 'c', 1, 7, "rwm" } },
	{ "/dev/tty", { true, 'c', 5, 0, "rwm" } },
	{ "/dev/zero", { true, 'c', 1, 5, "rwm" } },
	{ "/dev/urandom", { true, 'c', 1, 9, "rwm" } },
	{ NULL, { true, 'c', 136, -1, "rwm" } }, /* the ptys in /dev/pts */
	{ NULL, { true, 'c', 5, 2, "rwm" } },    /* /dev/ptmx */
	{ NULL, { true, 'c', 10, 200, "rwm" } }, /* /dev/net/tun */
};

static bool listed_in_config(const spec_linux *lx, const char *path)
{
	for (size_t i = 0; path && lx && i < lx->devices_len; i++)
		if (lx->devices[i].path && !strcmp(lx->devices[i].path, path))
			return true;
	return false;
}

int cg_device_rules(const spec_config *cfg, cg_device_rule **out, size_t *n, skiff_error *err)
{
	const spec_linux *lx = cfg->linux_;
	const spec_resources *r = lx ? lx->resources : NULL;
	size_t user = r ? r->devices_len : 0, count = 0;
	size_t defaults = ARRAY_SIZE(runc_default_devices);
	cg_device_rule *rules = calloc(user + defaults, sizeof(*rules));

	if (!rules)
		return skiff_fail_errno(err, ENOMEM, "device rules");
	for (size_t i = 0; i < user; i++) {
		const spec_device_cgroup *d = &r->devices[i];
		const char *access = d->access ? d->access : "rwm";
		cg_device_rule *rule = &rules[count++];

		if (strlen(access) > 3 || strspn(access, "rwm") != strlen(access)) {
			char path[64];

			free(rules);
			snprintf(path, sizeof(path), ".linux.resources.devices[%zu].access", i);
			return skiff_fail_msg_at(err, 0, path, "%s: \"%s\" is not a combination of r, w and m",
						 path + 1, access);
		}
		rule->allow = d->allow;
		rule->type = d->type ? d->type[0] : 'a';
		rule->major = d->has_major ? d->major : -1;
		rule->minor = d->has_minor ? d->minor : -1;
		snprintf(rule->access, sizeof(rule->access), "%s", access[0] ? access : "rwm");
	}
	for (size_t i = 0; i < defaults; i++)
		if (!listed_in_config(lx, runc_default_devices[i].path))
			rules[count++] = runc_default_devices[i].rule;
	*out = rules;
	*n = count;
	return 0;
}

/* ---------------------------------------------------------- v2 filter -- */

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LOAD_CTX_W(dst, offset) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, 1, offset, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV64_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;

	for (const char *a = access; *a; a++)
		bits |= *a == 'm' ? BPF_DEVCG_ACC_MKNOD : *a == 'r' ? BPF_DEVCG_ACC_READ
			: *a == 'w' ? BPF_DEVCG_ACC_WRITE : 0;
	return bits;
}

/* One rule's block into out (room for 8); returns its length, 0 when the
 * rule can match no device.  *always: it matches every access. */
static size_t rule_block(const cg_device_rule *rule, struct bpf_insn *out, bool *always)
{
	const unsigned all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	unsigned access = access_bits(rule->access);
	struct bpf_insn cond[6];
	size_t n = 0;

	if (rule->major > INT32_MAX || rule->minor > INT32_MAX)
		return 0;
	if (rule->type == 'b' || rule->type == 'c')
		cond[n++] = JNE_IMM(2, rule->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
	if (access != all) {
		/* Match when no asked-for bit is outside the rule's. */
		cond[n++] = MOV64_REG(1, 3);
		cond[n++] = ALU32_IMM(BPF_AND, 1, (int32_t)(~access & all));
		cond[n++] = JNE_IMM(1, 0, 0);
	}
	if (rule->major >= 0)
		cond[n++] = JNE_IMM(4, (int32_t)rule->major, 0);
	if (rule->minor >= 0)
		cond[n++] = JNE_IMM(5, (int32_t)rule->minor, 0);
	*always = n == 0;
	/* Each "does not match" jumps past the rest of the block. */
	for (size_t i = 0; i < n; i++) {
		out[i] = cond[i];
		/* (BPF_AND has BPF_JNE's op bits: the class tells them apart.) */
		if (BPF_CLASS(cond[i].code) == BPF_JMP)
			out[i].off = (int16_t)(n - i - 1 + 2);
	}
	out[n] = MOV64_IMM(0, rule->allow ? 1 : 0);
	out[n + 1] = EXIT();
	return n + 2;
}

int cg_bpf_device_program(const cg_device_rule *rules, size_t n, void **insns, size_t *count,
			  skiff_error *err)
{
	struct bpf_insn *prog = calloc(6 + n * 8 + 2, sizeof(*prog));
	size_t used = 0;
	bool always = false;

	if (!prog)
		return skiff_fail_errno(err, ENOMEM, "device filter");
	prog[used++] = LOAD_CTX_W(2, 0);
	prog[used++] = ALU32_IMM(BPF_AND, 2, 0xffff);
	prog[used++] = LOAD_CTX_W(3, 0);
	prog[used++] = ALU32_IMM(BPF_RSH, 3, 16);
	prog[used++] = LOAD_CTX_W(4, 4);
	prog[used++] = LOAD_CTX_W(5, 8);
	/* The last rule first; after one that matches everything, nothing
	 * earlier could be reached (and the verifier refuses dead code). */
	for (size_t i = n; i-- > 0 && !always;)
		used += rule_block(&rules[i], prog + used, &always);
	if (!always) {
		prog[used++] = MOV64_IMM(0, 0);
		prog[used++] = EXIT();
	}
	*insns = prog;
	*count = used;
	return 0;
}

static int bpf(int cmd, union bpf_attr *attr, size_t size)
{
	return (int)syscall(SYS_bpf, cmd, attr, size);
}

static int load_program(const struct bpf_insn *insns, size_t count, skiff_error *err)
{
	char log[4096] = "";
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)count;
	attr.license = (uint64_t)(uintptr_t)"Apache";
	fd = bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		return fd;
	/* Again with the verifier's log, to say why. */
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		return fd;
	log[strcspn(log, "\n")] = '\0';
	return skiff_fail_errno(err, errno, "load the device filter%s%s", log[0] ? ": " : "", log);
}

/* The ids of the device programs attached to cgroup now (at most max). */
static size_t attached_programs(int cgroup, uint32_t *ids, size_t max)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgroup;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = (uint32_t)max;
	if (bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		return 0;
	return attr.query.prog_cnt < max ? attr.query.prog_cnt : max;
}

static void detach_program(int cgroup, uint32_t id)
{
	union bpf_attr attr;
	int prog;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	prog = bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
	if (prog < 0)
		return;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	bpf(BPF_PROG_DETACH, &attr, sizeof(attr));
	close(prog);
}

int cg_bpf_attach_devices(const char *dir, const cg_device_rule *rules, size_t n,
			  skiff_error *err)
{
	uint32_t old[64];
	size_t n_old;
	union bpf_attr attr;
	void *insns;
	size_t count;
	int cgroup, prog, rc = -1;

	if (cg_bpf_device_program(rules, n, &insns, &count, err) < 0)
		return -1;
	cgroup = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0) {
		free(insns);
		return skiff_fail_errno_at(err, errno, dir, "open %s", dir);
	}
	prog = load_program(insns, count, err);
	free(insns);
	if (prog < 0)
		goto out;
	/* Programs of an earlier container in this cgroup would still vote
	 * (ALLOW_MULTI runs them all): replace them, new one first so that
	 * there is no moment without a filter. */
	n_old = attached_programs(cgroup, old, ARRAY_SIZE(old));
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0) {
		skiff_fail_errno(err, errno, "attach the device filter to %s", dir);
		goto out;
	}
	for (size_t i = 0; i < n_old; i++)
		detach_program(cgroup, old[i]);
	rc = 0;
out:
	if (prog >= 0)
		close(prog);
	close(cgroup);
	if (rc < 0)
		skiff_error_prefix(err, "linux.resources.devices");
	return rc;
}
