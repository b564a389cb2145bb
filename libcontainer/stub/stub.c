/*
 * The exec stub: the last program the runtime runs in a container before
 * the user's, and the only one the container can see.
 *
 * Why it exists (CVE-2019-5736): skiff never re-execs itself, so the
 * container's init and exec's new process are clones of the runtime, and
 * /proc/<pid>/exe of either is the runtime's binary on the host until it
 * execs.  If the exec'd program is a script "#!/proc/self/exe", the kernel
 * would even run that binary inside the container, where the image's
 * ld.so.preload runs its code; and a created container waits for `start`
 * for as long as the engine likes.  So the runtime, once the container is
 * set up, execs this program from a sealed memfd (exec_stub.c) and it does
 * the rest: wait for `start`, load a seccomp filter that must come last,
 * run the startContainer hooks, close what the program must not inherit,
 * and exec the program.  Its /proc/<pid>/exe is that memfd: sealed, so
 * nothing can write through it, and a fresh copy per container, so there
 * is nothing of the host's to reach.  It is static and freestanding (a few
 * KB to copy, no ld.so, so no preload runs in it either).
 *
 * Its command line (exec_stub.c writes it; nothing else should run it):
 *   argv[0] "skiff-stub"
 *   argv[1] "v1" followed by ",KEY=N" items, each optional:
 *           go=FD     wait for `start` on this exec.fifo (read end)
 *           reply=FD  exec.reply: "H" once hooks ran, "E<why>" on failure
 *                     (without it, errors go to stderr)
 *           hooks=FD  startContainer hooks (format in exec_stub.c)
 *           state=FD  their stdin, the container's state JSON
 *           bpf=FD    a seccomp BPF program to load last, flags=N its flags
 *           close=N   fds from N up are closed on exec (stdio and the
 *                     preserved ones are below it)
 *           asize=N, bsize=N, hsize=N  the sizes of args, bpf, hooks
 *           args=FD   the program: "PATH\0ARGC\0ARGV...\0", then
 *                     "N\0" and N times "ATTR\0VALUE\0WHAT\0": LSM exec
 *                     labels, each written to PID/ATTR (attr/exec, say;
 *                     WHAT begins its error) in
 *           proc=FD   a procfs instance the runtime made (exec_stub.c)
 *           sync=FD   the runtime's socket: "E<why>" if a label could not
 *                     be written, then closed (create and exec wait for
 *                     that, so a bad label fails them, as with runc)
 *   envp is the program's env.  The program's argv is not on the stub's
 *   command line, so ps shows no program before `start`.
 * Run any other way (as a "#!/proc/self/exe" interpreter, say), it refuses.
 */
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "sys.h"

#define O_NONBLOCK_ 04000
#define O_CLOEXEC_ 02000000
#define F_SETFL_ 4
#define SEEK_SET_ 0
#define SEEK_END_ 2
#define POLLIN_ 0x1
#define POLLHUP_ 0x10
#define SIGCHLD_ 17
#define SIGKILL_ 9
#define EINTR_ 4
#define EAGAIN_ 11
#define CLOCK_MONOTONIC_ 1
#define CLOSE_RANGE_CLOEXEC_ (1U << 2)
#define PR_SET_DUMPABLE_ 4
#define PR_SET_NAME_ 15
#define PROT_READ_ 1
#define PROT_WRITE_ 2
#define MAP_PRIVATE_ 2
#define MAP_ANONYMOUS_ 0x20

struct pollfd_ {
	int fd;
	short events, revents;
};

struct timespec_ {
	long tv_sec, tv_nsec;
};

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---------------------------------------------------------- messages -- */

typedef struct message {
	char text[1024];
	size_t len;
} message;

static void put(message *m, const char *s)
{
	while (*s && m->len < sizeof(m->text) - 1)
		m->text[m->len++] = *s++;
	m->text[m->len] = '\0';
}

static void put_num(message *m, long v)
{
	char digits[24];
	int n = 0;

	if (v < 0) {
		put(m, "-");
		v = -v;
	}
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 23);
	while (n > 0) {
		char one[2] = { digits[--n], '\0' };

		put(m, one);
	}
}

/* The words skiff's errors use (strerror's, lower case, as runc's) for
 * what exec and seccomp can say; a number else. */
