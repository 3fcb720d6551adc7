# veil: --unshare-net
# native-exec: unshare -n
# A network namespace of the sandbox's own (--unshare-net; under emulate
# the sentry's, sentry/net/inet.h): TCP over 127.0.0.1 and ::1 between two
# processes, a dual-stack listener, UDP echo with recvfrom and recvmsg,
# the names read back, socket options, port allocation, and every way
# out refused as an empty namespace refuses it.
set -u
PATH=/usr/bin:/bin
# natively a fresh network namespace has lo down (the sandboxes' is up)
/usr/sbin/ip link set lo up 2>/dev/null || :
timeout 60 python3 -c '
import os, socket, errno
def err(f):
    try:
        r = f(); return "ok" if r is None else r
    except OSError as e:
        return errno.errorcode[e.errno]

def echo_pair(family, host, client_host):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.bind((host, 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    print("listen", family.name, srv.getsockname()[0], 1024 < port < 65536)
    pid = os.fork()
    if pid == 0:
        srv.close()
        c = socket.socket(socket.AF_INET6 if ":" in client_host else socket.AF_INET)
        c.connect((client_host, port))
        me = c.getsockname()
        print("  client", me[0], me[1] != port, c.getpeername()[:2] == (client_host, port), flush=True)
        c.sendall(b"y" * 200000)
        c.shutdown(socket.SHUT_WR)
        n = 0
        while True:
            d = c.recv(65536)
            if not d: break
            n += len(d)
        print("  client got back", n, flush=True)
        os._exit(0)
    conn, addr = srv.accept()
    total = 0
    while True:
        d = conn.recv(65536)
        if not d: break
        total += len(d)
        conn.sendall(d)
    here = conn.getsockname()[0]
    conn.close()
    os.waitpid(pid, 0)
    print("  accepted from", addr[0], "on", here, "echoed", total)
    srv.close()

echo_pair(socket.AF_INET, "127.0.0.1", "127.0.0.1")
echo_pair(socket.AF_INET6, "::1", "::1")
echo_pair(socket.AF_INET6, "::", "127.0.0.1")
echo_pair(socket.AF_INET, "0.0.0.0", "127.0.0.1")

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("udp sendto", v.sendto(b"ping", u.getsockname()))
d, a = u.recvfrom(100)
print("udp recvfrom", d, a[0], a == v.getsockname())
u.sendto(b"pong", a)
d, anc, fl, a2 = v.recvmsg(100)
print("udp recvmsg", d, a2 == u.getsockname(), anc, fl)
v.connect(u.getsockname())
v.send(b"conn")
print("udp connected", u.recv(10), v.getpeername() == u.getsockname())
print("udp to nobody", socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9)))
w6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
w6.bind(("::1", 0))
x6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
x6.sendto(b"six", w6.getsockname())
d, a = w6.recvfrom(10)
print("udp6", d, a[0], a[1] == x6.getsockname()[1])

s = socket.socket()
print("SO_DOMAIN/TYPE/PROTOCOL", s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN) == socket.AF_INET,
      s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_STREAM,
      s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == socket.IPPROTO_TCP)
print("unbound name", s.getsockname(), err(s.getpeername))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
print("options", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0,
      s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0,
      s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) != 0)
s6 = socket.socket(socket.AF_INET6)
print("v6only", s6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
print("v6only set", s6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
s6.bind(("::", 0))
s6.listen()
print("v6only refuses v4:", err(lambda: socket.create_connection(("127.0.0.1", s6.getsockname()[1]))))

a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()
port = a.getsockname()[1]
print("in use:", err(lambda: socket.socket().bind(("127.0.0.1", port))),
      err(lambda: socket.socket().bind(("0.0.0.0", port))),
      err(lambda: socket.socket(socket.AF_INET6).bind(("::", port))))
print("other address, same port:", err(lambda: socket.socket().bind(("127.0.0.2", port))))
a.close()
print("free again:", err(lambda: socket.socket().bind(("127.0.0.1", port))))
print("bound twice:", err(lambda: (lambda t: (t.bind(("127.0.0.1", 0)), t.bind(("127.0.0.1", 0))))(socket.socket())))

print("connect 1.1.1.1:", err(lambda: socket.socket().connect(("1.1.1.1", 80))))
print("connect v4-mapped:", err(lambda: socket.socket(socket.AF_INET6).connect(("::ffff:1.1.1.1", 80))))
print("connect 2001:db8::1:", err(lambda: socket.socket(socket.AF_INET6).connect(("2001:db8::1", 80))))
print("sendto 8.8.8.8:", err(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"q", ("8.8.8.8", 53))))
print("sendmsg 8.8.8.8:", err(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b"q"], [], 0, ("8.8.8.8", 53))))
print("bind 10.1.2.3:", err(lambda: socket.socket().bind(("10.1.2.3", 0))))
print("connect refused:", err(lambda: socket.socket().connect(("127.0.0.1", 9))))
# root has CAP_NET_RAW in a namespace of its own; the emulate backend has
# no raw network to give (tests/integration/netns_escape.sh)
print("raw:", err(lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)) if os.getuid() else "not checked as root")
print("packet:", err(lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW)) if os.getuid() else "not checked as root")
print("ping socket:", err(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)))
# Blocking receives under a storm of signals: restarted (python retries
# on EINTR, PEP 475), and no message lost or given twice; then an accept.
import signal, time
signal.signal(signal.SIGALRM, lambda *a: None)
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
pid = os.fork()
if pid == 0:
    w = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(5):
        time.sleep(0.07); w.sendto(b"sig%d" % i, r.getsockname())
    time.sleep(0.07); socket.create_connection(l.getsockname()).sendall(b"late")
    os._exit(0)
signal.setitimer(signal.ITIMER_REAL, 0.013, 0.013)
got = [r.recvfrom(10)[0].decode() for _ in range(5)]
signal.setitimer(signal.ITIMER_REAL, 0, 0)
c, a = l.accept()
got.append(c.recv(10).decode())
os.waitpid(pid, 0)
print("under signals:", got, a[0])
# A UDP ping-pong with both sides under a signal every millisecond: a send
# the sentry made whose answer a signal took away is restarted by the
# kernel, and must not go twice (sock_send.c "unanswered"); a receive
# must not lose or repeat a message (inet_recv.c deliver).
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
k = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); k.bind(("127.0.0.1", 0))
dst = r.getsockname()
pid = os.fork()
if pid == 0:
    signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
    for i in range(100):
        d, a = r.recvfrom(10); r.sendto(d, a)
    os._exit(0)
signal.setitimer(signal.ITIMER_REAL, 0.0013, 0.0013)
bad = []
for i in range(100):
    k.sendto(b"%d" % i, dst)
    d = k.recvfrom(10)[0]
    if d != b"%d" % i:
        bad.append((i, d)); os.kill(pid, signal.SIGKILL); break
signal.setitimer(signal.ITIMER_REAL, 0, 0)
os.waitpid(pid, 0)
print("ping-pong under signals: wrong replies", bad)
p, q = socket.socketpair()
print("unix still works:", p.send(b"u"), q.recv(1))
'
