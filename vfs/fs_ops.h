/* The contract between the VFS core and a filesystem (fs/).
 *
 * A filesystem embeds the generic objects as the first member of its own
 * (struct tmpfs_inode { struct vfs_inode vi; ... }) and reaches its part
 * with container_of. It answers one path component at a time; the walk,
 * every permission check, sticky/setgid/umask rules, suid clearing, the
 * read-only mount check and the choice of errno order live in vfs/. A
 * filesystem only does what it is told, on objects the VFS has checked,
 * and reports its own failures (ENOSPC, ENOMEM, host errnos).
 *
 * References:
 *   - An inode is referenced by each dentry that names it (one each) and by
 *     whoever called vfs_inode_get(). At zero the VFS calls sb->ops->evict,
 *     which frees the filesystem's container.
 *   - A dentry references its parent and its inode. A filesystem whose
 *     namespace lives only in the dentry tree (tmpfs) sets VFS_SB_PINNED:
 *     the VFS then keeps an extra "pin" reference on each dentry it creates
 *     through create/mkdir/... and drops it on unlink/rmdir/rename-over, and
 *     never calls ->lookup (a name not in the tree does not exist).
 *     Otherwise (hostfs) dentries are a cache: unreferenced ones wait on an
 *     LRU, and each cached hit is checked with ->revalidate.
 *   - Methods that return an inode through `ret` hand over one reference.
 *
 * Names passed to methods are single components: no '/', not "." or "..",
 * 1..NAME_MAX bytes, NUL-terminated. */
#ifndef VEIL_VFS_FS_OPS_H
#define VEIL_VFS_FS_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "base/list.h"
#include "vfs/vfs.h"

struct vfs_sb_ops;
struct vfs_inode_ops;
struct vfs_file_ops;

/* sb->flags */
#define VFS_SB_PINNED 0x1 /* the dentry tree is the namespace (see above) */
#define VFS_SB_RDONLY 0x2 /* the instance itself refuses changes: EROFS */
#define VFS_SB_DYING 0x4
/* With VFS_SB_RDONLY: read-only as a superblock is (sb_rdonly), not as a
 * read-only bind: a write permission check on a file, directory or symlink
 * is EROFS before any mode or capability check, as inode_permission's
 * sb_permission (an overlay without an upper layer). */
#define VFS_SB_RDONLY_SB 0x8
/* Mode and owners change only through the VFS (tmpfs: the program's
 * native calls on its fds change size and times, never these), so a
 * check of who may change an inode needs no refresh first. */
#define VFS_SB_OWN_PERMS 0x10
/* Its files' host fds are another filesystem's objects (an overlay's, a
 * lower layer's before copy-up): a change made through such an fd would
 * land there, not here. */
#define VFS_SB_STACKED 0x20
/* The host objects its inodes register (vfs_inode_set_host) are its own:
 * made by it, named by no path the program can walk (tmpfs: a memfd, an
 * O_TMPFILE file, or one named only in the sentry's private scratch
 * directory and removed when the inode goes), registered for the inode's
 * whole life under one (dev, ino), and reachable after it only through
 * fds already open. So while the inode lives the host table alone says an
 * fd on that object is a VFS file's (vfs_host_is_private: the fd map keeps
 * no tombstone for it), and once it is evicted such an fd names an
 * anonymous file and nothing in the VFS. */
#define VFS_SB_PRIVATE_HOST 0x40
/* Each open's host fd is an object made for that open alone (proc: a
 * sealed memfd holding the content as of the open): nothing but that fd
 * and its copies ever reaches it. */
#define VFS_SB_SNAPSHOTS 0x80

struct vfs_sb {
	const struct vfs_sb_ops *ops;
	int refs;
	unsigned flags;
	dev_t dev;		   /* st_dev of every inode here */
	struct vfs_dentry *root;   /* referenced by the sb while it lives */
	unsigned long magic;	   /* f_type for statfs */
	struct list_head lru;	   /* unreferenced cached dentries */
	unsigned nr_lru;
	/* Host fds one cached dentry of this instance keeps open, when more
	 * than one (an overlay's inode pins a real object per layer): the LRU
	 * keeps that many times fewer. 0 means 1. */
	unsigned lru_weight;
};

