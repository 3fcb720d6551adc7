/* sock_addr: copying addresses, and the sandbox's abstract namespace on
 * real sockets (paths need a VFS: the unix_* scenarios cover them). */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "sentry/net/sock_addr.h"

/* A tracee whose memory is this process's, below `limit`. */
static uint64_t limit;
static int fake_read(struct platform_call *call, void *dst, uint64_t addr, size_t len)
{
	(void)call;
	if (addr + len > limit)
		return -EFAULT;
	memcpy(dst, (void *)(uintptr_t)addr, len);
	return 0;
}
static const struct platform_ops fake_ops = {.read_mem = fake_read};

static void read_bounds(void **state)
{
	(void)state;
	struct platform_call call = {.ops = &fake_ops};
	struct sockaddr_storage ss;
	memset(&ss, 'x', sizeof(ss));
	limit = (uint64_t)(uintptr_t)&ss + sizeof(ss);
	struct sock_addr a;
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss, sizeof(ss), &a), 0);
	assert_int_equal(a.len, sizeof(ss));
	assert_int_equal(a.pin, -1);
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss, sizeof(ss) + 1, &a), -EINVAL);
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss, (uint64_t)-1, &a), -EINVAL);
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss, 0x80000000u, &a), -EINVAL);
	assert_int_equal(sock_addr_read(&call, 0, 0, &a), 0); /* nothing to copy */
	/* An int argument: what the register holds above it is not looked at. */
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss, (1ull << 32) | 16, &a), 0);
	assert_int_equal(a.len, 16);
	assert_int_equal(sock_addr_read(&call, 0, 1ull << 32, &a), 0);
	assert_int_equal(sock_addr_read(&call, (uintptr_t)&ss + 8, sizeof(ss), &a), -EFAULT);
}

static struct sock_addr abstract(const char *name)
{
	struct sock_addr a = {.pin = -1};
	struct sockaddr_un *un = (struct sockaddr_un *)&a.ss;
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path + 1, name, strlen(name));
	a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	return a;
}

static void abstract_namespace(void **state)
{
	(void)state;
	struct sentry s;
	memset(&s, 0, sizeof(s));
	char name[64];
	snprintf(name, sizeof(name), "test-sock-addr-%d", getpid());
	int srv = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sock_addr a = abstract(name);
	assert_int_equal(sock_unix_bind(&s, NULL, srv, &a), 0);

	/* The host sees the prefixed name; the program its own. */
	struct sock_addr got = {.len = sizeof(got.ss), .pin = -1};
	assert_int_equal(getsockname(srv, (struct sockaddr *)&got.ss, &got.len), 0);
	char prefix[32];
	int pl = snprintf(prefix, sizeof(prefix), "veil%x:", (unsigned)getpid());
	assert_memory_equal(((struct sockaddr_un *)&got.ss)->sun_path + 1, prefix, (size_t)pl);
	sock_addr_to_program(&s, &got);
	assert_int_equal(got.len, a.len);
	assert_memory_equal(&got.ss, &a.ss, a.len);

	/* A sandbox name is reachable through the prefix ... */
	int cli = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sock_addr to = abstract(name);
	assert_int_equal(sock_addr_to_host(&s, NULL, &to), 0);
	assert_int_equal(connect(cli, (struct sockaddr *)&to.ss, to.len), 0);

	/* ... a host one (bound without it) is not. */
	int host = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char hname[64];
	snprintf(hname, sizeof(hname), "test-sock-addr-host-%d", getpid());
	struct sock_addr h = abstract(hname);
	assert_int_equal(bind(host, (struct sockaddr *)&h.ss, h.len), 0);
	struct sock_addr th = abstract(hname);
	assert_int_equal(sock_addr_to_host(&s, NULL, &th), 0);
	assert_int_equal(connect(cli, (struct sockaddr *)&th.ss, th.len), -1);
	assert_int_equal(errno, ECONNREFUSED);
	/* and a host name shows as it is */
	struct sock_addr hn = h;
	sock_addr_to_program(&s, &hn);
	assert_memory_equal(&hn.ss, &h.ss, h.len);

	/* Too long once prefixed (the longest name the kernel takes, 107
	 * bytes): refused rather than cut. */
	char longname[108];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	struct sock_addr l = abstract(longname);
	assert_int_equal(sock_addr_to_host(&s, NULL, &l), -EINVAL);
	close(srv);
	close(cli);
	close(host);
}

static void other_shapes_untouched(void **state)
{
	(void)state;
	struct sentry s;
	memset(&s, 0, sizeof(s));
	struct sock_addr in = {.len = sizeof(struct sockaddr_in), .pin = -1};
	struct sockaddr_in *sin = (struct sockaddr_in *)&in.ss;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(80);
	struct sock_addr copy = in;
	assert_int_equal(sock_addr_to_host(&s, NULL, &in), 0);
	assert_memory_equal(&in, &copy, sizeof(in));
	sock_addr_to_program(&s, &in);
	assert_memory_equal(&in, &copy, sizeof(in));
	/* An AF_UNIX address longer than sockaddr_un: the kernel's EINVAL,
	 * so it goes as it is (and a path in it is never resolved). */
	struct sock_addr un = {.len = sizeof(struct sockaddr_un) + 1, .pin = -1};
	un.ss.ss_family = AF_UNIX;
	strcpy(((struct sockaddr_un *)&un.ss)->sun_path, "/etc/x");
	copy = un;
	assert_int_equal(sock_addr_to_host(&s, NULL, &un), 0);
	assert_memory_equal(&un, &copy, sizeof(un));
	/* Unnamed (autobind's shape) as well. */
	struct sock_addr un2 = {.len = sizeof(sa_family_t), .pin = -1};
	un2.ss.ss_family = AF_UNIX;
	copy = un2;
	assert_int_equal(sock_addr_to_host(&s, NULL, &un2), 0);
	assert_memory_equal(&un2, &copy, sizeof(un2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_bounds),
		cmocka_unit_test(abstract_namespace),
		cmocka_unit_test(other_shapes_untouched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
