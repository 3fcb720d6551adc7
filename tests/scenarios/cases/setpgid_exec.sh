# setpgid to a process group that does not exist: the kernel checks the
# process first (LTP setpgid03), so a child that has exec'd is EACCES,
# a process that is not the caller's child ESRCH, and only then the
# missing group EPERM; the emulate backend answers for a group that is
# not the sandbox's as for one that does not exist.
set -u
PATH=/usr/bin:/bin
python3 -c '
import os
NOGROUP = 4194301
def try_setpgid(pid, pgid):
    try:
        os.setpgid(pid, pgid)
        return "ok"
    except OSError as e:
        return os.strerror(e.errno)
r, w = os.pipe()
child = os.fork()
if child == 0:
    os.close(w)
    os.read(r, 1)
    os._exit(0)
os.close(r)
print("child before exec:", try_setpgid(child, NOGROUP))
print("itself:", try_setpgid(0, NOGROUP))
print("not a child:", try_setpgid(os.getppid(), NOGROUP))
er, ew = os.pipe()  # close-on-exec: EOF once the child has run exec
execd = os.fork()
if execd == 0:
    os.close(er)
    os.execv("/bin/sleep", ["sleep", "5"])
os.close(ew)
os.read(er, 1)
print("child after exec:", try_setpgid(execd, NOGROUP))
os.kill(execd, 9)
os.waitpid(execd, 0)
os.write(w, b"x")
os.waitpid(child, 0)
'
