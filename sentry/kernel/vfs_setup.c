/* Spec ops -> VFS mounts. Runs before the program starts, with a setup
 * context that has every capability (as the kernel backend's setup child
 * has in its namespace); the program's own context comes later.
 *
 * Messages follow the kernel backend's wording with the sandbox's paths. */
#include "sentry/kernel/vfs_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "fs/devpts/devpts.h"
#include "fs/hostfs/hostfs.h"
#include "fs/proc/procfs.h"
#include "sentry/kernel/mqns.h"
#include "sentry/kernel/sentry.h"
#include "fs/overlay/overlay.h"
#include "fs/tmpfs/tmpfs.h"
#include "sentry/dev/devices.h"
#include "sentry/dev/pty.h"
#include "sentry/dev/sized_tmpfs.h"

struct setup {
	const struct spec *spec;
	struct sentry *sentry; /* the source of --proc's view */
	struct vfs_mount *tree; /* the root tmpfs, the tree's root */
	/* Walks from the sandbox's root: whatever is mounted on "/" last
	 * (reroot), else the root tmpfs. */
	struct vfs_ctx ctx;
	/* Walks from the root tmpfs itself, for files outside the sandbox's
	 * view (--bind-data's), even under a mount on "/". */
	struct vfs_ctx base;
	unsigned bind_data; /* --bind-data files made so far, for their names */
	mode_t parent_mode; /* for the parents the op being applied creates */
};

#define PROC_INSIDE_WHY                                                                   \
	"the source is inside the host's procfs, whose files mean what they mean to "    \
	"their opener (the sentry, not the program): not supported by "                  \
	"--backend=emulate (bind the whole /proc, use --proc, or --backend=kernel)"

/* After an op: a mount on "/" is the root later ops walk from, as the
 * program's walks will (vfs_ctx_init), as under the kernel backend. */
static void reroot(struct setup *st)
{
	struct vfs_ctx c;
	vfs_ctx_init(&c, st->tree, &st->ctx.cred);
	if (c.root.mnt == st->ctx.root.mnt) {
		vfs_ctx_destroy(&c);
		return;
	}
	c.umask = st->ctx.umask;
	vfs_ctx_destroy(&st->ctx);
	st->ctx = c;
}

/* mkdir -p of every component of `path` but the last, and of the last too
 * when `last_too` (with `last_mode`); parents get st->parent_mode, 0755
 * narrowed by the op's perms (spec_op_parent_mode), as bubblewrap's do. */
static int mkdir_p(struct setup *st, const char *path, bool last_too, mode_t last_mode)
{
	_cleanup_free_ char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		else if (!last_too)
			return 0;
		int r = vfs_mkdirat(&st->ctx, NULL, p, s ? st->parent_mode : last_mode);
		if (r < 0 && r != -EEXIST)
			return r;
		if (r == -EEXIST) {
			struct stat sb;
			int rs = vfs_fstatat(&st->ctx, NULL, p, &sb, 0);
			if (rs < 0)
				return rs;
			if (!S_ISDIR(sb.st_mode))
				return -ENOTDIR;
		}
		if (!s)
			return 0;
		*s = '/';
	}
}

/* A tmpfs instance for the sandbox: its data files in a directory of the
 * sentry's scratch directory (fs/tmpfs/data.c), unless `o` brings its
 * own (a --size backing mount). */
static int new_tmpfs(struct sentry *s, struct tmpfs_opts *o, struct vfs_sb **ret)
{
	if (!o->has_data_dir) {
		int dir = sentry_tmpfs_data_dir(s);
		if (dir < 0)
			return dir;
		o->has_data_dir = true;
		o->data_dir = dir;
	}
	return tmpfs_new(o, ret);
}

/* r is a -errno. */
static int fail(struct veil_error **err, int r, const struct mount_op *op, const char *what)
{
	_cleanup_free_ char *d = spec_op_describe(op);
	return verr_set(err, -r, "%s: %s", d, what);
}

/* Mounts `sb` (consuming the caller's reference) at the op's destination,
 * made first if missing. */
static int mount_at(struct setup *st, const struct mount_op *op, struct vfs_sb *sb,
		    unsigned long flags, struct veil_error **err)
{
	int r = mkdir_p(st, op->dest, true, 0755);
	if (r == 0)
		r = vfs_mount(&st->ctx, NULL, op->dest, sb, flags);
	vfs_sb_put(sb);
	return r < 0 ? fail(err, r, op, "cannot mount it") : 0;
}

