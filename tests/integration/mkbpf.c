/* Writes a raw seccomp program (struct sock_filter[]) to stdout, as
 * bubblewrap's --seccomp/--add-seccomp-fd take it: every syscall allowed
 * but the ones named in argv, which fail with the errno given first.
 *   mkbpf ERRNO SYSCALL... > prog.bpf
 *   mkbpf trace SYSCALL... > prog.bpf      (SECCOMP_RET_TRACE instead) */
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkbpf ERRNO SYSCALL...\n");
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	/* "trace": SECCOMP_RET_TRACE (data 0) instead of an errno. */
	bool trace = strcmp(argv[1], "trace") == 0;
	int err = atoi(argv[1]);
	for (int i = 2; i < argc; i++) {
		int nr = seccomp_syscall_resolve_name(argv[i]);
		if (nr == __NR_SCMP_ERROR ||
		    seccomp_rule_add(ctx, trace ? SCMP_ACT_TRACE(0) : SCMP_ACT_ERRNO((unsigned)err), nr,
				     0) < 0) {
			fprintf(stderr, "mkbpf: cannot deny %s\n", argv[i]);
			return 1;
		}
	}
	int r = seccomp_export_bpf(ctx, 1);
	seccomp_release(ctx);
	return r == 0 ? 0 : 1;
}
