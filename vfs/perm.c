/* Permission checks, as Linux's fs/namei.c and fs/attr.c do them.
 *
 * Capabilities are bits in cred->caps. As in a user namespace, a
 * capability overrides an inode's DAC only if the inode's owner and group
 * are mapped (VFS_I_*_UNMAPPED clear): root in the sandbox cannot read a
 * host file whose owner it does not map (capable_wrt_inode_uidgid). */
#include <linux/capability.h>

#include "vfs/vfs_private.h"

struct vfs_protected vfs_protected = { .hardlinks = 1, .symlinks = 1, .regular = 0, .fifos = 0 };

bool vfs_capable(const struct vfs_cred *c, int cap)
{
	return (c->caps & VFS_CAP(cap)) != 0;
}

bool vfs_capable_wrt(const struct vfs_cred *c, const struct vfs_inode *inode, int cap)
{
	if (inode->flags & (VFS_I_UID_UNMAPPED | VFS_I_GID_UNMAPPED))
		return false;
	return vfs_capable(c, cap);
}

bool vfs_in_group(const struct vfs_cred *c, gid_t gid)
{
	if (c->egid == gid)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

bool vfs_is_owner(const struct vfs_cred *c, const struct vfs_inode *inode)
{
	return !(inode->flags & VFS_I_UID_UNMAPPED) && c->euid == inode->uid;
}

/* acl_permission_check without ACLs. */
static int mode_check(const struct vfs_cred *c, const struct vfs_inode *inode, int mask)
{
	unsigned mode = inode->mode;
	if (vfs_is_owner(c, inode))
		mode >>= 6;
	else if (!(inode->flags & VFS_I_GID_UNMAPPED) && vfs_in_group(c, inode->gid))
		mode >>= 3;
	return (mask & ~mode & 7) ? -EACCES : 0;
}

int vfs_permission(const struct vfs_cred *c, struct vfs_inode *inode, int mask)
{
	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if ((mask & MAY_WRITE) && inode->sb && (inode->sb->flags & VFS_SB_RDONLY_SB) &&
	    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) || S_ISLNK(inode->mode)))
		return -EROFS;
	/* Nobody gets write access to an immutable file. */
	if ((mask & MAY_WRITE) && (inode->flags & VFS_I_IMMUTABLE))
		return -EPERM;
	if (mode_check(c, inode, mask) == 0)
		return 0;
	if (S_ISDIR(inode->mode)) {
		if (!(mask & MAY_WRITE) && vfs_capable_wrt(c, inode, CAP_DAC_READ_SEARCH))
			return 0;
		if (vfs_capable_wrt(c, inode, CAP_DAC_OVERRIDE))
			return 0;
		return -EACCES;
	}
	if (mask == MAY_READ && vfs_capable_wrt(c, inode, CAP_DAC_READ_SEARCH))
		return 0;
	if ((!(mask & MAY_EXEC) || (inode->mode & 0111)) &&
	    vfs_capable_wrt(c, inode, CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

static bool check_sticky(const struct vfs_cred *c, struct vfs_inode *dir,
			 struct vfs_inode *inode)
{
	if (!(dir->mode & S_ISVTX))
		return false;
	if (vfs_is_owner(c, inode) || vfs_is_owner(c, dir))
		return false;
	return !vfs_capable_wrt(c, inode, CAP_FOWNER);
}

int vfs_may_delete(const struct vfs_cred *c, struct vfs_inode *dir, struct vfs_inode *victim)
{
	int r = vfs_permission(c, dir, MAY_WRITE | MAY_EXEC);
	if (r < 0)
		return r;
	if (dir->flags & VFS_I_APPEND)
		return -EPERM;
	if (check_sticky(c, dir, victim) || (victim->flags & (VFS_I_APPEND | VFS_I_IMMUTABLE)))
		return -EPERM;
	return 0;
}

void vfs_init_owner(const struct vfs_cred *c, struct vfs_inode *dir, mode_t mode,
		    struct vfs_new *n)
{
	n->uid = c->euid;
	n->rdev = 0;
	if (dir->mode & S_ISGID) {
		n->gid = dir->gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
	} else {
		n->gid = c->egid;
	}
	/* mode_strip_sgid: a non-directory may keep setgid only if its
	 * creator is in its group or may set ids. */
	if (!S_ISDIR(mode) && (mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    !vfs_in_group(c, n->gid) && !vfs_capable_wrt(c, dir, CAP_FSETID))
		mode &= ~S_ISGID;
	n->mode = mode;
}

int vfs_may_create_in_sticky(const struct vfs_cred *c, mode_t dir_mode, uid_t dir_uid,
			     struct vfs_inode *inode)
{
	if (!(dir_mode & S_ISVTX))
		return 0;
	if (S_ISREG(inode->mode) && !vfs_protected.regular)
		return 0;
	if (S_ISFIFO(inode->mode) && !vfs_protected.fifos)
		return 0;
	if (inode->uid == dir_uid || (vfs_is_owner(c, inode)))
		return 0;
	if (dir_mode & 0002)
		return -EACCES;
	if ((dir_mode & 0020) && ((vfs_protected.fifos >= 2 && S_ISFIFO(inode->mode)) ||
				  (vfs_protected.regular >= 2 && S_ISREG(inode->mode))))
		return -EACCES;
	return 0;
}
