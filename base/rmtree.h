/* Removing a directory tree by fd. */
#ifndef VEIL_BASE_RMTREE_H
#define VEIL_BASE_RMTREE_H

/* Empties the directory open at `dirfd` (any open mode, O_PATH too; it
 * stays open, the caller's): every entry below it is removed, by fd all the way
 * down. Each subdirectory is opened relative to its parent's fd with
 * O_NOFOLLOW, so no path is resolved again from the top, and a symlink
 * planted anywhere is removed, never followed. Another filesystem mounted
 * below is left alone. Bounded depth (256: more is nothing veil makes).
 * 0, or the first -errno met (it goes on past it). */
int rmtree_contents(int dirfd);

#endif
