/* devpts: the sandbox's /dev/pts, as `mount -t devpts -o
 * newinstance,ptmxmode=0666,mode=620` shows it to the kernel backend's
 * program: a root directory, the ptmx node, and one node per live pty.
 *
 * The filesystem only names and describes; it owns no pty. Which ptys
 * exist is its provider's to say (the sentry's pty table, sentry/dev/pty.c),
 * asked afresh on every lookup and listing, so a pty its provider no
 * longer reports is gone from the namespace at once. Opening a node is
 * not the filesystem's business either (the VFS refuses device nodes with
 * ENXIO): the opener asks devpts_node_of() what a node is and whose. */
#ifndef VEIL_FS_DEVPTS_H
#define VEIL_FS_DEVPTS_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vfs/vfs.h"

#define DEVPTS_MAGIC_NUMBER 0x1cd1

/* One pty as its provider reports it. */
struct devpts_pty {
	unsigned index;	      /* the N of /dev/pts/N */
	uint64_t serial;      /* differs for each pty ever given this index */
	uid_t uid;	      /* owner: the opener's fs ids, as the kernel's */
	gid_t gid;	      /* devpts_pty_new() sets them without uid=/gid= */
	dev_t rdev;	      /* the slave's device number */
	ino_t ino;	      /* the host node's inode number (index + 3) */
	struct timespec time; /* when it was allocated */
};

/* The provider: what ptys exist. Methods are called from lookups and
 * listings, never recursively; `arg` is the provider's. */
struct devpts_provider {
	/* The live pty with the lowest index greater than `after` (-1: the
	 * first): 1 with *ret filled, 0 if there is none. */
	int (*next)(void *arg, long after, struct devpts_pty *ret);
	/* Pty `index` if it is live: 0 with *ret filled, -ENOENT if not. */
	int (*get)(void *arg, unsigned index, struct devpts_pty *ret);
	/* The instance is gone: the provider may free arg. May be NULL. */
	void (*release)(void *arg);
};

struct devpts_opts {
	uid_t uid; /* owner of the root and of ptmx: the mounter's ids */
	gid_t gid;
	mode_t mode;	 /* of each pty node (mode=, 0620 for veil) */
	mode_t ptmxmode; /* of ptmx (ptmxmode=, 0666 for veil) */
	dev_t dev;	 /* st_dev to report (the host devpts whose ptys these
			  * are, so a pty fd's fstat and the node's stat agree);
			  * 0: an anonymous one */
	const struct devpts_provider *provider;
	void *arg;
};

/* A new instance with one reference for the caller (vfs_sb_put); it owns
 * `arg` from now on, even on failure (release is called). -ENOMEM. */
int devpts_new(const struct devpts_opts *opts, struct vfs_sb **ret);

enum devpts_node {
	DEVPTS_NONE, /* not a devpts node (another fs, or the root) */
	DEVPTS_PTMX,
	DEVPTS_PTY,
};

/* What `inode` is; for DEVPTS_PTMX and DEVPTS_PTY *arg is the instance's
 * provider argument, and for DEVPTS_PTY *index the pty's index. */
enum devpts_node devpts_node_of(const struct vfs_inode *inode, void **arg, unsigned *index);

#endif
