/* The bubblewrap-compatible command line: the flag table, the option loop
 * (with --args splicing) and the checks bubblewrap makes once every option
 * is read.
 *
 * Messages are bubblewrap 0.11's, word for word, wherever bubblewrap reports
 * the same failure while parsing; veil's additions (closed fds, unsupported
 * flags, data read at parse time) name the flag and the value. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cmd/parse.h"
#include "cmd/parse_internal.h"

extern char **environ;

/* bubblewrap's hardening limit on argv plus --args strings. */
#define MAX_ARGS 9000
/* --args data: far above 9000 arguments of any sane length. */
#define MAX_ARGS_DATA ((size_t)64 << 20)
/* BPF_MAXINSNS: the kernel refuses longer filters. */
#define MAX_SECCOMP_INSNS 4096
#define MAX_SECCOMP_DATA ((size_t)MAX_SECCOMP_INSNS * 8)

static void warn_only_last(bool *seen, const char *name)
{
	if (*seen)
		log_warn("Only the last %s option will take effect", name);
	*seen = true;
}

void cli_close_later(struct parse_state *st, int fd)
{
	for (size_t i = 0; i < st->n_data_fds; i++)
		if (st->data_fds[i] == fd)
			return;
	st->data_fds = xreallocarray(st->data_fds, st->n_data_fds + 1,
				     sizeof(*st->data_fds));
	st->data_fds[st->n_data_fds++] = fd;
}

/* ---- flags without a mount op ------------------------------------------ */

static int h_unshare(struct parse_state *st, const struct cli_flag *f,
		     char **args, struct veil_error **err)
{
	(void)args;
	(void)err;
	st->ns_hard |= (unsigned)f->arg;
	if (f->arg & SPEC_NS_NET)
		st->spec->share_net = false;
	return 0;
}

static int h_unshare_try(struct parse_state *st, const struct cli_flag *f,
			 char **args, struct veil_error **err)
{
	(void)args;
	(void)err;
	st->ns_try |= (unsigned)f->arg;
	return 0;
}

/* --unshare-all: the -try variants of user and cgroup, so kernels without
 * them still work, and the rest for real. */
static int h_unshare_all(struct parse_state *st, const struct cli_flag *f,
			 char **args, struct veil_error **err)
{
	(void)f;
	(void)args;
	(void)err;
	st->ns_try |= SPEC_NS_USER | SPEC_NS_CGROUP;
	st->ns_hard |= SPEC_NS_IPC | SPEC_NS_PID | SPEC_NS_UTS | SPEC_NS_NET;
	st->spec->share_net = false;
	return 0;
}

/* --share-net undoes an earlier --unshare-net (usually from --unshare-all);
 * like bubblewrap, a later --unshare-net wins again. */
static int h_share_net(struct parse_state *st, const struct cli_flag *f,
		       char **args, struct veil_error **err)
{
	(void)f;
	(void)args;
	(void)err;
	st->ns_hard &= ~(unsigned)SPEC_NS_NET;
	st->spec->share_net = true;
	return 0;
}

/* Flags that only set a bool: f->arg is its offset in struct spec. */
static int h_bool(struct parse_state *st, const struct cli_flag *f,
		  char **args, struct veil_error **err)
{
	(void)args;
	(void)err;
	*(bool *)((char *)st->spec + f->arg) = true;
	return 0;
}

/* From here on, messages carry their syslog level (base/log.h); as in
 * bubblewrap, a warning printed before the option has none. */
static int h_level_prefix(struct parse_state *st, const struct cli_flag *f,
			  char **args, struct veil_error **err)
{
	(void)st;
	(void)f;
	(void)args;
	(void)err;
	log_level_prefix = 1;
	return 0;
}

static int h_argv0(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	(void)f;
	if (st->argv0_seen)
		return verr_set(err, 0, "--argv0 used multiple times");
	st->argv0_seen = true;
	st->spec->argv0 = xstrdup(args[0]);
	return 0;
}

static int h_chdir(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	(void)err;
	warn_only_last(&st->chdir_seen, f->name);
	free(st->spec->chdir);
	st->spec->chdir = xstrdup(args[0]);
	return 0;
}

