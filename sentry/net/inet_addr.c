/* Inet addresses and rendezvous names: no state, no syscall (inet.h). */
#include "sentry/net/inet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int inet_addr_parse(const void *sa, socklen_t len, int family, struct inet_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	sa_family_t f;
	if (len < sizeof(f))
		return -EINVAL;
	memcpy(&f, sa, sizeof(f));
	if (family == AF_INET) {
		/* inet_bind/inet_dgram_connect: the length first, then the family. */
		struct sockaddr_in in;
		if (len < sizeof(in))
			return -EINVAL;
		if (f != AF_INET)
			return -EAFNOSUPPORT;
		memcpy(&in, sa, sizeof(in));
		ret->family = AF_INET;
		memcpy(ret->a, &in.sin_addr, 4);
		ret->port = ntohs(in.sin_port);
		return 0;
	}
	struct sockaddr_in6 in6;
	memset(&in6, 0, sizeof(in6));
	if (len < 24) /* SIN6_LEN_RFC2133: no scope id */
		return -EINVAL;
	if (f != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(&in6, sa, len < sizeof(in6) ? len : sizeof(in6));
	ret->port = ntohs(in6.sin6_port);
	if (memcmp(in6.sin6_addr.s6_addr, v4mapped, sizeof(v4mapped)) == 0) {
		ret->family = AF_INET;
		memcpy(ret->a, in6.sin6_addr.s6_addr + 12, 4);
	} else {
		ret->family = AF_INET6;
		memcpy(ret->a, in6.sin6_addr.s6_addr, 16);
	}
	return 0;
}

socklen_t inet_addr_render(const struct inet_addr *ia, int family, struct sockaddr_storage *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ret;
		in->sin_family = AF_INET;
		in->sin_port = htons(ia->port);
		memcpy(&in->sin_addr, ia->a, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ret;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(ia->port);
	if (ia->family == AF_INET) {
		/* A v6 socket's v4 peer; its wildcard stays ::, as the kernel's. */
		if (!inet_addr_any(ia)) {
			memcpy(in6->sin6_addr.s6_addr, v4mapped, sizeof(v4mapped));
			memcpy(in6->sin6_addr.s6_addr + 12, ia->a, 4);
		}
	} else {
		memcpy(in6->sin6_addr.s6_addr, ia->a, 16);
	}
	return sizeof(*in6);
}

bool inet_addr_any(const struct inet_addr *ia)
{
	static const uint8_t zero[16];
	return memcmp(ia->a, zero, ia->family == AF_INET ? 4 : 16) == 0;
}

bool inet_addr_loopback(const struct inet_addr *ia)
{
	if (ia->family == AF_INET)
		return ia->a[0] == 127;
	static const uint8_t lo[16] = {[15] = 1};
	return memcmp(ia->a, lo, 16) == 0;
}

bool inet_addr_eq(const struct inet_addr *x, const struct inet_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16) == 0;
}

void inet_addr_lo(int family, struct inet_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	if (family == AF_INET) {
		ret->a[0] = 127;
		ret->a[3] = 1;
	} else {
		ret->a[15] = 1;
	}
}

int inet_path_name(char *buf, size_t size, const char *base, int family, int type,
		   const struct inet_addr *ia)
{
	int n = snprintf(buf, size, "%s.%c%c%c.%u.", base, type == SOCK_STREAM ? 't' : 'u',
			 family == AF_INET ? '4' : '6', ia->family == AF_INET ? '4' : '6',
			 (unsigned)ia->port);
	for (int i = 0; n >= 0 && (size_t)n < size && i < (ia->family == AF_INET ? 4 : 16); i++)
		n += snprintf(buf + n, size - (size_t)n, "%02x", ia->a[i]);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool inet_path_parse(const char *path, const char *dir, int *family, int *type,
		     struct inet_addr *ia)
{
	size_t dl = strlen(dir);
	if (!dir[0] || strncmp(path, dir, dl) != 0 || path[dl] != '/' || strchr(path + dl + 1, '/'))
		return false;
	unsigned n, port;
	char t, sf, af, hex[33];
	int used = 0;
	if (sscanf(path + dl + 1, "u%u.%c%c%c.%u.%32[0-9a-f]%n", &n, &t, &sf, &af, &port, hex,
		   &used) != 6 || path[dl + 1 + (size_t)used] != '\0' || port > 65535)
		return false;
	if ((t != 't' && t != 'u') || (sf != '4' && sf != '6') || (af != '4' && af != '6'))
		return false;
	memset(ia, 0, sizeof(*ia));
	ia->family = af == '4' ? AF_INET : AF_INET6;
	size_t want = ia->family == AF_INET ? 4 : 16;
	if (strlen(hex) != 2 * want)
		return false;
	for (size_t i = 0; i < want; i++) {
		unsigned b;
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return false;
		ia->a[i] = (uint8_t)b;
	}
	ia->port = (uint16_t)port;
	*family = sf == '4' ? AF_INET : AF_INET6;
	*type = t == 't' ? SOCK_STREAM : SOCK_DGRAM;
	return true;
}

bool inet_rendezvous_fd(int fd)
{
	char link[64], path[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	char *base = strrchr(path, '/');
	if (!base || base == path)
		return false;
	*base = '\0';
	const char *dir = strrchr(path, '/');
	/* shadow.c names every scratch directory veil-shadows-XXXXXX */
	if (!dir || strncmp(dir + 1, "veil-shadows-", 13) != 0)
		return false;
	*base = '/';
	int family, type;
	struct inet_addr ia;
	char parent[4096];
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	return inet_path_parse(path, parent, &family, &type, &ia);
}
