# Calls on the wrong kind of fd, and limits a truncate must keep (issue 11
# cause 12): f*xattr on fd -1 is EBADF (not a path lookup of ""); an
# O_PATH fd cannot be read, written, fchmod()ed, fchown()ed, ftruncate()d
# or have its xattrs read or times set, while fstat and fstatfs work; a
# truncate past RLIMIT_FSIZE is EFBIG and SIGXFSZ (which python ignores).
# Not compared, as emulate differs: mmap of an O_PATH fd (EACCES there,
# EBADF natively), its F_GETFL (O_ACCMODE there), and getdents on an
# O_PATH directory fd (which reads there).
# veil: --bind $SCRATCH/u /tmp/w/h
# native: mkdir /tmp/w/h && mount --bind $SCRATCH/u /tmp/w/h
set -u
PATH=/usr/bin:/bin
echo data > f
# SIGXFSZ comes with the limit's EFBIG, not with a filesystem's own (a
# length past its maximum file size: ext4's, say, where the bind is).
(ulimit -f 4; truncate -s 1M f2 2>/dev/null); echo "truncate past ulimit -f: $?"
truncate -s 999999999999999 h/big 2>/dev/null; echo "truncate past the fs's maximum: $?"
python3 -c '
import os, stat, resource
def err(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return os.strerror(e.errno)
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(64)
def raw(fn):
    r = fn()
    return "ok" if r >= 0 else os.strerror(ctypes.get_errno())
for name, fn in (("fgetxattr", lambda: libc.fgetxattr(-1, b"user.x", buf, 64)),
                 ("fsetxattr", lambda: libc.fsetxattr(-1, b"user.x", b"1", 1, 0)),
                 ("flistxattr", lambda: libc.flistxattr(-1, buf, 64)),
                 ("fremovexattr", lambda: libc.fremovexattr(-1, b"user.x"))):
    print(name, "on -1:", raw(fn))
fd = os.open("f", os.O_PATH)
print("read O_PATH:", err(lambda: os.read(fd, 4)))
print("write O_PATH:", err(lambda: os.write(fd, b"x")))
print("fchmod O_PATH:", err(lambda: os.fchmod(fd, 0o600)))
print("fchown O_PATH:", err(lambda: os.fchown(fd, 0, 0)))
print("ftruncate O_PATH:", err(lambda: os.ftruncate(fd, 0)))
print("fgetxattr O_PATH:", err(lambda: os.getxattr(fd, "user.x")))
print("futimens O_PATH:", err(lambda: os.utime(fd)))
print("fstat O_PATH:", os.fstat(fd).st_size)
print("fstatvfs O_PATH:", err(lambda: os.fstatvfs(fd)))
print("mode:", oct(stat.S_IMODE(os.stat("f").st_mode)), "size:", os.stat("f").st_size)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
print("truncate past RLIMIT_FSIZE:", err(lambda: os.truncate("f", 8192)), os.stat("f").st_size)
w = os.open("f", os.O_WRONLY)
print("ftruncate past RLIMIT_FSIZE:", err(lambda: os.ftruncate(w, 8192)), os.stat("f").st_size)
print("ftruncate within:", err(lambda: os.ftruncate(w, 4096)), os.stat("f").st_size)
print("truncate down:", err(lambda: os.truncate("f", 1)), os.stat("f").st_size)
'
