#!/bin/sh
# Runs a test binary as an unprivileged user (65534): copies it to a
# world-readable temp dir first, since the build dir may not be readable.
# Exit 77 (skip) when not root or setpriv is missing.
set -eu
[ "$(id -u)" = 0 ] || exit 77
command -v setpriv >/dev/null || exit 77
dir=$(mktemp -d /tmp/veil-unpriv-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cp "$1" "$dir/test"
chmod 755 "$dir" "$dir/test"
shift
cd /
setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/ "$dir/test" "$@"
