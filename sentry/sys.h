/* Syscall handlers, grouped by area (sys_<area>.c). Each takes the sentry
 * and the trapped call and returns the tracee's result, -errno, or
 * SYS_REPLIED (see sentry/syscalls.h). */
#ifndef VEIL_SENTRY_SYS_H
#define VEIL_SENTRY_SYS_H

#include "platform/platform.h"
#include "sentry/sentry.h"
#include "sentry/syscalls.h"

#define SYS_HANDLER(name) long sys_##name(struct sentry *s, struct platform_call *call)

/* sys_creds.c */
SYS_HANDLER(getuid);
SYS_HANDLER(geteuid);
SYS_HANDLER(getgid);
SYS_HANDLER(getegid);
SYS_HANDLER(getresuid);
SYS_HANDLER(getresgid);
SYS_HANDLER(getgroups);
SYS_HANDLER(setuid);
SYS_HANDLER(setgid);
SYS_HANDLER(setreuid);
SYS_HANDLER(setregid);
SYS_HANDLER(setresuid);
SYS_HANDLER(setresgid);
SYS_HANDLER(setfsuid);
SYS_HANDLER(setfsgid);
SYS_HANDLER(setgroups);
SYS_HANDLER(capget);
SYS_HANDLER(capset);

/* sys_exec.c */
SYS_HANDLER(execve);
SYS_HANDLER(execveat);

#endif
