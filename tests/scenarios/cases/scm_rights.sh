# sendmsg with SCM_RIGHTS: a file, a pipe and a socket travel between two
# processes and work on the other side; SCM_CREDENTIALS is checked as the
# kernel checks it; bad control messages fail alike.
set -u
PATH=/usr/bin:/bin
umask 022
echo "the file's text" > data
timeout 60 python3 -c '
import os, socket, errno, array, struct, sys
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
f = os.open("data", os.O_RDONLY)
r, w = os.pipe()
x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
pid = os.fork()
if pid == 0:
    a.close()
    msg, anc, flags, addr = b.recvmsg(10, socket.CMSG_SPACE(3 * 4))
    fds = array.array("i")
    for level, typ, data in anc:
        fds.frombytes(data[:len(data) - len(data) % 4])
    print("child got", msg, len(fds), "fds", flush=True)
    print("file:", os.read(fds[0], 100).decode().strip(), flush=True)
    os.write(fds[1], b"through the pipe")
    socket.socket(fileno=fds[2]).send(b"through the socket")
    sys.stdout.flush()
    os._exit(0)
b.close()
sent = a.sendmsg([b"fds"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [f, w, y.fileno()]))])
os.waitpid(pid, 0)
print("sent", sent)
print("parent reads:", os.read(r, 100).decode(), "/", x.recv(100).decode())
c, d = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
d.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
me = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())
print("own credentials:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, me)])))
msg, anc, flags, addr = d.recvmsg(10, socket.CMSG_SPACE(12))
print("received credentials:", [(l, t, len(v)) for l, t, v in anc])
other = struct.pack("3i", 1, os.getuid(), os.getgid())
print("pid 1:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, other)])))
print("short credentials:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, me[:8])])))
print("bad fd:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [999]))])))
print("too many fds:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [f] * 254))])))
print("unknown type:", err(lambda: c.sendmsg([b"c"], [(socket.SOL_SOCKET, 77, b"1234")])))
print("other level:", err(lambda: c.sendmsg([b"c"], [(6, 1, b"1234")])))
# What the failed sends left queued (none of them; the "other level" one
# went): counted without blocking, so one too many or too few shows.
d.setblocking(False)
queued = 0
try:
    while True:
        d.recv(10); queued += 1
except BlockingIOError:
    pass
print("queued:", queued)
os.mkdir("dir"); open("dir/entry", "w").close()
e, g = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
dfd = os.open("dir", os.O_RDONLY | os.O_DIRECTORY)
e.sendmsg([b"d"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [dfd]))])
os.close(dfd)
msg, anc, flags, addr = g.recvmsg(10, socket.CMSG_SPACE(4))
got = array.array("i", anc[0][2][:4])[0]
print("directory fd that travelled:", os.listdir(got), os.stat("entry", dir_fd=got).st_size)

'
