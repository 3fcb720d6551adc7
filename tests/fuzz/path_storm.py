#!/usr/bin/python3
"""Random path syscalls on a small tree, one line of outcome each.

    path_storm.py SEED COUNT [DIR]

Run it natively on a tmpfs and inside veil on the sandbox's tmpfs (or a
bind, an overlay): the outputs must be the same, line for line. Every
line is what the kernel (or the sentry) answered: a value that does not
depend on the machine (no inode numbers, times, directory sizes) or an
errno name. tests/fuzz/path_storm.sh draws seeds and compares; the
scenario path_storm runs one seed in CI.
"""
import errno
import os
import random
import stat
import sys

seed, count = int(sys.argv[1], 0), int(sys.argv[2])
top = sys.argv[3] if len(sys.argv) > 3 else "storm"
rnd = random.Random(seed)
os.mkdir(top)
os.chdir(top)

NAMES = ["a", "b", "c", "d", "d/e", "d/f", "d/e/g", "d/../a", "./b", "a/", "d/", "d/e/",
         "", ".", "..", "d/..", "x" * 255, "x" * 256, "l", "d/l", "loop", "/tmp/w/storm/c",
         "d/e/g/h", "b/", "l/", "fifo", "d/fifo"]
MODES = [0o777, 0o755, 0o700, 0o644, 0o600, 0o444, 0o000, 0o4755, 0o1777, 0o2755]
OFLAGS = [os.O_RDONLY, os.O_WRONLY, os.O_RDWR, os.O_CREAT, os.O_EXCL, os.O_TRUNC,
          os.O_DIRECTORY, os.O_NOFOLLOW, os.O_APPEND, os.O_PATH, os.O_NONBLOCK]
fds = []


def name():
    return rnd.choice(NAMES)


def oflags():
    f = rnd.choice([os.O_RDONLY, os.O_WRONLY, os.O_RDWR])
    for o in OFLAGS[3:]:
        if rnd.random() < 0.2:
            f |= o
    return f


def dirfd():
    """AT_FDCWD mostly, else one of the open fds (maybe not a directory)."""
    if fds and rnd.random() < 0.3:
        return rnd.choice(fds)
    return None


def describe(st):
    kind = stat.S_IFMT(st.st_mode)
    size = st.st_size if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode) else "-"
    return "%o %o nlink=%d size=%s" % (kind >> 12, stat.S_IMODE(st.st_mode), st.st_nlink, size)


# Each op draws its arguments, then returns what it does and a thunk that
# does it: a failure is printed with the arguments too.

def op_open():
    # never waiting: a FIFO's open without a partner would block
    n, f, m, d = name(), oflags() | os.O_NONBLOCK, rnd.choice(MODES), dirfd()

    def run():
        fds.append(os.open(n, f, m, dir_fd=d))
        return "fd"
    return "open %r %o %o" % (n, f, m), run


def op_close():
    if not fds:
        return "close none", lambda: "-"
    fd = fds.pop(rnd.randrange(len(fds)))
    return "close", lambda: os.close(fd) or 0


def op_mkdir():
    n, m, d = name(), rnd.choice(MODES), dirfd()
    return "mkdir %r %o" % (n, m), lambda: os.mkdir(n, m & 0o7777, dir_fd=d) or 0


def op_rmdir():
    n, d = name(), dirfd()
    return "rmdir %r" % n, lambda: os.rmdir(n, dir_fd=d) or 0


def op_unlink():
    n, d = name(), dirfd()
    return "unlink %r" % n, lambda: os.unlink(n, dir_fd=d) or 0


def op_rename():
    a, b, da, db = name(), name(), dirfd(), dirfd()
    return "rename %r %r" % (a, b), lambda: os.rename(a, b, src_dir_fd=da, dst_dir_fd=db) or 0


def op_link():
    a, b, da, db, follow = name(), name(), dirfd(), dirfd(), rnd.random() < 0.5
    return "link %r %r %d" % (a, b, follow), lambda: os.link(
        a, b, src_dir_fd=da, dst_dir_fd=db, follow_symlinks=follow) or 0


def op_symlink():
    target = rnd.choice(["a", "d", "d/e", "../storm/a", "/tmp/w/storm/b", "loop", "l", "nowhere"])
    n, d = name(), dirfd()
    return "symlink %r %r" % (target, n), lambda: os.symlink(target, n, dir_fd=d) or 0


def op_readlink():
    n, d = name(), dirfd()
    return "readlink %r" % n, lambda: os.readlink(n, dir_fd=d)


def op_stat():
    n, d, follow = name(), dirfd(), rnd.random() < 0.5
    return "stat %r %d" % (n, follow), lambda: describe(os.stat(n, dir_fd=d, follow_symlinks=follow))


def op_fstat():
    if not fds:
        return "fstat none", lambda: "-"
    fd = rnd.choice(fds)
    return "fstat", lambda: describe(os.fstat(fd))


def op_chmod():
    n, m, d = name(), rnd.choice(MODES), dirfd()
    return "chmod %r %o" % (n, m), lambda: os.chmod(n, m, dir_fd=d) or 0


def op_truncate():
    n, size = name(), rnd.choice([0, 1, 4096, 100000])
    return "truncate %r %d" % (n, size), lambda: os.truncate(n, size) or 0


def op_write():
    if not fds:
        return "write none", lambda: "-"
    fd, data = rnd.choice(fds), b"x" * rnd.choice([0, 1, 100, 5000])
    return "write %d" % len(data), lambda: os.write(fd, data)


def op_access():
    n, d = name(), dirfd()
    m = rnd.choice([os.F_OK, os.R_OK, os.W_OK, os.X_OK, os.R_OK | os.W_OK])
    return "access %r %d" % (n, m), lambda: os.access(n, m, dir_fd=d)


def op_listdir():
    n = rnd.choice([".", "d", "d/e", "a", "l", "..", "d/"])

    def run():
        entries = os.listdir(n)
        if n == "..":  # the rest of /tmp/w is the harness's
            entries = [e for e in entries if e == "storm"]
        return " ".join(sorted(entries))
    return "listdir %r" % n, run


def op_mkfifo():
    n, d = name(), dirfd()
    return "mkfifo %r" % n, lambda: os.mkfifo(n, 0o644, dir_fd=d) or 0


def op_utime():
    n, d = name(), dirfd()

    def run():
        os.utime(n, (1, 2), dir_fd=d)
        return os.stat(n, dir_fd=d).st_mtime
    return "utime %r" % n, run


def op_chdir():
    n = rnd.choice(["d", "d/e", "a", "l", "..", ".", "d/e/g"])

    def run():
        # a step from the top and back: the storm's names stay relative
        # to its top, and the cwd never stays outside it
        try:
            os.chdir(n)
            return os.getcwd()[len(base):] or "/"
        finally:
            os.chdir(base)
    return "chdir %r" % n, run


OPS = [op_open, op_open, op_close, op_mkdir, op_mkdir, op_rmdir, op_unlink, op_rename, op_link,
       op_symlink, op_readlink, op_stat, op_stat, op_fstat, op_chmod, op_truncate, op_write,
       op_access, op_listdir, op_mkfifo, op_utime, op_chdir]
base = os.getcwd()
for i in range(count):
    what, run = rnd.choice(OPS)()
    try:
        result = run()
    except OSError as e:
        result = errno.errorcode.get(e.errno, str(e.errno))
    print(i, what, "->", result)
