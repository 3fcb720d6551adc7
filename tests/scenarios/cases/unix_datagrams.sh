# Unix datagram sockets: sendto and sendmsg to paths (relative and
# absolute), the names getsockname, getpeername and recvfrom show (as the
# program gave them, relative or with .. in them), an abstract name,
# autobind, 600 sockets bound and unlinked, and the errors of sending to nothing, to a file, and without
# write permission on the socket.
set -u
PATH=/usr/bin:/bin
umask 022
python3 -c '
import os, socket, errno
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
srv.bind("srv")
print("server name:", srv.getsockname())
cli = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
cli.bind(os.getcwd() + "/cli")
print("client name:", cli.getsockname() == os.getcwd() + "/cli")
print("sendto:", cli.sendto(b"one", "srv"))
print("sendmsg:", cli.sendmsg([b"tw", b"o"], [], 0, "./srv"))
for _ in range(2):
    data, src = srv.recvfrom(100)
    print("got", data, "from", src == os.getcwd() + "/cli", src[-4:])
srv.sendto(b"back", os.getcwd() + "/cli")
print("reply:", cli.recv(100))
cli.connect("srv")
print("peer:", cli.getpeername())
cli.send(b"connected")
print("got", srv.recv(100))
os.mkdir("sub")
odd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
odd.bind("sub/../odd")
odd.sendto(b"odd", "srv")
print("odd name:", odd.getsockname(), srv.recvfrom(100))
anon = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
anon.sendto(b"anon", "srv")
data, src = srv.recvfrom(100)
print("unnamed sender:", data, repr(src))
auto = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
auto.bind("")
print("autobind:", auto.getsockname()[:1] == b"\0", len(auto.getsockname()))
name = "\0veil-scenario-%d" % os.getpid()
ab = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ab.bind(name)
print("abstract name shown:", ab.getsockname() == name.encode())
ab2 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print("abstract bound twice:", err(lambda: ab2.bind(name)))
anon.sendto(b"abstract", name)
print("abstract got", ab.recv(100))
print("to nothing:", err(lambda: anon.sendto(b"x", "nothing")))
open("plain", "w").close()
print("to a file:", err(lambda: anon.sendto(b"x", "plain")))
print("to a directory path:", err(lambda: anon.sendto(b"x", "plain/x")))
print("to an abstract nothing:", err(lambda: anon.sendto(b"x", name + "-none")))
print("bound again:", err(lambda: srv.bind("other")))
print("exists after failed bind:", os.path.exists("other"))
print("stream to dgram:", err(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect("srv")))
for i in range(600):   # bound and unlinked: what the sentry keeps must not pile up
    t = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); t.bind("t%d" % i); t.close(); os.unlink("t%d" % i)
os.rename("srv", "srv2")
anon.sendto(b"after many", "srv2")
print("after many binds:", srv.recv(100), srv.getsockname())
os.rename("srv2", "srv")
os.chmod("srv", 0)
if os.getuid() != 0:
    print("no write permission:", err(lambda: anon.sendto(b"x", "srv")))
else:
    print("no write permission: not checked as root")
'
