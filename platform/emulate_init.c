/* The sandbox's pid 1 under the emulate backend's pid namespace
 * (emulate_init.h). It runs in the sandbox, under the sentry's filter, as
 * a task of the namespace: its fork returns the program's number (2),
 * its waits and kills go through the namespace like the program's own.
 * It waits with sigtimedwait, not a signalfd (whose ssi_pid the namespace
 * does not translate). Orphans come to it: it is the child subreaper. */
#include "platform/emulate_init.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REAP_GRACE_MS 500

static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP,  SIGQUIT,
				SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

void emulate_init_block(sigset_t *saved)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asynchronous signals whose default would end pid 1, and with it the
 * sandbox (the kernel backend's list, ns_init.c). */
static void ignore_the_rest(void)
{
	static const int sigs[] = {SIGALRM, SIGPIPE, SIGIO,  SIGPROF, SIGVTALRM, SIGPWR,
				   SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		signal(sig, SIG_IGN);
}

int emulate_init_run(pid_t child)
{
	/* The program has its copy: pid 1 itself needs no capability, and
	 * holds none, as bubblewrap's (`getpcaps 1` shows `=`). Through the
	 * sentry: capset changes this task's sandbox credentials. */
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct none[2] = {{0}};
	syscall(SYS_capset, &h, none);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	ignore_the_rest();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	int status = 255;
	bool alive = true;
	long deadline = 0;
	for (;;) {
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
				status = WIFEXITED(ws) ? WEXITSTATUS(ws)
				       : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
				alive = false;
				deadline = now_ms() + REAP_GRACE_MS;
			}
		}
		struct timespec ts = {.tv_sec = 3600};
		if (!alive) {
			long left = deadline - now_ms();
			if (left <= 0)
				return status;
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000;
		}
		siginfo_t si;
		int sig = sigtimedwait(&set, &si, &ts);
		/* SI_KERNEL: from the terminal, which signalled the program's
		 * process group too. */
		if (sig > 0 && sig != SIGCHLD && si.si_code != SI_KERNEL && alive)
			kill(child, sig);
	}
}
