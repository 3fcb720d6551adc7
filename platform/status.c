/* --info-fd and --json-status-fd, byte for byte as bubblewrap writes them:
 *
 *   info-fd:   {\n    "child-pid": N,\n    "cgroup-namespace": ID, ...\n}\n
 *   json-status-fd: { "child-pid": N, "cgroup-namespace": ID, ... }\n
 *              then { "exit-code": N }\n once the program has exited.
 *
 * Namespace ids are the inode numbers of /proc/PID/ns/NAME, listed for the
 * namespaces the sandbox created (mnt always; user never, as bubblewrap).
 * Both backends write them; the emulate backend's namespaces are the
 * sentry's, whose ids it gives (sentry_ns_id), as its /proc shows them. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/status.h"

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

static const struct {
	const char *name;
	unsigned flag; /* 0: always listed */
} ns_names[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "mnt", 0 },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "uts", CLONE_NEWUTS },
};

void status_close_fd(int fd)
{
	if (fd > 2)
		close(fd);
}

/* 0, or -errno. SIGPIPE is ignored while veil writes: a pipe whose reader
 * is gone is an error to report ("Write to info_fd", as bubblewrap says),
 * not a silent death of veil. The signal is raised synchronously in the
 * writing thread, so ignoring it for the write alone is enough. */
static int dump(int fd, const char *s)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	size_t len = strlen(s);
	int r = 0;
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		s += n;
		len -= (size_t)n;
	}
	sigaction(SIGPIPE, &old, NULL);
	return r;
}

struct ids {
	uint64_t (*fn)(void *ctx, const char *name);
	void *ctx;
};

static int write_ns_ids(unsigned clone_flags, pid_t pid, int fd, bool in_json,
			const struct ids *ids)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++) {
		if (ns_names[i].flag && !(clone_flags & ns_names[i].flag))
			continue;
		_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", (int)pid, ns_names[i].name);
		struct stat st = {0};
		if (ids->fn)
			st.st_ino = ids->fn(ids->ctx, ns_names[i].name);
		if (!st.st_ino && (stat(path, &st) != 0 || st.st_ino == 0))
			continue;
		_cleanup_free_ char *out = xasprintf(",%s\"%s-namespace\": %ju",
						     in_json ? " " : "\n    ",
						     ns_names[i].name, (uintmax_t)st.st_ino);
		int r = dump(fd, out);
		if (r < 0)
			return r;
	}
	return 0;
}

int status_write_info(const struct spec *spec, pid_t pid, unsigned clone_flags,
		      struct veil_error **err)
{
	return status_write_info_ids(spec, pid, clone_flags, NULL, NULL, err);
}

int status_write_info_ids(const struct spec *spec, pid_t pid, unsigned clone_flags,
			  uint64_t (*ns_id)(void *ctx, const char *name), void *ctx,
			  struct veil_error **err)
{
	struct ids ids = {ns_id, ctx};
	if (spec->info_fd >= 0) {
		_cleanup_free_ char *out = xasprintf("{\n    \"child-pid\": %i", (int)pid);
		int r = dump(spec->info_fd, out);
		if (r == 0)
			r = write_ns_ids(clone_flags, pid, spec->info_fd, false, &ids);
		if (r == 0)
			r = dump(spec->info_fd, "\n}\n");
		status_close_fd(spec->info_fd);
		if (r < 0)
			return verr_set(err, -r, "Write to info_fd");
	}
	if (spec->json_status_fd >= 0) {
		_cleanup_free_ char *out = xasprintf("{ \"child-pid\": %i", (int)pid);
		int r = dump(spec->json_status_fd, out);
		if (r == 0)
			r = write_ns_ids(clone_flags, pid, spec->json_status_fd, true, &ids);
		if (r == 0)
			r = dump(spec->json_status_fd, " }\n");
		if (r < 0)
			return verr_set(err, -r, "Write to json_status_fd");
	}
	return 0;
}

void status_write_exit(const struct spec *spec, int exit_code)
{
	if (spec->json_status_fd < 0)
		return;
	_cleanup_free_ char *out = xasprintf("{ \"exit-code\": %i }\n", exit_code);
	(void)dump(spec->json_status_fd, out); /* the program ran: its status wins */
}