static void put_errno(message *m, long err)
{
	static const struct {
		int code;
		const char *text;
	} names[] = {
		{ 1, "operation not permitted" },  { 2, "no such file or directory" },
		{ 7, "argument list too long" },   { 8, "exec format error" },
		{ 9, "bad file descriptor" },      { 12, "cannot allocate memory" },
		{ 13, "permission denied" },       { 14, "bad address" },
		{ 20, "not a directory" },         { 21, "is a directory" },
		{ 22, "invalid argument" },        { 26, "text file busy" },
		{ 36, "file name too long" },      { 38, "function not implemented" },
		{ 40, "too many levels of symbolic links" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == err) {
			put(m, names[i].text);
			return;
		}
	put(m, "errno ");
	put_num(m, err);
}

/* One write, as start_sync.c reads it; stderr when there is no reply. */
static void report(int reply, message *m)
{
	if (reply >= 0) {
		char framed[sizeof(m->text) + 1];

		framed[0] = 'E';
		memcpy(framed + 1, m->text, m->len);
		if (sys3(__NR_write, reply, framed, m->len + 1) > 0)
			return;
	}
	sys3(__NR_write, 2, "skiff: ", 7);
	sys3(__NR_write, 2, m->text, m->len);
	sys3(__NR_write, 2, "\n", 1);
}

/* ------------------------------------------------------------- hooks -- */

/* The hooks memfd: "N\0", then per hook "TIMEOUT\0PATH\0ARGC\0ARGS...\0
 * ENVC\0ENV...\0" (TIMEOUT -1 for none; ENVC -1, with no ENV after it, for a
 * hook without env, which gets the program's), all decimal. */
typedef struct cursor {
	const char *at, *end;
} cursor;

static const char *next_field(cursor *c)
{
	const char *s = c->at;

	while (c->at < c->end && *c->at)
		c->at++;
	if (c->at >= c->end)
		return NULL;
	c->at++;
	return s;
}

static long parse_num(const char *s)
{
	long v = 0, sign = 1;

	if (!s)
		return -2;
	if (*s == '-') {
		sign = -1;
		s++;
	}
	if (!*s)
		return -2;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -2;
		v = v * 10 + (*s - '0');
	}
	return sign * v;
}

/* The whole of a memfd of the plan; its size is the plan's too (so that a
 * filter refusing lseek cannot stop us), or else asked of the fd. */
static void *map_fd(int fd, long known, size_t *size)
{
	long end = known > 0 ? known : sys3(__NR_lseek, fd, 0, SEEK_END_);
	long p;

	if (end <= 0)
		return NULL;
	p = sys6(__NR_mmap, 0, end, PROT_READ_, MAP_PRIVATE_, fd, 0);
	if (p < 0 && p > -4096)
		return NULL;
	*size = (size_t)end;
	return (void *)p;
}

static char **new_vector(long n)
{
	long p = sys6(__NR_mmap, 0, (n + 1) * (long)sizeof(char *), PROT_READ_ | PROT_WRITE_,
		      MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);

	return p < 0 && p > -4096 ? NULL : (char **)p;
}

/* N strings from the cursor into a NULL-terminated vector. */
static char **read_vector(cursor *c, long *n_out)
{
	long n = parse_num(next_field(c));
	char **v;

	if (n < 0 || n > 100000 || !(v = new_vector(n)))
		return NULL;
	for (long i = 0; i < n; i++)
		if (!(v[i] = (char *)next_field(c)))
			return NULL;
	v[n] = NULL;
	*n_out = n;
	return v;
}

