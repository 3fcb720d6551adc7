/* A chained hash table, grown by doubling. The program closes fds
 * natively, so the sentry does not see the last close: entries live until
 * a mark-and-sweep (driven by sentry.c) finds no fd holding them.
 *
 * What the sweep keeps of an entry no fd held is bounded by what can still
 * be reached, never by how many files the program ever opened: a
 * tombstone only for a host object that outlives the VFS's knowledge of it
 * (a hostfs file, a device), none for an unnamed one (a shadow, removed by
 * the same sweep; a proc snapshot) or a tmpfs file's backing object
 * (vfs_host_is_private, asked again when an fd on it turns up). */
#include "sentry/kernel/fdmap.h"

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
	/* Once the entry goes, nothing but the program's fds reaches
	 * (dev, ino): FDMAP_UNNAMED. */
	bool unnamed;
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
	/* A tmpfs file's backing object, while its inode lives, whether or
	 * not a sweep kept its entry. */
	return vfs_host_is_private(dev, ino);
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

int fdmap_add(struct fdmap *m, dev_t dev, ino_t ino, struct vfs_file *f, unsigned flags)
{
	for (struct entry *e = m->b[slot(m, dev, ino)]; e; e = e->next) {
		if (e->dev != dev || e->ino != ino)
			continue;
		if (!e->file) {
			/* A tombstone comes back: its host object died and the
			 * number went to a new one (no fd held the old one). */
			e->file = vfs_file_get(f);
			e->unnamed = flags & FDMAP_UNNAMED;
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
	e->unnamed = flags & FDMAP_UNNAMED;
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

size_t fdmap_tombstones(const struct fdmap *m)
{
	return m->n - m->live;
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

/* Whether an fd for e's host object may still turn up after e lets its
 * file go and, taken for the program's own, would reach what the VFS
 * guards. An unnamed object (a shadow, removed by the same sweep on the
 * same marks; a proc snapshot) is then an empty directory or file or a
 * sealed copy that names nothing, and a directory the sentry does not know
 * is refused anyway. A tmpfs file's backing object is the VFS's to name
 * while its inode lives (fdmap_was_vfs asks the VFS), and nobody's after.
 * A hostfs file or a device can be opened again by host path for ever:
 * its tombstone stays, until a new object takes the number (fdmap_add). */
static bool needs_tombstone(const struct entry *e)
{
	return !e->unnamed && !vfs_host_is_private(e->dev, e->ino);
}

void fdmap_sweep(struct fdmap *m)
{
	for (size_t i = 0; i < m->nb; i++) {
		for (struct entry **pp = &m->b[i]; *pp;) {
			struct entry *e = *pp;
			if (e->marked || !e->file) {
				pp = &e->next;
				continue;
			}
			bool keep = needs_tombstone(e); /* before the put may evict */
			vfs_file_put(e->file);
			e->file = NULL;
			m->live--;
			if (keep) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			free(e);
			m->n--;
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
