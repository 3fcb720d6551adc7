# --unshare-pid without --unshare-ipc: the SysV objects are the host's,
# shared as under bubblewrap, but the pids they keep are shown in the
# sandbox's numbers (0 outside it), as a pid namespace's kernel shows
# them: shm_cpid and shm_lpid, /proc/sysvipc's columns, semctl GETPID
# (issue 12; the host's pids were shown before).
# veil: --unshare-pid
# reference: kernel
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import ctypes, os, struct, errno
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
def stat(sid, cmd=2):
    b = ctypes.create_string_buffer(112)
    r = libc.shmctl(sid, cmd, b)
    if r < 0: return errno.errorcode[ctypes.get_errno()]
    cpid, lpid = struct.unpack_from("ii", b.raw, 80)
    return "cpid %d lpid %d" % (cpid, lpid)
sid = libc.shmget(0, 4096, 0o600)
sem = libc.semget(0, 1, 0o600)
try:
    print("pid", os.getpid(), "made:", stat(sid))
    a = libc.shmat(sid, None, 0)
    print("attached:", stat(sid))
    pid = os.fork()
    if pid == 0:
        libc.shmat(sid, None, 0); print("child", stat(sid) == "cpid %d lpid %d" % (os.getppid(), os.getpid()), flush=True); os._exit(0)
    os.waitpid(pid, 0)
    print("after the child: lpid is it", stat(sid) == "cpid %d lpid %d" % (os.getpid(), pid))
    for l in open("/proc/sysvipc/shm"):
        f = l.split()
        if f[1] == str(sid): print("sysvipc: cpid", f[4] == str(os.getpid()), "lpid", f[5] == str(pid))
    op = (ctypes.c_short * 3)(0, 1, 0); libc.semop(sem, op, 1)
    print("GETPID is mine", libc.semctl(sem, 0, 11) == os.getpid())
    print("missing id", stat(2147483647))
finally:
    libc.shmctl(sid, 0, None); libc.semctl(sem, 0, 0)
'
