/* The program's exec failed after its --seccomp programs were loaded.
 * Those may fail every syscall, write and exit_group included (ERRNO,
 * USER_NOTIF with no listener, TRACE with no tracer), so the child cannot
 * report the way it reports other failures: it stores the errno in a page
 * it shares with veil, then dies with or without a syscall. veil reads the
 * page once the child is gone and says what failed, rather than passing
 * on the child's death as if the program had crashed. Both backends. */
#ifndef VEIL_PLATFORM_EXEC_FAIL_H
#define VEIL_PLATFORM_EXEC_FAIL_H

#include "base/error.h"
#include "spec/spec.h"

struct exec_fail;

/* A shared page, inherited by fork and clone, dropped by a successful
 * exec. NULL when mmap fails: then only the old report path tells. */
struct exec_fail *exec_fail_new(void);
void exec_fail_free(struct exec_fail *f);

/* In the child, after execvp returned errnum: needs no syscall to succeed
 * and never returns. Not declared noreturn: a sanitizer's runtime runs
 * before every call to a noreturn function (its stack unpoisoning calls
 * sigaltstack, and loops in its death path when that fails). */
void exec_fail_die(struct exec_fail *f, int errnum);

/* In veil, once the child is gone: -1 with *err set ("execvp PROG: ...")
 * when its exec failed, else 0. */
int exec_fail_check(const struct exec_fail *f, const struct spec *spec,
		    struct veil_error **err);

#endif
