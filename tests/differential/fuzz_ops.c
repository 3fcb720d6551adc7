/* Random operation sequences for the differential engine: bytes in, a
 * scenario of up to FUZZ_MAX_STEPS steps out, replayed on the VFS and on
 * the kernel with only the two sides compared. Used by the libFuzzer target
 * (fuzz_libfuzzer.c) and by a seeded random run in the test suite
 * (fuzz_random.c). */
#include <stdint.h>
#include <stdlib.h>

#include "tests/differential/fuzz.h"
#include "tests/differential/steps.h"

#define FUZZ_MAX_STEPS 48

static const char *const paths[] = {
	"/a", "/b", "/a/c", "/b/d", "/l", "/a/l2", "/", "/a/..", "/nope/x", "/a/", "/l/", "/f",
	"/a/c/e", "/b/f", "l", "a/c", ".", "..", "/f/", "/ro",
};
/* With SETUP_MOUNTS: names on and across the extra mounts. */
static const char *const mpaths[] = {
	"/mnt/a", "/mnt/b", "/mnt", "/mnt/..", "/rom/a", "/rom", "/small/a", "/small/b",
	"/small/c", "/small", "/a", "/mnt/a/..", "/l", "/mnt/l", "/small/l", "/rom/..",
};
/* With SETUP_HOST: the host tree's links and names (see make_tree). */
static const char *const hpaths[] = {
	"/h/d", "/h/f", "/h/abs", "/h/up", "/h/upf", "/h/etc", "/h/loop", "/h/tod/g", "/h/d/back",
	"/h/d/e/deep", "/h/new", "/h/d/new", "/hro/f", "/hro/d", "/h/dangle", "/h/d/e",
	"/h/tod/x", "/h/abs/h/f", "/h/..", "/hro/new",
};
/* With SETUP_OVERLAY: every kind of overlay name (see diff_overlay.c). */
static const char *const opaths[] = {
	"/ov/m", "/ov/m/a", "/ov/m/b", "/ov/m/c", "/ov/lo", "/ov/lo/f", "/ov/lo/sub", "/ov/f1",
	"/ov/both", "/ov/od", "/ov/od/top", "/ov/od/hidden", "/ov/wo", "/ov/hl", "/ov/hl2",
	"/ov/sl", "/ov/emptyd", "/ov/dirfile", "/ov/m2", "/ov/new", "/ov/m/new", "/ovr/m/a",
	"/ovr/f1", "/ov", "/ov/xf", "/ov/sx", "/ov/lo/sub/g", "/ov/m2/f",
};
/* Host-side changes between steps (SETUP_HOST): names relative to the
 * tree, some cached by earlier steps through the hpaths above. */
static const char *const hnames[] = { "d", "d/e", "f", "x", "d/g", "tod", "d/e/k", "d/x", "new" };
static const char *const htargets[] = { "/", "d", "../../..", "/etc/passwd", "f", "nowhere" };
static const long hmodes[] = { 0755, 0700, 0711, 0 };

