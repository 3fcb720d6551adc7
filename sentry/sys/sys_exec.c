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
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "sentry/kernel/exec_image.h"
#include "sentry/kernel/host_act.h"
#include "base/log.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
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

/* What the kernel would record for this exec (its exe, comm), kept as
 * the task's pending image until the exec event (task_image.c). Takes the
 * references in exe and ldso. */
static void exec_record(struct sentry_task *t, const char *comm, struct vfs_path *exe,
			struct vfs_path *ldso, bool via_ldso)
{
	struct sentry_image *im = calloc(1, sizeof(*im));
	if (!im)
		return; /* /proc then shows the host's view of the task */
	im->refs = 1;
	im->exe = *exe;
	/* do_open_execat's deny_write_access, held by the image for as long
	 * as a task runs it (sentry_image_put): a dynamic program is mapped
	 * by ld.so, so the host kernel denies writes to ld.so only. */
	if (im->exe.mnt)
		vfs_deny_write(vfs_path_inode(&im->exe));
	im->interp = *ldso;
	*exe = *ldso = (struct vfs_path){0};
	im->via_ldso = via_ldso;
	snprintf(im->comm, sizeof(im->comm), "%.15s", comm);
	sentry_image_put(t->exec_pending);
	t->exec_pending = im;
}

/* Whether tracee fd `fd` is close-on-exec (its fdinfo). The kernel then
 * cannot give a script's interpreter /dev/fd/N and fails the exec with
 * ENOENT (BINPRM_FLAGS_PATH_INACCESSIBLE). Another thread may change the
 * flag meanwhile: that only decides whether the interpreter finds the fd,
 * with the program's own access. */
static bool fd_cloexec(pid_t tid, int fd)
{
	char p[64], line[128];
	snprintf(p, sizeof(p), "/proc/%d/fdinfo/%d", (int)tid, fd);
	FILE *f = fopen(p, "re");
	if (!f)
		return false;
	unsigned long fl = 0;
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "flags: %lo", &fl) == 1;
	fclose(f);
	return found && (fl & O_CLOEXEC);
}

/* The program's own regular file by fd (a memfd it made, a file it
 * inherited): the kernel's exec checks on the host object, then the
 * sentry's own read-only open of it, both with no more privilege than
 * the program has (host_act.h). Another holder may rewrite it after the
 * sentry looked: the exec event checks what got loaded (docs/sentry.md
 * "Exec"). */
