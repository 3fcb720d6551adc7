# The host's network, as natively: a TCP echo server and client on
# 127.0.0.1 in two processes (blocking connect, accept, send and sendall),
# their names, UDP sendto and sendmsg with an address, refused connects.
set -u
PATH=/usr/bin:/bin
timeout 60 python3 -c '
import os, socket, errno
def err(f):
    try:
        f(); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4)
host, port = srv.getsockname()
print("server on", host, port > 0, flush=True)
pid = os.fork()
if pid == 0:
    srv.close()
    c = socket.create_connection(("127.0.0.1", port))
    peer = c.getpeername() == ("127.0.0.1", port)
    c.sendall(b"x" * 300000)
    c.shutdown(socket.SHUT_WR)
    print("client peer is the server:", peer, flush=True)
    got = b""
    while True:
        d = c.recv(65536)
        if not d: break
        got += d
    print("client got back", len(got), flush=True)
    os._exit(0)
conn, addr = srv.accept()
accepted = addr[0]
total = 0
while True:
    d = conn.recv(65536)
    if not d: break
    total += len(d)
    conn.sendall(d)
conn.close()
os.waitpid(pid, 0)
print("accepted from", accepted)
print("server echoed", total)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("udp sendto:", v.sendto(b"ping", u.getsockname()))
print("udp sendmsg:", v.sendmsg([b"po", b"ng"], [], 0, u.getsockname()))
print("udp got", u.recv(10), u.recv(10))
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
closed = s.getsockname()[1]
s.close()
print("connect to a closed port:", err(lambda: socket.socket().connect(("127.0.0.1", closed))))
print("privileged port:", err(lambda: socket.socket().bind(("127.0.0.1", 1))) if os.getuid() else "not checked as root")
'
