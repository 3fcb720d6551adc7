/* sentry/kernel/ipcns.c: the sandbox's SysV objects (--unshare-ipc under
 * emulate), made for real on this host: keys private to the namespace,
 * the kernel's get rules and permission checks on the sandbox's
 * credentials, indexes that are the ids' (the kernel's), IPC_STAT in the sandbox's
 * terms, /proc/sysvipc's text, removal, and the reaper's log. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/ipcns.h"

#define ALL_CAPS ((1ull << 41) - 1)

static pid_t plus_thousand(void *ctx, pid_t host)
{
	(void)ctx;
	return host + 1000;
}

static bool host_has(enum ipcns_kind kind, int id)
{
	union {
		struct shmid_ds shm;
		struct msqid_ds msg;
		struct semid_ds sem;
	} ds;
	return kind == IPCNS_SHM   ? shmctl(id, IPC_STAT, &ds.shm) == 0
	       : kind == IPCNS_MSG ? msgctl(id, IPC_STAT, &ds.msg) == 0
				   : semctl(id, 0, IPC_STAT, &ds.sem) == 0;
}

static void keys_are_the_namespace_s(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct ipcns *ns = ipcns_new(-1);
	assert_non_null(ns);
	key_t key = 0x7e110001;
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, key, 0, 4096, &c, 42), -ENOENT);
	int id = ipcns_get(ns, IPCNS_SHM, key, IPC_CREAT | 0640, 4096, &c, 42);
	assert_true(id >= 0);
	/* the host's object has no key: no host process finds it by one */
	struct shmid_ds ds;
	assert_int_equal(shmctl(id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.shm_perm.__key, IPC_PRIVATE);
	assert_int_equal(ds.shm_perm.mode & 0777, 0600);
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, key, 0, 0, &c, 42), id);
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, key, IPC_CREAT, 4096, &c, 42), id);
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, key, IPC_CREAT | IPC_EXCL, 4096, &c, 42),
			 -EEXIST);
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, key, 0, 8192, &c, 42), -EINVAL);
	/* private ones are always new */
	int p1 = ipcns_get(ns, IPCNS_SHM, IPC_PRIVATE, 0600, 4096, &c, 42);
	int p2 = ipcns_get(ns, IPCNS_SHM, IPC_PRIVATE, 0600, 4096, &c, 42);
	assert_true(p1 >= 0 && p2 >= 0 && p1 != p2 && p1 != id);
	/* the same key names another kind's object apart */
	int q = ipcns_get(ns, IPCNS_MSG, key, IPC_CREAT | 0600, 0, &c, 42);
	assert_true(q >= 0);
	int sem = ipcns_get(ns, IPCNS_SEM, key, IPC_CREAT | 0600, 3, &c, 42);
	assert_true(sem >= 0);
	assert_int_equal(ipcns_get(ns, IPCNS_SEM, key, 0, 4, &c, 42), -EINVAL);
	assert_int_equal(ipcns_get(ns, IPCNS_SEM, key, 0, 2, &c, 42), sem);
	/* the sandbox's object by id, never another */
	assert_non_null(ipcns_find(ns, IPCNS_SHM, id));
	assert_null(ipcns_find(ns, IPCNS_MSG, id == q ? q + 1 : id));
	ipcns_free(ns);
	/* gone from the host with the namespace */
	assert_false(host_has(IPCNS_SHM, id));
	assert_false(host_has(IPCNS_MSG, q));
	assert_false(host_has(IPCNS_SEM, sem));
	creds_release(&c);
}

