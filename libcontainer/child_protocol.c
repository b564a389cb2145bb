/*
 * The child protocol shared by create and exec (child_protocol.h has the sequence):
 * the clone with its fallbacks, the runtime's loop serving the child, and
 * the child's first and last steps around its caller's own setup.
 */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_protocol.h"


void spawn_link_init(spawn_link *l, const skiff_context *ctx, const spec_process *p,
		     const char *who, const char *what)
{
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->p = p;
	l->who = who;
	l->what = what;
	l->sock[0] = l->sock[1] = -1;
	l->cgroup_fd = -1;
	l->pid = -1;
	l->proc = -1;
	l->stub = (stub_launch){ .stub = -1, .bpf = -1, .hooks = -1, .state = -1, .args = -1 };
}

int spawn_socketpair(spawn_link *l, skiff_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, l->sock) < 0)
		return skiff_fail_errno(err, errno, "socketpair");
	return 0;
}

pid_t spawn_clone(spawn_link *l, uint64_t ns_flags, void (*child)(void *arg), void *arg,
		  skiff_error *err)
{
	struct clone_args args = { .flags = ns_flags, .exit_signal = SIGCHLD };
	pid_t pid;

	/* Born in its cgroup2 directory: no moment outside it. */
	if (l->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)l->cgroup_fd;
	}
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && (args.flags & CLONE_INTO_CGROUP) && (errno == E2BIG || errno == EINVAL)) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	}
	/* clone(2) cannot make a time namespace. */
	if (pid < 0 && errno == ENOSYS && !(args.flags & CLONE_NEWTIME)) {
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
		pid = (pid_t)syscall(SYS_clone, (unsigned long)args.flags | SIGCHLD, NULL, NULL,
				     NULL, 0);
	}
	if (pid == 0) {
		child(arg);
		_exit(127); /* child() does not return */
	}
	if (pid < 0)
		return skiff_fail_errno(err, errno, "clone %s", l->what);
	l->pid = pid;
	l->cloned_into_cgroup = args.flags & CLONE_INTO_CGROUP;
	fd_release(&l->sock[1]);
	fd_release(&l->cgroup_fd);
	return pid;
}

/* Why the child is gone, when it died without a word; reaped. */
static void explain_death(spawn_link *l, skiff_error *err)
{
	int status;

	if (waitpid(l->pid, &status, 0) == l->pid) {
		if (WIFSIGNALED(status))
			skiff_fail_msg(err, 0, "%s was killed by signal %d during setup", l->what,
				   WTERMSIG(status));
		else if (WIFEXITED(status))
			skiff_fail_msg(err, 0, "%s exited with status %d during setup", l->what,
				   WEXITSTATUS(status));
	}
	l->pid = -1;
}

int spawn_go(spawn_link *l, skiff_error *err)
{
	if (sync_send_full(l->sock[0], SYNC_GO, l->pid, -1, NULL) == 0)
		return 0;
	skiff_fail_errno(err, errno, "start %s", l->what);
	explain_death(l, err);
	return -1;
}

static int take_console(const spawn_link *l, const spawn_ops *ops, int master, skiff_error *err)
{
	int rc = 0;

	if (master < 0)
		return skiff_fail_msg(err, EPROTO, "no pty came from %s", l->what);
	if (l->ctx->console_socket)
		rc = terminal_send(l->ctx->console_socket, master, err);
	else if (ops->console_out && *ops->console_out < 0) {
		/* The caller's size now: the program may run before the proxy. */
		terminal_copy_size(0, master);
		*ops->console_out = master;
	}
	else
		rc = skiff_fail_msg(err, EINVAL, "unexpected pty from %s", l->what);
	if (rc < 0 || !ops->console_out || *ops->console_out != master)
		close(master);
	return rc;
}

int spawn_serve(spawn_link *l, const spawn_ops *ops, skiff_error *err)
{
	for (;;) {
		enum sync_type type;
		skiff_error child_err;
		int fd;

		if (sync_recv_full(l->sock[0], &type, NULL, &fd, &child_err, err) < 0) {
			skiff_fail_msg(err, 0, "%s exited during setup", l->what);
			explain_death(l, err);
			return -1;
		}
		switch (type) {
		case SYNC_READY:
			return 0;
		case SYNC_ERROR:
			if (err)
				*err = child_err;
			return -1;
		case SYNC_HOOKS:
			if (!ops->hooks)
				break;
			if (ops->hooks(ops->data, err) < 0)
				return -1;
			if (sync_send(l->sock[0], SYNC_HOOKS_DONE, NULL) < 0)
				return skiff_fail_errno(err, errno, "resume %s", l->what);
			continue;
		case SYNC_SECCOMP:
			if (!ops->agent)
				break;
			if (seccomp_take_listener(ops->agent, l->sock[0], fd, err) < 0)
				return -1;
			continue;
		case SYNC_CONSOLE:
			if (take_console(l, ops, fd, err) < 0)
				return -1;
			continue;
		default:
			break;
		}
		if (fd >= 0)
			close(fd);
		return skiff_fail_msg(err, EPROTO, "unexpected message %d from %s", (int)type, l->what);
	}
}

