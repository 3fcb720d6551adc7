/* The interface ioctls (SIOCGIF*, 0x8910-0x89ff) in the sandbox's network
 * namespace (inet.h): on any socket the kernel answers them from the
 * socket's namespace, and the sockets behind the sandbox's inet sockets
 * are the sentry's, in the host's. So with --unshare-net the filter traps
 * the range and the sentry answers for lo, the one interface there is:
 * its index, name, flags, MTU, addresses (SIOCGIFCONF lists it); another
 * name is ENODEV, a change EPERM (no CAP_NET_ADMIN over this namespace),
 * anything else EOPNOTSUPP. The ifreq is copied once. */
#include "sentry/net/inet.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/closer.h"
#include "sentry/kernel/sentry.h"

static void lo_addr(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr = {htonl(addr)}};
	memcpy(sa, &in, sizeof(in));
}

static bool is_set(unsigned cmd)
{
	switch (cmd) {
	case SIOCSIFLINK: case SIOCSIFFLAGS: case SIOCSIFADDR: case SIOCSIFDSTADDR:
	case SIOCSIFBRDADDR: case SIOCSIFNETMASK: case SIOCSIFMETRIC: case SIOCSIFMEM:
	case SIOCSIFMTU: case SIOCSIFNAME: case SIOCSIFHWADDR: case SIOCSIFENCAP:
	case SIOCSIFSLAVE: case SIOCADDMULTI: case SIOCDELMULTI: case SIOCSIFPFLAGS:
	case SIOCDIFADDR: case SIOCSIFHWBROADCAST: case SIOCSIFBR: case SIOCSIFTXQLEN:
	case SIOCSIFMAP: case SIOCADDRT: case SIOCDELRT: case SIOCDARP: case SIOCSARP:
	case SIOCDRARP: case SIOCSRARP:
		return true;
	default:
		return false;
	}
}

static long ifconf(struct platform_call *call)
{
	struct ifconf ic;
	int r = call->ops->read_mem(call, &ic, call->args[2], sizeof(ic));
	if (r < 0)
		return r;
	int len = 0;
	if (!ic.ifc_buf) {
		len = sizeof(struct ifreq); /* the room the list needs */
	} else if (ic.ifc_len >= (int)sizeof(struct ifreq)) {
		struct ifreq lo;
		memset(&lo, 0, sizeof(lo));
		memcpy(lo.ifr_name, "lo", 3);
		lo_addr(&lo.ifr_addr, INADDR_LOOPBACK);
		if (call->ops->write_mem(call, (uint64_t)(uintptr_t)ic.ifc_buf, &lo, sizeof(lo)) < 0)
			return -EFAULT;
		len = sizeof(lo);
	}
	return call->ops->write_mem(call, call->args[2] + offsetof(struct ifconf, ifc_len), &len,
				    sizeof(len)) < 0 ? -EFAULT : 0;
}

long inet_ioctl(struct sentry *s, struct platform_call *call)
{
	(void)s;
	unsigned cmd = (unsigned)call->args[1];
	/* Socket ioctls: on anything else the kernel says ENOTTY. */
	int host = call->ops->copy_fd(call, (int)call->args[0]);
	if (host < 0)
		return host;
	struct stat st;
	int r = fstat(host, &st) < 0 ? -errno : 0;
	closer_close(host);
	if (r < 0)
		return r;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTTY;
	if (cmd == SIOCGIFCONF)
		return ifconf(call);
	if (is_set(cmd))
		return -EPERM;
	struct ifreq ifr;
	r = call->ops->read_mem(call, &ifr, call->args[2], sizeof(ifr));
	if (r < 0)
		return r;
	if (cmd == SIOCGIFNAME) {
		if (ifr.ifr_ifindex != 1)
			return -ENODEV;
		memset(ifr.ifr_name, 0, sizeof(ifr.ifr_name));
		memcpy(ifr.ifr_name, "lo", 3);
	} else {
		if (strncmp(ifr.ifr_name, "lo", sizeof(ifr.ifr_name)) != 0)
			return -ENODEV;
		memset(&ifr.ifr_ifru, 0, sizeof(ifr.ifr_ifru));
		switch (cmd) {
		case SIOCGIFFLAGS:
			ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
			break;
		case SIOCGIFINDEX:
			ifr.ifr_ifindex = 1;
			break;
		case SIOCGIFMTU:
			ifr.ifr_mtu = 65536;
			break;
		case SIOCGIFADDR:
		case SIOCGIFDSTADDR:
			lo_addr(&ifr.ifr_addr, INADDR_LOOPBACK);
			break;
		case SIOCGIFNETMASK:
			lo_addr(&ifr.ifr_netmask, 0xff000000u);
			break;
		case SIOCGIFBRDADDR:
			lo_addr(&ifr.ifr_broadaddr, 0);
			break;
		case SIOCGIFHWADDR:
			ifr.ifr_hwaddr.sa_family = ARPHRD_LOOPBACK;
			break;
		case SIOCGIFTXQLEN:
			ifr.ifr_qlen = 1000;
			break;
		case SIOCGIFMETRIC:
		case SIOCGIFMAP:
		case SIOCGIFPFLAGS:
			break;
		default:
			return -EOPNOTSUPP;
		}
	}
	return call->ops->write_mem(call, call->args[2], &ifr, sizeof(ifr)) < 0 ? -EFAULT : 0;
}