static int h_hostname(struct parse_state *st, const struct cli_flag *f,
		      char **args, struct veil_error **err)
{
	(void)err;
	warn_only_last(&st->hostname_seen, f->name);
	free(st->spec->hostname);
	st->spec->hostname = xstrdup(args[0]);
	return 0;
}

static int h_id(struct parse_state *st, const struct cli_flag *f, char **args,
		struct veil_error **err)
{
	bool is_uid = f->arg == 0;
	int id;

	warn_only_last(is_uid ? &st->uid_seen : &st->gid_seen, f->name);
	if (cli_parse_int(args[0], &id) < 0)
		return verr_set(err, 0, "Invalid %s: %s", is_uid ? "uid" : "gid",
				args[0]);
	if (is_uid) {
		st->spec->uid = (uid_t)id;
		st->spec->uid_set = true;
	} else {
		st->spec->gid = (gid_t)id;
		st->spec->gid_set = true;
	}
	return 0;
}

/* fds the spec keeps by number: f->arg is the offset of the int in struct
 * spec. Repeating one warns, as bubblewrap does. */
static int h_keep_fd(struct parse_state *st, const struct cli_flag *f,
		     char **args, struct veil_error **err)
{
	int *slot = (int *)((char *)st->spec + f->arg);
	int fd;

	if (*slot != -1)
		log_warn("Only the last %s option will take effect", f->name);
	if (cli_parse_open_fd(f->name, args[0], &fd, err) < 0)
		return -1;
	*slot = fd;
	return 0;
}

static int h_lock_file(struct parse_state *st, const struct cli_flag *f,
		       char **args, struct veil_error **err)
{
	(void)f;
	(void)err;
	/* Opened by the sandbox's init, relative to its cwd as in bubblewrap:
	 * kept verbatim. */
	strv_push(&st->spec->lock_files, args[0]);
	return 0;
}

/* --userns2: switching user namespace after setup is not built yet
 * (--userns and --pidns are, by the kernel backend). Refusing is the only honest answer: ignoring the flag would run the
 * program somewhere the caller did not ask for. */
static int h_unsupported_ns(struct parse_state *st, const struct cli_flag *f,
			    char **args, struct veil_error **err)
{
	(void)st;
	int fd;

	if (cli_parse_fd(args[0], &fd, err) < 0)
		return -1;
	return verr_set(err, 0, "%s is not supported by veil yet", f->name);
}

/* --exec-label, --file-label: what bubblewrap built without SELinux says. */
static int h_label(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	(void)st;
	(void)f;
	(void)args;
	return verr_set(err, 0, "labeling not supported on this system");
}

static int h_seccomp(struct parse_state *st, const struct cli_flag *f,
		     char **args, struct veil_error **err)
{
	int fd;

	if (st->n_add_seccomp_fds)
		return verr_set(err, 0, "--seccomp cannot be combined with --add-seccomp-fd");
	if (st->seccomp_fd != -1)
		log_warn("Only the last %s option will take effect", f->name);
	if (cli_parse_fd(args[0], &fd, err) < 0)
		return -1;
	/* Read once parsing is done: only the last --seccomp counts, and an
	 * earlier fd must not be drained (or waited on) for nothing. */
	st->seccomp_fd = fd;
	return 0;
}

/* Reads one program: the checks bubblewrap makes as it reads (its text). */
static int read_seccomp(int fd, struct spec_bpf *prog, struct veil_error **err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;

	/* Read one instruction past the kernel's limit to tell "too long"
	 * from "exactly the limit". */
	int r = cli_read_fd(fd, MAX_SECCOMP_DATA + 8, &data, &len);
	if (r == -EFBIG)
		return verr_set(err, 0,
				"Invalid seccomp data from fd %d: more than %d instructions",
				fd, MAX_SECCOMP_INSNS);
	if (r < 0)
		return verr_set(err, -r, "Can't read seccomp data");
	close(fd);
	if (len % 8 != 0)
		return verr_set(err, 0, "Invalid seccomp data, must be multiple of 8");
	prog->insns = steal_ptr(data);
	prog->len = len;
	return 0;
}

/* The programs of --seccomp or every --add-seccomp-fd, read once every
 * option is known, as bubblewrap does: "--seccomp cannot be combined with
 * --add-seccomp-fd" wins over anything the data holds, and every fd is read
 * before an empty program is refused (bubblewrap finds that at prctl). */
