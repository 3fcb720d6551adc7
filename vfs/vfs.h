/* veil's VFS: the public entry points, one per filesystem syscall, with
 * Linux semantics.
 *
 * Every entry point returns 0 (or a count) on success and -errno on failure,
 * exactly what the matching syscall would return to the program, so a
 * syscall handler's result is the entry point's result. Nothing here prints,
 * exits or aborts; allocation failure is -ENOMEM.
 *
 * Threading: the VFS is single-threaded. There are no locks; one thread (the
 * sentry's event loop) owns every object. Reference counts are plain ints.
 *
 * Objects and ownership (the details are in vfs_private.h):
 *   struct vfs_sb      a filesystem instance (tmpfs_new(), hostfs_new()
 *                      return one with one reference for the caller)
 *   struct vfs_mount   an instance attached somewhere (flags ro/nosuid/...)
 *   struct vfs_dentry  a name in a directory
 *   struct vfs_inode   the object a name leads to
 *   struct vfs_file    an open file (what a program's fd stands for)
 *   struct vfs_path    a location: (mount, dentry), both referenced
 *
 * A "dirf" argument plays the role of a dirfd: NULL means AT_FDCWD (the
 * context's cwd); otherwise the file's location is the starting point (it
 * may be an O_PATH file). Absolute paths start at ctx->root, which is a hard
 * ceiling: ".." never climbs above it and absolute symlinks resolve against
 * it. */
#ifndef VEIL_VFS_VFS_H
#define VEIL_VFS_VFS_H

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/types.h>

struct vfs_sb;
struct vfs_mount;
struct vfs_dentry;
struct vfs_inode;
struct vfs_file;

struct vfs_path {
	struct vfs_mount *mnt;
	struct vfs_dentry *dentry;
};

#define VFS_NGROUPS_MAX 64

/* The caller's credentials. The effective ids act as the fs ids. caps is a
 * bit set of the effective capabilities, bit CAP_xxx (linux/capability.h);
 * VFS_CAPS_ALL grants every one. caps_permitted matters only to access(2)
 * without AT_EACCESS, which runs a real root with its permitted set. */
struct vfs_cred {
	uid_t ruid, euid;
	gid_t rgid, egid;
	int ngroups;
	gid_t groups[VFS_NGROUPS_MAX];
	uint64_t caps;
	uint64_t caps_permitted; /* what access(2) runs with when ruid is 0 */
};

#define VFS_CAP(c) (1ULL << (c))
#define VFS_CAPS_ALL (~0ULL)

/* What a syscall handler passes for the calling task. root and cwd are
 * owned references (vfs_ctx_init/vfs_ctx_destroy manage them). */
struct vfs_ctx {
	struct vfs_cred cred;
	mode_t umask;
	struct vfs_path root;
	struct vfs_path cwd;
	/* Who is calling, for the one filesystem whose names depend on it
	 * (proc's "self"): the sentry puts the calling task's tid here; 0 is
	 * nobody in particular. The VFS only hands it on (vfs_walk_caller). */
	pid_t caller;
	/* A filesystem's own context, whose walks serve an entry point in
	 * progress (the overlay's in its layers): they are part of that
	 * entry point's walk, starting no vfs_walk_gen and keeping its
	 * vfs_walk_caller. */
	bool nested;
	/* RLIMIT_FSIZE for a truncate that grows a file (inode_newsize_ok):
	 * past fsize_max it is EFBIG and fsize_hit is set (the caller then
	 * sends SIGXFSZ; an fs's own EFBIG, past its maximum size, sends
	 * none). The sentry sets it around a truncate: the limit is the
	 * program's own. */
	bool fsize_limited, fsize_hit;
	uint64_t fsize_max;
};

/* --- contexts and locations ------------------------------------------- */

/* Root and cwd become the root of mnt, or of the mount on top of what is
 * mounted on that root (a mount on "/" is the root), new references. */
