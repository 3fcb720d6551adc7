/* Every mount op realised as kernel mounts, one switch over the op types.
 *
 * Runs in the setup child after the first pivot_root: "/" is the base
 * tmpfs, the new root is /newroot and the host's root is /oldroot. Ops are
 * applied in spec order, so a later op lands on top of an earlier one; each
 * creates the parents of its destination first (mode 0755, narrowed as
 * bubblewrap does when the op's own perms deny group or other access).
 * Messages use bubblewrap's wording with the sandbox's paths. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/ns/ns_private.h"

#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif

enum bind_flags {
	BIND_READONLY = 1u << 0,
	BIND_DEVICES = 1u << 1,
};

static char *under(const char *prefix, const char *path)
{
	return xasprintf("%s%s", prefix, path);
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ensure_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST) {
		if (is_dir(path))
			return 0;
		errno = ENOTDIR;
	}
	return -1;
}

/* mkdir -p of every component of `path` but the last. */
static int mkdir_parents(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = ensure_dir(p, mode);
		*s = '/';
		if (r < 0)
			return -1;
	}
	return 0;
}

static int create_file(const char *path, mode_t mode, const char *data, size_t len)
{
	_cleanup_close_ int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC,
				      mode);
	if (fd < 0)
		return -1;
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

/* An empty file to mount on, unless a non-directory is there already. */
static int ensure_file(const char *path, mode_t mode)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return 0;
	_cleanup_close_ int fd = open(path, O_CREAT | O_WRONLY | O_NOCTTY | O_CLOEXEC, mode);
	if (fd < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Adds mount attributes to the mount at `path` (and every mount below it
 * when recursive). Attributes are only ever added, so this also works on
 * mounts whose flags the user namespace locked. */
static int set_attrs(const char *path, uint64_t attrs, bool recursive)
{
	struct mount_attr attr = { .attr_set = attrs };
	return mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof(attr));
}

/* A recursive bind, then read-only unless asked, nodev unless asked, and
 * nosuid always, on every mount of the bound tree. `what` names the op
 * in messages: "SRC on DEST" with the user's paths. */
static int bind(const char *src, const char *dest, unsigned flags, const char *user_src,
		const char *user_dest, struct veil_error **err)
{
	if (mount(src, dest, NULL, MS_BIND | MS_REC | MS_SILENT, NULL) != 0)
		return verr_set(err, errno, "Can't bind mount %s on %s", user_src, user_dest);
	uint64_t attrs = MOUNT_ATTR_NOSUID;
	if (flags & BIND_READONLY)
		attrs |= MOUNT_ATTR_RDONLY;
	if (!(flags & BIND_DEVICES))
		attrs |= MOUNT_ATTR_NODEV;
	if (set_attrs(dest, attrs, true) != 0)
		return verr_set(err, errno, "Can't bind mount %s on %s: can't apply mount flags",
				user_src, user_dest);
	return 0;
}