static int read_seccomp_programs(struct parse_state *st, const int *fds, size_t n,
				 struct veil_error **err)
{
	struct spec *spec = st->spec;
	size_t base = spec->n_seccomp;
	if (n == 0)
		return 0;
	spec->seccomp = xreallocarray(spec->seccomp, base + n, sizeof(*spec->seccomp));
	for (size_t i = 0; i < n; i++) {
		if (read_seccomp(fds[i], &spec->seccomp[spec->n_seccomp], err) < 0)
			return -1;
		spec->n_seccomp++;
	}
	for (size_t i = 0; i < n; i++) {
		if (spec->seccomp[base + i].len == 0)
			return verr_set(err, 0, "Invalid seccomp data from fd %d: empty program",
					fds[i]);
		if (spec->seccomp[base + i].len > MAX_SECCOMP_DATA)
			return verr_set(err, 0,
					"Invalid seccomp data from fd %d: more than %d instructions",
					fds[i], MAX_SECCOMP_INSNS);
	}
	return 0;
}

static int h_add_seccomp(struct parse_state *st, const struct cli_flag *f,
			 char **args, struct veil_error **err)
{
	int fd;

	(void)f;
	if (st->seccomp_fd != -1)
		return verr_set(err, 0, "--add-seccomp-fd cannot be combined with --seccomp");
	if (cli_parse_fd(args[0], &fd, err) < 0)
		return -1;
	st->add_seccomp_fds = xreallocarray(st->add_seccomp_fds, st->n_add_seccomp_fds + 1,
					    sizeof(*st->add_seccomp_fds));
	st->add_seccomp_fds[st->n_add_seccomp_fds++] = fd;
	return 0;
}

static int parse_cap(const char *name, cap_value_t *ret,
		     struct veil_error **err)
{
	/* cap_from_name() also takes numbers; bits past 63 do not fit the
	 * spec's mask (and would be an undefined shift). */
	if (cap_from_name(name, ret) < 0 || *ret < 0 || *ret >= 64)
		return verr_set(err, 0, "unknown cap: %s", name);
	return 0;
}

/* The caller's effective set, where bubblewrap's requested set starts for
 * uid 0 ("default to inheriting all caps; the caller can drop them"). */
static uint64_t effective_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0;
	return (uint64_t)data[0].effective | (uint64_t)data[1].effective << 32;
}

/* bubblewrap's model: one requested set, starting empty (or, for uid 0,
 * as the caller's effective set: `--cap-drop X` as root drops X only); ALL
 * fills or empties it, a name adds or removes one bit. */
static int h_cap(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err)
{
	bool add = f->arg != 0;
	struct spec *spec = st->spec;
	cap_value_t cap;

	if (!spec->caps_set && getuid() == 0)
		spec->caps = effective_caps();
	spec->caps_set = true;
	if (strcasecmp(args[0], "ALL") == 0) {
		int max = cap_max_bits();
		if (max <= 0 || max > 64)
			max = 64;
		spec->caps = add ? (max == 64 ? ~0ULL : (1ULL << max) - 1) : 0;
		return 0;
	}
	if (parse_cap(args[0], &cap, err) < 0)
		return -1;
	if (add)
		spec->caps |= 1ULL << cap;
	else
		spec->caps &= ~(1ULL << cap);
	return 0;
}

/* WHAT names where VALUE came from, for the message. */
static int set_backend(struct spec *spec, const char *what, const char *value,
		       struct veil_error **err)
{
	static const char *const names[] = {
		[SPEC_BACKEND_AUTO] = "auto",
		[SPEC_BACKEND_EMULATE] = "emulate",
		[SPEC_BACKEND_KERNEL] = "kernel",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(value, names[i]) == 0) {
			spec->backend = (enum spec_backend)i;
			return 0;
		}
	return verr_set(err, 0, "Invalid %s value: %s (expected emulate, kernel or auto)",
			what, value);
}

static int h_backend(struct parse_state *st, const struct cli_flag *f,
		     char **args, struct veil_error **err)
{
	return set_backend(st->spec, f->name, args[0], err);
}