void vfs_ctx_init(struct vfs_ctx *ctx, struct vfs_mount *mnt, const struct vfs_cred *cred);
/* Drops the root and cwd references. */
void vfs_ctx_destroy(struct vfs_ctx *ctx);
/* A cred for uid/gid with no supplementary groups; caps VFS_CAPS_ALL when
 * uid is 0, none otherwise (what setresuid does to a non-root process). */
void vfs_cred_init(struct vfs_cred *cred, uid_t uid, gid_t gid);

void vfs_path_get(const struct vfs_path *p);
void vfs_path_put(struct vfs_path *p);

/* How many unreferenced dentries a cached filesystem (hostfs) may keep
 * (default 4096). Each holds a host fd there, so a caller with a small fd
 * limit lowers it. */
void vfs_set_cache_limit(unsigned n);

/* umask(2): sets the mask, returns the old one. */
mode_t vfs_umask(struct vfs_ctx *ctx, mode_t mask);

/* chdir/fchdir/chroot: replace ctx->cwd / ctx->root. ENOTDIR, EACCES (no
 * search permission), plus the walk's errnos; chroot needs CAP_SYS_CHROOT. */
int vfs_chdir(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path);
int vfs_fchdir(struct vfs_ctx *ctx, struct vfs_file *f);
int vfs_chroot(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path);
/* getcwd(2): the cwd as a path from ctx->root, returns its length with the
 * NUL. ERANGE if size is too small; a cwd outside the root reads
 * "(unreachable)/..." as Linux does; a deleted one ENOENT. */
int vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size);
/* d_path: the name of a location as seen from ctx->root (what
 * /proc/self/fd links and getcwd show), " (deleted)" appended for an
 * unlinked file. Returns the length with the NUL; ERANGE, ENAMETOOLONG. */
int vfs_path_name(struct vfs_ctx *ctx, const struct vfs_path *p, char *buf, size_t size);

/* --- mounts ------------------------------------------------------------ */

/* Mount flags: the MS_* values of sys/mount.h that make sense per mount. */
#define VFS_MNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

/* A new mount of sb that is not attached anywhere: the root of a mount
 * tree, whose root is what a vfs_ctx roots at. Takes its own sb reference;
 * *ret carries one reference for the caller (drop it with
 * vfs_mount_tree_put(), which also detaches everything mounted below). */
int vfs_mount_root(struct vfs_sb *sb, unsigned long flags, struct vfs_mount **ret);
/* Detaches every mount attached below root and drops the caller's
 * reference on root. Open files keep their mounts alive. */
void vfs_mount_tree_put(struct vfs_mount *root);
/* mount(2) of a fresh instance: attaches sb at the directory path names
 * (following symlinks). Needs CAP_SYS_ADMIN (EPERM); ENOTDIR if the target
 * is not a directory; EINVAL for unknown flags. The mount tree keeps its own
 * reference to sb. */
int vfs_mount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct vfs_sb *sb,
	      unsigned long flags);
/* mount --bind: attaches the subtree at src (a new mount of the same sb
 * rooted at src's dentry) at dst; with MS_REC in flags, copies of the
 * mounts below src too (--rbind), each with its own flags. With
 * VFS_BIND_SOURCE_FLAGS the new mount takes the flags of the mount src is
 * on instead of `flags`'s, as mount(2)'s MS_BIND does. */
#define VFS_BIND_SOURCE_FLAGS (1ul << 62)
int vfs_bind(struct vfs_ctx *ctx, struct vfs_file *srcdirf, const char *src,
	     struct vfs_file *dstdirf, const char *dst, unsigned long flags);
/* The same, of a location the caller holds (open_tree + move_mount): a
 * file from another context's tree. */
int vfs_bind_path(struct vfs_ctx *ctx, const struct vfs_path *from, struct vfs_file *dstdirf,
		  const char *dst, unsigned long flags);
