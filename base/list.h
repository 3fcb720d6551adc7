/* Intrusive doubly linked lists and hash-chain heads, after Linux's
 * include/linux/list.h: the node lives inside the object, so linking never
 * allocates and never fails.
 *
 * struct list_head: a circular list with a sentinel head; an unlinked node
 * points to itself (list_del_init), so list_empty() on it is true.
 * struct hlist_head/hlist_node: singly headed chains for hash buckets (one
 * pointer per bucket); pprev lets a node unlink itself in O(1). */
#ifndef VEIL_BASE_LIST_H
#define VEIL_BASE_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/cleanup.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_insert_between(struct list_head *n, struct list_head *prev,
				       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Adds n right after h (stack order). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h, h->next);
}

/* Adds n right before h, i.e. at the tail of the list h heads. */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h->prev, h);
}

/* Unlinks n and leaves it pointing to itself. */
static inline void list_del_init(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each(pos, h) for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, n, h) \
	for (pos = (h)->next, n = pos->next; pos != (h); pos = n, n = pos->next)

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct hlist_head {
	struct hlist_node *first;
};

static inline void hlist_node_init(struct hlist_node *n)
{
	n->next = NULL;
	n->pprev = NULL;
}

static inline bool hlist_unhashed(const struct hlist_node *n)
{
	return !n->pprev;
}

static inline void hlist_add_head(struct hlist_node *n, struct hlist_head *h)
{
	n->next = h->first;
	if (h->first)
		h->first->pprev = &n->next;
	h->first = n;
	n->pprev = &h->first;
}

/* Unlinks n if it is linked; afterwards hlist_unhashed(n) is true. */
static inline void hlist_del_init(struct hlist_node *n)
{
	if (hlist_unhashed(n))
		return;
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	hlist_node_init(n);
}

#define hlist_for_each(pos, h) for (pos = (h)->first; pos; pos = pos->next)
#define hlist_for_each_safe(pos, n, h) \
	for (pos = (h)->first; pos && ((n = pos->next), 1); pos = n)

/* FNV-1a over a byte string: the hash every veil table uses for names. */
static inline unsigned hash_bytes(const void *p, size_t len, unsigned seed)
{
	const unsigned char *s = p;
	unsigned h = 2166136261u ^ seed;
	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

static inline unsigned hash_ptr(const void *p)
{
	unsigned long long v = (unsigned long long)(size_t)p;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (unsigned)v;
}

#endif
