/*
 * A mounts[] entry's options, one per line of the input (the first line is
 * the fstype): the plan is consistent whatever they say.
 */
#include <sys/mount.h>

#include "fuzz.h"
#include "mount_options.h"

#define MAX_OPTIONS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size), *options[MAX_OPTIONS], *fstype, *save = NULL;
	skiff_error err = { 0 };
	mount_plan plan;
	size_t n = 0;

	if (!text)
		return 0;
	fstype = strtok_r(text, "\n", &save);
	while (n < MAX_OPTIONS && (options[n] = strtok_r(NULL, "\n", &save)))
		n++;
	if (mount_plan_make(options, n, fstype, &plan, &err) == 0) {
		FUZZ_CHECK(plan.propagation_len <= MOUNT_PLAN_MAX_PROPAGATION);
		for (size_t i = 0; i < plan.propagation_len; i++)
			FUZZ_CHECK(plan.propagation[i] != 0 &&
				   !(plan.propagation[i] & ~(unsigned long)(MS_SHARED | MS_SLAVE |
									   MS_PRIVATE | MS_UNBINDABLE |
									   MS_REC)));
		/* Bind and propagation options never reach mount(2) as flags. */
		FUZZ_CHECK(!(plan.flags & (MS_BIND | MS_SHARED | MS_SLAVE | MS_PRIVATE |
					   MS_UNBINDABLE)));
		FUZZ_CHECK(plan.has_attr || (!plan.attr.attr_set && !plan.attr.attr_clr));
		mount_plan_clear(&plan);
	} else {
		FUZZ_ERROR_FILLED(err);
	}
	free(text);
	return 0;
}