static const long resolves[] = { 0, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS,
				 RESOLVE_NO_XDEV, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
static const char *const targets[] = { "a", "/b", "../a", "l", "f", "/a/c", "nope", "a/c/.." };
static const char *const xnames[] = { "user.a", "user.b", "trusted.t", "user." };
/* The overlay world leaves out "user.": overlayfs validates a name only on
 * the upper, after copy-up, so its failing setxattr copies up, which the
 * VFS's early EINVAL does not (docs/overlay.md). */
static const char *const oxnames[] = { "user.a", "user.b", "trusted.t", "trusted.overlay.o" };
static const long modes[] = { 0755, 0700, 0644, 0600, 01777, 02755, 04755, 0 };
static const long oflags[] = {
	O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT | O_EXCL, O_RDWR | O_TRUNC,
	O_RDONLY | O_DIRECTORY, O_PATH, O_WRONLY | O_APPEND, O_RDONLY | O_NOFOLLOW,
};

static const char *pick(const char *const *v, size_t n, uint8_t b)
{
	return v[b % n];
}

#define PICK(v, b) pick(v, sizeof(v) / sizeof(v[0]), b)

static struct diff_step host_change(const uint8_t *b)
{
	const char *p = PICK(hnames, b[1]), *q = PICK(hnames, b[2]);
	switch (b[3] % 6) {
	case 0: return (struct diff_step)HOST(DIFF_HOST_RENAME, p, q, (b[3] >> 3) % 3 == 1 ? RENAME_EXCHANGE : 0);
	case 1: return (struct diff_step)HOST_SYMLINK(p, PICK(htargets, b[2]));
	case 2: return (struct diff_step)HOST_CHMOD(p, hmodes[(b[3] >> 3) % 4]);
	case 3: return (struct diff_step)HOST(DIFF_HOST_UNLINK, p, NULL, b[2] & 1 ? AT_REMOVEDIR : 0);
	case 4: return (struct diff_step)HOST_MKDIR(p, hmodes[(b[3] >> 3) % 4]);
	default: return (struct diff_step)HOST_MKFILE(p, 0644);
	}
}

int fuzz_one(const uint8_t *data, size_t size, bool verbose)
{
	if (size < 1)
		return 0;
	/* the first byte picks the world: plain tmpfs, extra mounts, host tree */
	unsigned setup = data[0] % 3 == 1 ? SETUP_MOUNTS : data[0] % 3 == 2 ? SETUP_HOST : SETUP_PLAIN;
	return fuzz_one_in(setup, data + 1, size - 1, verbose);
}

int fuzz_one_in(unsigned setup, const uint8_t *data, size_t size, bool verbose)
{
	struct diff_step steps[FUZZ_MAX_STEPS];
	int n = 0;
	for (size_t i = 0; i + 4 <= size && n < FUZZ_MAX_STEPS; i += 4) {
		const uint8_t *b = data + i;
		struct diff_step s = { .expect = ANY };
		const char *p = PICK(paths, b[1]), *q = PICK(paths, b[2]);
		if (setup == SETUP_MOUNTS && (b[1] & 1))
			p = PICK(mpaths, b[1] >> 1);
		if (setup == SETUP_MOUNTS && (b[2] & 1))
			q = PICK(mpaths, b[2] >> 1);
		if (setup == SETUP_HOST && (b[1] & 1))
			p = PICK(hpaths, b[1] >> 1);
		if (setup == SETUP_HOST && (b[2] & 1))
			q = PICK(hpaths, b[2] >> 1);
		if ((setup & SETUP_OVERLAY) && (b[1] & 3))
			p = PICK(opaths, b[1] >> 2);
		if ((setup & SETUP_OVERLAY) && (b[2] & 3))
			q = PICK(opaths, b[2] >> 2);
		long m = modes[b[3] % 8];
		switch (b[0] % 24) {
		case 0: s = (struct diff_step)MKDIR(p, m, ANY); break;
		case 1: s = (struct diff_step)MKNOD(p, S_IFREG | m, 0, ANY); break;
		case 2:
			if (setup == SETUP_HOST) /* the host tree changes often enough to matter */
				s = host_change(b);
			else /* no fifos: opens block */
				s = (struct diff_step)MKNOD(p, S_IFSOCK | 0644, 0, ANY);
			break;
		case 3: s = (struct diff_step)OPEN(1 + b[3] % 3, p, oflags[b[2] % 8], 0640, ANY); break;
		case 4: s = (struct diff_step)CLOSE(1 + b[3] % 3); break;
		case 5: s = (struct diff_step)UNLINK(p, ANY); break;
		case 6: s = (struct diff_step)RMDIR(p, ANY); break;
		case 7: s = (struct diff_step)RENAME(p, q, (b[3] % 3 == 0) ? RENAME_NOREPLACE : (b[3] % 3 == 1) ? RENAME_EXCHANGE : 0, ANY); break;
		case 8: s = (struct diff_step)LINK(p, q, b[3] & 1 ? AT_SYMLINK_FOLLOW : 0, ANY); break;
		case 9: s = (struct diff_step)SYMLINK(p, PICK(targets, b[2]), ANY); break;
		case 10: s = (struct diff_step)READLINK(p, ANY); break;
		case 11: s = (struct diff_step)STAT(p, ANY); break;
		case 12: s = (struct diff_step)LSTAT(p, ANY); break;
		case 13: s = (struct diff_step)CHMOD(p, m, ANY); break;
		case 14: {
			/* hostfs maps only id 0 (others: EINVAL, by design) */
			long u = setup == SETUP_HOST ? 0 : 1000, g = setup == SETUP_HOST ? 0 : 2000;
			s = (struct diff_step)CHOWN(p, b[3] & 1 ? u : -1, b[3] & 2 ? g : -1, ANY);
			break;
		}
		case 15: s = (struct diff_step)TRUNC(p, b[3] % 5 * 100, ANY); break;
		case 16: s = (struct diff_step)WRITE(1 + b[3] % 3, "data", ANY); break;
		case 17: s = (struct diff_step)ACCESS(p, b[3] % 8, b[2] & 1 ? AT_EACCESS : 0, ANY); break;
		case 18:
			/* hostfs maps only root: other creators are a known, by-design
			 * difference (their files belong to the sentry) */
			if (setup == SETUP_HOST)
				s = (struct diff_step)OPEN2(1 + b[3] % 3, 1 + b[2] % 3, p, O_RDONLY,
							    resolves[b[1] % 6], ANY);
			else
				s = (struct diff_step)CRED(b[3] % 4);
			break;
		case 19:
			if (setup == SETUP_HOST)
				s = host_change(b);
			else
				s = (struct diff_step)UMASK(b[3] & 1 ? 022 : 077);
			break;
		case 20:
			s = (struct diff_step)SETX(p, (setup & SETUP_OVERLAY) ? PICK(oxnames, b[2])
									 : PICK(xnames, b[2]),
						   b[3] % 4, 0, ANY);
			break;
		case 21:
			s = (struct diff_step)GETX(p, (setup & SETUP_OVERLAY) ? PICK(oxnames, b[2])
									 : PICK(xnames, b[2]),
						   64, ANY);
			break;
		case 22:
			if (b[3] & 1)
				s = (struct diff_step)CHDIR(p, ANY);
			else
				s = (struct diff_step)OPEN2(1 + b[3] % 3, (b[2] & 3) ? 1 + b[2] % 3 : 0, p,
							    (b[1] & 1) ? O_PATH : O_RDONLY,
							    resolves[(b[1] >> 1) % 6], ANY);
			break;
		case 23: s = (struct diff_step)LS(p, ANY); break;
		}
		s.expect = ANY;
		steps[n++] = s;
	}
	if (n == 0)
		return 0;
	struct diff_scenario sc = { .name = "fuzz", .setup = setup, .steps = steps, .nsteps = n };
	long total = 0;
	return diff_run(&sc, false, verbose, &total);
}
