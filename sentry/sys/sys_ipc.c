/* SysV IPC under --unshare-ipc (sentry/kernel/ipcns.h): the calls that
 * name an object by key or id, trapped only then (filter.c). A get makes
 * or finds the sandbox's object; a call on an id is checked against the
 * sandbox's table and credentials, in the kernel's order where it can be,
 * and then either served here (stat, set, remove, info, which the
 * sandbox's view changes) or continued: the kernel then runs it on the
 * object the id in the register names, which the check just proved is
 * the sandbox's. shmdt names no object and always runs natively.
 *
 * One check is weaker than the kernel's: a semop's operations are in the
 * program's memory, which the kernel reads again after the sentry decided
 * whether they alter a set (write permission) or only wait (read): another
 * thread may turn a wait into a change in between. What it gains is a
 * write to a set of the sandbox's that the sandbox's own credentials
 * (which the host never sees: every process of the sandbox has the same
 * host ids) would refuse; no host object is ever reached. */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sentry/kernel/ipcns.h"
#include "sentry/sys/sys.h"

#define IPC_RUGO 0444
#define IPC_WUGO 0222
#define IPC_XUGO 0111
/* a semaphore's highest value (linux/sem.h, which clashes with sys/sem.h) */
#define SEMVMX 32767

static struct sentry_task *caller(struct sentry *s, struct platform_call *call)
{
	return sentry_task_find(s, call->tid);
}

/* The object `id` names if it is the sandbox's and `t` may access it for
 * `flag` (ipcperms): *ret, or -EINVAL / -EACCES. */
static int checked(struct sentry *s, struct sentry_task *t, enum ipcns_kind kind, long id,
		   int flag, struct ipcns_obj **ret)
{
	struct ipcns_obj *o = id < 0 || id > INT32_MAX ? NULL : ipcns_find(s->ipc, kind, (int)id);
	if (!o)
		return -EINVAL;
	if (flag && !ipcns_permits(o, &t->creds, flag))
		return -EACCES;
	*ret = o;
	return 0;
}

static long get(struct sentry *s, struct platform_call *call, enum ipcns_kind kind, int flg,
		unsigned long arg)
{
	struct sentry_task *t = caller(s, call);
	if (!t)
		return -ESRCH;
	return ipcns_get(s->ipc, kind, (key_t)call->args[0], flg, arg, &t->creds,
			 sentry_pid_to_ns(s, sentry_task_tgid(t)));
}

SYS_HANDLER(shmget)
{
	return get(s, call, IPCNS_SHM, (int)call->args[2], call->args[1]);
}

SYS_HANDLER(msgget)
{
	return get(s, call, IPCNS_MSG, (int)call->args[1], 0);
}

SYS_HANDLER(semget)
{
	int nsems = (int)call->args[1];
	struct seminfo si;
	if (semctl(0, 0, IPC_INFO, &si) < 0)
		return -errno;
	if (nsems < 0 || nsems > si.semmsl)
		return -EINVAL;
	return get(s, call, IPCNS_SEM, (int)call->args[2], (unsigned long)nsems);
}

/* Lets the kernel run the call, on an object the sentry checked. */
static long cont(struct platform_call *call)
{
	int r = call->ops->reply_continue(call);
	return r < 0 ? r : SYS_REPLIED;
}

/* The errors the kernel finds in a call's arguments before it looks its
 * object up (a bad size or flag, a fault): 0 or -errno. They are worked
 * out only when the sentry refuses a call (an id not the sandbox's, no
 * permission), where they must come first; a call the sentry lets
 * through gets them from the kernel itself. */
typedef long early_fn(struct platform_call *call);

/* Continues a call on an object `t` may access for `flag`; else its
 * early error or the refusal. */
static long run_on(struct sentry *s, struct platform_call *call, enum ipcns_kind kind, int flag,
		   early_fn *early)
{
	struct sentry_task *t = caller(s, call);
	struct ipcns_obj *o;
	int r = t ? checked(s, t, kind, (int)call->args[0], flag, &o) : -ESRCH;
	if (r < 0) {
		long e = early && r != -ESRCH ? early(call) : 0;
		return e ? e : r;
	}
	return cont(call);
}

/* do_shmat's checks of the address (SHMLBA is a page on x86_64). */
static long shmat_early(struct platform_call *call)
{
	uint64_t addr = call->args[1];
	int flg = (int)call->args[2];
	if (!addr)
		return flg & SHM_REMAP ? -EINVAL : 0;
	if (addr & (SHMLBA - 1)) {
		if (!(flg & SHM_RND))
			return -EINVAL;
		if (!(addr & ~(uint64_t)(SHMLBA - 1)) && (flg & SHM_REMAP))
			return -EINVAL;
	}
	return 0;
}

