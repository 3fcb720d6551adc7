# veil: --unshare-net
# native-exec: unshare -n
# Signals that reach a task while it waits in a call: a handler that
# raises ends the wait, SA_RESTART continues it, a timeout on the socket
# makes it EINTR all the same (sock_intr_errno), a default SIGTERM kills,
# SIGSTOP stops and SIGCONT resumes it, a process-wide SIGINT reaches the
# main thread of a threaded program in accept. Under emulate these waits
# are the sentry's (its waiters: sentry/net/sock_wait.c), where only a
# fatal signal ends the task's wait by itself.
set -u
PATH=/usr/bin:/bin
/usr/sbin/ip link set lo up 2>/dev/null || :
mkfifo fifo
timeout 60 python3 -u -c '
import ctypes, errno, os, signal, socket, threading, time
libc = ctypes.CDLL(None, use_errno=True)
class Alarm(Exception): pass
def raise_alarm(*a): raise Alarm()
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); return s
def send_later(addr, delay, data=b"late"):
    def f():
        time.sleep(delay); socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(data, addr)
    threading.Thread(target=f).start()

r = udp()
signal.signal(signal.SIGALRM, raise_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    r.recvfrom(10); print("recv: not interrupted")
except Alarm:
    print("recv: a raising handler ends it")

hits = []
signal.signal(signal.SIGALRM, lambda *a: hits.append(1))
signal.siginterrupt(signal.SIGALRM, False)
send_later(r.getsockname(), 0.4)
signal.setitimer(signal.ITIMER_REAL, 0.1)
print("recv under SA_RESTART:", r.recvfrom(10)[0], "handler ran:", len(hits))

buf = ctypes.create_string_buffer(10)
signal.siginterrupt(signal.SIGALRM, True)
signal.setitimer(signal.ITIMER_REAL, 0.1)
n = libc.recvfrom(r.fileno(), buf, 10, 0, None, None)
print("recv without SA_RESTART:", n, errno.errorcode[ctypes.get_errno()])
signal.siginterrupt(signal.SIGALRM, False)
r.settimeout(None)
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, (5).to_bytes(8, "little") + b"\0" * 8)
signal.setitimer(signal.ITIMER_REAL, 0.1)
n = libc.recvfrom(r.fileno(), buf, 10, 0, None, None)
print("recv with SO_RCVTIMEO under SA_RESTART:", n, errno.errorcode[ctypes.get_errno()])
r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, b"\0" * 16)

pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    r.recvfrom(10); os._exit(3)
time.sleep(0.2)
os.kill(pid, signal.SIGTERM)
st = os.waitpid(pid, 0)[1]
print("default SIGTERM in recv:", os.WIFSIGNALED(st) and os.WTERMSIG(st))

pid = os.fork()
if pid == 0:
    d = r.recvfrom(10)[0]; os._exit(0 if d == b"go" else 4)
time.sleep(0.2)
os.kill(pid, signal.SIGSTOP)
st = os.waitpid(pid, os.WUNTRACED)[1]
print("SIGSTOP in recv stops it:", os.WIFSTOPPED(st) and os.WSTOPSIG(st))
os.kill(pid, signal.SIGCONT)
time.sleep(0.1)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"go", r.getsockname())
st = os.waitpid(pid, 0)[1]
print("then SIGCONT, and it receives:", os.WIFEXITED(st) and os.WEXITSTATUS(st))

signal.signal(signal.SIGALRM, raise_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    os.open("fifo", os.O_RDONLY); print("fifo open: not interrupted")
except Alarm:
    print("fifo open: a raising handler ends it")

l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
def poke():
    time.sleep(0.2); os.kill(os.getpid(), signal.SIGINT)
t = threading.Thread(target=poke); t.start()
try:
    l.accept(); print("accept: not interrupted")
except KeyboardInterrupt:
    print("accept in the main thread: SIGINT from another thread ends it")
t.join()
'
echo "exit $?"
