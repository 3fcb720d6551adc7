/* sentry/kernel/mqns.c: the sandbox's POSIX queue names (--unshare-ipc
 * under emulate), on real host queues: the kernel's name rules, the get
 * rules, permissions with the sandbox's credentials (umask, owner,
 * group, other, the sticky root's unlink rule), that the host's name is
 * never the program's, and the reaper's log. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/kernel/mqns.h"

#define ALL_CAPS ((1ull << 41) - 1)

static void names_and_gets(void **state)
{
	(void)state;
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct mqns *ns = mqns_new(-1);
	assert_non_null(ns);
	assert_int_equal(mqns_open(ns, "", O_RDWR, 0, NULL, &c, 022), -ENOENT);
	assert_int_equal(mqns_open(ns, "a/b", O_RDWR | O_CREAT, 0600, NULL, &c, 022), -EACCES);
	assert_int_equal(mqns_open(ns, "..", O_RDWR | O_CREAT, 0600, NULL, &c, 022), -EACCES);
	char longname[300];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(mqns_open(ns, longname, O_RDWR | O_CREAT, 0600, NULL, &c, 022),
			 -ENAMETOOLONG);
	assert_int_equal(mqns_open(ns, "q", O_RDWR, 0, NULL, &c, 022), -ENOENT);
	struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 8};
	assert_int_equal(mqns_open(ns, "q", O_RDWR | O_CREAT, 0600, &bad, &c, 022), -EINVAL);
	struct mq_attr attr = {.mq_maxmsg = 3, .mq_msgsize = 16};
	int fd = mqns_open(ns, "q", O_RDWR | O_CREAT, 0600, &attr, &c, 022);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	/* the host's queue is not named after the program's */
	assert_int_equal(mq_open("/q", O_RDONLY), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(mq_send(fd, "hi", 2, 0), 0);
	int fd2 = mqns_open(ns, "q", O_RDONLY, 0, NULL, &c, 022);
	assert_true(fd2 >= 0);
	char buf[16];
	assert_int_equal(mq_receive(fd2, buf, sizeof(buf), NULL), 2);
	struct mq_attr got;
	assert_int_equal(mq_getattr(fd2, &got), 0);
	assert_int_equal(got.mq_maxmsg, 3);
	assert_int_equal(mqns_open(ns, "q", O_RDWR | O_CREAT | O_EXCL, 0600, NULL, &c, 022),
			 -EEXIST);
	assert_int_equal(mqns_open(ns, "q", O_RDWR | O_WRONLY, 0, NULL, &c, 022), -EINVAL);
	assert_int_equal(mqns_unlink(ns, "q", &c), 0);
	assert_int_equal(mqns_unlink(ns, "q", &c), -ENOENT);
	assert_int_equal(mqns_open(ns, "q", O_RDWR, 0, NULL, &c, 022), -ENOENT);
	/* an open queue outlives its name */
	assert_int_equal(mq_send(fd, "x", 1, 0), 0);
	close(fd);
	close(fd2);
	mqns_free(ns);
	creds_release(&c);
}

static void permissions(void **state)
{
	(void)state;
	struct creds owner, group, other, root;
	creds_init(&owner, 1000, 100, ALL_CAPS);
	creds_init(&group, 1001, 100, ALL_CAPS);
	creds_init(&other, 1002, 102, ALL_CAPS);
	creds_init(&root, 0, 0, ALL_CAPS);
	struct mqns *ns = mqns_new(-1);
	/* 0666 under umask 022: 0644 */
	int fd = mqns_open(ns, "p", O_WRONLY | O_CREAT, 0666, NULL, &owner, 022);
	assert_true(fd >= 0);
	close(fd);
	fd = mqns_open(ns, "p", O_RDONLY, 0, NULL, &group, 022);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mqns_open(ns, "p", O_WRONLY, 0, NULL, &group, 022), -EACCES);
	assert_int_equal(mqns_open(ns, "p", O_RDWR, 0, NULL, &other, 022), -EACCES);
	fd = mqns_open(ns, "p", O_RDWR, 0, NULL, &root, 022); /* CAP_DAC_OVERRIDE */
	assert_true(fd >= 0);
	close(fd);
	/* the root is sticky: only the owner, root's owner, or CAP_FOWNER */
	assert_int_equal(mqns_unlink(ns, "p", &group), -EPERM);
	assert_int_equal(mqns_unlink(ns, "p", &owner), 0);
	/* queues_max for a caller without CAP_SYS_RESOURCE */
	FILE *f = fopen("/proc/sys/fs/mqueue/queues_max", "re");
	long max = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &max), 1);
	fclose(f);
	struct creds nocap;
	creds_init(&nocap, 1000, 100, 0);
	char name[32];
	int made = 0, r = 0;
	/* small queues: RLIMIT_MSGQUEUE would stop default ones first */
	struct mq_attr tiny = {.mq_maxmsg = 1, .mq_msgsize = 1};
	for (long i = 0; i <= max && i < 2000; i++) {
		snprintf(name, sizeof(name), "n%ld", i);
		r = mqns_open(ns, name, O_RDWR | O_CREAT, 0600, &tiny, &nocap, 022);
		if (r < 0)
			break;
		close(r);
		made++;
	}
	assert_int_equal(r, -ENOSPC);
	assert_true(made <= max);
	creds_release(&nocap);
	mqns_free(ns);
	creds_release(&owner);
	creds_release(&group);
	creds_release(&other);
	creds_release(&root);
}

/* What the reaper does after a SIGKILL: unlink the logged queues; and
 * mqns_free unlinks the rest. */
static void leftovers(void **state)
{
	(void)state;
	char dir[] = "/tmp/veil-mqns-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int log = openat(dfd, MQNS_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	assert_true(dfd >= 0 && log >= 0);
	struct creds c;
	creds_init(&c, 0, 0, ALL_CAPS);
	struct mqns *ns = mqns_new(log);
	int fd = mqns_open(ns, "l", O_RDWR | O_CREAT, 0600, NULL, &c, 022);
	assert_true(fd >= 0);
	close(fd);
	char logged[64];
	FILE *f = fopen(strcat(strcpy((char[128]){0}, dir), "/" MQNS_LOG), "re");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "mq %63s", logged), 1);
	fclose(f);
	assert_int_equal(strncmp(logged, "/" MQNS_PREFIX, strlen(MQNS_PREFIX) + 1), 0);
	fd = mq_open(logged, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	mqns_reap_log(dfd);
	assert_int_equal(mq_open(logged, O_RDONLY), -1);
	/* created again, and gone with the namespace */
	assert_int_equal(mqns_unlink(ns, "l", &c), 0);
	fd = mqns_open(ns, "m", O_RDWR | O_CREAT, 0600, NULL, &c, 022);
	close(fd);
	mqns_free(ns);
	f = fopen(strcat(strcpy((char[128]){0}, dir), "/" MQNS_LOG), "re");
	while (fscanf(f, "mq %63s ", logged) == 1)
		assert_int_equal(mq_open(logged, O_RDONLY), -1);
	fclose(f);
	creds_release(&c);
	unlinkat(dfd, MQNS_LOG, 0);
	close(dfd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_gets),
		cmocka_unit_test(permissions),
		cmocka_unit_test(leftovers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
