/* Every mount op realised as kernel mounts, one switch over the op types.
 *
 * Runs in the setup child after the first pivot_root: "/" is the base
 * tmpfs, the new root is /newroot and the host's root is /oldroot. Ops are
 * applied in spec order, so a later op lands on top of an earlier one; each
 * creates the parents of its destination first (mode 0755, narrowed as
 * bubblewrap does when the op's own perms deny group or other access).
 *
 * Invariant: every path is resolved with openat2(RESOLVE_IN_ROOT) beneath
 * the root it belongs to: destinations beneath /newroot, host sources
 * beneath /oldroot. A symlink planted in a bound directory (say, by the
 * program in an earlier run) therefore resolves inside the sandbox and can
 * never make setup write, chmod or mount over a host path; absolute links
 * mean what they mean inside the sandbox. Mounts are then made on the
 * resolved fd (move_mount, or mount(2) through /proc/self/fd), and a bind
 * gets its flags while still detached, so it is never visible writable.
 * Messages use bubblewrap's wording with the sandbox's paths. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/openat2.h"
#include "base/xalloc.h"
#include "platform/ns/ns_private.h"

#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif

enum bind_flags {
	BIND_READONLY = 1u << 0,
	BIND_DEVICES = 1u << 1,
};

/* Per op: the roots paths resolve beneath. The new root is reopened for
 * each op, since an op may mount over / itself. */
struct roots {
	int newroot;
	int oldroot;
};

