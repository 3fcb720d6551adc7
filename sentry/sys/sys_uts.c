/* The uts namespace the emulate backend gives. uname is the host's, with
 * the sandbox's own nodename and domainname once it has them (--hostname,
 * or a sethostname by a task with CAP_SYS_ADMIN); with --unshare-uts the
 * names are the sandbox's to change, as in a uts namespace of its own;
 * without it, sethostname and setdomainname are refused (EPERM): the
 * host's names are not the sandbox's to change. */
#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/utsname.h>

#include "sentry/sys/sys.h"

SYS_HANDLER(uname)
{
	struct utsname u;
	if (uname(&u) < 0)
		return -errno;
	if (s->uts_own) {
		memcpy(u.nodename, s->nodename, sizeof(u.nodename));
		memcpy(u.domainname, s->domainname, sizeof(u.domainname));
	}
	if (call->args[0] == 0)
		return -EFAULT;
	int r = call->ops->write_mem(call, call->args[0], &u, sizeof(u));
	return r < 0 ? r : 0;
}

/* sethostname/setdomainname: the kernel's checks, in its order. */
static long set_name(struct sentry *s, struct platform_call *call, char *name, size_t size)
{
	struct sentry_task *t = sentry_task_find(s, call->tid);
	if (!t || !s->uts_own || !creds_capable(&t->creds, CAP_SYS_ADMIN))
		return -EPERM;
	int len = (int)call->args[1]; /* the kernel's len is an int */
	if (len < 0 || (size_t)len > size - 1)
		return -EINVAL;
	char buf[65] = {0};
	int r = len ? call->ops->read_mem(call, buf, call->args[0], (size_t)len) : 0;
	if (r < 0)
		return r;
	memset(name, 0, size);
	memcpy(name, buf, (size_t)len);
	return 0;
}

SYS_HANDLER(sethostname)
{
	return set_name(s, call, s->nodename, sizeof(s->nodename));
}

SYS_HANDLER(setdomainname)
{
	return set_name(s, call, s->domainname, sizeof(s->domainname));
}
