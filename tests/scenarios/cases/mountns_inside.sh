# Mount namespaces inside the sandbox (issue 12): unshare(CLONE_NEWNS) by
# its root gives the caller a copy of the mount tree (its own
# /proc/self/ns/mnt), where its mounts and unmounts stay; pivot_root(2)
# with the kernel's checks in their order (EINVAL for a new root that is
# no mount, ENOENT, EBUSY for the root's own mount, EINVAL for a put_old
# outside the new root), the caller's root and cwd moved as the kernel's
# chroot_fs_refs does, the old root reachable under put_old and then
# detached; the parent's tree untouched; EPERM without CAP_SYS_ADMIN;
# unshare's EINVAL for an unknown flag, CLONE_FS alone; clone(CLONE_NEWNS)
# gives the child its own copy (EINVAL with CLONE_FS), a plain clone not;
# pivot_root(".", ".") then umount2("."), as runc does.
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
exec python3 -c '
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_FS = 0x20000, 0x200
MS_PRIVATE, MS_REC = 1 << 18, 16384
def e(r):
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
def mount(src, tgt, typ, fl=0, data=None):
    return e(libc.mount(src and src.encode(), tgt.encode(), typ and typ.encode(), ctypes.c_ulong(fl), data and data.encode()))
def umount(tgt, fl=0):
    return e(libc.umount2(tgt.encode(), fl))
def pivot(new, old):
    return e(libc.syscall(155, new.encode(), old.encode()))
def unshare(fl):
    return e(libc.unshare(fl))
w = os.getcwd()
def table():
    out = []
    for l in open("/proc/self/mountinfo"):
        f = l.split()
        if f[4].startswith(w + "/"):
            out.append("%s %s" % (f[4], f[f.index("-") + 1]))
    return out
def ns():
    return os.stat("/proc/self/ns/mnt").st_ino
for d in ("a", "b", "new", "plain"):
    os.mkdir(d)
print("tmpfs a", mount("t", w + "/a", "tmpfs"))
open("a/f", "w").write("in a")
ns0 = ns()
print("bad flags", unshare(0x1))
pid = os.fork()
if pid == 0:
    print("child unshare", unshare(CLONE_NEWNS), "new ns", ns() != ns0)
    print("private", mount(None, "/", None, MS_PRIVATE | MS_REC))
    print("tmpfs b", mount("t", w + "/b", "tmpfs"))
    open("b/g", "w").write("in b")
    print("umount a", umount(w + "/a"), os.listdir("a"))
    print("child table", table())
    print("tmpfs new", mount("t", w + "/new", "tmpfs"))
    os.mkdir("new/old")
    open("new/hello", "w").write("hi")
    print("pivot not a mount", pivot(w + "/plain", w + "/new/old"))
    print("pivot missing", pivot(w + "/nothing", w + "/new/old"), pivot(w + "/new", w + "/new/nothing"))
    print("pivot onto root mount", pivot("/", w + "/new/old"))
    print("pivot old not under new", pivot(w + "/new", w + "/b"))
    print("pivot", pivot(w + "/new", w + "/new/old"))
    print("root", sorted(os.listdir("/")))
    print("old b", open("/old" + w + "/b/g").read(), "cwd", os.getcwd() == "/old" + w)
    os.chdir("/")
    print("umount old", umount("/old", 2), sorted(os.listdir("/")), open("/hello").read())
    os._exit(0)
os.waitpid(pid, 0)
print("parent table", table(), "same ns", ns() == ns0)
print("parent a", os.listdir("a"), "b", os.listdir("b"))
pid = os.fork()
if pid == 0:
    os.setgid(1000); os.setuid(1000)
    print("as 1000", unshare(CLONE_NEWNS), pivot(w + "/new", w + "/new"))
    os._exit(0)
os.waitpid(pid, 0)
print("fs alone", unshare(CLONE_FS))
# clone(CLONE_NEWNS): the child in a namespace of its own
import signal
def clone(flags):
    r = libc.syscall(56, ctypes.c_ulong(flags | signal.SIGCHLD), 0, 0, 0, 0)
    return r if r >= 0 else "err " + errno.errorcode[ctypes.get_errno()]
os.mkdir("m")
r = clone(CLONE_NEWNS)
if r == 0:
    print("clone child: own ns", ns() != ns0, "mount", mount("t", w + "/m", "tmpfs"))
    open("m/x", "w").write("x")
    os._exit(0)
os.waitpid(r, 0)
print("clone parent sees", os.listdir("m"), "NEWNS|FS", clone(CLONE_NEWNS | CLONE_FS))
r = clone(0)
if r == 0:
    print("plain clone child in the same ns", ns() == ns0)
    os._exit(0)
os.waitpid(r, 0)
# the idiom of runc: pivot_root(".", ".") stacks the old root on the new one,
# umount2(".") takes it off (LOOKUP_MOUNTPOINT goes on into what is
# mounted where the walk starts)
os.mkdir("nr")
pid = os.fork()
if pid == 0:
    unshare(CLONE_NEWNS)
    mount("t", w + "/nr", "tmpfs")
    open("nr/inside", "w").write("x")
    os.chdir("nr")
    print("pivot . .", pivot(".", "."), "inside" in os.listdir("/"))
    print("umount .", umount(".", 2), sorted(os.listdir("/")), os.getcwd())
    os._exit(0)
os.waitpid(pid, 0)
'