SYS_HANDLER(shmat)
{
	int flg = (int)call->args[2];
	int acc = flg & SHM_RDONLY ? IPC_RUGO : IPC_RUGO | IPC_WUGO;
	if (flg & SHM_EXEC)
		acc |= IPC_XUGO;
	return run_on(s, call, IPCNS_SHM, acc, shmat_early);
}

/* The kernel's msgsnd: the type read (EFAULT), the size against the
 * host's msgmax, the type, then the text copied in (EFAULT; read here
 * only to see it is there, at most msgmax bytes, 8 KiB by default). */
static long msgsnd_early(struct platform_call *call)
{
	long mtype;
	size_t size = (size_t)call->args[2];
	int r = call->ops->read_mem(call, &mtype, call->args[1], sizeof(mtype));
	if (r < 0)
		return r;
	struct msginfo mi;
	if (msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) < 0)
		return -errno;
	if (size > (size_t)mi.msgmax || (long)size < 0 || mtype < 1)
		return -EINVAL;
	char chunk[4096];
	for (size_t off = 0; off < size; off += sizeof(chunk)) {
		size_t n = size - off < sizeof(chunk) ? size - off : sizeof(chunk);
		r = call->ops->read_mem(call, chunk, call->args[1] + sizeof(long) + off, n);
		if (r < 0)
			return r;
	}
	return 0;
}

SYS_HANDLER(msgsnd)
{
	return run_on(s, call, IPCNS_MSG, IPC_WUGO, msgsnd_early);
}

/* The kernel's msgrcv: a negative size; MSG_COPY only with IPC_NOWAIT
 * and without MSG_EXCEPT. */
static long msgrcv_early(struct platform_call *call)
{
	int flg = (int)call->args[4];
	if ((long)call->args[2] < 0)
		return -EINVAL;
	if ((flg & MSG_COPY) && ((flg & MSG_EXCEPT) || !(flg & IPC_NOWAIT)))
		return -EINVAL;
	return 0;
}

SYS_HANDLER(msgrcv)
{
	return run_on(s, call, IPCNS_MSG, IPC_RUGO, msgrcv_early);
}

/* semtimedop's timeout, read by the kernel before anything else (EFAULT)
 * and checked after the operations are (EINVAL): *bad gets the latter. */
static long semop_timeout(struct platform_call *call, bool timed, bool *bad)
{
	struct timespec ts;
	*bad = false;
	if (!timed || !call->args[3])
		return 0;
	int r = call->ops->read_mem(call, &ts, call->args[3], sizeof(ts));
	if (r < 0)
		return r;
	*bad = ts.tv_sec < 0 || (unsigned long)ts.tv_nsec >= 1000000000ul;
	return 0;
}

/* semop and semtimedop: whether the operations alter the set decides the
 * permission (see the top of the file for what a racing thread gains).
 * The kernel's order: the timeout read, the count, the operations read,
 * the timeout checked, the set looked up, a semaphore past its end
 * (EFBIG), the permission. */
static long semop_common(struct sentry *s, struct platform_call *call, bool timed)
{
	struct sentry_task *t = caller(s, call);
	unsigned nsops = (unsigned)call->args[2];
	struct seminfo si;
	if (!t)
		return -ESRCH;
	long early = 0;
	if (nsops < 1 || (int)call->args[0] < 0)
		early = -EINVAL;
	else if (semctl(0, 0, IPC_INFO, &si) < 0)
		early = -errno;
	else if (nsops > (unsigned)si.semopm)
		early = -E2BIG;
	if (early) {
		bool bad;
		long e = semop_timeout(call, timed, &bad);
		return e ? e : early;
	}
	struct sembuf *sops = calloc(nsops, sizeof(*sops));
	if (!sops)
		return -ENOMEM;
	int r = call->ops->read_mem(call, sops, call->args[1], nsops * sizeof(*sops));
	bool alter = false;
	unsigned max = 0;
	for (unsigned i = 0; r == 0 && i < nsops; i++) {
		alter |= sops[i].sem_op != 0;
		if (sops[i].sem_num > max)
			max = sops[i].sem_num;
	}
	free(sops);
	struct ipcns_obj *o = NULL;
	if (r == 0)
		r = checked(s, t, IPCNS_SEM, (int)call->args[0], alter ? IPC_WUGO : IPC_RUGO, &o);
	if (r == 0)
		return cont(call);
	if (r == -ESRCH)
		return r;
	bool bad;
	long e = semop_timeout(call, timed, &bad);
	if (e || r == -EFAULT)
		return e ? e : r;
	if (bad)
		return -EINVAL;
	if (r == -EACCES) {
		o = ipcns_find(s->ipc, IPCNS_SEM, (int)call->args[0]);
		if (o && max >= o->size)
			return -EFBIG;
	}
	return r;
}

