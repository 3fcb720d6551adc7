/* Writes a raw seccomp program (struct sock_filter[]) to stdout, as
 * bubblewrap's --seccomp/--add-seccomp-fd take it: every syscall allowed
 * but the ones named in argv, which fail with the errno given first.
 * A name may carry argument conditions, all of which must hold:
 * NAME:INDEX=VALUE[:INDEX=VALUE...] (e.g. prctl:0=23:1=36).
 *   mkbpf ERRNO SYSCALL[:A=V...]... > prog.bpf
 * With --run, loads the filter and runs a command under it instead (a
 * caller's filter, for how veil itself copes with failing syscalls):
 *   mkbpf --run ERRNO SYSCALL[:A=V...]... -- COMMAND [ARGS...]
 * A SYSCALL may be a number. ERRNO "trace" makes the rules SECCOMP_RET_TRACE (data 0) instead. */
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	bool run = argc > 1 && strcmp(argv[1], "--run") == 0;
	if (run) {
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: mkbpf [--run] ERRNO SYSCALL... [-- COMMAND...]\n");
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 1;
	bool trace = strcmp(argv[1], "trace") == 0;
	int err = atoi(argv[1]);
	int i = 2;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		struct scmp_arg_cmp cmp[6];
		unsigned n = 0;
		char *cond = strchr(argv[i], ':');
		if (cond)
			*cond++ = '\0';
		while (cond && n < 6) {
			char *next = strchr(cond, ':');
			if (next)
				*next++ = '\0';
			char *eq = strchr(cond, '=');
			if (!eq)
				break;
			cmp[n++] = SCMP_CMP((unsigned)atoi(cond), SCMP_CMP_EQ,
					    strtoull(eq + 1, NULL, 0));
			cond = next;
		}
		/* A number for what this libseccomp has no name for (mseal: 462). */
		char *end;
		long num = strtol(argv[i], &end, 10);
		int nr = *end == '\0' && end != argv[i] ? (int)num
						       : seccomp_syscall_resolve_name(argv[i]);
		if (nr == __NR_SCMP_ERROR ||
		    seccomp_rule_add_array(ctx, trace ? SCMP_ACT_TRACE(0) : SCMP_ACT_ERRNO((unsigned)err),
					   nr, n, cmp) < 0) {
			fprintf(stderr, "mkbpf: cannot deny %s\n", argv[i]);
			return 1;
		}
	}
	if (run) {
		if (i + 1 >= argc || seccomp_load(ctx) < 0) {
			fprintf(stderr, "mkbpf: no command, or cannot load the filter\n");
			return 1;
		}
		execvp(argv[i + 1], argv + i + 1);
		perror(argv[i + 1]);
		return 127;
	}
	int r = seccomp_export_bpf(ctx, 1);
	seccomp_release(ctx);
	return r == 0 ? 0 : 1;
}
