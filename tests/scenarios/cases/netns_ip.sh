# veil: --unshare-net
# native-unshare: -n
# native: ip link set lo up
# What a network namespace of the sandbox's own looks like from inside:
# iproute2's netlink dumps (links, addresses, routes, rules, neighbours;
# plain and JSON), getifaddrs through if_nameindex and getaddrinfo's
# AI_ADDRCONFIG, and the netlink socket's own names and options. Under
# emulate the sentry answers NETLINK_ROUTE (sentry/net/inet_netlink.c).
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
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
