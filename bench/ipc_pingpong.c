/* SysV IPC between two processes, for --unshare-ipc (kernel backend
 * against emulate: bench/ipc_bench.sh): round trips through a semaphore
 * pair (each semop trapped and continued under emulate), through two
 * message queues, through shared memory alone (no syscall: what the
 * segment's pages cost once attached), and the life of a segment (get,
 * attach, detach, remove: each call the sentry's). One line per figure:
 * NAME VALUE UNIT.
 *   ipc_pingpong [SCALE] */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void sem_step(int set, unsigned short num, short op)
{
	struct sembuf b = {.sem_num = num, .sem_op = op};
	if (semop(set, &b, 1) < 0)
		die("semop");
}

/* Parent posts 0 and waits on 1; the child the other way round. */
static double sem_rtt(int n)
{
	int set = semget(IPC_PRIVATE, 2, 0600);
	if (set < 0)
		die("semget");
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			sem_step(set, 0, -1);
			sem_step(set, 1, 1);
		}
		_exit(0);
	}
	double t = now_us();
	for (int i = 0; i < n; i++) {
		sem_step(set, 0, 1);
		sem_step(set, 1, -1);
	}
	t = now_us() - t;
	waitpid(pid, NULL, 0);
	semctl(set, 0, IPC_RMID);
	return t / n;
}

struct msg {
	long type;
	char text[64];
};

static double msg_rtt(int n)
{
	int q = msgget(IPC_PRIVATE, 0600);
	if (q < 0)
		die("msgget");
	struct msg m = {.type = 1};
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			if (msgrcv(q, &m, sizeof(m.text), 1, 0) < 0)
				die("msgrcv");
			m.type = 2;
			if (msgsnd(q, &m, sizeof(m.text), 0) < 0)
				die("msgsnd");
		}
		_exit(0);
	}
	double t = now_us();
	for (int i = 0; i < n; i++) {
		m.type = 1;
		if (msgsnd(q, &m, sizeof(m.text), 0) < 0)
			die("msgsnd");
		if (msgrcv(q, &m, sizeof(m.text), 2, 0) < 0)
			die("msgrcv");
	}
	t = now_us() - t;
	waitpid(pid, NULL, 0);
	msgctl(q, IPC_RMID, NULL);
	return t / n;
}

/* A counter in the segment, bumped in turn by spinning on its parity. */
static double shm_spin_rtt(int n)
{
	int id = shmget(IPC_PRIVATE, 4096, 0600);
	if (id < 0)
		die("shmget");
	_Atomic int *c = shmat(id, NULL, 0);
	if (c == (void *)-1)
		die("shmat");
	shmctl(id, IPC_RMID, NULL);
	*c = 0;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			while (atomic_load(c) != 2 * i + 1)
				;
			atomic_store(c, 2 * i + 2);
		}
		_exit(0);
	}
	double t = now_us();
	for (int i = 0; i < n; i++) {
		atomic_store(c, 2 * i + 1);
		while (atomic_load(c) != 2 * i + 2)
			;
	}
	t = now_us() - t;
	waitpid(pid, NULL, 0);
	shmdt((void *)c);
	return t / n;
}

static double shm_life(int n)
{
	double t = now_us();
	for (int i = 0; i < n; i++) {
		int id = shmget(IPC_PRIVATE, 65536, 0600);
		void *p = id < 0 ? (void *)-1 : shmat(id, NULL, 0);
		if (p == (void *)-1)
			die("shmget/shmat");
		shmdt(p);
		shmctl(id, IPC_RMID, NULL);
	}
	return (now_us() - t) / n;
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 1;
	if (scale < 1)
		scale = 1;
	printf("sem_rtt %.2f us\n", sem_rtt(5000 * scale));
	printf("msg_rtt %.2f us\n", msg_rtt(5000 * scale));
	printf("shm_spin_rtt %.2f us\n", shm_spin_rtt(20000 * scale));
	printf("shm_life %.2f us\n", shm_life(2000 * scale));
	return 0;
}
