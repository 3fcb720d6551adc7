/* A VFS on a fresh tmpfs root for unit tests: fx->ctx is root (uid 0, all
 * capabilities, umask 022). */
#ifndef VEIL_TESTS_VFS_FIXTURE_H
#define VEIL_TESTS_VFS_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "fs/tmpfs/tmpfs.h"
#include "vfs/vfs.h"

struct fixture {
	struct vfs_mount *root;
	struct vfs_ctx ctx;
};

static inline int fx_setup_opts(void **state, const struct tmpfs_opts *opts)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vfs_sb *sb;
	if (!fx || tmpfs_new(opts, &sb) < 0)
		return -1;
	if (vfs_mount_root(sb, 0, &fx->root) < 0)
		return -1;
	vfs_sb_put(sb);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(&fx->ctx, fx->root, &c);
	*state = fx;
	return 0;
}

static inline int fx_setup(void **state)
{
	return fx_setup_opts(state, NULL);
}

/* Nothing may outlive its last reference: for a teardown, once every
 * context, mount and file of the test is put. */
static inline void fx_assert_all_released(void)
{
	struct vfs_stats st;
	vfs_get_stats(&st);
	assert_int_equal(st.mounts, 0);
	assert_int_equal(st.dentries, 0);
	assert_int_equal(st.inodes, 0);
	assert_int_equal(st.files, 0);
}

static inline int fx_teardown(void **state)
{
	struct fixture *fx = *state;
	vfs_ctx_destroy(&fx->ctx);
	vfs_mount_tree_put(fx->root);
	free(fx);
	fx_assert_all_released();
	return 0;
}

/* Creates a regular file with content (NULL: empty). */
static inline void fx_file(struct fixture *fx, const char *path, mode_t mode, const char *content)
{
	struct vfs_file *f;
	assert_int_equal(vfs_openat(&fx->ctx, NULL, path, O_CREAT | O_WRONLY | O_TRUNC, mode, &f), 0);
	if (content)
		assert_int_equal(vfs_write(&fx->ctx, f, content, strlen(content)), (ssize_t)strlen(content));
	vfs_file_put(f);
}

static inline struct stat fx_stat(struct fixture *fx, const char *path)
{
	struct stat st;
	assert_int_equal(vfs_fstatat(&fx->ctx, NULL, path, &st, 0), 0);
	return st;
}

#endif
