/*
 * systemd's D-Bus API (org.freedesktop.systemd1.Manager), through sd-bus:
 * StartTransientUnit, StopUnit, ResetFailedUnit, SetUnitProperties, and
 * the properties the driver reads.  Each call opens its own connection and
 * closes it (no global state, nothing shared with the cloned init, which
 * never touches it).
 *
 * As root the manager's private socket comes first: it needs no bus daemon
 * (systemctl does the same); then the system bus.  Rootless, the user's
 * bus.  A start or stop is a job: its JobRemoved signal (sent to the
 * client that asked for the job) says when it is over and how.
 *
 * A build without libsystemd (configure says so) keeps these functions,
 * failing with ENOTSUP and a message that says why.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"

#if HAVE_LIBSYSTEMD

#include <dlfcn.h>
#include <pthread.h>
#include <systemd/sd-bus.h>

/*
 * libsystemd is loaded the first time a process uses the driver, not
 * linked: with its own dependencies (libgcrypt, liblzma, libzstd, liblz4,
 * libgpg-error) it is ten libraries that every `run`, `exec` and `state`
 * would map and relocate, for about 1 MB of memory and 9% of `run`'s time
 * (bench/compare.sh), while most containers never use systemd.  The table
 * is filled once per process and only read after (pthread_once), like
 * the dynamic linker's own; the macros below make the calls read as they
 * would with libsystemd linked.
 */
#define SD_FUNCS(X)                                                                         \
	X(int, sd_bus_new, (sd_bus **))                                                     \
	X(int, sd_bus_set_address, (sd_bus *, const char *))                               \
	X(int, sd_bus_start, (sd_bus *))                                                   \
	X(int, sd_bus_open_user, (sd_bus **))                                              \
	X(int, sd_bus_open_system, (sd_bus **))                                            \
	X(sd_bus *, sd_bus_unref, (sd_bus *))                                              \
	X(sd_bus *, sd_bus_flush_close_unref, (sd_bus *))                                  \
	X(int, sd_bus_is_bus_client, (sd_bus *))                                           \
	X(int, sd_bus_process, (sd_bus *, sd_bus_message **))                              \
	X(int, sd_bus_wait, (sd_bus *, uint64_t))                                          \
	X(int, sd_bus_call, (sd_bus *, sd_bus_message *, uint64_t, sd_bus_error *,         \
			     sd_bus_message **))                                            \
	X(int, sd_bus_call_method, (sd_bus *, const char *, const char *, const char *,    \
				    const char *, sd_bus_error *, sd_bus_message **,          \
				    const char *, ...))                                       \
	X(int, sd_bus_get_property_string, (sd_bus *, const char *, const char *,          \
					    const char *, const char *, sd_bus_error *,       \
					    char **))                                         \
	X(int, sd_bus_match_signal, (sd_bus *, sd_bus_slot **, const char *, const char *, \
				     const char *, const char *, sd_bus_message_handler_t,    \
				     void *))                                                 \
	X(sd_bus_slot *, sd_bus_slot_unref, (sd_bus_slot *))                               \
	X(int, sd_bus_message_new_method_call, (sd_bus *, sd_bus_message **, const char *, \
						const char *, const char *, const char *))    \
	X(sd_bus_message *, sd_bus_message_unref, (sd_bus_message *))                      \
	X(int, sd_bus_message_append, (sd_bus_message *, const char *, ...))               \
	X(int, sd_bus_message_append_basic, (sd_bus_message *, char, const void *))        \
	X(int, sd_bus_message_append_array, (sd_bus_message *, char, const void *, size_t)) \
	X(int, sd_bus_message_open_container, (sd_bus_message *, char, const char *))      \
	X(int, sd_bus_message_close_container, (sd_bus_message *))                         \
	X(int, sd_bus_message_read, (sd_bus_message *, const char *, ...))                 \
	X(void, sd_bus_error_free, (sd_bus_error *))                                       \
	X(int, sd_bus_error_is_set, (const sd_bus_error *))                                \
	X(int, sd_bus_error_has_name, (const sd_bus_error *, const char *))                \
	X(int, sd_bus_error_get_errno, (const sd_bus_error *))

