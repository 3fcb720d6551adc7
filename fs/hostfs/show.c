/* What the mount table shows for a host bind: the host mount the source
 * lives on (type, source, super options, as the kernel shows a bind of
 * it), found once in the sentry's own /proc/self/mountinfo when the
 * instance is made. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "fs/hostfs/hostfs_private.h"

/* mountinfo escapes ' ', '\t', '\n' and '\\' as octal: compare unescaped. */
static void unescape(char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* Is mp (a mount point) path's own or an ancestor? Length of the match. */
static size_t covers(const char *mp, const char *path)
{
	size_t n = strlen(mp);
	if (strcmp(mp, "/") == 0)
		return 1;
	if (strncmp(mp, path, n) == 0 && (path[n] == '/' || path[n] == '\0'))
		return n;
	return 0;
}

void hostfs_find_host_mount(struct hostfs_sb *sb, dev_t dev)
{
	char real[PATH_MAX];
	if (!realpath(sb->opts.source, real))
		return;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	size_t best = 0;
	while (getline(&line, &cap, f) > 0) {
		unsigned maj, min;
		char root[PATH_MAX], mp[PATH_MAX];
		if (sscanf(line, "%*d %*d %u:%u %4095s %4095s", &maj, &min, root, mp) != 4 ||
		    makedev(maj, min) != dev)
			continue;
		char *dash = strstr(line, " - ");
		char type[64], src[PATH_MAX], opts[256];
		if (!dash || sscanf(dash + 3, "%63s %4095s %255s", type, src, opts) != 3)
			continue;
		unescape(mp);
		unescape(root); /* the table escapes them again when it shows them */
		unescape(src);
		size_t n = covers(mp, real);
		if (!n || n < best)
			continue;
		best = n;
		free(sb->fstype);
		free(sb->hsource);
		free(sb->hroot);
		sb->fstype = strdup(type);
		sb->hsource = strdup(src);
		snprintf(sb->hoptions, sizeof(sb->hoptions), "%s", opts);
		const char *rest = strcmp(mp, "/") == 0 ? real : real + n;
		char joined[2 * PATH_MAX];
		snprintf(joined, sizeof(joined), "%s%s", strcmp(root, "/") == 0 ? "" : root, rest);
		sb->hroot = strdup(*joined ? joined : "/");
	}
	free(line);
	fclose(f);
}

void hostfs_show(struct vfs_sb *vsb, struct vfs_sb_show *ret)
{
	struct hostfs_sb *sb = HOSTFS_SB(vsb);
	ret->fstype = sb->fstype ? sb->fstype : "hostfs";
	ret->source = sb->hsource ? sb->hsource : sb->opts.source;
	ret->root = sb->hroot;
	snprintf(ret->options, sizeof(ret->options), "%s", sb->fstype ? sb->hoptions : "rw");
}