static int op_tmpfs(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct tmpfs_opts o = {
		.size = op->size,
		.mode = op->perms,
		.uid = st->spec->uid,
		.gid = st->spec->gid,
	};
	if (op->size) {
		/* The program writes natively: only a real tmpfs of that size
		 * refuses its writes past the limit. */
		int dir = sized_tmpfs_open(op->size);
		if (dir < 0)
			return fail(err, dir, op,
				    "--size under --backend=emulate needs a user namespace to "
				    "hold the limit");
		int r = sentry_add_data_dir(st->sentry, dir);
		if (r < 0) {
			close(dir);
			return fail(err, r, op, "cannot create the tmpfs");
		}
		o.has_data_dir = true;
		o.backed = true;
		o.data_dir = dir;
	}
	struct vfs_sb *sb;
	int r = new_tmpfs(st->sentry, &o, &sb);
	if (r < 0)
		return fail(err, r, op, "cannot create the tmpfs");
	return mount_at(st, op, sb,
			MS_NOSUID | MS_NODEV | (op->flags & MOUNT_OP_READONLY ? MS_RDONLY : 0), err);
}

/* As the kernel backend: a root caller without --unshare-user stays in
 * the initial user namespace, where every id is itself; otherwise one id
 * is mapped, as in a user namespace. */
static bool in_initial_userns(const struct setup *st)
{
	return getuid() == 0 && !(st->spec->unshare & SPEC_NS_USER);
}

static void host_opts(const struct setup *st, const char *source, bool rdonly,
		      struct hostfs_opts *o)
{
	*o = (struct hostfs_opts){
		.source = source,
		.rdonly = rdonly,
		.host_uid = getuid(),
		.uid = st->spec->uid,
		.host_gid = getgid(),
		.gid = st->spec->gid,
		.identity = in_initial_userns(st),
	};
}

/* The mount point for a non-directory, as bubblewrap makes it: the
 * parents, then an empty file unless something that is not a directory
 * is there already. */
static int ensure_file(struct setup *st, const char *path)
{
	int r = mkdir_p(st, path, false, 0);
	if (r < 0)
		return r;
	r = vfs_mknodat(&st->ctx, NULL, path, S_IFREG | 0444, 0);
	if (r == -EEXIST) {
		struct stat sb;
		r = vfs_fstatat(&st->ctx, NULL, path, &sb, 0);
		if (r == 0 && S_ISDIR(sb.st_mode))
			r = -EISDIR;
	}
	return r;
}

static unsigned long bind_flags(const struct mount_op *op)
{
	return MS_NOSUID | (op->flags & MOUNT_OP_DEVICES ? 0 : MS_NODEV) |
	       (op->flags & MOUNT_OP_WRITABLE ? 0 : MS_RDONLY);
}

/* Where a bind meets the host's procfs (see fs/hostfs/hostfs.h: never
 * served, its files mean what they mean to their opener, the sentry): a
 * source that is a procfs's root is the sandbox's own proc instead, as
 * --proc gives (/proc/self is the caller, only the sandbox's processes);
 * one inside a procfs is refused (vfs_setup_check). */
static int proc_at(struct setup *st, const struct mount_op *op, const char *dest,
		   unsigned long extra, struct veil_error **err);

enum host_proc { HOST_PROC_NONE, HOST_PROC_ROOT, HOST_PROC_INSIDE };

static enum host_proc host_proc_kind(const struct stat *st, const struct statfs *sf)
{
	if (!hostfs_refused_fs((unsigned long)sf->f_type))
		return HOST_PROC_NONE;
	return st->st_ino == 1 /* PROC_ROOT_INO */ && S_ISDIR(st->st_mode) ? HOST_PROC_ROOT
									  : HOST_PROC_INSIDE;
}

/* A bind's source: its path, or the sentry's /proc/self/fd link for
 * --bind-fd (the fd's own file, never a path that could have changed
 * since). */
static const char *bind_source(const struct mount_op *op, char *buf, size_t n)
{
	if (op->source_fd < 0)
		return op->source;
	snprintf(buf, n, "/proc/self/fd/%d", op->source_fd);
	return buf;
}

static enum host_proc path_proc_kind(const char *path)
{
	struct stat st;
	struct statfs sf;
	if (stat(path, &st) < 0 || statfs(path, &sf) < 0)
		return HOST_PROC_NONE; /* opening it reports it */
	return host_proc_kind(&st, &sf);
}

/* The host procfs mounts a directory bind's tree holds (the host's /proc
 * under --ro-bind / /): hostfs seals them, the sandbox's proc goes on
 * each, with the bind's flags, in the host's mount order. One hidden
 * under a later host mount is left sealed (statfs at its path is not a
 * procfs's root any more). */
