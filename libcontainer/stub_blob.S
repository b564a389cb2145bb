/* The exec stub (stub/stub.c), built by make as libcontainer/skiff-stub,
 * inside libskiff: the library copies it into a sealed memfd for every
 * container (exec_stub.c). */
	.section .rodata
	.globl skiff_stub_start
	.globl skiff_stub_end
	.hidden skiff_stub_start
	.hidden skiff_stub_end
	.balign 16
skiff_stub_start:
	.incbin "libcontainer/skiff-stub"
skiff_stub_end:
	.section .note.GNU-stack,"",%progbits
