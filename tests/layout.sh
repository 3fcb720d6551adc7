#!/bin/sh
# The layout's rules (docs/design.md "Layout"): which folder may include
# which. One TAP line per rule; a failing one names the includes that
# break it. Run from meson with the source root as $1.
set -u
cd "$1" || exit 1
n=0
fail=0
# rule NAME DIRS PATTERN: no file under DIRS includes a header matching
# PATTERN (an ERE for the folder).
rule() {
	n=$((n + 1))
	bad=$(grep -rnE "^#include \"$3" $2 --include='*.c' --include='*.h')
	if [ -z "$bad" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$bad" | sed 's/^/# /'
		fail=1
	fi
}
echo "1..5"
rule "spec/ knows base/ only" spec '(cmd|sentry|vfs|fs|platform)/'
rule "vfs/ knows neither the sentry nor the platforms" vfs '(cmd|sentry|fs|platform)/'
rule "fs/ knows vfs/, never the sentry or the platforms" fs '(cmd|sentry|platform)/'
rule "the sentry never includes platform/ (platform.h is the sentry's)" sentry '(cmd|platform)/'
rule "the kernel backend knows nothing of the sentry" platform/ns '(cmd|sentry|vfs|fs)/'
exit $fail