static void permissions_are_the_sandbox_s(void **state)
{
	(void)state;
	struct creds owner, group, other, root;
	creds_init(&owner, 1000, 100, ALL_CAPS);
	creds_init(&group, 1001, 100, ALL_CAPS);
	creds_init(&other, 1002, 102, ALL_CAPS);
	creds_init(&root, 0, 0, ALL_CAPS);
	struct ipcns *ns = ipcns_new(-1);
	int id = ipcns_get(ns, IPCNS_MSG, 0x7e110002, IPC_CREAT | 0640, 0, &owner, 1);
	assert_true(id >= 0);
	struct ipcns_obj *o = ipcns_find(ns, IPCNS_MSG, id);
	assert_non_null(o);
	assert_true(ipcns_permits(o, &owner, 0600));
	assert_true(ipcns_permits(o, &group, 0444));
	assert_false(ipcns_permits(o, &group, 0222));
	assert_false(ipcns_permits(o, &other, 0444));
	assert_true(ipcns_permits(o, &root, 0666)); /* CAP_IPC_OWNER */
	/* the get asks for what its flags name */
	assert_int_equal(ipcns_get(ns, IPCNS_MSG, 0x7e110002, 0, 0, &other, 1), id);
	assert_int_equal(ipcns_get(ns, IPCNS_MSG, 0x7e110002, 0400, 0, &other, 1), -EACCES);
	assert_int_equal(ipcns_get(ns, IPCNS_MSG, 0x7e110002, 0440, 0, &group, 1), id);
	assert_true(ipcns_owns(o, &owner));
	assert_false(ipcns_owns(o, &group));
	assert_true(ipcns_owns(o, &root)); /* CAP_SYS_ADMIN */
	/* IPC_SET gives it away: the new owner owns it, the creator still does */
	assert_int_equal(ipcns_set(o, 1002, 102, 0604, 16384), 0);
	assert_true(ipcns_owns(o, &other));
	assert_true(ipcns_owns(o, &owner));
	/* the creator's group is still the group's: 0 */
	assert_false(ipcns_permits(o, &group, 0444));
	struct msqid_ds ds;
	assert_int_equal(ipcns_stat(o, &ds, plus_thousand, NULL), 0);
	assert_int_equal(ds.msg_perm.uid, 1002);
	assert_int_equal(ds.msg_perm.cuid, 1000);
	assert_int_equal(ds.msg_perm.gid, 102);
	assert_int_equal(ds.msg_perm.mode & 0777, 0604);
	assert_int_equal(ds.msg_perm.__key, 0x7e110002);
	assert_int_equal(ds.msg_qbytes, 16384);
	ipcns_free(ns);
	creds_release(&owner);
	creds_release(&group);
	creds_release(&other);
	creds_release(&root);
}

/* Indexes as the kernel's: an id's low bits (ipcid_to_idx), so that
 * *_STAT finds an object by its index or by its id, as LTP's msgctl06,
 * semctl09 and shmctl04 ask (SEM_STAT_ANY on the id semget gave). A host
 * object made first makes the host's indexes differ from any the
 * namespace could count by itself. */
static void indexes_are_the_ids(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct ipcns *ns = ipcns_new(-1);
	int other = semget(IPC_PRIVATE, 1, 0600);
	assert_true(other >= 0);
	assert_int_equal(ipcns_max_idx(ns, IPCNS_SEM), -1);
	int a = ipcns_get(ns, IPCNS_SEM, IPC_PRIVATE, 0600, 1, &c, 1);
	int b = ipcns_get(ns, IPCNS_SEM, IPC_PRIVATE, 0600, 2, &c, 1);
	assert_true(a >= 0 && b >= 0);
	assert_int_equal(ipcns_find(ns, IPCNS_SEM, a)->idx, a % 32768);
	assert_int_equal(ipcns_find(ns, IPCNS_SEM, b)->idx, b % 32768);
	assert_ptr_equal(ipcns_at(ns, IPCNS_SEM, a), ipcns_find(ns, IPCNS_SEM, a));
	assert_ptr_equal(ipcns_at(ns, IPCNS_SEM, b % 32768), ipcns_find(ns, IPCNS_SEM, b));
	assert_int_equal(ipcns_remove(ns, ipcns_find(ns, IPCNS_SEM, a)), 0);
	assert_false(host_has(IPCNS_SEM, a));
	assert_null(ipcns_find(ns, IPCNS_SEM, a));
	assert_null(ipcns_at(ns, IPCNS_SEM, a));
	/* the host's own object is no index of the namespace's */
	assert_null(ipcns_at(ns, IPCNS_SEM, other));
	int c3 = ipcns_get(ns, IPCNS_SEM, IPC_PRIVATE, 0600, 1, &c, 1);
	assert_true(c3 >= 0);
	int top = b % 32768 > c3 % 32768 ? b % 32768 : c3 % 32768;
	assert_int_equal(ipcns_max_idx(ns, IPCNS_SEM), top);
	assert_int_equal(ipcns_count(ns, IPCNS_SEM), 2);
	struct seminfo si;
	assert_int_equal(ipcns_info(ns, IPCNS_SEM, SEM_INFO, &si), top);
	assert_int_equal(si.semusz, 2);
	assert_int_equal(si.semaem, 3);
	ipcns_free(ns);
	assert_int_equal(semctl(other, 0, IPC_RMID), 0);
	creds_release(&c);
}

