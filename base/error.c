#include "base/error.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

int verr_setv(struct veil_error **err, int errnum, const char *fmt, va_list ap)
{
	if (!err)
		return -1;
	/* The first failure is the one to report; a later one on the unwinding
	 * path would only hide it. */
	if (*err)
		return -1;
	struct veil_error *e = xcalloc(1, sizeof(*e));
	e->errnum = errnum;
	e->msg = xvasprintf(fmt, ap);
	*err = e;
	return -1;
}

int verr_set(struct veil_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr_setv(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

void verr_prefix(struct veil_error **err, const char *fmt, ...)
{
	if (!err || !*err)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = xasprintf("%s: %s", prefix, (*err)->msg);
	free(prefix);
	free((*err)->msg);
	(*err)->msg = msg;
}

char *verr_format(const struct veil_error *err)
{
	if (err->errnum)
		return xasprintf("%s: %s", err->msg, strerror(err->errnum));
	return xstrdup(err->msg);
}

void verr_free(struct veil_error **err)
{
	if (!err || !*err)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}
