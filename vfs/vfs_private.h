/* Private to vfs/: the mount object and the helpers each vfs/ file offers
 * the others, grouped by file.
 *
 * Single-threaded: no locks anywhere; reference counts are plain ints. */
#ifndef VEIL_VFS_PRIVATE_H
#define VEIL_VFS_PRIVATE_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vfs/fs_ops.h"
#include "vfs/vfs.h"


/* A mount. Ownership:
 *   - mnt holds one reference on sb and one on root.
 *   - An attached mount (parent != mnt) holds one reference on its parent
 *     mount and one on its mountpoint dentry, and the tree holds one
 *     reference on it ("attached"), dropped when it is detached.
 *   - Locations (vfs_path) hold one reference each.
 * The children list is not counted: detaching removes the entry. */
struct vfs_mount {
	int refs;
	int id; /* mountinfo's mount id, unique while the process lives */
	unsigned long flags; /* MS_RDONLY, MS_NOSUID, ... */
	struct vfs_sb *sb;
	struct vfs_dentry *root;
	struct vfs_mount *parent; /* itself when not attached */
	struct vfs_dentry *mountpoint;
	struct list_head children;
	struct list_head sibling; /* in parent->children, oldest first */
	bool attached;
	/* MNT_LOCKED: the sandbox's root as its setup left it, never
	 * unmounted nor moved (vfs_mount_lock); copies keep it, pivot_root
	 * hands it to the new root */
	bool locked;
};

/* --- mount.c: the tree's surgery, for mount_ns.c ------------------------ */
/* A new detached mount of sb rooted at root; *ret: one reference. */
int vfs_mount_new(struct vfs_sb *sb, struct vfs_dentry *root, unsigned long flags,
		  struct vfs_mount **ret);
/* Attaches m at `at`; the caller's reference becomes the tree's. */
void vfs_mount_attach(struct vfs_mount *m, const struct vfs_path *at);
/* Moves m (attached, or a tree's root) onto `at`, alone (what is mounted
 * on it stays on it); the tree's reference, or the root's own, carries
 * over. */
void vfs_mount_reattach(struct vfs_mount *m, const struct vfs_path *at);
/* Takes m (attached) off its parent, alone: it becomes a tree's root, and
 * the tree's reference becomes the caller's. */
void vfs_mount_unattach(struct vfs_mount *m);
/* Which copies vfs_copy_children made of some mounts. */
#define VFS_COPY_MAP_N 2
struct vfs_copy_map {
	struct vfs_mount *from[VFS_COPY_MAP_N], *to[VFS_COPY_MAP_N];
};
int vfs_copy_children(struct vfs_mount *src, struct vfs_dentry *below, struct vfs_mount *copy,
		      struct vfs_copy_map *map);

/* The live-object counters behind vfs_get_stats (inode.c). */
extern struct vfs_stats vfs_live;

/* --- dentry.c ----------------------------------------------------------- */
/* vfs_dentry_get/put: fs_ops.h */
/* The cached child of parent named name (new reference), or NULL. */
struct vfs_dentry *vfs_d_lookup(struct vfs_dentry *parent, const char *name, unsigned len);
/* A new hashed dentry for inode under parent (consumes the inode
 * reference; the new dentry carries one reference for the caller).
 * Pinned filesystems get the pin too. -ENOMEM. */
int vfs_d_alloc(struct vfs_dentry *parent, const char *name, unsigned len,
		struct vfs_inode *inode, struct vfs_dentry **ret);
/* The name is gone: unhash, mark dead, drop the pin. */
void vfs_d_delete(struct vfs_dentry *d);
/* Drop a cached (unpinned) dentry from the hash so the next walk looks
 * the name up again. */
void vfs_d_invalidate(struct vfs_dentry *d);
/* Move d to (newparent, name); -ENOMEM leaves it untouched. */
int vfs_d_move(struct vfs_dentry *d, struct vfs_dentry *newparent, const char *name,
	       unsigned len);
