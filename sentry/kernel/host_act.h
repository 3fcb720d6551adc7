/* Acting on a program's own fd (a pipe, a socket, its memfd, an inherited
 * file) on its behalf: the sentry does it on its copy of the fd, but with
 * no more privilege than the program has. The program runs with the
 * caller's ids and no capability; a sentry started as root has every
 * capability, which must not lend the program CAP_FOWNER, CAP_CHOWN or
 * CAP_SYS_ADMIN (trusted.* xattrs) on a host file it holds open. */
#ifndef VEIL_SENTRY_HOST_ACT_H
#define VEIL_SENTRY_HOST_ACT_H

#include <stdint.h>

struct host_privs {
	uint64_t effective; /* restored afterwards */
	int dropped;
};

/* Clears the sentry's effective capabilities, if it has any. */
void host_act_begin(struct host_privs *saved);
/* Gives them back. */
void host_act_end(const struct host_privs *saved);
/* The sentry's own permitted capabilities (the caller's, at the start). */
uint64_t host_permitted_caps(void);

#endif