#define SD_FIELD(ret, name, args) ret(*name) args;
static struct sd_api {
	SD_FUNCS(SD_FIELD)
	const char *failure; /* why libsystemd cannot be used, or NULL */
} sd_api;
static pthread_once_t sd_api_once = PTHREAD_ONCE_INIT;

static void sd_api_load(void)
{
	void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		sd_api.failure = "libsystemd.so.0 cannot be loaded (install libsystemd0)";
		return;
	}
#define SD_LOAD(ret, name, args)                                                 \
	if (!(*(void **)&sd_api.name = dlsym(lib, #name)) && !sd_api.failure) \
		sd_api.failure = "libsystemd.so.0 lacks " #name;
	SD_FUNCS(SD_LOAD)
#undef SD_LOAD
	/* Kept loaded for the life of the process: the table points into it. */
}

/* The table, or -1 with why in err. */
static int sd_api_ready(skiff_error *err)
{
	pthread_once(&sd_api_once, sd_api_load);
	if (sd_api.failure)
		return skiff_fail_msg(err, ENOTSUP, "systemd cgroup driver: %s", sd_api.failure);
	return 0;
}

/* Each call goes through the table (filled by bus_open() before any). */
#define sd_bus_new (*sd_api.sd_bus_new)
#define sd_bus_set_address (*sd_api.sd_bus_set_address)
#define sd_bus_start (*sd_api.sd_bus_start)
#define sd_bus_open_user (*sd_api.sd_bus_open_user)
#define sd_bus_open_system (*sd_api.sd_bus_open_system)
#define sd_bus_unref (*sd_api.sd_bus_unref)
#define sd_bus_flush_close_unref (*sd_api.sd_bus_flush_close_unref)
#define sd_bus_is_bus_client (*sd_api.sd_bus_is_bus_client)
#define sd_bus_process (*sd_api.sd_bus_process)
#define sd_bus_wait (*sd_api.sd_bus_wait)
#define sd_bus_call (*sd_api.sd_bus_call)
#define sd_bus_call_method (*sd_api.sd_bus_call_method)
#define sd_bus_get_property_string (*sd_api.sd_bus_get_property_string)
#define sd_bus_match_signal (*sd_api.sd_bus_match_signal)
#define sd_bus_slot_unref (*sd_api.sd_bus_slot_unref)
#define sd_bus_message_new_method_call (*sd_api.sd_bus_message_new_method_call)
#define sd_bus_message_unref (*sd_api.sd_bus_message_unref)
#define sd_bus_message_append (*sd_api.sd_bus_message_append)
#define sd_bus_message_append_basic (*sd_api.sd_bus_message_append_basic)
#define sd_bus_message_append_array (*sd_api.sd_bus_message_append_array)
#define sd_bus_message_open_container (*sd_api.sd_bus_message_open_container)
#define sd_bus_message_close_container (*sd_api.sd_bus_message_close_container)
#define sd_bus_message_read (*sd_api.sd_bus_message_read)
#define sd_bus_error_free (*sd_api.sd_bus_error_free)
#define sd_bus_error_is_set (*sd_api.sd_bus_error_is_set)
#define sd_bus_error_has_name (*sd_api.sd_bus_error_has_name)
#define sd_bus_error_get_errno (*sd_api.sd_bus_error_get_errno)

#define SD_SERVICE "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
/* How long a job may take, as runc waits. */
#define JOB_TIMEOUT_USEC (30ULL * 1000000)

static int bus_fail(skiff_error *err, int r, const sd_bus_error *e, const char *fmt,
		    const char *what)
{
	char head[300];
	int errnum = e && sd_bus_error_is_set(e) ? sd_bus_error_get_errno(e) : -r;

	snprintf(head, sizeof(head), fmt, what);
	if (e && sd_bus_error_is_set(e) && e->message)
		return skiff_fail_msg(err, errnum ? errnum : EIO, "systemd: %s: %s", head, e->message);
	return skiff_fail_errno(err, errnum ? errnum : EIO, "systemd: %s", head);
}

static int bus_open(bool user, sd_bus **out, skiff_error *err)
{
	sd_bus *bus = NULL;
	int r;

	*out = NULL;
	if (sd_api_ready(err) < 0)
		return -1;
	if (!user && geteuid() == 0) {
		if (sd_bus_new(&bus) >= 0 &&
		    sd_bus_set_address(bus, "unix:path=/run/systemd/private") >= 0 &&
		    sd_bus_start(bus) >= 0) {
			*out = bus;
			return 0;
		}
		sd_bus_unref(bus);
		bus = NULL;
	}
	r = user ? sd_bus_open_user(&bus) : sd_bus_open_system(&bus);
	if (r < 0) {
		/* ENOTCONN for all of them: delete tells "unreachable" from
		 * "refused" by it. */
		return skiff_fail_msg(err, ENOTCONN, "systemd: cannot connect to the %s manager: %s",
				       user ? "user's" : "system", strerror(-r));
	}
	*out = bus;
	return 0;
}

/* ---------------------------------------------------------- properties -- */

static int append_prop(sd_bus_message *m, const cgsd_prop *p)
{
	int r = sd_bus_message_open_container(m, 'r', "sv");

	if (r >= 0)
		r = sd_bus_message_append_basic(m, 's', p->name);
	if (r < 0)
		return r;
	switch (p->type) {
	case CGSD_STRING:
		r = sd_bus_message_append(m, "v", "s", p->str);
		break;
	case CGSD_STRINGS:
		r = sd_bus_message_append(m, "v", "as", 1, p->str);
		break;
	case CGSD_BOOL:
		r = sd_bus_message_append(m, "v", "b", (int)(p->u64 != 0));
		break;
	case CGSD_U64:
		r = sd_bus_message_append(m, "v", "t", p->u64);
		break;
	case CGSD_PID:
		r = sd_bus_message_append(m, "v", "au", 1, (uint32_t)p->u64);
		break;
	case CGSD_BYTES:
		r = sd_bus_message_open_container(m, 'v', "ay");
		if (r >= 0)
			r = sd_bus_message_append_array(m, 'y', p->bytes, p->len);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		break;
	case CGSD_DEVICES:
		r = sd_bus_message_open_container(m, 'v', "a(ss)");
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'a', "(ss)");
		for (size_t i = 0; r >= 0 && i < p->len; i++)
			r = sd_bus_message_append(m, "(ss)", p->devices[i].path, p->devices[i].perms);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		break;
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

static int append_props(sd_bus_message *m, const cgsd_props *props)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	for (size_t i = 0; r >= 0 && i < props->n; i++)
		r = append_prop(m, &props->items[i]);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* ---------------------------------------------------------------- jobs -- */

/* The JobRemoved signals seen for one unit. */
typedef struct job_watch {
	const char *unit;
	struct {
		char path[128];
		char result[32];
	} seen[8];
	size_t n;
} job_watch;

static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
	job_watch *w = data;
	const char *path, *unit, *result;
	uint32_t id;

	(void)ret_error;
	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0 ||
	    strcmp(unit, w->unit) || w->n == ARRAY_SIZE(w->seen))
		return 0;
	snprintf(w->seen[w->n].path, sizeof(w->seen[0].path), "%s", path);
	snprintf(w->seen[w->n].result, sizeof(w->seen[0].result), "%s", result);
	w->n++;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Wait until job (an object path) is removed; *result is its result
 * ("done", "failed", "canceled", ...), or NULL on a timeout. */
static int wait_job(sd_bus *bus, job_watch *w, const char *job, const char **result)
{
	uint64_t deadline = now_usec() + JOB_TIMEOUT_USEC;

	*result = NULL;
	for (;;) {
		uint64_t now;
		int r;

		for (size_t i = 0; i < w->n; i++)
			if (!strcmp(w->seen[i].path, job)) {
				*result = w->seen[i].result;
				return 0;
			}
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		now = now_usec();
		if (now >= deadline)
			return 0;
		r = sd_bus_wait(bus, deadline - now);
		if (r < 0 && r != -EINTR)
			return r;
	}
}

/* The end of every call: the error and the connection freed; 0 or -1. */
static int bus_done(sd_bus *bus, sd_bus_error *e, int r)
{
	sd_bus_error_free(e);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? -1 : 0;
}

/* Call Manager.method(unit, "replace", [props, aux]) and wait for its job. */
static int run_job(sd_bus *bus, const char *method, const char *unit, const cgsd_props *props,
		   sd_bus_error *e, const char **result)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_slot *slot = NULL;
	job_watch w = { .unit = unit };
	const char *job;
	int r;

	/* Listening before the call: the job may end before its reply is read.
	 * On the private socket messages carry no sender to match. */
	r = sd_bus_match_signal(bus, &slot, sd_bus_is_bus_client(bus) > 0 ? SD_SERVICE : NULL,
				SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
	if (r >= 0)
		r = sd_bus_message_new_method_call(bus, &m, SD_SERVICE, SD_PATH, SD_MANAGER, method);
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "replace");
	if (r >= 0 && props) {
		r = append_props(m, props);
		/* No auxiliary units. */
		if (r >= 0)
			r = sd_bus_message_append(m, "a(sa(sv))", 0);
	}
	if (r >= 0)
		r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, e, &reply);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &job);
	if (r >= 0)
		r = wait_job(bus, &w, job, result);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_slot_unref(slot);
	return r;
}