/* Exchange the names and parents of a and b. */
void vfs_d_exchange(struct vfs_dentry *a, struct vfs_dentry *b);
/* Has a pinned directory any live child? */
bool vfs_d_has_children(struct vfs_dentry *dir);
/* Is d an ancestor of (or equal to) e within one sb? */
bool vfs_d_is_ancestor(struct vfs_dentry *d, struct vfs_dentry *e);
/* Tear down an sb's dentries: unpin the whole tree, free the LRU. */
void vfs_d_shrink_sb(struct vfs_sb *sb);
void vfs_d_kill_tree(struct vfs_dentry *root);
static inline bool vfs_d_is_root(const struct vfs_dentry *d)
{
	return d->parent == d;
}

/* --- mount.c ------------------------------------------------------------ */
struct vfs_mount *vfs_mount_get(struct vfs_mount *m);
void vfs_mount_put(struct vfs_mount *m);
/* The topmost mount attached on (m, d), or NULL. Borrowed. */
struct vfs_mount *vfs_lookup_mnt(struct vfs_mount *m, struct vfs_dentry *d);
void vfs_sb_get(struct vfs_sb *sb);
static inline bool vfs_mnt_rdonly(const struct vfs_mount *m)
{
	return (m->flags & MS_RDONLY) || (m->sb->flags & VFS_SB_RDONLY);
}

/* --- namei.c ------------------------------------------------------------ */

/* Lookup flags */
#define LOOKUP_FOLLOW 0x0001	/* follow a trailing symlink */
#define LOOKUP_DIRECTORY 0x0002 /* the result must be a directory */
#define LOOKUP_EMPTY 0x0004	/* AT_EMPTY_PATH */
#define LOOKUP_BENEATH 0x0010
#define LOOKUP_IN_ROOT 0x0020
#define LOOKUP_NO_SYMLINKS 0x0040
#define LOOKUP_NO_MAGICLINKS 0x0080 /* refuse proc's magic links (ELOOP) */
#define LOOKUP_NO_XDEV 0x0100
/* umount's: the walk's end goes on into what is mounted there even where
 * a walk does not look (its start: ".", "/") */
#define LOOKUP_MOUNTPOINT 0x0200

enum vfs_last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };

#define VFS_MAXSYMLINKS 40

/* The state of one walk. Owns refs on root and cur; the last component's
 * name is in `last` (borrowed from the walk's buffer, valid until
 * vfs_nd_release). */
struct vfs_nameidata {
	struct vfs_ctx *ctx;
	const struct vfs_cred *cred;
	unsigned flags;
	struct vfs_path root;
	struct vfs_path cur;
	const char *last;
	unsigned last_len;
	enum vfs_last_type last_type;
	bool trailing_slash;
	int total_links;
	char *bufs[VFS_MAXSYMLINKS + 1]; /* symlink bodies being walked */
	int nbufs;
};

/* Flags for the AT_* / RESOLVE_* conversions */
unsigned vfs_at_lookup_flags(int at_flags);

/* Walk path from dirf to its final location (symlinks followed per
 * LOOKUP_FOLLOW). *ret: references for the caller. */
int vfs_walk(struct vfs_ctx *ctx, struct vfs_file *dirf, const char *path, unsigned flags,
	     struct vfs_path *ret);
/* Walk to the parent of the last component: nd->cur is the parent, nd->last
 * the final name. Caller must vfs_nd_release(nd) whatever the result. */
int vfs_walk_parent(struct vfs_nameidata *nd, struct vfs_ctx *ctx, struct vfs_file *dirf,
		    const char *path, unsigned flags);
void vfs_nd_release(struct vfs_nameidata *nd);
/* Look up nd->last in nd->cur (no following, no mount crossing of the
 * result): new dentry reference in *ret, -ENOENT if absent. */
