/* The calls that act on a process by pid (sys_procs.c says why they are
 * trapped), for the filter and the handlers alike. */
#ifndef VEIL_SENTRY_SYS_PROCS_H
#define VEIL_SENTRY_SYS_PROCS_H

#define SYS_PROCS_NONE (-2) /* not one of them */
#define SYS_PROCS_PID (-1)  /* the pid is arg0; 0 is the caller */

/* For syscall nr: SYS_PROCS_NONE, SYS_PROCS_PID, or (setpriority,
 * ioprio_set) the value of arg0, the kind of target, that names one
 * process, arg1 being its pid; the next two kinds are a process group and
 * a user. */
int sys_procs_kind(int nr);

#endif