SYS_HANDLER(semop)
{
	return semop_common(s, call, false);
}

SYS_HANDLER(semtimedop)
{
	return semop_common(s, call, true);
}

/* IPC_STAT and *_STAT(_ANY): the sandbox's view of `o` written to
 * `addr`; `ret` on success. */
static long stat_to(struct sentry *s, struct platform_call *call, const struct ipcns_obj *o,
		    uint64_t addr, long ret)
{
	union {
		struct shmid_ds shm;
		struct msqid_ds msg;
		struct semid_ds sem;
	} ds;
	size_t size = o->kind == IPCNS_SHM   ? sizeof(ds.shm)
		      : o->kind == IPCNS_MSG ? sizeof(ds.msg)
					     : sizeof(ds.sem);
	int r = ipcns_stat(o, &ds, sentry_pid_to_ns_past, s);
	if (r == 0)
		r = call->ops->write_mem(call, addr, &ds, size);
	return r < 0 ? r : ret;
}

/* The *_INFO and IPC_INFO commands: the struct written to `addr`. */
static long info_to(struct sentry *s, struct platform_call *call, enum ipcns_kind kind, int cmd,
		    uint64_t addr)
{
	union {
		struct shminfo shminfo;
		struct shm_info shm_info;
		struct msginfo msginfo;
		struct seminfo seminfo;
	} u;
	size_t size = kind == IPCNS_SHM	  ? (cmd == SHM_INFO ? sizeof(u.shm_info) : sizeof(u.shminfo))
		      : kind == IPCNS_MSG ? sizeof(u.msginfo)
					  : sizeof(u.seminfo);
	int max = ipcns_info(s->ipc, kind, cmd, &u);
	if (max < 0)
		return max;
	int r = call->ops->write_mem(call, addr, &u, size);
	return r < 0 ? r : max;
}

/* *_STAT and *_STAT_ANY: by the sandbox's index; the object's id. */
static long stat_by_index(struct sentry *s, struct platform_call *call, enum ipcns_kind kind,
			  bool any, uint64_t addr)
{
	struct sentry_task *t = caller(s, call);
	if (!t)
		return -ESRCH;
	struct ipcns_obj *o = ipcns_at(s->ipc, kind, (int)call->args[0]);
	if (!o)
		return -EINVAL;
	if (!any && !ipcns_permits(o, &t->creds, IPC_RUGO))
		return -EACCES;
	return stat_to(s, call, o, addr, o->id);
}

/* IPC_SET: the new owner, group and mode from the program's struct (read
 * once), then the kernel's checks: a sandbox object, its owner or creator
 * (or CAP_SYS_ADMIN), valid ids; a queue's limit past the host's msgmnb
 * needs CAP_SYS_RESOURCE. */
static long set(struct sentry *s, struct platform_call *call, enum ipcns_kind kind, uint64_t addr)
{
	struct sentry_task *t = caller(s, call);
	if (!t)
		return -ESRCH;
	union {
		struct shmid_ds shm;
		struct msqid_ds msg;
		struct semid_ds sem;
	} ds;
	size_t size = kind == IPCNS_SHM ? sizeof(ds.shm) : kind == IPCNS_MSG ? sizeof(ds.msg)
									   : sizeof(ds.sem);
	int r = call->ops->read_mem(call, &ds, addr, size);
	if (r < 0)
		return r;
	struct ipcns_obj *o;
	r = checked(s, t, kind, (int)call->args[0], 0, &o);
	if (r < 0)
		return r;
	if (!ipcns_owns(o, &t->creds))
		return -EPERM;
	const struct ipc_perm *p = kind == IPCNS_SHM   ? &ds.shm.shm_perm
				   : kind == IPCNS_MSG ? &ds.msg.msg_perm
						       : &ds.sem.sem_perm;
	unsigned long qbytes = 0;
	if (kind == IPCNS_MSG) {
		struct msginfo mi;
		if (msgctl(0, IPC_INFO, (struct msqid_ds *)&mi) < 0)
			return -errno;
		qbytes = ds.msg.msg_qbytes;
		if (qbytes > (unsigned long)mi.msgmnb &&
		    !creds_capable(&t->creds, CAP_SYS_RESOURCE))
			return -EPERM;
	}
	if (p->uid == (uid_t)-1 || p->gid == (gid_t)-1)
		return -EINVAL;
	return ipcns_set(o, p->uid, p->gid, p->mode, qbytes);
}

