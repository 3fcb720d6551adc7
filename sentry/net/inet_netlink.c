/* NETLINK_ROUTE in the sandbox's network namespace (inet.h): what
 * `ip addr`, `ip link`, `ip route`, getifaddrs and if_nameindex ask the
 * kernel, answered by the sentry with the one interface there is, lo.
 *
 * socket(AF_NETLINK, SOCK_RAW or SOCK_DGRAM, NETLINK_ROUTE) is a unix
 * datagram socket bound to a rendezvous (as an inet socket's), recorded
 * with family AF_NETLINK, and connected to the sentry's *sink*. A request
 * is a send: sendto, sendmsg and sendmmsg are trapped and answered at
 * once; send and write (iproute2's dump requests) run natively into the
 * sink, which the sentry drains at the socket's next trapped call (its
 * recvmsg, recvfrom with an address, or send) and answers then, from the
 * sender's name. An answer (every message of a dump and its NLMSG_DONE,
 * in one datagram) goes into the socket's queue from the sink (the one
 * peer a connected unix datagram socket hears), without waiting (a full
 * queue drops it: netlink's ENOBUFS case). A program that polls for the
 * answer to a native send() without making a trapped call waits. The program reads it natively, or through the trapped recvmsg,
 * which gives the kernel's address {AF_NETLINK, 0, 0}. Changes (RTM_NEW*,
 * RTM_DEL*, RTM_SET*) are EPERM: no CAP_NET_ADMIN over this namespace.
 * Other GET dumps (neighbours, rules, qdiscs...) are empty. */
#include "sentry/net/inet.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sentry/kernel/sentry.h"

#define ANSWER_MAX 8192

/* An answer being built. */
struct nl_out {
	char buf[ANSWER_MAX];
	size_t len;
	uint32_t seq, pid;
	bool overflow;
};

static struct nlmsghdr *msg_begin(struct nl_out *o, uint16_t type, uint16_t flags, size_t hdr)
{
	size_t need = NLMSG_SPACE(hdr);
	if (o->len + need > sizeof(o->buf)) {
		o->overflow = true;
		return NULL;
	}
	struct nlmsghdr *h = (struct nlmsghdr *)(o->buf + o->len);
	memset(h, 0, need);
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = o->seq;
	h->nlmsg_pid = o->pid;
	o->len += need;
	return h;
}

static void attr(struct nl_out *o, struct nlmsghdr *h, uint16_t type, const void *data, size_t len)
{
	if (!h)
		return;
	size_t need = RTA_SPACE(len);
	if (o->len + need > sizeof(o->buf)) {
		o->overflow = true;
		return;
	}
	struct rtattr *a = (struct rtattr *)(o->buf + o->len);
	memset(a, 0, need);
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	o->len += need;
	h->nlmsg_len = (uint32_t)(o->buf + o->len - (char *)h);
}

static void attr_u32(struct nl_out *o, struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	attr(o, h, type, &v, sizeof(v));
}

/* lo as RTM_NEWLINK; for AF_INET6, the IPv6 view of it (the kernel's
 * inet6_fill_ifinfo: fewer attributes). */
