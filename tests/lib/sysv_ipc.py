# SysV IPC from python through libc (ctypes), for the tests that compare
# or probe IPC namespaces (scenarios ipc_sysv, ipc_sysv_pidns; integration
# ipcns_escape.sh). Every call returns its result, or the errno's name
# (a str) when it fails, so a test prints what a program would see.
# The structures are x86_64 glibc's (struct ipc_perm, shmid_ds, msqid_ds,
# semid_ds, shm_info, msginfo, seminfo).
import ctypes
import errno
import os

libc = ctypes.CDLL(None, use_errno=True)
C = ctypes

IPC_PRIVATE = 0
IPC_CREAT, IPC_EXCL, IPC_NOWAIT = 0o1000, 0o2000, 0o4000
IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO = 0, 1, 2, 3
SHM_STAT, SHM_INFO = 13, 14
SHM_RDONLY, SHM_DEST = 0o10000, 0o1000
MSG_STAT, MSG_INFO = 11, 12
MSG_NOERROR, MSG_EXCEPT = 0o10000, 0o20000
GETPID, GETVAL, GETALL, GETNCNT, GETZCNT, SETVAL, SETALL = range(11, 18)
SEM_STAT, SEM_INFO = 18, 19
SEM_UNDO = 0x1000


class ipc_perm(C.Structure):
    _fields_ = [("key", C.c_int32), ("uid", C.c_uint32), ("gid", C.c_uint32),
                ("cuid", C.c_uint32), ("cgid", C.c_uint32), ("mode", C.c_uint16),
                ("pad1", C.c_uint16), ("seq", C.c_uint16), ("pad2", C.c_uint16),
                ("r1", C.c_ulong), ("r2", C.c_ulong)]


class shmid_ds(C.Structure):
    _fields_ = [("perm", ipc_perm), ("segsz", C.c_size_t), ("atime", C.c_long),
                ("dtime", C.c_long), ("ctime", C.c_long), ("cpid", C.c_int),
                ("lpid", C.c_int), ("nattch", C.c_ulong), ("r5", C.c_ulong),
                ("r6", C.c_ulong)]


class msqid_ds(C.Structure):
    _fields_ = [("perm", ipc_perm), ("stime", C.c_long), ("rtime", C.c_long),
                ("ctime", C.c_long), ("cbytes", C.c_ulong), ("qnum", C.c_ulong),
                ("qbytes", C.c_ulong), ("lspid", C.c_int), ("lrpid", C.c_int),
                ("r4", C.c_ulong), ("r5", C.c_ulong)]


class semid_ds(C.Structure):
    _fields_ = [("perm", ipc_perm), ("otime", C.c_long), ("otime_high", C.c_ulong),
                ("ctime", C.c_long), ("ctime_high", C.c_ulong), ("nsems", C.c_ulong),
                ("r3", C.c_ulong), ("r4", C.c_ulong)]


class shm_info(C.Structure):
    _fields_ = [("used_ids", C.c_int), ("shm_tot", C.c_ulong), ("shm_rss", C.c_ulong),
                ("shm_swp", C.c_ulong), ("swap_attempts", C.c_ulong),
                ("swap_successes", C.c_ulong)]


class msginfo(C.Structure):
    _fields_ = [(n, C.c_int) for n in ("msgpool", "msgmap", "msgmax", "msgmnb", "msgmni",
                                        "msgssz", "msgtql")] + [("msgseg", C.c_ushort)]


class seminfo(C.Structure):
    _fields_ = [(n, C.c_int) for n in ("semmap", "semmni", "semmns", "semmnu", "semmsl",
                                        "semopm", "semume", "semusz", "semvmx", "semaem")]


class sembuf(C.Structure):
    _fields_ = [("num", C.c_ushort), ("op", C.c_short), ("flg", C.c_short)]


class timespec(C.Structure):
    _fields_ = [("sec", C.c_long), ("nsec", C.c_long)]


libc.shmget.argtypes = [C.c_int, C.c_size_t, C.c_int]
libc.shmat.argtypes = [C.c_int, C.c_void_p, C.c_int]
libc.shmat.restype = C.c_void_p
libc.shmdt.argtypes = [C.c_void_p]
libc.shmctl.argtypes = [C.c_int, C.c_int, C.c_void_p]
libc.msgget.argtypes = [C.c_int, C.c_int]
libc.msgsnd.argtypes = [C.c_int, C.c_void_p, C.c_size_t, C.c_int]
libc.msgrcv.argtypes = [C.c_int, C.c_void_p, C.c_size_t, C.c_long, C.c_int]
libc.msgrcv.restype = C.c_ssize_t
libc.msgctl.argtypes = [C.c_int, C.c_int, C.c_void_p]
libc.semget.argtypes = [C.c_int, C.c_int, C.c_int]
libc.semop.argtypes = [C.c_int, C.c_void_p, C.c_size_t]
libc.semtimedop.argtypes = [C.c_int, C.c_void_p, C.c_size_t, C.c_void_p]
# semctl is variadic: its fourth argument (union semun) is passed as a long.