static long rmid(struct sentry *s, struct platform_call *call, enum ipcns_kind kind)
{
	struct sentry_task *t = caller(s, call);
	struct ipcns_obj *o;
	int r = t ? checked(s, t, kind, (int)call->args[0], 0, &o) : -ESRCH;
	if (r < 0)
		return r;
	if (!ipcns_owns(o, &t->creds))
		return -EPERM;
	return ipcns_remove(s->ipc, o);
}

/* Each kind's numbers for the commands they all have. */
static const struct {
	int info, stat, stat_any;
} ctl_cmds[IPCNS_KINDS] = {
	[IPCNS_SHM] = {SHM_INFO, SHM_STAT, SHM_STAT_ANY},
	[IPCNS_MSG] = {MSG_INFO, MSG_STAT, MSG_STAT_ANY},
	[IPCNS_SEM] = {SEM_INFO, SEM_STAT, SEM_STAT_ANY},
};

/* shmctl, msgctl and semctl's common commands on object (or index) `id`,
 * their struct at `buf`: *done and the result, or !*done for the kind's
 * own commands. */
static long ctl(struct sentry *s, struct platform_call *call, enum ipcns_kind kind, int id,
		int cmd, uint64_t buf, bool *done)
{
	struct sentry_task *t = caller(s, call);
	struct ipcns_obj *o;
	*done = true;
	if (!t)
		return -ESRCH;
	if (cmd == IPC_INFO || cmd == ctl_cmds[kind].info)
		return info_to(s, call, kind, cmd, buf);
	if (cmd == ctl_cmds[kind].stat || cmd == ctl_cmds[kind].stat_any)
		return stat_by_index(s, call, kind, cmd == ctl_cmds[kind].stat_any, buf);
	switch (cmd) {
	case IPC_STAT: {
		int r = checked(s, t, kind, id, IPC_RUGO, &o);
		return r < 0 ? r : stat_to(s, call, o, buf, 0);
	}
	case IPC_SET:
		return set(s, call, kind, buf);
	case IPC_RMID:
		return rmid(s, call, kind);
	}
	*done = false;
	return 0;
}

SYS_HANDLER(shmctl)
{
	int id = (int)call->args[0], cmd = (int)call->args[1];
	bool done;
	if (id < 0 || cmd < 0)
		return -EINVAL;
	long r = ctl(s, call, IPCNS_SHM, id, cmd, call->args[2], &done);
	if (done)
		return r;
	if (cmd == SHM_LOCK || cmd == SHM_UNLOCK) {
		/* done by the sentry, with its own privilege, once the
		 * sandbox's would allow it (the kernel's checks) */
		struct sentry_task *t = caller(s, call);
		struct ipcns_obj *o;
		int e = checked(s, t, IPCNS_SHM, id, 0, &o);
		if (e < 0)
			return e;
		if (!creds_capable(&t->creds, CAP_IPC_LOCK)) {
			struct rlimit rl;
			if (t->creds.euid != o->uid && t->creds.euid != o->cuid)
				return -EPERM;
			/* the caller's RLIMIT_MEMLOCK, which the sentry's own
			 * lock would not look at */
			if (cmd == SHM_LOCK &&
			    (prlimit(call->tid, RLIMIT_MEMLOCK, NULL, &rl) < 0 || rl.rlim_cur == 0))
				return -EPERM;
		}
		return shmctl(o->id, cmd, NULL) < 0 ? -errno : 0;
	}
	return -EINVAL;
}

SYS_HANDLER(msgctl)
{
	int id = (int)call->args[0], cmd = (int)call->args[1];
	bool done;
	if (id < 0 || cmd < 0)
		return -EINVAL;
	long r = ctl(s, call, IPCNS_MSG, id, cmd, call->args[2], &done);
	return done ? r : -EINVAL;
}

