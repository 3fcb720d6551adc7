/* A chained hash table, grown by doubling. The program closes fds
 * natively, so the sentry does not see the last close: entries live until
 * a mark-and-sweep (driven by sentry.c) finds no fd holding them. */
#include "sentry/fdmap.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>

#include "vfs/vfs.h"

struct entry {
	dev_t dev;
	ino_t ino;
	bool marked;
	struct vfs_file *file;
	struct entry *next;
};

struct fdmap {
	struct entry **b;
	size_t nb, n;
	size_t live; /* entries holding a VFS file (not tombstones) */
};

static size_t slot(const struct fdmap *m, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;
	return (size_t)(h >> 17) & (m->nb - 1);
}

struct fdmap *fdmap_new(void)
{
	struct fdmap *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->nb = 64;
	m->b = calloc(m->nb, sizeof(*m->b));
	if (!m->b) {
		free(m);
		return NULL;
	}
	return m;
}

void fdmap_free(struct fdmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nb; i++) {
		for (struct entry *e = m->b[i], *next; e; e = next) {
			next = e->next;
			if (e->file)
				vfs_file_put(e->file);
			free(e);
		}
	}
	free(m->b);
	free(m);
}

struct vfs_file *fdmap_find(struct fdmap *m, dev_t dev, ino_t ino)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e->file; /* NULL for a tombstone */
	return NULL;
}

bool fdmap_was_vfs(struct fdmap *m, dev_t dev, ino_t ino)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e->file == NULL;
	return false;
}

static void grow(struct fdmap *m)
{
	size_t nb = m->nb * 2;
	struct entry **b = calloc(nb, sizeof(*b));
	if (!b)
		return; /* longer chains, still correct */
	struct fdmap bigger = {.b = b, .nb = nb};
	for (size_t i = 0; i < m->nb; i++) {
		for (struct entry *e = m->b[i], *next; e; e = next) {
			next = e->next;
			size_t s = slot(&bigger, e->dev, e->ino);
			e->next = b[s];
			b[s] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

int fdmap_add(struct fdmap *m, dev_t dev, ino_t ino, struct vfs_file *f)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next) {
		if (e->dev != dev || e->ino != ino)
			continue;
		if (!e->file) {
			e->file = vfs_file_get(f); /* a tombstone comes back */
			m->live++;
			return 0;
		}
		/* An O_PATH file can only name the object; keep a real open in
		 * its place once there is one (getdents needs it). */
		if ((vfs_file_flags(e->file) & O_PATH) && !(vfs_file_flags(f) & O_PATH)) {
			vfs_file_put(e->file);
			e->file = vfs_file_get(f);
		}
		return 0;
	}
	struct entry *e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	if (m->n >= m->nb)
		grow(m);
	e->dev = dev;
	e->ino = ino;
	e->file = vfs_file_get(f);
	e->marked = false;
	size_t s = slot(m, dev, ino);
	e->next = m->b[s];
	m->b[s] = e;
	m->n++;
	m->live++;
	return 0;
}

size_t fdmap_size(const struct fdmap *m)
{
	return m->live;
}

void fdmap_mark_begin(struct fdmap *m)
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct entry *e = m->b[i]; e; e = e->next)
			e->marked = false;
}

void fdmap_mark(struct fdmap *m, dev_t dev, ino_t ino)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			e->marked = true;
}

void fdmap_sweep(struct fdmap *m)
{
	for (size_t i = 0; i < m->nb; i++) {
		for (struct entry *e = m->b[i]; e; e = e->next) {
			if (e->marked || !e->file)
				continue;
			vfs_file_put(e->file);
			e->file = NULL;
			m->live--;
		}
	}
}

bool fdmap_marked(struct fdmap *m, dev_t dev, ino_t ino)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next)
		if (e->dev == dev && e->ino == ino)
			return e->marked;
	return false;
}