static void link_lo(struct nl_out *o, uint16_t flags, int family)
{
	struct nlmsghdr *h = msg_begin(o, RTM_NEWLINK, flags, sizeof(struct ifinfomsg));
	if (!h)
		return;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	ifi->ifi_family = family == AF_INET6 ? AF_INET6 : AF_UNSPEC;
	ifi->ifi_type = ARPHRD_LOOPBACK;
	ifi->ifi_index = 1;
	ifi->ifi_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP;
	static const uint8_t zero_mac[6];
	if (family == AF_INET6) {
		uint8_t oper = IF_OPER_UNKNOWN;
		attr(o, h, IFLA_IFNAME, "lo", 3);
		attr_u32(o, h, IFLA_MTU, 65536);
		attr(o, h, IFLA_OPERSTATE, &oper, 1);
		attr_u32(o, h, IFLA_TXQLEN, 1000);
		return;
	}
	struct rtnl_link_stats stats;
	memset(&stats, 0, sizeof(stats));
	attr(o, h, IFLA_IFNAME, "lo", 3);
	attr_u32(o, h, IFLA_TXQLEN, 1000);
	uint8_t operstate = IF_OPER_UNKNOWN, linkmode = 0, carrier = 1;
	attr(o, h, IFLA_OPERSTATE, &operstate, 1);
	attr(o, h, IFLA_LINKMODE, &linkmode, 1);
	attr_u32(o, h, IFLA_MTU, 65536);
	attr_u32(o, h, IFLA_MIN_MTU, 0);
	attr_u32(o, h, IFLA_MAX_MTU, 0);
	attr_u32(o, h, IFLA_GROUP, 0);
	attr_u32(o, h, IFLA_PROMISCUITY, 0);
	attr_u32(o, h, IFLA_NUM_TX_QUEUES, 1);
	attr_u32(o, h, IFLA_NUM_RX_QUEUES, 1);
	attr(o, h, IFLA_CARRIER, &carrier, 1);
	attr(o, h, IFLA_QDISC, "noqueue", 8);
	attr(o, h, IFLA_ADDRESS, zero_mac, sizeof(zero_mac));
	attr(o, h, IFLA_BROADCAST, zero_mac, sizeof(zero_mac));
	attr(o, h, IFLA_STATS, &stats, sizeof(stats));
}

static void addr_lo(struct nl_out *o, int family, uint16_t flags)
{
	struct nlmsghdr *h = msg_begin(o, RTM_NEWADDR, flags, sizeof(struct ifaddrmsg));
	if (!h)
		return;
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = family == AF_INET ? 8 : 128;
	ifa->ifa_flags = IFA_F_PERMANENT;
	ifa->ifa_scope = RT_SCOPE_HOST;
	ifa->ifa_index = 1;
	struct inet_addr lo;
	inet_addr_lo(family, &lo);
	size_t alen = family == AF_INET ? 4 : 16;
	attr(o, h, IFA_ADDRESS, lo.a, alen);
	if (family == AF_INET) {
		attr(o, h, IFA_LOCAL, lo.a, alen);
		attr(o, h, IFA_LABEL, "lo", 3);
	}
	attr_u32(o, h, IFA_FLAGS, IFA_F_PERMANENT);
	struct ifa_cacheinfo ci = {.ifa_prefered = 0xffffffffu, .ifa_valid = 0xffffffffu};
	attr(o, h, IFA_CACHEINFO, &ci, sizeof(ci));
}

static void route(struct nl_out *o, int family, uint8_t table, uint8_t type, uint8_t plen,
		  const struct inet_addr *dst, uint32_t prio, uint16_t flags)

{
	struct nlmsghdr *h = msg_begin(o, RTM_NEWROUTE, flags, sizeof(struct rtmsg));
	if (!h)
		return;
	struct rtmsg *rt = NLMSG_DATA(h);
	rt->rtm_family = (uint8_t)family;
	rt->rtm_dst_len = plen;
	rt->rtm_table = table;
	rt->rtm_protocol = RTPROT_KERNEL;
	rt->rtm_scope = family == AF_INET6 ? RT_SCOPE_UNIVERSE
			: type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_LINK;
	rt->rtm_type = type;
	size_t alen = family == AF_INET ? 4 : 16;
	attr_u32(o, h, RTA_TABLE, table);
	attr(o, h, RTA_DST, dst->a, alen);
	if (family == AF_INET) {
		struct inet_addr lo;
		inet_addr_lo(AF_INET, &lo);
		attr(o, h, RTA_PREFSRC, lo.a, 4);
	} else {
		attr_u32(o, h, RTA_PRIORITY, prio);
	}
	attr_u32(o, h, RTA_OIF, 1);
	if (family == AF_INET6) {
		uint8_t pref = 0; /* ICMPV6_ROUTER_PREF_MEDIUM */
		attr(o, h, RTA_PREF, &pref, 1);
	}
}