static int reset_failed(sd_bus *bus, const char *unit)
{
	return sd_bus_call_method(bus, SD_SERVICE, SD_PATH, SD_MANAGER, "ResetFailedUnit", NULL,
				  NULL, "s", unit);
}

/* -------------------------------------------------------------- the API -- */

int cgsd_bus_manager(bool user, unsigned *version, char **control_group, skiff_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char *text = NULL;
	sd_bus *bus;
	int r;

	if (bus_open(user, &bus, err) < 0)
		return -1;
	r = sd_bus_get_property_string(bus, SD_SERVICE, SD_PATH, SD_MANAGER, "Version", &e, &text);
	if (r < 0) {
		bus_fail(err, r, &e, "read the manager's %s", "Version");
		goto out;
	}
	/* "252.38-1~deb12u1", "v245.4-1.fc32": the leading number. */
	*version = (unsigned)strtoul(text + strspn(text, "v\""), NULL, 10);
	free(text);
	if (control_group) {
		r = sd_bus_get_property_string(bus, SD_SERVICE, SD_PATH, SD_MANAGER, "ControlGroup",
					       &e, control_group);
		if (r < 0)
			bus_fail(err, r, &e, "read the manager's %s", "ControlGroup");
	}
out:
	return bus_done(bus, &e, r);
}

