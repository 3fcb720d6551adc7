/* Scope-bound cleanup, after systemd's fd-util.h and alloc-util.h.
 *
 * A variable declared _cleanup_free_ / _cleanup_close_ / _cleanup_fclose_
 * releases what it holds when it leaves scope. steal_ptr() and take_fd()
 * hand ownership on: they return the value and leave the variable empty, so
 * the cleanup does nothing. */
#ifndef VEIL_BASE_CLEANUP_H
#define VEIL_BASE_CLEANUP_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Closes an fd >= 0 and keeps errno intact, so a cleanup on an error path
 * never hides the errno being reported. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

/* Frees a NULL-terminated vector of strings and the vector itself. */
void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

#define steal_ptr(p)                       \
	({                                 \
		__typeof__(p) _stolen = p; \
		p = NULL;                  \
		_stolen;                   \
	})

#define take_fd(fd)              \
	({                       \
		int _taken = fd; \
		fd = -1;         \
		_taken;          \
	})

#endif
