/*
 * Static, to run inside a busybox rootfs: makes one 32-bit x86 syscall
 * (getpid through int $0x80) from a 64-bit process.  A seccomp filter
 * without SCMP_ARCH_X86 kills it; with it, it prints "ok".
 *   usage: int80      (exit 77 where there is no such thing)
 */
#include <stdio.h>

int main(void)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	printf(ret > 0 ? "ok\n" : "failed %ld\n", ret);
	return ret > 0 ? 0 : 1;
#else
	return 77;
#endif
}
