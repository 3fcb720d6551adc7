# sendmmsg through ctypes (python has no binding): entries with addresses
# (paths) each, the msg_len written back, a bad entry after good ones (the
# count) and as the first (the error), no entries; and getsockname into a
# buffer too short for the name (cut, the full length reported) and with a
# negative length.
set -u
PATH=/usr/bin:/bin
umask 022
timeout 60 python3 -c '
import ctypes, errno, os, socket
libc = ctypes.CDLL(None, use_errno=True)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint), ("iov", ctypes.c_void_p),
                ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p),
                ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int)]
class mmsghdr(ctypes.Structure):
    _fields_ = [("hdr", msghdr), ("len", ctypes.c_uint)]
def unix_addr(path):
    b = b"\x01\x00" + path.encode() + b"\x00"
    return ctypes.create_string_buffer(b, len(b)), len(b)
keep = []
def entries(items):
    v = (mmsghdr * max(len(items), 1))()
    for i, (data, to) in enumerate(items):
        buf = ctypes.create_string_buffer(data, len(data))
        iov = iovec(ctypes.cast(buf, ctypes.c_void_p), len(data))
        keep.extend([buf, iov])
        v[i].hdr.iov = ctypes.addressof(iov)
        v[i].hdr.iovlen = 1
        if to:
            a, l = unix_addr(to)
            keep.append(a)
            v[i].hdr.name = ctypes.addressof(a)
            v[i].hdr.namelen = l
    return v
def call(fd, v, n):
    r = libc.sendmmsg(fd, v, n, 0)
    return r if r >= 0 else errno.errorcode[ctypes.get_errno()]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
srv.bind("srv")
os.mkdir("d")
other = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
other.bind("d/other")
cli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
v = entries([(b"one", "srv"), (b"three", "./d/other"), (b"fifteen", os.getcwd() + "/srv")])
print("sendmmsg to paths:", call(cli.fileno(), v, 3), [v[i].len for i in range(3)])
print("srv got", srv.recv(100), srv.recv(100), "other got", other.recv(100))
v = entries([(b"good", "srv"), (b"bad", "srv")])
v[1].hdr.iov = 8
print("bad second entry:", call(cli.fileno(), v, 2), v[0].len, srv.recv(100))
print("first entry to nothing:", call(cli.fileno(), entries([(b"x", "nothing")]), 1))
print("no entries:", call(cli.fileno(), entries([]), 0))
print("bad vector:", call(cli.fileno(), ctypes.c_void_p(8), 2))
buf = ctypes.create_string_buffer(64)
ln = ctypes.c_int(4)
r = libc.getsockname(other.fileno(), buf, ctypes.byref(ln))
print("short getsockname:", r, ln.value, buf.raw[:6])
ln = ctypes.c_int(-1)
r = libc.getsockname(other.fileno(), buf, ctypes.byref(ln))
print("negative length:", r, errno.errorcode[ctypes.get_errno()] if r else "")
'
