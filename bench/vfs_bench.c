/* VFS micro-benchmarks, each reported beside the native syscall in the
 * same run (docs: ratios, not absolute numbers):
 *   resolve   fstatat of a 10-component tmpfs path (target < 1 us)
 *   hostfs    fstatat of a 1-, 5- and 10-component path through hostfs vs
 *             stat(2) of the same host path (target <= 3x native), with
 *             each way of revalidating the cache, and the host calls alone
 *             of revalidating the chain with one openat2
 *   files     RSS cost of 100k empty tmpfs files (target < 64 MiB)
 * Usage: vfs-bench [iterations] */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

enum reval { REVAL_WATCH, REVAL_STRICT, REVAL_TTL };

static const char *reval_name[] = {
	[REVAL_WATCH] = "default (inotify)",
	[REVAL_STRICT] = "strict, fstatat per component",
	[REVAL_TTL] = "dir_ttl_ms=1000",
};

/* A tree of depth components, the last a file; path gets "/c0/c1/...". */
static void make_tree(const char *host, int depth, char *path, size_t n)
{
	char cmd[512];
	path[0] = '\0';
	for (int i = 0; i < depth; i++) {
		size_t l = strlen(path);
		snprintf(path + l, n - l, "/c%d", i);
	}
	char *last = strrchr(path, '/');
	*last = '\0';
	snprintf(cmd, sizeof(cmd), "mkdir -p %s%s && touch %s%s/c%d", host, path, host, path, depth - 1);
	*last = '/';
	if (system(cmd) != 0)
		exit(1);
}

static double time_native(long n, const char *hp)
{
	struct stat st;
	double t0 = now();
	for (long i = 0; i < n; i++)
		if (stat(hp, &st) < 0)
			exit(1);
	return (now() - t0) / (double)n * 1e9;
}

/* The floor of revalidating the chain in one host call: openat2 of the
 * whole relative path beneath the root, fstat, close (no VFS work). */
static double time_openat2_chain(long n, int rootfd, const char *rel)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	struct stat st;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd < 0 || fstat(fd, &st) < 0)
			exit(1);
		close(fd);
	}
	return (now() - t0) / (double)n * 1e9;
}

static void bench_hostfs(long n, int depth)
{
	char host[64];
	snprintf(host, sizeof(host), "/tmp/veil-bench-%d", getpid());
	char path[256];
	make_tree(host, depth, path, sizeof(path));
	char hp[400];
	snprintf(hp, sizeof(hp), "%s%s", host, path);
	printf("hostfs: fstatat of a %d-component path (target <= 3x native)\n", depth);
	for (int mode = REVAL_WATCH; mode <= REVAL_TTL; mode++) {
		struct hostfs_opts o = { .source = host, .strict = mode == REVAL_STRICT,
					 .dir_ttl_ms = mode == REVAL_TTL ? 1000 : 0 };
		struct vfs_sb *sb;
		int r = hostfs_new(&o, &sb);
		if (r < 0)
			die("hostfs", r);
		struct vfs_mount *m;
		struct vfs_ctx ctx;
		new_ctx(sb, &m, &ctx);
		struct stat st;
		if (vfs_fstatat(&ctx, NULL, path, &st, 0) < 0) /* fills the cache */
			exit(1);
		struct hostfs_stats s0, s1;
		hostfs_get_stats(&s0);
		double t0 = now();
		for (long i = 0; i < n; i++)
			if (vfs_fstatat(&ctx, NULL, path, &st, 0) < 0)
				exit(1);
		double vfs = (now() - t0) / (double)n * 1e9;
		hostfs_get_stats(&s1);
		double nat = time_native(n, hp);
		printf("  %-30s %6.0f ns, native stat %5.0f ns, ratio %.2f (per walk: %.1f host checks, %.1f trusted)\n",
		       reval_name[mode], vfs, nat, vfs / nat,
		       (double)(s1.strict - s0.strict) / (double)n,
		       (double)(s1.trusted - s0.trusted) / (double)n);
		vfs_ctx_destroy(&ctx);
		vfs_mount_tree_put(m);
	}
	int rootfd = open(host, O_PATH | O_CLOEXEC);
	if (rootfd < 0)
		exit(1);
	double chain = time_openat2_chain(n, rootfd, path + 1);
	double nat = time_native(n, hp);
	printf("  %-30s %6.0f ns, native stat %5.0f ns, ratio %.2f (host calls alone)\n",
	       "openat2(chain)+fstat+close", chain, nat, chain / nat);
	close(rootfd);
	char cmd[128];
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
	bench_hostfs(n / 4, 1);
	bench_hostfs(n / 4, 5);
	bench_hostfs(n / 4, 10);
	bench_files(100000);
	return 0;
}
