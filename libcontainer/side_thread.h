/*
 * Work done on a thread of its own while the caller goes on, for a caller
 * with two cores' worth of independent work (create loads libmount and
 * makes the container's network namespace while it makes its state and
 * cgroups).  Between start and finish the caller makes no clone or fork
 * (the child would inherit a lock the thread holds) and no setns();
 * finish returns once the thread has left the process.
 */
#ifndef SKIFF_SIDE_THREAD_H
#define SKIFF_SIDE_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct side_thread {
	pthread_t thread;
	pid_t tid;
	void (*fn)(void *);
	void *arg;
	bool started;
} side_thread;

/* fn(arg) on a new thread with every signal blocked; false when no thread
 * could be made (fn is then not run). */
bool side_thread_start(side_thread *t, void (*fn)(void *), void *arg);
/* Waits for fn to be done and the thread gone; nothing when not started
 * (or finished already). */
void side_thread_finish(side_thread *t);

#endif
