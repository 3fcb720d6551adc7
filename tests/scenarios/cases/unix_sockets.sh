# A unix socket bound to a path in the sandbox: a server and a client in
# two processes (accept shows the client's name), the socket inode as ls
# sees it, a second bind refused.
set -u
PATH=/usr/bin:/bin
umask 022
python3 -c '
import os, socket, stat, errno
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind("sock")
srv.listen(1)
st = os.lstat("sock")
print("socket inode:", stat.S_ISSOCK(st.st_mode), oct(st.st_mode & 0o777))
again = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    again.bind("sock")
except OSError as e:
    print("second bind:", errno.errorcode[e.errno])
pid = os.fork()
if pid == 0:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.bind("client")
    c.connect("sock")
    c.sendall(b"hello over a unix socket")
    os._exit(0)
conn, addr = srv.accept()
print(conn.recv(100).decode(), "from", addr, "to", conn.getsockname())
os.waitpid(pid, 0)
c2 = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    c2.connect("nonexistent")
except OSError as e:
    print("connect to nothing:", errno.errorcode[e.errno])
open("plain", "w").close()
try:
    c2.connect("plain")
except OSError as e:
    print("connect to a file:", errno.errorcode[e.errno])
os.unlink("sock")
print("unlinked:", not os.path.exists("sock"))
'