/* The routes a fresh namespace with lo up has (`ip route show table all`):
 * lo's ::1 has no route in main. */
static void routes(struct nl_out *o, int family, uint16_t flags)
{
	if (family == AF_UNSPEC || family == AF_INET) {
		struct inet_addr net = {.family = AF_INET, .a = {127}}, lo, bc = {.family = AF_INET,
							       .a = {127, 255, 255, 255}};
		inet_addr_lo(AF_INET, &lo);
		route(o, AF_INET, RT_TABLE_LOCAL, RTN_LOCAL, 8, &net, 0, flags);
		route(o, AF_INET, RT_TABLE_LOCAL, RTN_LOCAL, 32, &lo, 0, flags);
		route(o, AF_INET, RT_TABLE_LOCAL, RTN_BROADCAST, 32, &bc, 0, flags);
	}
	if (family == AF_UNSPEC || family == AF_INET6) {
		struct inet_addr lo6;
		inet_addr_lo(AF_INET6, &lo6);
		route(o, AF_INET6, RT_TABLE_LOCAL, RTN_LOCAL, 128, &lo6, 0, flags);
	}
}

/* The policy rules a fresh namespace has (`ip rule`, `ip -6 rule`). */
static void rules(struct nl_out *o, int family, uint16_t flags)
{
	static const struct {
		uint32_t prio;
		uint8_t table;
		bool v4_only;
	} r[] = {{0, RT_TABLE_LOCAL, false}, {32766, RT_TABLE_MAIN, false},
		 {32767, RT_TABLE_DEFAULT, true}};
	static const int fams[] = {AF_INET, AF_INET6};
	for (size_t f = 0; f < 2; f++) {
		if (family != AF_UNSPEC && family != fams[f])
			continue;
		for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
			if (r[i].v4_only && fams[f] != AF_INET)
				continue;
			struct nlmsghdr *h = msg_begin(o, RTM_NEWRULE, flags, sizeof(struct fib_rule_hdr));
			if (!h)
				return;
			struct fib_rule_hdr *fr = NLMSG_DATA(h);
			fr->family = (uint8_t)fams[f];
			fr->table = r[i].table;
			fr->action = FR_ACT_TO_TBL;
			uint8_t proto = RTPROT_KERNEL;
			attr_u32(o, h, FRA_TABLE, r[i].table);
			attr_u32(o, h, FRA_PRIORITY, r[i].prio);
			attr(o, h, FRA_PROTOCOL, &proto, 1);
		}
	}
}

static void error_msg(struct nl_out *o, const struct nlmsghdr *req, int err)
{
	/* only the request's header comes back: capped */
	struct nlmsghdr *h = msg_begin(o, NLMSG_ERROR, NLM_F_CAPPED, sizeof(struct nlmsgerr));
	if (!h)
		return;
	struct nlmsgerr *e = NLMSG_DATA(h);
	e->error = err;
	e->msg = *req;
}

static void done_msg(struct nl_out *o)
{
	struct nlmsghdr *h = msg_begin(o, NLMSG_DONE, NLM_F_MULTI, sizeof(int));
	(void)h; /* its int, 0, is the dump's status */
}

/* The family a request asks about (the first byte of its header), or
 * AF_UNSPEC. */
static int req_family(const struct nlmsghdr *h)
{
	if (h->nlmsg_len < NLMSG_LENGTH(1))
		return AF_UNSPEC;
	return *(const uint8_t *)NLMSG_DATA(h);
}