static int op_bind(struct ns_ctx *ctx, size_t idx, const struct mount_op *op,
		   const char *dest, struct veil_error **err)
{
	const char *host = ctx->fd_sources && ctx->fd_sources[idx] ? ctx->fd_sources[idx]
								 : op->source;
	_cleanup_free_ char *src = under("/oldroot", host);
	struct stat st;
	if (stat(src, &st) != 0) {
		if ((op->flags & MOUNT_OP_OPTIONAL) && errno == ENOENT)
			return 0;
		return verr_set(err, errno, "Can't get type of source %s", host);
	}
	if (S_ISDIR(st.st_mode)) {
		if (ensure_dir(dest, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
	} else if (ensure_file(dest, 0444) != 0) {
		return verr_set(err, errno, "Can't create file at %s", op->dest);
	}
	unsigned flags = (op->flags & MOUNT_OP_WRITABLE ? 0 : BIND_READONLY) |
			 (op->flags & MOUNT_OP_DEVICES ? BIND_DEVICES : 0);
	if (bind(src, dest, flags, host, op->dest, err) < 0)
		return -1;
	if (op->source_fd >= 0) {
		/* The fd was resolved to a path before the pivot: make sure
		 * that path still named the fd's file when it was mounted. */
		struct stat fd_st, mount_st;
		if (fstat(op->source_fd, &fd_st) != 0)
			return verr_set(err, errno, "Can't stat fd %d", op->source_fd);
		if (lstat(dest, &mount_st) != 0)
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

static int op_overlay(struct ns_ctx *ctx, const struct mount_op *op, const char *dest,
		      struct veil_error **err)
{
	_cleanup_free_ char *opts = NULL;
	if (ensure_dir(dest, 0755) != 0)
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
	if (mount("overlay", dest, "overlay", MS_MGC_VAL, opts) != 0) {
		if (errno == ELOOP)
			return verr_set(err, 0, "Can't make overlay mount on %s with options %s: "
					"Overlay directories may not overlap", op->dest, opts);
		return verr_set(err, errno, "Can't make overlay mount on %s with options %s",
				op->dest, opts);
	}
	return 0;
}

static int op_proc(struct ns_ctx *ctx, const struct mount_op *op, const char *dest,
		   struct veil_error **err)
{
	if (ensure_dir(dest, 0755) != 0)
		return verr_set(err, errno, "Can't mkdir %s", op->dest);
	if (ctx->clone_flags & CLONE_NEWPID) {
		if (mount("proc", dest, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) != 0)
			return verr_set(err, errno, "Can't mount proc on %s", op->dest);
	} else if (bind("/oldroot/proc", dest, 0, "/proc", op->dest, err) < 0) {
		/* Sharing the host's pid namespace: its proc, as bubblewrap. */
		return -1;
	}
	/* Read-only: what would let a sandbox whose uid 0 is the host's write
	 * host state (sysctls such as kernel.core_pattern, sysrq). */
	static const char *const ro[] = { "sys", "sysrq-trigger", "irq", "bus" };
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dest, ro[i]);
		_cleanup_free_ char *user = xasprintf("%s/%s", op->dest, ro[i]);
		if (access(sub, F_OK) != 0)
			continue;
		if (bind(sub, sub, BIND_READONLY, user, user, err) < 0)
			return -1;
	}
	/* Masked: host memory, the keyring and timer internals. */
	static const char *const masked[] = { "kcore", "keys", "timer_list" };
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		_cleanup_free_ char *sub = xasprintf("%s/%s", dest, masked[i]);
		_cleanup_free_ char *user = xasprintf("%s/%s", op->dest, masked[i]);
		if (access(sub, F_OK) != 0)
			continue;
		if (bind("/oldroot/dev/null", sub, BIND_READONLY | BIND_DEVICES, "/dev/null", user,
			 err) < 0)
			return -1;
	}
	return 0;
}

static int op_dev(struct ns_ctx *ctx, const struct mount_op *op, const char *dest,
		  struct veil_error **err)
{
	if (ensure_dir(dest, 0755) != 0)
		return verr_set(err, errno, "Can't mkdir %s", op->dest);
	if (mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
		return verr_set(err, errno, "Can't mount tmpfs on %s", op->dest);

	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		_cleanup_free_ char *node = xasprintf("%s/%s", dest, nodes[i]);
		_cleanup_free_ char *src = xasprintf("/oldroot/dev/%s", nodes[i]);
		_cleanup_free_ char *user_src = xasprintf("/dev/%s", nodes[i]);
		_cleanup_free_ char *user = xasprintf("%s/%s", op->dest, nodes[i]);
		if (create_file(node, 0444, NULL, 0) != 0)
			return verr_set(err, errno, "Can't create file %s/%s", op->dest, nodes[i]);
		if (bind(src, node, BIND_DEVICES, user_src, user, err) < 0)
			return -1;
	}
	static const struct {
		const char *name, *target;
	} links[] = {
		{ "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" },
		{ "core", "/proc/kcore" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		_cleanup_free_ char *link = xasprintf("%s/%s", dest, links[i].name);
		if (symlink(links[i].target, link) != 0)
			return verr_set(err, errno, "Can't create symlink %s/%s", op->dest,
					links[i].name);
	}
	_cleanup_free_ char *shm = xasprintf("%s/shm", dest);
	_cleanup_free_ char *pts = xasprintf("%s/pts", dest);
	_cleanup_free_ char *ptmx = xasprintf("%s/ptmx", dest);
	if (mkdir(shm, 0755) != 0)
		return verr_set(err, errno, "Can't create %s/shm", op->dest);
	if (mkdir(pts, 0755) != 0)
		return verr_set(err, errno, "Can't create %s/devpts", op->dest);
	if (mount("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") != 0)
		return verr_set(err, errno, "Can't mount devpts on %s/pts", op->dest);
	if (symlink("pts/ptmx", ptmx) != 0)
		return verr_set(err, errno, "Can't make symlink at %s/ptmx", op->dest);

	/* With a terminal on stdout the sandbox can write to it anyway; a
	 * console naming it makes ttyname() work inside. */
	if (ctx->host_tty && *ctx->host_tty) {
		_cleanup_free_ char *src = under("/oldroot", ctx->host_tty);
		_cleanup_free_ char *console = xasprintf("%s/console", dest);
		_cleanup_free_ char *user = xasprintf("%s/console", op->dest);
		if (create_file(console, 0444, NULL, 0) != 0)
			return verr_set(err, errno, "creating %s/console", op->dest);
		if (bind(src, console, BIND_DEVICES, ctx->host_tty, user, err) < 0)
			return -1;
	}
	return 0;
}

static int op_symlink(const struct mount_op *op, const char *dest, struct veil_error **err)
{
	if (symlink(op->source, dest) == 0)
		return 0;
	if (errno != EEXIST)
		return verr_set(err, errno, "Can't make symlink at %s", op->dest);
	char existing[PATH_MAX];
	ssize_t n = readlink(dest, existing, sizeof(existing) - 1);
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

static int op_bind_data(const struct mount_op *op, const char *dest, struct veil_error **err)
{
	char tmp[] = "/bindfileXXXXXX";
	_cleanup_close_ int fd = mkstemp(tmp);
	if (fd < 0)
		return verr_set(err, errno, "Can't create tmpfile for %s", op->dest);
	int r = -1;
	if (fchmod(fd, op->perms) != 0) {
		verr_set(err, errno, "Can't set mode %#o on file to be used for %s",
			 (unsigned)op->perms, op->dest);
		goto out_unlink;
	}
	if (create_file(tmp, op->perms, op->data, op->data_len) != 0) {
		verr_set(err, errno, "Can't write data to file %s", op->dest);
		goto out_unlink;
	}
	if (ensure_file(dest, 0444) != 0) {
		verr_set(err, errno, "Can't create file at %s", op->dest);
		goto out_unlink;
	}
	r = bind(tmp, dest, op->flags & MOUNT_OP_WRITABLE ? 0 : BIND_READONLY, tmp, op->dest,
		 err);
out_unlink:
	/* Nothing but the mount may reach the file. */
	unlink(tmp);
	return r;
}

/* Parents of an op's destination are created 0755, without group or
 * other access when the op's own perms deny it (least astonishment, as
 * bubblewrap). */
static mode_t parent_mode(const struct mount_op *op)
{
	mode_t mode = 0755;
	switch (op->type) {
	case MOUNT_OP_TMPFS:
	case MOUNT_OP_DIR:
	case MOUNT_OP_FILE:
	case MOUNT_OP_BIND_DATA:
		if ((op->perms & 0070) == 0)
			mode &= ~0050u;
		if ((op->perms & 0007) == 0)
			mode &= ~0005u;
		break;
	case MOUNT_OP_BIND:
	case MOUNT_OP_OVERLAY:
	case MOUNT_OP_PROC:
	case MOUNT_OP_DEV:
	case MOUNT_OP_MQUEUE:
	case MOUNT_OP_SYMLINK:
	case MOUNT_OP_REMOUNT_RO:
	case MOUNT_OP_CHMOD:
		break;
	}
	return mode;
}

static int apply_one(struct ns_ctx *ctx, size_t idx, const struct mount_op *op,
		     struct veil_error **err)
{
	_cleanup_free_ char *dest = under("/newroot", op->dest);
	if (op->type != MOUNT_OP_CHMOD && mkdir_parents(dest, parent_mode(op)) != 0)
		return verr_set(err, errno, "Can't mkdir parents for %s", op->dest);

	switch (op->type) {
	case MOUNT_OP_BIND:
		return op_bind(ctx, idx, op, dest, err);
	case MOUNT_OP_TMPFS: {
		_cleanup_free_ char *opts =
			op->size ? xasprintf("mode=%#o,size=%llu", (unsigned)op->perms,
					     (unsigned long long)op->size)
				 : xasprintf("mode=%#o", (unsigned)op->perms);
		if (ensure_dir(dest, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		if (mount("tmpfs", dest, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0)
			return verr_set(err, errno, "Can't mount tmpfs on %s", op->dest);
		if ((op->flags & MOUNT_OP_READONLY) && set_attrs(dest, MOUNT_ATTR_RDONLY, false) != 0)
			return verr_set(err, errno, "Can't remount readonly on %s", op->dest);
		return 0;
	}
	case MOUNT_OP_OVERLAY:
		return op_overlay(ctx, op, dest, err);
	case MOUNT_OP_PROC:
		return op_proc(ctx, op, dest, err);
	case MOUNT_OP_DEV:
		return op_dev(ctx, op, dest, err);
	case MOUNT_OP_MQUEUE:
		if (ensure_dir(dest, 0755) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		if (mount("mqueue", dest, "mqueue", 0, NULL) != 0)
			return verr_set(err, errno, "Can't mount mqueue on %s", op->dest);
		return 0;
	case MOUNT_OP_DIR:
		if (ensure_dir(dest, op->perms) != 0)
			return verr_set(err, errno, "Can't mkdir %s", op->dest);
		return 0;
	case MOUNT_OP_SYMLINK:
		return op_symlink(op, dest, err);
	case MOUNT_OP_FILE:
		if (create_file(dest, op->perms, op->data, op->data_len) != 0)
			return verr_set(err, errno, "Can't create file %s", op->dest);
		return 0;
	case MOUNT_OP_BIND_DATA:
		return op_bind_data(op, dest, err);
	case MOUNT_OP_REMOUNT_RO:
		/* Only the mount at dest: its submounts keep their own flags. */
		if (set_attrs(dest, MOUNT_ATTR_RDONLY, false) != 0)
			return verr_set(err, errno, "Can't remount readonly on %s", op->dest);
		return 0;
	case MOUNT_OP_CHMOD:
		if (chmod(dest, op->perms) != 0)
			return verr_set(err, errno, "Can't chmod %#o %s", (unsigned)op->perms,
					op->dest);
		return 0;
	}
	return verr_set(err, 0, "Unexpected mount op type %d", (int)op->type);
}

int ns_mounts_apply(struct ns_ctx *ctx, struct veil_error **err)
{
	const struct spec *spec = ctx->spec;
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		if (op->flags & MOUNT_OP_SKIPPED)
			continue;
		if (apply_one(ctx, i, op, err) < 0)
			return -1;
	}
	return 0;
}
