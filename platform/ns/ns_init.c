/* The sandbox's pid 1 (unless --as-pid-1): it forwards the terminating
 * signals it receives to the program, reaps every process the pid
 * namespace hands it, and exits with the program's status.
 *
 * Invariants: it runs with caps dropped and every inherited fd but stdio,
 * --sync-fd and the lock files closed (ns_child.c does that before calling
 * in); the signals it handles are blocked and read from a signalfd, so a
 * signal it does not forward is never fatal to it. After the program exits
 * it waits at most REAP_GRACE_MS for the remaining processes, then exits;
 * as pid 1 of the namespace its exit makes the kernel kill the rest. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform/ns/ns_private.h"

#define REAP_GRACE_MS 500

const int ns_forwarded_signals[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, 0,
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asynchronous signals whose default would end (or stop) pid 1, and with
 * it the sandbox; pid 1 has no use for them. SIGKILL still works. */
static void ignore_the_rest(void)
{
	static const int sigs[] = {
		SIGALRM, SIGPIPE, SIGIO, SIGPROF, SIGVTALRM, SIGPWR, SIGSTKFLT,
		SIGXCPU, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU,
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		signal(sig, SIG_IGN);
}

int ns_init_run(pid_t child)
{
	ignore_the_rest();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; ns_forwarded_signals[i]; i++)
		sigaddset(&set, ns_forwarded_signals[i]);
	/* The caller blocked them already, before fork(), so none was lost. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

	int status = 255;
	bool child_alive = true;
	long deadline = 0;
	for (;;) {
		/* Reap whatever has exited. */
		for (;;) {
			int ws;
			pid_t p = waitpid(-1, &ws, WNOHANG);
			if (p < 0 && errno == EINTR)
				continue;
			if (p < 0) /* ECHILD: nobody left */
				return status;
			if (p == 0)
				break;
			if (p == child) {
				status = ns_exit_status(ws);
				child_alive = false;
				deadline = now_ms() + REAP_GRACE_MS;
			}
		}
		int timeout = -1;
		if (!child_alive) {
			long left = deadline - now_ms();
			if (left <= 0)
				return status;
			timeout = (int)left;
		}
		if (sfd < 0) {
			/* No signalfd: poll for children only. */
			usleep(10000);
			continue;
		}
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		if (poll(&pfd, 1, timeout) <= 0)
			continue;
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			/* SI_KERNEL: from the terminal, which signalled the
			 * program's process group too. */
			if ((int)si.ssi_signo != SIGCHLD && si.ssi_code != SI_KERNEL && child_alive)
				kill(child, (int)si.ssi_signo);
		}
	}
}
