# Signals between the sandbox's processes follow their ids as the
# kernel's check_kill_permission does (LTP kill05): another user's
# process is EPERM (kill, tkill, signal 0 too), SIGCONT within the session
# goes through, a real uid that matches is enough, and kill(-1) and
# kill(-group) pass it by. Under the emulate backend every process has the caller's host uid,
# so only the sentry's ids can tell.
set -u
PATH=/usr/bin:/bin
python3 -c '
import ctypes, os, signal, time
libc = ctypes.CDLL(None, use_errno=True)
def tkill(tid, sig):
    r = libc.syscall(200, tid, sig)
    return "ok" if r == 0 else os.strerror(ctypes.get_errno())
def try_kill(pid, sig):
    try:
        os.kill(pid, sig)
        return "ok"
    except OSError as e:
        return os.strerror(e.errno)
got = []
signal.signal(signal.SIGUSR1, lambda *a: got.append(1))
r, w = os.pipe()
ready_r, ready_w = os.pipe()
target = os.fork()
if target == 0:
    os.close(w)
    os.setgid(65534)
    os.setuid(65534)
    os.write(ready_w, b"x")
    os.read(r, 1)
    print("target got SIGUSR1:", bool(got))
    os._exit(0)
os.read(ready_r, 1)
def sender(ruid, euid):
    pid = os.fork()
    if pid == 0:
        os.setgid(65533)
        os.setresuid(ruid, euid, euid)
        print(ruid, euid, "kill 0:", try_kill(target, 0),
              "SIGUSR1:", try_kill(target, signal.SIGUSR1),
              "tkill:", tkill(target, signal.SIGUSR1),
              "SIGCONT:", try_kill(target, signal.SIGCONT),
              "kill -1:", try_kill(-1, signal.SIGUSR1), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
sender(65533, 65533)
sender(65534, 65533)
time.sleep(0.2)
os.write(w, b"x")
os.waitpid(target, 0)
print("root kill 0:", try_kill(os.getpid(), 0))
# kill(-group) reaches only the members the sender may signal (itself)
lead = os.fork()
if lead == 0:
    os.setpgid(0, 0)
    g = os.getpid()
    got.clear()
    rr, ww = os.pipe()
    rd, wd = os.pipe()
    member = os.fork()
    if member == 0:
        os.setgid(65534); os.setuid(65534)
        os.write(wd, b"x"); os.read(rr, 1)
        print("65534 member got it:", bool(got), flush=True)
        os._exit(0)
    os.read(rd, 1)
    snd = os.fork()
    if snd == 0:
        os.setgid(65533); os.setuid(65533)
        r = try_kill(-g, signal.SIGUSR1)
        time.sleep(0.1)
        print("kill(-group) by 65533:", r, "itself got it:", bool(got), flush=True)
        os._exit(0)
    os.waitpid(snd, 0)
    time.sleep(0.2)
    os.write(ww, b"x")
    os.waitpid(member, 0)
    print("root leader got it:", bool(got), flush=True)
    os._exit(0)
os.waitpid(lead, 0)
'
