/* mounts, mountinfo and mountstats of a task: the VFS mount table as the
 * task's root sees it, in the kernel's formats (fs/proc_namespace.c). */
#include <stdio.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

#include "fs/proc/proc_private.h"

/* Paths escape ' ', '\t', '\n' and '\\' as octal (seq_path's mangle). */
static void put_escaped(struct proc_gen *g, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			proc_printf(g, "\\%03o", (unsigned char)*s);
		else
			proc_put(g, s, 1);
	}
}

static void put_mnt_opts(struct proc_gen *g, unsigned long f)
{
	proc_printf(g, "%s", f & MS_RDONLY ? "ro" : "rw");
	if (f & MS_NOSUID)
		proc_printf(g, ",nosuid");
	if (f & MS_NODEV)
		proc_printf(g, ",nodev");
	if (f & MS_NOEXEC)
		proc_printf(g, ",noexec");
	if (f & MS_NOATIME)
		proc_printf(g, ",noatime");
	else
		proc_printf(g, ",relatime");
	if (f & MS_NODIRATIME)
		proc_printf(g, ",nodiratime");
}

static int show_mountinfo(void *arg, const struct vfs_mount_info *mi)
{
	struct proc_gen *g = arg;
	proc_printf(g, "%d %d %u:%u ", mi->id, mi->parent_id, major(mi->dev), minor(mi->dev));
	put_escaped(g, mi->root);
	proc_put(g, " ", 1);
	put_escaped(g, mi->mountpoint);
	proc_put(g, " ", 1);
	put_mnt_opts(g, mi->flags);
	proc_printf(g, " - %s ", mi->fstype);
	put_escaped(g, mi->source);
	proc_printf(g, " %s\n", mi->options);
	return 0;
}

static int show_mounts(void *arg, const struct vfs_mount_info *mi)
{
	struct proc_gen *g = arg;
	put_escaped(g, mi->source);
	proc_put(g, " ", 1);
	put_escaped(g, mi->mountpoint);
	proc_printf(g, " %s ", mi->fstype);
	put_mnt_opts(g, mi->flags);
	/* the instance's own options, past its rw/ro */
	const char *o = mi->options;
	if ((o[0] == 'r' && (o[1] == 'w' || o[1] == 'o')) && (o[2] == ',' || !o[2]))
		o += 2;
	proc_printf(g, "%s%s 0 0\n", *o && *o != ',' ? "," : "", o);
	return 0;
}

static int show_mountstats(void *arg, const struct vfs_mount_info *mi)
{
	struct proc_gen *g = arg;
	proc_printf(g, "device ");
	put_escaped(g, mi->source);
	proc_printf(g, " mounted on ");
	put_escaped(g, mi->mountpoint);
	proc_printf(g, " with fstype %s\n", mi->fstype);
	return 0;
}

static int gen_with(struct proc_gen *g, int (*fn)(void *, const struct vfs_mount_info *))
{
	struct vfs_ctx *ctx = g->sb->opts.ops->ctx(g->sb->opts.src, g->pi->tid);
	if (!ctx)
		return -ESRCH;
	return vfs_mounts_foreach(ctx, fn, g);
}

int proc_gen_mountinfo(struct proc_gen *g) { return gen_with(g, show_mountinfo); }
int proc_gen_mounts(struct proc_gen *g) { return gen_with(g, show_mounts); }
int proc_gen_mountstats(struct proc_gen *g) { return gen_with(g, show_mountstats); }