static int procs_below(struct setup *st, const struct mount_op *op, const char *source,
		       struct veil_error **err)
{
	_cleanup_free_ char *real = realpath(source, NULL);
	if (!real)
		return 0;
	size_t n = strcmp(real, "/") == 0 ? 0 : strlen(real);
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return fail(err, -errno, op, "cannot read the host's mount table");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;
	while (r == 0 && getline(&line, &cap, f) > 0) {
		char mp[PATH_MAX], type[64];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*d %*d %*u:%*u %*s %4095s", mp) != 1 ||
		    sscanf(dash + 3, "%63s", type) != 1 || strcmp(type, "proc") != 0)
			continue;
		/* mountinfo escapes ' ', '\t', '\n' and '\\': such a path is
		 * not matched and stays sealed (empty), never served. */
		if (strncmp(mp, real, n) != 0 || (mp[n] != '/' && mp[n] != '\0') ||
		    (n == 0 && mp[0] != '/'))
			continue;
		if (path_proc_kind(mp) != HOST_PROC_ROOT)
			continue;
		const char *rest = mp + n;
		_cleanup_free_ char *dest =
			*rest == '\0' || strcmp(rest, "/") == 0
				? xstrdup(op->dest)
				: xasprintf("%s%s", strcmp(op->dest, "/") == 0 ? "" : op->dest, rest);
		r = proc_at(st, op, dest, bind_flags(op) & MS_RDONLY, err);
	}
	free(line);
	fclose(f);
	return r;
}

static int op_bind(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	if (op->flags & MOUNT_OP_SKIPPED)
		return 0;
	char fdpath[64];
	const char *source = bind_source(op, fdpath, sizeof(fdpath));
	struct stat src;
	struct statfs sf;
	if (stat(source, &src) < 0 || statfs(source, &sf) < 0)
		return fail(err, -errno, op, "cannot stat the source");
	switch (host_proc_kind(&src, &sf)) {
	case HOST_PROC_ROOT:
		return proc_at(st, op, op->dest, bind_flags(op) & MS_RDONLY, err);
	case HOST_PROC_INSIDE:
		return fail(err, -EACCES, op, PROC_INSIDE_WHY);
	case HOST_PROC_NONE:
		break;
	}
	struct hostfs_opts o;
	host_opts(st, source, !(op->flags & MOUNT_OP_WRITABLE), &o);
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return fail(err, r, op, "cannot open the source");
	if (S_ISDIR(src.st_mode)) {
		r = mount_at(st, op, sb, bind_flags(op), err);
		if (r == 0 && op->dest[0] == '/' && op->dest[1] == '\0')
			reroot(st); /* the host procfs mounts are below the new root */
		return r < 0 ? r : procs_below(st, op, source, err);
	}
	/* A file, device, socket or fifo: a hostfs whose root is that
	 * object, on a file mount point. */
	r = ensure_file(st, op->dest);
	if (r == 0)
		r = vfs_mount(&st->ctx, NULL, op->dest, sb, bind_flags(op));
	vfs_sb_put(sb);
	return r < 0 ? fail(err, r, op, "cannot mount it") : 0;
}

/* --bind-data/--ro-bind-data, as the kernel backend does it: the bytes in
 * a file outside the tree (a name in the root tmpfs, even under a mount on
 * "/", unlinked once it is bound), bound on the destination. */
static int op_bind_data(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "/.veil-bind-data-%u", st->bind_data++);
	struct vfs_file *f;
	int r = vfs_openat(&st->base, NULL, tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW,
			   op->perms, &f);
	if (r < 0)
		return fail(err, r, op, "cannot create the file to bind");
	ssize_t w = op->data_len ? vfs_write(&st->base, f, op->data, op->data_len) : 0;
	if (w >= 0 && (size_t)w != op->data_len)
		w = -ENOSPC;
	r = w < 0 ? (int)w : vfs_fchmodat(&st->base, NULL, tmp, op->perms, 0);
	if (r == 0)
		r = ensure_file(st, op->dest);
	if (r == 0)
		r = vfs_bind_path(&st->ctx, vfs_file_path(f), NULL, op->dest, bind_flags(op));
	vfs_file_put(f);
	int u = vfs_unlinkat(&st->base, NULL, tmp, 0);
	if (r == 0)
		r = u;
	return r < 0 ? fail(err, r, op, "cannot bind the data") : 0;
}

/* A mount tree of its own holding a host directory, for an overlay layer. */
static int host_layer(struct setup *st, const char *source, bool rdonly, struct vfs_mount **ret)
{
	struct hostfs_opts o;
	host_opts(st, source, rdonly, &o);
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		return r;
	r = vfs_mount_root(sb, rdonly ? MS_RDONLY : 0, ret);
	vfs_sb_put(sb);
	return r;
}

/* Is host path in inside (or at) host path dir? */
static bool inside(const char *in, const char *dir)
{
	_cleanup_free_ char *ri = realpath(in, NULL);
	_cleanup_free_ char *rd = realpath(dir, NULL);
	if (!ri || !rd)
		return false; /* opening them reports it */
	size_t n = strlen(rd);
	return strncmp(ri, rd, n) == 0 && (ri[n] == '\0' || ri[n] == '/' || n == 1);
}

