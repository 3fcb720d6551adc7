# --unshare-ipc with --unshare-pid: the pids SysV IPC reports (shm_cpid,
# shm_lpid, msg_lspid, msg_lrpid, GETPID; /proc/sysvipc's pid columns;
# ipcs -p and ipcs -i) are the pid namespace's numbers, small and
# deterministic in bubblewrap's shape (timeout is pid 2, python 3, its
# children 4, 5...), so they are printed as they are. Ids are not.
# The kernel backend's namespaces are the reference.
# veil: --unshare-ipc --unshare-pid --ro-bind $TESTS $TESTS
# reference: kernel
set -u
PATH=/usr/bin:/bin
PYTHONPATH=$TESTS/lib exec timeout 60 /usr/bin/python3 -c '
import os, subprocess
from sysv_ipc import *
def p(*a):
    print(*a, flush=True)
def run(*argv):
    # ids shown as ID: the first column of ipcs -p, the second where a
    # key is first, semid= of ipcs -i
    r = subprocess.run(argv, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        f = line.split()
        if f and f[0].isdigit() and "-p" in argv:
            f[0] = "ID"
        elif f and f[0].startswith("0x"):
            f[1] = "ID"
        line = " ".join(f) if f else ""
        if "id=" in line:
            line = " ".join(w.split("=")[0] + "=ID" if w.startswith(("shmid=", "msqid=", "semid=")) else w for w in line.split())
        if not line.startswith(("att_time", "det_time", "change_time", "send_time", "rcv_time", "otime", "ctime")):
            p("  " + line)
    p("  status", r.returncode, r.stderr.strip())
def sysvipc(f, cols):
    lines = open("/proc/sysvipc/" + f).read().splitlines()
    head = lines[0].split()
    for line in lines[1:]:
        v = dict(zip(head, line.split()))
        p("  /proc/sysvipc/" + f, *["%s=%s" % (c, v[c]) for c in cols])
K = 0x5e1f1000
p("python: pid", os.getpid(), "ppid", os.getppid())

s = shmget(K + 1, 4096, IPC_CREAT | 0o600)
ds = shm_stat(s)
p("shm made: cpid", ds.cpid, "lpid", ds.lpid)
def kid():
    a = shmat(s)
    shm_write(a, 0, b"hi")
    ds = shm_stat(s)
    return "pid %d attached: cpid %d lpid %d nattch %d" % (os.getpid(), ds.cpid, ds.lpid, ds.nattch)
c = child(kid)
p("child", c, reap(c))
ds = shm_stat(s)
p("after the child: cpid", ds.cpid, "lpid", ds.lpid, "nattch", ds.nattch)
a = shmat(s)
ds = shm_stat(s)
p("attached here: cpid", ds.cpid, "lpid", ds.lpid, "nattch", ds.nattch)
sysvipc("shm", ("key", "cpid", "lpid", "nattch"))
run("ipcs", "-m", "-p")
hi, d = shmctl(0, SHM_INFO, shm_info()), shmid_ds()
p("SHM_STAT by index:", [(d.cpid, d.lpid) for i in range(hi + 1) if not isinstance(shmctl(i, SHM_STAT, d), str)])

q = msgget(K + 2, IPC_CREAT | 0o600)
def kid():
    return "pid %d sent %s" % (os.getpid(), msgsnd(q, 1, b"from the child"))
c = child(kid)
p("child", c, reap(c))
ds = msg_stat(q)
p("msg: lspid", ds.lspid, "lrpid", ds.lrpid, "qnum", ds.qnum)
p("received", msgrcv(q, 100, 0))
ds = msg_stat(q)
p("msg: lspid", ds.lspid, "lrpid", ds.lrpid)
msgsnd(q, 2, b"for a child")
def kid():
    r = msgrcv(q, 100, 0)
    ds = msg_stat(q)
    return "pid %d received %s: lspid %d lrpid %d" % (os.getpid(), r, ds.lspid, ds.lrpid)
c = child(kid)
p("child", c, reap(c))
sysvipc("msg", ("key", "qnum", "lspid", "lrpid"))
run("ipcs", "-q", "-p")
hi, d = msgctl(0, MSG_INFO, msginfo()), msqid_ds()
p("MSG_STAT by index:", [(d.lspid, d.lrpid) for i in range(hi + 1) if not isinstance(msgctl(i, MSG_STAT, d), str)])

m = semget(K + 3, 2, IPC_CREAT | 0o600)
p("sem made: GETPID", semctl(m, 0, GETPID), semctl(m, 1, GETPID))
def kid():
    return "pid %d V: %s GETPID %d" % (os.getpid(), semop(m, [(1, 1, 0)]), semctl(m, 1, GETPID))
c = child(kid)
p("child", c, reap(c), "GETPID", semctl(m, 0, GETPID), semctl(m, 1, GETPID))
def kid():
    return "pid %d P: %s" % (os.getpid(), semop(m, [(0, -1, 0)]))
c = child(kid)
wait_for(lambda: semctl(m, 0, GETNCNT) == 1)
p("SETVAL 0 1:", semctl(m, 0, SETVAL, 1), "GETPID", semctl(m, 0, GETPID))
p("child", c, reap(c), "GETPID", semctl(m, 0, GETPID), semctl(m, 1, GETPID))
run("ipcs", "-s", "-i", str(m))

shmdt(a)
p("removed:", shmctl(s, IPC_RMID), msgctl(q, IPC_RMID), semctl(m, 0, IPC_RMID))
p("next child:", reap(child(lambda: os.getpid())))
'
