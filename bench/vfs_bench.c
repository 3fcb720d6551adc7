/* VFS micro-benchmarks, each reported beside the native syscall in the
 * same run (docs: ratios, not absolute numbers):
 *   resolve   fstatat of a 10-component tmpfs path (target < 1 us)
 *   hostfs    fstatat of a 5-component path through hostfs vs stat(2) of
 *             the same host path (target <= 3x native)
 *   files     RSS cost of 100k empty tmpfs files (target < 64 MiB)
 * Usage: vfs-bench [iterations] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs/hostfs/hostfs.h"
#include "fs/tmpfs/tmpfs.h"
#include "vfs/vfs.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int die(const char *what, int r)
{
	fprintf(stderr, "vfs-bench: %s: %s\n", what, strerror(-r));
	exit(1);
}

static void new_ctx(struct vfs_sb *sb, struct vfs_mount **m, struct vfs_ctx *ctx)
{
	int r = vfs_mount_root(sb, 0, m);
	if (r < 0)
		die("mount", r);
	vfs_sb_put(sb);
	struct vfs_cred c;
	vfs_cred_init(&c, 0, 0);
	vfs_ctx_init(ctx, *m, &c);
}

static void bench_resolve(long n)
{
	struct vfs_sb *sb;
	struct vfs_mount *m;
	struct vfs_ctx ctx;
	if (tmpfs_new(NULL, &sb) < 0)
		exit(1);
	new_ctx(sb, &m, &ctx);
	char path[64] = "";
	for (int i = 0; i < 10; i++) {
		size_t l = strlen(path);
		snprintf(path + l, sizeof(path) - l, "/%c", 'a' + i);
		int r = i < 9 ? vfs_mkdirat(&ctx, NULL, path, 0755)
			      : vfs_mknodat(&ctx, NULL, path, S_IFREG | 0644, 0);
		if (r < 0)
			die("setup", r);
	}
	/* the same tree on the host's tmpfs, for the native figure */
	char host[128];
	snprintf(host, sizeof(host), "/dev/shm/veil-bench-%d", getpid());
	char hp[400];
	snprintf(hp, sizeof(hp), "mkdir -p %s/a/b/c/d/e/f/g/h/i && touch %s/a/b/c/d/e/f/g/h/i/j", host,
		 host);
	if (system(hp) != 0)
		exit(1);
	snprintf(hp, sizeof(hp), "%s%s", host, path);

	struct stat st;
	double t0 = now();
	for (long i = 0; i < n; i++)
		if (vfs_fstatat(&ctx, NULL, path, &st, 0) < 0)
			exit(1);
	double vfs = (now() - t0) / (double)n * 1e9;
	t0 = now();
	for (long i = 0; i < n; i++)
		if (stat(hp, &st) < 0)
			exit(1);
	double nat = (now() - t0) / (double)n * 1e9;
	printf("resolve: 10-component tmpfs fstatat %.0f ns, native stat %.0f ns, ratio %.2f (target < 1000 ns)\n",
	       vfs, nat, vfs / nat);
	snprintf(hp, sizeof(hp), "rm -rf %s", host);
	if (system(hp) != 0)
		exit(1);
	vfs_ctx_destroy(&ctx);
	vfs_mount_tree_put(m);
}

static void bench_hostfs(long n, unsigned ttl)
{
	char host[64];
	snprintf(host, sizeof(host), "/tmp/veil-bench-%d", getpid());
	char cmd[192];
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/a/b/c/d && touch %s/a/b/c/d/e", host, host);
	if (system(cmd) != 0)
		exit(1);
	struct hostfs_opts o = { .source = host, .dir_ttl_ms = ttl };
	struct vfs_sb *sb;
	int r = hostfs_new(&o, &sb);
	if (r < 0)
		die("hostfs", r);
	struct vfs_mount *m;
	struct vfs_ctx ctx;
	new_ctx(sb, &m, &ctx);
	char hp[128];
	snprintf(hp, sizeof(hp), "%s/a/b/c/d/e", host);
	struct stat st;
	double t0 = now();
	for (long i = 0; i < n; i++)
		if (vfs_fstatat(&ctx, NULL, "/a/b/c/d/e", &st, 0) < 0)
			exit(1);
	double vfs = (now() - t0) / (double)n * 1e9;
	t0 = now();
	for (long i = 0; i < n; i++)
		if (stat(hp, &st) < 0)
			exit(1);
	double nat = (now() - t0) / (double)n * 1e9;
	printf("hostfs (dir_ttl_ms=%u): 5-component fstatat %.0f ns, native stat %.0f ns, ratio %.2f (target <= 3)\n",
	       ttl, vfs, nat, vfs / nat);
	vfs_ctx_destroy(&ctx);
	vfs_mount_tree_put(m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", host);
	if (system(cmd) != 0)
		exit(1);
}

static void bench_files(int nfiles)
{
	struct vfs_sb *sb;
	struct vfs_mount *m;
	struct vfs_ctx ctx;
	if (tmpfs_new(NULL, &sb) < 0)
		exit(1);
	new_ctx(sb, &m, &ctx);
	long before = rss_kib();
	char p[32];
	double t0 = now();
	for (int i = 0; i < nfiles; i++) {
		snprintf(p, sizeof(p), "/f%d", i);
		int r = vfs_mknodat(&ctx, NULL, p, S_IFREG | 0644, 0);
		if (r < 0)
			die("mknod", r);
	}
	double dt = now() - t0;
	long after = rss_kib();
	printf("files: %d empty tmpfs files: RSS +%.1f MiB (%.0f bytes/file, target < 64 MiB), %.0f ns/create\n",
	       nfiles, (double)(after - before) / 1024, (double)(after - before) * 1024 / nfiles,
	       dt / nfiles * 1e9);
	vfs_ctx_destroy(&ctx);
	vfs_mount_tree_put(m);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	bench_resolve(n);
	bench_hostfs(n / 4, 0);
	bench_hostfs(n / 4, 1000);
	bench_files(100000);
	return 0;
}
