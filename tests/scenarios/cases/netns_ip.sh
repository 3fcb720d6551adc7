# veil: --unshare-net
# native-exec: unshare -n
# What a network namespace of the sandbox's own looks like from inside:
# iproute2's netlink dumps (links, addresses, routes, rules, neighbours;
# plain and JSON), getifaddrs through if_nameindex and getaddrinfo's
# AI_ADDRCONFIG, and the netlink socket's own names and options. Under
# emulate the sentry answers NETLINK_ROUTE (sentry/net/inet_netlink.c).
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
# natively a fresh network namespace has lo down (the sandboxes' is up)
/usr/sbin/ip link set lo up 2>/dev/null || :
ip addr
ip link
ip route
ip -6 route
ip route show table all
ip -4 addr show dev lo
ip -6 addr
ip -4 link
ip -j addr
ip neigh
ip rule
ip -6 rule
timeout 30 python3 -c '
import socket, errno
print(socket.if_nameindex())
print(socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG))
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
n.bind((0, 0))
pid, groups = n.getsockname()
print("netlink bound:", pid != 0, groups, n.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == socket.SOCK_RAW,
      n.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == socket.NETLINK_ROUTE)
try:
    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE).bind((pid, 0))
    print("same port id: ok")
except OSError as e:
    print("same port id:", errno.errorcode[e.errno])
'
# The interface ioctls, which answer from the socket's namespace.
timeout 30 python3 -c '
import socket, fcntl, struct, errno
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def ioc(cmd, name, fmt="16s24x"):
    try:
        return fcntl.ioctl(s, cmd, struct.pack("16s24x", name.encode()))
    except OSError as e:
        return errno.errorcode[e.errno]
def addr(r):
    return r if isinstance(r, str) else socket.inet_ntoa(r[20:24])
print("if_nametoindex lo:", socket.if_nametoindex("lo"))
for n in ("eth0", "wlan0"):
    try:
        socket.if_nametoindex(n); print(n, "exists")
    except OSError:
        print(n, "does not exist")
print("if_indextoname 1:", socket.if_indextoname(1))
try:
    socket.if_indextoname(2)
except OSError as e:
    print("if_indextoname 2:", errno.errorcode[e.errno])
r = ioc(0x8913, "lo"); print("SIOCGIFFLAGS lo:", hex(struct.unpack("16sh22x", r)[1]))
print("SIOCGIFFLAGS eth0:", ioc(0x8913, "eth0"))
print("SIOCGIFADDR lo:", addr(ioc(0x8915, "lo")), "netmask:", addr(ioc(0x891b, "lo")))
print("SIOCGIFMTU lo:", struct.unpack("16si20x", ioc(0x8921, "lo"))[1])
import ctypes
b = ctypes.create_string_buffer(40 * 8)
ifc = struct.pack("iL", len(b), ctypes.addressof(b))
n = struct.unpack("iL", fcntl.ioctl(s, 0x8912, ifc))[0]
print("SIOCGIFCONF:", n // 40, [b.raw[i*40:i*40+16].rstrip(b"\0").decode() for i in range(n // 40)],
      socket.inet_ntoa(b.raw[20:24]))
'