/* "/a/b" -> "a/b"; "/" -> "." (openat2 wants a relative path). */
static const char *rel_of(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static int resolve(int root, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = openat2_retry(root, rel, &how);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

/* The magic link naming fd, for the calls that only take a path. */
static char *fd_path(int fd)
{
	return xasprintf("/oldroot/proc/self/fd/%d", fd);
}

/* rel -> its parent directory (resolved) and last component. */
static int open_parent(int root, const char *rel, char **ret_name)
{
	const char *slash = strrchr(rel, '/');
	_cleanup_free_ char *parent = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup(".");
	*ret_name = xstrdup(slash ? slash + 1 : rel);
	return resolve(root, parent, O_PATH | O_DIRECTORY, 0);
}

/* mkdir; fine when a directory (or a link to one, inside) is there. */
static int ensure_dir(int root, const char *rel, mode_t mode)
{
	if (strcmp(rel, ".") == 0)
		return 0;
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = open_parent(root, rel, &name);
	if (parent < 0)
		return -1;
	if (mkdirat(parent, name, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	_cleanup_close_ int fd = resolve(root, rel, O_PATH | O_DIRECTORY, 0);
	return fd < 0 ? -1 : 0;
}

/* mkdir -p of every component of rel but the last. */
static int mkdir_parents(int root, const char *rel, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(rel);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = ensure_dir(root, p, mode);
		*s = '/';
		if (r < 0)
			return -1;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int create_file(int root, const char *rel, mode_t mode, const char *data, size_t len)
{
	_cleanup_close_ int fd = resolve(root, rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY, mode);
	if (fd < 0)
		return -1;
	return write_all(fd, data, len);
}

/* An empty file to mount on, unless a non-directory is there already. */
static int ensure_file(int root, const char *rel, mode_t mode)
{
	_cleanup_close_ int fd = resolve(root, rel, O_PATH, 0);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) != 0)
			return -1;
		if (!S_ISDIR(st.st_mode))
			return 0;
		errno = EISDIR;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	_cleanup_close_ int nfd = resolve(root, rel, O_WRONLY | O_CREAT | O_NOCTTY, mode);
	return nfd < 0 ? -1 : 0;
}

/* A recursive bind of the tree at src onto target: cloned detached, made
 * read-only unless asked, nodev unless asked and nosuid always (on every
 * mount of the tree, so a submount cannot stay writable), then attached.
 * Attributes are only ever added, which works on the mounts a user
 * namespace locked. */
static int bind_fd(int src, int target, unsigned flags)
{
	_cleanup_close_ int tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						      AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID };
	if (flags & BIND_READONLY)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (!(flags & BIND_DEVICES))
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) != 0)
		return -1;
	return move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* mount(2) of a filesystem on the resolved target. */
static int mount_on(int target, const char *fstype, unsigned long flags, const char *opts)
{
	_cleanup_free_ char *path = fd_path(target);
	return mount(fstype, path, fstype, flags, opts);
}

static int op_bind(struct ns_ctx *ctx, const struct roots *r, size_t idx,
		   const struct mount_op *op, const char *rel, struct veil_error **err)
{
	const char *host = ctx->fd_sources && ctx->fd_sources[idx] ? ctx->fd_sources[idx]
								 : op->source;
	_cleanup_close_ int src = resolve(r->oldroot, rel_of(host), O_PATH, 0);
	struct stat st;
	if (src < 0 || fstat(src, &st) != 0) {
		if ((op->flags & MOUNT_OP_OPTIONAL) && errno == ENOENT)
			return 0;
		return verr_set(err, errno, "Can't get type of source %s", host);
	}
	if (S_ISDIR(st.st_mode)) {
		if (ensure_dir(r->newroot, rel, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
	} else if (ensure_file(r->newroot, rel, 0444) != 0) {
		return verr_set(err, errno, "Can't create file at %s", op->dest);
	}
	_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH, 0);
	unsigned flags = (op->flags & MOUNT_OP_WRITABLE ? 0 : BIND_READONLY) |
			 (op->flags & MOUNT_OP_DEVICES ? BIND_DEVICES : 0);
	if (target < 0 || bind_fd(src, target, flags) != 0)
		return verr_set(err, errno, "Can't bind mount %s on %s", host, op->dest);
	if (op->source_fd >= 0) {
		/* The fd was resolved to a path before the pivot: make sure
		 * that path still named the fd's file when it was mounted. */
		struct stat fd_st, mount_st;
		/* On the root itself ("/"), r->newroot is the directory the
		 * mount now covers: the mount is what /newroot names now. */
		_cleanup_close_ int mounted = strcmp(rel, ".") != 0 ? resolve(r->newroot, rel, O_PATH, 0)
					: open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fstat(op->source_fd, &fd_st) != 0)
			return verr_set(err, errno, "Can't stat fd %d", op->source_fd);
		if (mounted < 0 || fstat(mounted, &mount_st) != 0)
			return verr_set(err, errno, "Can't stat mount at %s", op->dest);
		if (fd_st.st_ino != mount_st.st_ino || fd_st.st_dev != mount_st.st_dev)
			return verr_set(err, 0, "Race condition binding dirfd");
	}
	return 0;
}

static void append_escaped(char **buf, const char *prefix, const char *path)
{
	size_t old = *buf ? strlen(*buf) : 0;
	size_t need = old + strlen(prefix) + 2 * strlen(path) + 1;
	*buf = xrealloc(*buf, need);
	char *o = *buf + old;
	o += sprintf(o, "%s", prefix);
	for (const char *s = path; *s; s++) {
		if (*s == '\\' || *s == ':' || *s == ',')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
}

static int op_overlay(struct ns_ctx *ctx, const struct roots *r, const struct mount_op *op,
		      const char *rel, struct veil_error **err)
{
	_cleanup_free_ char *opts = NULL;
	if (ensure_dir(r->newroot, rel, 0755) != 0)
		return verr_set(err, errno, "Can't mkdir %s", op->dest);
	switch (op->overlay.upper_kind) {
	case OVERLAY_UPPER_HOST:
		append_escaped(&opts, "upperdir=/oldroot", op->overlay.upper);
		append_escaped(&opts, ",workdir=/oldroot", op->overlay.workdir);
		append_escaped(&opts, ",", "");
		break;
	case OVERLAY_UPPER_TMPFS: {
		/* On the base tmpfs, which vanishes with the sandbox. */
		int n = ctx->tmp_overlay_count++;
		_cleanup_free_ char *upper = xasprintf("/tmp-overlay-upper-%d", n);
		_cleanup_free_ char *work = xasprintf("/tmp-overlay-work-%d", n);
		if (mkdir(upper, 0755) != 0)
			return verr_set(err, errno, "Creating --tmp-overlay upperdir failed");
		if (mkdir(work, 0755) != 0)
			return verr_set(err, errno, "Creating --tmp-overlay workdir failed");
		opts = xasprintf("upperdir=%s,workdir=%s,", upper, work);
		break;
	}
	case OVERLAY_UPPER_NONE:
		break;
	}
	/* overlayfs lists lowerdirs top first; the spec holds them lowest first. */
	size_t n = strv_length(op->overlay.lowers);
	for (size_t i = n; i > 0; i--)
		append_escaped(&opts, i == n ? "lowerdir=/oldroot" : ":/oldroot",
			       op->overlay.lowers[i - 1]);
	if (ctx->userns)
		append_escaped(&opts, ",userxattr", "");
	_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
	if (target < 0 || mount_on(target, "overlay", MS_MGC_VAL, opts) != 0) {
		if (errno == ELOOP)
			return verr_set(err, 0, "Can't make overlay mount on %s with options %s: "
					"Overlay directories may not overlap", op->dest, opts);
		return verr_set(err, errno, "Can't make overlay mount on %s with options %s",
				op->dest, opts);
	}
	return 0;
}

/* Binds the host's /dev/NAME-style `src` (beneath /oldroot) on the object
 * at dirfd/name. */
static int bind_host_at(const struct roots *r, const char *src_rel, int dirfd, const char *name,
			unsigned flags)
{
	_cleanup_close_ int src = resolve(r->oldroot, src_rel, O_PATH, 0);
	_cleanup_close_ int target = resolve(dirfd, name, O_PATH | O_NOFOLLOW, 0);
	if (src < 0 || target < 0)
		return -1;
	return bind_fd(src, target, flags);
}

static int op_proc(struct ns_ctx *ctx, const struct roots *r, const struct mount_op *op,
		   const char *rel, struct veil_error **err)
{
	if (ensure_dir(r->newroot, rel, 0755) != 0)
		return verr_set(err, errno, "Can't mkdir %s", op->dest);
	_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
	if (target < 0)
		return verr_set(err, errno, "Can't mount proc on %s", op->dest);
	if (ctx->clone_flags & CLONE_NEWPID) {
		if (mount_on(target, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0)
			return verr_set(err, errno, "Can't mount proc on %s", op->dest);
	} else {
		/* Sharing the host's pid namespace: its proc, as bubblewrap. */
		_cleanup_close_ int host = resolve(r->oldroot, "proc", O_PATH | O_DIRECTORY, 0);
		if (host < 0 || bind_fd(host, target, 0) != 0)
			return verr_set(err, errno, "Can't bind mount /proc on %s", op->dest);
	}
	_cleanup_close_ int proc = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
	if (proc < 0)
		return verr_set(err, errno, "Can't mount proc on %s", op->dest);
	/* Read-only: what would let a sandbox whose uid 0 is the host's write
	 * host state (sysctls such as kernel.core_pattern, sysrq). */
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq", "bus" };
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		_cleanup_close_ int sub = resolve(proc, ro[i], O_PATH | O_NOFOLLOW, 0);
		if (sub < 0 && errno == ENOENT)
			continue;
		if (sub < 0 || bind_fd(sub, sub, BIND_READONLY) != 0)
			return verr_set(err, errno, "Can't bind mount %s/%s on %s/%s", op->dest, ro[i],
					op->dest, ro[i]);
	}
	/* Masked: host memory, the keyring and timer internals. */
	static const char *const masked[] = { "kcore", "keys", "timer_list" };
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		_cleanup_close_ int sub = resolve(proc, masked[i], O_PATH | O_NOFOLLOW, 0);
		if (sub < 0 && errno == ENOENT)
			continue;
		if (bind_host_at(r, "dev/null", proc, masked[i], BIND_READONLY | BIND_DEVICES) != 0)
			return verr_set(err, errno, "Can't bind mount /dev/null on %s/%s", op->dest,
					masked[i]);
	}
	return 0;
}

static int op_dev(struct ns_ctx *ctx, const struct roots *r, const struct mount_op *op,
		  const char *rel, struct veil_error **err)
{
	if (ensure_dir(r->newroot, rel, 0755) != 0)
		return verr_set(err, errno, "Can't mkdir %s", op->dest);
	_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
	if (target < 0 || mount_on(target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
		return verr_set(err, errno, "Can't mount tmpfs on %s", op->dest);
	_cleanup_close_ int dev = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
	if (dev < 0)
		return verr_set(err, errno, "Can't mount tmpfs on %s", op->dest);

	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		_cleanup_free_ char *src = xasprintf("dev/%s", nodes[i]);
		if (create_file(dev, nodes[i], 0444, NULL, 0) != 0)
			return verr_set(err, errno, "Can't create file %s/%s", op->dest, nodes[i]);
		if (bind_host_at(r, src, dev, nodes[i], BIND_DEVICES) != 0)
			return verr_set(err, errno, "Can't bind mount /%s on %s/%s", src, op->dest,
					nodes[i]);
	}
	static const struct {
		const char *name, *target;
	} links[] = {
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" },
		{ "core", "/proc/kcore" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i].target, dev, links[i].name) != 0)
			return verr_set(err, errno, "Can't create symlink %s/%s", op->dest,
					links[i].name);
	if (mkdirat(dev, "shm", 0755) != 0)
		return verr_set(err, errno, "Can't create %s/shm", op->dest);
	if (mkdirat(dev, "pts", 0755) != 0)
		return verr_set(err, errno, "Can't create %s/devpts", op->dest);
	_cleanup_close_ int pts = resolve(dev, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
	if (pts < 0 || mount_on(pts, "devpts", MS_NOSUID | MS_NOEXEC,
				"newinstance,ptmxmode=0666,mode=620") != 0)
		return verr_set(err, errno, "Can't mount devpts on %s/pts", op->dest);
	if (symlinkat("pts/ptmx", dev, "ptmx") != 0)
		return verr_set(err, errno, "Can't make symlink at %s/ptmx", op->dest);

	/* With a terminal on stdout the sandbox can write to it anyway; a
	 * console naming it makes ttyname() work inside. */
	if (ctx->host_tty && *ctx->host_tty) {
		if (create_file(dev, "console", 0444, NULL, 0) != 0)
			return verr_set(err, errno, "creating %s/console", op->dest);
		if (bind_host_at(r, rel_of(ctx->host_tty), dev, "console", BIND_DEVICES) != 0)
			return verr_set(err, errno, "Can't bind mount %s on %s/console",
					ctx->host_tty, op->dest);
	}
	return 0;
}

static int op_symlink(const struct roots *r, const struct mount_op *op, const char *rel,
		      struct veil_error **err)
{
	_cleanup_free_ char *name = NULL;
	_cleanup_close_ int parent = open_parent(r->newroot, rel, &name);
	if (parent < 0)
		return verr_set(err, errno, "Can't make symlink at %s", op->dest);
	if (symlinkat(op->source, parent, name) == 0)
		return 0;
	if (errno != EEXIST)
		return verr_set(err, errno, "Can't make symlink at %s", op->dest);
	char existing[PATH_MAX];
	ssize_t n = readlinkat(parent, name, existing, sizeof(existing) - 1);
	if (n < 0) {
		if (errno == EINVAL)
			return verr_set(err, 0, "Can't make symlink at %s: destination exists "
					"and is not a symlink", op->dest);
		return verr_set(err, errno, "Can't make symlink at %s: destination exists, "
				"and cannot read symlink target", op->dest);
	}
	existing[n] = '\0';
	if (strcmp(existing, op->source) == 0)
		return 0;
	return verr_set(err, 0, "Can't make symlink at %s: existing destination is %s",
			op->dest, existing);
}

static int op_bind_data(const struct roots *r, const struct mount_op *op, const char *rel,
			struct veil_error **err)
{
	/* On the base tmpfs, outside the new root: only the mount reaches it. */
	char tmp[] = "/bindfileXXXXXX";
	_cleanup_close_ int fd = mkstemp(tmp);
	if (fd < 0)
		return verr_set(err, errno, "Can't create tmpfile for %s", op->dest);
	_cleanup_close_ int src = -1, target = -1;
	int ret = -1;
	if (fchmod(fd, op->perms) != 0) {
		verr_set(err, errno, "Can't set mode %#o on file to be used for %s",
			 (unsigned)op->perms, op->dest);
		goto out_unlink;
	}
	if (write_all(fd, op->data, op->data_len) != 0) {
		verr_set(err, errno, "Can't write data to file %s", op->dest);
		goto out_unlink;
	}
	if (ensure_file(r->newroot, rel, 0444) != 0) {
		verr_set(err, errno, "Can't create file at %s", op->dest);
		goto out_unlink;
	}
	src = open(tmp, O_PATH | O_CLOEXEC);
	target = resolve(r->newroot, rel, O_PATH, 0);
	if (src < 0 || target < 0 ||
	    bind_fd(src, target, op->flags & MOUNT_OP_WRITABLE ? 0 : BIND_READONLY) != 0) {
		verr_set(err, errno, "Can't bind mount %s on %s", tmp, op->dest);
		goto out_unlink;
	}
	ret = 0;
out_unlink:
	unlink(tmp);
	return ret;
}

static int apply_one(struct ns_ctx *ctx, const struct roots *r, size_t idx,
		     const struct mount_op *op, struct veil_error **err)
{
	const char *rel = rel_of(op->dest);
	if (op->type != MOUNT_OP_CHMOD && mkdir_parents(r->newroot, rel, spec_op_parent_mode(op)) != 0)
		return verr_set(err, errno, "Can't mkdir parents for %s", op->dest);

	switch (op->type) {
	case MOUNT_OP_BIND:
		return op_bind(ctx, r, idx, op, rel, err);
	case MOUNT_OP_TMPFS: {
		_cleanup_free_ char *opts =
			op->size ? xasprintf("mode=%#o,size=%llu", (unsigned)op->perms,
					     (unsigned long long)op->size)
				 : xasprintf("mode=%#o", (unsigned)op->perms);
		unsigned long flags = MS_NOSUID | MS_NODEV;
		if (op->flags & MOUNT_OP_READONLY)
			flags |= MS_RDONLY;
		if (ensure_dir(r->newroot, rel, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
		if (target < 0 || mount_on(target, "tmpfs", flags, opts) != 0)
			return verr_set(err, errno, "Can't mount tmpfs on %s", op->dest);
		return 0;
	}
	case MOUNT_OP_OVERLAY:
		return op_overlay(ctx, r, op, rel, err);
	case MOUNT_OP_PROC:
		return op_proc(ctx, r, op, rel, err);
	case MOUNT_OP_DEV:
		return op_dev(ctx, r, op, rel, err);
	case MOUNT_OP_MQUEUE: {
		if (ensure_dir(r->newroot, rel, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH | O_DIRECTORY, 0);
		if (target < 0 || mount_on(target, "mqueue", 0, NULL) != 0)
			return verr_set(err, errno, "Can't mount mqueue on %s", op->dest);
		return 0;
	}
	case MOUNT_OP_DIR:
		if (ensure_dir(r->newroot, rel, op->perms) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		return 0;
	case MOUNT_OP_SYMLINK:
		return op_symlink(r, op, rel, err);
	case MOUNT_OP_FILE:
		if (create_file(r->newroot, rel, op->perms, op->data, op->data_len) != 0)
			return verr_set(err, errno, "Can't create file %s", op->dest);
		return 0;
	case MOUNT_OP_BIND_DATA:
		return op_bind_data(r, op, rel, err);
	case MOUNT_OP_REMOUNT_RO: {
		/* Only the mount at dest: its submounts keep their own flags. */
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH, 0);
		if (target < 0 ||
		    mount_setattr(target, "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0)
			return verr_set(err, errno, "Can't remount readonly on %s", op->dest);
		return 0;
	}
	case MOUNT_OP_CHMOD: {
		_cleanup_close_ int target = resolve(r->newroot, rel, O_PATH, 0);
		_cleanup_free_ char *path = target >= 0 ? fd_path(target) : NULL;
		if (!path || chmod(path, op->perms) != 0)
			return verr_set(err, errno, "Can't chmod %#o %s", (unsigned)op->perms,
					op->dest);
		return 0;
	}
	}
	return verr_set(err, 0, "Unexpected mount op type %d", (int)op->type);
}

int ns_mounts_apply(struct ns_ctx *ctx, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	_cleanup_close_ int oldroot = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return verr_set(err, errno, "Can't open /oldroot");
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		if (op->flags & MOUNT_OP_SKIPPED)
			continue;
		_cleanup_close_ int newroot = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (newroot < 0)
			return verr_set(err, errno, "Can't open /newroot");
		struct roots r = { .newroot = newroot, .oldroot = oldroot };
		if (apply_one(ctx, &r, i, op, err) < 0)
			return -1;
	}
	return 0;
}