int spawn_await_exec(spawn_link *l, skiff_error *err)
{
	return sync_await_exec(l->sock[0], err);
}

void spawn_kill(spawn_link *l)
{
	if (l->pid <= 0)
		return;
	kill(l->pid, SIGKILL);
	waitpid(l->pid, NULL, 0);
	l->pid = -1;
}

void spawn_link_release(spawn_link *l)
{
	fd_release(&l->sock[0]);
	fd_release(&l->sock[1]);
	fd_release(&l->cgroup_fd);
	seccomp_plan_free(l->seccomp);
	l->seccomp = NULL;
}

/* ------------------------------------------------------------ the child -- */

int spawn_child_begin(spawn_link *l, skiff_error *err)
{
	int rc;

	/* Never the caller's trace callback in here: relayed to the runtime. */
	trace_relay_to(&l->sock[1], l->who);
	/* Then at once, so that even what it allocates from here is charged
	 * to the container. */
	rc = l->enter_self ? cgroup_enter_self(l->enter_self, err) : 0;
	close(l->sock[0]);
	l->sock[0] = -1;
	return rc;
}

void spawn_child_fail(spawn_link *l, skiff_error *err)
{
	sync_send(l->sock[1], SYNC_ERROR, err);
	_exit(1);
}

void spawn_child_wait_go(spawn_link *l, int begun, long long *value, skiff_error *err)
{
	enum sync_type type;

	/* Die with the runtime while setting up; cleared once ready, since
	 * the runtime may exit first.  If it died before this, its end of
	 * the socket is closed and the wait for GO ends at once. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(1);
	if (sync_recv_full(l->sock[1], &type, value, NULL, NULL, err) < 0 || type != SYNC_GO)
		_exit(1);
	/* Told once the runtime listens. */
	if (begun < 0)
		spawn_child_fail(l, err);
}

int spawn_child_send_pty(spawn_link *l, bool console, skiff_error *err)
{
	int master;

	if (!l->p->terminal)
		return 0;
	if (terminal_setup(l->p, console, &master, err) < 0)
		return -1;
	if (sync_send_full(l->sock[1], SYNC_CONSOLE, 0, master, NULL) < 0) {
		close(master);
		return skiff_fail_errno(err, errno, "send the pty to the runtime");
	}
	close(master);
	return 0;
}

int spawn_child_prepare_stub(spawn_link *l, stub_request *req, skiff_error *err)
{
	int rc;

	req->sync = &l->sock[1];
	req->proc = l->proc;
	req->labels = l->labels;
	req->labels_len = l->labels_len;
	req->seccomp = l->seccomp;
	rc = stub_prepare(&l->stub, req, err);
	lsm_exec_labels_free(l->labels, l->labels_len);
	l->labels_len = 0;
	fd_release(&l->proc);
	return rc;
}

/* The program for the stub, and the caller's signal dispositions and
 * mask back, while no filter of the user's can refuse the syscalls. */
static int before_filter(void *data, const char *exe, skiff_error *err)
{
	spawn_link *l = data;

	if (stub_set_program(&l->stub, exe, l->p->args, l->p->args_len, err) < 0)
		return -1;
	signals_reset_all(&l->caller_mask);
	return 0;
}

/* The seccomp filter goes in at its stage (seccomp.c).  A notify listener
 * goes at once to the runtime, which hands it to the agent: every syscall
 * from here on may wait for that agent. */
static int load_seccomp(void *data, enum seccomp_stage stage, skiff_error *err)
{
	spawn_link *l = data;

	return seccomp_load_and_hand_over(l->seccomp, stage, l->sock[1], err);
}

int spawn_child_process(spawn_link *l, bool in_userns, char **exe, char **home,
			skiff_error *err)
{
	process_hook hook = {
		.before_filter = before_filter,
		.run = load_seccomp,
		.data = l,
		.privileged_filter = l->seccomp && !l->p->no_new_privileges,
	};

	return process_prepare(l->p, in_userns, &hook, exe, home, err);
}

void spawn_child_exec(spawn_link *l, char *const *env, bool confirm, const char *stop_after_ready)
{
	enum sync_type type;
	skiff_error err;

	skiff_error_clear(&err);
	if (confirm && (sync_send(l->sock[1], SYNC_READY, NULL) < 0 ||
			sync_recv(l->sock[1], &type, NULL, &err) < 0 || type != SYNC_GO))
		_exit(1);
	/* Disarmed, then said so: the runtime may exit only after this. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (sync_send(l->sock[1], SYNC_READY, NULL) < 0)
		_exit(1);
	if (stop_after_ready)
		debug_stop(l->ctx, stop_after_ready);
	/* From here the child is the stub (stub/stub.c), never the runtime's
	 * binary: it closes what the program must not inherit, loads a last
	 * seccomp filter and execs.  The socket closes on this exec, which
	 * the runtime waits for (spawn_await_exec). */
	stub_exec(&l->stub, env, &err);
	spawn_child_fail(l, &err);
}