static int own_open_exec(int host_fd, char *name, size_t size)
{
	struct stat st, again;
	if (fstat(host_fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	struct statfs sf;
	if (fstatfs(host_fd, &sf) == 0 && (sf.f_flags & ST_NOEXEC))
		return -EACCES;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", host_fd);
	ssize_t n = readlink(link, name, size - 1);
	name[n > 0 ? n : 0] = '\0';
	struct host_privs privs;
	host_act_begin(&privs);
	int fd = (int)syscall(SYS_faccessat2, host_fd, "", X_OK, AT_EACCESS | AT_EMPTY_PATH);
	if (fd == 0)
		fd = open(link, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		fd = -errno;
	host_act_end(&privs);
	if (fd < 0)
		return fd;
	if (fstat(fd, &again) < 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* d_path's mark of an unlinked file. */
static const char deleted[] = " (deleted)";

static bool ends_deleted(const char *name, size_t n)
{
	return n >= sizeof(deleted) - 1 && strcmp(name + n - (sizeof(deleted) - 1), deleted) == 0;
}

/* The last component of a name, without d_path's " (deleted)": what the
 * kernel takes a comm from. */
static void base_name(const char *name, char *buf, size_t size)
{
	const char *b = strrchr(name, '/');
	b = b && b[1] ? b + 1 : name;
	size_t n = strlen(b);
	if (ends_deleted(b, n))
		n -= sizeof(deleted) - 1;
	snprintf(buf, size, "%.*s", (int)n, b);
}

/* The name ld.so is given to load: the file's name in the sandbox once
 * followed, as /proc/self/exe shows it, because ld.so takes $ORIGIN from
 * the name it loads (a kernel-started ld.so reads /proc/self/exe instead);
 * else the name the exec used, with "./" before a name without a slash,
 * which ld.so would take for a library to search for. */
static void ldso_target(struct vfs_ctx *c, const struct vfs_path *where, const char *cur,
			char *buf, size_t size)
{
	if (c && where->mnt && vfs_path_name(c, where, buf, size) > 0 && buf[0] == '/' &&
	    !ends_deleted(buf, strlen(buf)))
		return;
	snprintf(buf, size, "%s%s", strchr(cur, '/') ? "" : "./", cur);
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

	struct sentry_task *t = sentry_task_find(s, call->tid);
	struct vfs_ctx *c = sentry_task_vfs(t);
	struct exec_args a = {0};
	struct vfs_path exe_at = {0}, ldso_at = {0}, next_at = {0};
	struct sys_fd ref = {.host_fd = -1, .borrowed = true};
	_cleanup_close_ int fd = -1;
	/* The kernel's name for the file (fs/exec.c alloc_bprm), what a
	 * script's interpreter is given; fd-relative: /dev/fd/N[/path]. */
	char cur[PATH_MAX + 32];
	char own_name[PATH_MAX] = "";
	bool fd_relative = dirfd != AT_FDCWD && path[0] != '/';
	bool inaccessible = false;
	struct vfs_file *dirf = NULL;
	long r;
	if (fd_relative) {
		r = sys_resolve_fd(s, call, dirfd, &ref);
		if (r < 0)
			return r;
		if (ref.kind == SYS_FD_VFS)
			dirf = ref.file;
		else if (len != 0) {
			r = -ENOTDIR; /* the program's own object is no directory */
			goto out;
		}
		if (len == 0)
			snprintf(cur, sizeof(cur), "/dev/fd/%d", dirfd);
		else
			snprintf(cur, sizeof(cur), "/dev/fd/%d/%s", dirfd, path);
		inaccessible = fd_cloexec(call->tid, dirfd);
	} else {
		memcpy(cur, path, (size_t)len + 1);
	}
	r = read_argv(call, argv_addr, &a);
	if (r < 0)
		goto out;
	if (a.n == 0) {
		/* Linux 5.18+: an empty argv becomes { "" }. */
		static const char *const empty[] = {""};
		r = prepend(&a, 0, empty, 1);
		if (r < 0)
			goto out;
	}
	if (fd_relative && !dirf)
		fd = own_open_exec(ref.host_fd, own_name, sizeof(own_name));
	else
		fd = s->fs->open_exec(s, t, dirf, path, flags, &exe_at);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	/* comm: the basename of the name, or for an exec by fd alone the
	 * file's own name (its dentry's, as the kernel takes it). */
	char comm[16], name[PATH_MAX];
	if (len == 0 && exe_at.mnt && c && vfs_path_name(c, &exe_at, name, sizeof(name)) > 0)
		base_name(name, comm, sizeof(comm));
	else
		base_name(len == 0 && own_name[0] ? own_name : cur, comm, sizeof(comm));
	char ldso_path[PATH_MAX + 40];
	bool via_ldso = false;
	for (int depth = 0;; depth++) {
		struct exec_image img;
		r = exec_inspect(fd, &img);
		if (r < 0)
			goto out;
		if (img.kind == EXEC_ELF_STATIC)
			break;
		if (img.kind == EXEC_SCRIPT && inaccessible) {
			r = -ENOENT;
			goto out;
		}
		if (depth == EXEC_MAX_RECURSION) {
			r = -ELOOP;
			goto out;
		}
		int next = s->fs->open_exec(s, t, NULL, img.interp, 0, &next_at);
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
			ldso_target(c, &exe_at, cur, ldso_path, sizeof(ldso_path));
			if (inaccessible && strncmp(ldso_path, "/dev/fd/", 8) == 0) {
				/* No name but a close-on-exec fd (the program's
				 * own memfd, an unlinked file): gone before
				 * ld.so could open /dev/fd/N. */
				log_debug("exec by %d: a dynamic program known only by its "
					  "close-on-exec fd %d", call->tid, dirfd);
				r = -ENOEXEC;
				goto out;
			}
			const char *pre[] = {img.interp, "--argv0", argv0, ldso_path};
			ldso_at = next_at;
			next_at = (struct vfs_path){0};
			via_ldso = true;
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
		snprintf(cur, sizeof(cur), "%s", img.interp);
		if (exe_at.mnt)
			vfs_path_put(&exe_at);
		exe_at = next_at;
		next_at = (struct vfs_path){0};
	}
	exec_record(t, comm, &exe_at, &ldso_at, via_ldso);
	r = call->ops->exec_fd(call, fd, a.v, a.n, envp_addr);
	if (r == 0)
		r = SYS_REPLIED;
	else
		sentry_task_exec_failed(s, call->tid);
out:
	if (exe_at.mnt)
		vfs_path_put(&exe_at);
	if (ldso_at.mnt)
		vfs_path_put(&ldso_at);
	if (next_at.mnt)
		vfs_path_put(&next_at);
	if (ref.host_fd >= 0)
		sys_fd_put(&ref);
	exec_args_free(&a);
	return r;
}

/* The VFS's answer to open_exec: what the kernel's do_open_execat checks,
 * in the sandbox (vfs_open_exec). */
static int vfs_open_exec_fd(struct sentry *s, struct sentry_task *t, struct vfs_file *dirf,
			    const char *path, int flags, struct vfs_path *where)
{
	(void)s;
	struct vfs_ctx *c = sentry_task_vfs(t);
	if (!c)
		return -ENOSYS;
	struct vfs_file *f;
	int r = vfs_open_exec(c, dirf, path, flags, &f);
	if (r < 0)
		return r;
	int host = vfs_file_host_fd(f);
	r = host < 0 ? host : fcntl(host, F_DUPFD_CLOEXEC, 3);
	if (r < 0 && host >= 0)
		r = -errno;
	if (r >= 0 && where) {
		*where = *vfs_file_path(f);
		vfs_path_get(where);
	}
	vfs_file_put(f);
	return r;
}

const struct sentry_fs_ops sentry_vfs_fs_ops = {.open_exec = vfs_open_exec_fd};

SYS_HANDLER(execve)
{
	return do_exec(s, call, AT_FDCWD, call->args[0], call->args[1], call->args[2], 0);
}

SYS_HANDLER(execveat)
{
	return do_exec(s, call, (int)call->args[0], call->args[1], call->args[2],
		       call->args[3], (int)call->args[4]);
}
