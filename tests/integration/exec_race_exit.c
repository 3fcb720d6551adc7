/* A static program without libc that exits with EXIT_CODE: the legitimate
 * target (0) and the host-only marker (42) of exec_race.c. No libc, so no
 * interpreter and no library to open: the kernel runs it as it is. */
void _start(void);

void _start(void)
{
	__asm__ volatile("syscall" : : "a"(60), "D"(EXIT_CODE) : "memory");
	__builtin_unreachable();
}