static int h_platform(struct parse_state *st, const struct cli_flag *f,
		      char **args, struct veil_error **err)
{
	static const char *const names[] = {
		[SPEC_PLATFORM_AUTO] = "auto",
		[SPEC_PLATFORM_UNOTIFY] = "unotify",
		[SPEC_PLATFORM_PTRACE] = "ptrace",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(args[0], names[i]) == 0) {
			st->spec->platform = (enum spec_platform)i;
			return 0;
		}
	return verr_set(err, 0, "Invalid %s value: %s (expected unotify, ptrace or auto)",
			f->name, args[0]);
}

/* ---- environment: the program's, never veil's own ---------------------- */

static bool env_valid_name(const char *name)
{
	/* setenv(3)'s rule, which bubblewrap inherits. */
	return name[0] != '\0' && !strchr(name, '=');
}

static void env_remove(char **env, const char *name)
{
	size_t n = strlen(name), w = 0;

	for (size_t r = 0; env[r]; r++) {
		if (strncmp(env[r], name, n) == 0 && env[r][n] == '=') {
			free(env[r]);
			continue;
		}
		env[w++] = env[r];
	}
	env[w] = NULL;
}

static int h_setenv(struct parse_state *st, const struct cli_flag *f,
		    char **args, struct veil_error **err)
{
	(void)f;
	if (!env_valid_name(args[0]))
		return verr_set(err, 0, "setenv failed");
	env_remove(st->env, args[0]);
	char *kv = xasprintf("%s=%s", args[0], args[1]);
	strv_push(&st->env, kv);
	free(kv);
	return 0;
}

static int h_unsetenv(struct parse_state *st, const struct cli_flag *f,
		      char **args, struct veil_error **err)
{
	(void)f;
	if (!env_valid_name(args[0]))
		return verr_set(err, 0, "unsetenv failed");
	env_remove(st->env, args[0]);
	return 0;
}

static int h_clearenv(struct parse_state *st, const struct cli_flag *f,
		      char **args, struct veil_error **err)
{
	(void)f;
	(void)args;
	(void)err;
	strv_free(st->env);
	st->env = xcalloc(1, sizeof(*st->env));
	return 0;
}

/* ---- the table --------------------------------------------------------- */

/* Handled by the loop itself: they change control flow. */
enum { SPECIAL_HELP = 1, SPECIAL_VERSION, SPECIAL_ARGS };

#define SPEC_OFF(field) offsetof(struct spec, field)
#define TWO_ARGS_BIND_FD "--bind-fd takes two arguments"

