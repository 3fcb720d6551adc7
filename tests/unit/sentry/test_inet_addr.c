/* sentry/net/inet_addr.c: the program's inet addresses read and written
 * back as the kernel does, and the rendezvous names that carry them. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "sentry/net/inet.h"

static struct sockaddr_in v4(const char *a, int port)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, a, &in.sin_addr);
	return in;
}

static struct sockaddr_in6 v6(const char *a, int port)
{
	struct sockaddr_in6 in = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	inet_pton(AF_INET6, a, &in.sin6_addr);
	return in;
}

static void parse_checks_length_then_family(void **state)
{
	(void)state;
	struct inet_addr ia;
	struct sockaddr_in in = v4("127.0.0.1", 80);
	assert_int_equal(inet_addr_parse(&in, 1, AF_INET, &ia), -EINVAL);
	assert_int_equal(inet_addr_parse(&in, sizeof(in) - 1, AF_INET, &ia), -EINVAL);
	assert_int_equal(inet_addr_parse(&in, sizeof(in), AF_INET, &ia), 0);
	assert_int_equal(ia.family, AF_INET);
	assert_int_equal(ia.port, 80);
	assert_true(inet_addr_loopback(&ia));
	struct sockaddr_in6 in6 = v6("::1", 443);
	assert_int_equal(inet_addr_parse(&in6, sizeof(in6), AF_INET, &ia), -EAFNOSUPPORT);
	assert_int_equal(inet_addr_parse(&in, sizeof(in6), AF_INET6, &ia), -EAFNOSUPPORT);
	assert_int_equal(inet_addr_parse(&in6, 23, AF_INET6, &ia), -EINVAL);
	assert_int_equal(inet_addr_parse(&in6, 24, AF_INET6, &ia), 0); /* no scope id */
	assert_int_equal(ia.family, AF_INET6);
	assert_true(inet_addr_loopback(&ia));
}

static void v4_mapped_is_v4(void **state)
{
	(void)state;
	struct inet_addr ia;
	struct sockaddr_in6 in6 = v6("::ffff:1.1.1.1", 53);
	assert_int_equal(inet_addr_parse(&in6, sizeof(in6), AF_INET6, &ia), 0);
	assert_int_equal(ia.family, AF_INET);
	assert_false(inet_addr_loopback(&ia)); /* a way out, seen as one */
	in6 = v6("::ffff:127.0.0.9", 53);
	assert_int_equal(inet_addr_parse(&in6, sizeof(in6), AF_INET6, &ia), 0);
	assert_true(inet_addr_loopback(&ia));
	struct sockaddr_storage ss;
	assert_int_equal(inet_addr_render(&ia, AF_INET6, &ss), sizeof(struct sockaddr_in6));
	char buf[64];
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, sizeof(buf));
	assert_string_equal(buf, "::ffff:127.0.0.9");
	/* not loopback: 2001:db8::1, ::2, 128.0.0.1 */
	in6 = v6("2001:db8::1", 1);
	inet_addr_parse(&in6, sizeof(in6), AF_INET6, &ia);
	assert_false(inet_addr_loopback(&ia));
	in6 = v6("::2", 1);
	inet_addr_parse(&in6, sizeof(in6), AF_INET6, &ia);
	assert_false(inet_addr_loopback(&ia));
	struct sockaddr_in in = v4("128.0.0.1", 1);
	inet_addr_parse(&in, sizeof(in), AF_INET, &ia);
	assert_false(inet_addr_loopback(&ia));
}

static void wildcard_renders_as_wildcard(void **state)
{
	(void)state;
	struct inet_addr any = {.family = AF_INET, .port = 7};
	assert_true(inet_addr_any(&any));
	struct sockaddr_storage ss;
	inet_addr_render(&any, AF_INET6, &ss);
	char buf[64];
	inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, sizeof(buf));
	assert_string_equal(buf, "::");
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 7);
}

static void rendezvous_names_round_trip(void **state)
{
	(void)state;
	struct inet_addr ia, back;
	struct sockaddr_in6 in6 = v6("::1", 8080);
	inet_addr_parse(&in6, sizeof(in6), AF_INET6, &ia);
	char name[108];
	assert_int_equal(inet_path_name(name, sizeof(name), "/dev/shm/veil-shadows-x/u3", AF_INET6,
					SOCK_STREAM, &ia), 0);
	assert_string_equal(name, "/dev/shm/veil-shadows-x/u3.t66.8080.00000000000000000000000000000001");
	int family, type;
	assert_true(inet_path_parse(name, "/dev/shm/veil-shadows-x", &family, &type, &back));
	assert_int_equal(family, AF_INET6);
	assert_int_equal(type, SOCK_STREAM);
	assert_true(inet_addr_eq(&ia, &back));
	assert_int_equal(back.port, 8080);
	/* another directory, a trailing byte, a short address: not ours */
	assert_false(inet_path_parse(name, "/dev/shm/veil-shadows-y", &family, &type, &back));
	assert_false(inet_path_parse("/d/u3.t44.80.7f000001x", "/d", &family, &type, &back));
	assert_false(inet_path_parse("/d/u3.t44.80.7f0000", "/d", &family, &type, &back));
	assert_false(inet_path_parse("/d/u3.t64.80.7f000001", "", &family, &type, &back));
	assert_false(inet_path_parse("/d/e/u3.t44.80.7f000001", "/d", &family, &type, &back));
	assert_true(inet_path_parse("/d/u3.u64.80.7f000001", "/d", &family, &type, &back));
	assert_int_equal(family, AF_INET6);
	assert_int_equal(type, SOCK_DGRAM);
	assert_int_equal(back.family, AF_INET);
	assert_int_equal(inet_path_name(name, 20, "/a/long/base/u1", AF_INET, SOCK_DGRAM, &ia),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_checks_length_then_family),
		cmocka_unit_test(v4_mapped_is_v4),
		cmocka_unit_test(wildcard_renders_as_wildcard),
		cmocka_unit_test(rendezvous_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
