/* The emulate backend's pid 1 under --unshare-pid (unless --as-pid-1):
 * the first task, which forks the program and stays in the sandbox as its
 * init, as the kernel backend's (platform/ns/ns_init.c). */
#ifndef VEIL_PLATFORM_EMULATE_INIT_H
#define VEIL_PLATFORM_EMULATE_INIT_H

#include <signal.h>
#include <sys/types.h>

/* Blocks the signals the init waits for, saving the mask in *saved (the
 * program's, restored in the child after the fork). */
void emulate_init_block(sigset_t *saved);
/* The init's loop: forwards the signals veil forwards to it to `child`,
 * reaps every process the sandbox hands it (it is the child subreaper),
 * and returns the program's status (128+N for signal N) once the program
 * has exited and the rest are gone, or REAP_GRACE_MS after. */
int emulate_init_run(pid_t child);

#endif
