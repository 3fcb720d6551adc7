# An O_TMPFILE gets its name by linkat, through its fd (AT_EMPTY_PATH) or
# through /proc/self/fd/N with AT_SYMLINK_FOLLOW (LTP openat03), on the
# tmpfs, on a host bind and on an overlay; not once O_EXCL said so, and only once: a
# file unlinked again stays unlinked (Linux's I_LINKABLE).
# veil: --bind $SCRATCH/w /tmp/w/rw --overlay-src $SCRATCH/l1 --tmp-overlay /tmp/w/ov
# native: mkdir -p /tmp/w/rw /tmp/.o/u /tmp/.o/w /tmp/w/ov && mount --bind $SCRATCH/w /tmp/w/rw && mount -t overlay overlay -o lowerdir=$SCRATCH/l1,upperdir=/tmp/.o/u,workdir=/tmp/.o/w /tmp/w/ov
set -u
PATH=/usr/bin:/bin
python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, FOLLOW, EMPTY = -100, 0x400, 0x1000

def link(src, dst, fd=AT_FDCWD, flags=FOLLOW):
    r = libc.linkat(fd, src.encode(), AT_FDCWD, dst.encode(), flags)
    return "ok" if r == 0 else os.strerror(ctypes.get_errno())

for d in (".", "rw", "ov"):
    fd = os.open(d, os.O_TMPFILE | os.O_RDWR, 0o640)
    os.write(fd, b"data\n")
    proc = "/proc/self/fd/%d" % fd
    print(d, "magic link itself:", link(proc, d + "/a", flags=0))
    print(d, "followed:", link(proc, d + "/a"), open(d + "/a").read().strip(),
          oct(os.stat(d + "/a").st_mode), os.stat(d + "/a").st_nlink)
    print(d, "again by fd:", link("", d + "/b", fd, EMPTY | FOLLOW), os.stat(d + "/a").st_nlink)
    os.unlink(d + "/a"); os.unlink(d + "/b")
    print(d, "unlinked again:", link(proc, d + "/c"), link("", d + "/c", fd, EMPTY))
    os.close(fd)
    fd = os.open(d, os.O_TMPFILE | os.O_RDWR | os.O_EXCL, 0o600)
    print(d, "O_EXCL:", link("/proc/self/fd/%d" % fd, d + "/e"), link("", d + "/e", fd, EMPTY))
    os.close(fd)
    print(d, sorted(n for n in os.listdir(d) if n not in ("rw", "ov")))
'
