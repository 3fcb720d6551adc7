# inotify on a file of the sandbox's tmpfs, as LTP's inotify01 watches
# one: the events in order, and nothing before the first (adding the
# watch made an IN_CLOSE_NOWRITE, from the sentry's own open of the
# file's data: LTP inotify01, inotify05), and IN_ATTRIB from chmod and
# chown, which change the inode in the VFS only.
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
names = {0x1: "ACCESS", 0x2: "MODIFY", 0x4: "ATTRIB", 0x8: "CLOSE_WRITE", 0x10: "CLOSE_NOWRITE",
         0x20: "OPEN", 0x400: "DELETE_SELF", 0x8000: "IGNORED"}
def events(fd):
    out = []
    try:
        buf = os.read(fd, 4096)
    except BlockingIOError:
        return out
    i = 0
    while i < len(buf):
        wd, mask, cookie, n = struct.unpack_from("iIII", buf, i)
        out.append("|".join(v for k, v in sorted(names.items()) if mask & k) or hex(mask))
        i += 16 + n
    return out
open("f", "w").write("hello")
fd = libc.inotify_init1(os.O_NONBLOCK)
wd = libc.inotify_add_watch(fd, b"f", 0xfff)
print("after the watch", events(fd))
os.chmod("f", 0o600)
print("chmod", events(fd))
os.chown("f", os.getuid(), os.getgid())
print("chown", events(fd))
os.utime("f", (1, 2))
print("utime", events(fd))
with open("f") as g:
    g.read()
print("read", events(fd))
with open("f", "a") as g:
    g.write("more")
print("append", events(fd))
'
