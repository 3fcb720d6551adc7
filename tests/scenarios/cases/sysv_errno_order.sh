# SysV IPC in an IPC namespace of the sandbox's own (--unshare-ipc): the
# errors the kernel gives before it looks at permissions, on objects the
# caller may not use (mode 0, no capability: CAP_IPC_OWNER would pass),
# so the sentry's permission check must not come first (LTP's
# syscalls-ipc, tests/external/ltp.sh LTP_SET=ipc). Ids differ (the
# sandbox's are the host's), so only results are printed.
# veil: --unshare-ipc --cap-drop ALL
# native-exec: unshare --ipc setpriv --inh-caps=-all --bounding-set=-all
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import ctypes, errno, resource
libc = ctypes.CDLL(None, use_errno=True)
def r(v):
    return "ok" if v != -1 else errno.errorcode[ctypes.get_errno()]
IPC_PRIVATE, IPC_NOWAIT, MSG_EXCEPT, MSG_COPY = 0, 0o4000, 0o20000, 0o40000
SHM_RND, SHM_REMAP, SHM_LOCK, SETVAL = 0o20000, 0o40000, 11, 16
libc.shmat.restype = ctypes.c_void_p
q = libc.msgget(IPC_PRIVATE, 0)
m = libc.shmget(IPC_PRIVATE, 4096, 0)
s = libc.semget(IPC_PRIVATE, 2, 0)
print("made", q >= 0, m >= 0, s >= 0)
class Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 16)]
msg = Msg(0, b"x")
print("msgsnd mtype 0:", r(libc.msgsnd(q, ctypes.byref(msg), 1, IPC_NOWAIT)))
msg.mtype = 1
print("msgsnd past msgmax:", r(libc.msgsnd(q, ctypes.byref(msg), 1 << 20, IPC_NOWAIT)))
print("msgsnd bad address:", r(libc.msgsnd(q, ctypes.c_void_p(8), 1, IPC_NOWAIT)))
print("msgsnd no right:", r(libc.msgsnd(q, ctypes.byref(msg), 1, IPC_NOWAIT)))
print("msgrcv MSG_COPY waiting:", r(libc.msgrcv(q, ctypes.byref(msg), 16, 0, MSG_COPY)))
print("msgrcv MSG_COPY|MSG_EXCEPT:", r(libc.msgrcv(q, ctypes.byref(msg), 16, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT)))
print("msgrcv no right:", r(libc.msgrcv(q, ctypes.byref(msg), 16, 0, IPC_NOWAIT)))
def at(addr, flg):
    v = libc.shmat(m, ctypes.c_void_p(addr), flg)
    return r(-1 if v == ctypes.c_void_p(-1).value else 0)
print("shmat unaligned:", at(0x10000001, 0))
print("shmat SHM_REMAP at 0:", at(0, SHM_REMAP))
print("shmat SHM_RND|SHM_REMAP to 0:", at(0x10, SHM_RND | SHM_REMAP))
print("shmat no right:", at(0, 0))
class Sembuf(ctypes.Structure):
    _fields_ = [("num", ctypes.c_ushort), ("op", ctypes.c_short), ("flg", ctypes.c_short)]
print("semop past nsems:", r(libc.semop(s, ctypes.byref(Sembuf(5, 0, IPC_NOWAIT)), 1)))
ts = (ctypes.c_long * 2)(0, 2000000000)
print("semtimedop bad timeout:", r(libc.semtimedop(s, ctypes.byref(Sembuf(0, 0, IPC_NOWAIT)), 1, ts)))
print("semtimedop bad address:", r(libc.semtimedop(s, ctypes.byref(Sembuf(0, 0, IPC_NOWAIT)), 1, ctypes.c_void_p(8))))
print("semop no right:", r(libc.semop(s, ctypes.byref(Sembuf(0, 0, IPC_NOWAIT)), 1)))
print("semctl SETVAL -1, no such set:", r(libc.semctl(s + 1, 0, SETVAL, -1)))
print("semctl SETVAL past nsems:", r(libc.semctl(s, 5, SETVAL, 1)))
print("semctl SETVAL no right:", r(libc.semctl(s, 0, SETVAL, 1)))
resource.setrlimit(resource.RLIMIT_MEMLOCK, (0, 0))
print("SHM_LOCK, no memlock:", r(libc.shmctl(m, SHM_LOCK, None)))
for i, c in ((q, libc.msgctl), (m, libc.shmctl)):
    c(i, 0, None)
libc.semctl(s, 0, 0)
'
