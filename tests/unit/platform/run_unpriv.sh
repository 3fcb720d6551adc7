#!/bin/sh
# Runs a test binary as an unprivileged user (65534): copies it, and every
# argument that names a file, to a world-readable temp dir first, since the
# build dir may not be readable. Exit 77 (skip) when not root or setpriv is
# missing.
set -eu
[ "$(id -u)" = 0 ] || exit 77
command -v setpriv >/dev/null || exit 77
dir=$(mktemp -d /tmp/veil-unpriv-XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
test=$dir/test
cp "$1" "$test"
shift
n=0
for a in "$@"; do
	if [ -f "$a" ]; then
		n=$((n + 1))
		cp "$a" "$dir/arg$n"
		a=$dir/arg$n
	fi
	set -- "$@" "$a"
	shift
done
chmod -R a+rX "$dir"
cd /
setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/ "$test" "$@"
