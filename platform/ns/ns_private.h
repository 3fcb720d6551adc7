/* Private to platform/ns: the state the parent and the sandbox child share,
 * and the entry points of each file, grouped by file.
 *
 * Process model (as bubblewrap's):
 *   veil (parent, host)        ns_run.c: clone, uid/gid maps, info fds,
 *     |                        signal forwarding, exit status
 *     +- setup child           ns_child.c: mounts (ns_mounts.c), pivot_root,
 *          |                   hostname, nested userns, chdir, hardening
 *          |                   (ns_harden.c); becomes pid 1 (ns_init.c)
 *          +- program          exec()s spec->argv
 *
 * Ownership: struct ns_ctx is filled by the parent before clone() and is
 * a private copy in the child afterwards; the spec it points to belongs to
 * the caller. Every fd in it is O_CLOEXEC, so none reaches the program.
 * Inside the child, failures are carried as a struct veil_error up to
 * ns_child_main(), which sends it to the parent (ns_report.c) and exits:
 * nothing below it prints or exits. */
#ifndef VEIL_PLATFORM_NS_PRIVATE_H
#define VEIL_PLATFORM_NS_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "spec/spec.h"

struct exec_fail;

struct ns_ctx {
	const struct spec *spec;

	/* What is actually created (after the *_try bits were decided). */
	bool userns;
	unsigned clone_flags;    /* CLONE_NEW* passed to clone() */
	uid_t real_uid;          /* the caller's ids on the host */
	gid_t real_gid;
	uint64_t caller_caps;    /* the caller's permitted capabilities */
	uid_t ns_uid;            /* the ids in the first user namespace; they */
	gid_t ns_gid;            /* differ from the spec's when devpts needs 0 */
	bool needs_nested_userns;
	bool need_init;          /* a pid 1 reaper runs the program as a child */
	bool landlock_scope;     /* the kernel scopes signals/abstract sockets */

	char *old_cwd;           /* the caller's cwd, for the default chdir */
	char *host_tty;          /* ttyname(1) or NULL, for /dev/console */

	int report_fd;           /* child -> parent: ns_report records */
	struct exec_fail *exec_fail; /* child -> parent: the program's exec failed */
	int go_fd;               /* parent -> child: maps are written */
	int proc_fd;             /* the host's /proc, O_PATH, in the child */
	int tmp_overlay_count;   /* next index of a --tmp-overlay upper */
	char **fd_sources;       /* per op: host path of a BIND source_fd, else NULL */
};

/* ns_report.c: the child's failure (or its "about to exec") as a record on
 * a pipe; the parent reads every record until EOF. */
enum ns_report_kind {
	NS_REPORT_EXEC = 1,  /* setup done, the program is about to exec */
	NS_REPORT_ERROR = 2, /* setup failed: errnum + message follow */
};
void ns_report_exec(int fd);
void ns_report_error(int fd, const struct veil_error *err);
/* Reads records until EOF. Returns 1 when an error was read (then *err is
 * set), else 0; *exec_reached tells whether the program got to exec. */
int ns_report_read(int fd, bool *exec_reached, struct veil_error **err);

/* ns_child.c: the setup child; never returns. */
__attribute__((noreturn)) void ns_child_main(struct ns_ctx *ctx);

/* ns_mounts.c: applies every op of the spec under /newroot, with host
 * paths reached under /oldroot (cwd is the base tmpfs root). */
int ns_mounts_apply(struct ns_ctx *ctx, struct veil_error **err);

/* ns_harden.c */
int ns_harden_drop_caps(const struct ns_ctx *ctx, struct veil_error **err);
int ns_harden_drop_all_caps(struct veil_error **err);
/* In the parent, before anything is created: whether the kernel can
 * scope (Landlock ABI >= 6); fails unless VEIL_LANDLOCK=optional waives. */
int ns_harden_landlock_check(bool *ret_scope, struct veil_error **err);
int ns_harden_landlock(struct veil_error **err);
int ns_harden_seccomp(const struct ns_ctx *ctx, struct veil_error **err);
/* The caps the program keeps: spec->caps, or the default. */
/* What the program keeps of the capabilities 0..last. */
uint64_t ns_harden_kept_caps(const struct ns_ctx *ctx, int last);
/* The caller's permitted set, read by the parent before clone(). */
uint64_t ns_harden_caller_caps(void);

/* ns_init.c: pid 1. Forwards signals to `child`, reaps everything, and
 * returns the exit status veil reports (child's code or 128+signal). */
int ns_init_run(pid_t child);
/* The signals veil forwards to the program (zero-terminated). */
extern const int ns_forwarded_signals[];
int ns_exit_status(int wstatus);

/* ns_status.c: --info-fd and --json-status-fd, worded as bubblewrap. */
/* --info-fd, --json-status-fd: platform/status.h */

#endif
