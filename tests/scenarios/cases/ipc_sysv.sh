# --unshare-ipc: SysV shared memory, message queues and semaphore sets in
# an IPC namespace of the sandbox's own (the kernel's under
# --backend=kernel and natively; under emulate the sentry's table of the
# sandbox's objects, made on the host with IPC_PRIVATE). Between a process
# and its children: data through a segment, messages by type, blocking
# receives and semaphore waits woken by another process; every stat field
# that does not depend on the numbering (keys we chose, modes, sizes,
# nattch, counts, pids as "is it that process"); the errnos of existing,
# missing, removed and never-made objects; what ipcs, ipcrm and
# /proc/sysvipc show; *_INFO's counts and *_STAT by index finding exactly
# the objects made.
# No id is printed, nor a key ipcmk chose: under emulate the ids are the
# host's (32769, say), not a fresh namespace's 0, 1, 2.
# veil: --unshare-ipc --ro-bind $TESTS $TESTS
# native-exec: unshare --ipc
set -u
PATH=/usr/bin:/bin
PYTHONPATH=$TESTS/lib timeout 60 /usr/bin/python3 -c '
import os, sys, time, subprocess
from sysv_ipc import *
def p(*a):
    print(*a, flush=True)
me = os.getpid()
K = 0x5e1f0000  # our keys: K + n

p("== ids never made, in an empty namespace")
for i in (0, 1, 32768, 2147483647, -1):
    p(i, shmctl(i, IPC_STAT, shmid_ds()), shmat(i), msgctl(i, IPC_STAT, msqid_ds()),
      msgsnd(i, 1, b"x", IPC_NOWAIT), msgrcv(i, 10, 0, IPC_NOWAIT),
      semctl(i, 0, GETVAL), semop(i, [(0, 1, 0)]), shmctl(i, IPC_RMID))
p("by key:", shmget(K, 0, 0), msgget(K, 0), semget(K, 0, 0))

p("== shm")
s = shmget(K + 1, 10000, IPC_CREAT | 0o640)
ds = shm_stat(s)
p("made:", key(ds), ds.segsz, mode(ds), "nattch", ds.nattch, "cpid is me", ds.cpid == me,
  "lpid", ds.lpid, "uid is mine", ds.perm.uid == os.getuid() == ds.perm.cuid,
  "gid is mine", ds.perm.gid == os.getgid() == ds.perm.cgid, "times", ds.atime, ds.dtime, ds.ctime > 0)
p("same key, smaller size: same id", shmget(K + 1, 4096, 0) == s, "size 0:", shmget(K + 1, 0, 0) == s,
  "IPC_CREAT:", shmget(K + 1, 10000, IPC_CREAT | 0o600) == s)
p("larger size:", shmget(K + 1, 10001, 0), "IPC_CREAT|IPC_EXCL:", shmget(K + 1, 100, IPC_CREAT | IPC_EXCL | 0o600),
  "missing key:", shmget(K + 99, 100, 0), "size 0 to make:", shmget(K + 98, 0, IPC_CREAT | 0o600))
a = shmat(s)
shm_write(a, 0, b"hello from the parent")
ds = shm_stat(s)
p("attached: nattch", ds.nattch, "lpid is me", ds.lpid == me, "atime", ds.atime > 0)
def kid():
    ds = shm_stat(s)
    p("  child: inherited the attachment, nattch", ds.nattch, "reads", shm_read(a, 0, 64))
    s2 = shmget(K + 1, 0, 0)
    b = shmat(s2)
    p("  child: by key, same id", s2 == s, "second attachment nattch", shm_stat(s).nattch,
      "sees", shm_read(b, 0, 64))
    shm_write(b, 100, b"the child was here")
    p("  child: detach", shmdt(b), shmdt(a), "nattch", shm_stat(s).nattch,
      "detach again", shmdt(a))
