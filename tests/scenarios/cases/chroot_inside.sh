# chroot(2) by the sandbox's root, as bubblewrap allows it (CAP_SYS_CHROOT):
# names resolve from the new root for the task and a child it forks,
# ".." stays at it, and a walk from a cwd left outside it goes no higher
# than the root a walk from "/" meets; EPERM for uid 1000, ENOTDIR for a
# file.
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
def e(r):
    return "ok" if r == 0 else errno.errorcode[ctypes.get_errno()]
w = os.getcwd()
os.makedirs("jail/sub"); open("jail/f", "w").write("in jail")
print("file", e(libc.chroot((w + "/jail/f").encode())))
pid = os.fork()
if pid == 0:
    os.setgid(1000); os.setuid(1000)
    print("as 1000", e(libc.chroot((w + "/jail").encode())), flush=True); os._exit(0)
os.waitpid(pid, 0)
top = sorted(os.listdir("/"))
print("chroot", e(libc.chroot((w + "/jail").encode())))
print("ls /", sorted(os.listdir("/")), "ls /..", sorted(os.listdir("/..")))
print("read", open("/f").read(), open("/sub/../f").read())
print("from the old cwd, ../../.. is the old top:", sorted(os.listdir("../../..")) == top)
os.chdir("/")
print("after chdir /: ../.. is the jail", sorted(os.listdir("../..")))
pid = os.fork()
if pid == 0:
    print("child sees", sorted(os.listdir("/")), flush=True); os._exit(0)
os.waitpid(pid, 0)
'
