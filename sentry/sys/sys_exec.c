/* execve and execveat: the kernel would resolve the program and the
 * interpreter it names (PT_INTERP, a #! line) on the host. Here every one of
 * them is resolved through the sentry's filesystem, and the platform makes
 * the tracee exec the chosen file by fd.
 *
 * - A static ELF runs as it is.
 * - A dynamic ELF runs through its interpreter, resolved in the sandbox, as
 *   `INTERP --argv0 ARGV0 PATH ARGS...` (ld.so loads the program itself,
 *   opening PATH through the sentry like any other open).
 * - A script runs as `INTERP [ARG] PATH ARGS...`, the kernel's binfmt_script
 *   rules, up to the kernel's recursion limit.
 *
 * Copy once: the path is read once; the argument vector is read once as
 * pointers, and the strings it points to are passed on by address (their
 * contents decide nothing here). */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sentry/kernel/exec_image.h"
#include "sentry/sys/sys.h"
#include "vfs/vfs.h"

/* fs/exec.c: how many times a binary format may hand on to another. */
#define EXEC_MAX_RECURSION 4
/* Pointers read from the program's argv; the kernel's own limit is the
 * stack size, this one keeps the sentry's memory bounded. */
#define EXEC_ARGV_MAX (1u << 18)
/* Strings of the sentry's in a new argv: 2 per level plus ld.so's three. */
#define EXEC_OWN_STRINGS (2 * EXEC_MAX_RECURSION + 4)

struct exec_args {
	struct platform_exec_arg *v;
	size_t n, cap;
	char *own[EXEC_OWN_STRINGS]; /* strings this handler allocated */
	size_t n_own;
};

static void exec_args_free(struct exec_args *a)
{
	for (size_t i = 0; i < a->n_own; i++)
		free(a->own[i]);
	free(a->v);
}

/* Reads the NULL-terminated pointer array at `addr` into a->v. */
static int read_argv(struct platform_call *call, uint64_t addr, struct exec_args *a)
{
	if (addr == 0)
		return 0;
	for (;;) {
		uint64_t chunk[64];
		int r = call->ops->read_mem(call, chunk, addr + a->n * 8, sizeof(chunk));
		if (r < 0) {
			/* the array may end just before an unmapped page */
			r = call->ops->read_mem(call, chunk, addr + a->n * 8, 8);
			if (r < 0)
				return r;
			memset(chunk + 1, 0, sizeof(chunk) - 8);
		}
		for (size_t i = 0; i < 64; i++) {
			if (chunk[i] == 0)
				return 0;
			if (a->n == EXEC_ARGV_MAX)
				return -E2BIG;
			if (a->n == a->cap) {
				size_t cap = a->cap ? a->cap * 2 : 64;
				void *v = realloc(a->v, cap * sizeof(*a->v));
				if (!v)
					return -ENOMEM;
				a->v = v;
				a->cap = cap;
			}
			a->v[a->n++] = (struct platform_exec_arg){.addr = chunk[i]};
		}
	}
}

/* Replaces the first `drop` entries with `k` of the sentry's strings. */
static int prepend(struct exec_args *a, size_t drop, const char *const *strs, size_t k)
{
	if (a->n_own + k > EXEC_OWN_STRINGS)
		return -ELOOP;
	if (drop > a->n)
		drop = a->n;
	size_t n = a->n - drop + k;
	struct platform_exec_arg *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		char *copy = strdup(strs[i]);
		if (!copy) {
			free(v);
			return -ENOMEM;
		}
		a->own[a->n_own++] = copy;
		v[i] = (struct platform_exec_arg){.str = copy};
	}
	if (a->n > drop) /* a->v is NULL for execve(path, NULL, ...) */
		memcpy(v + k, a->v + drop, (a->n - drop) * sizeof(*v));
	free(a->v);
	a->v = v;
	a->n = a->cap = n;
	return 0;
}

/* A path the exec named, as a location (followed, as the kernel's exe
 * link shows it); {0} if it cannot be found again. */
static struct vfs_path locate(struct vfs_ctx *c, const char *path)
{
	struct vfs_path p = {0};
	struct vfs_file *f;
	if (!c || vfs_openat(c, NULL, path, O_PATH, 0, &f) < 0)
		return p;
	p = *vfs_file_path(f);
	vfs_path_get(&p);
	vfs_file_put(f);
	return p;
}

/* What the kernel would record for this exec (its exe, comm), kept as
 * the task's pending image until the exec event (task_image.c). */
static void exec_record(struct sentry_task *t, const char *path, const char *exe,
			const char *ldso)
{
	struct sentry_image *im = calloc(1, sizeof(*im));
	if (!im)
		return; /* /proc then shows the host's view of the task */
	struct vfs_ctx *c = sentry_task_vfs(t);
	im->refs = 1;
	im->exe = locate(c, exe);
	if (ldso)
		im->interp = locate(c, ldso);
	im->via_ldso = ldso != NULL;
	const char *base = strrchr(path, '/');
	snprintf(im->comm, sizeof(im->comm), "%.15s", base ? base + 1 : path);
	sentry_image_put(t->exec_pending);
	t->exec_pending = im;
}