c = child(kid)
p("child", reap(c))
ds = shm_stat(s)
p("parent reads", shm_read(a, 100, 64), "nattch", ds.nattch, "lpid is the child", ds.lpid == c,
  "cpid still me", ds.cpid == me, "dtime", ds.dtime > 0)
def kid():
    r = shmat(s, SHM_RDONLY)
    p("  child: read-only attachment reads", shm_read(r, 0, 5))
    shm_write(r, 0, b"no")
p("writing through SHM_RDONLY:", reap(child(kid)), shm_read(a, 0, 5))
def kid():
    b = shmat(s)
    os.execv("/bin/sh", ["sh", "-c", "exit 0"])
c = child(kid)
p("a child that attached, then exec:", reap(c), "nattch", shm_stat(s).nattch, "lpid is the child", shm_stat(s).lpid == c)
ds = shm_stat(s)
ds.perm.mode = 0o600
p("IPC_SET mode 600:", shmctl(s, IPC_SET, ds), mode(shm_stat(s)))
x, y = shmget(IPC_PRIVATE, 100, IPC_CREAT | 0o600), shmget(IPC_PRIVATE, 100, IPC_CREAT | 0o600)
p("IPC_PRIVATE twice: distinct", x != y, x != s, "keys", key(shm_stat(x)), key(shm_stat(y)),
  "removed", shmctl(x, IPC_RMID), shmctl(y, IPC_RMID), "stat", shmctl(x, IPC_STAT, shmid_ds()))
p("IPC_RMID while attached:", shmctl(s, IPC_RMID))
ds = shm_stat(s)
p("removed: key", key(ds), "mode", mode(ds), "nattch", ds.nattch, "size", ds.segsz)
p("by key:", shmget(K + 1, 0, 0), "removed twice:", shmctl(s, IPC_RMID))
n = shmget(K + 1, 200, IPC_CREAT | 0o600)
p("the key makes a new one:", n != s, shm_stat(n).segsz, shmctl(n, IPC_RMID))
b = shmat(s)
p("attach of the removed segment:", isinstance(b, int), "reads", shm_read(b, 0, 64),
  "nattch", shm_stat(s).nattch)
p("detach both:", shmdt(b), shmdt(a), "then", shmctl(s, IPC_STAT, shmid_ds()), shmat(s))

p("== msg")
q = msgget(K + 2, IPC_CREAT | 0o620)
ds = msg_stat(q)
p("made:", key(ds), "mode", mode(ds), "qnum", ds.qnum, "cbytes", ds.cbytes, "lspid", ds.lspid,
  "lrpid", ds.lrpid, "uid is mine", ds.perm.uid == os.getuid())
p("again:", msgget(K + 2, 0) == q, msgget(K + 2, IPC_CREAT) == q, "IPC_EXCL:",
  msgget(K + 2, IPC_CREAT | IPC_EXCL), "missing:", msgget(K + 97, 0))
for t, m in ((3, b"three"), (1, b"one"), (2, b"two"), (1, b"one again")):
    msgsnd(q, t, m)
ds = msg_stat(q)
p("sent 4: qnum", ds.qnum, "cbytes", ds.cbytes, "lspid is me", ds.lspid == me, "stime", ds.stime > 0)
p("type 2:", msgrcv(q, 100, 2), "type -2:", msgrcv(q, 100, -2), "not 1:", msgrcv(q, 100, 1, MSG_EXCEPT),
  "any:", msgrcv(q, 100, 0), "then:", msgrcv(q, 100, 0, IPC_NOWAIT), msgrcv(q, 100, 5, IPC_NOWAIT))
ds = msg_stat(q)
p("qnum", ds.qnum, "cbytes", ds.cbytes, "lrpid is me", ds.lrpid == me)
msgsnd(q, 4, b"a long message")
p("too small a buffer:", msgrcv(q, 5, 0), "qnum", msg_stat(q).qnum, "MSG_NOERROR:", msgrcv(q, 5, 0, MSG_NOERROR),
  "qnum", msg_stat(q).qnum)