def _err():
    return errno.errorcode[C.get_errno()]


def _r(r):
    return _err() if r == -1 else r


def shmget(key, size, flags):
    return _r(libc.shmget(key, size, flags))


def shmat(shmid, flags=0):
    """The address attached (an int), or the errno's name."""
    a = libc.shmat(shmid, None, flags)
    return _err() if a is None or a == C.c_void_p(-1).value else a


def shmdt(addr):
    return _r(libc.shmdt(addr))


def shmctl(shmid, cmd, buf=None):
    return _r(libc.shmctl(shmid, cmd, None if buf is None else C.byref(buf)))


def shm_stat(shmid):
    """IPC_STAT's shmid_ds, or the errno's name."""
    ds = shmid_ds()
    r = shmctl(shmid, IPC_STAT, ds)
    return r if isinstance(r, str) else ds


def shm_write(addr, off, data):
    C.memmove(addr + off, data, len(data))


def shm_read(addr, off, n):
    return C.string_at(addr + off, n).rstrip(b"\0")


def msgget(key, flags):
    return _r(libc.msgget(key, flags))


def msgsnd(q, mtype, data, flags=0):
    buf = C.create_string_buffer(8 + len(data))
    C.c_long.from_buffer(buf).value = mtype
    C.memmove(C.addressof(buf) + 8, data, len(data))
    return _r(libc.msgsnd(q, buf, len(data), flags))


def msgrcv(q, size, mtype, flags=0):
    """(type, bytes) received, or the errno's name."""
    buf = C.create_string_buffer(8 + size)
    n = libc.msgrcv(q, buf, size, mtype, flags)
    if n == -1:
        return _err()
    return (C.c_long.from_buffer(buf).value, buf.raw[8:8 + n])


def msgctl(q, cmd, buf=None):
    return _r(libc.msgctl(q, cmd, None if buf is None else C.byref(buf)))


def msg_stat(q):
    ds = msqid_ds()
    r = msgctl(q, IPC_STAT, ds)
    return r if isinstance(r, str) else ds


def semget(key, nsems, flags):
    return _r(libc.semget(key, nsems, flags))


def semctl(s, num, cmd, arg=0):
    """arg: an int (SETVAL), a ctypes object (passed by reference) or None."""
    if isinstance(arg, int):
        a = C.c_long(arg)
    else:
        a = C.c_void_p(C.addressof(arg))
    return _r(libc.semctl(s, num, cmd, a))


def sem_stat(s):
    ds = semid_ds()
    r = semctl(s, 0, IPC_STAT, ds)
    return r if isinstance(r, str) else ds


def semop(s, ops, timeout=None):
    """ops: (num, op, flags) tuples; timeout in seconds: semtimedop."""
    arr = (sembuf * len(ops))(*[sembuf(*o) for o in ops])
    if timeout is None:
        return _r(libc.semop(s, arr, len(ops)))
    ts = timespec(int(timeout), int((timeout % 1) * 1e9))
    return _r(libc.semtimedop(s, arr, len(ops), C.byref(ts)))


def semall(s, n):
    vals = (C.c_ushort * n)()
    r = semctl(s, 0, GETALL, vals)
    return r if isinstance(r, str) else list(vals)


def mode(ds):
    """The permission bits and SHM_DEST/SHM_LOCKED, in octal."""
    return "%o" % (ds.perm.mode & 0o3777)


def key(ds):
    return "0x%08x" % (ds.perm.key & 0xffffffff)


def wait_for(cond, seconds=5.0):
    """Polls cond() until true or the time is up: its last value."""
    import time
    end = time.monotonic() + seconds
    while True:
        v = cond()
        if v or time.monotonic() > end:
            return v
        time.sleep(0.01)


_results = {}


def child(fn):
    """Runs fn() in a forked child: its pid. What fn returns comes back
    through a pipe and reap() gives it, so the parent prints it at a
    point of its choosing: a child that printed after it woke the parent
    would race with the parent's own printing."""
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(rd)
        code = 1
        try:
            os.write(wr, str(fn()).encode())
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(wr)
    _results[pid] = rd
    return pid


def reap(pid):
    """waitpid's exit status, as a word, and what the child's fn returned."""
    st = os.waitpid(pid, 0)[1]
    rd = _results.pop(pid)
    out = b""
    while True:
        d = os.read(rd, 4096)
        if not d:
            break
        out += d
    os.close(rd)
    how = "exit %d" % os.WEXITSTATUS(st) if os.WIFEXITED(st) else "signal %d" % os.WTERMSIG(st)
    return how + (": " + out.decode() if out and out != b"None" else "")
