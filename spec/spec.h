/* The op model: what a sandbox looks like, independent of how it is made.
 *
 * cmd/ turns argv into one `struct spec`; every backend consumes the same
 * spec (platform/ns realises the ops as kernel mounts, the sentry as VFS
 * mounts). Nothing backend-specific lives here: a field means the same to
 * every backend, and a backend that cannot realise an op fails at start
 * with spec_op_describe() in its message, never skips it.
 *
 * Ownership: a spec owns every string, vector and buffer it points to;
 * spec_free() releases them. Fds named in a spec (info_fd, ...) belong to the
 * process, not to the spec. */
#ifndef VEIL_SENTRY_SPEC_H
#define VEIL_SENTRY_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

enum mount_op_type {
	MOUNT_OP_BIND,       /* host `source` on `dest` (--bind/--ro-bind/--dev-bind[-try], --bind-fd) */
	MOUNT_OP_TMPFS,      /* fresh tmpfs, `perms` on its root, `size` bytes (0: default) */
	MOUNT_OP_OVERLAY,    /* overlay of `overlay.lowers`, see enum overlay_upper */
	MOUNT_OP_PROC,       /* private proc instance */
	MOUNT_OP_DEV,        /* minimal /dev: host device nodes, devpts, shm, std links */
	MOUNT_OP_MQUEUE,     /* POSIX message queue fs */
	MOUNT_OP_DIR,        /* mkdir -p `dest`, the last component with `perms` */
	MOUNT_OP_SYMLINK,    /* symlink at `dest` whose target is `source` */
	MOUNT_OP_FILE,       /* regular file at `dest` holding `data`, mode `perms` */
	MOUNT_OP_BIND_DATA,  /* file holding `data` bind-mounted on `dest` */
	MOUNT_OP_REMOUNT_RO, /* make the mount at `dest` read-only (not recursive) */
	MOUNT_OP_CHMOD,      /* chmod `perms` on an existing `dest` */
};

enum mount_op_flags {
	MOUNT_OP_WRITABLE = 1u << 0, /* BIND, BIND_DATA: writable (default read-only) */
	MOUNT_OP_DEVICES = 1u << 1,  /* BIND: device nodes usable (default nodev) */
	MOUNT_OP_OPTIONAL = 1u << 2, /* BIND: skipped when the source is missing (-try) */
	MOUNT_OP_READONLY = 1u << 3, /* TMPFS: mounted read-only (empty placeholder) */
	MOUNT_OP_SKIPPED = 1u << 4,  /* set by spec_prepare(): optional source missing */
};

enum overlay_upper {
	OVERLAY_UPPER_HOST,  /* --overlay RWSRC WORKDIR DEST: upper and work dir on the host */
	OVERLAY_UPPER_TMPFS, /* --tmp-overlay: upper in a fresh tmpfs, changes vanish */
	OVERLAY_UPPER_NONE,  /* --ro-overlay: read-only merge of the lowers */
};

struct mount_op {
	enum mount_op_type type;
	unsigned flags;  /* enum mount_op_flags */
	char *source;    /* BIND: host path (absolute after spec_prepare); SYMLINK: target text */
	int source_fd;   /* BIND from --bind-fd/--ro-bind-fd, else -1 */
	char *dest;      /* absolute path inside the sandbox */
	mode_t perms;    /* TMPFS, DIR, FILE, BIND_DATA, CHMOD: resolved, never "unset" */
	uint64_t size;   /* TMPFS: bytes, 0 = the filesystem's default */
	char *data;      /* FILE, BIND_DATA: the bytes, read at parse time */
	size_t data_len;
	struct {
		char **lowers; /* host paths, NULL-terminated, lowest first as given */
		enum overlay_upper upper_kind;
		char *upper;   /* HOST: the RWSRC */
		char *workdir; /* HOST: the WORKDIR */
	} overlay;
};

enum spec_ns {
	SPEC_NS_USER = 1u << 0,
	SPEC_NS_IPC = 1u << 1,
	SPEC_NS_PID = 1u << 2,
	SPEC_NS_NET = 1u << 3,
	SPEC_NS_UTS = 1u << 4,
	SPEC_NS_CGROUP = 1u << 5,
};

enum spec_backend { SPEC_BACKEND_AUTO, SPEC_BACKEND_EMULATE, SPEC_BACKEND_KERNEL };
enum spec_platform { SPEC_PLATFORM_AUTO, SPEC_PLATFORM_UNOTIFY, SPEC_PLATFORM_PTRACE };

/* A seccomp program from --seccomp or --add-seccomp-fd: raw struct
 * sock_filter instructions, read at parse time. */
struct spec_bpf {
	void *insns;
	size_t len; /* bytes, a multiple of 8 */
};

struct spec {
	struct mount_op *ops; /* applied in order, later ones on top */
	size_t n_ops;

	char **argv;  /* COMMAND ARGS..., NULL-terminated, never empty */
	char *argv0;  /* --argv0, or NULL: argv[0] */
	char **envp;  /* the program's environment after --setenv/--unsetenv/--clearenv */
	char *chdir;  /* --chdir, or NULL: keep the cwd if it exists inside, else $HOME, else / */

	uid_t uid;    /* sandbox ids; default: the caller's */
	gid_t gid;
	bool uid_set, gid_set;
	char *hostname;

	unsigned unshare;     /* enum spec_ns: namespaces to create */
	unsigned unshare_try; /* enum spec_ns: subset of `unshare` that may be skipped */
	bool share_net;
	bool die_with_parent;
	bool new_session;
	bool as_pid_1;
	bool disable_userns;
	bool assert_userns_disabled;

	/* Capabilities kept in the sandbox, by number (CAP_*), when caps_set;
	 * else the default (none, or all for uid 0, as bubblewrap does). */
	uint64_t caps;
	bool caps_set;

	struct spec_bpf *seccomp; /* applied in order */
	size_t n_seccomp;

	int info_fd;          /* -1 when not given */
	int json_status_fd;
	int sync_fd;
	int block_fd;
	int userns_block_fd;
	int userns_fd;        /* --userns: join this user namespace (kernel backend) */
	int pidns_fd;         /* --pidns: start in this pid namespace (kernel backend) */
	char **lock_files;    /* --lock-file paths inside the sandbox */

	enum spec_backend backend;
	enum spec_platform platform;
};

/* An empty spec: no ops, every fd -1, caller's ids. */
void spec_init(struct spec *spec);
void spec_free(struct spec *spec);

/* Appends a zeroed op of `type` (source_fd -1) and returns it. */
struct mount_op *spec_add_op(struct spec *spec, enum mount_op_type type);

/* The op as one readable line, as setup errors name it:
 * `bind "/usr" on "/usr" flags 0x0`. The caller frees it. */
char *spec_op_describe(const struct mount_op *op);
/* The mode every backend gives the parents it creates for `op`. */
mode_t spec_op_parent_mode(const struct mount_op *op);
const char *spec_op_type_name(enum mount_op_type type);
/* Ops compare equal by value. */
bool spec_op_equal(const struct mount_op *a, const struct mount_op *b);

/* The early host step every backend shares, after parsing and before
 * anything is set up: resolves host sources (bind sources to canonical
 * absolute paths, overlay layers), checks they exist, and marks an optional
 * bind whose source is missing MOUNT_OP_SKIPPED. Fails with a message that
 * names the source, as bubblewrap words it. */
int spec_prepare(struct spec *spec, struct veil_error **err);

#endif
