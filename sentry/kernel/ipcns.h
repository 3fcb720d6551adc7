/* The sandbox's SysV IPC namespace (--unshare-ipc under --backend=emulate),
 * kept by the sentry with no privilege.
 *
 * Every shared memory segment, message queue and semaphore set the
 * sandbox makes is made by the sentry on the host with IPC_PRIVATE and
 * mode 0600 (so no host process reaches it by key, and the kernel lets the
 * program, which runs with the sentry's ids, use it), and recorded here
 * under the sandbox's key, owner, group and mode. The program then names
 * it by the host's id, a number in a register: the sentry checks that the
 * id is one of the sandbox's and that the sandbox's credentials allow the
 * access, then lets the kernel run the call as made (a register cannot
 * change while the call waits, so the kernel acts on the object the
 * sentry checked). An id the table does not hold is EINVAL, as one that
 * does not exist: the host's objects are neither visible nor reachable.
 *
 * Each object also has an index in the sandbox, for the *_STAT commands
 * that enumerate by index (ipcs) and *_INFO's answer: its id's low bits,
 * as the kernel's (ipcid_to_idx), so *_STAT takes an id or an index as
 * the kernel's does. It is the host's index, which the id shows anyway.
 *
 * Leftovers: the objects outlive every process, so the sentry removes
 * them at its end (ipcns_free), and records each id it makes in a log in
 * its scratch directory (IPCNS_LOG), which the scratch directory's reaper
 * reads should veil end without ipcns_free (SIGKILL): it removes each
 * listed object that is still a private one of its uid (ipcns_reap_log),
 * then the directory. */
#ifndef VEIL_SENTRY_IPCNS_H
#define VEIL_SENTRY_IPCNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sentry/kernel/creds.h"

#define IPCNS_LOG "sysv-ids"

enum ipcns_kind { IPCNS_SHM, IPCNS_MSG, IPCNS_SEM, IPCNS_KINDS };

struct ipcns_obj {
	enum ipcns_kind kind;
	int id;		   /* the host's */
	key_t key;	   /* the sandbox's; IPC_PRIVATE once a segment is removed */
	int idx;	   /* the sandbox's index */
	uid_t uid, cuid;   /* as the sandbox sees them */
	gid_t gid, cgid;
	unsigned mode;	   /* the sandbox's permission bits (0777) */
	unsigned long size; /* shm: its size; sem: how many semaphores */
	pid_t cpid;	   /* shm: the creating process, as the sandbox numbers it
			    * (kept when it is gone, as the kernel's pid reference) */
	bool removed;	   /* shm: IPC_RMID'd while still attached */
	uint64_t serial;   /* the order it was made in */
};

struct ipcns;

/* A namespace logging the ids it makes to `log_fd` (O_WRONLY|O_APPEND,
 * taken over; -1: no log). NULL on ENOMEM. */
struct ipcns *ipcns_new(int log_fd);
/* Removes every object of the sandbox from the host. */
void ipcns_free(struct ipcns *ns);

/* shmget/msgget/semget with the caller's credentials `c` and process
 * `pid` (the sandbox's number): `arg` is shmget's size or semget's nsems (unused for msgget).
 * The host id, or -errno as the kernel's. */
int ipcns_get(struct ipcns *ns, enum ipcns_kind kind, key_t key, int flg, unsigned long arg,
	      const struct creds *c, pid_t pid);
/* The sandbox's object with host id `id`, or NULL (the caller's EINVAL).
 * A removed segment the host has destroyed meanwhile is forgotten. */
struct ipcns_obj *ipcns_find(struct ipcns *ns, enum ipcns_kind kind, int id);
/* The object at the sandbox's index `arg` (or at the index of id `arg`:
 * its low bits, as the kernel's *_STAT takes it), or NULL. */
struct ipcns_obj *ipcns_at(struct ipcns *ns, enum ipcns_kind kind, long arg);
/* The highest index in use, or -1; and how many objects there are. */
int ipcns_max_idx(struct ipcns *ns, enum ipcns_kind kind);
size_t ipcns_count(struct ipcns *ns, enum ipcns_kind kind);

/* The kernel's ipcperms(): whether `c` may access `o` for the
 * S_IRUGO/S_IWUGO/S_IXUGO bits in `flag`. */
bool ipcns_permits(const struct ipcns_obj *o, const struct creds *c, int flag);
/* The kernel's check for IPC_SET and IPC_RMID: owner, creator, or
 * CAP_SYS_ADMIN. */
bool ipcns_owns(const struct ipcns_obj *o, const struct creds *c);
/* IPC_RMID: removes `o` on the host; a segment still attached stays
 * (removed, keyless) until its last detach. 0 or -errno. */
int ipcns_remove(struct ipcns *ns, struct ipcns_obj *o);

/* IPC_SET: the sandbox's owner, group and permission bits of `o`, and
 * (a queue) its size limit on the host; the host's change time moves.
 * 0 or -errno. */
int ipcns_set(struct ipcns_obj *o, uid_t uid, gid_t gid, unsigned mode, unsigned long qbytes);
/* IPC_INFO and SHM_INFO/MSG_INFO/SEM_INFO (`cmd`) into `buf` (a struct
 * shminfo, shm_info, msginfo or seminfo): the host's limits, the
 * sandbox's usage. The highest index in use (0 if none), or -errno. */
int ipcns_info(struct ipcns *ns, enum ipcns_kind kind, int cmd, void *buf);
/* IPC_STAT of `o` into `buf` (a struct shmid_ds, msqid_ds or semid_ds as
 * the kind says), as the sandbox sees it: its key, owner, group, mode,
 * and pids through `to_sandbox` (the sandbox's number for a host pid; 0
 * outside). 0 or -errno. */
int ipcns_stat(const struct ipcns_obj *o, void *buf, pid_t (*to_sandbox)(void *ctx, pid_t host),
	       void *ctx);

/* /proc/sysvipc/<name> ("shm", "msg", "sem") as the sandbox sees it: a
 * malloc'd text in *ret, its length, or -errno. */
ssize_t ipcns_proc(struct ipcns *ns, const char *name, char **ret,
		   pid_t (*to_sandbox)(void *ctx, pid_t host), void *ctx);

/* The same of the host's objects (the sandbox shares them: no
 * --unshare-ipc), their pids through `to_sandbox` (a pid namespace's:
 * 0 for a process outside it). */
ssize_t ipcns_proc_host(const char *name, char **ret, pid_t (*to_sandbox)(void *ctx, pid_t host),
			void *ctx);

/* For the scratch directory's reaper, once veil (pid `veil`, the
 * sentry's process) has ended: removes every object listed in `dirfd`'s
 * IPCNS_LOG that is still a private object of this uid (a segment: made
 * by veil). */
void ipcns_reap_log(int dirfd, pid_t veil);

#endif