/* A GETLINK for one interface: by index, or by IFLA_IFNAME. */
static bool asks_lo(const struct nlmsghdr *h)
{
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return false;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	if (ifi->ifi_index)
		return ifi->ifi_index == 1;
	int left = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left))
		if (a->rta_type == IFLA_IFNAME)
			return RTA_PAYLOAD(a) >= 2 && strncmp(RTA_DATA(a), "lo", RTA_PAYLOAD(a)) == 0;
	return false;
}

static void answer(struct nl_out *o, const struct nlmsghdr *h)
{
	o->seq = h->nlmsg_seq;
	uint16_t t = h->nlmsg_type;
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int fam = req_family(h);
	if (t < RTM_BASE || t >= RTM_MAX) {
		error_msg(o, h, t == NLMSG_NOOP || t == NLMSG_DONE ? 0 : -EOPNOTSUPP);
		return;
	}
	if ((t - RTM_BASE) % 4 != 2) { /* NEW, DEL, SET */
		error_msg(o, h, -EPERM);
		return;
	}
	if (dump) {
		if (t == RTM_GETLINK)
			link_lo(o, NLM_F_MULTI, fam);
		if (t == RTM_GETADDR) {
			if (fam == AF_UNSPEC || fam == AF_INET)
				addr_lo(o, AF_INET, NLM_F_MULTI);
			if (fam == AF_UNSPEC || fam == AF_INET6)
				addr_lo(o, AF_INET6, NLM_F_MULTI);
		}
		if (t == RTM_GETROUTE)
			routes(o, fam, NLM_F_MULTI);
		if (t == RTM_GETRULE)
			rules(o, fam, NLM_F_MULTI);
		done_msg(o);
		return;
	}
	if (t == RTM_GETLINK) {
		if (asks_lo(h))
			link_lo(o, 0, AF_UNSPEC);
		else
			error_msg(o, h, -ENODEV);
	} else {
		error_msg(o, h, -EOPNOTSUPP);
		return;
	}
	if (h->nlmsg_flags & NLM_F_ACK)
		error_msg(o, h, 0);
}

int inet_netlink_send(struct sentry *s, struct inet_sock *e, const char *data, size_t len)
{
	static struct nl_out o;
	memset(&o, 0, sizeof(o));
	o.pid = e->nl_pid;
	size_t off = 0;
	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;
		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			break;
		if (h.nlmsg_flags & NLM_F_REQUEST) {
			/* the whole request, aligned, for the walks above */
			char *req = malloc(NLMSG_ALIGN(h.nlmsg_len));
			if (!req)
				return -ENOBUFS;
			memcpy(req, data + off, h.nlmsg_len);
			answer(&o, (struct nlmsghdr *)req);
			free(req);
		}
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	if (!o.len)
		return 0;
	int sink = inet_netlink_sink(s);
	if (sink < 0)
		return sink;
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	memcpy(un.sun_path, e->path, strnlen(e->path, sizeof(un.sun_path) - 1));
	/* A full queue drops the answer, as netlink does (the reader's
	 * ENOBUFS is not emulated). */
	sendto(sink, o.buf, o.len, MSG_DONTWAIT, (struct sockaddr *)&un, sizeof(un));
	return 0;
}

void inet_netlink_drain(struct sentry *s, struct platform_call *call)
{
	int sink = inet_netlink_sink(s);
	if (sink < 0)
		return;
	static char buf[65536];
	for (int i = 0; i < 64; i++) {
		struct sockaddr_un from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(sink, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (fl <= offsetof(struct sockaddr_un, sun_path))
			continue;
		char path[sizeof(from.sun_path) + 1];
		size_t pl = strnlen(from.sun_path, fl - offsetof(struct sockaddr_un, sun_path));
		memcpy(path, from.sun_path, pl);
		path[pl] = '\0';
		struct inet_sock *e = inet_netlink_by_path(s, path);
		if (!e)
			continue;
		inet_netlink_autobind(s, call, e);
		inet_netlink_send(s, e, buf, (size_t)n);
	}
}
