/* The unotify platform: the program runs under the sentry's seccomp filter;
 * NOTIFY syscalls arrive on the listener fd and are answered with
 * SECCOMP_IOCTL_NOTIF_SEND / _ADDFD. The sentry also ptraces every task
 * (PTRACE_SEIZE, forks followed automatically) to learn of new and exiting
 * tasks and to assist the TRACE class (exec, chdir).
 *
 * One thread: unotify_run() is the sandbox's event loop, and nothing on it
 * may wait on what the program controls (a copy's close goes through
 * base/closer.h, whose threads only close). The process it runs in has no
 * children but the sandbox's and the sentry's short-lived helpers (it
 * reaps with waitpid(-1)), and no other thread that leaves SIGCHLD
 * unblocked (the signal must reach the loop's signalfd). */
#ifndef VEIL_PLATFORM_UNOTIFY_H
#define VEIL_PLATFORM_UNOTIFY_H

#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/error.h"
#include "platform/landlock.h"
#include "sentry/kernel/sentry.h"
#include "spec/spec.h"

/* One cached directory fd of a tracee thread (fdcache.c). */
struct fdcache_slot {
	pid_t tid; /* 0: free */
	int fd;    /* the tracee's fd number */
	int mine;  /* the sentry's fd on the same open file */
	int how;   /* its O_ACCMODE | O_PATH bits, fixed for an open file */
	struct stat st;
};

#define FDCACHE_SLOTS 64

struct fdcache {
	struct fdcache_slot e[FDCACHE_SLOTS];
	bool off; /* keeps nothing: no kcmp here, or a lock on a directory */
	pid_t self; /* the sentry's pid, for kcmp (glibc no longer caches it) */
};

struct unotify {
	struct sentry *sentry;
	int listener;   /* seccomp user-notification fd */
	int sigfd;      /* SIGCHLD and the signals forwarded to the program */
	pid_t root;     /* the first task; its exit ends the sandbox */
	/* the program: the first task, or with opts->init the first task's
	 * first child (the first task is then the sandbox's init); its first
	 * exec loads the spec's seccomp programs. 0 until known. */
	pid_t program;
	bool init;
	int root_status;
	bool root_exited;
	bool sync_wakeup; /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP is in force */
	bool killable;    /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is (listener.c) */
	sigset_t saved_mask;
	pid_t *early;   /* new tasks whose first stop came before their parent's event */
	size_t n_early, cap_early;
	struct unotify_exec *execs; /* tracees in the middle of an exec by fd */
	struct zero_page *zeros;    /* sealed "" pages, one per address space (zeropage.c) */
	bool no_mseal;              /* mseal(2) is missing: the "" stays in the area */
	struct unotify_ctty *cttys; /* tracees taking a controlling terminal */
	struct pidfd_slot *pidfds; /* tid -> pidfd, for taking the tracee's fds */
	size_t n_pidfds, cap_pidfds;
	struct fdcache fdcache;
	/* Copies of the memory of tasks that share their address space
	 * (platform/copier.h), and the calls kept until a stuck one is
	 * through, to be run again from the start. */
	struct copier *copier;
	struct parked_call *parked;
	/* The ptrace stop being handled (its wait status): a read of its
	 * task's memory deferred (the stop is handled again from the start
	 * once the copy can go through), or a write queued (it resumes once
	 * that is through): stop_read, stop_write. */
	int stop_status;
	bool stop_deferred, stop_queued;
	/* The spec's seccomp programs, until the first task's exec has
	 * loaded them all (exec.c, step FILTER); filter_failed: the 1-based
	 * index of the one the kernel refused, filter_errno its errno. */
	const struct spec_bpf *filters;
	size_t n_filters;
	size_t filter_failed;
	int filter_errno;
	/* The steps' secret and the programs as loaded, each with the
	 * prefix that lets the steps through (step_filter.c). */
	uint64_t step_secret;
	struct spec_bpf *wrapped;
	size_t n_wrapped;
};

struct unotify_opts {
	/* Landlock for the sandbox (scoping, and the filesystem backstop), or
	 * NULL for none (the platform's own unit tests). */
	const struct landlock_policy *landlock;
	/* --seccomp / --add-seccomp-fd programs: the first task loads them
	 * as the last step of its first exec, just before the execveat, so
	 * they apply to the program (and to that execveat, as bubblewrap
	 * loads them before execve) but not to the steps the sentry has the
	 * tracee run. The program never runs without them. */
	const struct spec_bpf *filters;
	size_t n_filters;
	/* The first task is the sandbox's init (--unshare-pid without
	 * --as-pid-1): it forks the program and never execs. */
	bool init;
	/* --unshare-net: the socket calls the sandbox's own network needs are
	 * trapped too (sentry/net/inet.h). */
	bool net;
};

/* Whether the spec's --seccomp programs fit behind the prefix the exec
 * steps need (step_filter.c): 0, or -1 with *err naming the one too long
 * (emulate_check, so --backend=auto takes the kernel backend for it). */
int unotify_check_filters(const struct spec_bpf *progs, size_t n, struct veil_error **err);

/* Starts `fn(arg)` as the sandbox's first task: a child that drops every
 * capability, sets no_new_privs, restricts itself with Landlock, installs
 * the sentry's filter and hands its listener over, then runs fn, whose
 * return value is its exit status (fn normally execs). opts may be NULL. */
int unotify_spawn(struct unotify *u, struct sentry *s, const struct unotify_opts *opts,
		  int (*fn)(void *), void *arg, struct veil_error **err);

/* Serves the sandbox until the first task exits; then the remaining tasks
 * are killed and reaped. Returns the first task's exit status, or 128+N
 * when signal N killed it. */
int unotify_run(struct unotify *u);

void unotify_fini(struct unotify *u);

#endif
