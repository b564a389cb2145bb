/* Print "NR NAME" for every syscall libseccomp knows on this architecture,
 * one a line: the tests build allow-lists from it.
 *   usage: syscall-names */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	uint32_t arch = seccomp_arch_native();

	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name)
			printf("%d %s\n", nr, name);
		free(name);
	}
	return 0;
}
