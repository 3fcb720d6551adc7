/* Merged directory listings (Linux's readdir.c): each layer's real
 * directory read top first, the first entry of a name winning, whiteouts
 * hiding the name below them and listed nowhere.
 *
 * Cookies: a listing is rebuilt whenever a cursor starts over (position
 * 0), and a name keeps the cookie it was first given for as long as the
 * directory inode lives (its cookie table), so a cursor resumes after the
 * same entry whatever was added or removed meanwhile. New names are
 * numbered in overlayfs's first-listing order: the lowest layer's entries,
 * then the upper's, then the middle layers'. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs/overlay/ovl_private.h"

struct ovl_cookie {
	struct ovl_cookie *next;
	int64_t cookie;
	char name[];
};

struct ovl_entry {
	char *name;
	uint64_t ino;
	unsigned type;
	int rank; /* first-listing order of the layer */
	int64_t cookie;
};

struct ovl_list {
	struct ovl_entry *e;
	size_t n, cap;
	/* every name met so far, whiteouts included */
	char **seen;
	size_t nseen, seen_cap;
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* --- the seen set: open addressing, grown at half full ------------------- */

static bool seen_has(const struct ovl_list *l, const char *name, size_t *slot)
{
	if (!l->seen_cap)
		return false;
	size_t i = name_hash(name) & (l->seen_cap - 1);
	while (l->seen[i]) {
		if (strcmp(l->seen[i], name) == 0)
			return true;
		i = (i + 1) & (l->seen_cap - 1);
	}
	*slot = i;
	return false;
}

static int seen_add(struct ovl_list *l, const char *name, char **ret)
{
	if (2 * (l->nseen + 1) > l->seen_cap) {
		size_t cap = l->seen_cap ? l->seen_cap * 2 : 64;
		char **b = calloc(cap, sizeof(*b));
		if (!b)
			return -ENOMEM;
		for (size_t i = 0; i < l->seen_cap; i++) {
			if (!l->seen[i])
				continue;
			size_t j = name_hash(l->seen[i]) & (cap - 1);
			while (b[j])
				j = (j + 1) & (cap - 1);
			b[j] = l->seen[i];
		}
		free(l->seen);
		l->seen = b;
		l->seen_cap = cap;
	}
	size_t slot = 0;
	if (seen_has(l, name, &slot))
		return 0;
	char *copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	l->seen[slot] = copy;
	l->nseen++;
	*ret = copy;
	return 0;
}

static void list_free(struct ovl_list *l)
{
	for (size_t i = 0; i < l->seen_cap; i++)
		free(l->seen[i]);
	free(l->seen);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

/* Calls fn for each entry of real directory dir but "." and "..". */
static int read_real(struct vfs_file *dir, int (*fn)(void *arg, const struct vfs_dirent64 *d),
		     void *arg)
{
	struct vfs_file *f;
	int r = vfs_path_open(vfs_file_path(dir), O_RDONLY | O_DIRECTORY, &f);
	if (r < 0)
		return r;
	char *buf = malloc(16384);
	if (!buf) {
		vfs_file_put(f);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = vfs_getdents64(f, buf, 16384);
		if (n <= 0) {
			r = (int)n;
			break;
		}
		for (ssize_t i = 0; r == 0 && i < n;) {
			const struct vfs_dirent64 *d = (const void *)(buf + i);
			i += d->d_reclen;
			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
				r = fn(arg, d);
		}
		if (r < 0)
			break;
	}
	free(buf);
	vfs_file_put(f);
	return r;
}

struct layer_read {
	struct ovl_sb *osb;
	struct ovl_list *l;
	struct vfs_file *dir;
	bool xdir; /* marked as holding xwhiteouts */
	int rank;
};

/* Only a character device or (in an "x" directory) a regular file can be
 * a whiteout; those are looked at closer. */
static int maybe_whiteout(struct layer_read *lr, const struct vfs_dirent64 *d, bool *ret)
{
	*ret = false;
	if (d->d_type != DT_CHR && d->d_type != DT_UNKNOWN && !(d->d_type == DT_REG && lr->xdir))
		return 0;
	struct vfs_file *f;
	int r = ovl_real_lookup(lr->osb, lr->dir, d->d_name, &f, ret);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	vfs_file_put(f);
	return 0;
}

static int merge_one(void *arg, const struct vfs_dirent64 *d)
{
	struct layer_read *lr = arg;
	struct ovl_list *l = lr->l;
	size_t slot;
	if (seen_has(l, d->d_name, &slot))
		return 0;
	bool wo;
	int r = maybe_whiteout(lr, d, &wo);
	char *name = NULL;
	if (r == 0)
		r = seen_add(l, d->d_name, &name);
	if (r < 0 || wo)
		return r;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ovl_entry *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = cap;
	}
	l->e[l->n++] = (struct ovl_entry){
		.name = name, .ino = d->d_ino, .type = d->d_type, .rank = lr->rank};
	return 0;
}

static int merge(struct ovl_inode *dir, struct ovl_list *l)
{
	struct ovl_sb *osb = OVL_SB(dir->vi.sb);
	memset(l, 0, sizeof(*l));
	int r = 0;
	struct layer_read lr = {.osb = osb, .l = l};
	if (dir->upper) {
		lr.dir = dir->upper;
		lr.xdir = ovl_has_xwhiteouts(osb, dir->upper);
		lr.rank = 1;
		r = read_real(dir->upper, merge_one, &lr);
	}
	for (int i = 0; r == 0 && i < dir->nlowers; i++) {
		lr.dir = dir->lowers[i];
		lr.xdir = ovl_has_xwhiteouts(osb, dir->lowers[i]);
		lr.rank = i == dir->nlowers - 1 ? 0 : i + 2;
		r = read_real(dir->lowers[i], merge_one, &lr);
	}
	if (r < 0)
		list_free(l);
	return r;
}

int ovl_dir_is_empty(struct ovl_inode *dir, bool *ret)
{
	struct ovl_list l;
	int r = merge(dir, &l);
	if (r < 0)
		return r;
	*ret = l.n == 0;
	list_free(&l);
	return 0;
}

static int clear_one(void *arg, const struct vfs_dirent64 *d)
{
	struct layer_read *lr = arg;
	bool wo;
	int r = maybe_whiteout(lr, d, &wo);
	if (r < 0 || !wo)
		return r;
	return vfs_unlinkat(ovl_ctx(lr->osb, 0, 0), lr->dir, d->d_name, 0);
}

int ovl_clear_whiteouts(struct ovl_inode *dir)
{
	struct ovl_sb *osb = OVL_SB(dir->vi.sb);
	struct layer_read lr = {.osb = osb, .dir = dir->upper,
				.xdir = ovl_has_xwhiteouts(osb, dir->upper)};
	return read_real(dir->upper, clear_one, &lr);
}

/* --- cookies ------------------------------------------------------------------ */

static int64_t *cookie_slot(struct ovl_inode *oi, const char *name, int *err)
{
	*err = 0;
	if (oi->ncookies + 1 > oi->cookie_cap) {
		unsigned cap = oi->cookie_cap ? oi->cookie_cap * 2 : 64;
		struct ovl_cookie **b = calloc(cap, sizeof(*b));
		if (!b) {
			*err = -ENOMEM;
			return NULL;
		}
		for (unsigned i = 0; i < oi->cookie_cap; i++) {
			for (struct ovl_cookie *c = oi->cookies[i], *next; c; c = next) {
				next = c->next;
				unsigned k = name_hash(c->name) & (cap - 1);
				c->next = b[k];
				b[k] = c;
			}
		}
		free(oi->cookies);
		oi->cookies = b;
		oi->cookie_cap = cap;
	}
	unsigned k = name_hash(name) & (oi->cookie_cap - 1);
	for (struct ovl_cookie *c = oi->cookies[k]; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return &c->cookie;
	size_t len = strlen(name);
	struct ovl_cookie *c = malloc(sizeof(*c) + len + 1);
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	memcpy(c->name, name, len + 1);
	c->cookie = 0;
	c->next = oi->cookies[k];
	oi->cookies[k] = c;
	oi->ncookies++;
	return &c->cookie;
}

void ovl_cookies_free(struct ovl_inode *oi)
{
	for (unsigned i = 0; i < oi->cookie_cap; i++) {
		for (struct ovl_cookie *c = oi->cookies[i], *next; c; c = next) {
			next = c->next;
			free(c);
		}
	}
	free(oi->cookies);
}

static int by_rank(const void *a, const void *b)
{
	const struct ovl_entry *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

static int by_cookie(const void *a, const void *b)
{
	const struct ovl_entry *x = a, *y = b;
	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

static int assign_cookies(struct ovl_inode *oi, struct ovl_list *l)
{
	if (!l->n)
		return 0;
	/* qsort is not stable; ranks first, then the listing order */
	for (size_t i = 0; i < l->n; i++)
		l->e[i].cookie = (int64_t)i;
	qsort(l->e, l->n, sizeof(*l->e), by_rank);
	if (oi->next_cookie < 3)
		oi->next_cookie = 3; /* 1 and 2 are "." and ".." */
	for (size_t i = 0; i < l->n; i++) {
		int err;
		int64_t *c = cookie_slot(oi, l->e[i].name, &err);
		if (!c)
			return err;
		if (!*c)
			*c = oi->next_cookie++;
		l->e[i].cookie = *c;
	}
	qsort(l->e, l->n, sizeof(*l->e), by_cookie);
	return 0;
}

static void ovl_dir_release(struct vfs_file *file)
{
	struct ovl_list *l = file->private;
	if (l)
		list_free(l);
	free(l);
}

static int ovl_iterate(struct vfs_file *file, vfs_filldir_t fill, void *arg)
{
	struct ovl_inode *oi = OVL_I(file->inode);
	struct ovl_list *l = file->private;
	if (!l || file->pos <= 2) {
		struct ovl_list *fresh = malloc(sizeof(*fresh));
		if (!fresh)
			return -ENOMEM;
		int r = merge(oi, fresh);
		if (r == 0 && (r = assign_cookies(oi, fresh)) < 0)
			list_free(fresh);
		if (r < 0) {
			free(fresh);
			return r;
		}
		ovl_dir_release(file);
		file->private = l = fresh;
	}
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->e[mid].cookie <= file->pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n; i++) {
		const struct ovl_entry *e = &l->e[i];
		if (!fill(arg, e->name, (unsigned)strlen(e->name), e->ino, e->type, e->cookie))
			break;
		file->pos = e->cookie;
	}
	return 0;
}

const struct vfs_file_ops ovl_dir_fops = {
	.release = ovl_dir_release,
	.iterate = ovl_iterate,
};
