/* The child -> parent report channel (a SOCK_SEQPACKET socket pair).
 *
 * The setup child and the program child hold the write end (O_CLOEXEC);
 * the parent reads records until EOF, which comes when the last writer
 * exec()s or exits. A record is one write(), one packet: records never
 * merge or interleave. Kinds: EXEC (the program is about to exec, so a
 * later EOF means it did) and ERROR (errnum, status and a message: the
 * failure the parent turns into its *err). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/xalloc.h"
#include "platform/ns/ns_private.h"

struct record {
	int32_t kind;
	int32_t errnum;
	int32_t status;
	char msg[PIPE_BUF - 3 * sizeof(int32_t)];
};

static void write_record(int fd, const struct record *r, size_t len)
{
	ssize_t n;
	do
		n = write(fd, r, len);
	while (n < 0 && errno == EINTR);
	/* Nothing else to do on failure: the parent then sees a plain exit. */
}

void ns_report_exec(int fd)
{
	struct record r = { .kind = NS_REPORT_EXEC };
	write_record(fd, &r, offsetof(struct record, msg));
}

void ns_report_error(int fd, const struct veil_error *err)
{
	struct record r = { .kind = NS_REPORT_ERROR };
	r.errnum = err ? err->errnum : 0;
	r.status = err ? err->status : 0;
	snprintf(r.msg, sizeof(r.msg), "%s", err && err->msg ? err->msg : "setup failed");
	write_record(fd, &r, offsetof(struct record, msg) + strlen(r.msg) + 1);
}

int ns_report_read(int fd, bool *exec_reached, struct veil_error **err)
{
	int failed = 0;
	*exec_reached = false;
	for (;;) {
		struct record r;
		ssize_t n = read(fd, &r, sizeof(r));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((size_t)n < offsetof(struct record, msg))
			continue;
		if (r.kind == NS_REPORT_EXEC) {
			*exec_reached = true;
		} else if (r.kind == NS_REPORT_ERROR && !failed) {
			size_t len = (size_t)n - offsetof(struct record, msg);
			_cleanup_free_ char *msg = xstrndup(r.msg, len);
			verr_set(err, r.errnum, "%s", msg);
			(*err)->status = r.status;
			*exec_reached = false; /* exec itself failed */
			failed = 1;
		}
	}
	return failed;
}
