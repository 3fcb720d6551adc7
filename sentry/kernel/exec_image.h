/* What an exec would run: the kernel looks at the first bytes of the file
 * to choose a binary format, and for two of them it then opens another
 * file by path on its own — the ELF interpreter (PT_INTERP) and a script's
 * `#!` interpreter. The sentry reads those names here so that the VFS, not
 * the host, resolves them. */
#ifndef VEIL_SENTRY_EXEC_IMAGE_H
#define VEIL_SENTRY_EXEC_IMAGE_H

#include <limits.h>
#include <stdbool.h>

/* The kernel's binfmt_script reads at most this much of the first line
 * (BINPRM_BUF_SIZE). */
#define EXEC_SCRIPT_LINE_MAX 256

enum exec_kind {
	EXEC_ELF_STATIC,  /* runs as it is */
	EXEC_ELF_DYNAMIC, /* needs the interpreter in `interp` */
	EXEC_SCRIPT,      /* `#!interp [arg]` */
};

struct exec_image {
	enum exec_kind kind;
	char interp[PATH_MAX]; /* ELF_DYNAMIC, SCRIPT */
	char arg[EXEC_SCRIPT_LINE_MAX]; /* SCRIPT: the optional argument */
	bool has_arg;
};

/* Inspects the executable open at `fd` (read with pread, the offset is
 * left alone). Returns 0, or:
 *   -ENOEXEC  no format the sandbox can run: not ELF or #!, a 32-bit or
 *             foreign-machine ELF (their syscalls would fail anyway), a
 *             malformed header, an empty or over-long #! line
 *   -EACCES   "#!" with an empty interpreter name (the kernel's result)
 *   -EIO      the file could not be read */
int exec_inspect(int fd, struct exec_image *ret);

#endif