/* run_job on a connection of its own: *bus NULL when none could be had
 * (err says why). */
static int open_and_run(bool user, const char *method, const char *unit, const cgsd_props *props,
			sd_bus **bus, sd_bus_error *e, const char **result, skiff_error *err)
{
	if (bus_open(user, bus, err) < 0) {
		*bus = NULL;
		return -1;
	}
	return run_job(*bus, method, unit, props, e, result);
}

int cgsd_bus_start(bool user, const char *unit, const cgsd_props *props, skiff_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *result = NULL;
	sd_bus *bus;
	int r = open_and_run(user, "StartTransientUnit", unit, props, &bus, &e, &result, err);

	if (!bus)
		return -1;
	if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
		/* A failed unit of that name may be left from an earlier
		 * container: let systemd forget it, and try once more. */
		sd_bus_error_free(&e);
		reset_failed(bus, unit);
		r = run_job(bus, "StartTransientUnit", unit, props, &e, &result);
	}
	if (r < 0) {
		bus_fail(err, r, &e, "start unit %s", unit);
	} else if (!result || strcmp(result, "done")) {
		r = -1;
		reset_failed(bus, unit);
		if (result)
			skiff_fail_msg(err, EIO, "systemd: start unit %s: the job ended with \"%s\"",
					unit, result);
		else
			skiff_fail_msg(err, ETIMEDOUT, "systemd: start unit %s: no answer in 30 s",
					unit);
	}
	return bus_done(bus, &e, r);
}