/* mount(MS_REMOUNT|MS_BIND): replaces the flags of the mount whose root
 * path names; EINVAL if path is not a mount root. */
int vfs_remount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, unsigned long flags);
/* MS_MOVE: moves the mount whose root src names (with everything below
 * it) onto dst. EINVAL if src is not an attached mount root or is the
 * context's root mount, or dst is below src; ENOTDIR/EISDIR as a bind. */
int vfs_move(struct vfs_ctx *ctx, struct vfs_file *srcdirf, const char *src,
	     struct vfs_file *dstdirf, const char *dst);
/* The flags of the mount whose root path names: 0 and *flags, EINVAL if
 * path is not a mount root, EPERM without CAP_SYS_ADMIN (mount(2)'s
 * propagation changes, which only check this much here: the sandbox's
 * mounts have no peers). */
int vfs_mount_flags(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		    unsigned long *flags);
/* umount2(path, MNT_DETACH semantics): EINVAL if path is not a mount root
 * or is the context's root mount. */
int vfs_umount(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path);
void vfs_sb_put(struct vfs_sb *sb);

/* Mount namespaces (mount_ns.c). A namespace is a tree, named by its root
 * mount (*base: the mount whose parent is itself), which the caller keeps.
 * unshare(CLONE_NEWNS): a copy of the tree under base, every mount with
 * its flags, into *ret (one reference, for vfs_mount_tree_put); ctx's
 * root and cwd move to their copies. -ENOMEM, nothing changed. */
int vfs_mount_copy_ns(struct vfs_mount *base, struct vfs_ctx *ctx, struct vfs_mount **ret);
/* pivot_root(2) in the namespace *base, as ctx sees it, with the kernel's
 * checks in its order (EPERM, the walks' errors, EINVAL for a mount of
 * another namespace, ENOENT, EBUSY, EINVAL); on success *old_ret and
 * *new_ret hold the root before and after (references), for the caller
 * to move every context rooted or standing at the one to the other
 * (vfs_ctx_repoint, the kernel's chroot_fs_refs), and *base is the new
 * tree root if the old root was it. */
int vfs_pivot_root(struct vfs_ctx *ctx, const char *new_root, const char *put_old,
		   struct vfs_mount **base, struct vfs_path *old_ret, struct vfs_path *new_ret);
/* MNT_LOCKED: m (the sandbox's root, as its setup left it) is never
 * unmounted nor moved; a namespace's copy of it is locked too, and
 * pivot_root hands the lock to the new root. */
void vfs_mount_lock(struct vfs_mount *m);
/* ctx's root and cwd, where they are exactly `from`, become `to`. */
void vfs_ctx_repoint(struct vfs_ctx *ctx, const struct vfs_path *from, const struct vfs_path *to);

/* The mount table as /proc/<pid>/mountinfo shows it. */
struct vfs_mount_info {
	int id, parent_id;	/* parent_id of the table's root: outside it */
	dev_t dev;		/* st_dev of the mount's root */
	unsigned long flags;	/* MS_* of the mount */
	const char *mountpoint; /* as seen from ctx->root */
	const char *root;	/* the mount's root within its filesystem */
	const char *fstype;	/* e.g. "tmpfs", "ext4" */
	const char *source;	/* e.g. "tmpfs", "/dev/vda" */
	const char *options;	/* the instance's options, "rw,mode=755" */
};
/* Calls fn for every mount visible from ctx->root: the mount ctx->root is
 * on and everything attached below it, parents before children, siblings
 * oldest first (the kernel's order). Stops at fn's first non-zero return
 * and returns it; -ENAMETOOLONG for a path past PATH_MAX. */
int vfs_mounts_foreach(struct vfs_ctx *ctx, int (*fn)(void *arg, const struct vfs_mount_info *mi),
		       void *arg);

/* --- open files -------------------------------------------------------- */