/* overlayfs refuses a lower inside the upper or work directory (ELOOP)
 * and an upper and work directory that are not separate subtrees
 * (EINVAL). An upper inside a lower it mounts, and answers ELOOP where a
 * lookup through the lower meets the upper; that trap is not emulated, so
 * the emulate backend refuses such an overlay at start. */
static int check_overlap(const struct mount_op *op, const char **what)
{
	if (op->overlay.upper_kind != OVERLAY_UPPER_HOST)
		return 0;
	const char *up = op->overlay.upper, *work = op->overlay.workdir;
	*what = "the upper and work directories must be separate subtrees";
	if (inside(up, work) || inside(work, up))
		return -EINVAL;
	*what = "overlay directories may not overlap";
	for (size_t i = 0; op->overlay.lowers && op->overlay.lowers[i]; i++) {
		const char *l = op->overlay.lowers[i];
		if (inside(l, up) || inside(l, work))
			return -ELOOP;
		if (inside(up, l) || inside(work, l)) {
			*what = "an upper or work directory inside a lower layer is not supported "
				"by --backend=emulate";
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* --overlay-src... then --overlay (upper and work dir on the host),
 * --tmp-overlay (upper in a fresh tmpfs) or --ro-overlay (none). The
 * on-disk format follows the kernel backend's mount: userxattr, so
 * user.overlay.* and xwhiteouts, wherever that one is in a user namespace
 * (see fs/overlay/overlay.h). */
static int op_overlay(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	size_t n = 0;
	while (op->overlay.lowers && op->overlay.lowers[n])
		n++;
	struct vfs_mount **lowers = xcalloc(n ? n : 1, sizeof(*lowers));
	struct vfs_mount *upper = NULL;
	struct vfs_sb *sb = NULL;
	const char *what = NULL;
	int r = check_overlap(op, &what);
	if (r == 0)
		what = "cannot open a lower directory";
	/* the spec lists lowers lowest first; overlayfs's order is top first */
	for (size_t i = 0; r == 0 && i < n; i++)
		r = host_layer(st, op->overlay.lowers[n - 1 - i], true, &lowers[i]);
	if (r == 0 && op->overlay.upper_kind == OVERLAY_UPPER_HOST) {
		struct stat wst, ust;
		what = "cannot use the work directory";
		if (stat(op->overlay.workdir, &wst) < 0 || stat(op->overlay.upper, &ust) < 0)
			r = -errno;
		else if (!S_ISDIR(wst.st_mode))
			r = -ENOTDIR;
		else if (wst.st_dev != ust.st_dev)
			r = -EINVAL; /* overlayfs: they must share a filesystem */
		if (r == 0) {
			what = "cannot open the upper directory";
			r = host_layer(st, op->overlay.upper, false, &upper);
		}
	} else if (r == 0 && op->overlay.upper_kind == OVERLAY_UPPER_TMPFS) {
		struct tmpfs_opts o = {.mode = 0755, .uid = st->spec->uid, .gid = st->spec->gid};
		what = "cannot create the upper tmpfs";
		if ((r = new_tmpfs(st->sentry, &o, &sb)) == 0) {
			r = vfs_mount_root(sb, 0, &upper);
			vfs_sb_put(sb);
			sb = NULL;
		}
	}
	if (r == 0) {
		struct ovl_opts o = {.upper = upper, .lowers = lowers, .nlowers = (int)n,
				     .userxattr = !in_initial_userns(st)};
		what = "cannot make the overlay";
		r = ovl_new(&o, &sb);
	}
	for (size_t i = 0; i < n; i++)
		if (lowers[i])
			vfs_mount_tree_put(lowers[i]);
	free(lowers);
	if (upper)
		vfs_mount_tree_put(upper);
	if (r < 0)
		return fail(err, r, op, what);
	return mount_at(st, op, sb, op->overlay.upper_kind == OVERLAY_UPPER_NONE ? MS_RDONLY : 0,
			err);
}

static int op_file(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	int r = mkdir_p(st, op->dest, false, 0);
	if (r < 0)
		return fail(err, r, op, "cannot create its parent directories");
	struct vfs_file *f;
	r = vfs_openat(&st->ctx, NULL, op->dest, O_CREAT | O_WRONLY | O_TRUNC | O_NOFOLLOW,
		       op->perms, &f);
	if (r < 0)
		return fail(err, r, op, "cannot create the file");
	ssize_t n = op->data_len ? vfs_write(&st->ctx, f, op->data, op->data_len) : 0;
	vfs_file_put(f);
	if (n < 0)
		return fail(err, (int)n, op, "cannot write the file");
	if ((size_t)n != op->data_len)
		return fail(err, -ENOSPC, op, "cannot write the file");
	/* O_CREAT applied the umask; the op's perms are exact. */
	r = vfs_fchmodat(&st->ctx, NULL, op->dest, op->perms, 0);
	return r < 0 ? fail(err, r, op, "cannot set its mode") : 0;
}

/* bubblewrap's mkdir: an existing directory keeps its mode (--dir on a
 * bound host directory must not chmod it); a new one gets exactly the
 * op's perms, whatever the umask. */
static int op_dir(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct stat sb;
	int r = vfs_fstatat(&st->ctx, NULL, op->dest, &sb, 0);
	if (r == 0 && S_ISDIR(sb.st_mode))
		return 0;
	r = mkdir_p(st, op->dest, true, op->perms);
	if (r == 0)
		r = vfs_fchmodat(&st->ctx, NULL, op->dest, op->perms, 0);
	return r < 0 ? fail(err, r, op, "cannot create the directory") : 0;
}

static int op_symlink(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	int r = mkdir_p(st, op->dest, false, 0);
	if (r == 0)
		r = vfs_symlinkat(&st->ctx, op->source, NULL, op->dest);
	if (r == -EEXIST) {
		/* bubblewrap accepts an existing link with the same target,
		 * and refuses anything else with its words. */
		char buf[PATH_MAX];
		ssize_t n = vfs_readlinkat(&st->ctx, NULL, op->dest, buf, sizeof(buf) - 1);
		if (n == -EINVAL)
			return verr_set(err, 0, "Can't make symlink at %s: destination exists "
					"and is not a symlink", op->dest);
		if (n < 0)
			return verr_set(err, (int)-n, "Can't make symlink at %s: destination exists, "
					"and cannot read symlink target", op->dest);
		buf[n] = '\0';
		if (strcmp(buf, op->source) == 0)
			return 0;
		return verr_set(err, 0, "Can't make symlink at %s: existing destination is %s",
				op->dest, buf);
	}
	return r < 0 ? fail(err, r, op, "cannot create the symlink") : 0;
}

/* As the kernel backend mounts it: newinstance,ptmxmode=0666,mode=620,
 * nosuid, noexec. */
static int dev_pts(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct pty_table *t = pty_table_new();
	if (!t)
		return fail(err, -ENOMEM, op, "cannot create its devpts");
	struct devpts_opts o = {
		.uid = st->spec->uid,
		.gid = st->spec->gid,
		.mode = 0620,
		.ptmxmode = 0666,
		.dev = pty_host_dev(),
		.provider = &pty_devpts_provider,
		.arg = t,
	};
	struct vfs_sb *sb;
	int r = devpts_new(&o, &sb);
	_cleanup_free_ char *path = xasprintf("%s/pts", op->dest);
	if (r == 0) {
		r = vfs_mount(&st->ctx, NULL, path, sb, MS_NOSUID | MS_NOEXEC);
		vfs_sb_put(sb);
	}
	return r < 0 ? fail(err, r, op, "cannot mount its devpts") : 0;
}

/* As the kernel backend binds it when stdout is a terminal: a node with
 * the terminal's number, mode, owner (mapped as a bind's) and times, which
 * only the sentry's own handle on that terminal opens (devices.c). */
static int dev_console(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct stat hs;
	if (device_console_host(&hs) < 0)
		return 0;
	_cleanup_free_ char *path = xasprintf("%s/console", op->dest);
	bool identity = in_initial_userns(st);
	uid_t uid = identity ? hs.st_uid : hs.st_uid == getuid() ? st->spec->uid : 65534;
	gid_t gid = identity ? hs.st_gid : hs.st_gid == getgid() ? st->spec->gid : 65534;
	struct timespec times[2] = {hs.st_atim, hs.st_mtim};
	struct stat node;
	int r = vfs_mknodat(&st->ctx, NULL, path, S_IFCHR | (hs.st_mode & 07777), hs.st_rdev);
	if (r == 0)
		r = vfs_fchmodat(&st->ctx, NULL, path, hs.st_mode & 07777, 0);
	if (r == 0)
		r = vfs_fchownat(&st->ctx, NULL, path, uid, gid, 0);
	if (r == 0)
		r = vfs_utimensat(&st->ctx, NULL, path, times, 0);
	if (r == 0)
		r = vfs_fstatat(&st->ctx, NULL, path, &node, 0);
	if (r < 0)
		return fail(err, r, op, "cannot create its console");
	device_console_node(&node, path);
	return 0;
}

/* --dev: a tmpfs holding the host's harmless devices (as device nodes the
 * sentry opens on the host, sentry/dev/devices.c), the usual links, shm, and
 * a devpts on pts whose ptys are the sandbox's own (sentry/dev/pty.c). The
 * tmpfs allows devices (no nodev), since these are its whole point; every
 * other mount keeps nodev. */
static int op_dev(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct tmpfs_opts o = {.mode = 0755, .uid = st->spec->uid, .gid = st->spec->gid};
	struct vfs_sb *sb;
	int r = new_tmpfs(st->sentry, &o, &sb);
	if (r < 0)
		return fail(err, r, op, "cannot create the tmpfs");
	if (mount_at(st, op, sb, MS_NOSUID, err) < 0)
		return -1;

	static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		_cleanup_free_ char *host = xasprintf("/dev/%s", nodes[i]);
		_cleanup_free_ char *path = xasprintf("%s/%s", op->dest, nodes[i]);
		struct stat hs;
		if (stat(host, &hs) < 0 || !S_ISCHR(hs.st_mode))
			continue; /* the host has none: neither does the sandbox */
		r = vfs_mknodat(&st->ctx, NULL, path, S_IFCHR | (hs.st_mode & 07777), hs.st_rdev);
		if (r == 0)
			r = vfs_fchmodat(&st->ctx, NULL, path, hs.st_mode & 07777, 0);
		if (r < 0)
			return fail(err, r, op, "cannot create its device nodes");
	}
	static const struct {
		const char *name, *target;
	} links[] = {
		{"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"}, {"fd", "/proc/self/fd"},
		{"core", "/proc/kcore"},       {"ptmx", "pts/ptmx"},
	};
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", op->dest, links[i].name);
		r = vfs_symlinkat(&st->ctx, links[i].target, NULL, path);
		if (r < 0)
			return fail(err, r, op, "cannot create its links");
	}
	static const char *const dirs[] = {"shm", "pts"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		_cleanup_free_ char *path = xasprintf("%s/%s", op->dest, dirs[i]);
		r = vfs_mkdirat(&st->ctx, NULL, path, 0755);
		if (r < 0)
			return fail(err, r, op, "cannot create its directories");
	}
	r = dev_pts(st, op, err);
	return r < 0 ? r : dev_console(st, op, err);
}

/* --proc: a private proc (fs/proc) showing the sentry's tasks, at dest
 * with the mount flags `extra` added. The whole instance is read-only;
 * the kernel backend's read-only binds of sys, irq and bus and its masks
 * over kcore, keys and timer_list are repeated as binds, so the mount
 * table reads the same under both backends. */
/* A proc instance showing the sandbox `s` serves. */
static int new_proc(struct sentry *s, struct vfs_sb **ret)
{
	struct procfs_opts o = {.ops = s->pidns ? &sentry_procfs_pidns_source_ops
						: &sentry_procfs_source_ops,
				.src = s,
				.hostname = s->uts_own ? s->nodename : NULL,
				.domainname = s->uts_own ? s->domainname : NULL,
				.cgroup_root = s->cgroup_root,
				.uid_map = s->setgroups_denied ? s->uid_map : NULL,
				.gid_map = s->setgroups_denied ? s->gid_map : NULL,
				.setgroups = s->setgroups_denied ? "deny\n" : NULL};
	return procfs_new(&o, ret);
}

static int proc_at(struct setup *st, const struct mount_op *op, const char *dest,
		   unsigned long extra, struct veil_error **err)
{
	if (!st->sentry)
		return fail(err, -EOPNOTSUPP, op, "no sentry to show");
	struct vfs_sb *sb;
	int r = new_proc(st->sentry, &sb);
	if (r < 0)
		return fail(err, r, op, "cannot create the proc instance");
	r = mkdir_p(st, dest, true, 0755);
	if (r == 0)
		r = vfs_mount(&st->ctx, NULL, dest, sb, MS_NOSUID | MS_NODEV | MS_NOEXEC | extra);
	vfs_sb_put(sb);
	if (r < 0)
		return fail(err, r, op, "cannot mount the proc instance");
	static const char *const ro[] = {"sys", "irq", "bus", "kcore", "keys", "timer_list"};
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		_cleanup_free_ char *host = xasprintf("/proc/%s", ro[i]);
		_cleanup_free_ char *path = xasprintf("%s/%s", dest, ro[i]);
		struct stat hs;
		if (lstat(host, &hs) < 0)
			continue; /* as the kernel backend: only what exists */
		r = vfs_bind(&st->ctx, NULL, path, NULL, path,
			     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
		if (r < 0)
			return fail(err, r, op, "cannot make its read-only parts");
	}
	return 0;
}

static int op_proc(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	return proc_at(st, op, op->dest, 0, err);
}

/* --mqueue: the sandbox's own queues (--unshare-ipc), as a new mqueue
 * instance of its IPC namespace shows them. */
static int op_mqueue(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	if (!st->sentry || !st->sentry->mq)
		return fail(err, -EOPNOTSUPP, op,
			    "--backend=emulate shows the sandbox's own queues only: add "
			    "--unshare-ipc (or use --backend=kernel for the host's)");
	struct vfs_sb *sb;
	int r = mqueuefs_new(&mqns_mqueuefs_provider, st->sentry->mq, &sb);
	if (r < 0)
		return fail(err, r, op, "cannot create the mqueue instance");
	return mount_at(st, op, sb, MS_NOSUID | MS_NODEV | MS_NOEXEC, err);
}

static unsigned long ms_flags_of(unsigned long st_flags)
{
	unsigned long f = 0;
	if (st_flags & ST_RDONLY)
		f |= MS_RDONLY;
	if (st_flags & ST_NOSUID)
		f |= MS_NOSUID;
	if (st_flags & ST_NODEV)
		f |= MS_NODEV;
	if (st_flags & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (st_flags & ST_NOATIME)
		f |= MS_NOATIME;
	if (st_flags & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (st_flags & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static int op_remount_ro(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	struct statfs sf;
	int r = vfs_statfs(&st->ctx, NULL, op->dest, &sf);
	if (r == 0)
		r = vfs_remount(&st->ctx, NULL, op->dest, ms_flags_of(sf.f_flags) | MS_RDONLY);
	return r < 0 ? fail(err, r, op, "cannot remount it read-only") : 0;
}

static int apply(struct setup *st, const struct mount_op *op, struct veil_error **err)
{
	int r;
	st->parent_mode = spec_op_parent_mode(op);
	switch (op->type) {
	case MOUNT_OP_BIND:
		return op_bind(st, op, err);
	case MOUNT_OP_TMPFS:
		return op_tmpfs(st, op, err);
	case MOUNT_OP_DIR:
		return op_dir(st, op, err);
	case MOUNT_OP_SYMLINK:
		return op_symlink(st, op, err);
	case MOUNT_OP_FILE:
		return op_file(st, op, err);
	case MOUNT_OP_REMOUNT_RO:
		return op_remount_ro(st, op, err);
	case MOUNT_OP_CHMOD:
		r = vfs_fchmodat(&st->ctx, NULL, op->dest, op->perms, 0);
		return r < 0 ? fail(err, r, op, "cannot change its mode") : 0;
	case MOUNT_OP_DEV:
		return op_dev(st, op, err);
	case MOUNT_OP_OVERLAY:
		return op_overlay(st, op, err);
	case MOUNT_OP_PROC:
		return op_proc(st, op, err);
	case MOUNT_OP_BIND_DATA:
		return op_bind_data(st, op, err);
	case MOUNT_OP_MQUEUE:
		return op_mqueue(st, op, err);
	}
	return fail(err, -EINVAL, op, "unknown op");
}

int vfs_setup_check(const struct spec *spec, struct veil_error **err)
{
	for (size_t i = 0; i < spec->n_ops; i++) {
		const struct mount_op *op = &spec->ops[i];
		char fdpath[64];
		if (op->type == MOUNT_OP_BIND && !(op->flags & MOUNT_OP_SKIPPED) &&
		    path_proc_kind(bind_source(op, fdpath, sizeof(fdpath))) == HOST_PROC_INSIDE)
			return fail(err, -EACCES, op, PROC_INSIDE_WHY);
		if (op->type != MOUNT_OP_OVERLAY)
			continue;
		bool proc = op->overlay.upper_kind == OVERLAY_UPPER_HOST &&
			    (path_proc_kind(op->overlay.upper) != HOST_PROC_NONE ||
			     path_proc_kind(op->overlay.workdir) != HOST_PROC_NONE);
		for (size_t l = 0; op->overlay.lowers && op->overlay.lowers[l]; l++)
			proc |= path_proc_kind(op->overlay.lowers[l]) != HOST_PROC_NONE;
		if (proc)
			return fail(err, -EACCES, op,
				    "a layer is in the host's procfs, whose files mean what they "
				    "mean to their opener (the sentry, not the program): not "
				    "supported by --backend=emulate (use --backend=kernel)");
	}
	return 0;
}

int vfs_setup_build(const struct spec *spec, struct sentry *s, struct vfs_mount **ret,
		    struct veil_error **err)
{
	if (vfs_setup_check(spec, err) < 0)
		return -1;
	struct tmpfs_opts o = {.mode = 0755, .uid = spec->uid, .gid = spec->gid};
	struct vfs_sb *sb;
	int r = new_tmpfs(s, &o, &sb);
	if (r < 0)
		return verr_set(err, -r, "cannot create the sandbox's root tmpfs");
	struct vfs_mount *root;
	r = vfs_mount_root(sb, MS_NOSUID | MS_NODEV, &root);
	vfs_sb_put(sb);
	if (r < 0)
		return verr_set(err, -r, "cannot mount the sandbox's root tmpfs");

	struct setup st = {.spec = spec, .sentry = s, .tree = root, .parent_mode = 0755};
	/* What setup creates belongs to the sandbox's user, as under the
	 * kernel backend's user namespace. */
	struct vfs_cred cred;
	vfs_cred_init(&cred, spec->uid, spec->gid);
	cred.caps = VFS_CAPS_ALL;
	vfs_ctx_init(&st.ctx, root, &cred);
	st.ctx.umask = 0;
	vfs_ctx_init(&st.base, root, &cred); /* nothing is mounted yet */
	st.base.umask = 0;
	r = 0;
	for (size_t i = 0; r == 0 && i < spec->n_ops; i++) {
		r = apply(&st, &spec->ops[i], err);
		reroot(&st);
	}
	vfs_ctx_destroy(&st.ctx);
	vfs_ctx_destroy(&st.base);
	if (r < 0) {
		vfs_mount_tree_put(root);
		return -1;
	}
	*ret = root;
	return 0;
}

/* A size as tmpfs takes one: a number with an optional k/m/g/t/p/e
 * suffix, or a percentage of memory (`pct`: allowed). */
static int parse_size(const char *v, bool pct, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (errno || end == v || v[0] == '-')
		return -EINVAL;
	if (*end == '%' && pct && !end[1]) {
		uint64_t mem = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
		*ret = mem / 100 * n;
		return 0;
	}
	static const char units[] = "kmgtpe";
	const char *u = *end ? strchr(units, *end | 0x20) : NULL;
	if (*end && (!u || end[1]))
		return -EINVAL;
	for (int i = u ? (int)(u - units) + 1 : 0; i > 0; i--) {
		if (n > ULLONG_MAX / 1024)
			return -EINVAL;
		n *= 1024;
	}
	*ret = n;
	return 0;
}

/* tmpfs's options (mm/shmem.c shmem_parse_one): size, nr_inodes, mode,
 * uid, gid; huge=, mpol=, inode32/64, noswap change nothing the sandbox
 * can see here and are taken as they are; anything else is EINVAL. */
static int tmpfs_options(char *data, struct tmpfs_opts *o)
{
	for (char *opt; (opt = strsep(&data, ","));) {
		char *v = strchr(opt, '=');
		if (v)
			*v++ = '\0';
		char *end;
		int r = 0;
		if (!*opt)
			continue;
		if (v && strcmp(opt, "size") == 0) {
			r = parse_size(v, true, &o->size);
		} else if (v && strcmp(opt, "nr_inodes") == 0) {
			r = parse_size(v, false, &o->nr_inodes);
		} else if (v && strcmp(opt, "mode") == 0) {
			unsigned long m = strtoul(v, &end, 8);
			r = *end || end == v ? -EINVAL : 0;
			o->mode = m & 07777;
		} else if (v && (strcmp(opt, "uid") == 0 || strcmp(opt, "gid") == 0)) {
			unsigned long id = strtoul(v, &end, 0);
			r = *end || end == v || id >= (uid_t)-1 ? -EINVAL : 0;
			*(opt[0] == 'u' ? &o->uid : &o->gid) = (uid_t)id;
		} else if (!((v && (strcmp(opt, "huge") == 0 || strcmp(opt, "mpol") == 0)) ||
			     (!v && (strcmp(opt, "inode32") == 0 || strcmp(opt, "inode64") == 0 ||
				     strcmp(opt, "noswap") == 0)))) {
			r = -EINVAL;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int vfs_setup_new_sb(struct sentry *s, const char *fstype, const char *data, uid_t uid,
		     gid_t gid, struct vfs_sb **ret)
{
	if (strcmp(fstype, "proc") == 0)
		return new_proc(s, ret);
	/* the sandbox's own queues; without --unshare-ipc it has none to show */
	if (strcmp(fstype, "mqueue") == 0)
		return s->mq ? mqueuefs_new(&mqns_mqueuefs_provider, s->mq, ret) : -ENODEV;
	if (strcmp(fstype, "tmpfs") != 0)
		return -ENODEV;
	struct tmpfs_opts o = {.mode = 01777, .uid = uid, .gid = gid};
	_cleanup_free_ char *copy = strdup(data ? data : "");
	if (!copy)
		return -ENOMEM;
	int r = tmpfs_options(copy, &o);
	if (r < 0)
		return r;
	if (o.size) {
		/* as --size: only a real tmpfs of that size refuses the
		 * program's native writes past it */
		int dir = sized_tmpfs_open(o.size);
		if (dir < 0)
			return dir;
		r = sentry_add_data_dir(s, dir);
		if (r < 0) {
			close(dir);
			return r;
		}
		o.has_data_dir = true;
		o.backed = true;
		o.data_dir = dir;
	}
	return new_tmpfs(s, &o, ret);
}
