/* The sandbox's ptys: what its devpts (fs/devpts) lists, and how its
 * ptmx and pty nodes open.
 *
 * Opening ptmx opens the host's /dev/ptmx (a fixed path, never one the
 * program named): a real pty, whose number is the host's (the sandbox has
 * no devpts instance of its own). The table keeps, per pty, only an
 * O_PATH fd on the slave's host node (TIOCGPTPEER): it names that one pty
 * and does not keep it alive. When the program closes the master's last
 * fd, the kernel unlinks the node (nlink 0), and the table forgets the
 * pty the next time it looks, as /dev/pts/N vanishes in the kernel.
 * Opening a pty node reopens that O_PATH fd (/proc/self/fd/N of the
 * sentry's own fd): exactly the slave of a pty the sandbox allocated,
 * never another of the host's. */
#ifndef VEIL_SENTRY_PTY_H
#define VEIL_SENTRY_PTY_H

#include <stdbool.h>
#include <sys/types.h>

#include "fs/devpts/devpts.h"
#include "vfs/vfs.h"

struct pty_table;

/* A new, empty table; NULL when out of memory. */
struct pty_table *pty_table_new(void);
void pty_table_free(struct pty_table *t);

/* The provider a devpts instance asks (arg: a pty_table, which release
 * frees). */
extern const struct devpts_provider pty_devpts_provider;

/* st_dev of the host devpts whose ptys the host's /dev/ptmx allocates, or
 * 0 when it cannot tell. */
dev_t pty_host_dev(void);

/* Who opens: the fs ids (the new pty's owner) and the task (for the
 * controlling-terminal rules); and, set by pty_open_node(), whether the
 * opened slave should become the task's controlling terminal, as a real
 * open would make it (the caller makes the task run TIOCSCTTY: the sentry
 * opens in its own process, always with O_NOCTTY). */
struct pty_opener {
	pid_t tid, tgid; /* tgid: the sentry knows it (sentry_task_tgid) */
	uid_t fsuid;
	gid_t fsgid;
	bool take_ctty;
};

/* Opens devpts node `inode` with the program's open `flags` (access
 * mode, O_NONBLOCK, O_NOCTTY kept): ptmx allocates a pty, a pty node opens
 * its slave. An fd (close-on-exec, the caller's), -EOPNOTSUPP if inode is
 * not a devpts node, -ENOENT for a pty gone meanwhile, -EIO for a locked
 * slave (as the kernel), or the host's -errno. */
int pty_open_node(struct vfs_inode *inode, int flags, struct pty_opener *who);

/* Opens the slave of the sandbox's live pty with device number `rdev`
 * (for /dev/tty, sentry/dev/devices.c): an fd, or -ENXIO if it has none. */
int pty_open_rdev(dev_t rdev, int flags);

/* The number of live ptys in t (forgetting the dead ones), and of
 * entries (O_PATH fds) it holds: for tests. */
size_t pty_table_live(struct pty_table *t);
size_t pty_table_held(const struct pty_table *t);

#endif
