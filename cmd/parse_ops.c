/* Handlers for the flags that add mount ops, and for --perms and --size,
 * which modify the op that follows them.
 *
 * Each handler gets its flag's arguments already counted (the loop checks
 * arity) and copies what it keeps into the spec. Defaults are resolved here,
 * so an op's perms is never "unset": 0755 for --tmpfs and --dir, 0666 for
 * --file, 0600 for --bind-data/--ro-bind-data (what bubblewrap's mkstemp()
 * gave before --perms existed). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "cmd/parse_internal.h"

/* --file and --bind-data contents live in memory until setup; refuse what
 * cannot sensibly be held there rather than exhausting memory on, say,
 * /dev/zero. */
#define MAX_FILE_DATA ((size_t)1 << 30)

/* bubblewrap caps a tmpfs at half the address space: the kernel has its own
 * arbitrary limits just below 2^64. */
#define MAX_TMPFS_BYTES ((uint64_t)(SIZE_MAX >> 1))

char *cli_normalize_dest(const char *path)
{
	size_t n = strlen(path);
	char *out = xmalloc(n + 2);
	size_t len = 0;
	const char *p = path;

	/* Invariant: out[0..len) is "" or "/c1/c2..." with clean components. */
	while (*p) {
		while (*p == '/')
			p++;
		const char *start = p;
		while (*p && *p != '/')
			p++;
		size_t clen = (size_t)(p - start);
		if (clen == 0 || (clen == 1 && start[0] == '.'))
			continue;
		if (clen == 2 && start[0] == '.' && start[1] == '.') {
			/* Lexical: the sandbox root is a ceiling. */
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, start, clen);
		len += clen;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

static struct mount_op *add_dest_op(struct parse_state *st,
				    enum mount_op_type type, const char *dest)
{
	struct mount_op *op = spec_add_op(st->spec, type);
	op->dest = cli_normalize_dest(dest);
	return op;
}

/* The pending --perms, or `def`; consumed either way. */
static mode_t take_perms(struct parse_state *st, mode_t def)
{
	mode_t perms = st->next_perms >= 0 ? (mode_t)st->next_perms : def;
	st->next_perms = -1;
	return perms;
}

static int parse_octal(const char *s, mode_t *ret)
{
	char *end;

	if (s[0] == '\0')
		return -EINVAL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 8);
	/* strtoul turns "-1" and overflow into ULONG_MAX: the range check
	 * refuses both. */
	if (*end != '\0' || v > 07777)
		return -EINVAL;
	*ret = (mode_t)v;
	return 0;
}

/* --bind, --bind-try, --ro-bind[-try], --dev-bind[-try]: f->arg holds the
 * enum mount_op_flags. */
int handle_bind(struct parse_state *st, const struct cli_flag *f, char **args,
		struct veil_error **err)
{
	(void)err;
	struct mount_op *op = add_dest_op(st, MOUNT_OP_BIND, args[1]);
	op->source = xstrdup(args[0]);
	op->flags = (unsigned)f->arg;
	return 0;
}

/* --bind-fd, --ro-bind-fd: the fd stays open and belongs to the process. */
int handle_bind_fd(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	int fd;

	if (cli_parse_open_fd(f->name, args[0], &fd, err) < 0)
		return -1;
	struct mount_op *op = add_dest_op(st, MOUNT_OP_BIND, args[1]);
	op->source_fd = fd;
	op->flags = (unsigned)f->arg;
	return 0;
}

/* --proc, --dev, --mqueue, --remount-ro: f->arg is the op type. */
int handle_dest_op(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	(void)err;
	add_dest_op(st, (enum mount_op_type)f->arg, args[0]);
	return 0;
}

int handle_tmpfs(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err)
{
	(void)f;
	(void)err;
	struct mount_op *op = add_dest_op(st, MOUNT_OP_TMPFS, args[0]);
	op->perms = take_perms(st, 0755);
	op->size = st->next_size; /* 0: the filesystem's default */
	st->next_size = 0;
	return 0;
}

int handle_dir(struct parse_state *st, const struct cli_flag *f, char **args,
	       struct veil_error **err)
{
	(void)f;
	(void)err;
	struct mount_op *op = add_dest_op(st, MOUNT_OP_DIR, args[0]);
	op->perms = take_perms(st, 0755);
	return 0;
}

/* --file (f->arg 0), --bind-data (1), --ro-bind-data (2): FD DEST. */
int handle_data_op(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	int fd;
	_cleanup_free_ char *data = NULL;
	size_t len;

	if (cli_parse_fd(args[0], &fd, err) < 0)
		return -1;
	int r = cli_read_fd(fd, MAX_FILE_DATA, &data, &len);
	if (r < 0)
		return verr_set(err, -r, "Can't read %s data from fd %d", f->name, fd);
	cli_close_later(st, fd);

	struct mount_op *op;
	if (f->arg == 0) {
		op = add_dest_op(st, MOUNT_OP_FILE, args[1]);
		op->perms = take_perms(st, 0666);
	} else {
		op = add_dest_op(st, MOUNT_OP_BIND_DATA, args[1]);
		op->perms = take_perms(st, 0600);
		if (f->arg == 1)
			op->flags = MOUNT_OP_WRITABLE;
	}
	op->data = steal_ptr(data);
	op->data_len = len;
	return 0;
}

int handle_symlink(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	(void)f;
	(void)err;
	struct mount_op *op = add_dest_op(st, MOUNT_OP_SYMLINK, args[1]);
	/* The target is link text, not a path we resolve: kept verbatim. */
	op->source = xstrdup(args[0]);
	return 0;
}

int handle_chmod(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err)
{
	(void)f;
	mode_t perms;

	if (parse_octal(args[0], &perms) < 0)
		return verr_set(err, 0, "--chmod takes an octal argument <= 07777");
	struct mount_op *op = add_dest_op(st, MOUNT_OP_CHMOD, args[1]);
	op->perms = perms;
	return 0;
}

int handle_perms(struct parse_state *st, const struct cli_flag *f, char **args,
		 struct veil_error **err)
{
	(void)f;
	mode_t perms;

	if (st->next_perms != -1)
		return verr_set(err, 0, "--perms given twice for the same action");
	if (parse_octal(args[0], &perms) < 0)
		return verr_set(err, 0, "--perms takes an octal argument <= 07777");
	st->next_perms = (int)perms;
	return 0;
}

int handle_size(struct parse_state *st, const struct cli_flag *f, char **args,
		struct veil_error **err)
{
	(void)f;
	const char *s = args[0];
	char *end;

	if (st->next_size != 0)
		return verr_set(err, 0, "--size given twice for the same action");
	errno = 0;
	unsigned long long size = strtoull(s, &end, 0);
	/* isdigit() first: strtoull would accept "-5" (as a huge value) and
	 * leading spaces. Base 0, as bubblewrap: 0x10 and 010 are accepted. */
	if (errno != 0 || !isdigit((unsigned char)s[0]) || *end != '\0' ||
	    size == 0)
		return verr_set(err, 0, "--size takes a non-zero number of bytes");
	if (size > MAX_TMPFS_BYTES)
		return verr_set(err, 0, "--size (for tmpfs) is limited to %zu",
				(size_t)MAX_TMPFS_BYTES);
	st->next_size = size;
	return 0;
}

int handle_overlay_src(struct parse_state *st, const struct cli_flag *f,
		       char **args, struct veil_error **err)
{
	(void)f;
	(void)err;
	strv_push(&st->overlay_srcs, args[0]);
	return 0;
}

/* --overlay RWSRC WORKDIR DEST (f->arg OVERLAY_UPPER_HOST), --tmp-overlay
 * DEST (TMPFS, one lower at least), --ro-overlay DEST (NONE, two lowers at
 * least: a read-only overlay of one layer is a plain read-only bind). */
int handle_overlay(struct parse_state *st, const struct cli_flag *f,
		   char **args, struct veil_error **err)
{
	enum overlay_upper kind = (enum overlay_upper)f->arg;
	size_t n = strv_length(st->overlay_srcs);
	const char *dest;

	switch (kind) {
	case OVERLAY_UPPER_HOST:
		if (n < 1)
			return verr_set(err, 0, "--overlay requires at least one --overlay-src");
		dest = args[2];
		break;
	case OVERLAY_UPPER_TMPFS:
		if (n < 1)
			return verr_set(err, 0, "--tmp-overlay requires at least one --overlay-src");
		dest = args[0];
		break;
	case OVERLAY_UPPER_NONE:
		if (n < 2)
			return verr_set(err, 0, "--ro-overlay requires at least two --overlay-src");
		dest = args[0];
		break;
	default:
		return verr_set(err, 0, "%s: unknown overlay kind", f->name);
	}

	struct mount_op *op = add_dest_op(st, MOUNT_OP_OVERLAY, dest);
	op->overlay.upper_kind = kind;
	op->overlay.lowers = steal_ptr(st->overlay_srcs);
	if (kind == OVERLAY_UPPER_HOST) {
		op->overlay.upper = xstrdup(args[0]);
		op->overlay.workdir = xstrdup(args[1]);
	}
	return 0;
}
