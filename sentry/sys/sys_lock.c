/* flock and fcntl's OFD locks (F_OFD_SETLK, F_OFD_SETLKW): they run in the
 * kernel, on the program's own fd, but the sentry must see them first.
 *
 * A lock of either kind belongs to an open file and lives until its last
 * reference goes. The platform's directory-fd cache holds a reference on
 * the open file behind a program's directory fd (it must: kcmp's answer
 * is only sound while the file cannot be freed), so a lock on a directory
 * would outlive the program's last close and a second `flock dir` would
 * wait forever. So the kernel runs the call as the program made it
 * (ops->reply_continue), and a platform that keeps such references drops
 * them first, as reply_continue's contract says (platform/unotify: what
 * it keeps, and keeps nothing more, if the fd is a directory): a blocking
 * lock blocks the program, never the sentry's loop. One round trip; for
 * a regular file's lock the platform only takes the fd to fstat it, and
 * not even that once keeping is off.
 *
 * CONTINUE is sound here, and only here: whether the call runs and what it
 * does is decided from the registers alone (the syscall number and, for
 * fcntl, the command); the sentry reads no tracee memory for it, and
 * neither call takes a path. fcntl's struct flock is the kernel's to read.
 * continue_lock() refuses to continue anything else, so no path syscall
 * can reach the host through this door.
 *
 * POSIX record locks (F_SETLK, F_SETLKW) stay native: they belong to the
 * process and go with its close of any fd on the file, whoever else holds
 * the open file.
 *
 * A race the program can only play on itself: another thread that dup2s a
 * directory over the fd between the check and the lock gets a lock that
 * lives as long as the cache's entry (its thread, or a clash). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "base/log.h"
#include "sentry/sys/sys.h"
#include "sentry/sys/sys_args.h"
#include "sentry/sys/sys_procs.h"

static bool is_ofd_setlk(uint64_t cmd)
{
	/* the kernel's cmd is an unsigned int: the upper bits are ignored */
	uint32_t c = (uint32_t)cmd;
	return c == F_OFD_SETLK || c == F_OFD_SETLKW;
}

static long continue_lock(struct platform_call *call)
{
	if (!(call->nr == SYS_flock || (call->nr == SYS_fcntl && is_ofd_setlk(call->args[1])))) {
		log_debug("syscall %d: not a lock, not continued", call->nr);
		return -ENOSYS;
	}
	if (!call->ops->reply_continue) {
		log_debug("locks need the platform's reply_continue");
		return -ENOSYS;
	}
	return sys_continue(call);
}

SYS_HANDLER(flock)
{
	(void)s;
	return continue_lock(call);
}

/* The filter traps fcntl for the OFD-lock commands and for F_SETOWN and
 * F_SETOWN_EX (sentry/sys/sys_procs.c: whose SIGIO); any other that reaches
 * here (a platform that traps more) is refused, not continued. */
SYS_HANDLER(fcntl)
{
	uint32_t cmd = (uint32_t)call->args[1];
	if (call->nr == SYS_fcntl && (cmd == F_SETOWN || cmd == F_SETOWN_EX))
		return sys_procs_setown(s, call);
	return continue_lock(call);
}