int vfs_lookup_last(struct vfs_nameidata *nd, struct vfs_dentry **ret);
/* The last component was a symlink that must be followed (O_CREAT open):
 * walk its body from nd->cur, leaving a new last component. */
int vfs_nd_follow_last(struct vfs_nameidata *nd, struct vfs_dentry *link);
/* Finish a walk on the last component: look it up, cross mounts, follow a
 * trailing symlink if LOOKUP_FOLLOW (or trailing slash), check
 * LOOKUP_DIRECTORY. *ret: references. */
int vfs_walk_last(struct vfs_nameidata *nd, struct vfs_path *ret);

/* --- perm.c ------------------------------------------------------------- */
#define MAY_EXEC 0x1
#define MAY_WRITE 0x2
#define MAY_READ 0x4
#define MAY_APPEND 0x8

bool vfs_capable(const struct vfs_cred *c, int cap);
/* capable_wrt_inode_uidgid: the capability counts only if the inode's
 * owner and group are mapped. */
bool vfs_capable_wrt(const struct vfs_cred *c, const struct vfs_inode *inode, int cap);
bool vfs_in_group(const struct vfs_cred *c, gid_t gid);
bool vfs_is_owner(const struct vfs_cred *c, const struct vfs_inode *inode);
/* generic_permission: 0 or -EACCES. */
int vfs_permission(const struct vfs_cred *c, struct vfs_inode *inode, int mask);
/* may_delete from dir (sticky rule included): 0, -EACCES, -EPERM. */
int vfs_may_delete(const struct vfs_cred *c, struct vfs_inode *dir, struct vfs_inode *victim);
/* O_CREAT open of an existing inode in a sticky directory
 * (fs.protected_regular/fifos): 0 or -EACCES. */
int vfs_may_create_in_sticky(const struct vfs_cred *c, mode_t dir_mode, uid_t dir_uid,
			     struct vfs_inode *inode);
/* Owner, group and mode of a new node in dir (inode_init_owner). */
void vfs_init_owner(const struct vfs_cred *c, struct vfs_inode *dir, mode_t mode,
		    struct vfs_new *n);
/* Refresh attributes through ->getattr. */
int vfs_refresh(struct vfs_inode *inode);
/* vfs_refresh for a permission or ownership check only: nothing to do
 * where the VFS owns mode and owners (VFS_SB_OWN_PERMS). */
int vfs_refresh_perms(struct vfs_inode *inode);

/* --- attr.c ------------------------------------------------------------- */
/* notify_change: apply attr (suid/sgid kill bits already folded in), stamp
 * ctime. */
int vfs_notify_change(struct vfs_inode *inode, struct vfs_iattr *attr);
/* What a write or truncate by c must clear: a VFS_ATTR_MODE iattr or 0. */
int vfs_kill_suid(const struct vfs_cred *c, struct vfs_inode *inode, struct vfs_iattr *attr);
int vfs_do_truncate(const struct vfs_cred *c, struct vfs_inode *inode, uint64_t len);

/* --- dir.c -------------------------------------------------------------- */
/* Create name (len bytes) in parent as n->mode says (S_IFREG, S_IFIFO,
 * S_IFSOCK, S_IFCHR, S_IFBLK: mknod; S_IFDIR: mkdir; S_IFLNK: symlink to
 * target). The caller has checked absence, EROFS and permission. *ret: new
 * dentry reference. */
int vfs_create(struct vfs_dentry *parent, const char *name, unsigned len,
	       const struct vfs_new *n, const char *target, struct vfs_dentry **ret);
/* may_create: ENOENT in a dead directory, else write+search on dir. */
int vfs_may_create(const struct vfs_cred *c, struct vfs_dentry *dir);

/* --- open.c ------------------------------------------------------------- */
int vfs_file_alloc(const struct vfs_path *path, int flags, struct vfs_file **ret);

/* dentry type for getdents */
static inline unsigned vfs_dtype(mode_t mode)
{
	return (mode & S_IFMT) >> 12;
}

#endif