/* openat2(2). how->flags: O_ACCMODE, O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
 * O_DIRECTORY, O_NOFOLLOW, O_PATH, O_TMPFILE, O_NOATIME, O_CLOEXEC (recorded
 * only), O_NONBLOCK, O_LARGEFILE, O_SYNC/O_DSYNC (accepted); how->resolve:
 * RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS,
 * RESOLVE_NO_MAGICLINKS, RESOLVE_NO_XDEV, RESOLVE_CACHED (everything is
 * "cached" here; EAGAIN with O_CREAT, O_TRUNC or O_TMPFILE as Linux). *ret
 * carries one reference (vfs_file_put). Errnos as openat2(2): EINVAL for bad
 * flag combinations, and every walk, permission and creation errno. */
int vfs_openat2(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		const struct open_how *how, struct vfs_file **ret);
/* The open_how open(2), openat(2) and creat(2) mean (the kernel's
 * build_open_how): unknown flag bits dropped, O_PATH keeping only
 * O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC beside it, the mode only where
 * the open may create. */
struct open_how vfs_open_how(unsigned flags, mode_t mode);
/* openat(2): unknown flag bits are ignored, as openat does. */
int vfs_openat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
	       mode_t mode, struct vfs_file **ret);
/* The file execveat(2) would run: dirf and path as openat's, flags
 * AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW (a trailing symlink is then
 * ELOOP), EINVAL for any other. EACCES for anything not a regular file,
 * on a noexec mount or without exec permission; the walk's errnos. *ret
 * is open O_RDONLY whatever the read permission (an execute-only program
 * runs), one reference. */
int vfs_open_exec(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		  struct vfs_file **ret);
struct vfs_file *vfs_file_get(struct vfs_file *f);
void vfs_file_put(struct vfs_file *f);

/* The real host fd behind an open regular file (tmpfs: the reopened memfd;
 * hostfs: the host file), opened with the file's access mode and
 * O_APPEND; borrowed: it lives as long as the file. -EBADF for O_PATH
 * files, -EISDIR for directories, -ENXIO for other kinds. */
int vfs_file_host_fd(const struct vfs_file *f);
/* The same fd, now the caller's: the file keeps no host fd. For a file
 * whose open file the sentry gives away, so the program alone holds it:
 * its flock and OFD locks go with the program's last close, as does the
 * IN_CLOSE_WRITE a watcher waits for. The file's metadata calls go through
 * its inode and still work. Errors as vfs_file_host_fd. */
int vfs_file_take_host_fd(struct vfs_file *f);
/* The host object behind an open file of any kind, O_PATH included (the
 * inode's ->host_object): a borrowed fd, or -EOPNOTSUPP when the object
 * lives only in the VFS (tmpfs; its regular files' data is in the memfd
 * vfs_file_host_fd gives). */
int vfs_file_host_object(const struct vfs_file *f);
/* For an open FIFO (O_PATH or not): a new O_PATH fd on the host FIFO
 * behind it (the inode's ->fifo_node), the caller's; -EOPNOTSUPP where
 * there is none, -EINVAL for a file that is no FIFO. */
int vfs_file_fifo_node(const struct vfs_file *f);
/* The file's location (borrowed) and open flags. */
const struct vfs_path *vfs_file_path(const struct vfs_file *f);
struct vfs_inode *vfs_file_inode(const struct vfs_file *f);
/* The file's type (S_IFMT bits), which an inode never changes: no host
 * question, unlike a stat. */
mode_t vfs_file_type(const struct vfs_file *f);
/* Whether f stands for an object outside the VFS (fs_ops.h
 * VFS_I_FOREIGN): its host fd is handed over but names no VFS file. */
bool vfs_file_is_foreign(const struct vfs_file *f);
/* Whether f's host fd is an object made for this open alone (fs_ops.h
 * VFS_SB_SNAPSHOTS: a proc file's content), named by nothing else. */
