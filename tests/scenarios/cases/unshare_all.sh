# bubblewrap's most careful command line, --unshare-all --die-with-parent
# --new-session (issue 12): every namespace at once, and what a program
# does across them in one run: processes and signals (pid), a TCP echo
# over loopback (net), SysV shared memory with a semaphore and a POSIX
# queue between two processes (ipc), uname (uts), /proc/self/cgroup
# (cgroup), its ids (user). The kernel backend is the reference; the
# emulate backend must realise it without falling back.
# veil: --unshare-all --die-with-parent --new-session --proc /proc --hostname box
# reference: kernel
set -u
PATH=/usr/bin:/bin
timeout 60 python3 -c '
import os, signal, socket, ctypes, errno, threading
p = print
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
def err(r):
    return errno.errorcode[ctypes.get_errno()] if r == -1 else r
p("ids", os.getuid(), os.getgid(), "pid", os.getpid(), "ppid", os.getppid(), "sid", os.getsid(0) == os.getpid())
p("uname", os.uname().nodename)
p("cgroup", open("/proc/self/cgroup").read().strip().split(":")[-1])
p("procs", sorted(int(d) for d in os.listdir("/proc") if d.isdigit()))
# a child signalled, reaped, its pid and status
pid = os.fork()
if pid == 0:
    signal.pause(); os._exit(0)
os.kill(pid, signal.SIGTERM)
wp, st = os.waitpid(pid, 0)
p("child", wp, os.WIFSIGNALED(st), os.WTERMSIG(st))
# TCP echo on loopback between two processes
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
port = s.getsockname()[1]
pid = os.fork()
if pid == 0:
    c, a = s.accept(); c.sendall(c.recv(100).upper()); os._exit(0)
c = socket.create_connection(("127.0.0.1", port)); c.sendall(b"ping")
p("tcp", c.recv(100), c.getpeername()[0])
os.waitpid(pid, 0)
p("outside", errno.errorcode[socket.socket().connect_ex(("192.0.2.1", 80))])
# SysV: a segment and a semaphore set shared with a child
sid = libc.shmget(0x5eed, 4096, 0o1600)
sem = libc.semget(0x5eed, 1, 0o1600)
pid = os.fork()
if pid == 0:
    a = libc.shmat(libc.shmget(0x5eed, 0, 0), None, 0)
    ctypes.memmove(a, b"from child", 10)
    op = (ctypes.c_short * 3)(0, 1, 0)
    libc.semop(libc.semget(0x5eed, 0, 0), op, 1); os._exit(0)
op = (ctypes.c_short * 3)(0, -1, 0)
libc.semop(sem, op, 1)
a = libc.shmat(sid, None, 0)
p("shm", ctypes.string_at(a, 10), "semval", libc.semctl(sem, 0, 12))
os.waitpid(pid, 0)
p("ipc keys", err(libc.shmget(0x5eed, 0, 0)) == sid, err(libc.shmget(0x5eee, 0, 0)))
# a POSIX queue
q = libc.mq_open(b"/box", 0o102, 0o600, None)
pid = os.fork()
if pid == 0:
    libc.mq_send(libc.mq_open(b"/box", 1, 0, None), b"queued", 6, 0); os._exit(0)
os.waitpid(pid, 0)
buf = ctypes.create_string_buffer(8192)
n = libc.mq_receive(q, buf, 8192, None)
p("mq", buf.raw[:n], libc.mq_unlink(b"/box"))
t = threading.Thread(target=lambda: p("thread", threading.get_native_id() != os.getpid()))
t.start(); t.join()
'
echo "status $?"
