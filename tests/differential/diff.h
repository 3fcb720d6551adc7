/* The differential harness: a scenario is a table of steps (operation,
 * arguments, expected result); diff_run() replays it against the VFS (a
 * fresh tmpfs root, plus the scenario's mounts) and against the real kernel
 * (a child in a private mount namespace, chrooted into a fresh tmpfs with
 * the same mounts), then compares return values, errnos, stat fields
 * (modulo ino, dev and times), link bodies, directory listings and xattr
 * values step by step, and checks both against the table's expectation. */
#ifndef VEIL_TESTS_DIFF_H
#define VEIL_TESTS_DIFF_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "vfs/vfs.h"

enum diff_op {
	OP_OPEN,      /* slot = openat(at, path, a=flags, b=mode) */
	OP_OPEN2,     /* slot = openat2(at, path, a=flags, c=resolve) */
	OP_CLOSE,     /* close(slot) */
	OP_MKDIR,     /* mkdirat(at, path, a=mode) */
	OP_MKNOD,     /* mknodat(at, path, a=mode, b=dev) */
	OP_UNLINK,    /* unlinkat(at, path, a=flags) */
	OP_RENAME,    /* renameat2(at, path, at, path2, a=flags) */
	OP_LINK,      /* linkat(at, path, at, path2, a=flags) */
	OP_SYMLINK,   /* symlinkat(path2=target, at, path) */
	OP_READLINK,  /* readlinkat(at, path, buf, a ? a : 256): compares the body */
	OP_STAT,      /* fstatat(at, path, a=flags): compares the fields */
	OP_ACCESS,    /* faccessat2(at, path, a=mode, b=flags) */
	OP_CHMOD,     /* fchmodat2(at, path, a=mode, b=flags) */
	OP_CHOWN,     /* fchownat(at, path, a=uid, b=gid, c=flags) */
	OP_UTIMES,    /* utimensat(at, path, times by a: 0 NULL, 1 explicit, 2 OMIT/OMIT,
			 3 NOW/OMIT, 4 bad nsec, b=flags) */
	OP_TRUNCATE,  /* truncate(path, a) */
	OP_FTRUNCATE, /* ftruncate(slot, a) */
	OP_WRITE,     /* write(slot, path2 as data) */
	OP_READ,      /* pread(slot, 0): compares the bytes */
	OP_GETDENTS,  /* open path O_DIRECTORY, list every entry: compares the names */
	OP_GETDENTS_FD, /* list slot from its current position */
	OP_SETXATTR,  /* setxattr(path, path2=name, value "v" x a, b=flags, c=AT_SYMLINK_NOFOLLOW?) */
	OP_GETXATTR,  /* getxattr(path, path2=name, size a): compares the value */
	OP_LISTXATTR, /* listxattr(path, size a): compares the sorted names */
	OP_RMXATTR,   /* removexattr(path, path2=name) */
	OP_UMASK,     /* umask(a) */
	OP_CRED,      /* switch to credential profile a (DIFF_CRED_*) */
	OP_CHDIR,     /* chdir(path) */
	OP_FCHDIR,    /* fchdir(slot) */
	OP_STATFS,    /* statfs(path): compares f_type, f_namelen, mount flags */
	OP_FSTAT,     /* fstat of slot (fstatat AT_EMPTY_PATH) */
	OP_GETCWD,    /* getcwd(buf, a ? a : 256): compares the string */
	OP_SAMEID,    /* lstat path and path2: 1 if st_dev equal, | 2 if st_ino equal */
	OP_HOST,      /* a change behind the sandbox's back: host op a (DIFF_HOST_*) on the
			 host tree bound at /h, paths relative to it, b=mode/flags */
};

/* Host-side changes (OP_HOST), made with full privileges and umask 0 on
 * the tree itself, outside the sandbox: what the VFS has cached must
 * follow them. */
enum diff_host_op {
	DIFF_HOST_RENAME,  /* renameat2(path, path2, b=flags) */
	DIFF_HOST_SYMLINK, /* symlinkat(path2, path) */
	DIFF_HOST_CHMOD,   /* fchmodat(path, b) */
	DIFF_HOST_UNLINK,  /* unlinkat(path, b=flags) */
	DIFF_HOST_MKDIR,   /* mkdirat(path, b) */
	DIFF_HOST_MKFILE,  /* mknodat(path, S_IFREG | b) */
};

enum diff_cred {
	DIFF_CRED_ROOT,	      /* 0:0, every capability */
	DIFF_CRED_USER,	      /* 1000:1000, groups 1000 2000, none */
	DIFF_CRED_OTHER,      /* 1001:1001, group 1001, none */
	DIFF_CRED_ROOT_NODAC, /* 0:0 without DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID */
};

/* Expectations: 0 success (an open's fd counts as 0), a count, -errno, or
 * ANY (compare the two sides only). */
#define ANY INT_MIN

struct diff_step {
	enum diff_op op;
	int at;	  /* dirfd: 0 AT_FDCWD, k the fd in slot k */
	const char *path, *path2;
	long a, b, c;
	int slot; /* the slot an open fills, or the fd slot an fd op uses */
	int expect;
};

enum diff_setup {
	SETUP_PLAIN = 0,
	SETUP_MOUNTS = 1, /* tmpfs at /mnt, read-only at /rom, nr_inodes=4 noexec nodev at /small */
	SETUP_HOST = 2,	  /* a host tree bound at /h, read-only at /hro */
	SETUP_OVERLAY = 4, /* overlays of two host lowers (diff_overlay.c): /ov with a
			      tmpfs upper, /ovr read-only */
	SETUP_OVERLAY_HOSTUP = 8, /* with SETUP_OVERLAY: /ov's upper on the host (hostfs) */
};

/* One side's host tree (for OP_HOST), or -1. */
extern int diff_host_dirfd;
/* Runs an OP_HOST step on the tree at dirfd: 0 or -errno. */
long diff_host_op(int dirfd, const struct diff_step *s);

struct diff_scenario {
	const char *name;
	unsigned setup;
	const struct diff_step *steps;
	int nsteps;
};

#define SCENARIO(n, s, tbl) { .name = n, .setup = s, .steps = tbl, .nsteps = (int)(sizeof(tbl) / sizeof(tbl[0])) }

extern const struct diff_scenario diff_host_scenarios[];
extern const int diff_nhost_scenarios;

/* Runs one scenario; returns the number of mismatching steps (printed to
 * stderr when verbose, or always for the first few) and adds the steps run
 * to *nsteps. With check_expect false only the two sides are compared. */
int diff_run(const struct diff_scenario *sc, bool check_expect, bool verbose, long *nsteps);
/* Copies the host's fs.protected_* values into vfs_protected. */
void diff_sync_sysctls(void);
/* Prepares the host trees SETUP_HOST binds (call once; removed at exit). */
int diff_host_init(void);

/* SETUP_OVERLAY (diff_overlay.c): the lower trees, rebuilt before each
 * scenario; the kernel side's overlay mounts under the chroot-to-be dir;
 * the VFS side's, in ctx's root. */
int diff_ovl_init(void);
int diff_ovl_reset(void);
int diff_ovl_k_setup(unsigned setup, const char *dir);
int diff_ovl_v_setup(unsigned setup, struct vfs_ctx *ctx);

extern const struct diff_scenario diff_overlay_scenarios[];
extern const int diff_noverlay_scenarios;

#endif