/* inode->flags */
#define VFS_I_UID_UNMAPPED 0x1 /* owner has no sandbox id: no capability override */
#define VFS_I_GID_UNMAPPED 0x2
#define VFS_I_FOREIGN 0x4 /* stands for an object outside the VFS (a program's
			   * pipe reached through /proc/<pid>/fd): an open of it
			   * gives that object, which names no VFS file */
#define VFS_I_HOST_WRITE 0x8 /* a write open gets a host object whose own
			      * kernel checks every write (procfs's comm,
			      * oom_score_adj): no change to the instance, so
			      * a read-only instance (not mount) lets it be,
			      * and O_TRUNC is the object's to ignore */
#define VFS_I_LINKABLE 0x10 /* an O_TMPFILE made without O_EXCL, not linked
			     * yet: linkat may name it with no link left
			     * (Linux's I_LINKABLE), by any path to it */
#define VFS_I_IMMUTABLE 0x20 /* FS_IMMUTABLE_FL, which the VFS enforces (Linux's */
#define VFS_I_APPEND 0x40    /* S_IMMUTABLE, S_APPEND): set by a filesystem that
			      * keeps the flags in the sandbox (tmpfs); no
			      * change, link or removal, and appends only */

struct vfs_inode {
	const struct vfs_inode_ops *ops;
	const struct vfs_file_ops *fops;
	struct vfs_sb *sb;
	int refs;
	unsigned flags;
	uint64_t ino;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
	dev_t rdev;
	uint64_t size; /* regular files: the backing file's, after ->getattr */
	uint64_t blocks;
	struct timespec atime, mtime, ctime, btime;
	struct hlist_node host_node; /* vfs_inode_by_host() table */
	dev_t host_dev;
	ino_t host_ino;
	/* st_dev of this inode when nonzero, else sb->dev: a stacking fs
	 * (overlay) reports its non-directories on a device per underlying
	 * filesystem, as Linux's overlayfs does. */
	dev_t st_dev;
	/* How many running images have it as their program: while nonzero,
	 * opening it for writing or truncating it is ETXTBSY (Linux's
	 * negative i_writecount, held by each mm's exe_file). */
	int deny_write;
};

/* The st_dev stat shows for inode. */
static inline dev_t vfs_inode_dev(const struct vfs_inode *inode)
{
	return inode->st_dev ? inode->st_dev : inode->sb->dev;
}

/* dentry->flags */
#define VFS_D_PINNED 0x1 /* holds the pin reference of a VFS_SB_PINNED fs */
#define VFS_D_DEAD 0x2	 /* unlinked/removed: unhashed, never found again */
#define VFS_D_LRU 0x4	 /* on sb->lru */

struct vfs_dentry {
	int refs;
	unsigned flags; /* VFS_D_* in vfs_private.h */
	struct vfs_sb *sb;
	struct vfs_dentry *parent; /* referenced; the root points to itself */
	struct vfs_inode *inode;   /* referenced; never NULL */
	char *name;
	unsigned len;
	unsigned hash;
	struct hlist_node hnode;   /* the dentry cache, keyed (parent, name) */
	struct list_head child;	   /* in parent->subdirs, creation order */
	struct list_head subdirs;
	struct list_head lru;
	uint64_t cookie;	   /* readdir position in parent (pinned fs) */
	uint64_t next_cookie;	   /* for children (pinned fs) */
	int mounted;		   /* number of mounts on this dentry */
	uint64_t rev_time;	   /* revalidation stamp, fs-owned */
	char iname[24];
};

/* An open file. The VFS owns path, inode, flags and pos; the filesystem
 * owns host_fd (closed by ->release, or by the VFS if release is NULL) and
 * private. */
struct vfs_file {
	int refs;
	struct vfs_path path;
	struct vfs_inode *inode; /* == path.dentry->inode, borrowed */
	int flags;		 /* open flags, O_CREAT/O_EXCL/O_TRUNC removed */
	int host_fd;		 /* regular files: the real fd; else -1 */
	int64_t pos;		 /* directories: cookie of the last entry read */
	void *private;
	/* Opened by a task with CAP_FSETID, whose writes keep S_ISUID and
	 * S_ISGID (Linux's killpriv spares it): a filesystem whose writes
	 * are native (tmpfs's data file) asks before ->open. */
	bool keeps_privs;
};

/* Attribute changes requested by the VFS (checked, ready to apply). */
#define VFS_ATTR_MODE 0x01
#define VFS_ATTR_UID 0x02
#define VFS_ATTR_GID 0x04
#define VFS_ATTR_SIZE 0x08
#define VFS_ATTR_ATIME 0x10
#define VFS_ATTR_MTIME 0x20
#define VFS_ATTR_CTIME 0x40

struct vfs_iattr {
	unsigned valid;
	mode_t mode; /* full mode, type bits included */
	uid_t uid;
	gid_t gid;
	uint64_t size;
	struct timespec atime, mtime, ctime;
};

/* Owner and mode of a node to create, computed by the VFS (umask, setgid
 * directory inheritance and sgid stripping already applied). */
struct vfs_new {
	mode_t mode; /* type bits included */
	uid_t uid;
	gid_t gid;
	dev_t rdev;
};

/* What the mount table says about an instance (vfs_mounts_foreach). The
 * strings are the filesystem's, valid while the sb lives. */
struct vfs_sb_show {
	const char *fstype;
	const char *source;
	const char *root; /* the instance's root within its device ("/usr" for a
			   * host bind of /usr); NULL: "/" */
	char options[256]; /* "rw,mode=755" */
};

struct vfs_sb_ops {
	/* Fills everything but f_flags (the VFS adds mount flags). Errnos:
	 * host errnos for hostfs. */
	int (*statfs)(struct vfs_sb *sb, struct statfs *ret);
	/* Fills ret for the mount table; cannot fail. NULL: type and source
	 * "none", options "rw". */
	void (*show)(struct vfs_sb *sb, struct vfs_sb_show *ret);
	/* Frees an inode whose last reference went; cannot fail. */
	void (*evict)(struct vfs_inode *inode);
	/* Frees the instance after its last reference went and every dentry
	 * is gone; cannot fail. */
	void (*destroy)(struct vfs_sb *sb);
};

/* One table per node kind (directory, regular, symlink, special); a NULL
 * method means the operation does not apply (the VFS has already sorted
 * out kinds, so NULL on a directory table means EPERM/EOPNOTSUPP as noted). */
/* FS_IOC_GETFLAGS/SETFLAGS bits (linux/fs.h's FS_*_FL) the VFS names. */
#define VFS_FL_IMMUTABLE 0x10
#define VFS_FL_APPEND 0x20
#define VFS_FL_NODUMP 0x40
#define VFS_FL_NOATIME 0x80

struct vfs_inode_ops {
	/* Directories of a non-pinned fs: the inode name leads to, with a new
	 * reference in *ret. -ENOENT if none; host errnos (EACCES, EIO). The
	 * dentry cache holds the result. */
	int (*lookup)(struct vfs_inode *dir, const char *name, struct vfs_inode **ret);
	/* Non-pinned fs: is the cached dentry still what its name leads to?
	 * 1 yes (attributes refreshed), 0 no (the VFS drops it and looks up
	 * again), -errno on failure. */
	int (*revalidate)(struct vfs_dentry *dentry);
	/* Optional, on the directory's ops: dentry was just made from
	 * ->lookup's answer, which the host gave during this walk, so a cached
	 * fs may stamp it as confirmed now (its next ->revalidate need not ask
	 * the host again if nothing changed since). */
	void (*looked_up)(struct vfs_dentry *dentry);
	/* Create a regular file, fifo, socket or device (mknod) or a
	 * directory (mkdir) named name in dir. The VFS has checked that name
	 * is absent, write and search permission on dir, EROFS, and for
	 * devices CAP_MKNOD. New inode in *ret (one reference). ENOSPC when
	 * out of inodes or space; EMLINK when dir cannot take a subdirectory. */
	int (*mknod)(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		     struct vfs_inode **ret);
	int (*mkdir)(struct vfs_inode *dir, const char *name, const struct vfs_new *n,
		     struct vfs_inode **ret);
	int (*symlink)(struct vfs_inode *dir, const char *name, const char *target,
		       const struct vfs_new *n, struct vfs_inode **ret);
	/* O_TMPFILE: an unnamed regular file (nlink 0) under dir. EOPNOTSUPP
	 * if unsupported. */
	int (*tmpfile)(struct vfs_inode *dir, const struct vfs_new *n, struct vfs_inode **ret);
	/* Add a name for inode (not a directory) in dir; bumps nlink. EMLINK. */
	int (*link)(struct vfs_inode *inode, struct vfs_inode *dir, const char *name);
	/* Remove name (inode) from dir: unlink for non-directories, rmdir for
	 * empty directories (the VFS has checked emptiness for pinned fs;
	 * hostfs reports the host's ENOTEMPTY). Drops nlink; the inode lives
	 * on while referenced. */
	int (*unlink)(struct vfs_inode *dir, const char *name, struct vfs_inode *inode);
	int (*rmdir)(struct vfs_inode *dir, const char *name, struct vfs_inode *inode);
	/* Rename, flags RENAME_NOREPLACE/RENAME_EXCHANGE. The VFS has checked
	 * permissions, loops, kinds and emptiness (pinned fs); `target` is the
	 * inode at newname or NULL. The filesystem adjusts nlink and sizes of
	 * the directories; the VFS moves the dentries. */
	int (*rename)(struct vfs_inode *olddir, const char *oldname, struct vfs_inode *inode,
		      struct vfs_inode *newdir, const char *newname, struct vfs_inode *target,
		      unsigned flags);
	/* Symlinks: copies up to size bytes of the target into buf, returns
	 * the full target length (which may exceed size). */
	ssize_t (*readlink)(struct vfs_inode *inode, char *buf, size_t size);
	/* Magic links (proc's fd/N, cwd, root, exe): the location the link
	 * stands for, new references in *ret; the walk jumps there instead of
	 * reading the body, as Linux's nd_jump_link. `mnt` is the mount the
	 * link was found on (borrowed), for a target on the link's own
	 * instance (vfs_d_alloc_anon). -EOPNOTSUPP: follow the body as text;
	 * other errnos end the walk. NULL: an ordinary link. */
	int (*get_link)(struct vfs_inode *inode, struct vfs_mount *mnt, struct vfs_path *ret);
	/* Refresh inode's attributes from where they live (backing fd, host).
	 * NULL: the inode is always current. */
	int (*getattr)(struct vfs_inode *inode);
	/* Apply a checked change. VFS_ATTR_SIZE only on regular files:
	 * ENOSPC/EFBIG past the fs limits. */
	int (*setattr)(struct vfs_inode *inode, const struct vfs_iattr *attr);
	/* xattrs, names with their namespace prefix ("user.x"). The VFS has
	 * checked the namespace and permissions. getxattr/listxattr with size
	 * 0 return the length; ERANGE when too small; ENODATA if absent;
	 * setxattr flags XATTR_CREATE (EEXIST) / XATTR_REPLACE (ENODATA);
	 * ENOSPC. NULL: EOPNOTSUPP. */
	ssize_t (*getxattr)(struct vfs_inode *inode, const char *name, void *buf, size_t size);
	int (*setxattr)(struct vfs_inode *inode, const char *name, const void *value, size_t size,
			int flags);
	ssize_t (*listxattr)(struct vfs_inode *inode, char *buf, size_t size);
	int (*removexattr)(struct vfs_inode *inode, const char *name);
	/* The inode flags of FS_IOC_GETFLAGS/SETFLAGS (VFS_FL_*), where they
	 * live in the VFS (tmpfs directories; a file with a host object keeps
	 * its own there). set: the VFS has checked EROFS and ownership;
	 * EOPNOTSUPP for a flag the fs does not keep. NULL: EOPNOTSUPP. */
	int (*get_fsflags)(struct vfs_inode *inode, unsigned *flags);
	int (*set_fsflags)(struct vfs_inode *inode, unsigned flags);
	/* The host object behind the inode, whatever its kind, as a borrowed
	 * fd (hostfs: its O_PATH fd), for watching it with inotify. NULL: the
	 * object exists only in the VFS (tmpfs). */
	int (*host_object)(struct vfs_inode *inode);
	/* A FIFO's host FIFO, the one kernel pipe every opener of the inode
	 * shares: a new O_PATH fd on it, the caller's to close. Made on first
	 * use where the FIFO lives only in the VFS (tmpfs: a FIFO node of its
	 * data directory, with the inode's host identity set). Never opened
	 * here: a FIFO's open may wait for a partner, and where that wait
	 * happens is the caller's to decide (sentry/sys/sys_fifo.c). NULL:
	 * EOPNOTSUPP. */
	int (*fifo_node)(struct vfs_inode *inode);
};

/* Emits one directory entry: returns false when the caller's buffer is
 * full (the entry was not taken and must be offered again). `next` is the
 * cookie that resumes after this entry. */
typedef bool (*vfs_filldir_t)(void *arg, const char *name, unsigned len, uint64_t ino,
			      unsigned type, int64_t next);

struct vfs_file_ops {
	/* Prepare file (path, inode, flags set) for use: regular files set
	 * file->host_fd to a real fd with the access mode and O_APPEND of
	 * file->flags; directories may set private. O_TRUNC has been applied
	 * through setattr already. Errnos: host errnos, ENOMEM. */
	int (*open)(struct vfs_file *file);
	/* Undo open (close host_fd, free private). */
	void (*release)(struct vfs_file *file);
	/* vfs_file_take_host_fd for a file whose host_fd another file owns (a
	 * stacking fs's real file): hand over that owner's fd, leaving
	 * neither file with it. NULL: host_fd is the file's own. */
	int (*take_host_fd)(struct vfs_file *file);
	/* Before vfs_write puts len bytes into host_fd: how many may go,
	 * given the fs's space (tmpfs size=). -ENOSPC if none. NULL: all.
	 * (Native writes by the program bypass this; see tmpfs.) */
	ssize_t (*write_begin)(struct vfs_file *file, size_t len);
	/* Emit entries after cookie file->pos (the VFS emits "." and ".."
	 * itself, cookies 1 and 2; the fs's first cookie is > 2), updating
	 * file->pos to the cookie of the last entry taken. */
	int (*iterate)(struct vfs_file *file, vfs_filldir_t fill, void *arg);
};

/* Incremented at the start of every path walk (and so of every entry
 * point that names a file) but a nested one (vfs_ctx.nested: part of
 * the walk it serves), and by the fd entry points that refresh an inode
 * without a walk (vfs_write, before and after the write; vfs_ftruncate;
 * vfs_getdents64): a filesystem may remember it to skip refreshing,
 * later in the same generation, what it has just refreshed. */
extern uint64_t vfs_walk_gen;
/* The caller (struct vfs_ctx.caller) of the walk in progress, or of the
 * last one: set with vfs_walk_gen, so a method called during or right
 * after a walk (->readlink of /proc/self, ->lookup) knows who asks. Only
 * proc's caller-dependent names read it; everything else must not. */
extern pid_t vfs_walk_caller;

/* Helpers for filesystems (vfs/inode.c, vfs/dentry.c). */
void vfs_inode_init(struct vfs_inode *inode, struct vfs_sb *sb, const struct vfs_inode_ops *ops,
		    const struct vfs_file_ops *fops, mode_t mode);
struct vfs_inode *vfs_inode_get(struct vfs_inode *inode);
void vfs_inode_put(struct vfs_inode *inode);
/* A dentry reference, e.g. for a directory cursor; a dead (unlinked)
 * dentry stays valid while referenced but is no longer in its parent. */
struct vfs_dentry *vfs_dentry_get(struct vfs_dentry *d);
void vfs_dentry_put(struct vfs_dentry *d);
/* A dentry in no directory (Linux's d_alloc_pseudo) for inode (consumed),
 * named name, under sb's root for d_path: what a magic link leads to when
 * its target has no name in the tree. One reference in *ret; -ENOMEM. */
int vfs_d_alloc_anon(struct vfs_sb *sb, const char *name, struct vfs_inode *inode,
		     struct vfs_dentry **ret);
/* Opens location p itself, for a stacking filesystem (overlay) acting on
 * its layers with its mounter's rights: no permission, EROFS or kind
 * checks (the caller made them on its own inode), ->open of p's fs runs
 * as for any open. flags: O_PATH, or an access mode with O_APPEND,
 * O_NONBLOCK, O_DIRECTORY, O_NOATIME. *ret: one reference. ENXIO for
 * devices and sockets, the fs's ->open errnos, ENOMEM. */
int vfs_path_open(const struct vfs_path *p, int flags, struct vfs_file **ret);
/* Registers inode as the VFS object for host (dev, ino). */
void vfs_inode_set_host(struct vfs_inode *inode, dev_t dev, ino_t ino);
/* Initialises sb (one reference) and allocates its root dentry over root
 * (consumes that inode reference). -ENOMEM. */
int vfs_sb_init(struct vfs_sb *sb, const struct vfs_sb_ops *ops, unsigned flags,
		unsigned long magic, struct vfs_inode *root);
/* The current time as the VFS stamps it. */
struct timespec vfs_now(void);
/* An anonymous device number for a new instance (major 0, as Linux). */
dev_t vfs_anon_dev(void);

#endif
