/*
 * libmount loaded on first use (libmount_load.h says why).  The table is
 * written once, under pthread_once, and only read after: like the dynamic
 * linker's own tables, it holds no state of any call.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "error.h"
#include "libmount_load.h"

/* The soname of util-linux's libmount since 2.17 (2010). */
#define LIBMOUNT_SONAME "libmount.so.1"

static struct libmount_api api;
static const char *failure; /* why it cannot be used, or NULL */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	/* Lazy binding is moot (libmount is built BIND_NOW); RTLD_LOCAL
	 * keeps its symbols out of every later lookup. */
	void *lib = dlopen(LIBMOUNT_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		failure = LIBMOUNT_SONAME " cannot be loaded (install libmount1)";
		return;
	}
#define LOAD(name)                                                        \
	if (!(*(void **)&api.fn_##name = dlsym(lib, #name)) && !failure) \
		failure = LIBMOUNT_SONAME " lacks " #name;
	LIBMOUNT_FUNCS(LOAD)
#undef LOAD
	/* Kept loaded for the life of the process: the table points into it. */
}

int libmount_ready(skiff_error *err)
{
	pthread_once(&once, load);
	if (failure)
		return skiff_fail_msg(err, ENOTSUP, "%s", failure);
	return 0;
}

const struct libmount_api *libmount_api(void)
{
	return &api;
}
