/* Emptying a scratch directory the process made: what cleanup at exit
 * runs over the files it left there. */
#ifndef VEIL_BASE_DIR_CLEAR_H
#define VEIL_BASE_DIR_CLEAR_H

/* Unlinks every entry of the directory `dirfd` names (any open mode,
 * O_PATH too), and its empty subdirectories; not recursive further. Best
 * effort: what cannot go stays. */
void dir_clear(int dirfd);

#endif
