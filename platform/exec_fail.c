/* The program's failed exec, told through shared memory (exec_fail.h). */
#include "platform/exec_fail.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct exec_fail {
	volatile int errnum; /* 0 until the child's exec failed */
};

struct exec_fail *exec_fail_new(void)
{
	void *p = mmap(NULL, sizeof(struct exec_fail), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void exec_fail_free(struct exec_fail *f)
{
	if (f)
		munmap(f, sizeof(*f));
}

__attribute__((no_sanitize("address", "undefined"))) void exec_fail_die(struct exec_fail *f,
									  int errnum)
{
	if (f)
		f->errnum = errnum ? errnum : -1;
	/* The raw syscall: libc's and a sanitizer's _exit do more (a
	 * sanitizer's exit path loops when every syscall fails). */
	syscall(SYS_exit_group, 1);
	/* exit_group itself failed: a trap kills without one. */
	__builtin_trap();
}

int exec_fail_check(const struct exec_fail *f, const struct spec *spec,
		    struct veil_error **err)
{
	if (!f || f->errnum == 0)
		return 0;
	int e = f->errnum > 0 ? f->errnum : 0;
	if (spec->n_seccomp)
		return verr_set(err, e, "execvp %s (under the --seccomp programs, "
				"loaded before it as bubblewrap does)", spec->argv[0]);
	return verr_set(err, e, "execvp %s", spec->argv[0]);
}