static const struct cli_flag flags[] = {
	{ "--help", 0, 0, NULL, NULL, SPECIAL_HELP },
	{ "--version", 0, 0, NULL, NULL, SPECIAL_VERSION },
	{ "--args", 1, 0, NULL, NULL, SPECIAL_ARGS },
	{ "--argv0", 1, 0, "--argv0 takes one argument", h_argv0, 0 },
	{ "--level-prefix", 0, 0, NULL, h_level_prefix, 0 },
	{ "--unshare-all", 0, 0, NULL, h_unshare_all, 0 },
	{ "--unshare-user", 0, 0, NULL, h_unshare, SPEC_NS_USER },
	{ "--unshare-user-try", 0, 0, NULL, h_unshare_try, SPEC_NS_USER },
	{ "--unshare-ipc", 0, 0, NULL, h_unshare, SPEC_NS_IPC },
	{ "--unshare-pid", 0, 0, NULL, h_unshare, SPEC_NS_PID },
	{ "--unshare-net", 0, 0, NULL, h_unshare, SPEC_NS_NET },
	{ "--unshare-uts", 0, 0, NULL, h_unshare, SPEC_NS_UTS },
	{ "--unshare-cgroup", 0, 0, NULL, h_unshare, SPEC_NS_CGROUP },
	{ "--unshare-cgroup-try", 0, 0, NULL, h_unshare_try, SPEC_NS_CGROUP },
	{ "--share-net", 0, 0, NULL, h_share_net, 0 },
	{ "--chdir", 1, 0, "--chdir takes one argument", h_chdir, 0 },
	{ "--disable-userns", 0, 0, NULL, h_bool, SPEC_OFF(disable_userns) },
	{ "--assert-userns-disabled", 0, 0, NULL, h_bool, SPEC_OFF(assert_userns_disabled) },
	{ "--remount-ro", 1, 0, "--remount-ro takes one argument", handle_dest_op, MOUNT_OP_REMOUNT_RO },
	{ "--bind", 2, 0, NULL, handle_bind, MOUNT_OP_WRITABLE },
	{ "--bind-try", 2, 0, NULL, handle_bind, MOUNT_OP_WRITABLE | MOUNT_OP_OPTIONAL },
	{ "--ro-bind", 2, 0, NULL, handle_bind, 0 },
	{ "--ro-bind-try", 2, 0, NULL, handle_bind, MOUNT_OP_OPTIONAL },
	{ "--dev-bind", 2, 0, NULL, handle_bind, MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES },
	{ "--dev-bind-try", 2, 0, NULL, handle_bind,
	  MOUNT_OP_WRITABLE | MOUNT_OP_DEVICES | MOUNT_OP_OPTIONAL },
	{ "--bind-fd", 2, 0, TWO_ARGS_BIND_FD, handle_bind_fd, MOUNT_OP_WRITABLE },
	{ "--ro-bind-fd", 2, 0, TWO_ARGS_BIND_FD, handle_bind_fd, 0 },
	{ "--overlay-src", 1, FLAG_OVERLAY_SRC, NULL, handle_overlay_src, 0 },
	{ "--overlay", 3, 0, NULL, handle_overlay, OVERLAY_UPPER_HOST },
	{ "--tmp-overlay", 1, 0, NULL, handle_overlay, OVERLAY_UPPER_TMPFS },
	{ "--ro-overlay", 1, 0, NULL, handle_overlay, OVERLAY_UPPER_NONE },
	{ "--proc", 1, 0, NULL, handle_dest_op, MOUNT_OP_PROC },
	{ "--exec-label", 1, 0, NULL, h_label, 0 },
	{ "--file-label", 1, 0, NULL, h_label, 0 },
	{ "--dev", 1, 0, NULL, handle_dest_op, MOUNT_OP_DEV },
	{ "--tmpfs", 1, 0, NULL, handle_tmpfs, 0 },
	{ "--mqueue", 1, 0, NULL, handle_dest_op, MOUNT_OP_MQUEUE },
	{ "--dir", 1, 0, NULL, handle_dir, 0 },
	{ "--file", 2, 0, NULL, handle_data_op, 0 },
	{ "--bind-data", 2, 0, NULL, handle_data_op, 1 },
	{ "--ro-bind-data", 2, 0, NULL, handle_data_op, 2 },
	{ "--symlink", 2, 0, NULL, handle_symlink, 0 },
	{ "--lock-file", 1, 0, NULL, h_lock_file, 0 },
	{ "--sync-fd", 1, 0, NULL, h_keep_fd, SPEC_OFF(sync_fd) },
	{ "--block-fd", 1, 0, NULL, h_keep_fd, SPEC_OFF(block_fd) },
	{ "--userns-block-fd", 1, 0, NULL, h_keep_fd, SPEC_OFF(userns_block_fd) },
	{ "--info-fd", 1, 0, NULL, h_keep_fd, SPEC_OFF(info_fd) },
	{ "--json-status-fd", 1, 0, NULL, h_keep_fd, SPEC_OFF(json_status_fd) },
	{ "--seccomp", 1, 0, NULL, h_seccomp, 0 },
	{ "--add-seccomp-fd", 1, 0, NULL, h_add_seccomp, 0 },
	{ "--userns", 1, 0, NULL, h_keep_fd, SPEC_OFF(userns_fd) },
	{ "--userns2", 1, 0, NULL, h_unsupported_ns, 0 },
	{ "--pidns", 1, 0, NULL, h_keep_fd, SPEC_OFF(pidns_fd) },
	{ "--clearenv", 0, 0, NULL, h_clearenv, 0 },
	{ "--setenv", 2, 0, NULL, h_setenv, 0 },
	{ "--unsetenv", 1, 0, NULL, h_unsetenv, 0 },
	{ "--uid", 1, 0, NULL, h_id, 0 },
	{ "--gid", 1, 0, NULL, h_id, 1 },
	{ "--hostname", 1, 0, NULL, h_hostname, 0 },
	{ "--new-session", 0, 0, NULL, h_bool, SPEC_OFF(new_session) },
	{ "--die-with-parent", 0, 0, NULL, h_bool, SPEC_OFF(die_with_parent) },
	{ "--as-pid-1", 0, 0, NULL, h_bool, SPEC_OFF(as_pid_1) },
	{ "--cap-add", 1, 0, NULL, h_cap, 1 },
	{ "--cap-drop", 1, 0, NULL, h_cap, 0 },
	{ "--perms", 1, FLAG_MODIFIER, NULL, handle_perms, 0 },
	{ "--size", 1, FLAG_MODIFIER, NULL, handle_size, 0 },
	{ "--chmod", 2, 0, NULL, handle_chmod, 0 },
	/* veil's own */
	{ "--backend", 1, FLAG_EQ_VALUE, NULL, h_backend, 0 },
	{ "--platform", 1, FLAG_EQ_VALUE, NULL, h_platform, 0 },
};