int cgsd_bus_unit_cgroup(bool user, const char *unit, char **out, skiff_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *object;
	size_t len = strlen(unit);
	bool slice = len > 6 && !strcmp(unit + len - 6, ".slice");
	sd_bus *bus;
	int r;

	*out = NULL;
	if (bus_open(user, &bus, err) < 0)
		return -1;
	r = sd_bus_call_method(bus, SD_SERVICE, SD_PATH, SD_MANAGER, "GetUnit", &e, &reply, "s",
			       unit);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &object);
	if (r >= 0)
		r = sd_bus_get_property_string(bus, SD_SERVICE, object,
					       slice ? "org.freedesktop.systemd1.Slice"
						     : "org.freedesktop.systemd1.Scope",
					       "ControlGroup", &e, out);
	if (r < 0)
		bus_fail(err, r, &e, "read the cgroup of unit %s", unit);
	sd_bus_message_unref(reply);
	return bus_done(bus, &e, r);
}

int cgsd_bus_set(bool user, const char *unit, const cgsd_props *props, skiff_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL;
	sd_bus *bus;
	int r;

	if (bus_open(user, &bus, err) < 0)
		return -1;
	r = sd_bus_message_new_method_call(bus, &m, SD_SERVICE, SD_PATH, SD_MANAGER,
					   "SetUnitProperties");
	/* runtime=true: for this boot only, as the unit itself. */
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = append_props(m, props);
	if (r >= 0)
		r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
	if (r < 0)
		bus_fail(err, r, &e, "set the properties of unit %s", unit);
	sd_bus_message_unref(m);
	return bus_done(bus, &e, r);
}

int cgsd_bus_stop(bool user, const char *unit, skiff_error *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	const char *result = NULL;
	sd_bus *bus;
	int r = open_and_run(user, "StopUnit", unit, NULL, &bus, &e, &result, err);

	if (!bus)
		return -1;
	if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
		r = 0; /* gone already: the scope stopped when its last process left */
		result = "done";
	}
	if (r < 0) {
		bus_fail(err, r, &e, "stop unit %s", unit);
	} else if (!result) {
		r = -1;
		skiff_fail_msg(err, ETIMEDOUT, "systemd: stop unit %s: no answer in 30 s", unit);
	}
	/* A failed unit stays loaded (and its name taken) until reset;
	 * whatever the stop's result, the unit is no longer running. */
	reset_failed(bus, unit);
	return bus_done(bus, &e, r);
}

#else /* !HAVE_LIBSYSTEMD */

static int unavailable(skiff_error *err)
{
	return skiff_fail_msg(err, ENOTSUP,
			       "the systemd cgroup driver is not available in this build (skiff was built without libsystemd): run without --systemd-cgroup");
}

int cgsd_bus_manager(bool user, unsigned *version, char **control_group, skiff_error *err)
{
	(void)user, (void)version, (void)control_group;
	return unavailable(err);
}

int cgsd_bus_start(bool user, const char *unit, const cgsd_props *props, skiff_error *err)
{
	(void)user, (void)unit, (void)props;
	return unavailable(err);
}

int cgsd_bus_unit_cgroup(bool user, const char *unit, char **out, skiff_error *err)
{
	(void)user, (void)unit;
	*out = NULL;
	return unavailable(err);
}

int cgsd_bus_set(bool user, const char *unit, const cgsd_props *props, skiff_error *err)
{
	(void)user, (void)unit, (void)props;
	return unavailable(err);
}

int cgsd_bus_stop(bool user, const char *unit, skiff_error *err)
{
	(void)user, (void)unit;
	return unavailable(err);
}

#endif