p("type 0:", msgsnd(q, 0, b"x"), "type -1:", msgsnd(q, -1, b"x"))
t0 = time.monotonic()
def kid():
    r = msgrcv(q, 100, 7)
    late = time.monotonic() - t0 >= 0.3
    time.sleep(0.3)
    return "blocked until the parent sent: %s %s, replied %s" % (r, late, msgsnd(q, 8, b"pong to " + r[1]))
c = child(kid)
time.sleep(0.3)
t1 = time.monotonic()  # before the send: the child sleeps after it took the ping
r = msgsnd(q, 7, b"ping")
p("parent sent", r, "got, after blocking:", msgrcv(q, 100, 8), time.monotonic() - t1 >= 0.3)
p("child", reap(c))
ds = msg_stat(q)
p("qnum", ds.qnum, "lspid is the child", ds.lspid == c, "lrpid is me", ds.lrpid == me)
ds.qbytes = 64
p("IPC_SET qbytes 64:", msgctl(q, IPC_SET, ds), msg_stat(q).qbytes, "100 bytes:",
  msgsnd(q, 1, b"x" * 100, IPC_NOWAIT), "50:", msgsnd(q, 1, b"y" * 50, IPC_NOWAIT),
  "20 more:", msgsnd(q, 1, b"z" * 20, IPC_NOWAIT), "cbytes", msg_stat(q).cbytes)
msgrcv(q, 100, 0)
rd, wr = os.pipe()
def kid():
    os.write(wr, b"x")
    return "waiting, then %s" % (msgrcv(q, 100, 9),)
c = child(kid)
# No count of the waiters on a queue to wait for: the child says it is about
# to wait, and is asleep.
os.read(rd, 1)
wait_for(lambda: open("/proc/%d/stat" % c).read().rsplit(")", 1)[1].split()[0] == "S")
time.sleep(0.1)
p("IPC_RMID under a waiting receiver:", msgctl(q, IPC_RMID))
p("child", reap(c), "then", msgctl(q, IPC_STAT, msqid_ds()), msgsnd(q, 1, b"x"), msgget(K + 2, 0))

p("== sem")
m = semget(K + 3, 3, IPC_CREAT | 0o600)
ds = sem_stat(m)
p("made:", key(ds), "mode", mode(ds), "nsems", ds.nsems, "values", semall(m, 3), "otime", ds.otime,
  "uid is mine", ds.perm.uid == os.getuid())
p("nsems 2:", semget(K + 3, 2, 0) == m, "0:", semget(K + 3, 0, 0) == m, "4:", semget(K + 3, 4, 0),
  "IPC_EXCL:", semget(K + 3, 3, IPC_CREAT | IPC_EXCL), "missing:", semget(K + 96, 1, 0),
  "nsems 0 to make:", semget(K + 95, 0, IPC_CREAT | 0o600))
p("SETVAL 0 5:", semctl(m, 0, SETVAL, 5), "GETVAL:", semctl(m, 0, GETVAL), "40000:",
  semctl(m, 0, SETVAL, 40000), "num 3:", semctl(m, 3, GETVAL), semctl(m, 3, SETVAL, 1))
p("SETALL 1 2 3:", semctl(m, 0, SETALL, (C.c_ushort * 3)(1, 2, 3)), "GETALL:", semall(m, 3),
  "GETPID after SETALL is me:", semctl(m, 0, GETPID) == me)
p("semop -1:", semop(m, [(0, -1, 0)]), semctl(m, 0, GETVAL), "GETPID is me", semctl(m, 0, GETPID) == me,
  "otime", sem_stat(m).otime > 0)
p("-1 IPC_NOWAIT:", semop(m, [(0, -1, IPC_NOWAIT)]), "semtimedop 0.1s:", semop(m, [(0, -1, 0)], 0.1),
  "two at once, one short:", semop(m, [(1, -1, 0), (0, -1, IPC_NOWAIT)]), semall(m, 3),
  "sem 5:", semop(m, [(5, 1, 0)]), "no ops:", semop(m, []))
