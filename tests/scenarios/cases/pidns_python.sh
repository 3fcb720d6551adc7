# --unshare-pid: the calls that take or give a pid (issue 12), from
# python: getpid/getppid/gettid, fork/waitpid/waitid, posix_spawn (clone3
# or vfork), threads and pthread_kill, kill and sigwaitinfo's si_pid,
# SIGCHLD's si_pid, groups and sessions, sched_getaffinity, prlimit,
# priority, pidfd_open, SO_PEERCRED, F_SETOWN/F_GETOWN, /proc/<pid>,
# capget.
# The kernel backend's pid namespace is the reference.
# veil: --unshare-pid
# reference: kernel
set -u
PATH=/usr/bin:/bin
exec python3 -c '
import os, signal, socket, fcntl, threading, resource, sys
p = print
p("pid", os.getpid(), "ppid", os.getppid(), "pgid", os.getpgid(0), "sid", os.getsid(0))
p("tid", threading.get_native_id())
import ctypes, errno
libc = ctypes.CDLL(None, use_errno=True)
def capget(pid):
    h = (ctypes.c_uint32 * 2)(0x20080522, pid)
    d = (ctypes.c_uint32 * 6)()
    r = libc.capget(h, d)
    return "%x/%x" % (d[0], d[3]) if r == 0 else errno.errorcode[ctypes.get_errno()]
# capget by the namespace number: pid 1 (the init) holds no capability
p("capget 1:", capget(1), "self:", capget(os.getpid()) == capget(0), "99:", capget(99))
def capset(pid):
    h, d = (ctypes.c_uint32 * 2)(0x20080522, 0), (ctypes.c_uint32 * 6)()
    libc.capget(h, d)  # the caller'"'"'s own sets, set again
    h[1] = pid
    return "ok" if libc.capset(h, d) == 0 else errno.errorcode[ctypes.get_errno()]
# capset of another task, or of a number no task has: EPERM
p("capset self:", capset(os.getpid()), "1:", capset(1), "99:", capset(99))
t = threading.Thread(target=lambda: p("thread tid", threading.get_native_id()))
t.start(); t.join()
pid = os.fork()
if pid == 0:
    os._exit(7)
p("fork", pid, os.waitpid(pid, 0) == (pid, 7 << 8))
pid = os.fork()
if pid == 0:
    os._exit(3)
r = os.waitid(os.P_PID, pid, os.WEXITED)
p("waitid", r.si_pid == pid, r.si_status, r.si_code == os.CLD_EXITED)
sp = os.posix_spawn("/bin/true", ["true"], os.environ)
p("spawn", sp, os.waitpid(sp, 0)[0] == sp)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1, signal.SIGCHLD])
me = os.getpid()
pid = os.fork()
if pid == 0:
    os.kill(os.getppid(), signal.SIGUSR1)
    os._exit(0)
si = signal.sigwaitinfo([signal.SIGUSR1])
p("sigusr1 from", si.si_pid == pid, si.si_code)
si = signal.sigwaitinfo([signal.SIGCHLD])
p("sigchld from", si.si_pid == pid, si.si_code == os.CLD_EXITED)
os.waitpid(pid, 0)
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
pid = os.fork()
if pid == 0:
    libc.sigqueue(os.getppid(), signal.SIGUSR1, ctypes.c_void_p(42))
    os._exit(0)
si = signal.sigwaitinfo([signal.SIGUSR1])
p("sigqueue from", si.si_pid == pid, si.si_code)
os.waitpid(pid, 0)
signal.sigwaitinfo([signal.SIGCHLD])
signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1, signal.SIGCHLD])
got = []
signal.signal(signal.SIGUSR2, lambda s, f: got.append(s))
signal.pthread_kill(threading.get_ident(), signal.SIGUSR2)
os.kill(me, signal.SIGUSR2)
p("pthread_kill and kill self", got)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.setsid()
    os.write(w, b"%d %d %d" % (os.getpid(), os.getpgid(0), os.getsid(0)))
    os._exit(0)
os.waitpid(pid, 0)
p("setsid child", os.read(r, 100).decode(), "(pid", pid, ")")
pid = os.fork()
if pid == 0:
    signal.pause()
    os._exit(0)
os.setpgid(pid, pid)
p("setpgid", os.getpgid(pid) == pid, os.getsid(pid) == os.getsid(0))
p("affinity", len(os.sched_getaffinity(pid)) > 0)
p("prlimit", resource.prlimit(pid, resource.RLIMIT_NOFILE) == resource.getrlimit(resource.RLIMIT_NOFILE))
p("priority", os.getpriority(os.PRIO_PROCESS, pid))
fd = os.pidfd_open(pid)
signal.pidfd_send_signal(fd, signal.SIGKILL)
p("pidfd kill", os.waitpid(pid, 0) == (pid, signal.SIGKILL))
os.close(fd)
for call in (lambda: os.kill(pid, 0), lambda: os.getpgid(pid), lambda: os.pidfd_open(pid),
             lambda: os.sched_getaffinity(pid)):
    try:
        call(); p("gone pid: no error")
    except OSError as e:
        p("gone pid:", e.strerror)
a, b = socket.socketpair()
pid_, uid, gid = a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12).__iter__(), 0, 0
import struct
p("peercred", struct.unpack("3i", a.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0] == me)
fcntl.fcntl(a, fcntl.F_SETOWN, me)
p("getown", fcntl.fcntl(a, fcntl.F_GETOWN) == me)
st = dict(l.split(":\t", 1) for l in open("/proc/%d/status" % me).read().splitlines() if ":\t" in l)
p("status", st["Pid"], st["PPid"], st["Tgid"], st["NSpid"])
p("stat", open("/proc/self/stat").read().split()[0] == str(me), os.readlink("/proc/self") == str(me))
p("children of 1:", sorted(int(d) for d in os.listdir("/proc") if d.isdigit()))
'
