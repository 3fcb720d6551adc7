/* The table itself comes from syscalls.def; this file only indexes it. */
#include "sentry/sys/syscalls.h"

#include <errno.h>
#include <sys/syscall.h>

#include "base/cleanup.h"
#include "sentry/sys/sys.h"

static const struct sys_entry table[] = {
#define SYSCALL(nr_, name_, cls_, err_, handler_) \
	{.nr = nr_, .name = #name_, .cls = SYS_##cls_, .err = err_, .handler = handler_},
#include "sentry/sys/syscalls.def"
#undef SYSCALL
};

/* The highest syscall number x86_64 has today, with room to grow; numbers
 * above it are simply not in the table. */
#define SYS_MAX_NR 512

/* Index by number, built once: the table is sorted by number but sparse
 * (335..423 are unused on x86_64). */
static short by_nr[SYS_MAX_NR];
static bool indexed;

static void build_index(void)
{
	for (int i = 0; i < SYS_MAX_NR; i++)
		by_nr[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		by_nr[table[i].nr] = (short)i;
	indexed = true;
}

const struct sys_entry *sys_lookup(long nr)
{
	if (nr < 0 || nr >= SYS_MAX_NR)
		return NULL;
	if (!indexed)
		build_index();
	return by_nr[nr] < 0 ? NULL : &table[by_nr[nr]];
}

const struct sys_entry *sys_table_begin(void)
{
	return table;
}

size_t sys_table_size(void)
{
	return ARRAY_SIZE(table);
}

const char *sys_status(const struct sys_entry *e)
{
	switch (e->cls) {
	case SYS_ALLOW:
		return "native";
	case SYS_NETNS:
		return "native; supported with --unshare-net";
	case SYS_IPCNS:
		return e->err ? "refused; supported with --unshare-ipc"
			      : "native; supported with --unshare-ipc";
	case SYS_ERRNO:
		return "refused";
	case SYS_NOTIFY:
	case SYS_TRACE:
		return e->handler ? "supported" : "unsupported";
	}
	return "unsupported";
}

/* The trapped syscalls that may wait natively. */
static bool may_wait(long nr)
{
	switch (nr) {
	case SYS_open:
	case SYS_openat:
	case SYS_openat2:
	case SYS_creat:
	case SYS_truncate: /* a lease's break */
	case SYS_ftruncate:
	case SYS_ioctl:
	case SYS_fcntl:
	case SYS_flock:
	case SYS_connect:
	case SYS_accept:
	case SYS_accept4:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_sendmmsg:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_recvmmsg:
	case SYS_execve:
	case SYS_execveat:
		return true;
	default:
		return false;
	}
}

bool sys_restarts_quietly(long nr)
{
	const struct sys_entry *e = sys_lookup(nr);
	return e && e->cls != SYS_ALLOW && e->cls != SYS_ERRNO && !may_wait(nr);
}