bool vfs_file_is_snapshot(const struct vfs_file *f);
/* The inode a location names, borrowed. */
struct vfs_inode *vfs_path_inode(const struct vfs_path *p);
/* A running image has inode as its program (Linux's deny_write_access on
 * an mm's exe_file): until the matching vfs_allow_write, an open for
 * writing or a truncate of it is ETXTBSY. vfs_get_write_access: 0, or
 * -ETXTBSY while that holds. */
void vfs_deny_write(struct vfs_inode *inode);
void vfs_allow_write(struct vfs_inode *inode);
int vfs_get_write_access(const struct vfs_inode *inode);
int vfs_file_flags(const struct vfs_file *f);

/* write/pread through the host fd, with what the kernel does around a
 * write: EBADF without write access, suid/sgid cleared unless CAP_FSETID,
 * tmpfs size limit (ENOSPC/EFBIG). For tests and the sentry's emulated
 * paths; the program writes natively. */
ssize_t vfs_write(struct vfs_ctx *ctx, struct vfs_file *f, const void *buf, size_t n);
ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t n, off_t off);

/* One getdents64(2) record, the kernel's struct linux_dirent64: what
 * vfs_getdents64 writes and what a host getdents64 gives. */
struct vfs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* getdents64(2) on a directory file: fills buf with struct vfs_dirent64
 * records (".", ".." first) from the file's cursor, returns the byte count,
 * 0 at the end. d_off of each record is a stable cookie: seeking to it
 * resumes after that entry even if entries were added or removed meanwhile.
 * ENOTDIR on a non-directory, EBADF on O_PATH, EINVAL if buf cannot hold
 * one record. */
ssize_t vfs_getdents64(struct vfs_file *f, void *buf, size_t size);
/* lseek(2) on a directory: SEEK_SET to 0 or a cookie, SEEK_CUR with 0. */
off_t vfs_dir_lseek(struct vfs_file *f, off_t off, int whence);

/* --- the path syscalls -------------------------------------------------- */

/* statx(2): flags AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT,
 * AT_STATX_*; every basic field is filled whatever mask asks. */
int vfs_statx(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
	      unsigned mask, struct statx *ret);
int vfs_fstatat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct stat *ret,
		int flags);
/* faccessat2(2): mode F_OK or R_OK|W_OK|X_OK; flags AT_EACCESS,
 * AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. Real ids unless AT_EACCESS. */
int vfs_faccessat2(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int mode,
		   int flags);
int vfs_mkdirat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode);
/* mknodat(2): S_IFREG, S_IFIFO, S_IFSOCK always; S_IFCHR/S_IFBLK need
 * CAP_MKNOD (EPERM) and a mount without nodev for later opens. */
int vfs_mknodat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode,
		dev_t dev);
int vfs_unlinkat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags);
int vfs_renameat2(struct vfs_ctx *ctx, struct vfs_file *olddirf, const char *oldpath,
		  struct vfs_file *newdirf, const char *newpath, unsigned flags);
int vfs_linkat(struct vfs_ctx *ctx, struct vfs_file *olddirf, const char *oldpath,
	       struct vfs_file *newdirf, const char *newpath, int flags);
int vfs_symlinkat(struct vfs_ctx *ctx, const char *target, struct vfs_file *newdirf,
		  const char *linkpath);
/* readlinkat(2): returns the number of bytes placed in buf (no NUL).
 * EINVAL if path is not a symlink (or size is 0). */
ssize_t vfs_readlinkat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, char *buf,
		       size_t size);
int vfs_fchmodat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, mode_t mode,
		 int flags);
/* fchownat(2): (uid_t)-1 / (gid_t)-1 leave a field unchanged. */
int vfs_fchownat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, uid_t uid,
		 gid_t gid, int flags);
/* utimensat(2): times NULL means now; UTIME_NOW and UTIME_OMIT per field. */
int vfs_utimensat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path,
		  const struct timespec times[2], int flags);