def kid():
    n = wait_for(lambda: semctl(m, 0, GETNCNT) == 1)
    p("  child: the parent waits, GETNCNT", semctl(m, 0, GETNCNT), n)
    return "V %s" % semop(m, [(0, 1, 0), (1, 1, 0)])
c = child(kid)
p("parent P, blocked until the child V:", semop(m, [(0, -1, 0)]), semall(m, 3))
p("child", reap(c), "GETPID 0 is me", semctl(m, 0, GETPID) == me, "GETPID 1 is the child",
  semctl(m, 1, GETPID) == c, "GETNCNT", semctl(m, 0, GETNCNT))
def kid():
    return "wait for zero: %s" % semop(m, [(2, 0, 0)])
c = child(kid)
p("GETZCNT", wait_for(lambda: semctl(m, 2, GETZCNT) == 1), "SETVAL 2 0:", semctl(m, 2, SETVAL, 0))
p("child", reap(c), "GETPID 2 is the child", semctl(m, 2, GETPID) == c)
def kid():
    return "+2 SEM_UNDO %s %s" % (semop(m, [(1, 2, SEM_UNDO)]), semctl(m, 1, GETVAL))
c = child(kid)
p("child", reap(c), "undone at its exit:", semctl(m, 1, GETVAL))
def kid():
    return "waiting, then %s" % semop(m, [(2, -1, 0)])
c = child(kid)
wait_for(lambda: semctl(m, 2, GETNCNT) == 1)
p("IPC_RMID under a waiter:", semctl(m, 0, IPC_RMID))
p("child", reap(c), "then", semctl(m, 0, GETVAL), semop(m, [(0, 1, 0)]), semget(K + 3, 0, 0))