/* The row for `arg`, or NULL. For FLAG_EQ_VALUE flags "--name=VALUE" also
 * matches, with *eq_value pointing at VALUE. */
static const struct cli_flag *find_flag(const char *arg, const char **eq_value)
{
	const char *eq = strchr(arg, '=');

	*eq_value = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		const struct cli_flag *f = &flags[i];
		if (strcmp(arg, f->name) == 0)
			return f;
		size_t n = strlen(f->name);
		if ((f->kind & FLAG_EQ_VALUE) && eq && (size_t)(eq - arg) == n &&
		    strncmp(arg, f->name, n) == 0) {
			*eq_value = eq + 1;
			return f;
		}
	}
	return NULL;
}

static int arity_error(const struct cli_flag *f, struct veil_error **err)
{
	static const char *const counts[] = { "", "an argument", "two arguments",
					      "three arguments" };
	if (f->arity_msg)
		return verr_set(err, 0, "%s", f->arity_msg);
	return verr_set(err, 0, "%s takes %s", f->name, counts[f->nargs]);
}

static int parse_recurse(struct parse_state *st, int argc, char **argv,
			 bool in_file, int *ret_used, struct veil_error **err);

/* --args FD: NUL-separated arguments spliced in place. The data must hold
 * options only: bubblewrap silently drops anything after the options in an
 * --args file, which would lose a command without a word, so we refuse. */
static int parse_args_fd(struct parse_state *st, const char *fdarg,
			 struct veil_error **err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_free_ char **vec = NULL;
	size_t len, n = 0;
	int fd;

	if (cli_parse_fd(fdarg, &fd, err) < 0)
		return -1;
	if (cli_read_flag_fd("--args", fd, MAX_ARGS_DATA, &data, &len, err) < 0)
		return -1;

	/* A last string without its NUL still counts (cli_read_fd() put a
	 * NUL after the data), as in bubblewrap. */
	for (char *p = data; p < data + len; p += strlen(p) + 1) {
		if (++st->total_args > MAX_ARGS)
			return verr_set(err, 0, "Exceeded maximum number of arguments %u",
					MAX_ARGS);
		n++;
	}
	vec = xcalloc(n + 1, sizeof(*vec));
	size_t i = 0;
	for (char *p = data; p < data + len; p += strlen(p) + 1)
		vec[i++] = p;

	int used;
	int r = parse_recurse(st, (int)n, vec, true, &used, err);
	if (r != 0)
		return r;
	if ((size_t)used < n)
		return verr_set(err, 0,
				"--args data may hold options only, found \"%s\"",
				vec[used]);
	return 0;
}

/* Parses options from argv[0..argc) until "--" (consumed), the first
 * non-option, or the end; *ret_used is how many strings were consumed.
 * Returns 0, CLI_EXIT after --help/--version, or -1 with *err set. */
