/* /proc/<pid>/cgroup in a cgroup namespace of the sandbox's own
 * (--unshare-cgroup): each hierarchy's path shown relative to where the
 * sandbox started, as the kernel's cgroup_path_ns() shows it from a
 * namespace's root — "/" at the root, "/sub" below it, "/../x" beside or
 * above it. Nothing moves a sandboxed task between cgroups without
 * privilege, so the root is fixed when the sandbox starts. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "fs/proc/proc_private.h"

/* Length of the leading run of `path` that names the same cgroups as
 * `root`, ending at a component boundary of both. */
static size_t common_dirs(const char *root, const char *path)
{
	size_t i = 0, last = 0;
	for (;; i++) {
		char a = root[i], b = path[i];
		bool a_end = a == '\0' || a == '/', b_end = b == '\0' || b == '/';
		if (a_end && b_end) {
			last = i;
			if (a == '\0' || b == '\0')
				return last;
			continue;
		}
		if (a != b)
			return last;
	}
}

int proc_cgroup_rel(const char *root, const char *path, char *buf, size_t size)
{
	/* Both absolute, without a trailing slash but for "/" itself. */
	if (root[0] != '/' || path[0] != '/')
		return -EINVAL;
	if (strcmp(root, "/") == 0)
		root = "";
	const char *p = strcmp(path, "/") == 0 ? "" : path;
	size_t common = common_dirs(root, p);
	size_t n = 0;
	/* one ".." per component of root below the common ancestor */
	for (const char *r = root + common; *r; r++)
		if (*r == '/')
			n += (size_t)snprintf(buf + (n < size ? n : size), n < size ? size - n : 0,
					      "/..");
	const char *rest = p + common;
	n += (size_t)snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, "%s",
			      *rest || n ? rest : "/");
	return n < size ? (int)n : -ENAMETOOLONG;
}

/* The line of `table` (a /proc/<pid>/cgroup text) naming the hierarchy
 * `key` ("id:controllers:"), its path copied into buf; NULL if none. */
static const char *root_of(const char *table, const char *key, size_t keylen, char *buf,
			   size_t size)
{
	for (const char *line = table; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > keylen && strncmp(line, key, keylen) == 0 && len - keylen < size) {
			memcpy(buf, line + keylen, len - keylen);
			buf[len - keylen] = '\0';
			return buf;
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

int proc_gen_cgroup(struct proc_gen *g)
{
	_cleanup_free_ char *s = NULL;
	ssize_t n = proc_read_host(g->sb, g->pi->tid, "cgroup", &s);
	if (n < 0)
		return (int)n;
	const char *table = g->sb->opts.cgroup_root;
	for (char *line = s, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* "id:controllers:path"; the controllers never hold a ':' */
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char root[4096], rel[4096];
		if (!table || !c2 ||
		    !root_of(table, line, (size_t)(c2 + 1 - line), root, sizeof(root)) ||
		    proc_cgroup_rel(root, c2 + 1, rel, sizeof(rel)) < 0) {
			proc_printf(g, "%s\n", line);
			continue;
		}
		c2[1] = '\0';
		proc_printf(g, "%s%s\n", line, rel);
	}
	return 0;
}