p("== listings: ipcmk and our own, in an otherwise empty namespace")
def run(*argv):
    r = subprocess.run(argv, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr.strip()
ours = {"0x%08x" % (K + n) for n in range(100)} | {"0x00000000"}
def table(out):
    # ids shown as ID (the second column, the first in ipcs -c), a key
    # ipcmk chose as RANDOM
    for line in out.splitlines():
        f = line.split()
        if f and f[0].startswith("0x"):
            f[1] = "ID"
            if f[0] not in ours:
                f[0] = "RANDOM"
            line = " ".join(f)
        elif f and f[0].isdigit():
            f[0] = "ID"
            line = " ".join(f)
        p("  " + line.rstrip())
made = {}
for opt, arg in (("-M", "5000"), ("-Q", None), ("-S", "2")):
    st, out, err = run("ipcmk", opt, *([arg] if arg else []), "-p", "0604")
    p("ipcmk", opt, st, out.split(":")[0], err)
    made[opt] = int(out.split(":")[1])
s1 = shmget(K + 10, 8192, IPC_CREAT | 0o640)
s2 = shmget(K + 11, 100, IPC_CREAT | 0o600)
s3 = shmget(K + 12, 50, IPC_CREAT | 0o666)
a1, a3 = shmat(s1), shmat(s3)
shm_write(a1, 0, b"x" * 5000)
shmctl(s3, IPC_RMID)  # attached: listed as dest, key 0
q1 = msgget(K + 13, IPC_CREAT | 0o620)
msgsnd(q1, 1, b"12345"), msgsnd(q1, 2, b"1234567890")
m1 = semget(K + 14, 4, IPC_CREAT | 0o600)
for o in ("-m", "-q", "-s"):
    st, out, err = run("ipcs", o)
    p("ipcs", o, st, err)
    table(out)
st, out, err = run("ipcs", "-m", "-c")
p("ipcs -m -c", st, err)
table(out)
for o in ("-m", "-q", "-s"):
    st, out, err = run("ipcs", o, "-u")
    p("ipcs", o, "-u", st, err)
    for line in out.splitlines():
        if "resident" not in line and "swap" not in line.lower():
            p("  " + line.rstrip())
p("/proc/sysvipc:")
cols = {"shm": ("key", "perms", "size", "nattch", "uid", "gid", "cuid", "cgid"),
        "msg": ("key", "perms", "cbytes", "qnum", "uid", "gid", "cuid", "cgid"),
        "sem": ("key", "perms", "nsems", "uid", "gid", "cuid", "cgid")}
for f in ("shm", "msg", "sem"):
    lines = open("/proc/sysvipc/" + f).read().splitlines()
    head = lines[0].split()
    p(" ", f, "header:", lines[0])
    p(" ", f, "rows:", len(lines) - 1)
    for line in lines[1:]:
        v = dict(zip(head, line.split()))
        k = "0x%08x" % (int(v["key"]) & 0xffffffff)
        p("   ", k if k in ours else "RANDOM", *["%s=%s" % (c, v[c]) for c in cols[f][1:]])
si = shm_info()
hi = shmctl(0, SHM_INFO, si)
p("SHM_INFO: used_ids", si.used_ids, "pages", si.shm_tot)
mi = msginfo()
hq = msgctl(0, MSG_INFO, mi)
p("MSG_INFO: queues", mi.msgpool, "messages", mi.msgmap, "bytes", mi.msgtql)
sn = seminfo()
hs = semctl(0, 0, SEM_INFO, sn)
p("SEM_INFO: sets", sn.semusz, "semaphores", sn.semaem)
def by_index(hi, stat, ds, known):
    found = []
    for i in range(hi + 1):
        r = stat(i, ds)
        if not isinstance(r, str):
            k = key(ds)
            found.append((k if k in ours else "RANDOM", r in known))
    # as a set: under emulate the indexes are the host's, whose cyclic
    # allocator may have wrapped between two objects (docs/sentry.md)
    return sorted(found)
p("SHM_STAT by index:", by_index(hi, lambda i, ds: shmctl(i, SHM_STAT, ds), shmid_ds(), {s1, s2, s3, made["-M"]}))
p("MSG_STAT by index:", by_index(hq, lambda i, ds: msgctl(i, MSG_STAT, ds), msqid_ds(), {q1, made["-Q"]}))
p("SEM_STAT by index:", by_index(hs, lambda i, ds: semctl(i, 0, SEM_STAT, ds), semid_ds(), {m1, made["-S"]}))
p("past the last index:", shmctl(hi + 1, SHM_STAT, shmid_ds()), msgctl(hq + 1, MSG_STAT, msqid_ds()),
  semctl(hs + 1, 0, SEM_STAT, semid_ds()))
p("ids never made:", shmctl(2147483647, IPC_STAT, shmid_ds()), msgctl(2147483647, IPC_STAT, msqid_ds()),
  semctl(2147483647, 0, GETVAL), shmat(2147483647))

p("== ipcrm")
p("-M key:", run("ipcrm", "-M", "0x%08x" % (K + 11)))
p("-m id:", run("ipcrm", "-m", str(made["-M"])))
p("-q id -s id:", run("ipcrm", "-q", str(made["-Q"]), "-s", str(made["-S"])))
p("-Q key -S key:", run("ipcrm", "-Q", "0x%08x" % (K + 13), "-S", "0x%08x" % (K + 14)))
p("-M missing key:", run("ipcrm", "-M", "0x%08x" % (K + 50)))
p("-m never made:", run("ipcrm", "-m", "2147483647"))
p("left:", shmget(K + 11, 0, 0), msgget(K + 13, 0), semget(K + 14, 0, 0), shmget(K + 10, 0, 0) == s1)
p("detach:", shmdt(a1), shmdt(a3), "ipcrm -M:", run("ipcrm", "-M", "0x%08x" % (K + 10)))
st, out, err = run("ipcs")
table(out)
shmctl(0, SHM_INFO, si), msgctl(0, MSG_INFO, mi), semctl(0, 0, SEM_INFO, sn)
p("counts:", si.used_ids, si.shm_tot, mi.msgpool, mi.msgmap, sn.semusz, sn.semaem)
'