/* A removed segment still attached stays the sandbox's, keyless, until
 * its last detach. */
static void removed_segment_lives_until_detached(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct ipcns *ns = ipcns_new(-1);
	int id = ipcns_get(ns, IPCNS_SHM, 0x7e110003, IPC_CREAT | 0600, 4096, &c, getpid());
	void *at = shmat(id, NULL, 0);
	assert_true(at != (void *)-1);
	struct ipcns_obj *o = ipcns_find(ns, IPCNS_SHM, id);
	assert_int_equal(ipcns_remove(ns, o), 0);
	o = ipcns_find(ns, IPCNS_SHM, id);
	assert_non_null(o);
	assert_true(o->removed);
	assert_int_equal(ipcns_get(ns, IPCNS_SHM, 0x7e110003, 0, 0, &c, 1), -ENOENT);
	struct shmid_ds ds;
	assert_int_equal(ipcns_stat(o, &ds, plus_thousand, NULL), 0);
	assert_int_equal(ds.shm_perm.__key, IPC_PRIVATE);
	assert_int_equal(ds.shm_cpid, getpid()); /* the sandbox's number, kept */
	assert_int_equal(ds.shm_lpid, getpid() + 1000);
	assert_true(ds.shm_perm.mode & SHM_DEST);
	char *text;
	ssize_t n = ipcns_proc(ns, "shm", &text, plus_thousand, NULL);
	assert_true(n > 0);
	assert_non_null(strstr(text, "       key      shmid perms"));
	assert_int_equal(strchr(strchr(text, '\n') + 1, '\n') - text + 1, n); /* one row */
	free(text);
	assert_int_equal(shmdt(at), 0);
	assert_null(ipcns_find(ns, IPCNS_SHM, id));
	assert_int_equal(ipcns_count(ns, IPCNS_SHM), 0);
	assert_int_equal(ipcns_proc(ns, "nope", &text, plus_thousand, NULL), -ENOENT);
	ipcns_free(ns);
	creds_release(&c);
}

/* What the reaper does after a SIGKILL: the logged objects that are
 * still private ones of this uid go; anything else stays. */
static void reaper_removes_what_the_log_names(void **state)
{
	(void)state;
	char dir[] = "/tmp/veil-ipcns-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);
	int log = openat(dfd, IPCNS_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	assert_true(log >= 0);
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct ipcns *ns = ipcns_new(log);
	int shm = ipcns_get(ns, IPCNS_SHM, 1, IPC_CREAT | 0600, 4096, &c, 1);
	int msg = ipcns_get(ns, IPCNS_MSG, 1, IPC_CREAT | 0600, 0, &c, 1);
	int sem = ipcns_get(ns, IPCNS_SEM, 1, IPC_CREAT | 0600, 1, &c, 1);
	/* a host object with a key, its id written into the log */
	int keyed = msgget(0x7e110004, IPC_CREAT | 0600);
	assert_true(keyed >= 0);
	dprintf(log, "msg %d\nsem 2147483647\n", keyed);
	/* a segment the log names, made by another process than "veil" */
	ipcns_reap_log(dfd, getpid() + 1);
	assert_true(host_has(IPCNS_SHM, shm));
	assert_false(host_has(IPCNS_MSG, msg));
	assert_false(host_has(IPCNS_SEM, sem));
	assert_true(host_has(IPCNS_MSG, keyed));
	ipcns_reap_log(dfd, getpid());
	assert_false(host_has(IPCNS_SHM, shm));
	assert_int_equal(msgctl(keyed, IPC_RMID, NULL), 0);
	/* a make-and-remove loop does not grow the log without end */
	for (int i = 0; i < 500; i++) {
		int id = ipcns_get(ns, IPCNS_SEM, IPC_PRIVATE, 0600, 1, &c, 1);
		assert_true(id >= 0);
		assert_int_equal(ipcns_remove(ns, ipcns_find(ns, IPCNS_SEM, id)), 0);
	}
	struct stat st;
	assert_int_equal(fstatat(dfd, IPCNS_LOG, &st, 0), 0);
	assert_true(st.st_size < 100 * 16);
	ipcns_free(ns);
	creds_release(&c);
	unlinkat(dfd, IPCNS_LOG, 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_are_the_namespace_s),
		cmocka_unit_test(permissions_are_the_sandbox_s),
		cmocka_unit_test(indexes_are_the_ids),
		cmocka_unit_test(removed_segment_lives_until_detached),
		cmocka_unit_test(reaper_removes_what_the_log_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
