/* procfs instances and inodes. An inode lives while the VFS references
 * it; evict frees it and its host-relative path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/proc/proc_private.h"

static void proc_evict(struct vfs_inode *inode)
{
	struct proc_inode *pi = PROC_I(inode);
	free(pi->rel);
	free(pi);
}

static void proc_destroy(struct vfs_sb *vsb)
{
	struct proc_sb *sb = PROC_SB(vsb);
	free(sb->host_proc);
	free(sb);
}

static int proc_statfs(struct vfs_sb *sb, struct statfs *st)
{
	(void)sb;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	return 0;
}

static void proc_show(struct vfs_sb *sb, struct vfs_sb_show *ret)
{
	(void)sb;
	ret->fstype = "proc";
	ret->source = "proc";
	snprintf(ret->options, sizeof(ret->options), "rw");
}

static const struct vfs_sb_ops proc_sb_ops = {
	.statfs = proc_statfs,
	.show = proc_show,
	.evict = proc_evict,
	.destroy = proc_destroy,
};

int proc_new_inode(struct vfs_sb *vsb, enum proc_kind kind, mode_t mode, pid_t tgid, pid_t tid,
		   const char *rel, struct vfs_inode **ret)
{
	struct proc_sb *sb = PROC_SB(vsb);
	struct proc_inode *pi = calloc(1, sizeof(*pi));
	if (!pi || (rel && !(pi->rel = strdup(rel)))) {
		free(pi);
		return -ENOMEM;
	}
	const struct vfs_inode_ops *iops = &proc_file_iops;
	const struct vfs_file_ops *fops = &proc_file_fops;
	if (S_ISDIR(mode)) {
		iops = &proc_dir_iops;
		fops = &proc_dir_fops;
	} else if (S_ISLNK(mode)) {
		iops = &proc_link_iops;
		fops = NULL;
	}
	vfs_inode_init(&pi->vi, vsb, iops, fops, mode);
	pi->kind = kind;
	pi->tgid = tgid;
	pi->tid = tid;
	pi->fd = -1;
	pi->vi.ino = sb->next_ino++;
	pi->vi.nlink = S_ISDIR(mode) ? 2 : 1;
	struct timespec now = vfs_now();
	pi->vi.atime = pi->vi.mtime = pi->vi.ctime = pi->vi.btime = now;
	/* A task's files belong to its effective ids, as in Linux. */
	struct procfs_task t;
	if (tid && sb->opts.ops->task(sb->opts.src, tid, &t) == 0) {
		pi->vi.uid = t.uid[1];
		pi->vi.gid = t.gid[1];
	}
	*ret = &pi->vi;
	return 0;
}

int procfs_new(const struct procfs_opts *opts, struct vfs_sb **ret)
{
	struct proc_sb *sb = calloc(1, sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	sb->opts = *opts;
	sb->host_proc = strdup(opts->host_proc ? opts->host_proc : "/proc");
	if (!sb->host_proc) {
		free(sb);
		return -ENOMEM;
	}
	sb->next_ino = 1;
	sb->vsb.ops = &proc_sb_ops;
	struct vfs_inode *root;
	int r = proc_new_inode(&sb->vsb, PK_ROOT, S_IFDIR | 0555, 0, 0, NULL, &root);
	if (r < 0) {
		proc_destroy(&sb->vsb);
		return r;
	}
	r = vfs_sb_init(&sb->vsb, &proc_sb_ops, VFS_SB_RDONLY | VFS_SB_SNAPSHOTS,
			PROCFS_MAGIC_NUMBER, root);
	if (r < 0) {
		proc_destroy(&sb->vsb);
		return r;
	}
	*ret = &sb->vsb;
	return 0;
}
