/* A task's credentials as the sandbox sees them: the sentry's, not the
 * host's. The program runs on the host with the caller's ids and no
 * capabilities; every permission check the VFS makes uses these instead,
 * which is what lets a sandbox run as uid 0 (a fakeroot) without a user
 * namespace.
 *
 * The set*id functions follow Linux's rules (credentials(7),
 * capabilities(7) "Effect of user ID changes on capabilities") and return
 * 0 or -errno. They change `c` only on success. */
#ifndef VEIL_SENTRY_CREDS_H
#define VEIL_SENTRY_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CREDS_NGROUPS_MAX 65536

struct creds {
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	gid_t *groups; /* owned; sorted is not required */
	size_t ngroups;
	uint64_t cap_effective; /* bit N = capability N */
	uint64_t cap_permitted;
	uint64_t cap_inheritable;
	uint64_t cap_bounding; /* what the sandbox grants at all */
	uint64_t cap_ambient;  /* always within permitted and inheritable */
	bool keep_caps;        /* prctl(PR_SET_KEEPCAPS) */
};

/* All ids `uid`/`gid`, no supplementary groups. uid 0 gets every
 * capability in `bounding` (effective and permitted), anyone else none. */
void creds_init(struct creds *c, uid_t uid, gid_t gid, uint64_t bounding);
/* A deep copy (fork). Returns 0 or -ENOMEM. */
int creds_copy(struct creds *dst, const struct creds *src);
void creds_release(struct creds *c);

bool creds_capable(const struct creds *c, int cap);
/* Whether gid is the fs gid or one of the supplementary groups. */
bool creds_in_group(const struct creds *c, gid_t gid);

int creds_setuid(struct creds *c, uid_t uid);
int creds_setreuid(struct creds *c, uid_t ruid, uid_t euid);
int creds_setresuid(struct creds *c, uid_t ruid, uid_t euid, uid_t suid);
/* Returns the previous fsuid whether or not it changed, as setfsuid(2). */
uid_t creds_setfsuid(struct creds *c, uid_t fsuid);
int creds_setgid(struct creds *c, gid_t gid);
int creds_setregid(struct creds *c, gid_t rgid, gid_t egid);
int creds_setresgid(struct creds *c, gid_t rgid, gid_t egid, gid_t sgid);
gid_t creds_setfsgid(struct creds *c, gid_t fsgid);
/* Takes a copy of `groups`. */
int creds_setgroups(struct creds *c, const gid_t *groups, size_t n);
/* capset(2) for the calling task's own sets. */
/* A successful execve: the capability sets as capabilities(7) "Transformation
 * of capabilities during execve()" computes them for a file with no file
 * capabilities and no set-user-ID bit (the sandbox's files have neither
 * for the sentry): root's (real or effective uid 0) file sets count as
 * full, so permitted becomes the bounding set (with the ambient and the
 * inheritable's), effective all of it for euid 0, else the ambient set;
 * the keep-caps flag is cleared. */
void creds_exec(struct creds *c);
int creds_capset(struct creds *c, uint64_t effective, uint64_t permitted,
		 uint64_t inheritable);

#endif
