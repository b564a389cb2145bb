/* Static, to run inside a busybox rootfs: prints "ruid euid".  The tests
 * install a setuid-root copy to see whether exec raised privileges.
 *   usage: show-ids */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("%u %u\n", (unsigned)getuid(), (unsigned)geteuid());
	return 0;
}
