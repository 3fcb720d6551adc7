# mount(2) and umount2(2) inside the sandbox by its root (issue 12): a
# tmpfs with options, a proc, a bind and its read-only remount, a
# recursive bind, a move, propagation changes, detaching, and the
# errors: an unknown option, a block filesystem with no device, a
# non-root caller. The mount table is read
# back from /proc/self/mountinfo (mount point, type, ro/rw).
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
exec python3 -c '
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 1, 32, 4096, 8192, 16384, 1 << 18
def e(r):
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
def mount(src, tgt, typ, fl=0, data=None):
    return e(libc.mount(src and src.encode(), tgt.encode(), typ and typ.encode(), ctypes.c_ulong(fl), data and data.encode()))
def umount(tgt, fl=0):
    return e(libc.umount2(tgt.encode(), fl))
w = os.getcwd()
def table():
    out = []
    for l in open("/proc/self/mountinfo"):
        f = l.split()
        if f[4].startswith(w + "/"):
            out.append("%s %s %s" % (f[4][len(w):], f[f.index("-") + 1], f[5].split(",")[0]))
    return out
for d in ("a", "b", "c", "d"):
    os.mkdir(d)
print("tmpfs", mount("t", w + "/a", "tmpfs", 0, "mode=0750,uid=12,gid=34,nr_inodes=100"))
st = os.stat("a"); print("root", oct(st.st_mode & 0o7777), st.st_uid, st.st_gid)
open("a/f", "w").write("hi")
os.mkdir("a/sub")
print("inner", mount("t", w + "/a/sub", "tmpfs"))
open("a/sub/g", "w").write("deep")
print("bind", mount(w + "/a", w + "/b", None, MS_BIND), open("b/f").read(), os.path.exists("b/sub/g"))
print("rbind", mount(w + "/a", w + "/c", None, MS_BIND | MS_REC), open("c/sub/g").read())
print("remount ro", mount(None, w + "/b", None, MS_REMOUNT | MS_BIND | MS_RDONLY))
try:
    open("b/new", "w"); print("write", "ok")
except OSError as x:
    print("write", errno.errorcode[x.errno])
print("private", mount(None, w + "/a", None, MS_PRIVATE | MS_REC), mount(None, w + "/a/f", None, MS_PRIVATE))
print("move", mount(w + "/b", w + "/d", None, MS_MOVE), open("d/f").read(), os.listdir("b"))
print("move loop", mount(w + "/a", w + "/a/sub", None, MS_MOVE))
print("proc", mount("proc", w + "/b", "proc"), os.path.exists("b/self/status"))
print(*table(), sep="\n")
print("bad option", mount("t", w + "/b", "tmpfs", 0, "nonsense=1"))
print("no device", mount("/nonexistent", w + "/b", "ext4"))
print("not a mount", umount(w + "/a/f"), umount(w + "/nonexistent"))
print("umount", umount(w + "/c", 2), umount(w + "/d"), umount(w + "/b"), umount(w + "/a/sub"), umount(w + "/a"))
print(table())
pid = os.fork()
if pid == 0:
    os.setgid(1000); os.setuid(1000)
    print("as 1000", mount("t", w + "/a", "tmpfs"), umount(w + "/a")); os._exit(0)
os.waitpid(pid, 0)
'