SYS_HANDLER(semctl)
{
	int id = (int)call->args[0], cmd = (int)call->args[2];
	bool done;
	if (id < 0)
		return -EINVAL;
	long r = ctl(s, call, IPCNS_SEM, id, cmd, call->args[3], &done);
	if (done)
		return r;
	switch (cmd) {
	case GETPID:
		/* the last semop's process: the host's number, translated */
		if (s->pidns) {
			struct sentry_task *t = caller(s, call);
			struct ipcns_obj *o;
			int e = checked(s, t, IPCNS_SEM, id, IPC_RUGO, &o);
			if (e < 0)
				return e;
			e = semctl(o->id, (int)call->args[1], GETPID);
			return e < 0 ? -errno : e ? sentry_pid_to_ns_past(s, e) : 0;
		}
		return run_on(s, call, IPCNS_SEM, IPC_RUGO, NULL);
	case GETVAL:
	case GETALL:
	case GETNCNT:
	case GETZCNT:
		return run_on(s, call, IPCNS_SEM, IPC_RUGO, NULL);
	case SETVAL: {
		/* semctl_setval: the value's range first (ERANGE, whatever
		 * the id), then the set, the semaphore's number, the right */
		int val = (int)call->args[3];
		if (val < 0 || val > SEMVMX)
			return -ERANGE;
		struct sentry_task *t = caller(s, call);
		struct ipcns_obj *o;
		int e = t ? checked(s, t, IPCNS_SEM, id, 0, &o) : -ESRCH;
		if (e < 0)
			return e;
		if ((int)call->args[1] < 0 || (unsigned long)(int)call->args[1] >= o->size)
			return -EINVAL;
		return ipcns_permits(o, &t->creds, IPC_WUGO) ? cont(call) : -EACCES;
	}
	case SETALL:
		return run_on(s, call, IPCNS_SEM, IPC_WUGO, NULL);
	}
	return -EINVAL;
}

/* Whether the program's host process (veil's ids, no capability) may read
 * a host object of permissions `p`, as the kernel's ipcperms() would let
 * it: the sentry makes the call itself, with what privilege veil has. */
static bool host_may_read(const struct ipc_perm *p)
{
	uid_t uid = geteuid();
	unsigned granted = p->mode & 0777;
	if (uid == p->uid || uid == p->cuid) {
		granted >>= 6;
	} else {
		gid_t groups[NGROUPS_MAX];
		int n = getgroups(NGROUPS_MAX, groups);
		bool member = getegid() == p->gid || getegid() == p->cgid;
		for (int i = 0; !member && i < n; i++)
			member = groups[i] == p->gid || groups[i] == p->cgid;
		if (member)
			granted >>= 3;
	}
	return granted & 04;
}

long sys_ipc_host_pids(struct sentry *s, struct platform_call *call)
{
	int id = (int)call->args[0];
	union {
		struct shmid_ds shm;
		struct msqid_ds msg;
		struct semid_ds sem;
	} ds;
	long r;
	if (call->nr == SYS_semctl) {
		/* GETPID: the last semop's process */
		if (semctl(id, 0, IPC_STAT, &ds.sem) < 0)
			return -errno;
		if (!host_may_read(&ds.sem.sem_perm))
			return -EACCES;
		r = semctl(id, (int)call->args[1], GETPID);
		return r < 0 ? -errno : r ? sentry_pid_to_ns_past(s, (pid_t)r) : 0;
	}
	int cmd = (int)call->args[1];
	bool any = cmd == SHM_STAT_ANY || (call->nr == SYS_msgctl && cmd == MSG_STAT_ANY);
	size_t size;
	if (call->nr == SYS_shmctl) {
		r = shmctl(id, cmd, &ds.shm);
		if (r >= 0 && !any && !host_may_read(&ds.shm.shm_perm))
			return -EACCES;
		ds.shm.shm_cpid = sentry_pid_to_ns_past(s, ds.shm.shm_cpid);
		ds.shm.shm_lpid = ds.shm.shm_lpid ? sentry_pid_to_ns_past(s, ds.shm.shm_lpid) : 0;
		size = sizeof(ds.shm);
	} else {
		r = msgctl(id, cmd, &ds.msg);
		if (r >= 0 && !any && !host_may_read(&ds.msg.msg_perm))
			return -EACCES;
		ds.msg.msg_lspid = ds.msg.msg_lspid ? sentry_pid_to_ns_past(s, ds.msg.msg_lspid) : 0;
		ds.msg.msg_lrpid = ds.msg.msg_lrpid ? sentry_pid_to_ns_past(s, ds.msg.msg_lrpid) : 0;
		size = sizeof(ds.msg);
	}
	if (r < 0)
		return -errno;
	int w = call->ops->write_mem(call, call->args[2], &ds, size);
	return w < 0 ? w : r;
}
