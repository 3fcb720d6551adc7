/* /proc/net under --unshare-net: what a new network namespace with its
 * loopback up shows, never the host's (its interfaces, connections,
 * routes, firewall and conntrack state are the host's business).
 *
 * Three kinds of file: the ones that describe lo (dev, if_inet6,
 * ipv6_route, igmp) are written as a fresh namespace writes them; the
 * socket and neighbour tables (tcp, udp, unix, raw, packet, netlink,
 * arp...) keep the host's header line and list nothing yet (the
 * sandbox's own sockets are not listed: ss and netstat see none); the
 * counter files (snmp, snmp6, netstat, sockstat, sockstat6) keep the
 * host's names with every counter 0 and the few settings a fresh
 * namespace has. Any other file under net/ is empty. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentry/kernel/sentry.h"
#include "sentry/net/inet.h"

/* The host's file, whole (net/NAME in the sentry's own proc, whose
 * network namespace is the host's: only names and headers are taken). */
static char *host_file(const char *name)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/net/%s", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The first `lines` lines of the host's file. */
static void put_header(FILE *out, const char *name, int lines)
{
	char *text = host_file(name);
	const char *p = text;
	for (int i = 0; p && *p && i < lines; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		fwrite(p, 1, len, out);
		p += len;
	}
	free(text);
}

/* A fresh namespace's setting for the index'th value of a counter-file
 * group, or -2: a counter (0). */
static long setting(const char *group, int index)
{
	if (strcmp(group, "Ip:") == 0)
		return index == 0 ? 2 /* not forwarding */ : index == 1 ? 64 /* DefaultTTL */ : -2;
	if (strcmp(group, "ifIndex") == 0)
		return 1; /* lo's */
	if (strcmp(group, "Tcp:") == 0) {
		static const long tcp[] = {1, 200, 120000, -1}; /* RtoAlgorithm..MaxConn */
		return index < 4 ? tcp[index] : -2;
	}
	return -2;
}

/* The host's counter file with every number 0 (but a fresh namespace's
 * settings), its names and spacing kept: snmp and netstat alternate a
 * line of names and a line of values per group; snmp6, sockstat and
 * dev_snmp6/lo are `name value` lines. */
static void put_zeroed(FILE *out, const char *name)
{
	char *text = host_file(name);
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		const char *p = line;
		size_t glen = strcspn(line, " \t");
		char group[64];
		snprintf(group, sizeof(group), "%.*s", (int)glen, line);
		/* a group a fresh namespace has no line for until it counts one */
		if (strcmp(group, "IcmpMsg:") == 0)
			continue;
		int index = 0;
		while (*p) {
			size_t sep = strspn(p, " \t");
			fwrite(p, 1, sep, out);
			p += sep;
			size_t len = strcspn(p, " \t");
			bool num = (p[0] >= '0' && p[0] <= '9') ||
				   (p[0] == '-' && p[1] >= '0' && p[1] <= '9');
			if (num) {
				long v = setting(group, index++);
				fprintf(out, "%ld", v == -2 ? 0 : v);
			} else {
				fwrite(p, 1, len, out);
			}
			p += len;
		}
		fputc('\n', out);
	}
	free(text);
}

static const char *const tables[] = {
	"tcp",	"tcp6", "udp", "udp6", "udplite", "udplite6", "raw",  "raw6",
	"unix", "packet", "netlink", "arp", "icmp", "icmp6", "mcfilter",
};

static const char *const counters[] = {"snmp",	    "snmp6",	"netstat",
				       "sockstat", "sockstat6", "dev_snmp6/lo"};

ssize_t inet_proc_file(struct sentry *s, const char *name, char **ret)
{
	if (!inet_enabled(s))
		return -ENODATA;
	if (!name)
		return 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	if (strcmp(name, "dev") == 0) {
		put_header(out, "dev", 2);
		fprintf(out, "%6s:%8d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
			"lo", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	} else if (strcmp(name, "if_inet6") == 0) {
		fputs("00000000000000000000000000000001 01 80 10 80       lo\n", out);
	} else if (strcmp(name, "ipv6_route") == 0) {
		static const char *const zero = "00000000000000000000000000000000";
		fprintf(out, "%s 00 %s 00 %s ffffffff 00000001 00000000 00200200       lo\n", zero,
			zero, zero);
		fprintf(out, "%.31s1 80 %s 00 %s 00000000 00000002 00000000 80200001       lo\n",
			zero, zero, zero);
		fprintf(out, "%s 00 %s 00 %s ffffffff 00000001 00000000 00200200       lo\n", zero,
			zero, zero);
	} else if (strcmp(name, "igmp") == 0) {
		put_header(out, "igmp", 1);
		fputs("1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n", out);
	} else if (strcmp(name, "route") == 0) {
		put_header(out, "route", 1);
	} else {
		bool done = false;
		for (size_t i = 0; !done && i < sizeof(tables) / sizeof(tables[0]); i++)
			if (strcmp(name, tables[i]) == 0) {
				put_header(out, name, 1);
				done = true;
			}
		for (size_t i = 0; !done && i < sizeof(counters) / sizeof(counters[0]); i++)
			if (strcmp(name, counters[i]) == 0) {
				put_zeroed(out, name);
				done = true;
			}
	}
	if (fclose(out) != 0) {
		free(text);
		return -ENOMEM;
	}
	*ret = text;
	return (ssize_t)len;
}
