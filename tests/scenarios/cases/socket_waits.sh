# Socket calls that block: a send on a full unix socket that completes when
# another process drains it, the same send and a unix connect to a full
# backlog interrupted by a signal (EINTR, through ctypes so python does not
# retry), SO_SNDTIMEO, and a restarting signal (SA_RESTART) in between.
set -u
PATH=/usr/bin:/bin
timeout 60 python3 -u -c '
import ctypes, errno, os, signal, socket, time
libc = ctypes.CDLL(None, use_errno=True)
def fill(s):
    s.setblocking(False)
    n = 0
    try:
        while True:
            s.send(b"x" * 1000); n += 1
    except BlockingIOError:
        pass
    s.setblocking(True)
    return n
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
n = fill(a)
pid = os.fork()
if pid == 0:
    time.sleep(0.3)
    for _ in range(n): b.recv(1000)
    os._exit(0)
print("blocking send after a drain:", libc.send(a.fileno(), b"y" * 1000, 1000, 0))
os.waitpid(pid, 0)
fill(a)
signal.signal(signal.SIGALRM, lambda *x: None)
signal.setitimer(signal.ITIMER_REAL, 0.2)
r = libc.send(a.fileno(), b"y" * 1000, 1000, 0)
print("interrupted send:", r, errno.errorcode[ctypes.get_errno()])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind("srv"); srv.listen(0)
first = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); first.connect("srv")
second = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
addr = b"\x01\x00srv\x00"
signal.setitimer(signal.ITIMER_REAL, 0.2)
r = libc.connect(second.fileno(), addr, len(addr))
print("interrupted connect:", r, errno.errorcode[ctypes.get_errno()])
srv.accept()
print("connect after accept:", libc.connect(second.fileno(), addr, len(addr)))
a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, b"\x00" * 8 + (300000).to_bytes(8, "little"))
t = time.monotonic()
r = libc.send(a.fileno(), b"y" * 1000, 1000, 0)
print("send timeout:", r, errno.errorcode[ctypes.get_errno()], 0.2 < time.monotonic() - t < 5)
a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, b"\x00" * 16)
signal.signal(signal.SIGUSR1, lambda *x: None)
signal.siginterrupt(signal.SIGUSR1, False)
pid = os.fork()
if pid == 0:
    time.sleep(0.2)
    os.kill(os.getppid(), signal.SIGUSR1)
    time.sleep(0.2)
    for _ in range(n + 1): b.recv(1000)
    os._exit(0)
print("send across SA_RESTART:", libc.send(a.fileno(), b"z" * 1000, 1000, 0))
os.waitpid(pid, 0)
'
