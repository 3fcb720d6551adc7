/* Private to cmd/: the parser's state and the helpers its files share.
 *
 * parse.c    the flag table, the loop (with --args recursion) and the checks
 *            bubblewrap makes once all options are read
 * parse_ops.c  handlers for the flags that add mount ops (and --perms/--size,
 *            which only modify the next op), destination normalisation
 * parse_fd.c numbers and fds: bubblewrap's integer rules, "is this fd open",
 *            reading a whole fd into memory
 * usage.c    --help and --version text
 *
 * Invariants while parsing: st->next_perms is -1 or a value <= 07777 that no
 * op has consumed yet; st->next_size is 0 or a pending --size; st->overlay_srcs
 * holds the --overlay-src paths given since the last overlay op (NULL when
 * none). Every string the spec receives is a copy: argv strings and --args
 * buffers are never referenced after parsing. */
#ifndef VEIL_CMD_PARSE_INTERNAL_H
#define VEIL_CMD_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"
#include "spec/spec.h"

struct parse_state {
	struct spec *spec;
	FILE *out;
	bool bwrap; /* invoked as "bwrap": bubblewrap's usage and version text */
	const char *argv0; /* as invoked, for the usage line */

	/* bubblewrap's MAX_ARGS guard: argv plus every --args string. */
	size_t total_args;

	int next_perms;      /* --perms for the next op, -1 when none */
	uint64_t next_size;  /* --size for the next --tmpfs, 0 when none */
	char **overlay_srcs; /* pending --overlay-src, in the order given */

	/* Namespaces asked for with and without "-try"; folded into
	 * spec->unshare / unshare_try once parsing is done. */
	unsigned ns_hard, ns_try;

	int seccomp_fd; /* --seccomp: read at the end, only the last counts */
	int *add_seccomp_fds; /* --add-seccomp-fd, read at the end, in order */
	size_t n_add_seccomp_fds;
	bool argv0_seen, chdir_seen, hostname_seen;
	bool uid_seen, gid_seen;

	char **env; /* the program's environment as the options shape it */

	/* --file/--bind-data fds, closed when parsing ends: bubblewrap closes
	 * them only after setup, so naming one fd twice reads EOF the second
	 * time rather than failing. */
	int *data_fds;
	size_t n_data_fds;
};

/* One row of the flag table. */
struct cli_flag;
typedef int (*cli_handler)(struct parse_state *st, const struct cli_flag *f,
			   char **args, struct veil_error **err);

enum cli_flag_kind {
	FLAG_MODIFIER = 1u << 0,    /* --perms, --size: modify the next op */
	FLAG_OVERLAY_SRC = 1u << 1, /* --overlay-src: must precede an overlay */
	FLAG_EQ_VALUE = 1u << 2,    /* also accepted as --name=VALUE (veil's own) */
};

struct cli_flag {
	const char *name;
	unsigned nargs;
	unsigned kind;         /* enum cli_flag_kind */
	const char *arity_msg; /* NULL: "NAME takes an argument" etc. from nargs */
	cli_handler handle;
	unsigned long arg;     /* handler-specific constant */
};

/* parse_ops.c: handlers for the mount-op flags. */
int handle_bind(struct parse_state *st, const struct cli_flag *f, char **args,
		struct veil_error **err);
int handle_bind_fd(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err);
int handle_dest_op(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err);
int handle_tmpfs(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err);
int handle_dir(struct parse_state *st, const struct cli_flag *f, char **args,
	       struct veil_error **err);
int handle_data_op(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err);
int handle_symlink(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err);
int handle_chmod(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err);
int handle_perms(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err);
int handle_size(struct parse_state *st, const struct cli_flag *f, char **args,
		struct veil_error **err);
int handle_overlay_src(struct parse_state *st, const struct cli_flag *f,
		       char **args, struct veil_error **err);
int handle_overlay(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err);

/* A sandbox path made absolute (relative to /, as bubblewrap treats it) and
 * normalised lexically: no empty, "." or ".." components, no trailing
 * slash; ".." at the root stays at the root. The caller frees it. */
char *cli_normalize_dest(const char *path);

/* parse_fd.c */

/* bubblewrap's rule for fds, uids and gids: strtol() accepts it entirely
 * and the value is in 0..INT_MAX. Returns 0 or -EINVAL. */
int cli_parse_int(const char *s, int *ret);
/* An fd number the spec keeps (--info-fd ...): valid syntax and open. */
int cli_parse_open_fd(const char *flag, const char *s, int *ret,
		      struct veil_error **err);
/* The fd number of FD arguments, syntax only ("Invalid fd: %s"). */
int cli_parse_fd(const char *s, int *ret, struct veil_error **err);
/* Reads fd to its end, at most `max` bytes, into a buffer with one extra
 * NUL byte after the data. Returns 0, -errno or -EFBIG when over `max`. */
int cli_read_fd(int fd, size_t max, char **ret, size_t *ret_len);
/* cli_read_fd() for a flag's data, then closes the fd as bubblewrap does
 * once it has the data; the message names the flag and the fd. */
int cli_read_flag_fd(const char *flag, int fd, size_t max, char **ret,
		     size_t *ret_len, struct veil_error **err);

/* parse.c: closes `fd` once parsing is done (each number once). */
void cli_close_later(struct parse_state *st, int fd);

/* usage.c */
void cli_version(FILE *out, bool bwrap);

#endif
