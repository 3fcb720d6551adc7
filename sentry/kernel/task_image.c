/* What each task runs, for /proc/<pid>/exe, comm, cmdline and maps.
 *
 * The sentry execs a program by fd (docs/sentry.md "Exec"), so the host
 * kernel's idea of it is wrong for the sandbox: its exe is a memfd or
 * ld.so, its comm the fd's number. The exec handler records what the
 * kernel would have recorded (sys_exec.c: exec_record) as the task's
 * pending image; the exec event makes it the task's image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sentry/kernel/sentry.h"

void sentry_image_put(struct sentry_image *im)
{
	if (!im || --im->refs > 0)
		return;
	if (im->exe.mnt) {
		vfs_allow_write(vfs_path_inode(&im->exe));
		vfs_path_put(&im->exe);
	}
	if (im->interp.mnt)
		vfs_path_put(&im->interp);
	free(im);
}

/* Reads the host's /proc/<tid>/<name> first line into buf. */
static int host_line(pid_t tid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

void sentry_task_exec_done(struct sentry *s, pid_t tid)
{
	struct sentry_task *t = sentry_task_find(s, tid);
	if (t)
		sentry_task_new_mm(t);
	if (!t || !t->exec_pending)
		return;
	sentry_image_put(t->image);
	t->image = t->exec_pending;
	t->exec_pending = NULL;
	creds_exec(&t->creds);
	/* The image is shared with no one yet: complete it. */
	if (host_line(tid, "comm", t->image->host_comm, sizeof(t->image->host_comm)) < 0)
		t->image->host_comm[0] = '\0';
}

void sentry_task_exec_failed(struct sentry *s, pid_t tid)
{
	struct sentry_task *t = sentry_task_find(s, tid);
	if (!t)
		return;
	sentry_image_put(t->exec_pending);
	t->exec_pending = NULL;
}

pid_t sentry_task_tgid(struct sentry_task *t)
{
	if (t->tgid)
		return t->tgid;
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)t->tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return t->tid;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &t->tgid) == 1)
			break;
	fclose(f);
	if (!t->tgid)
		return t->tid;
	return t->tgid;
}
