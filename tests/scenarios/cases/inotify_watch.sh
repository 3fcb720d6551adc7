# inotify through ctypes: a watch on a file that is written by another
# process, on a read-only host directory (/etc) for the opens of one of its
# files, the flags (IN_ONLYDIR, IN_MASK_ADD, IN_MASK_CREATE) and the
# errors of the call.
set -u
PATH=/usr/bin:/bin
echo start > watched
timeout 20 python3 -c '
import ctypes, errno, os, select, struct, time
libc = ctypes.CDLL(None, use_errno=True)
IN_ACCESS, IN_MODIFY, IN_OPEN, IN_ONLYDIR, IN_MASK_ADD, IN_MASK_CREATE = 1, 2, 0x20, 0x01000000, 0x20000000, 0x10000000
def watch(fd, path, mask):
    r = libc.inotify_add_watch(fd, path.encode(), mask)
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
def events(fd, timeout=2.0):
    # bounded: the host opens /etc files all the time
    out = []
    end = time.monotonic() + 3
    while time.monotonic() < end and select.select([fd], [], [], timeout)[0]:
        buf = os.read(fd, 4096)
        i = 0
        while i < len(buf):
            wd, mask, cookie, ln = struct.unpack_from("iIII", buf, i)
            out.append((wd, mask, buf[i + 16:i + 16 + ln].rstrip(b"\0").decode()))
            i += 16 + ln
        timeout = 0.3
    return out
fd = libc.inotify_init1(os.O_NONBLOCK)
wd = watch(fd, "watched", IN_MODIFY)
print("file watch:", wd)
if os.fork() == 0:
    with open("watched", "a") as f: f.write("more\n")
    os._exit(0)
os.wait()
print("events:", [(w, m) for w, m, n in events(fd)])
print("same file, IN_MASK_ADD:", watch(fd, "./watched", IN_ACCESS | IN_MASK_ADD))
print("IN_MASK_CREATE on it:", watch(fd, "watched", IN_MODIFY | IN_MASK_CREATE))
print("IN_ONLYDIR on a file:", watch(fd, "watched", IN_MODIFY | IN_ONLYDIR))
d = watch(fd, "/etc", IN_OPEN | IN_ONLYDIR)
print("host directory watch:", d)
open("/etc/passwd").read()
print("opened passwd:", any(w == d and n == "passwd" and m & IN_OPEN for w, m, n in events(fd)))
print("nothing there:", watch(fd, "nothing", IN_MODIFY))
print("no events asked:", watch(fd, "watched", 0))
print("both mask flags:", watch(fd, "watched", IN_MODIFY | IN_MASK_ADD | IN_MASK_CREATE))
print("not an inotify fd:", watch(0, "watched", IN_MODIFY))
print("bad fd:", watch(999, "watched", IN_MODIFY))
print("bad path pointer:", libc.inotify_add_watch(fd, ctypes.c_void_p(8), IN_MODIFY), errno.errorcode[ctypes.get_errno()])
print("rm watch:", libc.inotify_rm_watch(fd, wd))
'