static long now_ms(void)
{
	struct timespec_ ts;

	sys2(__NR_clock_gettime, CLOCK_MONOTONIC_, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A filter may refuse exit_group, and exit: a fault then, which no filter
 * can refuse, rather than spin for ever. */
static void __attribute__((noreturn)) exit_now(int code)
{
	sys1(__NR_exit_group, code);
	sys1(__NR_exit, code);
	__builtin_trap();
}

static void __attribute__((noreturn)) hook_child(const char *path, char **argv, char **envp,
						 int state, int out)
{
	/* A group of its own: a timeout kills what the hook started too. */
	sys2(__NR_setpgid, 0, 0);
	if (sys3(__NR_dup3, state, 0, 0) < 0 || sys3(__NR_dup3, out, 1, 0) < 0 ||
	    sys3(__NR_dup3, out, 2, 0) < 0)
		exit_now(126);
	sys3(__NR_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC_);
	sys3(__NR_execve, path, argv, envp);
	sys3(__NR_write, 2, "exec failed", 11);
	exit_now(127);
}

/* Keep the last bytes the hook printed, for its error. */
static void collect(int fd, char *buf, size_t size, size_t *used)
{
	char chunk[512];
	long n = sys3(__NR_read, fd, chunk, sizeof(chunk));

	for (long i = 0; i < n; i++) {
		if (*used == size - 1) {
			for (size_t j = 1; j < *used; j++)
				buf[j - 1] = buf[j];
			(*used)--;
		}
		buf[(*used)++] = chunk[i];
	}
	buf[*used] = '\0';
}

/* As hooks.c does it for the other kinds, with the same words. */
static int run_hook(long index, long timeout, const char *path, char **argv, char **envp,
		    int state, message *why)
{
	int out[2], status = 0;
	char output[400] = "";
	size_t used = 0;
	long deadline = timeout >= 0 ? now_ms() + timeout * 1000 : -1, pid, pidfd;

	if (sys2(__NR_pipe2, out, O_CLOEXEC_) < 0)
		return put(why, "startContainer hooks: pipe failed"), -1;
	sys3(__NR_lseek, state, 0, SEEK_SET_);
	pid = sys5(__NR_clone, SIGCHLD_, 0, 0, 0, 0);
	if (pid == 0)
		hook_child(path, argv, envp, state, out[1]);
	sys1(__NR_close, out[1]);
	if (pid < 0) {
		sys1(__NR_close, out[0]);
		return put(why, "startContainer hooks: fork failed"), -1;
	}
	sys2(__NR_setpgid, pid, pid);
	sys3(__NR_fcntl, out[0], F_SETFL_, O_NONBLOCK_);
	pidfd = sys2(__NR_pidfd_open, pid, 0);
	for (int outfd = out[0];;) {
		struct pollfd_ fds[2] = { { (int)pidfd, POLLIN_, 0 }, { outfd, POLLIN_, 0 } };
		long left = deadline < 0 ? -1 : deadline - now_ms();
		struct timespec_ ts = { left / 1000, (left % 1000) * 1000000 };
		long n = deadline >= 0 && left <= 0 ? 0 :
			 sys5(__NR_ppoll, fds, 2, left < 0 ? NULL : &ts, NULL, 8);

		if (n == -EINTR_)
			continue;
		if (n == 0) {
			sys2(__NR_kill, -pid, SIGKILL_);
			sys2(__NR_kill, pid, SIGKILL_);
			sys4(__NR_wait4, pid, NULL, 0, NULL);
			put(why, "startContainer hook ");
			put_num(why, index);
			put(why, " (");
			put(why, path);
			put(why, "): timed out after ");
			put_num(why, timeout);
			put(why, " s: connection timed out");
			return -1;
		}
		if (fds[1].revents & (POLLIN_ | POLLHUP_))
			collect(out[0], output, sizeof(output), &used);
		if (fds[1].revents & POLLHUP_)
			outfd = -1;
		if (fds[0].revents & POLLIN_ || pidfd < 0) {
			sys4(__NR_wait4, pid, &status, 0, NULL);
			break;
		}
	}
	collect(out[0], output, sizeof(output), &used);
	sys1(__NR_close, out[0]);
	if (pidfd >= 0)
		sys1(__NR_close, pidfd);
	if (status == 0)
		return 0;
	while (used > 0 && (output[used - 1] == '\n' || output[used - 1] == ' '))
		output[--used] = '\0';
	put(why, "startContainer hook ");
	put_num(why, index);
	put(why, " (");
	put(why, path);
	if ((status & 0x7f) != 0) {
		put(why, ") killed by signal ");
		put_num(why, status & 0x7f);
	} else {
		put(why, ") exited with status ");
		put_num(why, (status >> 8) & 0xff);
	}
	if (used) {
		put(why, ": ");
		put(why, output);
	}
	return -1;
}

static int run_hooks(int hooks, long hooks_size, int state, char **program_env, message *why)
{
	size_t size;
	const char *blob = map_fd(hooks, hooks_size, &size);
	cursor c = { blob, blob ? blob + size : NULL };
	long n = blob ? parse_num(next_field(&c)) : -1;

	for (long i = 0; i < n; i++) {
		long timeout = parse_num(next_field(&c)), argc, envc;
		const char *path = next_field(&c);
		char **argv = read_vector(&c, &argc);
		cursor peek = c;
		/* No env in the config: the program's, as runc's init runs the
		 * hook with the env it has set up for the program by then. */
		int inherit = argv && parse_num(next_field(&peek)) == -1;
		char **envp = inherit ? (c = peek, program_env) : argv ? read_vector(&c, &envc) : NULL;

		if (timeout < -1 || !path || !envp)
			break;
		if (run_hook(i, timeout, path, argv, envp, state, why) < 0)
			return -1;
		if (i == n - 1)
			return 0;
	}
	if (n == 0)
		return 0;
	put(why, "startContainer hooks: malformed plan");
	return -1;
}

/* ------------------------------------------------------------ labels -- */

#define RESOLVE_NO_XDEV_ 0x01
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_NO_SYMLINKS_ 0x04
#define RESOLVE_BENEATH_ 0x08
#define PROC_SUPER_MAGIC_ 0x9fa0
#define O_WRONLY_ 01

struct open_how_ {
	unsigned long long flags, mode, resolve;
};

struct statfs_ {
	long f_type, rest[15];
};

/* The LSM exec labels go in here, not in the runtime: attr/exec applies at
 * the next exec, which must be the program's.  Through the runtime's own
 * procfs instance, beneath it with no link followed and checked to be
 * procfs (CVE-2025-52881), at our own pid (the attribute files of a
 * process are its own to write). */
static int write_label(int proc, long pid, const char *attr, const char *value, const char *what,
		       message *why)
{
	message path = { "", 0 };
	struct open_how_ how = { O_WRONLY_ | O_CLOEXEC_, 0,
				 RESOLVE_BENEATH_ | RESOLVE_NO_SYMLINKS_ | RESOLVE_NO_MAGICLINKS_ |
					 RESOLVE_NO_XDEV_ };
	struct statfs_ sfs;
	size_t len = 0;
	long fd, rc;

	put_num(&path, pid);
	put(&path, "/");
	put(&path, attr);
	while (value[len])
		len++;
	fd = sys4(__NR_openat2, proc, path.text, &how, sizeof(how));
	rc = fd;
	if (fd >= 0) {
		rc = sys2(__NR_fstatfs, fd, &sfs);
		if (rc >= 0 && sfs.f_type != PROC_SUPER_MAGIC_)
			rc = -18; /* EXDEV */
		if (rc >= 0)
			rc = sys3(__NR_write, fd, value, len);
		sys1(__NR_close, fd);
	}
	if (rc >= 0)
		return 0;
	put(why, what);
	put(why, ": write /proc/");
	put(why, path.text);
	put(why, ": ");
	put_errno(why, -rc);
	return -1;
}

static int write_labels(cursor *c, int proc, message *why)
{
	long n = parse_num(next_field(c)), pid = sys0(__NR_getpid);

	for (long i = 0; i < n; i++) {
		const char *attr = next_field(c), *value = next_field(c), *what = next_field(c);

		if (!what || proc < 0) {
			put(why, "LSM labels: malformed plan");
			return -1;
		}
		if (write_label(proc, pid, attr, value, what, why) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- steps -- */

/* poll() on a fifo nobody opened for writing yet waits: no HUP until a
 * writer came and went (start_sync.c). */
static int wait_for_start(int go)
{
	for (;;) {
		struct pollfd_ pfd = { go, POLLIN_, 0 };
		char byte;
		long n = sys5(__NR_ppoll, &pfd, 1, NULL, NULL, 8);

		if (n == -EINTR_)
			continue;
		if (n < 0)
			return -1;
		/* `start` wrote its byte.  Data to read is enough: a filter
		 * that refuses read must not keep the container from starting. */
		if (sys3(__NR_read, go, &byte, 1) == 1 || (pfd.revents & POLLIN_))
			return 0;
		if (pfd.revents & POLLHUP_)
			return -1;
	}
}

static int load_filter(int bpf, long bpf_size, long flags, message *why)
{
	size_t size;
	void *code = map_fd(bpf, bpf_size, &size);
	struct sock_fprog prog = { (unsigned short)(size / sizeof(struct sock_filter)), code };
	long rc = code ? sys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) : -22;

	if (rc >= 0)
		return 0;
	put(why, "load the seccomp filter: ");
	put_errno(why, -rc);
	return -1;
}

typedef struct plan {
	long go, reply, hooks, state, bpf, flags, close_from, args, proc, sync;
	long args_size, bpf_size, hooks_size;
} plan;

#define F_SETFD_ 2
#define FD_CLOEXEC_ 1

/* Each fd of the plan close-on-exec; -1 if one cannot be. */
static int close_on_exec(const plan *p)
{
	const long fds[] = { p->go, p->reply, p->hooks, p->state, p->bpf, p->args, p->proc, p->sync };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0 && sys3(__NR_fcntl, fds[i], F_SETFD_, FD_CLOEXEC_) < 0)
			return -1;
	return 0;
}

/* "v1,go=5,..." */
static int parse_plan(const char *s, plan *p)
{
	static const char *const keys[] = { "go",    "reply", "hooks", "state", "bpf",
					    "flags", "close", "args",  "proc",  "sync",
					    "asize", "bsize", "hsize" };

	*p = (plan){ -1, -1, -1, -1, -1, 0, 3, -1, -1, -1, -1, -1, -1 };
	if (s[0] != 'v' || s[1] != '1')
		return -1;
	s += 2;
	while (*s == ',') {
		char key[8], value[24];
		size_t k = 0, v = 0;
		long *field = NULL, num;

		for (s++; *s && *s != '=' && k < sizeof(key) - 1; s++)
			key[k++] = *s;
		key[k] = '\0';
		if (*s++ != '=')
			return -1;
		for (; *s && *s != ',' && v < sizeof(value) - 1; s++)
			value[v++] = *s;
		value[v] = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (same(key, keys[i]))
				field = &p->go + i;
		num = parse_num(value);
		if (!field || num < 0)
			return -1;
		*field = num;
	}
	return *s ? -1 : 0;
}

static int stub_main(int argc, char **argv, char **envp)
{
	message why = { "", 0 };
	plan p;

	/* Nobody else's business what we hold (the exec fifos), as in the
	 * runtime; exec makes the program dumpable again. */
	sys2(__NR_prctl, PR_SET_DUMPABLE_, 0);
	/* For ps: exec from a memfd names the process after the memfd. */
	sys2(__NR_prctl, PR_SET_NAME_, "skiff-stub");
	if (argc != 2 || !same(argv[0], "skiff-stub") || parse_plan(argv[1], &p) < 0 ||
	    p.args < 0) {
		put(&why, "skiff-stub: run by skiff only");
		report(-1, &why);
		return 127;
	}
	/* Whatever the runtime passed us goes at exec: only stdio and the
	 * preserved fds reach the program (and no hook inherits ours).  The
	 * runtime left open at its exec only the fds of the plan; where a
	 * filter refuses close_range (older than Linux 5.9), each of those. */
	if (sys3(__NR_close_range, p.close_from, ~0U, CLOSE_RANGE_CLOEXEC_) < 0 &&
	    close_on_exec(&p) < 0) {
		put(&why, "mark the runtime's fds close-on-exec: refused");
		report((int)p.reply, &why);
		return 127;
	}
	/* Read now: once the filter is in, only the hooks' and the exec's
	 * syscalls should need its permission. */
	size_t size;
	const char *blob = map_fd((int)p.args, p.args_size, &size);
	cursor c = { blob, blob ? blob + size : NULL };
	const char *exe = blob ? next_field(&c) : NULL;
	long n;
	char **args = exe ? read_vector(&c, &n) : NULL;

	if (args && write_labels(&c, (int)p.proc, &why) < 0) {
		message framed = { "E", 1 };

		/* One datagram, which sync.c reads as the init's error. */
		put(&framed, why.text);
		if (p.sync < 0 || sys3(__NR_write, p.sync, framed.text, framed.len) < 0)
			report((int)p.reply, &why);
		return 1;
	}
	if (p.proc >= 0)
		sys1(__NR_close, p.proc);
	/* The runtime waits for this: the container is now created.  A socket
	 * that stays open would hold create for ever. */
	if (p.sync >= 0 && sys1(__NR_close, p.sync) < 0) {
		put(&why, "let go of the runtime's socket: close refused");
		report((int)p.reply, &why);
		return 127;
	}
	if (p.go >= 0 && wait_for_start((int)p.go) < 0) {
		put(&why, "wait for start: the exec fifo could not be polled or read");
		report((int)p.reply, &why);
		return 1;
	}
	/* The startContainer hooks run under the container's filter, as with
	 * runc (whose init loads it before them either way). */
	if (p.bpf >= 0 && load_filter((int)p.bpf, p.bpf_size, p.flags, &why) < 0) {
		report((int)p.reply, &why);
		return 127;
	}
	if (p.hooks >= 0) {
		if (run_hooks((int)p.hooks, p.hooks_size, (int)p.state, envp, &why) < 0) {
			report((int)p.reply, &why);
			return 1;
		}
		if (p.reply >= 0)
			sys3(__NR_write, p.reply, "H", 1);
	}
	long rc = args ? sys3(__NR_execve, exe, args, envp) : -22;

	put(&why, "exec ");
	put(&why, exe ? exe : "the program");
	put(&why, ": ");
	put_errno(&why, -rc);
	report((int)p.reply, &why);
	return 127;
}

void __attribute__((noreturn, used)) stub_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);

	exit_now(stub_main(argc, argv, argv + argc + 1));
}