static int parse_recurse(struct parse_state *st, int argc, char **argv,
			 bool in_file, int *ret_used, struct veil_error **err)
{
	int i = 0;

	if (st->total_args > MAX_ARGS)
		return verr_set(err, 0, "Exceeded maximum number of arguments %u",
				MAX_ARGS);

	while (i < argc) {
		const char *arg = argv[i];
		const char *eq_value;
		char *eq_args[1];
		char **args;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-')
			break;
		const struct cli_flag *f = find_flag(arg, &eq_value);
		if (!f)
			return verr_set(err, 0, "Unknown option %s", arg);

		if (f->arg == SPECIAL_ARGS && !f->handle && in_file)
			return verr_set(err, 0, "--args not supported in arguments file");
		if (eq_value) {
			eq_args[0] = (char *)eq_value;
			args = eq_args;
			i++;
		} else {
			if ((unsigned)(argc - i - 1) < f->nargs)
				return arity_error(f, err);
			args = &argv[i + 1];
			i += 1 + (int)f->nargs;
		}

		int r = 0;
		if (f->handle) {
			r = f->handle(st, f, args, err);
		} else if (f->arg == SPECIAL_HELP) {
			cli_usage(st->out, st->argv0, st->bwrap);
			return CLI_EXIT;
		} else if (f->arg == SPECIAL_VERSION) {
			cli_version(st->out, st->bwrap);
			return CLI_EXIT;
		} else {
			r = parse_args_fd(st, args[0], err);
			if (r == CLI_EXIT)
				return r;
		}
		if (r < 0)
			return r;

		/* A modifier not consumed by this option was meant for an
		 * option that cannot take it. */
		if (!(f->kind & FLAG_MODIFIER) && st->next_perms >= 0)
			return verr_set(err, 0, "--perms must be followed by an option that creates a file");
		if (!(f->kind & FLAG_MODIFIER) && st->next_size != 0)
			return verr_set(err, 0, "--size must be followed by --tmpfs");
		if (!(f->kind & FLAG_OVERLAY_SRC) && st->overlay_srcs)
			return verr_set(err, 0, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");
	}
	*ret_used = i;
	return 0;
}

/* An fd veil keeps to write to or wait on (--info-fd, --sync-fd ...) may
 * not be one it reads data from and closes (--file, --bind-data,
 * --seccomp): once closed, its number is reused by veil's own fds, and
 * the status would be written into them. */
static int check_kept_fds(const struct parse_state *st, struct veil_error **err)
{
	static const struct {
		const char *name;
		size_t off;
	} kept[] = {
		{ "--sync-fd", SPEC_OFF(sync_fd) },
		{ "--block-fd", SPEC_OFF(block_fd) },
		{ "--userns-block-fd", SPEC_OFF(userns_block_fd) },
		{ "--info-fd", SPEC_OFF(info_fd) },
		{ "--json-status-fd", SPEC_OFF(json_status_fd) },
	};
	for (size_t k = 0; k < ARRAY_SIZE(kept); k++) {
		int fd = *(const int *)((const char *)st->spec + kept[k].off);
		if (fd < 0)
			continue;
		bool read = fd == st->seccomp_fd;
		for (size_t i = 0; i < st->n_add_seccomp_fds && !read; i++)
			read = st->add_seccomp_fds[i] == fd;
		for (size_t i = 0; i < st->n_data_fds && !read; i++)
			read = st->data_fds[i] == fd;
		if (read)
			return verr_set(err, 0, "%s %d: fd %d is also given as a data fd "
					"(--file, --bind-data, --seccomp or --add-seccomp-fd), which is read and closed",
					kept[k].name, fd, fd);
	}
	return 0;
}

/* What bubblewrap checks in main() once the options are read, in its order.
 * Without privilege (any uid but 0) bubblewrap always creates a user
 * namespace, so the "requires --unshare-user" rules only bite for root. */
static int finish(struct parse_state *st, int argc, char **argv,
		  struct veil_error **err)
{
	struct spec *spec = st->spec;

	/* bubblewrap ignores a --perms or --size left before the command;
	 * a setting that silently applies to nothing is a caller's bug, so
	 * veil refuses it with the message of the misplaced case. */
	if (st->next_perms >= 0)
		return verr_set(err, 0, "--perms must be followed by an option that creates a file");
	if (st->next_size != 0)
		return verr_set(err, 0, "--size must be followed by --tmpfs");
	if (st->overlay_srcs)
		return verr_set(err, 0, "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay");

	spec->unshare = st->ns_hard | st->ns_try;
	spec->unshare_try = st->ns_try & ~st->ns_hard;

	if (spec->userns_fd != -1 && (st->ns_hard & SPEC_NS_USER))
		return verr_set(err, 0, "--userns not compatible --unshare-user");
	if (spec->userns_fd != -1 && (st->ns_try & SPEC_NS_USER))
		return verr_set(err, 0, "--userns not compatible --unshare-user-try");
	/* Joining a user namespace (--userns) replaces the one an
	 * unprivileged caller would get. */
	bool userns = (st->ns_hard & SPEC_NS_USER) ||
		      (getuid() != 0 && spec->userns_fd == -1);
	if (spec->userns_block_fd != -1 && !userns)
		return verr_set(err, 0, "--userns-block-fd requires --unshare-user");
	if (spec->userns_block_fd != -1 && spec->info_fd == -1)
		return verr_set(err, 0, "--userns-block-fd requires --info-fd");
	if (spec->disable_userns && !userns)
		return verr_set(err, 0, "--disable-userns requires --unshare-user");
	/* Two spaces: bubblewrap's text, kept for scripts matching it. */
	if (spec->disable_userns && spec->userns_block_fd != -1)
		return verr_set(err, 0, "--disable-userns is not compatible with  --userns-block-fd");

	if (argc <= 0) {
		/* bubblewrap prints its usage to stderr and exits 1. */
		cli_usage(stderr, st->argv0, st->bwrap);
		return verr_set(err, 0, "No command specified");
	}

	/* --unshare-user-try counts: bubblewrap turns it into a user
	 * namespace whenever the kernel offers one, and a backend that
	 * cannot will fail on the uid then. */
	userns = userns || (st->ns_try & SPEC_NS_USER) || spec->userns_fd != -1;
	if (!userns && spec->uid_set && spec->uid != getuid())
		return verr_set(err, 0, "Specifying --uid requires --unshare-user or --userns");
	if (!userns && spec->gid_set && spec->gid != getgid())
		return verr_set(err, 0, "Specifying --gid requires --unshare-user or --userns");
	if (spec->hostname && !(st->ns_hard & SPEC_NS_UTS))
		return verr_set(err, 0, "Specifying --hostname requires --unshare-uts");
	if (spec->as_pid_1 && !(st->ns_hard & SPEC_NS_PID))
		return verr_set(err, 0, "Specifying --as-pid-1 requires --unshare-pid");
	if (spec->as_pid_1 && spec->lock_files)
		return verr_set(err, 0, "Specifying --as-pid-1 and --lock-file is not permitted");

	if (check_kept_fds(st, err) < 0)
		return -1;
	if (st->seccomp_fd != -1 && read_seccomp_programs(st, &st->seccomp_fd, 1, err) < 0)
		return -1;
	if (read_seccomp_programs(st, st->add_seccomp_fds, st->n_add_seccomp_fds, err) < 0)
		return -1;

	spec->argv = strv_copy(argv);
	spec->envp = steal_ptr(st->env);
	return 0;
}

bool invoked_as_bwrap(int argc, char **argv)
{
	if (argc < 1 || !argv[0])
		return false;
	const char *slash = strrchr(argv[0], '/');
	return strcmp(slash ? slash + 1 : argv[0], "bwrap") == 0;
}

int cli_parse(int argc, char **argv, struct spec *spec, FILE *out,
	      struct veil_error **err)
{
	struct parse_state st = {
		.spec = spec,
		.out = out,
		.bwrap = invoked_as_bwrap(argc, argv),
		.argv0 = argc >= 1 && argv[0] ? argv[0] : "veil",
		.total_args = argc > 1 ? (size_t)argc - 1 : 0,
		.next_perms = -1,
		.seccomp_fd = -1,
		.env = strv_copy(environ),
	};
	int used = 0, r = 0;

	/* VEIL_BACKEND picks the backend where no option can be added: veil
	 * run as `bwrap` by a tool, or nested by its own program (the
	 * environment is inherited). --backend still wins. */
	const char *env_backend = getenv("VEIL_BACKEND");
	if (env_backend && *env_backend)
		r = set_backend(spec, "VEIL_BACKEND", env_backend, err);

	if (argc > 1 && r == 0)
		r = parse_recurse(&st, argc - 1, argv + 1, false, &used, err);
	if (r == 0)
		r = finish(&st, argc > 1 ? argc - 1 - used : 0, argv + 1 + used, err);

	for (size_t i = 0; i < st.n_data_fds; i++)
		close(st.data_fds[i]);
	free(st.data_fds);
	free(st.add_seccomp_fds);
	strv_free(st.env);
	strv_free(st.overlay_srcs);
	return r < 0 ? -1 : r;
}
