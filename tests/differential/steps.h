/* Shorthands for scenario tables: one macro per operation, arguments in
 * syscall order, the expectation last. */
#ifndef VEIL_TESTS_STEPS_H
#define VEIL_TESTS_STEPS_H

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tests/differential/diff.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif

#define OPEN(sl, p, fl, m, e) { .op = OP_OPEN, .slot = sl, .path = p, .a = fl, .b = m, .expect = e }
#define OPENAT(sl, at_, p, fl, m, e) \
	{ .op = OP_OPEN, .at = at_, .slot = sl, .path = p, .a = fl, .b = m, .expect = e }
#define OPEN2(sl, at_, p, fl, res, e) \
	{ .op = OP_OPEN2, .at = at_, .slot = sl, .path = p, .a = fl, .c = res, .expect = e }
#define OPEN2M(sl, at_, p, fl, m, res, e) \
	{ .op = OP_OPEN2, .at = at_, .slot = sl, .path = p, .a = fl, .b = m, .c = res, .expect = e }
#define CLOSE(sl) { .op = OP_CLOSE, .slot = sl }
#define MKDIR(p, m, e) { .op = OP_MKDIR, .path = p, .a = m, .expect = e }
#define MKDIRAT(at_, p, m, e) { .op = OP_MKDIR, .at = at_, .path = p, .a = m, .expect = e }
#define MKNOD(p, m, d, e) { .op = OP_MKNOD, .path = p, .a = m, .b = d, .expect = e }
#define UNLINK(p, e) { .op = OP_UNLINK, .path = p, .expect = e }
#define UNLINKAT(at_, p, fl, e) { .op = OP_UNLINK, .at = at_, .path = p, .a = fl, .expect = e }
#define RMDIR(p, e) { .op = OP_UNLINK, .path = p, .a = AT_REMOVEDIR, .expect = e }
#define RENAME(o, n, fl, e) { .op = OP_RENAME, .path = o, .path2 = n, .a = fl, .expect = e }
#define LINK(o, n, fl, e) { .op = OP_LINK, .path = o, .path2 = n, .a = fl, .expect = e }
#define LINKAT(at_, o, n, fl, e) { .op = OP_LINK, .at = at_, .path = o, .path2 = n, .a = fl, .expect = e }
#define SYMLINK(p, t, e) { .op = OP_SYMLINK, .path = p, .path2 = t, .expect = e }
#define READLINK(p, e) { .op = OP_READLINK, .path = p, .expect = e }
#define READLINKN(p, n, e) { .op = OP_READLINK, .path = p, .a = n, .expect = e }
#define READLINKAT(at_, p, e) { .op = OP_READLINK, .at = at_, .path = p, .expect = e }
#define STAT(p, e) { .op = OP_STAT, .path = p, .expect = e }
#define LSTAT(p, e) { .op = OP_STAT, .path = p, .a = AT_SYMLINK_NOFOLLOW, .expect = e }
#define STATAT(at_, p, fl, e) { .op = OP_STAT, .at = at_, .path = p, .a = fl, .expect = e }
#define FSTAT(sl, e) { .op = OP_FSTAT, .slot = sl, .expect = e }
#define ACCESS(p, m, fl, e) { .op = OP_ACCESS, .path = p, .a = m, .b = fl, .expect = e }
#define CHMOD(p, m, e) { .op = OP_CHMOD, .path = p, .a = m, .expect = e }
#define CHMODF(p, m, fl, e) { .op = OP_CHMOD, .path = p, .a = m, .b = fl, .expect = e }
#define CHOWN(p, u, g, e) { .op = OP_CHOWN, .path = p, .a = u, .b = g, .expect = e }
#define LCHOWN(p, u, g, e) { .op = OP_CHOWN, .path = p, .a = u, .b = g, .c = AT_SYMLINK_NOFOLLOW, .expect = e }
#define UTIMES(p, kind, fl, e) { .op = OP_UTIMES, .path = p, .a = kind, .b = fl, .expect = e }
#define TRUNC(p, len, e) { .op = OP_TRUNCATE, .path = p, .a = len, .expect = e }
#define FTRUNC(sl, len, e) { .op = OP_FTRUNCATE, .slot = sl, .a = len, .expect = e }
#define WRITE(sl, data, e) { .op = OP_WRITE, .slot = sl, .path2 = data, .expect = e }
#define READ(sl, e) { .op = OP_READ, .slot = sl, .expect = e }
#define LS(p, e) { .op = OP_GETDENTS, .path = p, .expect = e }
#define LSFD(sl, e) { .op = OP_GETDENTS_FD, .slot = sl, .expect = e }
#define SETX(p, n, size, fl, e) { .op = OP_SETXATTR, .path = p, .path2 = n, .a = size, .b = fl, .expect = e }
#define LSETX(p, n, size, fl, e) \
	{ .op = OP_SETXATTR, .path = p, .path2 = n, .a = size, .b = fl, .c = 1, .expect = e }
#define GETX(p, n, size, e) { .op = OP_GETXATTR, .path = p, .path2 = n, .a = size, .expect = e }
#define LISTX(p, size, e) { .op = OP_LISTXATTR, .path = p, .a = size, .expect = e }
#define RMX(p, n, e) { .op = OP_RMXATTR, .path = p, .path2 = n, .expect = e }
#define UMASK(m) { .op = OP_UMASK, .a = m, .expect = ANY }
#define CRED(c) { .op = OP_CRED, .a = c }
#define CHDIR(p, e) { .op = OP_CHDIR, .path = p, .expect = e }
#define FCHDIR(sl, e) { .op = OP_FCHDIR, .slot = sl, .expect = e }
#define GETCWD(size, e) { .op = OP_GETCWD, .a = size, .expect = e }
#define STATFS(p, e) { .op = OP_STATFS, .path = p, .expect = e }
#define SAMEID(p, p2, e) { .op = OP_SAMEID, .path = p, .path2 = p2, .expect = e }

#define HOST(o, p, q, m) { .op = OP_HOST, .a = o, .path = p, .path2 = q, .b = m, .expect = OK }
#define HOST_RENAME(o, n) HOST(DIFF_HOST_RENAME, o, n, 0)
#define HOST_SYMLINK(p, t) HOST(DIFF_HOST_SYMLINK, p, t, 0)
#define HOST_CHMOD(p, m) HOST(DIFF_HOST_CHMOD, p, NULL, m)
#define HOST_UNLINK(p) HOST(DIFF_HOST_UNLINK, p, NULL, 0)
#define HOST_RMDIR(p) HOST(DIFF_HOST_UNLINK, p, NULL, AT_REMOVEDIR)
#define HOST_MKDIR(p, m) HOST(DIFF_HOST_MKDIR, p, NULL, m)
#define HOST_MKFILE(p, m) HOST(DIFF_HOST_MKFILE, p, NULL, m)

#define DEV(ma, mi) (((ma) << 8) | (mi)) /* small numbers only */
#define OK 0
#define E(x) (-(x))

extern const struct diff_scenario diff_scenarios[];
extern const int diff_nscenarios;

#endif