static long do_exec(struct sentry *s, struct platform_call *call, int dirfd,
		    uint64_t path_addr, uint64_t argv_addr, uint64_t envp_addr, int flags)
{
	if (!s->fs)
		return -ENOSYS; /* no filesystem to run anything from */
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	char path[PATH_MAX];
	ssize_t len = call->ops->read_str(call, path, path_addr, sizeof(path));
	if (len < 0)
		return len;
	if (len == 0 && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	/* fd-relative exec (fexecve, execveat with a dirfd) needs the fd's
	 * identity, which comes with the filesystem handlers. */
	if ((dirfd != AT_FDCWD && path[0] != '/') || len == 0 || (flags & AT_SYMLINK_NOFOLLOW))
		return -ENOSYS;

	struct sentry_task *t = sentry_task_find(s, call->tid);
	struct exec_args a = {0};
	_cleanup_close_ int fd = -1;
	long r = read_argv(call, argv_addr, &a);
	if (r < 0)
		goto out;
	if (a.n == 0) {
		/* Linux 5.18+: an empty argv becomes { "" }. */
		static const char *const empty[] = {""};
		r = prepend(&a, 0, empty, 1);
		if (r < 0)
			goto out;
	}
	fd = s->fs->open_exec(s, t, path);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	/* `cur` names the file `fd` is, as the program can reach it. */
	char cur[PATH_MAX];
	memcpy(cur, path, (size_t)len + 1);
	char ldso_buf[PATH_MAX];
	const char *ldso = NULL;
	for (int depth = 0;; depth++) {
		struct exec_image img;
		r = exec_inspect(fd, &img);
		if (r < 0)
			goto out;
		if (img.kind == EXEC_ELF_STATIC)
			break;
		if (depth == EXEC_MAX_RECURSION) {
			r = -ELOOP;
			goto out;
		}
		int next = s->fs->open_exec(s, t, img.interp);
		if (next < 0) {
			r = next;
			goto out;
		}
		close(fd);
		fd = next;
		if (img.kind == EXEC_ELF_DYNAMIC) {
			/* ld.so runs the program; argv[0] survives through --argv0,
			 * which prepend() cannot express, so it is built here. */
			const char *argv0 = a.v[0].str;
			char argv0_buf[PATH_MAX];
			if (!argv0) {
				ssize_t n0 = call->ops->read_str(call, argv0_buf, a.v[0].addr,
								 sizeof(argv0_buf));
				if (n0 < 0) {
					r = n0;
					goto out;
				}
				argv0 = argv0_buf;
			}
			const char *pre[] = {img.interp, "--argv0", argv0, cur};
			snprintf(ldso_buf, sizeof(ldso_buf), "%s", img.interp);
			ldso = ldso_buf;
			r = prepend(&a, 1, pre, 4);
			if (r < 0)
				goto out;
			break;
		}
		/* A script: interp [arg] script args... (argv[0] is dropped). */
		const char *pre[3] = {img.interp};
		size_t k = 1;
		if (img.has_arg)
			pre[k++] = img.arg;
		pre[k++] = cur;
		r = prepend(&a, 1, pre, k);
		if (r < 0)
			goto out;
		memcpy(cur, img.interp, strlen(img.interp) + 1);
	}
	exec_record(t, path, cur, ldso);
	r = call->ops->exec_fd(call, fd, a.v, a.n, envp_addr);
	if (r == 0)
		r = SYS_REPLIED;
out:
	exec_args_free(&a);
	return r;
}

/* The VFS's answer to open_exec: what the kernel's do_open_execat checks,
 * in the sandbox. Resolving the path twice is safe: the VFS is the
 * sentry's alone and nothing runs between the two walks. */
static int vfs_open_exec(struct sentry *s, struct sentry_task *t, const char *path)
{
	(void)s;
	struct vfs_ctx *c = sentry_task_vfs(t);
	if (!c)
		return -ENOSYS;
	struct vfs_file *f;
	int r = vfs_openat(c, NULL, path, O_RDONLY, 0, &f);
	if (r < 0)
		return r;
	struct stat st;
	r = vfs_fstatat(c, f, "", &st, AT_EMPTY_PATH);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -EACCES;
	if (r == 0)
		r = vfs_faccessat2(c, NULL, path, X_OK, AT_EACCESS);
	struct statfs sf;
	if (r == 0 && vfs_statfs(c, NULL, path, &sf) == 0 && (sf.f_flags & ST_NOEXEC))
		r = -EACCES;
	if (r == 0) {
		int host = vfs_file_host_fd(f);
		r = host < 0 ? host : fcntl(host, F_DUPFD_CLOEXEC, 3);
		if (r < 0 && host >= 0)
			r = -errno;
	}
	vfs_file_put(f);
	return r;
}

const struct sentry_fs_ops sentry_vfs_fs_ops = {.open_exec = vfs_open_exec};

SYS_HANDLER(execve)
{
	return do_exec(s, call, AT_FDCWD, call->args[0], call->args[1], call->args[2], 0);
}

SYS_HANDLER(execveat)
{
	return do_exec(s, call, (int)call->args[0], call->args[1], call->args[2],
		       call->args[3], (int)call->args[4]);
}
