/* A thread beside the caller (side_thread.h). */
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "side_thread.h"

static void *run(void *arg)
{
	side_thread *t = arg;

	t->tid = gettid();
	t->fn(t->arg);
	return NULL;
}

bool side_thread_start(side_thread *t, void (*fn)(void *), void *arg)
{
	sigset_t all, old;

	t->fn = fn;
	t->arg = arg;
	/* No signal of the caller's may land on it. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	t->started = pthread_create(&t->thread, NULL, run, t) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t->started;
}

void side_thread_finish(side_thread *t)
{
	if (!t->started)
		return;
	pthread_join(t->thread, NULL);
	t->started = false;
	/* The join returns once the thread is done with its memory, not once
	 * it has left the process: until then the process is not single-
	 * threaded, and setns() into a user, mount or time namespace fails.
	 * It is gone when a signal can no longer name it. */
	for (int i = 0; i < 100000 && syscall(SYS_tgkill, getpid(), t->tid, 0) == 0; i++)
		sched_yield();
}