int vfs_truncate(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, off_t length);
int vfs_ftruncate(struct vfs_ctx *ctx, struct vfs_file *f, off_t length);
/* The same for an open of f's object whose own access mode (O_ACCMODE and
 * O_PATH bits) is `how`: one VFS file may stand for several opens with
 * different modes (the sentry's fd map keeps one per host object), and
 * the caller's open is the one the kernel asks about. */
int vfs_ftruncate_as(struct vfs_ctx *ctx, struct vfs_file *f, int how, off_t length);
/* What the kernel asks before an ioctl changes an inode's flags through
 * an open file (FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR: mnt_want_write_file,
 * then inode_owner_or_capable): EROFS on a read-only mount, EPERM unless
 * the caller owns the inode or has CAP_FOWNER over it; then EOPNOTSUPP
 * on a filesystem whose files' host fds are another's objects (an
 * overlay: before copy-up, its lower layer's; VFS_SB_STACKED). The change
 * itself is the host's to make on the file's host object. */
int vfs_file_may_set_flags(struct vfs_ctx *ctx, struct vfs_file *f);
/* FS_IOC_GETFLAGS/SETFLAGS on a file whose flags the VFS keeps (tmpfs):
 * -EOPNOTSUPP for any other (its host object has them).
 * Setting checks as vfs_file_may_set_flags does, and the append-only and
 * immutable flags need CAP_LINUX_IMMUTABLE, as the kernel's
 * fileattr_set_prepare: EPERM. */
int vfs_file_get_fsflags(struct vfs_file *f, unsigned *flags);
/* Whether the VFS keeps f's inode flags (vfs_file_get_fsflags serves
 * them), rather than its host object. */
bool vfs_file_keeps_fsflags(const struct vfs_file *f);
int vfs_file_set_fsflags(struct vfs_ctx *ctx, struct vfs_file *f, unsigned flags);
/* statfs(2); an empty path with a dirf is fstatfs(2) of that file. */
int vfs_statfs(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, struct statfs *ret);

/* The xattr family, path-based like getxattr/lgetxattr (AT_SYMLINK_NOFOLLOW
 * in flags makes the l- variant; AT_EMPTY_PATH with dirf the f- variant).
 * Size 0 asks for the length; ERANGE when the buffer is too small. */
ssize_t vfs_getxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		       const char *name, void *buf, size_t size);
int vfs_setxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		   const char *name, const void *value, size_t size, int xflags);
ssize_t vfs_listxattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
			char *buf, size_t size);
int vfs_removexattrat(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, int flags,
		      const char *name);

/* --- the fs.protected_* sysctls ------------------------------------------ */

/* Linux's fs.protected_* knobs, global to the VFS like the sysctls are to a
 * kernel. Defaults: hardlinks 1, symlinks 1, regular 0, fifos 0 (the
 * kernel's and systemd's usual values; the differential harness copies
 * the host's). */
struct vfs_protected {
	int hardlinks;
	int symlinks;
	int regular;
	int fifos;
};
extern struct vfs_protected vfs_protected;

/* --- accounting ----------------------------------------------------------- */

/* Live objects of each kind, for leak checks: after every context, file and
 * mount tree is released all four are back to what they were. */
struct vfs_stats {
	long mounts, dentries, inodes, files;
};
void vfs_get_stats(struct vfs_stats *ret);

/* --- identity, for the sentry -------------------------------------------- */

/* The VFS inode whose backing host object has (dev, ino), e.g. what fstat
 * of a program's fd shows for a tmpfs memfd or a hostfs file; NULL if none.
 * Borrowed: valid until the inode's last reference goes. */
struct vfs_inode *vfs_inode_by_host(dev_t dev, ino_t ino);
/* Whether (dev, ino) is the backing object of a live inode of a
 * VFS_SB_PRIVATE_HOST filesystem (tmpfs): the host object then stands for
 * that inode and for nothing else, as long as the inode lives. */
bool vfs_host_is_private(dev_t dev, ino_t ino);

#endif
