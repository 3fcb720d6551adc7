/* --info-fd and --json-status-fd, byte for byte as bubblewrap writes them:
 *
 *   info-fd:   {\n    "child-pid": N,\n    "cgroup-namespace": ID, ...\n}\n
 *   json-status-fd: { "child-pid": N, "cgroup-namespace": ID, ... }\n
 *              then { "exit-code": N }\n once the program has exited.
 *
 * Namespace ids are the inode numbers of /proc/PID/ns/NAME, listed for the
 * namespaces the sandbox created (mnt always; user never, as bubblewrap).
 * Both backends write them; the emulate backend creates no namespace, so
 * it lists the mount namespace the program shares with the host. */
#include <errno.h>
#include <sched.h>
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

static void dump(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void write_ns_ids(unsigned clone_flags, pid_t pid, int fd, bool in_json)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_names); i++) {
		if (ns_names[i].flag && !(clone_flags & ns_names[i].flag))
			continue;
		_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", (int)pid, ns_names[i].name);
		struct stat st;
		if (stat(path, &st) != 0 || st.st_ino == 0)
			continue;
		_cleanup_free_ char *out = xasprintf(",%s\"%s-namespace\": %ju",
						     in_json ? " " : "\n    ",
						     ns_names[i].name, (uintmax_t)st.st_ino);
		dump(fd, out);
	}
}

void status_write_info(const struct spec *spec, pid_t pid, unsigned clone_flags)
{
	if (spec->info_fd >= 0) {
		_cleanup_free_ char *out = xasprintf("{\n    \"child-pid\": %i", (int)pid);
		dump(spec->info_fd, out);
		write_ns_ids(clone_flags, pid, spec->info_fd, false);
		dump(spec->info_fd, "\n}\n");
		close(spec->info_fd);
	}
	if (spec->json_status_fd >= 0) {
		_cleanup_free_ char *out = xasprintf("{ \"child-pid\": %i", (int)pid);
		dump(spec->json_status_fd, out);
		write_ns_ids(clone_flags, pid, spec->json_status_fd, true);
		dump(spec->json_status_fd, " }\n");
	}
}

void status_write_exit(const struct spec *spec, int exit_code)
{
	if (spec->json_status_fd < 0)
		return;
	_cleanup_free_ char *out = xasprintf("{ \"exit-code\": %i }\n", exit_code);
	dump(spec->json_status_fd, out);
}
