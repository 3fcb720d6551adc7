#include "spec/spec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"

void spec_init(struct spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->uid = getuid();
	spec->gid = getgid();
	spec->info_fd = -1;
	spec->json_status_fd = -1;
	spec->sync_fd = -1;
	spec->block_fd = -1;
	spec->userns_block_fd = -1;
	spec->userns_fd = -1;
	spec->pidns_fd = -1;
}

static void op_free(struct mount_op *op)
{
	free(op->source);
	free(op->dest);
	free(op->data);
	strv_free(op->overlay.lowers);
	free(op->overlay.upper);
	free(op->overlay.workdir);
}

void spec_free(struct spec *spec)
{
	for (size_t i = 0; i < spec->n_ops; i++)
		op_free(&spec->ops[i]);
	free(spec->ops);
	strv_free(spec->argv);
	free(spec->argv0);
	strv_free(spec->envp);
	free(spec->chdir);
	free(spec->hostname);
	for (size_t i = 0; i < spec->n_seccomp; i++)
		free(spec->seccomp[i].insns);
	free(spec->seccomp);
	strv_free(spec->lock_files);
	memset(spec, 0, sizeof(*spec));
}

struct mount_op *spec_add_op(struct spec *spec, enum mount_op_type type)
{
	spec->ops = xreallocarray(spec->ops, spec->n_ops + 1, sizeof(*spec->ops));
	struct mount_op *op = &spec->ops[spec->n_ops++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->source_fd = -1;
	return op;
}

const char *spec_op_type_name(enum mount_op_type type)
{
	switch (type) {
	case MOUNT_OP_BIND: return "bind";
	case MOUNT_OP_TMPFS: return "tmpfs";
	case MOUNT_OP_OVERLAY: return "overlay";
	case MOUNT_OP_PROC: return "proc";
	case MOUNT_OP_DEV: return "dev";
	case MOUNT_OP_MQUEUE: return "mqueue";
	case MOUNT_OP_DIR: return "dir";
	case MOUNT_OP_SYMLINK: return "symlink";
	case MOUNT_OP_FILE: return "file";
	case MOUNT_OP_BIND_DATA: return "bind-data";
	case MOUNT_OP_REMOUNT_RO: return "remount-ro";
	case MOUNT_OP_CHMOD: return "chmod";
	}
	return "unknown";
}

char *spec_op_describe(const struct mount_op *op)
{
	const char *name = spec_op_type_name(op->type);
	switch (op->type) {
	case MOUNT_OP_BIND:
		if (op->source_fd >= 0)
			return xasprintf("%s fd %d on \"%s\" flags 0x%x", name,
					 op->source_fd, op->dest, op->flags);
		return xasprintf("%s \"%s\" on \"%s\" flags 0x%x", name, op->source,
				 op->dest, op->flags);
	case MOUNT_OP_SYMLINK:
		return xasprintf("%s \"%s\" -> \"%s\"", name, op->dest, op->source);
	case MOUNT_OP_TMPFS:
		return xasprintf("%s on \"%s\" perms %04o size %llu flags 0x%x", name,
				 op->dest, (unsigned)op->perms,
				 (unsigned long long)op->size, op->flags);
	case MOUNT_OP_DIR:
	case MOUNT_OP_CHMOD:
		return xasprintf("%s \"%s\" perms %04o", name, op->dest,
				 (unsigned)op->perms);
	case MOUNT_OP_FILE:
	case MOUNT_OP_BIND_DATA:
		return xasprintf("%s \"%s\" (%zu bytes) perms %04o flags 0x%x", name,
				 op->dest, op->data_len, (unsigned)op->perms,
				 op->flags);
	case MOUNT_OP_OVERLAY: {
		size_t n = strv_length(op->overlay.lowers);
		const char *kind = op->overlay.upper_kind == OVERLAY_UPPER_HOST ? "upper"
				   : op->overlay.upper_kind == OVERLAY_UPPER_TMPFS
					   ? "tmpfs upper"
					   : "read-only";
		return xasprintf("%s on \"%s\" (%zu lower%s, %s%s%s)", name, op->dest,
				 n, n == 1 ? "" : "s", kind,
				 op->overlay.upper ? " " : "",
				 op->overlay.upper ? op->overlay.upper : "");
	}
	case MOUNT_OP_PROC:
	case MOUNT_OP_DEV:
	case MOUNT_OP_MQUEUE:
	case MOUNT_OP_REMOUNT_RO:
		return xasprintf("%s on \"%s\"", name, op->dest);
	}
	return xasprintf("%s on \"%s\"", name, op->dest);
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool spec_op_equal(const struct mount_op *a, const struct mount_op *b)
{
	if (a->type != b->type || a->flags != b->flags ||
	    a->source_fd != b->source_fd || a->perms != b->perms ||
	    a->size != b->size || a->data_len != b->data_len ||
	    !str_eq(a->source, b->source) || !str_eq(a->dest, b->dest))
		return false;
	if (a->data_len && memcmp(a->data, b->data, a->data_len) != 0)
		return false;
	if (a->overlay.upper_kind != b->overlay.upper_kind ||
	    !str_eq(a->overlay.upper, b->overlay.upper) ||
	    !str_eq(a->overlay.workdir, b->overlay.workdir))
		return false;
	size_t n = strv_length(a->overlay.lowers);
	if (n != strv_length(b->overlay.lowers))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!str_eq(a->overlay.lowers[i], b->overlay.lowers[i]))
			return false;
	return true;
}

/* Canonical absolute host path of `path`, or NULL with errno. */
static char *resolve_host(const char *path)
{
	char *r = realpath(path, NULL);
	if (!r && errno == ENOMEM)
		return xstrdup(path); /* let the backend fail on it */
	return r;
}

static int prepare_path(char **path, struct veil_error **err)
{
	char *r = resolve_host(*path);
	if (!r)
		return verr_set(err, errno, "Can't find source path %s", *path);
	free(*path);
	*path = r;
	return 0;
}

int spec_prepare(struct spec *spec, struct veil_error **err)
{
	for (size_t i = 0; i < spec->n_ops; i++) {
		struct mount_op *op = &spec->ops[i];
		switch (op->type) {
		case MOUNT_OP_BIND:
			if (op->source_fd >= 0)
				break;
			if (access(op->source, F_OK) != 0 && (op->flags & MOUNT_OP_OPTIONAL) &&
			    (errno == ENOENT || errno == ENOTDIR)) {
				op->flags |= MOUNT_OP_SKIPPED;
				break;
			}
			if (prepare_path(&op->source, err) < 0)
				return -1;
			break;
		case MOUNT_OP_OVERLAY:
			for (size_t l = 0; op->overlay.lowers && op->overlay.lowers[l]; l++)
				if (prepare_path(&op->overlay.lowers[l], err) < 0)
					return -1;
			if (op->overlay.upper_kind == OVERLAY_UPPER_HOST &&
			    (prepare_path(&op->overlay.upper, err) < 0 ||
			     prepare_path(&op->overlay.workdir, err) < 0))
				return -1;
			break;
		case MOUNT_OP_TMPFS:
		case MOUNT_OP_PROC:
		case MOUNT_OP_DEV:
		case MOUNT_OP_MQUEUE:
		case MOUNT_OP_DIR:
		case MOUNT_OP_SYMLINK:
		case MOUNT_OP_FILE:
		case MOUNT_OP_BIND_DATA:
		case MOUNT_OP_REMOUNT_RO:
		case MOUNT_OP_CHMOD:
			break;
		}
	}
	return 0;
}

/* Parents of an op's destination are created 0755, without group or
 * other access when the op's own perms deny it (least astonishment, as
 * bubblewrap). */
mode_t spec_op_parent_mode(const struct mount_op *op)
{
	mode_t mode = 0755;
	switch (op->type) {
	case MOUNT_OP_TMPFS:
	case MOUNT_OP_DIR:
	case MOUNT_OP_FILE:
	case MOUNT_OP_BIND_DATA:
		if ((op->perms & 0070) == 0)
			mode &= ~0050u;
		if ((op->perms & 0007) == 0)
			mode &= ~0005u;
		break;
	case MOUNT_OP_BIND:
	case MOUNT_OP_OVERLAY:
	case MOUNT_OP_PROC:
	case MOUNT_OP_DEV:
	case MOUNT_OP_MQUEUE:
	case MOUNT_OP_SYMLINK:
	case MOUNT_OP_REMOUNT_RO:
	case MOUNT_OP_CHMOD:
		break;
	}
	return mode;
}
