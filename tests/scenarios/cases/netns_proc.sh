# --unshare-net: /proc/net shows the sandbox's network, a fresh
# namespace's with lo up, never the host's (its interfaces, routes,
# sockets, counters, conntrack): the interface files, the routing
# tables, the socket tables' headers, the counters at zero, the
# per-interface directories, and /proc/sys/net's interfaces (issue 12).
# veil: --unshare-net
# native-exec: unshare -n
set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin
ip link set lo up 2>/dev/null || :
cd /proc/net
cat dev if_inet6 route ipv6_route igmp
for f in tcp tcp6 udp udp6 raw raw6 unix packet arp icmp; do head -1 $f; wc -l < $f; done
grep -E '^(Ip|Tcp|Udp):' snmp
head -2 netstat | cut -d' ' -f1-8
grep -E '^(Ip6InReceives|Udp6InDatagrams)' snmp6
ls dev_snmp6
grep ifIndex dev_snmp6/lo
# the namespace's own count: a few at most (the netlink socket that set
# lo up may not be freed yet: RCU), never the host's
awk 'NR == 1 { print $1, $2, ($3 < 4 ? "a few" : $3) }' sockstat
# the per-interface settings name lo only (and conf's all, default)
ls /proc/sys/net/ipv4/conf /proc/sys/net/ipv4/neigh /proc/sys/net/ipv6/conf 2>&1
